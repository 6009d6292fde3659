// The output files of `roi-ops pool` and `roi-ops batch`, run as users run them, against real
// files: one file under two spellings (./X, sub/../X, absolute, a linked directory, a hard
// link) is refused before anything is written, as is an output that is one of the job's inputs;
// a link planted at an output's name is replaced, its target untouched; a directory at an
// output's name fails the job on every run and is never skipped; a rerun skips only jobs whose
// marker and outputs agree; a rerun removes the temporaries its own jobs' outputs left behind,
// and no other shard's.
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { temporaryNameFor } from '../../cli/atomic-write.js';
import { writeNpy } from '../../cli/io/npy.js';
import { readTensorFile } from '../../cli/io/tensor-file.js';
import { markerDirectory, markerPathFor } from '../../cli/resume.js';
import { roiAlignSync } from '../../lib/index.js';
import { ensureBuilt, listFiles, pattern, runCli, temporaryDirectory } from '../helpers/cli.js';

const dir = temporaryDirectory('outputs');
const run = (...args: string[]) => runCli(args, { cwd: dir });
const map = { data: pattern(1 * 4 * 8 * 9), shape: [1, 4, 8, 9] };
const boxes = [
  [0, 1, 1, 6, 5],
  [0, 0, 2, 8, 7],
];
const boxTensor = { data: Float32Array.from(boxes.flat()), shape: [2, 5] };
// The input of the tests that try to write over it (so that a failure there spoils no other test).
const inputBytes = () => readFileSync(join(dir, 'in.npy'));

beforeAll(() => {
  ensureBuilt();
  writeNpy(join(dir, 'map.npy'), map);
  writeNpy(join(dir, 'in.npy'), map);
  writeFileSync(join(dir, 'boxes.json'), JSON.stringify(boxes));
  mkdirSync(join(dir, 'real'));
  mkdirSync(join(dir, 'sub'));
  symlinkSync('real', join(dir, 'linked'));
}, 120_000);

const roiPoolArgs = (output: string, argmax: string) => [
  'pool',
  '--op',
  'roiPool',
  '--input',
  'map.npy',
  '--boxes',
  'boxes.json',
  '--output-size',
  '2',
  '--output',
  output,
  '--argmax-output',
  argmax,
];
const roiAlignArgs = (output: string, ...more: string[]) => [
  'pool',
  '--op',
  'roiAlign',
  '--input',
  'map.npy',
  '--boxes',
  'boxes.json',
  '--output-size',
  '2',
  '--output',
  output,
  ...more,
];

describe('roi-ops pool: one file under two names', () => {
  it.each([
    ['./ against none', 'same.npy', './same.npy'],
    ['sub/.. against none', 'same.npy', 'sub/../same.npy'],
    ['absolute against relative', 'same.npy', join(dir, 'same.npy')],
    ['a linked directory against the real one', 'real/same.npy', 'linked/same.npy'],
  ])('--output and --argmax-output, %s: usage error naming both, nothing written', (_, output, argmax) => {
    const result = run(...roiPoolArgs(output, argmax));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      `roi-ops pool: --argmax-output ${JSON.stringify(argmax)} and --output ${JSON.stringify(output)} name the same file\n`,
    );
    expect(existsSync(join(dir, 'same.npy')) || existsSync(join(dir, 'real', 'same.npy'))).toBe(false);
  });

  it('--output and --argmax-output hard links of one existing file: usage error', () => {
    writeFileSync(join(dir, 'h1.npy'), 'old');
    linkSync(join(dir, 'h1.npy'), join(dir, 'h2.npy'));
    const result = run(...roiPoolArgs('h1.npy', 'h2.npy'));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--argmax-output "h2.npy" and --output "h1.npy" name the same file');
    expect(readFileSync(join(dir, 'h1.npy'), 'utf8')).toBe('old');
  });

  it.each([
    ['the input itself', 'in.npy', '--output "in.npy" is the same file as --input "in.npy"'],
    ['the input as ./', './in.npy', '--output "./in.npy" is the same file as --input "in.npy"'],
    ['a hard link to the input', 'in-link.npy', '--output "in-link.npy" is the same file as --input "in.npy"'],
  ])('--output names %s: usage error, the input untouched', (_, output, message) => {
    if (output === 'in-link.npy' && !existsSync(join(dir, output))) linkSync(join(dir, 'in.npy'), join(dir, output));
    const before = inputBytes();
    const result = run(...roiAlignArgs(output).map((arg) => (arg === 'map.npy' ? 'in.npy' : arg)));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`roi-ops pool: ${message}: roi-ops does not write over its inputs\n`);
    expect(inputBytes()).toEqual(before);
  });

  it('--output names the boxes file (as .npy): usage error', () => {
    writeNpy(join(dir, 'boxes.npy'), boxTensor);
    const result = run(
      'pool',
      '--op',
      'roiAlign',
      '--input',
      'map.npy',
      '--boxes',
      'boxes.npy',
      '--output-size',
      '2',
      '--output',
      'boxes.npy',
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--output "boxes.npy" is the same file as --boxes "boxes.npy"');
  });
});

