// roiAlign / roiAlignSync: RoIAlign in avg, max and onnx-max modes (docs/api.md "roiAlign";
// docs/semantics.md "roiAlign", "The three modes").
import type { AlignMode } from '../model.js';
import type { Boxes, ForwardAsync, ForwardSync, RoiAlignOptions, TensorLike } from '../types.js';
import { read } from '../validate.js';
import { operator } from './operator.js';
import {
  alignGrids,
  checkSampleBudget,
  extendJob,
  poolingOptions,
  preparePooling,
  readCallOptions,
  samplingOptions,
} from './pooling.js';

const roiAlignOptions = {
  ...poolingOptions,
  samplingRatio: samplingOptions.samplingRatio,
  aligned: { read: read.boolean, default: false },
  mode: { read: read.oneOf<AlignMode>(['avg', 'max', 'onnx-max']), default: 'avg' as AlignMode },
  maxSamplesPerRoi: samplingOptions.maxSamplesPerRoi,
};

/** Validates a call and builds its kernel job and result, without running it. */
export function prepareRoiAlign(fn: string, input: unknown, boxes: unknown, options: unknown) {
  const opts = readCallOptions(fn, options, roiAlignOptions);
  const { job: pooling, rows, result } = preparePooling(fn, input, boxes, opts);
  const job = extendJob(pooling, {
    samplingRatio: opts.samplingRatio,
    aligned: opts.aligned,
    mode: opts.mode,
    maxSamplesPerRoi: opts.maxSamplesPerRoi,
  });
  checkSampleBudget(fn, job, rows, alignGrids(job, job.input.batch, job.aligned));
  return { job, result };
}

const roiAlignOperator = operator('roiAlign', 2, prepareRoiAlign);

/** RoIAlign, blocking the calling thread. See docs/api.md "roiAlign" for the options. */
export const roiAlignSync: ForwardSync<[input: TensorLike, boxes: Boxes], RoiAlignOptions> =
  roiAlignOperator.sync as never;

/** RoIAlign off the JavaScript thread. See docs/api.md "roiAlign" for the options. */
export const roiAlign: ForwardAsync<[input: TensorLike, boxes: Boxes], RoiAlignOptions> =
  roiAlignOperator.async as never;
