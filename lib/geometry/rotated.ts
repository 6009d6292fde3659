// Where a rotated box's bins and samples lie (detectron2's ROIAlignRotated with mmcv's
// `aligned` and `clockwise`, docs/semantics.md "roiAlignRotated"): the same grid as roiAlign's, centred on
// the box; shared by roiAlignRotated, its backward kernel and the API layer's sample budget.
import { binGrid, type BinGrid } from './align.js';
import { f, type Rounding } from './arithmetic.js';

export interface RotatedGeometry extends BinGrid {
  centerX: number;
  centerY: number;
  cos: number;
  sin: number;
  /** The grid's corner relative to the centre: -h/2 and -w/2. */
  startY: number;
  startX: number;
}

/**
 * The geometry of the rotated RoI whose six-value row starts at rois[at], or null for a
 * box of negative size with aligned=true (detectron2 and mmcv assert; roi-ops gives zeros).
 *
 * theta: detectron2 writes `T theta = angle * M_PI / 180.0`, a double expression rounded
 * once to float; `cos(theta)` and `sin(theta)` are then taken of that float. We take them in
 * double (Math.cos/Math.sin) and round once to float; the native kernels do the same
 * (std::cos on the double value of theta, then a float cast), so both agree whenever the
 * two libms' doubles round to the same float, i.e. except within 2^-29 of a float rounding
 * boundary. At angle 0 this gives cos 1 and sin 0 exactly.
 */
export function rotatedGeometry(
  rois: ArrayLike<number>,
  at: number,
  spatialScale: number,
  aligned: boolean,
  samplingRatio: number,
  pooledHeight: number,
  pooledWidth: number,
  clockwise = false,
  r: Rounding = f,
): RotatedGeometry | null {
  const scale = r(spatialScale);
  const offset = aligned ? 0.5 : 0;
  const centerX = r(r((rois[at + 1] as number) * scale) - offset);
  const centerY = r(r((rois[at + 2] as number) * scale) - offset);
  let roiWidth = r((rois[at + 3] as number) * scale);
  let roiHeight = r((rois[at + 4] as number) * scale);
  if (aligned) {
    if (roiWidth < 0 || roiHeight < 0) return null;
  } else {
    roiWidth = Math.max(roiWidth, 1);
    roiHeight = Math.max(roiHeight, 1);
  }
  let theta = r(((rois[at + 5] as number) * Math.PI) / 180);
  if (clockwise) theta = -theta;
  return {
    centerX,
    centerY,
    cos: r(Math.cos(theta)),
    sin: r(Math.sin(theta)),
    startY: r(-roiHeight / 2),
    startX: r(-roiWidth / 2),
    ...binGrid(roiHeight, roiWidth, samplingRatio, pooledHeight, pooledWidth, r),
  };
}
