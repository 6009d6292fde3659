// `roi-ops batch`: every job's output equals the library call; a bad job fails alone; a rerun
// skips what is done without touching it; shards split the manifest into disjoint parts whose
// union is the full run; progress is plain lines off a terminal; SIGINT and SIGTERM leave only
// complete files and exit 130 and 143; no temporary file survives any of it.
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  cropAndResizeSync,
  psRoiAlignSync,
  roiAlignSync,
  roiPoolSync,
  spatialPyramidPoolSync,
} from '../../lib/index.js';
import { writeNpy } from '../../cli/io/npy.js';
import { readTensorFile } from '../../cli/io/tensor-file.js';
import { markerDirectory } from '../../cli/resume.js';
import type { Tensor } from '../../lib/types.js';
import { ensureBuilt, listFiles, listOutputs, pattern, runCli, startCli, temporaryDirectory } from '../helpers/cli.js';

const dir = temporaryDirectory('batch');
const data = join(dir, 'data');
const batch = (...args: string[]) => runCli(['batch', ...args], { cwd: dir });

const map = { data: pattern(1 * 8 * 10 * 12), shape: [1, 8, 10, 12] };
const boxes = { data: Float32Array.from([0, 1, 1, 9, 7, 0, 4, 2, 11, 9, 0, 0, 0, 3, 3]), shape: [3, 5] };
const image = { data: pattern(1 * 6 * 7 * 2, 3), shape: [1, 6, 7, 2] };
const cropBoxes = { data: Float32Array.from([0, 0, 1, 1, 0.2, 0.3, 0.9, 0.6]), shape: [2, 4] };

interface ManifestJob {
  fields: Record<string, unknown>;
  expected: () => Tensor & { argmax?: Int32Array };
}

/** Six good jobs; job j belongs to shard j mod n. */
const jobs: ManifestJob[] = [
  {
    fields: {
      op: 'roiAlign',
      input: 'map.npy',
      boxes: 'boxes.json',
      output: 'align.npy',
      outputSize: [2, 3],
      samplingRatio: 2,
      aligned: true,
    },
    expected: () => roiAlignSync(map, boxes, { outputSize: [2, 3], samplingRatio: 2, aligned: true }),
  },
  {
    fields: {
      op: 'roiPool',
      input: 'map.npy',
      boxes: 'boxes.json',
      output: 'pool/values.npy',
      argmaxOutput: 'pool/argmax.npy',
      outputSize: 2,
    },
    expected: () => roiPoolSync(map, boxes, { outputSize: 2, returnArgmax: true }),
  },
  {
    fields: {
      op: 'psRoiAlign',
      input: 'map.npy',
      boxes: 'boxes.json',
      output: 'ps.npy',
      outputSize: 2,
      spatialScale: 0.5,
    },
    expected: () => psRoiAlignSync(map, boxes, { outputSize: 2, spatialScale: 0.5 }),
  },
  {
    fields: { op: 'spatialPyramidPool', input: 'map.npy', output: 'spp.npy', levels: [1, 2] },
    expected: () => spatialPyramidPoolSync(map, { levels: [1, 2] }),
  },
  {
    fields: {
      op: 'cropAndResize',
      input: 'image.npy',
      boxes: 'crop-boxes.npy',
      output: 'crops/crops.npy',
      cropSize: [3, 2],
    },
    expected: () => cropAndResizeSync(image, cropBoxes, [0, 0], [3, 2]),
  },
  {
    fields: {
      op: 'roiAlign',
      input: 'map.npy',
      boxes: 'boxes.json',
      output: 'align-max.npy',
      outputSize: 2,
      mode: 'max',
      threads: 1,
    },
    expected: () => roiAlignSync(map, boxes, { outputSize: 2, mode: 'max' }),
  },
];

const outputsOf = (job: ManifestJob) =>
  [job.fields.output, job.fields.argmaxOutput].filter((path): path is string => typeof path === 'string');
