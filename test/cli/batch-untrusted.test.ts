// `roi-ops batch` on manifests and files that others wrote (issue 16, items 7 and 9): a short
// line cannot make a job read or allocate without bound; what reaches the terminal is one
// printable line of bounded length; a manifest's field names cannot reach Object.prototype;
// manifests as editors write them (BOM, CRLF) are read; a closed stdout ends the run quietly;
// SIGTERM ends a run even while a read is blocked in the system.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { multiScaleRoiAlignSync, roiAlignSync } from '../../lib/index.js';
import { writeNpy } from '../../cli/io/npy.js';
import { readTensorFile } from '../../cli/io/tensor-file.js';
import { cli, ensureBuilt, listFiles, listOutputs, pattern, runCli, temporaryDirectory } from '../helpers/cli.js';

const dir = temporaryDirectory('batch-untrusted');
const batch = (...args: string[]) => runCli(['batch', ...args], { cwd: dir });

// 1 x 16 x 64 x 64 float32: 256 KiB of data (plus the 128-byte .npy header).
const map = { data: pattern(16 * 64 * 64), shape: [1, 16, 64, 64] };
const boxes = { data: Float32Array.from([0, 1, 1, 40, 30, 0, 8, 4, 60, 62]), shape: [2, 5] };
const align = { op: 'roiAlign', input: 'map.npy', boxes: 'boxes.json', outputSize: 2 };

const jsonl = (lines: Array<Record<string, unknown> | string>) =>
  lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n';

