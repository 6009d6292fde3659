// The native backend: loads the addon through node-gyp-build (a prebuild from prebuilds/,
// else build/Release) and adapts its positional binding (lib/backend/wire.ts) to the Backend
// interface.
import { createRequire } from 'node:module';

import { isHalfMap, type DType, type FeatureMap, type InputMap } from '../model.js';
import { operators, type Operator } from '../operators.js';
import { packageRoot } from '../package.js';
import type { SimdLevel } from '../types.js';
import type { Backend, Jobs } from './types.js';
import type { WireArguments, WireGroup } from './wire.js';
import { positional } from './wire-order.js';

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

const layoutCode = { NCHW: 0, NHWC: 1 } as const;
const binsCode = { overlap: 0, split: 1 } as const;
const modeCode = { avg: 0, max: 1, 'onnx-max': 2 } as const;
const poolModeCode = { max: 0, avg: 1 } as const;
const methodCode = { bilinear: 0, nearest: 1 } as const;
const typeCode = { float32: 0, float16: 1, bfloat16: 2 } as const;

// Each operator's binding arguments by name (wire.ts orders them; wire-order.ts turns them into
// the positional array). Built by assignment, never by object spread: on Node 20 a spread costs
// microseconds a call, as much as a whole tiny pooling call.

/** A map's elements as the addon reads them: the Float32Array, or a 16-bit map's patterns. */
function mapData(map: InputMap): Float32Array | Uint16Array {
  return isHalfMap(map) ? map.bits : map.data;
}

function mapType(map: InputMap): number {
  return isHalfMap(map) ? typeCode[map.dtype] : typeCode.float32;
}

/** What every forward binding but multiScaleRoiAlign starts with: the input map, RoI rows and output. */
function forwardArguments(job: {
  input: InputMap;
  rois: Float32Array | null;
  roiCount: number;
  out: Float32Array | Uint16Array;
  outputDtype: DType;
}): WireGroup<'forward'> {
  const { input } = job;
  const { batch, channels, height, width } = input;
  return {
    input: mapData(input),
    inputType: mapType(input),
    batch,
    channels,
    height,
    width,
    layout: layoutCode[input.layout],
    rois: job.rois,
    roiCount: job.roiCount,
    out: job.out,
    outputType: typeCode[job.outputDtype],
  };
}

/** What every backward binding starts with: the input gradient, RoI rows and output gradient. */
function backwardArguments(job: {
  gradInput: FeatureMap;
  rois: Float32Array;
  roiCount: number;
  gradOutput: Float32Array;
}): WireGroup<'backward'> {
  const { data: gradInput, batch, channels, height, width, layout } = job.gradInput;
  return {
    gradInput,
    batch,
    channels,
    height,
    width,
    layout: layoutCode[layout],
    rois: job.rois,
    roiCount: job.roiCount,
    gradOutput: job.gradOutput,
  };
}

type BinsJob = { pooledHeight: number; pooledWidth: number; spatialScale: number; threads?: number | undefined };
type SamplingJob = BinsJob & { samplingRatio: number; maxSamplesPerRoi: number };

// The options after the buffers, the same in an operator's forward and backward bindings, added to `named`.
function withBins<T extends object>(named: T, job: BinsJob): T & WireGroup<'binsOnly'> {
  const all = named as T & WireGroup<'binsOnly'>;
  all.pooledHeight = job.pooledHeight;
  all.pooledWidth = job.pooledWidth;
  all.spatialScale = job.spatialScale;
  all.threads = job.threads ?? 0; // 0: the process setting
  return all;
}

function withPsAlignOptions<T extends object>(named: T, job: SamplingJob): T & WireGroup<'psAlignOptions'> {
  const all = withBins(named, job) as T & WireGroup<'psAlignOptions'>;
  all.samplingRatio = job.samplingRatio;
  all.maxSamplesPerRoi = job.maxSamplesPerRoi;
  return all;
}

function withAlignOptions<T extends object>(
  named: T,
  job: SamplingJob & { aligned: boolean; mode: keyof typeof modeCode },
): T & WireGroup<'alignOptions'> {
  const all = withPsAlignOptions(named, job) as T & WireGroup<'alignOptions'>;
  all.aligned = job.aligned;
  all.mode = modeCode[job.mode];
  return all;
}

