// The bilinear sampling rule every RoIAlign-shaped kernel shares (reference/semantics.md
// §0.2, torchvision roi_align_common.h), and what a bin does with its samples: average
// them (§2.1), keep the largest (mmcv max, §2.4) or the largest weighted corner (ONNX max,
// §2.5), forward and backward. roiAlign, psRoiAlign, multiScaleRoiAlign and
// roiAlignRotated differ only in where the samples lie and which plane a bin reads, so
// they all describe a bin's samples as `BinSamples` and call the functions below.
import type { Rounding } from './common.js';

/** How a RoIAlign bin pools its samples (API.md `mode`). */
export type AlignMode = 'avg' | 'max' | 'onnx-max';

/** One sample coordinate along one axis: its two neighbouring pixels and their weights. */
export interface AxisTap {
  low: number;
  high: number;
  lowWeight: number;
  highWeight: number;
}

/**
 * §0.2: outside [-1, size] (or NaN) no tap; [-1, 0] snaps to 0; [size-1, size] to size-1.
 * (detectron2's rotated kernel tests `y < 0` instead of `y <= 0`: the same numbers.)
 */
export function bilinearTap(coordinate: number, size: number, r: Rounding): AxisTap | null {
  if (!(coordinate >= -1 && coordinate <= size)) return null;
  let c = coordinate <= 0 ? 0 : coordinate;
  let low = Math.trunc(c);
  let high: number;
  if (low >= size - 1) {
    low = high = size - 1;
    c = low;
  } else {
    high = low + 1;
  }
  const l = r(c - low);
  return { low, high, lowWeight: r(1 - l), highWeight: l };
}

/**
 * Sample `i` of `grid` in bin `p`: start + p*bin + (i + 0.5)*bin/grid, in torchvision's
 * float32 order (roi_align_kernel.cpp; the same expression in ps_roi_align and in
 * detectron2's rotated kernel, where `start` is the box-centred -size/2).
 */
export function sampleCoordinate(start: number, bin: number, p: number, i: number, grid: number, r: Rounding): number {
  return r(r(start + r(p * bin)) + r(r(r(i + 0.5) * bin) / grid));
}

/** The taps of every sample along one axis, bin by bin: entry p*grid + i. */
export function axisTaps(start: number, bin: number, pooled: number, grid: number, size: number, r: Rounding): Array<AxisTap | null> {
  const taps: Array<AxisTap | null> = [];
  for (let p = 0; p < pooled; p++) {
    for (let i = 0; i < grid; i++) taps.push(bilinearTap(sampleCoordinate(start, bin, p, i, grid, r), size, r));
  }
  return taps;
}

/** Receives one sample of a bin; `null` taps mean the sample lies outside the map (worth 0, no gradient). */
export type SampleVisitor = (y: AxisTap | null, x: AxisTap | null) => void;

/** Visits the samples of bin (ph, pw) in the forward's order: iy outer, ix inner. */
export type BinSamples = (ph: number, pw: number, visit: SampleVisitor) => void;

/** The separable grid of roiAlign and psRoiAlign: sample (iy, ix) has taps yTaps[ph*gh+iy], xTaps[pw*gw+ix]. */
export function gridSamples(yTaps: Array<AxisTap | null>, xTaps: Array<AxisTap | null>, gridHeight: number, gridWidth: number): BinSamples {
  return (ph, pw, visit) => {
    for (let iy = 0; iy < gridHeight; iy++) {
      const y = yTaps[ph * gridHeight + iy] ?? null;
      for (let ix = 0; ix < gridWidth; ix++) visit(y, xTaps[pw * gridWidth + ix] ?? null);
    }
  };
}

/** The four corners of a sample in torchvision's order (w1..w4): row, column and weight. */
export function sampleCorners(y: AxisTap, x: AxisTap, r: Rounding): Array<[number, number, number]> {
  return [
    [y.low, x.low, r(y.lowWeight * x.lowWeight)],
    [y.low, x.high, r(y.lowWeight * x.highWeight)],
    [y.high, x.low, r(y.highWeight * x.lowWeight)],
    [y.high, x.high, r(y.highWeight * x.highWeight)],
  ];
}

