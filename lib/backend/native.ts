// The native backend: loads the addon through node-gyp-build (a prebuild from prebuilds/,
// else build/Release) and adapts its positional binding (lib/backend/wire.ts) to the Backend
// interface.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { PoolingJob, ReferenceMap } from '../reference/common.js';
import type { SimdLevel } from '../types.js';
import type { FeatureMap } from '../validate.js';
import { operators, type Operator } from '../operators.js';
import type { Backend, Jobs } from './types.js';
import { positional, type WireArguments } from './wire.js';

/**
 * The addon's exports (native/addon/*.cc): `<operator>Sync(...args)` and
 * `<operator>Async(...args, abortFlag, settle)` for every operator, with the positional
 * arguments of its wire entry (wire.ts), plus the runtime functions. An Async entry queues its
 * kernel and returns; `settle` is called once it has finished, with nothing or with the
 * error (a callback, not a Node-API promise: native/addon/kernel_worker.h says why).
 */
type OperatorBindings = {
  [Name in `${Operator}Sync`]: (...args: unknown[]) => void;
} & {
  [Name in `${Operator}Async`]: (...args: unknown[]) => void;
};

/** How an Async entry reports its end: called once, with the error if the call failed. */
export type Settle = (error?: Error) => void;

/**
 * A promise and the Settle function that settles it. The binding is called outside the
 * promise's executor, so a refusal of its arguments still throws where it is called.
 */
export function settlement(): { settle: Settle; settled: Promise<void> } {
  let settle!: Settle;
  const settled = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  return { settle, settled };
}

interface NativeBinding extends OperatorBindings {
  addonBuild(): string;
  simdLevel(): string;
  setNumThreads(threads: number): void;
  setInitialNumThreads(threads: number): void;
  getNumThreads(): number;
}

const requireHere = createRequire(import.meta.url);

/** The directory holding roi-ops' package.json, from the source tree or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'roi-ops') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('roi-ops: cannot find its own package.json');
    dir = parent;
  }
}

const layoutCode = { NCHW: 0, NHWC: 1 } as const;
const binsCode = { overlap: 0, split: 1 } as const;
const modeCode = { avg: 0, max: 1, 'onnx-max': 2 } as const;
const poolModeCode = { max: 0, avg: 1 } as const;
const methodCode = { bilinear: 0, nearest: 1 } as const;

/** A map's shape as the bindings take it (wire.ts `shape`). */
function shapeOf(map: Omit<FeatureMap, 'data'>) {
  return { batch: map.batch, channels: map.channels, height: map.height, width: map.width, layout: layoutCode[map.layout] };
}

/** What every forward binding but multiScaleRoiAlign starts with (wire.ts `forward`). */
function forwardArguments(job: PoolingJob) {
  return { input: job.input.data, ...shapeOf(job.input), rois: job.rois, roiCount: job.roiCount, out: job.out };
}

/** What every backward binding starts with (wire.ts `backward`). */
function backwardArguments(job: { gradInput: ReferenceMap; rois: Float32Array; roiCount: number; gradOutput: Float32Array }) {
  return { gradInput: job.gradInput.data, ...shapeOf(job.gradInput), rois: job.rois, roiCount: job.roiCount, gradOutput: job.gradOutput };
}

function binsAndScale(job: { pooledHeight: number; pooledWidth: number; spatialScale: number }) {
  return { pooledHeight: job.pooledHeight, pooledWidth: job.pooledWidth, spatialScale: job.spatialScale };
}

/** `threads` 0 is "the process setting". */
function threadsOf(job: { threads?: number | undefined }) {
  return { threads: job.threads ?? 0 };
}

// What follows the buffers, the same in an operator's forward and backward jobs (wire.ts).
type BinsJob = { pooledHeight: number; pooledWidth: number; spatialScale: number; threads?: number | undefined };
type SamplingJob = BinsJob & { samplingRatio: number; maxSamplesPerRoi: number };

function binsOnly(job: BinsJob) {
  return { ...binsAndScale(job), ...threadsOf(job) };
}

function psAlignOptions(job: SamplingJob) {
  return { ...binsOnly(job), samplingRatio: job.samplingRatio, maxSamplesPerRoi: job.maxSamplesPerRoi };
}

function alignOptions(job: SamplingJob & { aligned: boolean; mode: keyof typeof modeCode }) {
  return { ...psAlignOptions(job), aligned: job.aligned, mode: modeCode[job.mode] };
}

function rotatedOptions(job: SamplingJob & { aligned: boolean; clockwise: boolean }) {
  return { ...psAlignOptions(job), aligned: job.aligned, clockwise: job.clockwise };
}