function withRotatedOptions<T extends object>(
  named: T,
  job: SamplingJob & { aligned: boolean; clockwise: boolean },
): T & WireGroup<'rotatedOptions'> {
  const all = withPsAlignOptions(named, job) as T & WireGroup<'rotatedOptions'>;
  all.aligned = job.aligned;
  all.clockwise = job.clockwise;
  return all;
}

// Each builder must give WireArguments<Op>: a group or name left out is a type error, and each
// value is set by its name, so no two can be swapped.
const argumentsOf: { [Op in Operator]: (job: Jobs[Op]) => WireArguments<Op> } = {
  roiPool: (job) => {
    const named = withBins(forwardArguments(job), job) as WireArguments<'roiPool'>;
    named.argmax = job.argmax;
    named.bins = binsCode[job.bins];
    return named;
  },
  roiAlign: (job) => withAlignOptions(forwardArguments(job), job),
  psRoiPool: (job) => withBins(forwardArguments(job), job),
  psRoiAlign: (job) => withPsAlignOptions(forwardArguments(job), job),
  roiAlignRotated: (job) => withRotatedOptions(forwardArguments(job), job),
  multiScaleRoiAlign: (job) => {
    const first = job.levels[0] as InputMap;
    return {
      levels: job.levels.map(mapData),
      inputType: mapType(first),
      batch: first.batch,
      channels: first.channels,
      levelSizes: job.levels.flatMap((level) => [level.height, level.width]),
      layout: layoutCode[first.layout],
      scales: Float32Array.from(job.scales),
      rois: job.rois,
      roiCount: job.roiCount,
      roiLevels: job.levelOfRoi,
      out: job.out,
      outputType: typeCode[job.outputDtype],
      pooledHeight: job.pooledHeight,
      pooledWidth: job.pooledWidth,
      samplingRatio: job.samplingRatio,
      aligned: job.aligned,
      maxSamplesPerRoi: job.maxSamplesPerRoi,
      threads: job.threads ?? 0,
    };
  },
  spatialPyramidPool: (job) => {
    const roiCount = job.rois === null ? 0 : job.count;
    const named = forwardArguments({
      input: job.input,
      rois: job.rois,
      roiCount,
      out: job.out,
      outputDtype: job.outputDtype,
    }) as WireArguments<'spatialPyramidPool'>;
    named.levels = Int32Array.from(job.levels);
    named.spatialScale = job.spatialScale;
    named.mode = poolModeCode[job.mode];
    named.threads = job.threads ?? 0;
    return named;
  },
  cropAndResize: (job) => {
    const named = forwardArguments({
      input: job.image,
      rois: job.boxes,
      roiCount: job.boxCount,
      out: job.out,
      outputDtype: job.outputDtype,
    }) as WireArguments<'cropAndResize'>;
    named.boxIndices = job.boxIndices;
    named.cropHeight = job.cropHeight;
    named.cropWidth = job.cropWidth;
    named.method = methodCode[job.method];
    named.extrapolationValue = job.extrapolationValue;
    named.threads = job.threads ?? 0;
    return named;
  },
  preciseRoiPool: (job) => withBins(forwardArguments(job), job),
  roiPoolBackward: (job) => {
    const named = backwardArguments(job) as WireArguments<'roiPoolBackward'>;
    named.argmax = job.argmax;
    named.pooledHeight = job.pooledHeight;
    named.pooledWidth = job.pooledWidth;
    named.threads = job.threads ?? 0;
    return named;
  },
  roiAlignBackward: (job) => {
    const named = withAlignOptions(backwardArguments(job), job) as WireArguments<'roiAlignBackward'>;
    named.input = job.input === null ? null : job.input.data;
    return named;
  },
  psRoiPoolBackward: (job) => withBins(backwardArguments(job), job),
  psRoiAlignBackward: (job) => withPsAlignOptions(backwardArguments(job), job),
  roiAlignRotatedBackward: (job) => withRotatedOptions(backwardArguments(job), job),
  preciseRoiPoolBackward: (job) => withBins(backwardArguments(job), job),
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
