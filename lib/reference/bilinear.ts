// The bilinear sampling rule every RoIAlign-shaped kernel shares (docs/semantics.md
// "The bilinear sample", torchvision roi_align_common.h), and what a bin does with its samples: average
// them (docs/semantics.md "roiAlign"), keep the largest (mmcv max) or the largest weighted corner (ONNX max;
// docs/semantics.md "The three modes"), forward and backward. roiAlign, psRoiAlign, multiScaleRoiAlign and
// roiAlignRotated differ only in where the samples lie and which plane a bin reads, so
// they all describe a bin's samples as `BinSamples` and call the functions below.
import type { Rounding } from '../geometry/arithmetic.js';
import type { AlignMode } from '../model.js';

/** One sample coordinate along one axis: its two neighbouring pixels and their weights. */
export interface AxisTap {
  low: number;
  high: number;
  lowWeight: number;
  highWeight: number;
}

/**
 * docs/semantics.md "The bilinear sample": outside [-1, size] (or NaN) no tap; [-1, 0] snaps to 0; [size-1, size] to size-1.
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
  return r(binEdge(start, bin, p, r) + r(r(r(i + 0.5) * bin) / grid));
}

/** Where bin `p` starts (bin `pooled` is the box's far end): start + p*bin, the first term of sampleCoordinate. */
export function binEdge(start: number, bin: number, p: number, r: Rounding): number {
  return r(start + r(p * bin));
}

