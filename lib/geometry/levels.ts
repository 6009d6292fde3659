// Which pyramid level pools each box, and at what scale (torchvision's MultiScaleRoIAlign:
// _infer_scale, _setup_scales, LevelMapper; docs/semantics.md "multiScaleRoiAlign"). Plain functions the API
// layer calls before the kernel; they compute in float32 as torch does on float32 tensors.
import { f } from './arithmetic.js';

/** Python's round(): half to even (torch.round as well). */
function roundHalfEven(v: number): number {
  const nearest = Math.round(v);
  return Math.abs(v % 1) === 0.5 && nearest % 2 !== 0 ? nearest - 1 : nearest;
}

/**
 * torchvision _setup_scales/_infer_scale: the image size is (max h, max w) over the
 * images, and each level's scale is 2 ** round(log2(feat_h / max_h)), where the ratio is
 * a double made a float32 tensor, log2 is taken in float32 and rounded half to even. Only
 * the height counts (the width estimate is computed and discarded, vision#3747).
 * `imageSizes` must not be empty (torchvision raises; the API layer checks it).
 */
export function inferScales(levelHeights: number[], imageSizes: Array<[number, number]>): number[] {
  const maxHeight = imageSizes.reduce((largest, [h]) => Math.max(largest, h), 0);
  return levelHeights.map((height) => 2 ** roundHalfEven(f(Math.log2(f(height / maxHeight)))));
}

/**
 * torchvision LevelMapper (FPN eq. 1) on K rows of 5 in image coordinates, in float32 as
 * torch computes it: s = sqrt((x2-x1)*(y2-y1)); level = floor(canonicalLevel +
 * log2(s / canonicalScale) + 1e-6), clamped to [k_min, k_max] with
 * k_min = int(-log2(scales[0])), k_max = int(-log2(scales[last])); returns level - k_min.
 * A NaN level (a NaN coordinate, or a negative area) is -1: torchvision's int cast of NaN is
 * undefined, roi-ops gives such a box a zero output. With a single level every box is 0
 * (torchvision then calls roi_align directly).
 */
export function mapLevels(
  rois: Float32Array,
  roiCount: number,
  scales: number[],
  canonicalScale: number,
  canonicalLevel: number,
): Int32Array {
  const levels = new Int32Array(roiCount);
  if (scales.length <= 1) return levels;
  // torch: -torch.log2(torch.tensor(scale, dtype=float32)).item(), then int() truncates.
  const kMin = Math.trunc(-f(Math.log2(f(scales[0] as number))));
  const kMax = Math.trunc(-f(Math.log2(f(scales[scales.length - 1] as number))));
  for (let k = 0; k < roiCount; k++) {
    const at = k * 5;
    const area = f(
      f((rois[at + 3] as number) - (rois[at + 1] as number)) * f((rois[at + 4] as number) - (rois[at + 2] as number)),
    );
    const s = f(Math.sqrt(area));
    const level = Math.floor(f(f(f(canonicalLevel) + f(Math.log2(f(s / f(canonicalScale))))) + f(1e-6)));
    levels[k] = Number.isNaN(level) ? -1 : Math.min(Math.max(level, kMin), kMax) - kMin;
  }
  return levels;
}
