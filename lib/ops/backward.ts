// The backward passes, for training (docs/api.md "Backward"): each takes the gradient of its
// forward's output, the same boxes and the forward's options plus `inputShape`, and returns
// the gradient with respect to the input. The summation order is fixed (per channel: RoIs,
// then bins, then samples, in order), so the result is deterministic and does not depend
// on the thread count.
import { checkBoxRows, readBoxes } from '../boxes.js';
import { formatShape, invalidType, rangeError } from '../errors.js';
import type { AlignMode, BoxColumns, FeatureMap, RoiRows } from '../model.js';
import type {
  AsyncOptions,
  Boxes,
  PreciseRoiPoolBackwardOptions,
  PsRoiAlignBackwardOptions,
  PsRoiPoolBackwardOptions,
  RoiAlignBackwardOptions,
  RoiAlignRotatedBackwardOptions,
  RoiPoolBackwardOptions,
  Tensor,
  TensorLike,
} from '../types.js';
import {
  checkMemory,
  elementCount,
  outputBuffer,
  read,
  readFeatureMap,
  readTensor,
  refuseHalfTensor,
  type OptionValues,
} from '../validate.js';
import {
  alignGrids,
  checkSampleBudget,
  extendJob,
  poolingOptions,
  type PoolingOptionValues,
  positionSensitiveChannels,
  readCallOptions,
  rotatedGrids,
  samplingOptions,
} from './pooling.js';
import { operator } from './operator.js';

const { spatialScale, layout, invalidBoxes, threads } = poolingOptions;

const backwardOptions = {
  inputShape: { read: read.list(read.integer(0), 'non-negative integers'), required: true },
  outputSize: { read: read.outputSize, default: undefined as [number, number] | undefined },
  layout,
  invalidBoxes,
  // Backward operators take and give float32 only (docs/api.md "16-bit feature maps").
  out: { read: read.float32Array, default: undefined as Float32Array | undefined },
  threads,
};

type BackwardOptionValues = OptionValues<typeof backwardOptions>;

/** The public forms of a backward operator that takes (gradOutput, boxes, options). */
type BackwardSync<Options> = (gradOutput: TensorLike, boxes: Boxes, options: Options) => Tensor;
type BackwardAsync<Options> = (
  gradOutput: TensorLike,
  boxes: Boxes,
  options: Options & AsyncOptions,
) => Promise<Tensor>;

/** What every backward job holds: the output gradient, the boxes and the input gradient to write. */
interface PreparedBackward {
  job: {
    gradOutput: Float32Array;
    rois: Float32Array;
    roiCount: number;
    pooledHeight: number;
    pooledWidth: number;
    gradInput: FeatureMap;
    threads: number;
  };
  rows: RoiRows;
  shape: number[];
}

function prepareBackward(
  fn: string,
  gradOutput: unknown,
  boxes: unknown,
  opts: BackwardOptionValues,
  { columns = 5, positionSensitive = false }: { columns?: BoxColumns; positionSensitive?: boolean } = {},
): PreparedBackward {
  const shape = opts.inputShape;
  if (shape.length !== 4) {
    throw rangeError(fn, `expected a 4-D shape for options.inputShape but received ${formatShape(shape)}`);
  }
  refuseHalfTensor(fn, 'gradOutput', gradOutput);
  const grad = readTensor(fn, 'gradOutput', gradOutput, 4);
  const data = outputBuffer(fn, 'options.out', shape, opts.out, (n) => new Float32Array(n), [
    [grad.data, 'gradOutput'],
  ]);
  // The input gradient is a map of the forward input's shape: read it like an input.
  const gradInput = readFeatureMap(fn, 'options.inputShape', { data, shape }, opts.layout);
  const [K, a, b, c] = grad.shape as [number, number, number, number];
  const [PH, PW, channels] = opts.layout === 'NCHW' ? [b, c, a] : [a, b, c];
  if (PH < 1 || PW < 1) {
    throw rangeError(
      fn,
      `gradOutput ${formatShape(grad.shape)} (${opts.layout}) has ${PH}x${PW} bins, expected at least 1x1`,
    );
  }
  if (opts.outputSize !== undefined && (opts.outputSize[0] !== PH || opts.outputSize[1] !== PW)) {
    throw rangeError(
      fn,
      `options.outputSize is ${opts.outputSize[0]}x${opts.outputSize[1]} but gradOutput ${formatShape(grad.shape)} ` +
        `(${opts.layout}) has ${PH}x${PW} bins`,
    );
  }
  const expectedChannels = positionSensitive
    ? positionSensitiveChannels(fn, { outputSize: [PH, PW] } as PoolingOptionValues)(gradInput.channels)
    : gradInput.channels;
  if (channels !== expectedChannels) {
    throw rangeError(
      fn,
      `gradOutput ${formatShape(grad.shape)} (${opts.layout}) has ${channels} channels, the forward of an input ` +
        `${formatShape(shape)} gives ${expectedChannels}`,
    );
  }
  const rows = readBoxes(fn, boxes, gradInput.batch, columns);
  checkBoxRows(fn, rows, gradInput.batch, opts.invalidBoxes, columns);
  if (rows.count !== K) {
    throw rangeError(fn, `gradOutput has ${K} rows but boxes has ${rows.count}`);
  }
  return {
    job: {
      gradOutput: grad.data,
      rois: rows.data,
      roiCount: K,
      pooledHeight: PH,
      pooledWidth: PW,
      gradInput,
      threads: opts.threads ?? 0,
    },
    rows,
    shape,
  };
}