const allOutputs = jobs.flatMap(outputsOf).sort();
const manifest = (entries: Array<ManifestJob | string>) =>
  `${entries.map((entry) => (typeof entry === 'string' ? entry : JSON.stringify(entry.fields))).join('\n')}\n`;

beforeAll(() => {
  ensureBuilt();
  mkdirSync(data);
  writeNpy(join(data, 'map.npy'), map);
  writeFileSync(
    join(data, 'boxes.json'),
    JSON.stringify(Array.from({ length: 3 }, (_, k) => Array.from(boxes.data.subarray(k * 5, k * 5 + 5)))),
  );
  writeNpy(join(data, 'image.npy'), image);
  writeNpy(join(data, 'crop-boxes.npy'), cropBoxes);
  writeFileSync(join(data, 'jobs.jsonl'), manifest(jobs));
}, 120_000);

/** The outputs under `outDir` equal each job's library call. */
async function expectOutputsOfLibrary(outDir: string, selected: ManifestJob[] = jobs): Promise<void> {
  for (const job of selected) {
    const want = job.expected();
    const written = await readTensorFile(join(dir, outDir, job.fields.output as string));
    expect(written.shape).toEqual(want.shape);
    expect(written.data).toEqual(want.data);
    if (want.argmax)
      expect((await readTensorFile(join(dir, outDir, job.fields.argmaxOutput as string))).data).toEqual(want.argmax);
  }
}

const bytesOf = (outDir: string, path: string) => readFileSync(join(dir, outDir, path));
/** The files under `outDir` apart from the markers of finished jobs (cli/resume.ts), which are listed apart. */
const outputsIn = (outDir: string) => listOutputs(join(dir, outDir));
const markersIn = (outDir: string) =>
  listFiles(join(dir, outDir)).filter((path) => path.startsWith(`${markerDirectory}/`));

