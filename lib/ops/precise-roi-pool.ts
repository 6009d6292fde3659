// preciseRoiPool / preciseRoiPoolSync: Precise RoI Pooling (PrRoIPool, IoU-Net;
// docs/semantics.md "preciseRoiPool"): each bin's exact mean of the bilinearly interpolated map.
import type { Boxes, ForwardAsync, ForwardSync, PreciseRoiPoolOptions, TensorLike } from '../types.js';
import { operator } from './operator.js';
import { poolingOptions, preparePooling, readCallOptions } from './pooling.js';

const preciseRoiPoolOperator = operator('preciseRoiPool', 2, (fn, input, boxes, options) => {
  const opts = readCallOptions(fn, options, poolingOptions);
  const { job, result } = preparePooling(fn, input, boxes, opts);
  return { job, result };
});

/** Precise RoI pooling (the exact integral over each bin), blocking. */
export const preciseRoiPoolSync: ForwardSync<[input: TensorLike, boxes: Boxes], PreciseRoiPoolOptions> =
  preciseRoiPoolOperator.sync as never;

/** Precise RoI pooling, off the JavaScript thread. */
export const preciseRoiPool: ForwardAsync<[input: TensorLike, boxes: Boxes], PreciseRoiPoolOptions> =
  preciseRoiPoolOperator.async as never;
