// roiAlign / roiAlignSync: RoIAlign in avg, max and onnx-max modes (API.md;
// reference/semantics.md §2.1, §2.4, §2.5).
import { backend } from '../backend/index.js';
import type { AlignLimits, RoiAlignJob } from '../backend/types.js';
import type { RoiRows } from '../boxes.js';
import { formatCount, rangeError } from '../errors.js';
import { alignGeometry, type AlignMode } from '../reference/roi-align.js';
import { roiRowIsValid } from '../reference/common.js';
import type { AsyncOptions, Boxes, RoiAlignOptions, Tensor, TensorLike } from '../types.js';
import { read, readOptions } from '../validate.js';
import { asyncOptions, poolingOptions, preparePooling, runAbortable } from './pooling.js';

const roiAlignOptions = {
  ...poolingOptions,
  samplingRatio: { read: read.integer(-(2 ** 31), 2 ** 31 - 1), default: -1 },
  aligned: { read: read.boolean, default: false },
  mode: { read: read.oneOf<AlignMode>(['avg', 'max', 'onnx-max']), default: 'avg' as AlignMode },
  maxSamplesPerRoi: { read: read.integer(1), default: 2 ** 24 },
};

const roiAlignAsyncOptions = { ...roiAlignOptions, ...asyncOptions };

/** API.md: work that would be unbounded is refused up front, naming the row. */
function checkSampleBudget(fn: string, job: RoiAlignJob & AlignLimits, rows: RoiRows): void {
  const { pooledHeight: PH, pooledWidth: PW } = job;
  for (let k = 0; k < job.roiCount; k++) {
    if (!roiRowIsValid(job.rois, k, job.input.batch)) continue;
    const g = alignGeometry(job.rois, k * 5, job.spatialScale, job.aligned, job.samplingRatio, PH, PW);
    const samples = PH * PW * g.gridHeight * g.gridWidth;
    if (samples > job.maxSamplesPerRoi) {
      throw rangeError(
        fn,
        `${rows.rowName(k)} needs ${formatCount(samples)} samples ` +
          `(${PH}x${PW} bins of ${formatCount(g.gridHeight)}x${formatCount(g.gridWidth)}), ` +
          `over options.maxSamplesPerRoi = ${job.maxSamplesPerRoi}; pass a samplingRatio or raise maxSamplesPerRoi`,
      );
    }
  }
}

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
  checkSampleBudget(fn, alignJob, rows);
  return alignJob;
}

/** RoIAlign, blocking the calling thread. See API.md for the options. */
export function roiAlignSync(input: TensorLike, boxes: Boxes, options: RoiAlignOptions): Tensor {
  const job = prepareRoiAlign('roiAlignSync', input, boxes, options as unknown as Record<string, unknown>);
  backend().roiAlignSync(job);
  return { data: job.out, shape: job.shape };
}

/** RoIAlign off the JavaScript thread. See API.md for the options. */
export async function roiAlign(input: TensorLike, boxes: Boxes, options: RoiAlignOptions & AsyncOptions): Promise<Tensor> {
  const job = prepareRoiAlign('roiAlign', input, boxes, options as unknown as Record<string, unknown>);
  await runAbortable(options.signal, (abortFlag) => backend().roiAlignAsync(job, abortFlag));
  return { data: job.out, shape: job.shape };
}