describe('roi-ops pool: what is at the output name', () => {
  it('a symbolic link there is replaced by the output; its target is untouched', async () => {
    writeFileSync(join(dir, 'victim.txt'), 'precious');
    symlinkSync('victim.txt', join(dir, 'planted.npy'));
    const result = run(...roiAlignArgs('planted.npy'));
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(dir, 'victim.txt'), 'utf8')).toBe('precious');
    expect(lstatSync(join(dir, 'planted.npy')).isFile()).toBe(true);
    expect((await readTensorFile(join(dir, 'planted.npy'))).data).toEqual(
      roiAlignSync(map, boxTensor, { outputSize: 2 }).data,
    );
  });

  it('a directory there: exit 1 naming the output, not a usage error', () => {
    mkdirSync(join(dir, 'taken.npy'));
    const result = run(...roiAlignArgs('taken.npy'));
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('roi-ops pool: taken.npy: cannot write the file: it is a directory\n');
  });

  it('a name of 250 bytes works; the temporary files it used are gone', () => {
    const name = `${'n'.repeat(246)}.npy`;
    const result = run(...roiAlignArgs(join('long', name)));
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(join(dir, 'long'))).toEqual([name]);
  });

  it('removes the temporaries an earlier, killed run left for its outputs, and only those', () => {
    mkdirSync(join(dir, 'stale'));
    const mine = temporaryNameFor('out.npy');
    const other = temporaryNameFor('other.npy');
    for (const name of [mine, other]) writeFileSync(join(dir, 'stale', name), 'partial');
    const result = run(...roiAlignArgs('stale/out.npy'));
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(join(dir, 'stale')).sort()).toEqual([other, 'out.npy'].sort());
  });
});

// ---------------------------------------------------------------------------------------
// batch

