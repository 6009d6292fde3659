// What a rerun of `roi-ops batch` trusts (cli/resume.ts), in this process with real files: a job
// run through runJob is recorded done after its outputs are in place; it stays done when its
// line's fields are reordered; it is not done when an option changes, an output is truncated,
// replaced, touched, deleted or turned into a directory, or the marker is damaged; and a job
// whose argmax could not be renamed into place has no marker, so it runs again.
import { copyFileSync, mkdirSync, renameSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { writeNpy } from '../../cli/io/npy.js';
import { defaultMaxJobBytes } from '../../cli/job-memory.js';
import { readJobSpec, type JobSpec } from '../../cli/job-spec.js';
import { isRecordedDone, markerPathFor, recordDone } from '../../cli/resume.js';
import { runJob, type JobPlaces } from '../../cli/run-job.js';
import { pattern, temporaryDirectory } from '../helpers/cli.js';

// A rename into this path fails with EACCES (as on a directory the process may not write).
let failRenameTo: string | undefined;
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const renameSync = (from: import('node:fs').PathLike, to: import('node:fs').PathLike) => {
    if (String(to) === failRenameTo) throw Object.assign(new Error('EACCES: injected'), { code: 'EACCES' });
    actual.renameSync(from, to);
  };
  return { ...actual, renameSync, default: { ...actual, renameSync } };
});

const dir = temporaryDirectory('resume');
const data = join(dir, 'data');
let outDir = '';
let serial = 0;

const fields = {
  op: 'roiPool',
  input: 'map.npy',
  boxes: 'boxes.json',
  output: 'pool/values.npy',
  argmaxOutput: 'pool/argmax.npy',
  outputSize: 2,
};
const specOf = (jobFields: Record<string, unknown>): JobSpec => readJobSpec(jobFields, (field) => `"${field}"`);
const spec = specOf(fields);

const placesIn = (out: string): JobPlaces => ({
  input: (path) => join(data, path),
  output: (path) => join(out, path),
  jobWritten: (job, written) => recordDone(out, job, written),
});
const done = (job: JobSpec = spec) => isRecordedDone(outDir, job, (path) => join(outDir, path));
const outputPath = (path: string) => join(outDir, path);

beforeAll(() => {
  mkdirSync(data);
  writeNpy(join(data, 'map.npy'), { data: pattern(1 * 3 * 8 * 9), shape: [1, 3, 8, 9] });
  writeFileSync(join(data, 'boxes.json'), '[[0, 1, 1, 6, 5], [0, 0, 2, 8, 7]]');
});

/** The jobs here are tiny; the default bound (half the memory) never matters. */
const limits = { maxJobBytes: defaultMaxJobBytes() };

beforeEach(async () => {
  outDir = join(dir, `out-${++serial}`);
  await runJob(spec, placesIn(outDir), limits);
});

describe('resume: a job is done when its marker and its outputs agree', () => {
  it('runJob records the job done after writing; reordered fields are the same job', () => {
    expect(done()).toBe(true);
    const reordered = Object.fromEntries(Object.entries(fields).reverse());
    expect(done(specOf(reordered))).toBe(true);
  });

  it('a changed option, input or output name is another job', () => {
    expect(done(specOf({ ...fields, outputSize: 3 }))).toBe(false);
    expect(done(specOf({ ...fields, spatialScale: 0.5 }))).toBe(false);
    expect(done(specOf({ ...fields, input: 'other.npy' }))).toBe(false);
    expect(done(specOf({ ...fields, argmaxOutput: 'pool/argmax2.npy' }))).toBe(false);
    // A line nested too deeply to write out again is not done either, and is no error.
    expect(done(specOf({ ...fields, extra: JSON.parse(`${'['.repeat(400_000)}${']'.repeat(400_000)}`) }))).toBe(false);
  });

  it.each([
    ['truncated', () => truncateSync(outputPath('pool/values.npy'), 100)],
    [
      'replaced by a copy of itself (another inode)',
      () => {
        copyFileSync(outputPath('pool/argmax.npy'), outputPath('pool/copy.npy'));
        renameSync(outputPath('pool/copy.npy'), outputPath('pool/argmax.npy'));
      },
    ],
    ['touched (another mtime)', () => utimesSync(outputPath('pool/values.npy'), new Date(0), new Date(0))],
    ['deleted', () => rmSync(outputPath('pool/argmax.npy'))],
    [
      'turned into a directory',
      () => {
        rmSync(outputPath('pool/values.npy'));
        mkdirSync(outputPath('pool/values.npy'));
      },
    ],
  ])('an output %s: not done', (_, change) => {
    change();
    expect(done()).toBe(false);
  });

  it.each([
    ['missing', (marker: string) => rmSync(marker)],
    ['not JSON', (marker: string) => writeFileSync(marker, '{"job": ')],
    ['JSON of another shape', (marker: string) => writeFileSync(marker, '{"job": 1, "files": [null, 7]}')],
    ['a directory', (marker: string) => (rmSync(marker), mkdirSync(marker))],
    ['over 1 MiB', (marker: string) => writeFileSync(marker, ' '.repeat(2 << 20))],
    [
      'JSON nested too deeply to write out',
      (marker: string) => writeFileSync(marker, `{"files": [], "job": ${'['.repeat(400_000)}${']'.repeat(400_000)}}`),
    ],
  ])('a marker %s: not done (the job reruns), no error', (_, damage) => {
    damage(markerPathFor(outDir, spec.output));
    expect(done()).toBe(false);
  });

  it.each([
    ['a first run', 'out-first'],
    ['a forced rerun of a done job', ''],
  ])(
    'in %s, the argmax cannot be renamed into place: the job fails naming it and is not done; a rerun finishes',
    async (_, fresh) => {
      const out = fresh === '' ? outDir : join(dir, fresh);
      const places = placesIn(out);
      failRenameTo = join(out, 'pool', 'argmax.npy');
      try {
        await expect(runJob(spec, places, limits)).rejects.toThrow(`${failRenameTo}: cannot write the file (EACCES: `);
      } finally {
        failRenameTo = undefined;
      }
      // The values were renamed into place; whatever marker there is does not vouch for them.
      expect(isRecordedDone(out, spec, (path) => join(out, path))).toBe(false);
      await runJob(spec, places, limits);
      expect(isRecordedDone(out, spec, (path) => join(out, path))).toBe(true);
    },
  );
});