describe('roi-ops batch', () => {
  it('runs every job: outputs equal the library calls, plain progress lines on stderr, no temporary file', async () => {
    const result = batch('data/jobs.jsonl', '--out-dir', 'out-all');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^roi-ops batch: 6 done, 0 failed, 0 skipped \(already done\) of 6 jobs \(data\/jobs\.jsonl\) in [\d.]+ s\n$/,
    );
    // stderr is a pipe here, not a terminal: lines, never a carriage return.
    expect(result.stderr).not.toContain('\r');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('roi-ops batch: 6 jobs: 6 to run, 0 already done');
    expect(lines[1]).toMatch(/^roi-ops batch: 1\/6 jobs \(16%\), [\d.]+ jobs\/s, ETA \d+:\d\d$/);
    expect(lines.at(-1)).toMatch(/^roi-ops batch: 6\/6 jobs \(100%\), [\d.]+ jobs\/s, ETA 0:00$/);
    expect(outputsIn('out-all')).toEqual(allOutputs);
    expect(markersIn('out-all')).toHaveLength(jobs.length);
    await expectOutputsOfLibrary('out-all');
  });

  it('resumes: a rerun skips every finished job and leaves its files untouched', async () => {
    const before = allOutputs.map((path) => statSync(join(dir, 'out-all', path)).mtimeMs);
    const result = batch('data/jobs.jsonl', '--out-dir', 'out-all', '--json');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      jobs: 6,
      done: 0,
      skipped: 6,
      failed: 0,
      notRun: 0,
      failures: [],
    });
    expect(allOutputs.map((path) => statSync(join(dir, 'out-all', path)).mtimeMs)).toEqual(before);
    // --force runs them again, into the same bytes.
    const forced = batch('data/jobs.jsonl', '--out-dir', 'out-all', '--json', '--force');
    expect(JSON.parse(forced.stdout)).toMatchObject({ done: 6, skipped: 0 });
    await expectOutputsOfLibrary('out-all');
  });

  it('reports a bad job by its line, exits 1 with the counts, and runs the others', async () => {
    const bad = [
      jobs[0] as ManifestJob,
      {
        fields: { op: 'roiAlign', input: 'map.npy', boxes: 'boxes.json', output: 'zero.npy', outputSize: 0 },
        expected: () => map,
      },
      '',
      'this is not JSON',
      jobs[2] as ManifestJob,
      {
        fields: { op: 'roiAlign', input: 'nowhere.npy', boxes: 'boxes.json', output: 'lost.npy', outputSize: 2 },
        expected: () => map,
      },
      jobs[3] as ManifestJob,
    ];
    writeFileSync(join(data, 'bad.jsonl'), manifest(bad));
    const result = batch('data/bad.jsonl', '--out-dir', 'out-bad', '--json');
    expect(result.status).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      manifestJobs: 6,
      jobs: 6,
      done: 3,
      skipped: 0,
      failed: 3,
      notRun: 0,
      interruptedBy: null,
    });
    expect(summary.failures).toEqual([
      {
        line: 2,
        output: 'zero.npy',
        message: 'roiAlign: expected an integer >= 1 for options.outputSize but received 0 (number)',
      },
      { line: 4, message: expect.stringMatching(/^not valid JSON \(/) },
      { line: 6, output: 'lost.npy', message: expect.stringMatching(/^data\/nowhere\.npy: .*ENOENT/) },
    ]);
    expect(result.stderr).toContain('roi-ops batch: line 2 (zero.npy): roiAlign: expected an integer >= 1');
    expect(result.stderr).toContain('roi-ops batch: line 4: not valid JSON');
    expect(outputsIn('out-bad')).toEqual(['align.npy', 'ps.npy', 'spp.npy']);
    expect(markersIn('out-bad')).toHaveLength(3);
    await expectOutputsOfLibrary('out-bad', [jobs[0], jobs[2], jobs[3]] as ManifestJob[]);

    const text = batch('data/bad.jsonl', '--out-dir', 'out-bad');
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('roi-ops batch: 0 done, 3 failed, 3 skipped (already done) of 6 jobs');
    expect(text.stdout).toContain('failed: line 2, line 4, line 6');
  });

  it('refuses, as failed jobs, outputs outside --out-dir and two jobs writing one file', () => {
    const lines = [
      jobs[0] as ManifestJob,
      { ...(jobs[5] as ManifestJob), fields: { ...jobs[5]?.fields, output: 'align.npy' } },
      { ...(jobs[5] as ManifestJob), fields: { ...jobs[5]?.fields, output: '../escape.npy' } },
    ];
    writeFileSync(join(data, 'clash.jsonl'), manifest(lines));
    const result = batch('data/clash.jsonl', '--out-dir', 'out-clash', '--json');
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).failures).toEqual([
      { line: 2, message: 'output "align.npy" is also written by line 1' },
      { line: 3, message: 'output "../escape.npy" is not a relative path inside --out-dir' },
    ]);
    expect(outputsIn('out-clash')).toEqual(['align.npy']);
  });

  it('--shard i/n: job j runs in shard j mod n; shards are disjoint and their union is the full run', () => {
    const shardOutputs = [0, 1].map((i) => {
      const result = batch('data/jobs.jsonl', '--out-dir', `out-shard${i}`, '--shard', `${i}/2`, '--json');
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        shard: { index: i, count: 2 },
        manifestJobs: 6,
        jobs: 3,
        done: 3,
      });
      return outputsIn(`out-shard${i}`);
    });
    expect(shardOutputs[0]).toEqual(
      jobs
        .filter((_, j) => j % 2 === 0)
        .flatMap(outputsOf)
        .sort(),
    );
    expect(shardOutputs[1]).toEqual(
      jobs
        .filter((_, j) => j % 2 === 1)
        .flatMap(outputsOf)
        .sort(),
    );
    expect(shardOutputs[0]?.filter((path) => shardOutputs[1]?.includes(path))).toEqual([]);
    expect([...(shardOutputs[0] ?? []), ...(shardOutputs[1] ?? [])].sort()).toEqual(allOutputs);
    shardOutputs.forEach((paths, i) => {
      for (const path of paths) expect(bytesOf(`out-shard${i}`, path)).toEqual(bytesOf('out-all', path));
    });
  });

  it('--concurrency 3 writes the same bytes as one job at a time', () => {
    const result = batch('data/jobs.jsonl', '--out-dir', 'out-concurrent', '--concurrency', '3', '--progress', 'none');
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    for (const path of allOutputs) expect(bytesOf('out-concurrent', path)).toEqual(bytesOf('out-all', path));
  });

  it('--progress bar draws one line in place, with the rate and the ETA', () => {
    const result = batch('data/jobs.jsonl', '--out-dir', 'out-bar', '--progress', 'bar');
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('\r\x1b[K');
    expect(result.stderr).toMatch(/roi-ops batch \[#+\] 6\/6 100% {2}[\d.]+ jobs\/s {2}ETA 0:00\n$/);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s abandons the jobs in flight, leaves only complete files, exits %i; a rerun finishes',
    async (signal, exitStatus) => {
      const many = Array.from({ length: 1500 }, (_, j) => ({
        fields: { ...jobs[0]?.fields, output: `many/${j}.npy` },
        expected: () => map,
      }));
      writeFileSync(join(data, 'many.jsonl'), manifest(many));
      const outDir = `out-${signal}`;
      const child = startCli(['batch', 'data/many.jsonl', '--out-dir', outDir, '--json'], dir);
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      // The first progress line comes after the first job: the run is under way.
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        const seen = stderr.includes('1/1500 jobs');
        stderr += chunk.toString();
        if (!seen && stderr.includes('1/1500 jobs')) child.kill(signal);
      });
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(status).toBe(exitStatus);
      const summary = JSON.parse(stdout);
      expect(summary.interruptedBy).toBe(signal);
      expect(summary.done).toBeGreaterThan(0);
      expect(summary.notRun).toBeGreaterThan(0);
      expect(summary.done + summary.notRun).toBe(1500);
      const written = outputsIn(outDir);
      expect(written).toHaveLength(summary.done);
      expect(markersIn(outDir)).toHaveLength(summary.done);
      const want = roiAlignSync(map, boxes, { outputSize: [2, 3], samplingRatio: 2, aligned: true });
      for (const path of written) expect((await readTensorFile(join(dir, outDir, path))).data).toEqual(want.data);

      const rerun = batch('data/many.jsonl', '--out-dir', outDir, '--json', '--progress', 'none');
      expect(rerun.status).toBe(0);
      expect(JSON.parse(rerun.stdout)).toMatchObject({ skipped: summary.done, done: 1500 - summary.done, failed: 0 });
      expect(outputsIn(outDir)).toHaveLength(1500);
    },
  );

  it('leaves no temporary file in any output directory', () => {
    expect(listFiles(dir).filter((path) => path.endsWith('.tmp'))).toEqual([]);
  });

  it.each([
    [['data/jobs.jsonl'], 'missing --out-dir DIR: the directory the outputs go under'],
    [
      ['data/jobs.jsonl', '--out-dir', 'o', '--shard', '2/2'],
      'expected i/n with 0 <= i < n (like 0/4) or auto for --shard but received "2/2"',
    ],
    [
      ['data/jobs.jsonl', '--out-dir', 'o', '--concurrency', '0'],
      'expected an integer in [1, 1024] for --concurrency but received "0"',
    ],
    [
      ['data/jobs.jsonl', '--out-dir', 'o', '--progress', 'fancy'],
      'expected one of auto, bar, lines, none for --progress but received "fancy"',
    ],
    [['--out-dir', 'o'], 'missing argument: roi-ops batch <manifest.jsonl>'],
    [['a.jsonl', 'b.jsonl', '--out-dir', 'o'], "unexpected argument 'b.jsonl'"],
  ])('usage error %#: exit 2', (args, message) => {
    const result = batch(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`roi-ops batch: ${message}`);
  });

  it('an unreadable manifest: exit 1, naming it', () => {
    const result = batch('data/nowhere.jsonl', '--out-dir', 'o');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('roi-ops batch: manifest data/nowhere.jsonl: cannot read the file (ENOENT)\n');
  });
});
