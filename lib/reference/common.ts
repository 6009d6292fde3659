// What the reference kernels share beyond the model and the geometry: the float64 widening
// of a job for gradient checks, and the strides of both layouts. Their arithmetic is
// geometry/arithmetic.ts's (float32 after every operation, or float64).
import type { FeatureMap, Precision } from '../model.js';

export type FloatArray = Float32Array | Float64Array;

/** A feature map as the reference kernels read (and, for gradients, write) it. */
export type ReferenceMap = Omit<FeatureMap, 'data'> & { data: FloatArray };

type Widened<T> = T extends FeatureMap ? ReferenceMap : T extends Float32Array ? FloatArray : T extends FeatureMap[] ? ReferenceMap[] : T;

/**
 * A job as a reference kernel accepts it: the validated job of the API layer (float32
 * everywhere), or the same fields with Float64Array maps, outputs and gradients for a
 * float64 run. Every FeatureMap becomes a ReferenceMap and every Float32Array a FloatArray.
 */
export type ReferenceJob<J> = { [K in keyof J]: Widened<J[K]> } & { precision?: Precision };

export interface Strides {
  batch: number;
  channel: number;
  row: number;
  column: number;
}

type MapShape = Pick<FeatureMap, 'channels' | 'height' | 'width' | 'layout'>;

export function mapStrides(map: MapShape): Strides {
  const { channels: C, height: H, width: W } = map;
  return map.layout === 'NHWC'
    ? { batch: H * W * C, channel: 1, row: W * C, column: C }
    : { batch: C * H * W, channel: H * W, row: W, column: 1 };
}

/**
 * Strides inside one RoI's output block ([C,PH,PW] or [PH,PW,C]); `map.channels` is the
 * number of output channels (C/(PH*PW) for the position-sensitive operators).
 */
export function pooledStrides(map: Pick<FeatureMap, 'channels' | 'layout'>, pooledHeight: number, pooledWidth: number): Strides {
  const C = map.channels;
  return map.layout === 'NHWC'
    ? { batch: pooledHeight * pooledWidth * C, channel: 1, row: pooledWidth * C, column: C }
    : { batch: C * pooledHeight * pooledWidth, channel: pooledHeight * pooledWidth, row: pooledWidth, column: 1 };
}

