// psRoiPool / psRoiAlign and their Sync twins: position-sensitive RoI pooling of R-FCN
// (API.md; reference/semantics.md §3). Input channels C = Cout * PH * PW; bin (ph, pw) of
// output channel c reads input channel (c*PH + ph)*PW + pw.
import { alignGeometry } from '../reference/roi-align.js';
import { roiRowIsValid } from '../reference/common.js';
import type { AsyncOptions, Boxes, PsRoiAlignOptions, PsRoiPoolOptions, Tensor, TensorLike } from '../types.js';
import {
  checkSampleBudget,
  poolingOptions,
  positionSensitiveChannels,
  preparePooling,
  readCallOptions,
  runAsync,
  runSync,
  samplingOptions,
} from './pooling.js';

const psRoiPoolOptions = poolingOptions;
const psRoiAlignOptions = { ...poolingOptions, ...samplingOptions };

export function preparePsRoiPool(fn: string, input: unknown, boxes: unknown, options: unknown) {
  const opts = readCallOptions(fn, options, psRoiPoolOptions);
  const { job, shape } = preparePooling(fn, input, boxes, opts, { outputChannels: positionSensitiveChannels(fn, opts) });
  return { job, shape };
}

export function preparePsRoiAlign(fn: string, input: unknown, boxes: unknown, options: unknown) {
  const opts = readCallOptions(fn, options, psRoiAlignOptions);
  const prepared = preparePooling(fn, input, boxes, opts, { outputChannels: positionSensitiveChannels(fn, opts) });
  const job = { ...prepared.job, samplingRatio: opts.samplingRatio, maxSamplesPerRoi: opts.maxSamplesPerRoi };
  // §3.2: always half-pixel aligned, no size clamp (alignGeometry's aligned form).
  checkSampleBudget(fn, job, prepared.rows, (k) =>
    roiRowIsValid(job.rois, k, job.input.batch)
      ? alignGeometry(job.rois, k * 5, job.spatialScale, true, job.samplingRatio, job.pooledHeight, job.pooledWidth)
      : null,
  );
  return { job, shape: prepared.shape };
}

/** Position-sensitive RoI average pooling (torchvision ps_roi_pool), blocking. */
export function psRoiPoolSync(input: TensorLike, boxes: Boxes, options: PsRoiPoolOptions): Tensor {
  const { job, shape } = preparePsRoiPool('psRoiPoolSync', input, boxes, options);
  runSync('psRoiPool', job);
  return { data: job.out, shape };
}

/** Position-sensitive RoI average pooling (torchvision ps_roi_pool), off the JavaScript thread. */
export async function psRoiPool(input: TensorLike, boxes: Boxes, options: PsRoiPoolOptions & AsyncOptions): Promise<Tensor> {
  const { job, shape } = preparePsRoiPool('psRoiPool', input, boxes, options);
  await runAsync('psRoiPool', job, options.signal);
  return { data: job.out, shape };
}

/** Position-sensitive RoIAlign (torchvision ps_roi_align; a zero-size box gives 0, not NaN), blocking. */
export function psRoiAlignSync(input: TensorLike, boxes: Boxes, options: PsRoiAlignOptions): Tensor {
  const { job, shape } = preparePsRoiAlign('psRoiAlignSync', input, boxes, options);
  runSync('psRoiAlign', job);
  return { data: job.out, shape };
}

/** Position-sensitive RoIAlign, off the JavaScript thread. */
export async function psRoiAlign(input: TensorLike, boxes: Boxes, options: PsRoiAlignOptions & AsyncOptions): Promise<Tensor> {
  const { job, shape } = preparePsRoiAlign('psRoiAlign', input, boxes, options);
  await runAsync('psRoiAlign', job, options.signal);
  return { data: job.out, shape };
}
