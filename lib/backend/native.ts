// The native backend: loads the addon through node-gyp-build (a prebuild from prebuilds/,
// else build/Release) and adapts its positional binding to the Backend interface.
import { createRequire } from 'node:module';

import type { FeatureMap, PoolingJob } from '../model.js';
import { packageRoot } from '../package.js';
import type { SimdLevel } from '../types.js';
import type { Backend, Jobs, Operator } from './types.js';

/**
 * The addon's exports (native/addon/*.cc): `<operator>Sync(...args)` and
 * `<operator>Async(...args, abortFlag, settle)` for every operator, with the positional
 * arguments each binding documents, plus the runtime functions. An Async entry queues its
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

const layoutCode = { NCHW: 0, NHWC: 1 } as const;
const binsCode = { overlap: 0, split: 1 } as const;
const modeCode = { avg: 0, max: 1, 'onnx-max': 2 } as const;
const poolModeCode = { max: 0, avg: 1 } as const;
const methodCode = { bilinear: 0, nearest: 1 } as const;

/** A map as the bindings take it: (data, N, C, H, W, layout). */
function mapArgs(map: FeatureMap): unknown[] {
  return [map.data, map.batch, map.channels, map.height, map.width, layoutCode[map.layout]];
}

/** What every backward binding starts with: (gradInput, N, C, H, W, layout, rois, K, gradOutput). */
function backwardArgs(job: { gradInput: unknown; rois: Float32Array; roiCount: number; gradOutput: unknown }): unknown[] {
  return [...mapArgs(job.gradInput as FeatureMap), job.rois, job.roiCount, job.gradOutput];
}

/** A forward binding's arguments: (input, N, C, H, W, layout, rois, K, out, ...rest), built as one array. */
function forwardArgs(job: PoolingJob, ...rest: unknown[]): unknown[] {
  const { input } = job;
  const { data, batch, channels, height, width, layout } = input;
  return [data, batch, channels, height, width, layoutCode[layout], job.rois, job.roiCount, job.out, ...rest];
}

// Each entry builds the positional arguments its binding documents (native/addon/*.cc), in
// that order; `threads` is 0 for "the process setting".
const argumentsOf: { [Op in Operator]: (job: Jobs[Op]) => unknown[] } = {
  roiPool: (job) => forwardArgs(
    job,
    job.argmax,
    job.pooledHeight,
    job.pooledWidth,
    job.spatialScale,
    binsCode[job.bins],
    job.threads ?? 0,
  ),
  roiAlign: (job) => forwardArgs(
    job,
    job.pooledHeight,
    job.pooledWidth,
    job.spatialScale,
    job.samplingRatio,
    job.aligned,
    modeCode[job.mode],
    job.maxSamplesPerRoi,
    job.threads ?? 0,
  ),
  psRoiPool: (job) => forwardArgs(job, job.pooledHeight, job.pooledWidth, job.spatialScale, job.threads ?? 0),
  psRoiAlign: (job) => forwardArgs(
    job,
    job.pooledHeight,
    job.pooledWidth,
    job.spatialScale,
    job.samplingRatio,
    job.maxSamplesPerRoi,
    job.threads ?? 0,
  ),
  roiAlignRotated: (job) => forwardArgs(
    job,
    job.pooledHeight,
    job.pooledWidth,
    job.spatialScale,
    job.samplingRatio,
    job.aligned,
    job.clockwise,
    job.maxSamplesPerRoi,
    job.threads ?? 0,
  ),
  multiScaleRoiAlign: (job) => {
    const first = job.levels[0] as FeatureMap;
    return [
      job.levels.map((level) => level.data),
      first.batch,
      first.channels,
      job.levels.flatMap((level) => [level.height, level.width]),
      layoutCode[first.layout],
      Float32Array.from(job.scales),
      job.rois,
      job.roiCount,
      job.levelOfRoi,
      job.out,
      job.pooledHeight,
      job.pooledWidth,
      job.samplingRatio,
      job.aligned,
      job.maxSamplesPerRoi,
      job.threads ?? 0,
    ];
  },
  spatialPyramidPool: (job) => [
    ...mapArgs(job.input),
    job.rois,
    job.rois === null ? 0 : job.count,
    job.out,
    Int32Array.from(job.levels),
    job.spatialScale,
    poolModeCode[job.mode],
    job.threads ?? 0,
  ],
  cropAndResize: (job) => [
    ...mapArgs(job.image),
    job.boxes,
    job.boxCount,
    job.boxIndices,
    job.out,
    job.cropHeight,
    job.cropWidth,
    methodCode[job.method],
    job.extrapolationValue,
    job.threads ?? 0,
  ],
  preciseRoiPool: (job) => forwardArgs(job, job.pooledHeight, job.pooledWidth, job.spatialScale, job.threads ?? 0),
  roiPoolBackward: (job) => [...backwardArgs(job), job.argmax, job.pooledHeight, job.pooledWidth, job.threads ?? 0],
  psRoiPoolBackward: (job) => [...backwardArgs(job), job.pooledHeight, job.pooledWidth, job.spatialScale, job.threads ?? 0],
  preciseRoiPoolBackward: (job) => [...backwardArgs(job), job.pooledHeight, job.pooledWidth, job.spatialScale, job.threads ?? 0],
  roiAlignBackward: (job) => [
    ...backwardArgs(job),
    job.input === null ? null : job.input.data,
    job.pooledHeight,
    job.pooledWidth,
    job.spatialScale,
    job.samplingRatio,
    job.aligned,
    modeCode[job.mode],
    job.maxSamplesPerRoi,
    job.threads ?? 0,
  ],
  psRoiAlignBackward: (job) => [
    ...backwardArgs(job),
    job.pooledHeight,
    job.pooledWidth,
    job.spatialScale,
    job.samplingRatio,
    job.maxSamplesPerRoi,
    job.threads ?? 0,
  ],
  roiAlignRotatedBackward: (job) => [
    ...backwardArgs(job),
    job.pooledHeight,
    job.pooledWidth,
    job.spatialScale,
    job.samplingRatio,
    job.aligned,
    job.clockwise,
    job.maxSamplesPerRoi,
    job.threads ?? 0,
  ],
};

// The binding names, made once: a call builds no strings (tiny calls are dominated by such costs).
const syncName = Object.fromEntries(Object.keys(argumentsOf).map((op) => [op, `${op}Sync`])) as {
  [Op in Operator]: `${Op}Sync`;
};
const asyncName = Object.fromEntries(Object.keys(argumentsOf).map((op) => [op, `${op}Async`])) as {
  [Op in Operator]: `${Op}Async`;
};

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
    runSync: (op, job) => Reflect.apply(binding[syncName[op]], binding, argumentsOf[op](job)),
    runAsync: (op, job, abortFlag) => {
      const { settle, settled } = settlement();
      const args = argumentsOf[op](job);
      args.push(abortFlag, settle);
      Reflect.apply(binding[asyncName[op]], binding, args);
      return settled;
    },
    setNumThreads: (n) => binding.setNumThreads(n),
    setInitialNumThreads: (n) => binding.setInitialNumThreads(n),
    getNumThreads: () => binding.getNumThreads(),
  };
}