function gradient(job: { gradInput: FeatureMap }, shape: number[]): Tensor {
  return { data: job.gradInput.data, shape, dtype: 'float32' };
}

// ---- roiPoolBackward: the gradient goes to each bin's argmax pixel (docs/semantics.md "roiPool").

const roiPoolBackwardOperator = operator('roiPoolBackward', 3, (fn, gradOutput, argmax, boxes, options) => {
  const opts = readCallOptions(fn, options, backwardOptions);
  const { job, shape } = prepareBackward(fn, gradOutput, boxes, opts);
  if (!(argmax instanceof Int32Array))
    throw invalidType(fn, 'argmax', "an Int32Array (roiPool's returnArgmax result)", argmax);
  checkMemory(fn, 'argmax', 'an Int32Array', argmax);
  if (elementCount(argmax) !== elementCount(job.gradOutput)) {
    throw rangeError(fn, `argmax has ${elementCount(argmax)} elements, gradOutput has ${elementCount(job.gradOutput)}`);
  }
  const plane = job.gradInput.height * job.gradInput.width;
  for (let i = 0; i < argmax.length; i++) {
    const index = argmax[i] as number;
    if (index < -1 || index >= plane) {
      throw rangeError(fn, `argmax[${i}] is ${index}, expected -1 or a plane index in [0, ${plane})`);
    }
  }
  const backwardJob = extendJob(job, { argmax });
  return { job: backwardJob, result: gradient(backwardJob, shape) };
});

/** RoI max pooling's input gradient, blocking. */
export const roiPoolBackwardSync: (
  gradOutput: TensorLike,
  argmax: Int32Array,
  boxes: Boxes,
  options: RoiPoolBackwardOptions,
) => Tensor = roiPoolBackwardOperator.sync;

/** RoI max pooling's input gradient, off the JavaScript thread. */
export const roiPoolBackward: (
  gradOutput: TensorLike,
  argmax: Int32Array,
  boxes: Boxes,
  options: RoiPoolBackwardOptions & AsyncOptions,
) => Promise<Tensor> = roiPoolBackwardOperator.async;

// ---- roiAlignBackward: avg, max and onnx-max (docs/semantics.md "roiAlign", "The three modes").

const roiAlignBackwardOptions = {
  ...backwardOptions,
  spatialScale,
  ...samplingOptions,
  aligned: { read: read.boolean, default: false },
  mode: { read: read.oneOf<AlignMode>(['avg', 'max', 'onnx-max']), default: 'avg' as AlignMode },
  input: { read: (_fn: string, _argument: string, value: unknown) => value, default: undefined as unknown },
};

const roiAlignBackwardOperator = operator('roiAlignBackward', 2, (fn, gradOutput, boxes, options) => {
  const opts = readCallOptions(fn, options, roiAlignBackwardOptions);
  const prepared = prepareBackward(fn, gradOutput, boxes, opts);
  let input: FeatureMap | null = null;
  if (opts.mode !== 'avg') {
    if (opts.input === undefined) {
      throw invalidType(
        fn,
        'options.input',
        `the forward input (mode '${opts.mode}' routes the gradient to the winning sample)`,
        undefined,
      );
    }
    input = readFeatureMap(fn, 'options.input', opts.input, opts.layout);
    const dims = (m: FeatureMap) => [m.batch, m.channels, m.height, m.width].join(',');
    if (dims(input) !== dims(prepared.job.gradInput)) {
      throw rangeError(fn, `options.input's shape does not match options.inputShape ${formatShape(prepared.shape)}`);
    }
  }
  const job = {
    ...prepared.job,
    spatialScale: opts.spatialScale,
    samplingRatio: opts.samplingRatio,
    aligned: opts.aligned,
    mode: opts.mode,
    input,
    maxSamplesPerRoi: opts.maxSamplesPerRoi,
  };
  checkSampleBudget(fn, job, prepared.rows, alignGrids(job, job.gradInput.batch, job.aligned));
  return { job, result: gradient(job, prepared.shape) };
});

/** RoIAlign's input gradient, blocking. */
export const roiAlignBackwardSync: BackwardSync<RoiAlignBackwardOptions> = roiAlignBackwardOperator.sync;

/** RoIAlign's input gradient, off the JavaScript thread. */
export const roiAlignBackward: BackwardAsync<RoiAlignBackwardOptions> = roiAlignBackwardOperator.async;

