// Describes what one operator does to one box on one small map, for `roi-ops explain`.
// The numbers come from two places and nowhere else: the output and the argmax from the
// public API (the kernel that would run in production, native when it loads), and the
// geometry (rounded box, bin edges, sample positions, taps, which sample won a max) from
// lib/geometry and the JavaScript backend's kernels in lib/reference, the same functions
// that compute its results. Nothing here computes a coordinate of its own, so the picture
// cannot disagree with the code it explains; test/cli/explain.test.ts checks it against
// the output.
import { info, roiAlignSync, roiPoolSync } from '../../lib/index.js';
import {
  alignGeometry,
  alignSamples,
  binEdge,
  f,
  forEachCorner,
  invalidValue,
  poolAlignBin,
  poolBinEdges,
  rangeError,
  roundedBox,
  sampleCoordinate,
  scaledBox,
  type AxisTap,
  type PooledBin,
} from '../../lib/internal.js';
import type {
  AlignBinDescription,
  AlignSampleDescription,
  Corners,
  ExplainMap,
  ExplainRequest,
  PoolBinDescription,
  RoiAlignPanel,
  RoiAlignRequest,
  RoiPoolPanel,
  RoiPoolRequest,
  Tap,
} from './types.js';

const fn = 'explain';

// A picture is for reading: past these sizes the values in the cells and the sample dots
// stop being legible, so a larger request is refused rather than drawn as noise.
export const explainLimits = { mapSide: 32, outputSide: 16, samples: 4096 } as const;

/** The map as the operators take it: [1, 1, H, W] float32, checked against the limits. */
function mapTensor(map: ExplainMap): { data: Float32Array; shape: number[] } {
  const { height, width, values } = map;
  for (const [name, side] of [
    ['map.height', height],
    ['map.width', width],
  ] as const) {
    if (!Number.isInteger(side) || side < 1 || side > explainLimits.mapSide) {
      throw invalidValue(fn, name, `an integer in [1, ${explainLimits.mapSide}]`, side);
    }
  }
  if (values?.length !== height * width) {
    throw rangeError(fn, `map.values has ${values?.length} values, a ${height}x${width} map needs ${height * width}`);
  }
  return { data: Float32Array.from(values), shape: [1, 1, height, width] };
}

/** The box as one [1, 5] row (batch 0, x1, y1, x2, y2) in float32, as the kernels read it. */
function boxRow(request: ExplainRequest): Float32Array {
  if (!Array.isArray(request.box) || request.box.length !== 4) {
    throw invalidValue(fn, 'box', 'four numbers (x1, y1, x2, y2)', request.box);
  }
  return Float32Array.from([0, ...request.box]);
}

/** A row of the box as corners, taken from the row the kernels read (so float32). */
function givenBox(rois: Float32Array): Corners {
  return { x1: rois[1] as number, y1: rois[2] as number, x2: rois[3] as number, y2: rois[4] as number };
}

function outputShape(shape: number[]): [number, number] {
  const [PH, PW] = [shape[2] as number, shape[3] as number];
  if (PH > explainLimits.outputSide || PW > explainLimits.outputSide) {
    throw rangeError(
      fn,
      `an output of ${PH}x${PW} bins is too many to draw; at most ${explainLimits.outputSide} per side`,
    );
  }
  return [PH, PW];
}

const backend = (): 'native' | 'js' => (info().native ? 'native' : 'js');

function plainMap(map: ExplainMap, data: Float32Array) {
  return { height: map.height, width: map.width, values: Array.from(data) };
}

export function explainRoiPool(request: RoiPoolRequest): RoiPoolPanel {
  const input = mapTensor(request.map);
  const rois = boxRow(request);
  const spatialScale = request.spatialScale ?? 1;
  const bins = request.bins ?? 'overlap';
  const result = roiPoolSync(
    input,
    { data: rois, shape: [1, 5] },
    { outputSize: request.outputSize, spatialScale, bins, returnArgmax: true },
  );
  const [PH, PW] = outputShape(result.shape);
  const { height: H, width: W } = request.map;

  // The geometry of lib/geometry/pool-bins.ts, called as roiPoolReference calls it.
  const scale = f(spatialScale);
  const rounded = roundedBox(rois, 0, scale, f);
  const edges = poolBinEdges(rounded, PH, PW, H, W, bins, f);
  const described: PoolBinDescription[] = [];
  for (let ph = 0; ph < PH; ph++) {
    for (let pw = 0; pw < PW; pw++) {
      const at = ph * PW + pw;
      const argmax = result.argmax[at] as number;
      described.push({
        row: ph,
        column: pw,
        rows: edges.rows[ph] as [number, number],
        columns: edges.columns[pw] as [number, number],
        value: result.data[at] as number,
        argmax,
        from: argmax < 0 ? null : [Math.floor(argmax / W), argmax % W],
      });
    }
  }
  const box = givenBox(rois);
  return {
    op: 'roiPool',
    title: `roiPool, bins: '${bins}'`,
    map: plainMap(request.map, input.data),
    box,
    scaledBox: scaledBox(rois, 0, scale, f),
    outputSize: [PH, PW],
    output: Array.from(result.data),
    backend: backend(),
    options: { outputSize: [PH, PW], spatialScale, bins, returnArgmax: true },
    roundedBox: { x1: rounded.xs, y1: rounded.ys, x2: rounded.xe, y2: rounded.ye },
    bins: described,
  };
}

