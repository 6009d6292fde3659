// Where a RoIPool box's bins lie (torchvision's roi_pool, docs/semantics.md "roiPool", and the
// disjoint 'split' bins): the rounded box and its integer bin edges, shared by roiPool,
// psRoiPool, spatialPyramidPool, their backward kernels and `roi-ops explain`.
import { clampCoordinate, f, roundHalfAway, type Rounding } from './arithmetic.js';

/** Bin `i` of `bins` over the inclusive box start..start+length-1, clipped to [0, size]. */
export function poolBin(
  i: number,
  bins: number,
  start: number,
  length: number,
  size: number,
  rule: 'overlap' | 'split',
  r: Rounding = f,
): [number, number] {
  let lo: number;
  let hi: number;
  if (rule === 'split') {
    // floor(i*L/n) in exact integer arithmetic (BigInt: i*L can pass 2^53).
    const cut = (j: number) => Number((BigInt(j) * BigInt(length)) / BigInt(bins));
    lo = cut(i);
    hi = cut(i + 1);
  } else {
    const binSize = r(r(length) / r(bins));
    lo = Math.floor(r(r(i) * binSize));
    hi = Math.ceil(r(r(i + 1) * binSize));
  }
  const clip = (v: number) => Math.min(Math.max(v + start, 0), size);
  return [clip(lo), clip(hi)];
}

/** The box corners times the scale, in float32: what roundedBox rounds (and what `roi-ops explain` draws before rounding). */
export function scaledBox(
  rois: ArrayLike<number>,
  at: number,
  scale: number,
  r: Rounding,
): { x1: number; y1: number; x2: number; y2: number } {
  const corner = (j: number) => r((rois[at + j] as number) * scale);
  return { x1: corner(1), y1: corner(2), x2: corner(3), y2: corner(4) };
}

/** The rounded box of docs/semantics.md "roiPool": round(coordinate * scale), C rounding, clamped for integer use. */
export function roundedBox(
  rois: ArrayLike<number>,
  at: number,
  scale: number,
  r: Rounding,
): { xs: number; ys: number; xe: number; ye: number } {
  const { x1, y1, x2, y2 } = scaledBox(rois, at, scale, r);
  const round = (v: number) => clampCoordinate(roundHalfAway(v));
  return { xs: round(x1), ys: round(y1), xe: round(x2), ye: round(y2) };
}

/** A bin's half-open pixel range [start, end) along one axis. */
export type BinRange = [number, number];

/**
 * Every bin of a rounded box on a height x width map: rows[ph] and columns[pw]. The box is
 * inclusive and at least one pixel on each side (docs/semantics.md "roiPool"); roiPool and the spatial pyramid ("spatialPyramidPool")
 * pool these, and `roi-ops explain` draws them.
 */
export function poolBinEdges(
  box: { xs: number; ys: number; xe: number; ye: number },
  pooledHeight: number,
  pooledWidth: number,
  height: number,
  width: number,
  rule: 'overlap' | 'split',
  r: Rounding,
): { rows: BinRange[]; columns: BinRange[] } {
  const roiWidth = Math.max(box.xe - box.xs + 1, 1);
  const roiHeight = Math.max(box.ye - box.ys + 1, 1);
  const rows: BinRange[] = [];
  const columns: BinRange[] = [];
  for (let ph = 0; ph < pooledHeight; ph++) rows.push(poolBin(ph, pooledHeight, box.ys, roiHeight, height, rule, r));
  for (let pw = 0; pw < pooledWidth; pw++) columns.push(poolBin(pw, pooledWidth, box.xs, roiWidth, width, rule, r));
  return { rows, columns };
}
