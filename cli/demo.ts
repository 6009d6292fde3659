// `roi-ops demo`: what a two-stage detector's RoI head does with roi-ops, on the bundled FPN
// sample (assets/demo-fpn/: four pyramid levels of one image and 1000 proposals). It pools
// the proposals with multiScaleRoiAlign (torchvision's box head), roiAlign and roiPool on one
// level, through the public API and through the JavaScript reference kernels, prints how long
// each took and how closely the two agree, and writes the outputs as .npy files, so a new user
// sees in one command that the native build loads, is right, and what it buys.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';

import {
  info,
  multiScaleRoiAlignSync,
  roiAlignSync,
  roiPoolSync,
  type RuntimeInfo,
  type Tensor,
} from '../lib/index.js';
import {
  createJsBackend,
  formatShape,
  prepareMultiScaleRoiAlign,
  prepareRoiAlign,
  prepareRoiPool,
  type Jobs,
  type Operator,
  type Prepare,
} from '../lib/internal.js';
import type { NpyWritable } from './io/npy.js';
import { parseValue, stringValue } from './args.js';
import { writeNpyFilesAtomically } from './atomic-write.js';
import { exitStatus, UsageError, type Command, type ParsedCommandLine } from './command.js';
import { agreement, alignTolerance, countMismatches, exact, medianMs, type Agreement } from './demo-measure.js';
import { loadDemoSample, sampleDirectory, type DemoSample } from './demo-sample.js';
import { table } from './format.js';

// ---------------------------------------------------------------------------------------
// The operations

/** What one call returns: the pooled tensor, and roiPool's argmax. */
interface Pooled {
  output: Tensor;
  argmax?: Int32Array;
}

interface DemoOperation {
  name: 'multiScaleRoiAlign' | 'roiAlign' | 'roiPool';
  /** Which maps it pools, as the header shows it. */
  input: string;
  options: Record<string, unknown>;
  tolerance: { atol: number; rtol: number };
  /** The public Sync function: native when the addon loads. */
  roiOps(): Pooled;
  /** The same job on the JavaScript reference kernels. */
  js(): Pooled;
}

const jsBackend = createJsBackend();

/** Prepares a call as the public function would (validation, output allocation), then runs it on the JavaScript kernels. */
function onJavaScript<Op extends Operator, R>(
  op: Op,
  prepare: Prepare<Op, R>,
  ...args: unknown[]
): { job: Jobs[Op]; result: R } {
  const prepared = prepare(`${op}Sync`, ...args);
  jsBackend.runSync(op, prepared.job);
  return prepared;
}

/** The level that roiAlign and roiPool pool: stride 16, a single-map detector's (Faster R-CNN C4, Fast R-CNN VGG16). */
function singleLevel(sample: DemoSample) {
  const level = sample.levels.find((candidate) => candidate.stride === 16);
  if (!level) throw new Error(`${sampleDirectory}: the sample has no stride-16 level`);
  return level;
}