/** The taps of one sample in the kernel's corner order. */
function taps(y: AxisTap | null, x: AxisTap | null): Tap[] {
  const list: Tap[] = [];
  if (y && x) forEachCorner(y, x, f, (row, column, weight) => list.push({ row, column, weight }));
  return list;
}

export function explainRoiAlign(request: RoiAlignRequest): RoiAlignPanel {
  const input = mapTensor(request.map);
  const rois = boxRow(request);
  const spatialScale = request.spatialScale ?? 1;
  const samplingRatio = request.samplingRatio ?? -1;
  const aligned = request.aligned ?? false;
  const mode = request.mode ?? 'avg';
  const options = { outputSize: request.outputSize, spatialScale, samplingRatio, aligned, mode };
  const result = roiAlignSync(input, { data: rois, shape: [1, 5] }, options);
  const [PH, PW] = outputShape(result.shape);
  const { height: H, width: W } = request.map;

  // The geometry of lib/geometry/align.ts, called as roiAlignReference calls it.
  const g = alignGeometry(rois, 0, spatialScale, aligned, samplingRatio, PH, PW, f);
  const count = g.gridHeight * g.gridWidth;
  if (count * PH * PW > explainLimits.samples) {
    throw rangeError(
      fn,
      `${PH}x${PW} bins of ${g.gridHeight}x${g.gridWidth} samples are too many to draw (at most ${explainLimits.samples}); pass a smaller samplingRatio`,
    );
  }
  const table = alignSamples(g, PH, PW, H, W, f);
  const plane = input.data;
  const pixel = (row: number, column: number) => plane[row * W + column] as number;
  // A sample's own contribution is the bin rule applied to a table of that one sample:
  // the kernel's arithmetic, not a second bilinear interpolation. 'max' compares the
  // bilinear values, which are what 'avg' of one sample gives.
  const sampleMode = mode === 'onnx-max' ? 'onnx-max' : 'avg';
  const described: AlignBinDescription[] = [];
  for (let ph = 0; ph < PH; ph++) {
    for (let pw = 0; pw < PW; pw++) {
      const bin = ph * PW + pw;
      const ys = table.y[bin] ?? [];
      const xs = table.x[bin] ?? [];
      const samples: AlignSampleDescription[] = [];
      for (let i = 0; i < ys.length; i++) {
        const y = ys[i] ?? null;
        const x = xs[i] ?? null;
        const iy = Math.floor(i / g.gridWidth);
        const ix = i % g.gridWidth;
        samples.push({
          y: sampleCoordinate(g.startY, g.binHeight, ph, iy, g.gridHeight, f),
          x: sampleCoordinate(g.startX, g.binWidth, pw, ix, g.gridWidth, f),
          inside: y !== null && x !== null,
          value: poolAlignBin({ y: [[y]], x: [[x]] }, 0, pixel, sampleMode, 1, f),
          taps: taps(y, x),
        });
      }
      const winner: PooledBin = { value: 0, sample: -1, corner: -1 };
      poolAlignBin(table, bin, pixel, mode, count, f, winner);
      described.push({
        row: ph,
        column: pw,
        y: [binEdge(g.startY, g.binHeight, ph, f), binEdge(g.startY, g.binHeight, ph + 1, f)],
        x: [binEdge(g.startX, g.binWidth, pw, f), binEdge(g.startX, g.binWidth, pw + 1, f)],
        value: result.data[bin] as number,
        samples,
        winner: winner.sample,
        winnerCorner: winner.corner,
      });
    }
  }
  const modeText = mode === 'avg' ? '' : `, mode: '${mode}'`;
  return {
    op: 'roiAlign',
    title: `roiAlign, samplingRatio ${samplingRatio}${aligned ? ', aligned' : ''}${modeText}`,
    map: plainMap(request.map, input.data),
    box: givenBox(rois),
    scaledBox: scaledBox(rois, 0, f(spatialScale), f),
    outputSize: [PH, PW],
    output: Array.from(result.data),
    backend: backend(),
    options: { outputSize: [PH, PW], spatialScale, samplingRatio, aligned, mode },
    region: {
      x1: g.startX,
      y1: g.startY,
      x2: binEdge(g.startX, g.binWidth, PW, f),
      y2: binEdge(g.startY, g.binHeight, PH, f),
    },
    binSize: [g.binHeight, g.binWidth],
    grid: [g.gridHeight, g.gridWidth],
    bins: described,
  };
}

/** The description of one operator on one box: see ExplainPanel. Errors are the operators' own (TypeError, RangeError). */
export function explain(request: RoiPoolRequest): RoiPoolPanel;
export function explain(request: RoiAlignRequest): RoiAlignPanel;
export function explain(request: ExplainRequest): RoiPoolPanel | RoiAlignPanel;
export function explain(request: ExplainRequest): RoiPoolPanel | RoiAlignPanel {
  if (request.op === 'roiPool') return explainRoiPool(request);
  if (request.op === 'roiAlign') return explainRoiAlign(request);
  throw invalidValue(fn, 'op', "'roiPool' or 'roiAlign'", (request as { op: unknown }).op);
}
