// `roi-ops demo`: pools the bundled sample (assets/demo-sample.json) through the public API
// and through the JavaScript reference kernels, and prints shapes, checksums, timings and how
// closely the two agree, so a new user can see in one command that the native build loads, is
// right, and what it buys.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { createJsBackend } from '../backend/js.js';
import { packageRoot } from '../backend/native.js';
import type { AlignLimits, RoiAlignJob, RoiPoolJob } from '../backend/types.js';
import { formatShape } from '../errors.js';
import { info, roiAlign, roiAlignSync, roiPoolSync } from '../index.js';
import { prepareRoiAlign } from '../ops/roi-align.js';
import { prepareRoiPool } from '../ops/roi-pool.js';
import type { RuntimeInfo, Tensor } from '../types.js';
import { parseValue, stringValue } from './args.js';
import type { Command } from './command.js';
import { table } from './format.js';

// ---------------------------------------------------------------------------------------
// The sample

const samplePath = join('assets', 'demo-sample.json');

interface DemoSample {
  imageSize: [number, number];
  spatialScale: number;
  featureMap: Tensor;
  boxes: Tensor;
}

/**
 * Decodes test/fixtures/golden/README.md's tensor encoding (base64 of little-endian
 * float32). Reading through a DataView is right on a big-endian host too, and copies into a
 * fresh, 4-byte aligned Float32Array (a decoded Buffer may start at any offset of Node's pool).
 */