/** Reads pixel (row, column) of one plane. */
export type PlaneReader = (row: number, column: number) => number;

/** A bin's pooled value and, for the max modes, which sample (and corner) won. */
export interface PooledBin {
  value: number;
  /** Index of the winning sample in visiting order; -1 when none won (avg, or nothing beat the start value). */
  sample: number;
  /** onnx-max: the winning corner (0..3) of that sample. */
  corner: number;
}

/**
 * One bin of one plane. avg: sum of the bilinear values / count (§2.1); max: the largest
 * bilinear value, strict `>` from -infinity (mmcv §2.4, API.md); onnx-max: per sample the
 * largest of w_i*v_i, then the largest over samples, both with C++ std::max from -FLT_MAX
 * (ONNX §2.5). A sample outside the map is worth 0. No samples at all (count 0): 0.
 */
export function poolAlignBin(
  samples: BinSamples,
  ph: number,
  pw: number,
  pixel: PlaneReader,
  mode: AlignMode,
  count: number,
  r: Rounding,
): PooledBin {
  let sum = 0;
  let best = mode === 'max' ? -Infinity : -3.4028234663852886e38;
  let winner = -1;
  let winnerCorner = -1;
  let index = 0;
  samples(ph, pw, (y, x) => {
    let value = 0;
    let corner = -1;
    if (y && x) {
      const weighted = sampleCorners(y, x, r).map(([row, column, weight]) => r(weight * pixel(row, column)));
      const [w1v1, w2v2, w3v3, w4v4] = weighted as [number, number, number, number];
      if (mode === 'onnx-max') {
        // std::max(std::max(std::max(w1v1, w2v2), w3v3), w4v4): a later corner wins only if strictly larger.
        value = w1v1;
        corner = 0;
        for (let i = 1; i < 4; i++) {
          if (value < (weighted[i] as number)) {
            value = weighted[i] as number;
            corner = i;
          }
        }
      } else {
        value = r(r(r(w1v1 + w2v2) + w3v3) + w4v4);
      }
    }
    if (mode === 'avg') {
      sum = r(sum + value);
    } else if (mode === 'max' ? value > best : best < value) {
      best = value;
      winner = index;
      winnerCorner = corner;
    }
    index++;
  });
  if (count === 0) return { value: 0, sample: -1, corner: -1 };
  return mode === 'avg' ? { value: r(sum / count), sample: -1, corner: -1 } : { value: best, sample: winner, corner: winnerCorner };
}

/** Adds `gradient` at pixel (row, column) of one plane of the input gradient. */
export type PlaneAccumulator = (row: number, column: number, gradient: number) => void;

/**
 * The backward of poolAlignBin for one bin with output gradient `gradient`. avg: every
 * sample inside the map gives gradient*w_i/count to its corners (torchvision
 * roi_align_backward: `grad * w1 / count`); max: the corners of the winning sample get
 * gradient*w_i (mmcv); onnx-max: the winning corner alone gets gradient*w_i. `winner`
 * comes from poolAlignBin on the forward input (ignored for avg).
 */
export function scatterAlignBin(
  samples: BinSamples,
  ph: number,
  pw: number,
  add: PlaneAccumulator,
  gradient: number,
  mode: AlignMode,
  count: number,
  winner: PooledBin | null,
  r: Rounding,
): void {
  if (count === 0) return;
  if (mode !== 'avg' && (winner === null || winner.sample < 0)) return;
  let index = 0;
  samples(ph, pw, (y, x) => {
    const current = index++;
    if (!(y && x)) return;
    if (mode !== 'avg' && current !== winner?.sample) return;
    sampleCorners(y, x, r).forEach(([row, column, weight], corner) => {
      if (mode === 'avg') add(row, column, r(r(gradient * weight) / count));
      else if (mode === 'max' || corner === winner?.corner) add(row, column, r(gradient * weight));
    });
  });
}