function operations(sample: DemoSample): DemoOperation[] {
  const pyramid = sample.levels.map((level) => level.map);
  const boxes = sample.proposals;
  // torchvision's MultiScaleRoIAlign(['0', '1', '2', '3'], 7, 2): scales from the image size, not aligned.
  const multiScale = { outputSize: 7, samplingRatio: 2, imageSizes: [sample.imageSize] };
  const { name, stride, map } = singleLevel(sample);
  const align = { outputSize: 7, spatialScale: 1 / stride, samplingRatio: 2, aligned: true };
  const pool = { outputSize: 7, spatialScale: 1 / stride, returnArgmax: true as const };
  const levelText = `${name} (stride ${stride})`;
  const first = sample.levels[0]?.name ?? '';
  const last = sample.levels[sample.levels.length - 1]?.name ?? '';
  return [
    {
      name: 'multiScaleRoiAlign',
      input: `${first}..${last}`,
      options: multiScale,
      tolerance: alignTolerance,
      roiOps: () => ({ output: multiScaleRoiAlignSync(pyramid, boxes, multiScale) }),
      js: () => ({
        output: onJavaScript('multiScaleRoiAlign', prepareMultiScaleRoiAlign, pyramid, boxes, multiScale).result,
      }),
    },
    {
      name: 'roiAlign',
      input: levelText,
      options: align,
      tolerance: alignTolerance,
      roiOps: () => ({ output: roiAlignSync(map, boxes, align) }),
      js: () => ({ output: onJavaScript('roiAlign', prepareRoiAlign, map, boxes, align).result }),
    },
    {
      name: 'roiPool',
      input: levelText,
      options: pool,
      tolerance: exact,
      roiOps: () => {
        const { argmax, ...output } = roiPoolSync(map, boxes, pool);
        return { output, argmax };
      },
      js: () => {
        const { argmax, ...output } = onJavaScript('roiPool', prepareRoiPool, map, boxes, pool).result;
        return { output, ...(argmax ? { argmax } : {}) };
      },
    },
  ];
}

/** How many proposals multiScaleRoiAlign sends to each level (its own level mapping, not a copy of it). */
function roisPerLevel(sample: DemoSample, operation: DemoOperation): number[] {
  const { job } = prepareMultiScaleRoiAlign(
    'multiScaleRoiAlignSync',
    sample.levels.map((level) => level.map),
    sample.proposals,
    operation.options,
  );
  const counts = sample.levels.map(() => 0);
  for (const level of job.levelOfRoi) if (level >= 0) counts[level] = (counts[level] as number) + 1;
  return counts;
}

// ---------------------------------------------------------------------------------------
// Running them

export interface OperationReport {
  name: DemoOperation['name'];
  input: string;
  options: Record<string, unknown>;
  shape: number[];
  /** Median ms of `runs` Sync calls: through the public API (roiOps) and the JS reference kernels (js). */
  ms: { roiOps: number; js: number };
  runs: number;
  /** ms.js / ms.roiOps. */
  speedup: number;
  agreement: Agreement;
  /** The .npy files written (in DemoReport.outDir), none with --no-write. */
  files: string[];
}

export interface DemoReport {
  info: RuntimeInfo;
  sample: {
    path: string;
    imageSize: [number, number];
    levels: Array<{ name: string; stride: number; shape: number[] }>;
    proposals: number;
    /** Proposals per level as multiScaleRoiAlign maps them, finest first. */
    roisPerLevel: number[];
  };
  repeat: number;
  operations: OperationReport[];
  /** Where the outputs were written; null with --no-write. */
  outDir: string | null;
  /** True when every operation agrees with the reference within tolerance. */
  ok: boolean;
}

interface Measured {
  report: Omit<OperationReport, 'files'>;
  pooled: Pooled;
}

function measure(operation: DemoOperation, repeat: number): Measured {
  // The first call of each is the warm-up; its output is the one compared and written.
  const pooled = operation.roiOps();
  const reference = operation.js();
  const roiOpsMs = medianMs(repeat, operation.roiOps);
  const jsMs = medianMs(repeat, operation.js);
  const agrees = agreement(pooled.output.data, reference.output.data, operation.tolerance);
  if (pooled.argmax && reference.argmax) agrees.argmaxMismatches = countMismatches(pooled.argmax, reference.argmax);
  return {
    report: {
      name: operation.name,
      input: operation.input,
      options: operation.options,
      shape: pooled.output.shape,
      ms: { roiOps: roiOpsMs, js: jsMs },
      runs: repeat,
      speedup: jsMs / roiOpsMs,
      agreement: agrees,
    },
    pooled,
  };
}