const job = (output: string, more: Record<string, unknown> = {}) => ({
  op: 'roiAlign',
  input: 'map.npy',
  boxes: 'boxes.json',
  output,
  outputSize: 2,
  ...more,
});
const writeManifest = (name: string, lines: unknown[]) =>
  writeFileSync(join(dir, name), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
const batchJson = (...args: string[]) => {
  const result = run('batch', ...args, '--json', '--progress', 'none');
  return { ...result, summary: result.stdout === '' ? undefined : JSON.parse(result.stdout) };
};
const outputsIn = (outDir: string) =>
  listFiles(join(dir, outDir)).filter((path) => !path.startsWith(`${markerDirectory}/`));

describe('roi-ops batch: one file under two names', () => {
  it('a later line writing an earlier line’s file under another spelling fails, naming the earlier line', () => {
    mkdirSync(join(dir, 'out-clash', 'real'), { recursive: true });
    symlinkSync('real', join(dir, 'out-clash', 'linked'));
    writeManifest('clash.jsonl', [
      job('a.npy'),
      job('./a.npy'),
      job('sub/../a.npy'),
      job('real/b.npy'),
      job('linked/b.npy'),
      job('c.npy', { op: 'roiPool', argmaxOutput: './c.npy' }),
      job('d.npy', { op: 'roiPool', argmaxOutput: 'a.npy' }),
    ]);
    const { status, summary } = batchJson('clash.jsonl', '--out-dir', 'out-clash');
    expect(status).toBe(1);
    expect(summary.failures).toEqual([
      { line: 2, message: 'output "./a.npy" is also written by line 1' },
      { line: 3, message: 'output "sub/../a.npy" is also written by line 1' },
      { line: 5, message: 'output "linked/b.npy" is also written by line 4' },
      { line: 6, message: '"argmaxOutput" "./c.npy" and "output" "c.npy" name the same file' },
      { line: 7, message: 'output "a.npy" is also written by line 1' },
    ]);
    // (and the link to real/, which listFiles lists as a file)
    expect(outputsIn('out-clash')).toEqual(['a.npy', 'linked', 'real/b.npy']);
  });

  it('an output that is the job’s input fails that line; the input is untouched', () => {
    const before = inputBytes();
    writeManifest('self.jsonl', [job('in.npy', { input: 'in.npy' }), job('fine.npy')]);
    // --out-dir is the manifest's directory, where the input is.
    const { status, summary } = batchJson('self.jsonl', '--out-dir', '.');
    expect(status).toBe(1);
    expect(summary).toMatchObject({ done: 1, failed: 1 });
    expect(summary.failures).toEqual([
      {
        line: 1,
        message: '"output" "in.npy" is the same file as "input" "in.npy": roi-ops does not write over its inputs',
      },
    ]);
    expect(inputBytes()).toEqual(before);
  });
});

describe('roi-ops batch: resume trusts only what its jobs wrote', () => {
  it('a directory at an output name fails its job on every run, never skipped', () => {
    // The case of issue 16: one job's output is the other's directory.
    writeManifest('nested.jsonl', [job('p4.npy/level2.npy'), job('p4.npy')]);
    const first = batchJson('nested.jsonl', '--out-dir', 'out-nested');
    expect(first.status).toBe(1);
    expect(first.summary).toMatchObject({ done: 1, failed: 1, skipped: 0 });
    expect(first.summary.failures[0].message).toMatch(/^out-nested\/p4\.npy: cannot write the file \(EISDIR/);
    const second = batchJson('nested.jsonl', '--out-dir', 'out-nested');
    expect(second.status).toBe(1);
    expect(second.summary).toMatchObject({ done: 0, failed: 1, skipped: 1 });
    expect(second.summary.failures).toEqual([
      { line: 2, message: 'out-nested/p4.npy: cannot write the file: it is a directory' },
    ]);
    const forced = batchJson('nested.jsonl', '--out-dir', 'out-nested', '--force');
    expect(forced.summary).toMatchObject({ done: 1, failed: 1, skipped: 0 });
  });

  it('reruns a job whose output was truncated, touched or planted, or whose options changed; not one moved down a line', async () => {
    const lines = [job('t.npy'), job('m.npy'), job('o.npy'), job('same.npy')];
    // A file that was there before any run (someone else's) is not taken for the job's output.
    mkdirSync(join(dir, 'out-resume'));
    writeFileSync(join(dir, 'out-resume', 'planted.npy'), 'not an array');
    writeManifest('resume.jsonl', [...lines, job('planted.npy')]);
    expect(batchJson('resume.jsonl', '--out-dir', 'out-resume').summary).toMatchObject({ done: 5, skipped: 0 });
    expect(batchJson('resume.jsonl', '--out-dir', 'out-resume').summary).toMatchObject({ done: 0, skipped: 5 });

    truncateSync(join(dir, 'out-resume', 't.npy'), 64);
    utimesSync(join(dir, 'out-resume', 'm.npy'), new Date(1e12), new Date(1e12));
    // o.npy's options change; a new first line moves same.npy's job down without changing it.
    writeManifest('resume.jsonl', [
      job('new.npy'),
      job('t.npy'),
      job('m.npy'),
      job('o.npy', { samplingRatio: 2 }),
      job('same.npy'),
      job('planted.npy'),
    ]);
    const rerun = batchJson('resume.jsonl', '--out-dir', 'out-resume');
    expect(rerun.status).toBe(0);
    expect(rerun.summary).toMatchObject({ done: 4, skipped: 2, failed: 0 });
    const want = roiAlignSync(map, boxTensor, { outputSize: 2 });
    for (const name of ['t.npy', 'm.npy', 'planted.npy'])
      expect((await readTensorFile(join(dir, 'out-resume', name))).data).toEqual(want.data);
  });

  it('a job is done only with its marker; --force rewrites every output and marker', () => {
    writeManifest('force.jsonl', [job('f.npy')]);
    batchJson('force.jsonl', '--out-dir', 'out-force');
    const marker = join(dir, markerPathFor('out-force', 'f.npy'));
    expect(lstatSync(marker).isFile()).toBe(true);
    const before = lstatSync(join(dir, 'out-force', 'f.npy')).ino;
    expect(batchJson('force.jsonl', '--out-dir', 'out-force', '--force').summary).toMatchObject({
      done: 1,
      skipped: 0,
    });
    expect(lstatSync(join(dir, 'out-force', 'f.npy')).ino).not.toBe(before);
    expect(batchJson('force.jsonl', '--out-dir', 'out-force').summary).toMatchObject({ done: 0, skipped: 1 });
  });

  it('a rerun removes the temporaries of its own jobs’ outputs and markers, and no other shard’s', () => {
    writeManifest('stale.jsonl', [job('s0.npy'), job('s1.npy')]);
    expect(batchJson('stale.jsonl', '--out-dir', 'out-stale', '--shard', '0/2').summary).toMatchObject({ done: 1 });
    // What SIGKILL mid-write leaves: a temporary of an output and one of a marker (shard 0's),
    // and one of shard 1's output, whose run may be writing it right now.
    const markerOf = (output: string) => join(dir, markerPathFor('out-stale', output));
    const stale = [
      join(dir, 'out-stale', temporaryNameFor('s0.npy')),
      join(dir, 'out-stale', markerDirectory, temporaryNameFor(markerOf('s0.npy').split('/').at(-1) as string)),
    ];
    const shard1 = join(dir, 'out-stale', temporaryNameFor('s1.npy'));
    for (const path of [...stale, shard1]) writeFileSync(path, 'partial');

    const result = run('batch', 'stale.jsonl', '--out-dir', 'out-stale', '--shard', '0/2', '--progress', 'lines');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('roi-ops batch: removed 2 temporary files left by an interrupted run\n');
    expect(result.stdout).toContain('0 done, 0 failed, 1 skipped (already done)');
    for (const path of stale) expect(existsSync(path)).toBe(false);
    expect(existsSync(shard1)).toBe(true);
  });

  it('a link planted at an output name is replaced; its target is untouched', () => {
    mkdirSync(join(dir, 'out-link'));
    writeFileSync(join(dir, 'victim2.txt'), 'precious');
    symlinkSync(join(dir, 'victim2.txt'), join(dir, 'out-link', 'l.npy'));
    writeManifest('link.jsonl', [job('l.npy')]);
    expect(batchJson('link.jsonl', '--out-dir', 'out-link').summary).toMatchObject({ done: 1 });
    expect(readFileSync(join(dir, 'victim2.txt'), 'utf8')).toBe('precious');
    expect(lstatSync(join(dir, 'out-link', 'l.npy')).isFile()).toBe(true);
  });
});
