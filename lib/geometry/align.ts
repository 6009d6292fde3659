// Where a RoIAlign box's bins and samples lie (torchvision's roi_align, docs/semantics.md
// docs/semantics.md "roiAlign"): shared by roiAlign, psRoiAlign, multiScaleRoiAlign and their backward kernels, the
// API layer's sample budget, and `roi-ops explain`.
import { f, type Rounding } from './arithmetic.js';

/** A box's bins and the sample grid of each: what roiAlign's and roiAlignRotated's geometries share. */
export interface BinGrid {
  binHeight: number;
  binWidth: number;
  /** Samples per bin along each axis (>= 0; 0 means the bin has no samples). */
  gridHeight: number;
  gridWidth: number;
}

/** Where a RoI's bins and samples lie, as torchvision computes it. */
export interface AlignGeometry extends BinGrid {
  startY: number;
  startX: number;
}

/** The geometry of the RoI whose row (batchIndex, x1, y1, x2, y2) starts at rois[at]. */
export function alignGeometry(
  rois: ArrayLike<number>,
  at: number,
  spatialScale: number,
  aligned: boolean,
  samplingRatio: number,
  pooledHeight: number,
  pooledWidth: number,
  r: Rounding = f,
): AlignGeometry {
  const scale = r(spatialScale);
  const offset = aligned ? 0.5 : 0;
  const startX = r(r((rois[at + 1] as number) * scale) - offset);
  const startY = r(r((rois[at + 2] as number) * scale) - offset);
  let roiWidth = r(r(r((rois[at + 3] as number) * scale) - offset) - startX);
  let roiHeight = r(r(r((rois[at + 4] as number) * scale) - offset) - startY);
  if (!aligned) {
    // legacy behaviour: malformed boxes become 1x1
    roiWidth = Math.max(roiWidth, 1);
    roiHeight = Math.max(roiHeight, 1);
  }
  return { startX, startY, ...binGrid(roiHeight, roiWidth, samplingRatio, pooledHeight, pooledWidth, r) };
}

/** The pooledHeight x pooledWidth bins of a roiHeight x roiWidth box (scaled) and their sample grids. */
export function binGrid(
  roiHeight: number,
  roiWidth: number,
  samplingRatio: number,
  pooledHeight: number,
  pooledWidth: number,
  r: Rounding,
): BinGrid {
  return {
    binHeight: r(roiHeight / pooledHeight),
    binWidth: r(roiWidth / pooledWidth),
    gridHeight: gridSize(samplingRatio, roiHeight, pooledHeight, r),
    gridWidth: gridSize(samplingRatio, roiWidth, pooledWidth, r),
  };
}

/**
 * Samples per bin along one axis: the fixed ratio, or ceil(roi size / pooled size) in float;
 * an inverted box gives none, and so does a NaN size (an infinite box edge minus another:
 * the native kernels' std::max(0.0, NaN) is 0 too).
 */
function gridSize(samplingRatio: number, roiSize: number, pooled: number, r: Rounding): number {
  if (samplingRatio > 0) return samplingRatio;
  const grid = Math.ceil(r(roiSize / pooled));
  return grid > 0 ? grid : 0;
}
