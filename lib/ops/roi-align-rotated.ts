// roiAlignRotated / roiAlignRotatedSync: RoIAlign over rotated boxes (detectron2
// ROIAlignRotated, docs/semantics.md "roiAlignRotated"; mmcv's `aligned` and `clockwise`, same section).
// Boxes are rows (batchIndex, cx, cy, w, h, angle in degrees), counter-clockwise as displayed.
import type { Boxes, ForwardAsync, ForwardSync, RoiAlignRotatedOptions, TensorLike } from '../types.js';
import { read } from '../validate.js';
import { operator } from './operator.js';
import {
  checkSampleBudget,
  extendJob,
  poolingOptions,
  preparePooling,
  readCallOptions,
  rotatedGrids,
  samplingOptions,
} from './pooling.js';

const roiAlignRotatedOptions = {
  ...poolingOptions,
  ...samplingOptions,
  aligned: { read: read.boolean, default: true },
  clockwise: { read: read.boolean, default: false },
};

const roiAlignRotatedOperator = operator('roiAlignRotated', 2, (fn, input, boxes, options) => {
  const opts = readCallOptions(fn, options, roiAlignRotatedOptions);
  const prepared = preparePooling(fn, input, boxes, opts, { columns: 6 });
  const job = extendJob(prepared.job, {
    samplingRatio: opts.samplingRatio,
    aligned: opts.aligned,
    clockwise: opts.clockwise,
    maxSamplesPerRoi: opts.maxSamplesPerRoi,
  });
  checkSampleBudget(fn, job, prepared.rows, rotatedGrids(job, job.input.batch, job.aligned));
  return { job, result: prepared.result };
});

/** RoIAlign over rotated boxes, blocking. Angle 0 equals roiAlign with the same `aligned`. */
export const roiAlignRotatedSync: ForwardSync<[input: TensorLike, rboxes: Boxes], RoiAlignRotatedOptions> =
  roiAlignRotatedOperator.sync as never;

/** RoIAlign over rotated boxes, off the JavaScript thread. */
export const roiAlignRotated: ForwardAsync<[input: TensorLike, rboxes: Boxes], RoiAlignRotatedOptions> =
  roiAlignRotatedOperator.async as never;
