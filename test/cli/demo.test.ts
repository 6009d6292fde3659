// The `roi-ops` command as users run it: the built dist/cli.js in its own process. The demo's
// checksums are recomputed here by calling the library directly on the same sample, so the
// command cannot print numbers that the API would not give.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import type { DemoReport } from '../../lib/cli/demo.js';
import { info, roiAlign, roiAlignSync, roiPoolSync } from '../../lib/index.js';
import { ensureBuilt, root, runCli } from '../helpers/cli.js';
import { decodeFloat32 } from '../helpers/golden.js';

const run = (...args: string[]) => runCli(args);

/** The demo's checksums, defined in lib/cli/demo.ts: Σx and Σ(1 + i mod 16)·x[i], in float64. */
function checksum(values: ArrayLike<number>) {
  let sum = 0;
  let weightedSum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] as number;
    weightedSum += (1 + (i % 16)) * (values[i] as number);
  }
  return { sum, weightedSum };
}

const sampleJson = JSON.parse(readFileSync(join(root, 'assets', 'demo-sample.json'), 'utf8'));
const featureMap = decodeFloat32(sampleJson.featureMap);
const boxes = decodeFloat32(sampleJson.boxes);
const K = boxes.shape[0] as number;

beforeAll(ensureBuilt, 120_000);

describe('roi-ops demo --json', () => {
  let report: DemoReport;

  beforeAll(() => {
    const result = run('demo', '--json', '--repeat', '1');
    expect(result.status, result.stderr).toBe(0);
    report = JSON.parse(result.stdout) as DemoReport;
  });

  it('runs the sample on the same backend as this process', () => {
    expect(sampleJson.featureMap.shape).toEqual([1, 64, 38, 50]);
    expect(report.sample.featureMap).toEqual([1, 64, 38, 50]);
    expect(report.sample.boxes).toBe(K);
    expect(report.info).toEqual(info());
    expect(report.repeat).toBe(1);
    expect(report.operations.map((op) => op.name)).toEqual(['roiAlignSync', 'roiPoolSync', 'roiAlign']);
  });

  it('prints [K,64,7,7] outputs whose checksums match direct library calls', async () => {
    const alignOptions = { outputSize: 7, spatialScale: 1 / 16, samplingRatio: 2, aligned: true };
    const align = roiAlignSync(featureMap, boxes, alignOptions);
    const pool = roiPoolSync(featureMap, boxes, { outputSize: 7, spatialScale: 1 / 16, returnArgmax: true });
    const alignAsync = await roiAlign(featureMap, boxes, alignOptions);
    const [alignReport, poolReport, asyncReport] = report.operations;

    for (const op of report.operations) expect(op.shape).toEqual([K, 64, 7, 7]);
    expect(alignReport?.checksum).toEqual(checksum(align.data));
    expect(poolReport?.checksum).toEqual(checksum(pool.data));
    expect(poolReport?.argmaxSum).toBe(checksum(pool.argmax).sum);
    expect(asyncReport?.checksum).toEqual(checksum(alignAsync.data));
    expect(asyncReport?.checksum).toEqual(alignReport?.checksum);
  });

  it('reports native and JavaScript outputs that agree within 1e-4 relative', () => {
    expect(report.ok).toBe(true);
    for (const op of report.operations) {
      expect(op.agreement.relativeDiff).toBeLessThanOrEqual(1e-4);
      expect(op.agreement.outsideTolerance).toBe(0);
      // Times are reported, never judged (tests never time anything): only their presence is checked.
      expect(Number.isFinite(op.ms.roiOps) && Number.isFinite(op.ms.js)).toBe(true);
    }
    expect(report.operations[1]?.agreement.argmaxMismatches).toBe(0);
  });
});

describe('roi-ops command line', () => {
  it('--help exits 0 and lists demo; demo --help describes its options', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('demo');
    const demoHelp = run('demo', '--help');
    expect(demoHelp.status).toBe(0);
    expect(demoHelp.stdout).toContain('Usage: roi-ops demo [--json] [--repeat N]');
    expect(demoHelp.stdout).toContain('--repeat N');
    expect(demoHelp.stdout).toContain('roi-ops demo --json --repeat 1');
  });

  it('--version prints the package version', () => {
    const result = run('--version');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(info().version);
  });

  it('an unknown command exits 2 naming it, with the usage on stderr', () => {
    const result = run('frobnicate');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("roi-ops: unknown command 'frobnicate'");
    expect(result.stderr).toContain('Usage: roi-ops <command>');
  });

  it('a missing command, an unknown option or a bad --repeat exits 2', () => {
    expect(run().stderr).toContain('roi-ops: missing command');
    const unknownOption = run('demo', '--fast');
    expect(unknownOption.status).toBe(2);
    expect(unknownOption.stderr).toContain("Unknown option '--fast'");
    const badRepeat = run('demo', '--repeat', '0');
    expect(badRepeat.status).toBe(2);
    expect(badRepeat.stderr).toContain('roi-ops demo: expected an integer in [1, 10000] for --repeat but received "0"');
  });
});
