// RoI max pooling, line by line after reference/semantics.md §1.1 (torchvision
// roi_pool_kernel.cpp), plus API.md's disjoint 'split' bins. The bin rule and the bin
// maximum are shared with spatialPyramidPool (§6) and psRoiPool (§3.1).
import {
  clampCoordinate,
  f,
  mapStrides,
  pooledStrides,
  roiRowIsValid,
  rounding,
  roundHalfAway,
  type PoolingJob,
  type ReferenceJob,
  type Rounding,
} from './common.js';

export interface RoiPoolJob extends PoolingJob {
  bins: 'overlap' | 'split';
  argmax: Int32Array | null;
}

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

/** The rounded box of §1.1: round(coordinate * scale), C rounding, clamped for integer use. */
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
 * inclusive and at least one pixel on each side (§1.1); roiPool and the spatial pyramid (§6)
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

/**
 * The largest non-NaN value of rows [hs, he) x columns [ws, we) of a plane, first in
 * row-major order on ties, and its plane index h*W + w (see native/kernels/roi_pool.h).
 * An empty bin is 0 with index -1; an all-NaN bin is NaN with index -1.
 */
export function binMaximum(
  pixel: (h: number, w: number) => number,
  width: number,
  hs: number,
  he: number,
  ws: number,
  we: number,
): { value: number; index: number } {
  if (he <= hs || we <= ws) return { value: 0, index: -1 };
  let best = -Infinity;
  let bestIndex = -1;
  for (let h = hs; h < he; h++) {
    for (let w = ws; w < we; w++) {
      const v = pixel(h, w);
      if (v > best || (bestIndex < 0 && v === best)) {
        best = v;
        bestIndex = h * width + w;
      }
    }
  }
  return { value: bestIndex < 0 ? NaN : best, index: bestIndex };
}

/** The pixel count of rows [hs, he) x columns [ws, we), as the float the averaging kernels divide by; 0 when empty. */
export function binArea(hs: number, he: number, ws: number, we: number, r: Rounding): number {
  return he <= hs || we <= ws ? 0 : r((he - hs) * (we - ws));
}

/**
 * The mean of rows [hs, he) x columns [ws, we), summed row-major in order (torchvision
 * ps_roi_pool: out_sum / bin_area); an empty bin is 0. psRoiPool (§3.1) and the 'avg'
 * spatial pyramid (§6) use it.
 */
export function binMean(pixel: (h: number, w: number) => number, hs: number, he: number, ws: number, we: number, r: Rounding): number {
  const area = binArea(hs, he, ws, we, r);
  if (area === 0) return 0;
  let sum = 0;
  for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) sum = r(sum + pixel(h, w));
  return r(sum / area);
}

export function roiPoolReference(job: ReferenceJob<RoiPoolJob>): void {
  const { input, rois, out, argmax, pooledHeight: PH, pooledWidth: PW } = job;
  const r = rounding(job.precision);
  const { channels: C, height: H, width: W } = input;
  const scale = r(job.spatialScale);
  const block = C * PH * PW;
  const inS = mapStrides(input);
  const outS = pooledStrides(input, PH, PW);

  for (let k = 0; k < job.roiCount; k++) {
    if (!roiRowIsValid(rois, k, input.batch)) {
      out.fill(0, k * block, (k + 1) * block);
      argmax?.fill(-1, k * block, (k + 1) * block);
      continue;
    }
    const { rows, columns } = poolBinEdges(roundedBox(rois, k * 5, scale, r), PH, PW, H, W, job.bins, r);
    const image = (rois[k * 5] as number) * inS.batch;

    for (let ph = 0; ph < PH; ph++) {
      const [hs, he] = rows[ph] as BinRange;
      for (let pw = 0; pw < PW; pw++) {
        const [ws, we] = columns[pw] as BinRange;
        for (let c = 0; c < C; c++) {
          const plane = image + c * inS.channel;
          const { value, index } = binMaximum((h, w) => input.data[plane + h * inS.row + w * inS.column] as number, W, hs, he, ws, we);
          const at = k * block + c * outS.channel + ph * outS.row + pw * outS.column;
          out[at] = value;
          if (argmax) argmax[at] = index;
        }
      }
    }
  }
}
