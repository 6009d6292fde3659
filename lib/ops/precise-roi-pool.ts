// preciseRoiPool / preciseRoiPoolSync: Precise RoI Pooling (PrRoIPool, IoU-Net;
// reference/semantics.md §7): each bin's exact mean of the bilinearly interpolated map.
import type { AsyncOptions, Boxes, PreciseRoiPoolOptions, Tensor, TensorLike } from '../types.js';
import { poolingOptions, preparePooling, readCallOptions, runAsync, runSync } from './pooling.js';

export function preparePreciseRoiPool(fn: string, input: unknown, boxes: unknown, options: unknown) {
  const opts = readCallOptions(fn, options, poolingOptions);
  const { job, shape } = preparePooling(fn, input, boxes, opts);
  return { job, shape };
}

/** Precise RoI pooling (the exact integral over each bin), blocking. */
export function preciseRoiPoolSync(input: TensorLike, boxes: Boxes, options: PreciseRoiPoolOptions): Tensor {
  const { job, shape } = preparePreciseRoiPool('preciseRoiPoolSync', input, boxes, options);
  runSync('preciseRoiPool', job);
  return { data: job.out, shape };
}

/** Precise RoI pooling, off the JavaScript thread. */
export async function preciseRoiPool(input: TensorLike, boxes: Boxes, options: PreciseRoiPoolOptions & AsyncOptions): Promise<Tensor> {
  const { job, shape } = preparePreciseRoiPool('preciseRoiPool', input, boxes, options);
  await runAsync('preciseRoiPool', job, options.signal);
  return { data: job.out, shape };
}
