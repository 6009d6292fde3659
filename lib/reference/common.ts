// What the reference kernels share beyond the model and the geometry: the float64 widening
// of a job for gradient checks, the strides of both layouts, and the frame of a pooling
// kernel (its strides, and which RoIs it pools). Their arithmetic is
// geometry/arithmetic.ts's (float32 after every operation, or float64).
import { rounding, type Rounding } from '../geometry/arithmetic.js';
import { roiRowIsValid } from '../geometry/rows.js';
import type { FeatureMap, PoolingJob, Precision } from '../model.js';

export type FloatArray = Float32Array | Float64Array;

/** A feature map as the reference kernels read (and, for gradients, write) it. */
export type ReferenceMap = Omit<FeatureMap, 'data'> & { data: FloatArray };

type Widened<T> = T extends FeatureMap
  ? ReferenceMap
  : T extends Float32Array
    ? FloatArray
    : T extends FeatureMap[]
      ? ReferenceMap[]
      : T;

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
export function pooledStrides(
  map: Pick<FeatureMap, 'channels' | 'layout'>,
  pooledHeight: number,
  pooledWidth: number,
): Strides {
  const C = map.channels;
  return map.layout === 'NHWC'
    ? { batch: pooledHeight * pooledWidth * C, channel: 1, row: pooledWidth * C, column: C }
    : { batch: C * pooledHeight * pooledWidth, channel: pooledHeight * pooledWidth, row: pooledWidth, column: 1 };
}

/** What a pooling kernel works with: its rounding, the strides of its input and of one RoI's output block, and that block's size. */
export interface PoolingFrame {
  r: Rounding;
  block: number;
  inS: Strides;
  outS: Strides;
}

/** The frame of a pooling job whose RoIs each give `outChannels` channels of pooledHeight x pooledWidth bins. */
export function poolingFrame(job: ReferenceJob<PoolingJob>, outChannels: number): PoolingFrame {
  const { input, pooledHeight, pooledWidth } = job;
  return {
    r: rounding(job.precision),
    block: outChannels * pooledHeight * pooledWidth,
    inS: mapStrides(input),
    outS: pooledStrides({ channels: outChannels, layout: input.layout }, pooledHeight, pooledWidth),
  };
}

/**
 * Calls pool(k) for each usable row k of the job's boxes (geometry/rows.ts), in order, and
 * zero-fills the output block of every other row (its argmax block, if any, with -1), as the
 * native kernels do.
 */
export function forEachUsableRoi(
  job: ReferenceJob<PoolingJob> & { argmax?: Int32Array | null },
  block: number,
  pool: (k: number) => void,
): void {
  for (let k = 0; k < job.roiCount; k++) {
    if (roiRowIsValid(job.rois, k, job.input.batch)) {
      pool(k);
    } else {
      job.out.fill(0, k * block, (k + 1) * block);
      job.argmax?.fill(-1, k * block, (k + 1) * block);
    }
  }
}