/** Writes `name` in the test directory and returns its name. */
function manifest(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

beforeAll(() => {
  ensureBuilt();
  writeNpy(join(dir, 'map.npy'), map);
  mkdirSync(join(dir, 'sub'));
  writeFileSync(
    join(dir, 'boxes.json'),
    JSON.stringify([Array.from(boxes.data.subarray(0, 5)), Array.from(boxes.data.subarray(5))]),
  );
}, 120_000);

describe('memory per job (item 7)', () => {
  it('a line naming one map 1000 times as levels is refused before anything is read', () => {
    const input = Array.from({ length: 1000 }, () => 'map.npy');
    const name = manifest('levels.jsonl', jsonl([{ ...align, op: 'multiScaleRoiAlign', input, output: 'l.npy' }]));
    const result = batch(name, '--out-dir', 'out-levels', '--json');
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).failures).toEqual([
      {
        line: 1,
        message:
          'multiScaleRoiAlign takes at most 16 levels (one "input" each), not 1000; feature pyramids have 4 to 6',
      },
    ]);
  });

  it('a file named as several levels, under several spellings, is read and counted once', async () => {
    // Four levels, one 256 KiB file: the kernels' working copies of the four levels are
    // 1 MiB; with the file read once the job needs about 1.25 MiB, four times about 2 MiB.
    const input = ['map.npy', './map.npy', 'sub/../map.npy', join(dir, 'map.npy')];
    const scales = [0.25, 0.25, 0.25, 0.25];
    const line = { ...align, op: 'multiScaleRoiAlign', input, scales, output: 'pyramid.npy' };
    const name = manifest('pyramid.jsonl', jsonl([line]));
    const result = batch(name, '--out-dir', 'out-pyramid', '--max-job-bytes', '1600K', '--json');
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const want = multiScaleRoiAlignSync([map, map, map, map], boxes, { outputSize: 2, scales });
    expect((await readTensorFile(join(dir, 'out-pyramid', 'pyramid.npy'))).data).toEqual(want.data);
  });

  it('files over --max-job-bytes: the job fails before reading, naming the files and the flag', () => {
    const name = manifest('big.jsonl', jsonl([{ ...align, output: 'a.npy' }]));
    const result = batch(name, '--out-dir', 'out-big', '--max-job-bytes', '100K', '--json');
    expect(result.status).toBe(1);
    const [failure] = JSON.parse(result.stdout).failures;
    expect(failure.message).toMatch(
      /^the job's files are 256\.\d KiB \(map\.npy 256\.1 KiB, boxes\.json \d+ bytes\); over the limit of 100\.0 KiB per job; raise it with --max-job-bytes if the machine has the memory$/,
    );
    expect(existsSync(join(dir, 'out-big'))).toBe(false);
  });

  it("an output over --max-job-bytes: refused before the library allocates it, with the output's size", () => {
    // 2 boxes x 16 channels x 100 x 100 bins x 4 bytes = 1,280,000 bytes (1.22 MiB); with
    // the file and the map's working copy (256 KiB each), about 1.72 MiB.
    const name = manifest('wide.jsonl', jsonl([{ ...align, outputSize: [100, 100], output: 'w.npy' }]));
    const result = batch(name, '--out-dir', 'out-wide', '--max-job-bytes', '1M', '--json');
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).failures[0].message).toMatch(
      /^the job needs about 1\.72 MiB: its files 256\.\d KiB, a working copy of its maps 256\.0 KiB, its output 1\.22 MiB \(320000 float32 values\); over the limit of 1\.00 MiB per job; raise it with --max-job-bytes/,
    );
    // Raised, the same job runs.
    const raised = batch(name, '--out-dir', 'out-wide', '--max-job-bytes', '2M', '--json');
    expect(raised.status, raised.stdout).toBe(0);
  });

  it('pool takes --max-job-bytes too', () => {
    const args = ['pool', '--op', 'roiAlign', '--input', 'map.npy', '--boxes', 'boxes.json', '--output-size', '2'];
    const refused = runCli([...args, '--output', 'p.npy', '--max-job-bytes', '64K'], { cwd: dir });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^roi-ops pool: the job's files are .*over the limit of 64\.0 KiB per job/);
    const result = runCli([...args, '--output', 'p.npy', '--max-job-bytes', '1G'], { cwd: dir });
    expect(result.status, result.stderr).toBe(0);
  });

  it.each([
    ['0', 'expected a size like 8G, 512M or 1000000 (bytes) for --max-job-bytes but received "0"'],
    ['lots', 'expected a size like 8G, 512M or 1000000 (bytes) for --max-job-bytes but received "lots"'],
  ])('--max-job-bytes %s: usage error', (value, message) => {
    const name = manifest('one.jsonl', jsonl([{ ...align, output: 'o.npy' }]));
    const result = batch(name, '--out-dir', 'out-usage', '--max-job-bytes', value);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`roi-ops batch: ${message}\n`);
  });
});