// ---- psRoiPoolBackward / psRoiAlignBackward (docs/semantics.md "psRoiPool and psRoiAlign").

const psRoiPoolBackwardOptions = { ...backwardOptions, spatialScale };

const psRoiPoolBackwardOperator = operator('psRoiPoolBackward', 2, (fn, gradOutput, boxes, options) => {
  const opts = readCallOptions(fn, options, psRoiPoolBackwardOptions);
  const { job, shape } = prepareBackward(fn, gradOutput, boxes, opts, { positionSensitive: true });
  const backwardJob = extendJob(job, { spatialScale: opts.spatialScale });
  return { job: backwardJob, result: gradient(backwardJob, shape) };
});

/** psRoiPool's input gradient, blocking. */
export const psRoiPoolBackwardSync: BackwardSync<PsRoiPoolBackwardOptions> = psRoiPoolBackwardOperator.sync;

/** psRoiPool's input gradient, off the JavaScript thread. */
export const psRoiPoolBackward: BackwardAsync<PsRoiPoolBackwardOptions> = psRoiPoolBackwardOperator.async;

const psRoiAlignBackwardOptions = { ...backwardOptions, spatialScale, ...samplingOptions };

const psRoiAlignBackwardOperator = operator('psRoiAlignBackward', 2, (fn, gradOutput, boxes, options) => {
  const opts = readCallOptions(fn, options, psRoiAlignBackwardOptions);
  const prepared = prepareBackward(fn, gradOutput, boxes, opts, { positionSensitive: true });
  const job = {
    ...prepared.job,
    spatialScale: opts.spatialScale,
    samplingRatio: opts.samplingRatio,
    maxSamplesPerRoi: opts.maxSamplesPerRoi,
  };
  checkSampleBudget(fn, job, prepared.rows, alignGrids(job, job.gradInput.batch, true));
  return { job, result: gradient(job, prepared.shape) };
});

/** psRoiAlign's input gradient, blocking. */
export const psRoiAlignBackwardSync: BackwardSync<PsRoiAlignBackwardOptions> = psRoiAlignBackwardOperator.sync;

/** psRoiAlign's input gradient, off the JavaScript thread. */
export const psRoiAlignBackward: BackwardAsync<PsRoiAlignBackwardOptions> = psRoiAlignBackwardOperator.async;

// ---- roiAlignRotatedBackward (docs/semantics.md "roiAlignRotated").

const roiAlignRotatedBackwardOptions = {
  ...backwardOptions,
  spatialScale,
  ...samplingOptions,
  aligned: { read: read.boolean, default: true },
  clockwise: { read: read.boolean, default: false },
};

const roiAlignRotatedBackwardOperator = operator('roiAlignRotatedBackward', 2, (fn, gradOutput, rboxes, options) => {
  const opts = readCallOptions(fn, options, roiAlignRotatedBackwardOptions);
  const prepared = prepareBackward(fn, gradOutput, rboxes, opts, { columns: 6 });
  const job = {
    ...prepared.job,
    spatialScale: opts.spatialScale,
    samplingRatio: opts.samplingRatio,
    aligned: opts.aligned,
    clockwise: opts.clockwise,
    maxSamplesPerRoi: opts.maxSamplesPerRoi,
  };
  checkSampleBudget(fn, job, prepared.rows, rotatedGrids(job, job.gradInput.batch, job.aligned));
  return { job, result: gradient(job, prepared.shape) };
});

/** roiAlignRotated's input gradient, blocking. */
export const roiAlignRotatedBackwardSync: BackwardSync<RoiAlignRotatedBackwardOptions> =
  roiAlignRotatedBackwardOperator.sync;

/** roiAlignRotated's input gradient, off the JavaScript thread. */
export const roiAlignRotatedBackward: BackwardAsync<RoiAlignRotatedBackwardOptions> =
  roiAlignRotatedBackwardOperator.async;

// ---- preciseRoiPoolBackward (docs/semantics.md "preciseRoiPool"): the gradient with respect to the input.

const preciseRoiPoolBackwardOptions = { ...backwardOptions, spatialScale };

const preciseRoiPoolBackwardOperator = operator('preciseRoiPoolBackward', 2, (fn, gradOutput, boxes, options) => {
  const opts = readCallOptions(fn, options, preciseRoiPoolBackwardOptions);
  const { job, shape } = prepareBackward(fn, gradOutput, boxes, opts);
  const backwardJob = extendJob(job, { spatialScale: opts.spatialScale });
  return { job: backwardJob, result: gradient(backwardJob, shape) };
});

/** preciseRoiPool's input gradient, blocking. */
export const preciseRoiPoolBackwardSync: BackwardSync<PreciseRoiPoolBackwardOptions> =
  preciseRoiPoolBackwardOperator.sync;

/** preciseRoiPool's input gradient, off the JavaScript thread. */
export const preciseRoiPoolBackward: BackwardAsync<PreciseRoiPoolBackwardOptions> =
  preciseRoiPoolBackwardOperator.async;