function decodeFloat32(name: string, encoded: { shape?: unknown; dtype?: unknown; data?: unknown }): Tensor {
  const { shape, dtype, data } = encoded;
  if (dtype !== 'float32' || typeof data !== 'string' || !Array.isArray(shape)) {
    throw new Error(`${samplePath}: ${name} is not a {shape, dtype: 'float32', data: base64} tensor`);
  }
  const bytes = Buffer.from(data, 'base64');
  const elements = (shape as number[]).reduce((a, b) => a * b, 1);
  if (bytes.length !== elements * 4) {
    throw new Error(`${samplePath}: ${name} has ${bytes.length} bytes, shape [${shape.join(',')}] needs ${elements * 4}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(elements);
  for (let i = 0; i < elements; i++) values[i] = view.getFloat32(i * 4, true);
  return { data: values, shape: shape as number[] };
}

function loadSample(): DemoSample {
  // packageRoot() finds the package.json named roi-ops, so this works from lib/ (tsx), from
  // dist/, and from node_modules/roi-ops when installed.
  const json = JSON.parse(readFileSync(join(packageRoot(), samplePath), 'utf8'));
  return {
    imageSize: json.imageSize,
    spatialScale: json.spatialScale,
    featureMap: decodeFloat32('featureMap', json.featureMap),
    boxes: decodeFloat32('boxes', json.boxes),
  };
}

// ---------------------------------------------------------------------------------------
// The two contenders: the public API (native when it loads), and the JavaScript reference
// kernels called through their backend, as lib/ops would call them.

const outputSize = 7;
const samplingRatio = 2;

function alignOptions(sample: DemoSample) {
  return { outputSize, spatialScale: sample.spatialScale, samplingRatio, aligned: true } as const;
}

function poolOptions(sample: DemoSample) {
  return { outputSize, spatialScale: sample.spatialScale, returnArgmax: true } as const;
}

/** The validated kernel jobs of the two sync calls, to run on the JavaScript backend. */
function jsAlignJob(sample: DemoSample): RoiAlignJob & AlignLimits {
  return prepareRoiAlign('roiAlignSync', sample.featureMap, sample.boxes, alignOptions(sample)).job;
}

function jsPoolJob(sample: DemoSample): RoiPoolJob {
  return prepareRoiPool('roiPoolSync', sample.featureMap, sample.boxes, poolOptions(sample)).job;
}

// ---------------------------------------------------------------------------------------
// Measurements

/** Median wall time in ms of `repeat` calls. The caller has already run `work` once, so
 * neither the addon's first load nor the JIT's warm-up is counted. */
function medianMs(repeat: number, work: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 === 1 ? (times[mid] as number) : ((times[mid - 1] as number) + (times[mid] as number)) / 2;
}

async function elapsedMs(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

export interface Checksum {
  /** Σ x, in float64. */
  sum: number;
  /** Σ (1 + i mod 16)·x[i]: changes when the same values land in the wrong places (a layout
   * or indexing bug), which the plain sum cannot see. */
  weightedSum: number;
}

function checksum(values: ArrayLike<number>): Checksum {
  let sum = 0;
  let weightedSum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    sum += v;
    weightedSum += (1 + (i % 16)) * v;
  }
  return { sum, weightedSum };
}

interface Agreement {
  /** max |roiOps - js| over all outputs. */
  maxAbsDiff: number;
  /** maxAbsDiff / max |js|: the difference relative to the output's scale. */
  relativeDiff: number;
  /** Outputs outside |a - e| <= atol + rtol·|e| (the golden vectors' tolerance). */
  outsideTolerance: number;
  /** roiPool only: argmax entries that differ (argmax must be exact). */
  argmaxMismatches?: number;
}

function agreement(actual: Float32Array, expected: Float32Array, atol: number, rtol: number): Agreement {
  let maxAbsDiff = 0;
  let maxAbs = 0;
  let outsideTolerance = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const diff = Math.abs(a - e);
    // NaN compares false, so a NaN on either side (but not both) counts as a disagreement.
    if (!(diff <= atol + rtol * Math.abs(e)) && !(Number.isNaN(a) && Number.isNaN(e))) outsideTolerance++;
    if (diff > maxAbsDiff) maxAbsDiff = diff;
    if (Math.abs(e) > maxAbs) maxAbs = Math.abs(e);
  }
  return { maxAbsDiff, relativeDiff: maxAbs > 0 ? maxAbsDiff / maxAbs : maxAbsDiff, outsideTolerance };
}

function countMismatches(a: Int32Array, b: Int32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

export interface OperationReport {
  name: 'roiAlignSync' | 'roiPoolSync' | 'roiAlign';
  options: Record<string, unknown>;
  shape: number[];
  checksum: Checksum;
  /** roiPool only: Σ argmax. */
  argmaxSum?: number;
  /** Median ms of `runs` calls: through the public API (roiOps) and the JS reference kernels (js). */
  ms: { roiOps: number; js: number };
  runs: number;
  /** ms.js / ms.roiOps. */
  speedup: number;
  agreement: Agreement;
}

export interface DemoReport {
  info: RuntimeInfo;
  sample: { path: string; featureMap: number[]; boxes: number; imageSize: [number, number]; spatialScale: number };
  repeat: number;
  operations: OperationReport[];
  /** True when every operation agrees with the reference within tolerance. */
  ok: boolean;
}

// The golden vectors' tolerances: roiPool is exact (it only selects values); RoIAlign sums,
// and the two backends may sum in a different order.
const alignTolerance = { atol: 1e-5, rtol: 1e-4 } as const;

function benchAlignSync(sample: DemoSample, repeat: number): OperationReport {
  const js = createJsBackend();
  const options = alignOptions(sample);
  const result = roiAlignSync(sample.featureMap, sample.boxes, options);
  const reference = jsAlignJob(sample);
  js.runSync('roiAlign', reference);
  const roiOpsMs = medianMs(repeat, () => roiAlignSync(sample.featureMap, sample.boxes, options));
  const jsMs = medianMs(repeat, () => js.runSync('roiAlign', jsAlignJob(sample)));
  return {
    name: 'roiAlignSync',
    options,
    shape: result.shape,
    checksum: checksum(result.data),
    ms: { roiOps: roiOpsMs, js: jsMs },
    runs: repeat,
    speedup: jsMs / roiOpsMs,
    agreement: agreement(result.data, reference.out, alignTolerance.atol, alignTolerance.rtol),
  };
}

function benchPoolSync(sample: DemoSample, repeat: number): OperationReport {
  const js = createJsBackend();
  const options = poolOptions(sample);
  const result = roiPoolSync(sample.featureMap, sample.boxes, options);
  const reference = jsPoolJob(sample);
  js.runSync('roiPool', reference);
  const roiOpsMs = medianMs(repeat, () => roiPoolSync(sample.featureMap, sample.boxes, options));
  const jsMs = medianMs(repeat, () => js.runSync('roiPool', jsPoolJob(sample)));
  return {
    name: 'roiPoolSync',
    options,
    shape: result.shape,
    checksum: checksum(result.data),
    argmaxSum: checksum(result.argmax).sum,
    ms: { roiOps: roiOpsMs, js: jsMs },
    runs: repeat,
    speedup: jsMs / roiOpsMs,
    agreement: {
      ...agreement(result.data, reference.out, 0, 0),
      argmaxMismatches: countMismatches(result.argmax, reference.argmax as Int32Array),
    },
  };
}

/** The async form, once: it must give what the sync form gives, off the JavaScript thread. */
async function benchAlignAsync(sample: DemoSample): Promise<OperationReport> {
  const js = createJsBackend();
  const options = alignOptions(sample);
  let result: Tensor | undefined;
  const roiOpsMs = await elapsedMs(async () => {
    result = await roiAlign(sample.featureMap, sample.boxes, options);
  });
  const reference = jsAlignJob(sample);
  const jsMs = await elapsedMs(() => js.runAsync('roiAlign', reference, new Int32Array(1)));
  const output = result as Tensor;
  return {
    name: 'roiAlign',
    options,
    shape: output.shape,
    checksum: checksum(output.data),
    ms: { roiOps: roiOpsMs, js: jsMs },
    runs: 1,
    speedup: jsMs / roiOpsMs,
    agreement: agreement(output.data, reference.out, alignTolerance.atol, alignTolerance.rtol),
  };
}

async function runDemo(repeat: number): Promise<DemoReport> {
  const sample = loadSample();
  const operations = [benchAlignSync(sample, repeat), benchPoolSync(sample, repeat), await benchAlignAsync(sample)];
  const ok = operations.every((op) => op.agreement.outsideTolerance === 0 && !op.agreement.argmaxMismatches);
  return {
    info: info(),
    sample: {
      path: samplePath,
      featureMap: sample.featureMap.shape,
      boxes: sample.boxes.shape[0] as number,
      imageSize: sample.imageSize,
      spatialScale: sample.spatialScale,
    },
    repeat,
    operations,
    ok,
  };
}

// ---------------------------------------------------------------------------------------
// Output


function describeOptions(options: Record<string, unknown>): string {
  return Object.entries(options)
    .map(([key, value]) => `${key} ${key === 'spatialScale' && value === 1 / 16 ? '1/16' : String(value)}`)
    .join(', ');
}

function formatReport(report: DemoReport): string {
  const { info: runtime, sample } = report;
  const lines = [
    `roi-ops ${runtime.version} demo`,
    `info():  ${JSON.stringify(runtime)}`,
    `sample:  ${sample.path}: feature map ${formatShape(sample.featureMap)} (NCHW), ${sample.boxes} boxes, ` +
      `image ${sample.imageSize[0]}x${sample.imageSize[1]}, spatialScale ${sample.spatialScale}`,
    '',
  ];
  for (const op of report.operations) lines.push(`${op.name.padEnd(12)}  ${describeOptions(op.options)}`);
  lines.push('');
  const rows = [['operation', 'output shape', 'sum', 'weighted sum', 'roi-ops ms', 'JS ms', 'speed-up', 'max |diff|']];
  for (const op of report.operations) {
    rows.push([
      op.runs === 1 && op.name === 'roiAlign' ? `${op.name} (1 run)` : op.name,
      formatShape(op.shape),
      op.checksum.sum.toFixed(4),
      op.checksum.weightedSum.toFixed(4),
      op.ms.roiOps.toFixed(2),
      op.ms.js.toFixed(2),
      `${op.speedup.toFixed(1)}x`,
      op.agreement.maxAbsDiff.toExponential(2),
    ]);
  }
  lines.push(table(rows), '');
  lines.push(`times: median of ${report.repeat} run${report.repeat === 1 ? '' : 's'} after one warm-up call; roi-ops = the public API on the ${runtime.native ? 'native' : 'JavaScript'} backend, JS = the JavaScript reference kernels`);
  if (!runtime.native) {
    lines.push('note: the native addon is not in use (ROI_OPS_FORCE_JS=1, or no native build loaded), so both columns run JavaScript');
  }
  const pool = report.operations.find((op) => op.name === 'roiPoolSync');
  if (pool) lines.push(`roiPoolSync argmax: sum ${pool.argmaxSum}, ${pool.agreement.argmaxMismatches} mismatches against the reference`);
  lines.push(
    report.ok
      ? `agreement: every output within |diff| <= ${alignTolerance.atol.toExponential()} + ${alignTolerance.rtol.toExponential()}*|expected| (roiPool: exact)`
      : 'agreement: FAILED, roi-ops and the JavaScript reference disagree (see max |diff| above)',
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// Command line

const readRepeat = parseValue.integerIn(1, 10_000);

export const demoCommand: Command = {
  name: 'demo',
  summary: 'pool the bundled sample with roiAlign and roiPool, natively and in JavaScript,\nand compare shapes, checksums and times',
  usage: '[--json] [--repeat N]',
  description: [
    'Pools the bundled sample (300 proposals on a [1,64,38,50] feature map) with roiAlign and',
    'roiPool, natively and with the JavaScript reference, and prints shapes, checksums, median',
    'times and the largest difference.',
  ].join('\n'),
  options: {
    repeat: { type: 'string', value: 'N', help: 'timed runs per operation, of which the median is shown (default 5)' },
  },
  jsonHelp: 'print one JSON object instead of a table',
  positionals: { min: 0, max: 0 },
  examples: ['roi-ops demo', 'roi-ops demo --json --repeat 1'],
  failure: 'the demo failed, or the two backends disagree',
  async run({ values, json }) {
    const repeatText = stringValue(values, 'repeat');
    const report = await runDemo(repeatText === undefined ? 5 : readRepeat('repeat', repeatText));
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
    return report.ok ? 0 : 1;
  },
};
