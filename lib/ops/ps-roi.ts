// psRoiPool / psRoiAlign and their Sync twins: position-sensitive RoI pooling of R-FCN
// (docs/api.md "psRoiPool and psRoiAlign"; docs/semantics.md "psRoiPool and psRoiAlign"). Input channels C = Cout * PH * PW; bin (ph, pw) of
// output channel c reads input channel (c*PH + ph)*PW + pw.
import type { Boxes, ForwardAsync, ForwardSync, PsRoiAlignOptions, PsRoiPoolOptions, TensorLike } from '../types.js';
import { operator } from './operator.js';
import {
  alignGrids,
  checkSampleBudget,
  extendJob,
  poolingOptions,
  positionSensitiveChannels,
  preparePooling,
  readCallOptions,
  samplingOptions,
} from './pooling.js';

const psRoiAlignOptions = { ...poolingOptions, ...samplingOptions };

const psRoiPoolOperator = operator('psRoiPool', 2, (fn, input, boxes, options) => {
  const opts = readCallOptions(fn, options, poolingOptions);
  const { job, result } = preparePooling(fn, input, boxes, opts, {
    outputChannels: positionSensitiveChannels(fn, opts),
  });
  return { job, result };
});

const psRoiAlignOperator = operator('psRoiAlign', 2, (fn, input, boxes, options) => {
  const opts = readCallOptions(fn, options, psRoiAlignOptions);
  const prepared = preparePooling(fn, input, boxes, opts, { outputChannels: positionSensitiveChannels(fn, opts) });
  const job = extendJob(prepared.job, { samplingRatio: opts.samplingRatio, maxSamplesPerRoi: opts.maxSamplesPerRoi });
  // docs/semantics.md "psRoiPool and psRoiAlign": always half-pixel aligned, no size clamp (alignGeometry's aligned form).
  checkSampleBudget(fn, job, prepared.rows, alignGrids(job, job.input.batch, true));
  return { job, result: prepared.result };
});

/** Position-sensitive RoI average pooling (torchvision ps_roi_pool), blocking. */
export const psRoiPoolSync: ForwardSync<[input: TensorLike, boxes: Boxes], PsRoiPoolOptions> =
  psRoiPoolOperator.sync as never;

/** Position-sensitive RoI average pooling (torchvision ps_roi_pool), off the JavaScript thread. */
export const psRoiPool: ForwardAsync<[input: TensorLike, boxes: Boxes], PsRoiPoolOptions> =
  psRoiPoolOperator.async as never;

/** Position-sensitive RoIAlign (torchvision ps_roi_align; a zero-size box gives 0, not NaN), blocking. */
export const psRoiAlignSync: ForwardSync<[input: TensorLike, boxes: Boxes], PsRoiAlignOptions> =
  psRoiAlignOperator.sync as never;

/** Position-sensitive RoIAlign, off the JavaScript thread. */
export const psRoiAlign: ForwardAsync<[input: TensorLike, boxes: Boxes], PsRoiAlignOptions> =
  psRoiAlignOperator.async as never;
