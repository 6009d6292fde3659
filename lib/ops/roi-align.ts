// roiAlign / roiAlignSync: RoIAlign in avg, max and onnx-max modes (API.md;
// reference/semantics.md §2.1, §2.4, §2.5).
import { backend } from '../backend/index.js';
import type { AlignLimits, RoiAlignJob } from '../backend/types.js';
import { alignGeometry, type AlignMode } from '../reference/roi-align.js';
import { roiRowIsValid } from '../reference/common.js';
import type { AsyncOptions, Boxes, RoiAlignOptions, Tensor, TensorLike } from '../types.js';
import { read, readOptions } from '../validate.js';
import { asyncOptions, checkSampleBudget, poolingOptions, preparePooling, runAbortable, samplingOptions } from './pooling.js';

const roiAlignOptions = {
  ...poolingOptions,
  samplingRatio: samplingOptions.samplingRatio,
  aligned: { read: read.boolean, default: false },
  mode: { read: read.oneOf<AlignMode>(['avg', 'max', 'onnx-max']), default: 'avg' as AlignMode },
  maxSamplesPerRoi: samplingOptions.maxSamplesPerRoi,
};

const roiAlignAsyncOptions = { ...roiAlignOptions, ...asyncOptions };

/** Validates a call and builds its kernel job (with the output shape), without running it. */
export function prepareRoiAlign(fn: string, input: unknown, boxes: unknown, options: Record<string, unknown>): RoiAlignJob & AlignLimits & { shape: number[] } {
  const opts = readOptions(fn, options, fn.endsWith('Sync') ? roiAlignOptions : roiAlignAsyncOptions);
  const { job, shape, rows } = preparePooling(fn, input, boxes, opts);
  const alignJob = {
    ...job,
    samplingRatio: opts.samplingRatio,
    aligned: opts.aligned,
    mode: opts.mode,
    maxSamplesPerRoi: opts.maxSamplesPerRoi,
    shape,
  };
  checkSampleBudget(fn, alignJob, rows, (k) =>
    roiRowIsValid(job.rois, k, job.input.batch)
      ? alignGeometry(job.rois, k * 5, job.spatialScale, alignJob.aligned, alignJob.samplingRatio, job.pooledHeight, job.pooledWidth)
      : null,
  );
  return alignJob;
}

/** RoIAlign, blocking the calling thread. See API.md for the options. */
export function roiAlignSync(input: TensorLike, boxes: Boxes, options: RoiAlignOptions): Tensor {
  const job = prepareRoiAlign('roiAlignSync', input, boxes, options as unknown as Record<string, unknown>);
  backend().runSync('roiAlign', job);
  return { data: job.out, shape: job.shape };
}

/** RoIAlign off the JavaScript thread. See API.md for the options. */
export async function roiAlign(input: TensorLike, boxes: Boxes, options: RoiAlignOptions & AsyncOptions): Promise<Tensor> {
  const job = prepareRoiAlign('roiAlign', input, boxes, options as unknown as Record<string, unknown>);
  await runAbortable(options.signal, (abortFlag) => backend().runAsync('roiAlign', job, abortFlag));
  return { data: job.out, shape: job.shape };
}
