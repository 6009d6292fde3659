// The `roi-ops` command as users run it: the built dist/cli.js in its own process. The demo's
// outputs are read back from the .npy files it writes and compared with direct library calls
// on the same sample, so the command cannot write numbers that the API would not give.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import type { DemoReport } from '../../cli/demo.js';
import { loadDemoSample } from '../../cli/demo-sample.js';
import { info, multiScaleRoiAlignSync, roiAlignSync, roiPoolSync, type Tensor } from '../../lib/index.js';
import { readNpy } from '../../cli/io/npy.js';
import { ensureBuilt, runCli, temporaryDirectory } from '../helpers/cli.js';

/** `roi-ops ...args`, with this project's environment: the same backend as the direct calls below. */
const run = (args: string[], cwd?: string) => runCli(args, cwd === undefined ? {} : { cwd });

const sample = loadDemoSample();
const pyramid = sample.levels.map((level) => level.map);
const stride16 = sample.levels[2]?.map as Tensor;
const K = sample.proposals.shape[0] as number;

/** What the demo must have written: the library's own outputs on the sample, called here. */
function directOutputs(): Record<string, Float32Array | Int32Array> {
  const multiScale = multiScaleRoiAlignSync(pyramid, sample.proposals, {
    outputSize: 7,
    samplingRatio: 2,
    imageSizes: [[480, 640]],
  });
  const align = roiAlignSync(stride16, sample.proposals, {
    outputSize: 7,
    spatialScale: 1 / 16,
    samplingRatio: 2,
    aligned: true,
  });
  const pool = roiPoolSync(stride16, sample.proposals, { outputSize: 7, spatialScale: 1 / 16, returnArgmax: true });
  return {
    'multiScaleRoiAlign.npy': multiScale.data,
    'roiAlign.npy': align.data,
    'roiPool.npy': pool.data,
    'roiPool-argmax.npy': pool.argmax,
  };
}

beforeAll(ensureBuilt, 120_000);

describe('roi-ops demo --json', () => {
  let report: DemoReport;
  const outDir = temporaryDirectory('demo-test');

  beforeAll(() => {
    const result = run(['demo', '--json', '--repeat', '1', '--out-dir', outDir]);
    expect(result.status, result.stderr).toBe(0);
    report = JSON.parse(result.stdout) as DemoReport;
  });

  it('pools the FPN sample on the same backend as this process', () => {
    expect(report.sample.levels.map((level) => [level.name, level.stride, level.shape])).toEqual([
      ['P2', 4, [1, 16, 120, 160]],
      ['P3', 8, [1, 16, 60, 80]],
      ['P4', 16, [1, 16, 30, 40]],
      ['P5', 32, [1, 16, 15, 20]],
    ]);
    expect(report.sample.imageSize).toEqual([480, 640]);
    expect(report.sample.proposals).toBe(1000);
    // Every proposal lands on a level, and every level gets some (the sample has boxes of every size).
    expect(report.sample.roisPerLevel.reduce((a, b) => a + b, 0)).toBe(K);
    for (const count of report.sample.roisPerLevel) expect(count).toBeGreaterThan(0);
    expect(report.info).toEqual(info());
    expect(report.repeat).toBe(1);
    expect(report.operations.map((op) => op.name)).toEqual(['multiScaleRoiAlign', 'roiAlign', 'roiPool']);
    for (const op of report.operations) expect(op.shape).toEqual([K, 16, 7, 7]);
  });

  it('writes into --out-dir exactly what direct library calls return', async () => {
    expect(report.outDir).toBe(outDir);
    expect(report.operations.flatMap((op) => op.files)).toEqual([
      'multiScaleRoiAlign.npy',
      'roiAlign.npy',
      'roiPool.npy',
      'roiPool-argmax.npy',
    ]);
    expect(readdirSync(outDir).sort()).toEqual([
      'multiScaleRoiAlign.npy',
      'roiAlign.npy',
      'roiPool-argmax.npy',
      'roiPool.npy',
    ]);
    for (const [file, expected] of Object.entries(directOutputs())) {
      const written = await readNpy(join(outDir, file));
      expect(written.shape, file).toEqual([K, 16, 7, 7]);
      expect(written.dtype, file).toBe(file.includes('argmax') ? 'int32' : 'float32');
      // Bit for bit (vitest's deep equality takes seconds on 784,000 elements).
      expect(written.data.length, file).toBe(expected.length);
      expect(
        written.data.findIndex((value, i) => !Object.is(value, expected[i])),
        file,
      ).toBe(-1);
    }
  });

  it('reports native and JavaScript outputs that agree within the golden tolerance (roiPool exact)', () => {
    expect(report.ok).toBe(true);
    for (const op of report.operations) {
      expect(op.agreement.relativeDiff).toBeLessThanOrEqual(1e-4);
      expect(op.agreement.outsideTolerance).toBe(0);
      // Times are reported, never judged (tests never time anything): only their presence is checked.
      expect(Number.isFinite(op.ms.roiOps) && Number.isFinite(op.ms.js)).toBe(true);
    }
    const pool = report.operations[2];
    expect(pool?.agreement.maxAbsDiff).toBe(0);
    expect(pool?.agreement.argmaxMismatches).toBe(0);
  });
});