/** The .npy files of one operation: `<name>.npy`, and `<name>-argmax.npy` for roiPool. */
function outputFiles(measured: Measured): Array<{ name: string; tensor: NpyWritable }> {
  const { name } = measured.report;
  const { output, argmax } = measured.pooled;
  return [
    { name: `${name}.npy`, tensor: output },
    ...(argmax ? [{ name: `${name}-argmax.npy`, tensor: { data: argmax, shape: output.shape } }] : []),
  ];
}

async function runDemo(repeat: number, outDir: () => string | null): Promise<DemoReport> {
  const sample = loadDemoSample();
  const planned = operations(sample);
  const measured = planned.map((operation) => measure(operation, repeat));
  const directory = outDir();
  const files = measured.map(outputFiles);
  if (directory !== null) {
    writeNpyFilesAtomically(files.flat().map(({ name, tensor }) => ({ path: join(directory, name), tensor })));
  }
  const reports = measured.map(({ report }, i) => ({
    ...report,
    files: directory === null ? [] : (files[i] ?? []).map(({ name }) => name),
  }));
  return {
    info: info(),
    sample: {
      path: sampleDirectory,
      imageSize: sample.imageSize,
      levels: sample.levels.map(({ name, stride, map }) => ({ name, stride, shape: map.shape })),
      proposals: sample.proposals.shape[0] as number,
      roisPerLevel: roisPerLevel(sample, planned[0] as DemoOperation),
    },
    repeat,
    operations: reports,
    outDir: directory,
    ok: reports.every((op) => op.agreement.outsideTolerance === 0 && !op.agreement.argmaxMismatches),
  };
}

// ---------------------------------------------------------------------------------------
// Output

function describeOptions(options: Record<string, unknown>): string {
  return Object.entries(options)
    .map(([key, value]) => {
      const text =
        key === 'spatialScale' && typeof value === 'number' && Number.isInteger(1 / value)
          ? `1/${1 / value}`
          : JSON.stringify(value);
      return `${key} ${text}`;
    })
    .join(', ');
}

