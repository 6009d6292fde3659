// roiPool / roiPoolSync: RoI max pooling (docs/api.md "roiPool"; docs/semantics.md "roiPool").
import { rangeError } from '../errors.js';
import { mapStorage } from '../model.js';
import type { Boxes, ForwardAsync, ForwardSync, RoiPoolOptions, RoiPoolResult, Tensor, TensorLike } from '../types.js';
import { outputBuffer, read } from '../validate.js';
import { operator } from './operator.js';
import { extendJob, poolingOptions, preparePooling, readCallOptions } from './pooling.js';

const roiPoolOptions = {
  ...poolingOptions,
  bins: { read: read.oneOf(['overlap', 'split'] as const), default: 'overlap' as const },
  returnArgmax: { read: read.boolean, default: false },
  argmaxOut: { read: read.int32Array, default: undefined as Int32Array | undefined },
};

/** Validates a call and builds its kernel job and result, without running it. */
export function prepareRoiPool(fn: string, input: unknown, boxes: unknown, options: unknown) {
  const opts = readCallOptions(fn, options, roiPoolOptions);
  const { job: pooling, shape, result: pooled } = preparePooling(fn, input, boxes, opts);
  if (opts.returnArgmax && pooling.input.height * pooling.input.width > 2 ** 31 - 1) {
    throw rangeError(fn, 'returnArgmax needs a plane of at most 2^31-1 pixels, as argmax is an Int32Array of h*W+w');
  }
  if (opts.argmaxOut !== undefined && !opts.returnArgmax) {
    throw rangeError(fn, 'options.argmaxOut is only used with returnArgmax: true');
  }
  const argmax = opts.returnArgmax
    ? outputBuffer(fn, 'options.argmaxOut', shape, opts.argmaxOut, (n) => new Int32Array(n), [
        [mapStorage(pooling.input), 'the input data'],
        [pooling.out, 'options.out'],
      ])
    : null;
  const job = extendJob(pooling, { bins: opts.bins, argmax });
  const result: RoiPoolResult = argmax ? { ...pooled, argmax } : pooled;
  return { job, result };
}

const roiPoolOperator = operator('roiPool', 2, prepareRoiPool);

/** RoI max pooling, blocking the calling thread. See docs/api.md "roiPool" for the options. */
export const roiPoolSync: ForwardSync<
  [input: TensorLike, boxes: Boxes],
  RoiPoolOptions & { returnArgmax: true },
  Tensor & { argmax: Int32Array }
> &
  ForwardSync<[input: TensorLike, boxes: Boxes], RoiPoolOptions, RoiPoolResult> = roiPoolOperator.sync as never;

/** RoI max pooling off the JavaScript thread. See docs/api.md "roiPool" for the options. */
export const roiPool: ForwardAsync<
  [input: TensorLike, boxes: Boxes],
  RoiPoolOptions & { returnArgmax: true },
  Tensor & { argmax: Int32Array }
> &
  ForwardAsync<[input: TensorLike, boxes: Boxes], RoiPoolOptions, RoiPoolResult> = roiPoolOperator.async as never;