// Each operator's binding arguments by name (lib/backend/wire.ts orders them): a missing or
// unknown name is a type error, so no two can be swapped.
const argumentsOf: { [Op in Operator]: (job: Jobs[Op]) => WireArguments<Op> } = {
  roiPool: (job) => ({
    ...forwardArguments(job),
    argmax: job.argmax,
    ...binsOnly(job),
    bins: binsCode[job.bins],
  }),
  roiAlign: (job) => ({ ...forwardArguments(job), ...alignOptions(job) }),
  psRoiPool: (job) => ({ ...forwardArguments(job), ...binsOnly(job) }),
  psRoiAlign: (job) => ({ ...forwardArguments(job), ...psAlignOptions(job) }),
  roiAlignRotated: (job) => ({ ...forwardArguments(job), ...rotatedOptions(job) }),
  multiScaleRoiAlign: (job) => {
    const first = job.levels[0] as FeatureMap;
    return {
      levels: job.levels.map((level) => level.data),
      batch: first.batch,
      channels: first.channels,
      levelSizes: job.levels.flatMap((level) => [level.height, level.width]),
      layout: layoutCode[first.layout],
      scales: Float32Array.from(job.scales),
      rois: job.rois,
      roiCount: job.roiCount,
      roiLevels: job.levelOfRoi,
      out: job.out,
      pooledHeight: job.pooledHeight,
      pooledWidth: job.pooledWidth,
      samplingRatio: job.samplingRatio,
      aligned: job.aligned,
      maxSamplesPerRoi: job.maxSamplesPerRoi,
      ...threadsOf(job),
    };
  },
  spatialPyramidPool: (job) => ({
    input: job.input.data,
    ...shapeOf(job.input),
    rois: job.rois,
    roiCount: job.rois === null ? 0 : job.count,
    out: job.out,
    levels: Int32Array.from(job.levels),
    spatialScale: job.spatialScale,
    mode: poolModeCode[job.mode],
    ...threadsOf(job),
  }),
  cropAndResize: (job) => ({
    input: job.image.data,
    ...shapeOf(job.image),
    rois: job.boxes,
    roiCount: job.boxCount,
    boxIndices: job.boxIndices,
    out: job.out,
    cropHeight: job.cropHeight,
    cropWidth: job.cropWidth,
    method: methodCode[job.method],
    extrapolationValue: job.extrapolationValue,
    ...threadsOf(job),
  }),
  preciseRoiPool: (job) => ({ ...forwardArguments(job), ...binsOnly(job) }),
  roiPoolBackward: (job) => ({
    ...backwardArguments(job),
    argmax: job.argmax,
    pooledHeight: job.pooledHeight,
    pooledWidth: job.pooledWidth,
    ...threadsOf(job),
  }),
  roiAlignBackward: (job) => ({
    ...backwardArguments(job),
    input: job.input === null ? null : job.input.data,
    ...alignOptions(job),
  }),
  psRoiPoolBackward: (job) => ({ ...backwardArguments(job), ...binsOnly(job) }),
  psRoiAlignBackward: (job) => ({ ...backwardArguments(job), ...psAlignOptions(job) }),
  roiAlignRotatedBackward: (job) => ({ ...backwardArguments(job), ...rotatedOptions(job) }),
  preciseRoiPoolBackward: (job) => ({ ...backwardArguments(job), ...binsOnly(job) }),
};

// The binding names, made once: a call builds no strings (tiny calls are dominated by such costs).
const syncName = Object.fromEntries(operators.map((op) => [op, `${op}Sync`])) as { [Op in Operator]: `${Op}Sync` };
const asyncName = Object.fromEntries(operators.map((op) => [op, `${op}Async`])) as { [Op in Operator]: `${Op}Async` };

/**
 * The binary to load: the file ROI_OPS_ADDON_PATH names (to run one particular build, e.g. the
 * Node-API prebuild on a Node that has a per-ABI one), else the one node-gyp-build picks
 * (build/Release, else the best prebuild for this platform, Node ABI and libc).
 */
export function addonPath(): string {
  const chosen = process.env.ROI_OPS_ADDON_PATH;
  if (chosen !== undefined && chosen !== '') return chosen;
  const { resolve } = requireHere('node-gyp-build') as { resolve(dir: string): string };
  return resolve(packageRoot());
}

/** Loads the addon; throws what node-gyp-build or the addon threw when no binary fits this Node. */
export function createNativeBackend(): Backend {
  const path = addonPath();
  const binding = requireHere(path) as NativeBinding;
  return {
    native: true,
    addon: { path, build: binding.addonBuild() },
    simd: () => binding.simdLevel() as SimdLevel,
    runSync: (op, job) => Reflect.apply(binding[syncName[op]], binding, positional(op, argumentsOf[op](job))),
    runAsync: (op, job, abortFlag) => {
      const { settle, settled } = settlement();
      const args = positional(op, argumentsOf[op](job));
      args.push(abortFlag, settle);
      Reflect.apply(binding[asyncName[op]], binding, args);
      return settled;
    },
    setNumThreads: (n) => binding.setNumThreads(n),
    setInitialNumThreads: (n) => binding.setInitialNumThreads(n),
    getNumThreads: () => binding.getNumThreads(),
  };
}