function formatReport(report: DemoReport): string {
  const { info: runtime, sample } = report;
  const [height, width] = sample.imageSize;
  const perLevel = sample.levels.map((level, i) => `${level.name} ${sample.roisPerLevel[i]}`).join(', ');
  const lines = [
    `roi-ops ${runtime.version} demo`,
    `info():  ${JSON.stringify(runtime)}`,
    `sample:  ${sample.path}: FPN levels ${sample.levels.map((level) => `${level.name} ${formatShape(level.shape)}`).join(', ')}`,
    `         (strides ${sample.levels.map((level) => level.stride).join(', ')}) of a ${height}x${width} image; ${sample.proposals} proposals (${perLevel})`,
    '',
  ];
  const width1 = Math.max(...report.operations.map((op) => op.name.length));
  for (const op of report.operations)
    lines.push(`${op.name.padEnd(width1)}  ${op.input}: ${describeOptions(op.options)}`);
  lines.push('');
  const rows = [['operation', 'output shape', 'roi-ops ms', 'JS ms', 'speed-up', 'max |diff|']];
  for (const op of report.operations) {
    rows.push([
      op.name,
      formatShape(op.shape),
      op.ms.roiOps.toFixed(2),
      op.ms.js.toFixed(2),
      `${op.speedup.toFixed(1)}x`,
      op.agreement.maxAbsDiff.toExponential(2),
    ]);
  }
  lines.push(table(rows), '');
  const runs = `${report.repeat} run${report.repeat === 1 ? '' : 's'}`;
  lines.push(
    `times:   Sync forms, median of ${runs} after one warm-up call; roi-ops = the public API on the ${runtime.native ? 'native' : 'JavaScript'} backend, JS = the JavaScript reference kernels`,
  );
  if (!runtime.native) {
    lines.push(
      'note:    the native addon is not in use (ROI_OPS_FORCE_JS=1, or no native build loaded), so both columns run JavaScript',
    );
  }
  const pool = report.operations.find((op) => op.agreement.argmaxMismatches !== undefined);
  if (pool) lines.push(`argmax:  ${pool.name}, ${pool.agreement.argmaxMismatches} mismatches against the reference`);
  lines.push(
    report.ok
      ? `agreement: every output within |diff| <= ${alignTolerance.atol.toExponential()} + ${alignTolerance.rtol.toExponential()}*|expected| (roiPool and its argmax: exact)`
      : 'agreement: FAILED, roi-ops and the JavaScript reference disagree (see max |diff| above)',
  );
  if (report.outDir !== null) {
    const files = report.operations.flatMap((op) => op.files);
    lines.push(
      `outputs: ${report.outDir}${report.outDir.endsWith(sep) ? '' : sep}`,
      `         ${files.join(', ')} (numpy.load reads them)`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// Command line

const readRepeat = parseValue.integerIn(1, 10_000);

/**
 * Where the outputs go, decided before any work (a contradiction is a usage error) and made
 * after it (a failed run leaves no empty folder). By default a new temporary folder: the demo
 * is run to look at, and should not leave files in whatever directory the user is in.
 */
function outputDirectory(values: ParsedCommandLine['values']): () => string | null {
  const outDir = stringValue(values, 'out-dir');
  if (values['no-write'] === true) {
    if (outDir !== undefined) throw new UsageError('--out-dir and --no-write cannot be used together');
    return () => null;
  }
  if (outDir !== undefined) {
    return () => {
      mkdirSync(outDir, { recursive: true });
      return outDir;
    };
  }
  return () => mkdtempSync(join(tmpdir(), 'roi-ops-demo-'));
}

export const demoCommand: Command = {
  name: 'demo',
  summary:
    "pool the bundled FPN sample (1000 proposals) as a detector's RoI head does, natively\nand in JavaScript; compare times and outputs, write the outputs as .npy",
  usage: '[--out-dir DIR | --no-write] [--repeat N] [--json]',
  description: [
    'Pools the bundled sample (assets/demo-fpn: the FPN levels P2..P5 of a 480x640 image, 16 channels,',
    'and 1000 proposals) as the RoI head of a two-stage detector does: multiScaleRoiAlign 7x7 over the',
    "four levels (torchvision's MultiScaleRoIAlign), roiAlign 7x7 (aligned) and roiPool 7x7 (with argmax)",
    'on the stride-16 level. Each runs through the public API (native when the addon loads) and through',
    'the JavaScript reference kernels; the table gives the output shape, the median times, the speed-up',
    'and the largest difference (RoIAlign within 1e-5 + 1e-4*|expected|, roiPool exact).',
    'The outputs are written as .npy files (numpy.load reads them) into a new temporary folder, whose',
    'path is printed, or into --out-dir.',
  ].join('\n'),
  options: {
    'out-dir': {
      type: 'string',
      value: 'DIR',
      help: 'write the outputs into DIR (created if missing; files of the same name\nare replaced) instead of a new temporary folder',
    },
    'no-write': { type: 'boolean', help: 'write no output file' },
    repeat: { type: 'string', value: 'N', help: 'timed runs per operation, of which the median is shown (default 5)' },
  },
  jsonHelp: 'print one JSON object instead of the table',
  positionals: { min: 0, max: 0 },
  examples: [
    'roi-ops demo',
    'roi-ops demo --out-dir pooled/ --repeat 20',
    'roi-ops demo --json --repeat 1 --no-write',
    'ROI_OPS_FORCE_JS=1 roi-ops demo',
  ],
  failure: 'the demo failed (a file could not be read or written), or the two backends disagree',
  async run({ values, json }) {
    const repeatText = stringValue(values, 'repeat');
    const repeat = repeatText === undefined ? 5 : readRepeat('repeat', repeatText);
    const report = await runDemo(repeat, outputDirectory(values));
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
    return report.ok ? exitStatus.ok : exitStatus.failed;
  },
};