describe('what reaches the terminal (item 9)', () => {
  it('control characters from a manifest are escaped: no forged line, no escape sequence', () => {
    const forged = '\u001b[2J\rroi-ops batch: 99 done, 0 failed\u202e';
    const name = manifest(
      'forged.jsonl',
      jsonl([
        { ...align, output: `x${forged}.npy`, outputSize: 0 },
        { ...align, op: `roiAlign${forged}`, output: 'y.npy' },
        `not json ${forged}`,
      ]),
    );
    const result = batch(name, '--out-dir', 'out-forged', '--progress', 'lines');
    expect(result.status).toBe(1);
    for (const output of [result.stdout, result.stderr]) {
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      for (const line of output.trimEnd().split('\n')) expect(line).not.toMatch(/^roi-ops batch: 99 done/);
    }
    expect(result.stderr).toContain('roi-ops batch: line 1 (x\\x1b[2J\\rroi-ops batch: 99 done, 0 failed\\u202e.npy):');
    const json = batch(name, '--out-dir', 'out-forged', '--json');
    for (const failure of JSON.parse(json.stdout).failures) {
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      expect(failure.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    }
  });

  it("pool's error printer escapes too: a file name with control characters is one line", () => {
    const name = 'no\u001b[31mne\nroi-ops pool: done.npy';
    const args = ['pool', '--op', 'roiAlign', '--input', name, '--boxes', 'boxes.json', '--output-size', '2'];
    const result = runCli([...args, '--output', 'p.npy'], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('roi-ops pool: no\\x1b[31mne\\nroi-ops pool: done.npy: cannot read the file (ENOENT)\n');
  });

  it('a message quoting a 100,000-character field is cut, saying how long it was', () => {
    const long = `${'a'.repeat(100_000)}.npy`;
    const name = manifest('long.jsonl', jsonl([{ ...align, input: long, output: 'z.npy' }]));
    const result = batch(name, '--out-dir', 'out-long', '--progress', 'none', '--json');
    expect(result.status).toBe(1);
    const line = result.stderr.split('\n').find((text) => text.startsWith('roi-ops batch: line 1')) as string;
    expect(line.length).toBeLessThan(2100);
    expect(line).toMatch(/\.\.\. \(cut: \d{6} characters in all\)$/);
    expect(JSON.parse(result.stdout).failures[0].message.length).toBeLessThan(2100);
  });

  it('a manifest with a byte order mark and CRLF line endings: every line is a job', () => {
    const lines = [
      { ...align, output: 'crlf/a.npy' },
      { ...align, output: 'crlf/b.npy' },
    ];
    const name = manifest('bom.jsonl', `\ufeff${lines.map((line) => JSON.stringify(line)).join('\r\n')}\r\n`);
    const result = batch(name, '--out-dir', 'out-bom', '--json');
    expect(result.status, result.stdout).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ jobs: 2, done: 2, failed: 0 });
    expect(listOutputs(join(dir, 'out-bom'))).toEqual(['crlf/a.npy', 'crlf/b.npy']);
  });

  it.each([
    ['constructor', 1, 'roiAlign: unknown option options.constructor; expected one of'],
    ['toString', 'x', 'roiAlign: unknown option options.toString; expected one of'],
    ['hasOwnProperty', 'x', 'roiAlign: unknown option options.hasOwnProperty; expected one of'],
  ])('a field named %s is an unknown option of the library, not a property of Object', (field, value, message) => {
    const name = manifest('proto.jsonl', `${JSON.stringify({ ...align, output: 'p.npy', [field]: value })}\n`);
    const result = batch(name, '--out-dir', 'out-proto', '--json');
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).failures[0].message).toContain(message);
  });

  it('a "__proto__" field cannot supply options: it is an unknown option', () => {
    // Without outputSize of its own, the job would take the prototype's if "__proto__" set it.
    const { outputSize: _, ...withoutSize } = align;
    const line = `{"op":"roiAlign","input":"map.npy","boxes":"boxes.json","output":"q.npy","__proto__":{"outputSize":2}}`;
    expect(JSON.parse(line)).toMatchObject(withoutSize);
    const result = batch(manifest('proto2.jsonl', `${line}\n`), '--out-dir', 'out-proto2', '--json');
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).failures[0].message).toContain('roiAlign: unknown option options.__proto__;');
    expect(existsSync(join(dir, 'out-proto2'))).toBe(false);
  });

  it('names like "constructor" as the op or a file field give a message naming the field', () => {
    const name = manifest('names.jsonl', jsonl([{ op: 'constructor', input: 'map.npy', output: 'c.npy' }]));
    const result = batch(name, '--out-dir', 'out-names', '--json');
    expect(JSON.parse(result.stdout).failures[0].message).toMatch(
      /^unknown operator "constructor" \(string\) for "op"; expected one of roiPool, /,
    );
  });

  it('--out-dir "" is a usage error naming the flag (it would be the current directory)', () => {
    const name = manifest('one.jsonl', jsonl([{ ...align, output: 'o.npy' }]));
    const result = batch(name, '--out-dir', '');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'roi-ops batch: expected a directory for --out-dir but received "" (for the current directory: --out-dir .)\n',
    );
    expect(listFiles(dir).filter((path) => path === 'o.npy')).toEqual([]);
  });

  it('a manifest that is a directory, a FIFO or over 256 MiB is refused at once, naming it', () => {
    expect(batch('sub', '--out-dir', 'o').stderr).toBe(
      'roi-ops batch: manifest sub: is a directory; expected a regular file\n',
    );
    expect(spawnSync('mkfifo', [join(dir, 'fifo.jsonl')]).status).toBe(0);
    const fifo = batch('fifo.jsonl', '--out-dir', 'o');
    expect(fifo.status).toBe(1);
    expect(fifo.stderr).toBe('roi-ops batch: manifest fifo.jsonl: is a FIFO (named pipe); expected a regular file\n');
    // A sparse file one byte over 256 MiB: refused by its size, before it is read.
    writeFileSync(join(dir, 'huge.jsonl'), '');
    truncateSync(join(dir, 'huge.jsonl'), 256 * 2 ** 20 + 1);
    expect(batch('huge.jsonl', '--out-dir', 'o').stderr).toBe(
      'roi-ops batch: manifest huge.jsonl: is 268435457 bytes, over the input size limit of 268435456 bytes\n',
    );
  });

  it.each([
    ['stdout closed (batch --json | true)', `"$0" batch one.jsonl --out-dir out-pipe --json --force | true`],
    ['stderr closed (batch 2>&1 | head -c 1)', `"$0" batch one.jsonl --out-dir out-pipe --force 2>&1 | head -c 1`],
  ])('%s: exits 141 quietly, with no stack trace', (_, command) => {
    manifest('one.jsonl', jsonl([{ ...align, output: 'o.npy' }]));
    // PIPESTATUS[0]: roi-ops' own status; its stderr goes to a file the pipe does not close.
    const result = spawnSync('bash', ['-c', `${command}; echo "status \${PIPESTATUS[0]}" >&2`, cli], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(result.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(result.stderr).toMatch(/status 141\n$/);
  });
});