describe('roi-ops demo: where the outputs go', () => {
  it('by default into a new temporary folder, whose path it prints', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'roi-ops-demo-cwd-'));
    try {
      const result = run(['demo', '--repeat', '1'], cwd);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^operation +output shape +roi-ops ms +JS ms +speed-up +max \|diff\|$/m);
      const outDir = /^outputs: (.+)$/m.exec(result.stdout)?.[1] as string;
      expect(outDir.startsWith(join(tmpdir(), 'roi-ops-demo-'))).toBe(true);
      expect(readdirSync(outDir)).toHaveLength(4);
      rmSync(outDir, { recursive: true });
      // Nothing is left where the user ran it.
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('--no-write writes nothing; with --out-dir it is a usage error', () => {
    const result = run(['demo', '--json', '--repeat', '1', '--no-write']);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as DemoReport;
    expect(report.outDir).toBeNull();
    expect(report.operations.flatMap((op) => op.files)).toEqual([]);
    const both = run(['demo', '--no-write', '--out-dir', 'x']);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('roi-ops demo: --out-dir and --no-write cannot be used together');
  });
});

describe('roi-ops command line', () => {
  it('--help exits 0 and lists demo; demo --help describes its options and examples', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('demo');
    const demoHelp = run(['demo', '--help']);
    expect(demoHelp.status).toBe(0);
    expect(demoHelp.stdout).toContain('Usage: roi-ops demo [--out-dir DIR | --no-write] [--repeat N] [--json]');
    for (const option of ['--out-dir DIR', '--no-write', '--repeat N', '--json'])
      expect(demoHelp.stdout).toContain(option);
    expect(demoHelp.stdout).toContain('roi-ops demo --json --repeat 1 --no-write');
  });

  it('--version prints the package version', () => {
    const result = run(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(info().version);
  });

  it('an unknown command exits 2 naming it, with the usage on stderr', () => {
    const result = run(['frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("roi-ops: unknown command 'frobnicate'");
    expect(result.stderr).toContain('Usage: roi-ops <command>');
  });

  it('a missing command, an unknown option or a bad --repeat exits 2', () => {
    expect(run([]).stderr).toContain('roi-ops: missing command');
    const unknownOption = run(['demo', '--fast']);
    expect(unknownOption.status).toBe(2);
    expect(unknownOption.stderr).toContain("Unknown option '--fast'");
    const badRepeat = run(['demo', '--repeat', '0']);
    expect(badRepeat.status).toBe(2);
    expect(badRepeat.stderr).toContain('roi-ops demo: expected an integer in [1, 10000] for --repeat but received "0"');
  });
});
