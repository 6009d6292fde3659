// roiPool / roiPoolSync: RoI max pooling (API.md; reference/semantics.md §1.1).
import { backend } from '../backend/index.js';
import type { RoiPoolJob } from '../backend/types.js';
import { rangeError } from '../errors.js';
import type { AsyncOptions, Boxes, RoiPoolOptions, RoiPoolResult, Tensor, TensorLike } from '../types.js';
import { outputBuffer, read, readOptions } from '../validate.js';
import { asyncOptions, poolingOptions, preparePooling, runAbortable } from './pooling.js';

const roiPoolOptions = {
  ...poolingOptions,
  bins: { read: read.oneOf(['overlap', 'split'] as const), default: 'overlap' as const },
  returnArgmax: { read: read.boolean, default: false },
  argmaxOut: { read: read.int32Array, default: undefined as Int32Array | undefined },
};

const roiPoolAsyncOptions = { ...roiPoolOptions, ...asyncOptions };

/** Validates a call and builds its kernel job (with the output shape), without running it. */
export function prepareRoiPool(fn: string, input: unknown, boxes: unknown, options: Record<string, unknown>): RoiPoolJob & { shape: number[] } {
  const opts = readOptions(fn, options, fn.endsWith('Sync') ? roiPoolOptions : roiPoolAsyncOptions);
  const { job, shape } = preparePooling(fn, input, boxes, opts);
  if (opts.returnArgmax && job.input.height * job.input.width > 2 ** 31 - 1) {
    throw rangeError(fn, 'returnArgmax needs a plane of at most 2^31-1 pixels, as argmax is an Int32Array of h*W+w');
  }
  if (opts.argmaxOut !== undefined && !opts.returnArgmax) {
    throw rangeError(fn, 'options.argmaxOut is only used with returnArgmax: true');
  }
  const argmax = opts.returnArgmax
    ? outputBuffer(fn, 'options.argmaxOut', shape, opts.argmaxOut, (n) => new Int32Array(n), [
        [job.input.data, 'the input data'],
        [job.out, 'options.out'],
      ])
    : null;
  return { ...job, bins: opts.bins, argmax, shape };
}

function result(job: RoiPoolJob & { shape: number[] }): RoiPoolResult {
  return job.argmax ? { data: job.out, shape: job.shape, argmax: job.argmax } : { data: job.out, shape: job.shape };
}

/** RoI max pooling, blocking the calling thread. See API.md for the options. */
export function roiPoolSync(input: TensorLike, boxes: Boxes, options: RoiPoolOptions & { returnArgmax: true }): Tensor & { argmax: Int32Array };
export function roiPoolSync(input: TensorLike, boxes: Boxes, options: RoiPoolOptions): RoiPoolResult;
export function roiPoolSync(input: TensorLike, boxes: Boxes, options: RoiPoolOptions): RoiPoolResult {
  const job = prepareRoiPool('roiPoolSync', input, boxes, options as unknown as Record<string, unknown>);
  backend().runSync('roiPool', job);
  return result(job);
}

/** RoI max pooling off the JavaScript thread. See API.md for the options. */
export function roiPool(
  input: TensorLike,
  boxes: Boxes,
  options: RoiPoolOptions & AsyncOptions & { returnArgmax: true },
): Promise<Tensor & { argmax: Int32Array }>;
export function roiPool(input: TensorLike, boxes: Boxes, options: RoiPoolOptions & AsyncOptions): Promise<RoiPoolResult>;
export async function roiPool(input: TensorLike, boxes: Boxes, options: RoiPoolOptions & AsyncOptions): Promise<RoiPoolResult> {
  const job = prepareRoiPool('roiPool', input, boxes, options as unknown as Record<string, unknown>);
  await runAbortable(options.signal, (abortFlag) => backend().runAsync('roiPool', job, abortFlag));
  return result(job);
}
