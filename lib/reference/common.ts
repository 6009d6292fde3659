// What the reference kernels share: strides for both layouts, the box-row checks, and the
// arithmetic. Every kernel of roi-ops computes in float32, in the reference libraries'
// order; `f` (Math.fround) after each operation reproduces that exactly, because a double
// result of two float32 operands rounds to the same float32. For finite-difference
// gradient checks every reference kernel also runs in float64 (`precision: 'float64'`):
// the same expressions with the rounding replaced by the identity.
import type { FeatureMap } from '../validate.js';

export const f = Math.fround;

export type Precision = 'float32' | 'float64';

/** Applied after every arithmetic operation of a kernel: Math.fround, or nothing in float64. */
export type Rounding = (value: number) => number;

const exact: Rounding = (value) => value;

export function rounding(precision: Precision | undefined): Rounding {
  return precision === 'float64' ? exact : f;
}

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

/** Row k of `columns` values starts with an integer batch index in [0, N), then finite numbers. */
function rowIsValid(rois: ArrayLike<number>, k: number, columns: number, batch: number): boolean {
  const b = rois[k * columns] as number;
  if (!(Number.isInteger(b) && b >= 0 && b < batch)) return false;
  for (let j = 1; j < columns; j++) if (!Number.isFinite(rois[k * columns + j])) return false;
  return true;
}

/** A usable row (b, x1, y1, x2, y2) has an integer batch index in [0, N) and finite coordinates (API.md "Bad input"). */
export function roiRowIsValid(rois: ArrayLike<number>, k: number, batch: number): boolean {
  return rowIsValid(rois, k, 5, batch);
}

/** The same check for the six-column rows (b, cx, cy, w, h, angle) of roiAlignRotated (§4). */
export function rotatedRowIsValid(rois: ArrayLike<number>, k: number, batch: number): boolean {
  return rowIsValid(rois, k, 6, batch);
}

/** Scaled coordinates are clamped to +-2^40 before integer use, as the native kernels do. */
const coordinateLimit = 2 ** 40;
export function clampCoordinate(v: number): number {
  return Math.min(Math.max(v, -coordinateLimit), coordinateLimit);
}

/** C's round(): half away from zero (not Math.round, which rounds -2.5 to -2). */
export function roundHalfAway(v: number): number {
  return Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
}

/** The job every pooling kernel receives: a validated map, K rows of 5, and where to write. */
export interface PoolingJob {
  input: FeatureMap;
  rois: Float32Array;
  roiCount: number;
  out: Float32Array;
  pooledHeight: number;
  pooledWidth: number;
  spatialScale: number;
  /** Threads the call may use; 0 means the process setting. The reference kernels use one. */
  threads?: number;
  /** 'float64' only for gradient checks of the reference kernels (default 'float32'). */
  precision?: Precision;
}
