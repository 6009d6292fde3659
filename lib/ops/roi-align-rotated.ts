// roiAlignRotated / roiAlignRotatedSync: RoIAlign over rotated boxes (detectron2
// ROIAlignRotated, reference/semantics.md §4.1; mmcv's `aligned` and `clockwise`, §4.2).
// Boxes are rows (batchIndex, cx, cy, w, h, angle in degrees), counter-clockwise as displayed.
import { rotatedGeometry, rotatedRowIsValid } from '../reference/roi-align-rotated.js';
import type { AsyncOptions, Boxes, RoiAlignRotatedOptions, Tensor, TensorLike } from '../types.js';
import { read } from '../validate.js';
import { checkSampleBudget, poolingOptions, preparePooling, readCallOptions, runAsync, runSync, samplingOptions } from './pooling.js';

const roiAlignRotatedOptions = {
  ...poolingOptions,
  ...samplingOptions,
  aligned: { read: read.boolean, default: true },
  clockwise: { read: read.boolean, default: false },
};

export function prepareRoiAlignRotated(fn: string, input: unknown, boxes: unknown, options: unknown) {
  const opts = readCallOptions(fn, options, roiAlignRotatedOptions);
  const prepared = preparePooling(fn, input, boxes, opts, { columns: 6 });
  const job = {
    ...prepared.job,
    samplingRatio: opts.samplingRatio,
    aligned: opts.aligned,
    clockwise: opts.clockwise,
    maxSamplesPerRoi: opts.maxSamplesPerRoi,
  };
  checkSampleBudget(fn, job, prepared.rows, (k) =>
    rotatedRowIsValid(job.rois, k, job.input.batch)
      ? rotatedGeometry(job.rois, k * 6, job.spatialScale, job.aligned, job.samplingRatio, job.pooledHeight, job.pooledWidth)
      : null,
  );
  return { job, shape: prepared.shape };
}

/** RoIAlign over rotated boxes, blocking. Angle 0 equals roiAlign with the same `aligned`. */
export function roiAlignRotatedSync(input: TensorLike, rboxes: Boxes, options: RoiAlignRotatedOptions): Tensor {
  const { job, shape } = prepareRoiAlignRotated('roiAlignRotatedSync', input, rboxes, options);
  runSync('roiAlignRotated', job);
  return { data: job.out, shape };
}

/** RoIAlign over rotated boxes, off the JavaScript thread. */
export async function roiAlignRotated(
  input: TensorLike,
  rboxes: Boxes,
  options: RoiAlignRotatedOptions & AsyncOptions,
): Promise<Tensor> {
  const { job, shape } = prepareRoiAlignRotated('roiAlignRotated', input, rboxes, options);
  await runAsync('roiAlignRotated', job, options.signal);
  return { data: job.out, shape };
}