/** The taps of every sample along one axis, bin by bin: entry p*grid + i. */
export function axisTaps(
  start: number,
  bin: number,
  pooled: number,
  grid: number,
  size: number,
  r: Rounding,
): Array<AxisTap | null> {
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
export function gridSamples(
  yTaps: Array<AxisTap | null>,
  xTaps: Array<AxisTap | null>,
  gridHeight: number,
  gridWidth: number,
): BinSamples {
  return (ph, pw, visit) => {
    for (let iy = 0; iy < gridHeight; iy++) {
      const y = yTaps[ph * gridHeight + iy] ?? null;
      for (let ix = 0; ix < gridWidth; ix++) visit(y, xTaps[pw * gridWidth + ix] ?? null);
    }
  };
}

/**
 * Every bin's samples of one RoI, in the forward's order: bin b = ph*PW + pw has samples
 * (y[b][i], x[b][i]). Built once per RoI and read for every channel, so the per-channel
 * loops neither recompute coordinates nor allocate.
 */
export interface SampleTable {
  readonly y: ReadonlyArray<ReadonlyArray<AxisTap | null>>;
  readonly x: ReadonlyArray<ReadonlyArray<AxisTap | null>>;
}

export function sampleTable(pooledHeight: number, pooledWidth: number, samples: BinSamples): SampleTable {
  const y: Array<Array<AxisTap | null>> = [];
  const x: Array<Array<AxisTap | null>> = [];
  for (let ph = 0; ph < pooledHeight; ph++) {
    for (let pw = 0; pw < pooledWidth; pw++) {
      const ys: Array<AxisTap | null> = [];
      const xs: Array<AxisTap | null> = [];
      samples(ph, pw, (sy, sx) => {
        ys.push(sy);
        xs.push(sx);
      });
      y.push(ys);
      x.push(xs);
    }
  }
  return { y, x };
}

/** Receives one corner of a sample: its pixel, its bilinear weight and its index (0..3). */
export type CornerVisitor = (row: number, column: number, weight: number, corner: number) => void;

/**
 * The four corners of a sample in torchvision's order (w1..w4). A callback rather than an
 * array of corners: this runs for every sample of every channel, and allocating there made
 * the JavaScript backend several times slower.
 */
export function forEachCorner(y: AxisTap, x: AxisTap, r: Rounding, visit: CornerVisitor): void {
  visit(y.low, x.low, r(y.lowWeight * x.lowWeight), 0);
  visit(y.low, x.high, r(y.lowWeight * x.highWeight), 1);
  visit(y.high, x.low, r(y.highWeight * x.lowWeight), 2);
  visit(y.high, x.high, r(y.highWeight * x.highWeight), 3);
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
 * One bin of one plane. avg: sum of the bilinear values / count (docs/semantics.md "roiAlign"); max: the largest
 * bilinear value, strict `>` from -infinity (mmcv; docs/semantics.md "The three modes", "Gradients"); onnx-max: per sample the
 * largest of w_i*v_i, then the largest over samples, both with C++ std::max from -FLT_MAX
 * (ONNX; docs/semantics.md "The three modes"). A sample outside the map is worth 0. No samples at all (count 0): 0.
 */
export function poolAlignBin(
  table: SampleTable,
  bin: number,
  pixel: PlaneReader,
  mode: AlignMode,
  count: number,
  r: Rounding,
  winner: PooledBin | null = null,
): number {
  let sum = 0;
  let best = mode === 'max' ? -Infinity : -3.4028234663852886e38;
  let winningSample = -1;
  let winningCorner = -1;
  const ys = table.y[bin] ?? [];
  const xs = table.x[bin] ?? [];
  for (let index = 0; index < ys.length; index++) {
    const y = ys[index] ?? null;
    const x = xs[index] ?? null;
    let value = 0;
    let corner = -1;
    if (y && x) {
      // The four weighted corners w_i*v_i, written out (see forEachCorner) to keep this loop free of allocations.
      const w1v1 = r(r(y.lowWeight * x.lowWeight) * pixel(y.low, x.low));
      const w2v2 = r(r(y.lowWeight * x.highWeight) * pixel(y.low, x.high));
      const w3v3 = r(r(y.highWeight * x.lowWeight) * pixel(y.high, x.low));
      const w4v4 = r(r(y.highWeight * x.highWeight) * pixel(y.high, x.high));
      if (mode === 'onnx-max') {
        // std::max(std::max(std::max(w1v1, w2v2), w3v3), w4v4): a later corner wins only if strictly larger.
        value = w1v1;
        corner = 0;
        if (value < w2v2) {
          value = w2v2;
          corner = 1;
        }
        if (value < w3v3) {
          value = w3v3;
          corner = 2;
        }
        if (value < w4v4) {
          value = w4v4;
          corner = 3;
        }
      } else {
        value = r(r(r(w1v1 + w2v2) + w3v3) + w4v4);
      }
    }
    if (mode === 'avg') {
      sum = r(sum + value);
    } else if (mode === 'max' ? value > best : best < value) {
      best = value;
      winningSample = index;
      winningCorner = corner;
    }
  }
  const value = count === 0 ? 0 : mode === 'avg' ? r(sum / count) : best;
  if (winner !== null) {
    // Reported through an object the caller owns: the forward calls this for every bin of every channel.
    winner.value = value;
    winner.sample = count === 0 || mode === 'avg' ? -1 : winningSample;
    winner.corner = count === 0 || mode === 'avg' ? -1 : winningCorner;
  }
  return value;
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
  table: SampleTable,
  bin: number,
  add: PlaneAccumulator,
  gradient: number,
  mode: AlignMode,
  count: number,
  winner: PooledBin | null,
  r: Rounding,
): void {
  if (count === 0) return;
  if (mode !== 'avg' && (winner === null || winner.sample < 0)) return;
  const ys = table.y[bin] ?? [];
  const xs = table.x[bin] ?? [];
  for (let index = 0; index < ys.length; index++) {
    const y = ys[index] ?? null;
    const x = xs[index] ?? null;
    if (!(y && x)) continue;
    if (mode !== 'avg' && index !== winner?.sample) continue;
    forEachCorner(y, x, r, (row, column, weight, corner) => {
      if (mode === 'avg') add(row, column, r(r(gradient * weight) / count));
      else if (mode === 'max' || corner === winner?.corner) add(row, column, r(gradient * weight));
    });
  }
}