describe('signals', () => {
  it('SIGTERM ends the run even while a read is blocked in the system', async () => {
    // A preloaded module opens a FIFO that no one writes, without O_NONBLOCK: a thread of
    // libuv's pool blocks in open() as it would on a stalled network file system, keeping the
    // event loop (and exit()) waiting for it.
    const fifo = join(dir, 'stuck-fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    writeFileSync(join(dir, 'block.cjs'), `require('node:fs').open(${JSON.stringify(fifo)}, 'r', () => {});\n`);
    const many = Array.from({ length: 400 }, (_, j) => ({ ...align, output: `stuck/${j}.npy` }));
    const name = manifest('stuck.jsonl', jsonl(many));
    const child = spawn(
      process.execPath,
      ['--require', './block.cjs', cli, 'batch', name, '--out-dir', 'out-stuck', '--json'],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    let stderr = '';
    let signalledAt = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (signalledAt === 0 && stderr.includes('1/400 jobs')) {
        signalledAt = Date.now();
        child.kill('SIGTERM');
      }
    });
    // A generous bound: without the fix the process never exits.
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'hung'>((resolve) => {
      const timer = setTimeout(() => resolve('hung'), 10_000);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
    if (ended === 'hung') child.kill('SIGKILL');
    expect(ended).not.toBe('hung');
    // The status the shell shows is 143 either way: exit(143), or ended by SIGTERM itself.
    const shellStatus = ended === 'hung' ? 'hung' : (ended.code ?? `signal ${ended.signal}`);
    expect([143, 'signal SIGTERM']).toContain(shellStatus);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ interruptedBy: 'SIGTERM', failed: 0 });
    expect(summary.done + summary.notRun).toBe(400);
    const want = roiAlignSync(map, boxes, { outputSize: 2 });
    const written = listOutputs(join(dir, 'out-stuck'));
    expect(written).toHaveLength(summary.done);
    for (const path of written.slice(0, 3))
      expect((await readTensorFile(join(dir, 'out-stuck', path))).data).toEqual(want.data);
  });
});
