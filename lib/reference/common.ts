// What the reference kernels share: strides for both layouts, the box-row check, and
// float32 arithmetic. Every kernel of roi-ops computes in float32, in the reference
// libraries' order; `f` (Math.fround) after each operation reproduces that exactly,
// because a double result of two float32 operands rounds to the same float32.
import type { FeatureMap } from '../validate.js';

export const f = Math.fround;

export interface Strides {
  batch: number;
  channel: number;
  row: number;
  column: number;
}

export function mapStrides(map: FeatureMap): Strides {
  const { channels: C, height: H, width: W } = map;
  return map.layout === 'NHWC'
    ? { batch: H * W * C, channel: 1, row: W * C, column: C }
    : { batch: C * H * W, channel: H * W, row: W, column: 1 };
}

/** Strides inside one RoI's output block ([C,PH,PW] or [PH,PW,C]). */
export function pooledStrides(map: FeatureMap, pooledHeight: number, pooledWidth: number): Strides {
  const C = map.channels;
  return map.layout === 'NHWC'
    ? { batch: pooledHeight * pooledWidth * C, channel: 1, row: pooledWidth * C, column: C }
    : { batch: C * pooledHeight * pooledWidth, channel: pooledHeight * pooledWidth, row: pooledWidth, column: 1 };
}

/** A usable row has an integer batch index in [0, N) and finite coordinates (API.md "Bad input"). */
export function roiRowIsValid(rois: Float32Array, k: number, batch: number): boolean {
  const b = rois[k * 5] as number;
  if (!(Number.isInteger(b) && b >= 0 && b < batch)) return false;
  for (let j = 1; j < 5; j++) if (!Number.isFinite(rois[k * 5 + j])) return false;
  return true;
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
}
