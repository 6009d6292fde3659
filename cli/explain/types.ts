// What `roi-ops explain` is asked to draw, and the description it draws from. The
// description is plain data (numbers and arrays only), so `--json` prints exactly what the
// SVG shows and a test can check the picture without parsing it.
import type { AlignMode, BinRange } from '../../lib/internal.js';

export type { AlignMode, BinRange };

/** One single-channel feature map, row-major: values[row * width + column]. */
export interface ExplainMap {
  height: number;
  width: number;
  values: ArrayLike<number>;
}

/** A box (x1, y1, x2, y2) in image coordinates, as one row of `boxes` without its batch index. */
export type ExplainBox = readonly [number, number, number, number];

interface RequestBase {
  map: ExplainMap;
  box: ExplainBox;
  /** `n` or `[height, width]`, as the operators take it. */
  outputSize: number | readonly [number, number];
  spatialScale?: number;
}

export interface RoiPoolRequest extends RequestBase {
  op: 'roiPool';
  bins?: 'overlap' | 'split';
}

export interface RoiAlignRequest extends RequestBase {
  op: 'roiAlign';
  samplingRatio?: number;
  aligned?: boolean;
  mode?: AlignMode;
}

export type ExplainRequest = RoiPoolRequest | RoiAlignRequest;

/** Box corners. In a description they are map coordinates: coordinate c is the centre of pixel c. */
export interface Corners {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

interface PanelBase {
  title: string;
  map: { height: number; width: number; values: number[] };
  /** The box as given, in image coordinates. */
  box: Corners;
  /** The box times spatialScale, in float32: where the operator starts from. */
  scaledBox: Corners;
  /** [PH, PW]. */
  outputSize: [number, number];
  /** The kernel's output, PH x PW row-major, from the public API (roiPoolSync / roiAlignSync). */
  output: number[];
  /** Which backend computed `output` (info().native). */
  backend: 'native' | 'js';
}

/** One bin of roiPool: its pixels, and where its maximum came from. */
export interface PoolBinDescription {
  row: number;
  column: number;
  /** Half-open pixel ranges [start, end), clipped to the map (roiPool's poolBinEdges). */
  rows: BinRange;
  columns: BinRange;
  /** The kernel's output for this bin. */
  value: number;
  /** The kernel's argmax: plane index h*W + w, -1 for an empty or all-NaN bin. */
  argmax: number;
  /** The argmax as [row, column], or null. */
  from: [number, number] | null;
}

export interface RoiPoolPanel extends PanelBase {
  op: 'roiPool';
  /** The options passed to roiPoolSync. */
  options: { outputSize: [number, number]; spatialScale: number; bins: 'overlap' | 'split'; returnArgmax: true };
  /** roundedBox: inclusive pixel columns x1..x2 and rows y1..y2, before clipping to the map. */
  roundedBox: Corners;
  bins: PoolBinDescription[];
}

/** One bilinear tap of a sample: a pixel and its weight (bilinear.ts forEachCorner, torchvision's w1..w4 order). */
export interface Tap {
  row: number;
  column: number;
  weight: number;
}

export interface AlignSampleDescription {
  /** The sample's coordinates before the [-1, 0] snap (bilinear.ts sampleCoordinate). */
  y: number;
  x: number;
  /** False when the sample lies outside [-1, size]: it is worth 0. */
  inside: boolean;
  /** What the bin pools from this sample: its bilinear value, or for 'onnx-max' its largest weighted corner. */
  value: number;
  /** Its four corners (empty when outside). */
  taps: Tap[];
}

/** One bin of roiAlign: its edges, its samples, and which sample won a max. */
export interface AlignBinDescription {
  row: number;
  column: number;
  /** [start, end) of the bin in map coordinates (bilinear.ts binEdge). */
  y: [number, number];
  x: [number, number];
  /** The kernel's output for this bin. */
  value: number;
  /** Samples in the kernel's order (y outer, x inner). */
  samples: AlignSampleDescription[];
  /** 'max' / 'onnx-max': the index of the winning sample, -1 for 'avg' or no samples. */
  winner: number;
  /** 'onnx-max': the winning sample's corner (index into its taps), else -1. */
  winnerCorner: number;
}

export interface RoiAlignPanel extends PanelBase {
  op: 'roiAlign';
  /** The options passed to roiAlignSync. */
  options: {
    outputSize: [number, number];
    spatialScale: number;
    samplingRatio: number;
    aligned: boolean;
    mode: AlignMode;
  };
  /** What the bins tile: the scaled box after the aligned -0.5 shift (and, unaligned, the 1-pixel minimum size). */
  region: Corners;
  /** Bin height and width in pixels (alignGeometry's binHeight, binWidth). */
  binSize: [number, number];
  /** Samples per bin along y and x (alignGeometry's grid). */
  grid: [number, number];
  bins: AlignBinDescription[];
}

export type ExplainPanel = RoiPoolPanel | RoiAlignPanel;

/** The kernel's output compared with a golden file (the article example). */
export interface GoldenCheck {
  file: string;
  reference: string;
  expected: number[];
  expectedArgmax: number[];
  outputMatches: boolean;
  argmaxMatches: boolean;
}

/** Everything one SVG shows: panels side by side under a title. */
export interface ExplainFigure {
  title: string;
  /** Lines under the title. */
  notes: string[];
  panels: ExplainPanel[];
  /** Golden files the panels were checked against (the article example). */
  checks?: GoldenCheck[];
}
