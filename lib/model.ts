// The model: what a validated call is, whichever backend runs it. A feature map with its
// dimensions named, the box rows the kernels read, and one job per operator and direction
// (every buffer allocated, every option resolved; docs/design.md). Validation (validate.ts,
// boxes.ts, ops/) builds these, the backends run them, the reference kernels compute them
// (in float32, or widened to float64 for gradient checks: reference/common.ts ReferenceJob),
// and nothing here computes anything.
import type { Layout } from './types.js';

// The data a job reads.
/** A 4-d feature map with its dimensions named, whatever the layout. */
export interface FeatureMap {
  data: Float32Array;
  batch: number;
  channels: number;
  height: number;
  width: number;
  layout: Layout;
}

/** The element types a map or an output may have (docs/api.md "16-bit feature maps"). */
export type DType = 'float32' | 'float16' | 'bfloat16';
export type HalfType = Exclude<DType, 'float32'>;

/**
 * A 16-bit feature map as the caller passed it: its elements are the bit patterns in `bits`,
 * read in place; a backend widens them to float32 exactly before (or while) pooling.
 */
export interface HalfMap extends Omit<FeatureMap, 'data'> {
  bits: Uint16Array;
  dtype: HalfType;
}

/** A forward job's map: float32 elements, or 16-bit patterns. */
export type InputMap = FeatureMap | HalfMap;

export function isHalfMap(map: InputMap): map is HalfMap {
  return 'bits' in map;
}

/** The typed array under a map, whichever its element type (for overlap checks). */
export function mapStorage(map: InputMap): Float32Array | Uint16Array {
  return isHalfMap(map) ? map.bits : map.data;
}

/**
 * A forward job as validation builds it and the backends receive it: `Job` (what the float32
 * kernels read) with every FeatureMap an InputMap, and its output float32 or, when
 * `outputDtype` says so, a Uint16Array of 16-bit patterns rounded to nearest-even.
 */
export type ForwardCall<Job> = {
  [K in keyof Job]: K extends 'out'
    ? Float32Array | Uint16Array
    : Job[K] extends FeatureMap
      ? InputMap
      : Job[K] extends FeatureMap[]
        ? InputMap[]
        : Job[K];
} & { outputDtype: DType };

/** The boxes of a call as the kernels read them: `count` rows of BoxColumns values, row-major (boxes.ts reads every box form into this). */
export interface RoiRows {
  data: Float32Array;
  count: number;
  /** How to name row k in a message: "boxes row 3", "boxes[1] row 0" for a per-image list, "boxes[3]" for number[][]. */
  rowName: (k: number) => string;
  /**
   * number[][] rows only: the numbers float32 could not hold where that makes the row invalid (a batch index
   * it would round, now NaN in `data`; a coordinate that overflowed to an infinity), by index in `data`, as given.
   */
  narrowed?: ReadonlyMap<number, number>;
}

/** What a row holds: 5 columns (batchIndex, x1, y1, x2, y2) or 6 (batchIndex, cx, cy, w, h, angle). */
export type BoxColumns = 5 | 6;

// What every kernel computes in: float32, or float64 for the reference kernels' gradient checks.
export type Precision = 'float32' | 'float64';

/** How a RoIAlign bin pools its samples (the `mode` option, docs/api.md "roiAlign"). */
export type AlignMode = 'avg' | 'max' | 'onnx-max';

// The forward jobs: the RoIAlign/RoIPool family shares PoolingJob.
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
  /** 'float64' only for gradient checks of the reference kernels (default 'float32'). */
  precision?: Precision;
}

export interface RoiPoolJob extends PoolingJob {
  bins: 'overlap' | 'split';
  argmax: Int32Array | null;
}

export interface RoiAlignJob extends PoolingJob {
  samplingRatio: number;
  aligned: boolean;
  mode: AlignMode;
}

export interface PsRoiPoolJob extends PoolingJob {}

export interface PsRoiAlignJob extends PoolingJob {
  samplingRatio: number;
}

export interface RoiAlignRotatedJob extends PoolingJob {
  samplingRatio: number;
  /** true (detectron2): centre shifted by -0.5, no size clamp; false (legacy mmcv): no shift, w and h clamped to >= 1. */
  aligned: boolean;
  /** mmcv: negates the angle. */
  clockwise: boolean;
}

export interface PreciseRoiPoolJob extends PoolingJob {}

export interface MultiScaleRoiAlignJob {
  /** Finest first; all with the same batch, channels and layout (levels[0].layout is used). */
  levels: FeatureMap[];
  /** One per level: the spatialScale of that level. */
  scales: number[];
  /** K rows of 5 (b, x1, y1, x2, y2), image coordinates. */
  rois: Float32Array;
  roiCount: number;
  /** Level index per RoI; -1 (or anything outside [0, levels)) = none: a zero output block. */
  levelOfRoi: Int32Array;
  out: Float32Array;
  pooledHeight: number;
  pooledWidth: number;
  samplingRatio: number;
  /** torchvision's MultiScaleRoIAlign uses false. */
  aligned: boolean;
  threads?: number;
  precision?: Precision;
}

export interface SpatialPyramidJob {
  input: FeatureMap;
  /** K rows of 5 (b, x1, y1, x2, y2), or null: the whole map of each image. */
  rois: Float32Array | null;
  /** N when rois is null, else K. */
  count: number;
  levels: number[];
  spatialScale: number;
  /** 'max' as roiPool (empty bin 0); 'avg' the mean of the bin's pixels (empty bin 0). */
  mode: 'max' | 'avg';
  out: Float32Array;
  threads?: number;
  precision?: Precision;
}

export interface CropAndResizeJob {
  /** Usually NHWC (TensorFlow's layout); its layout is also the output's. */
  image: FeatureMap;
  /** K rows (y1, x1, y2, x2), normalized: 0 is the first pixel centre, 1 the last. */
  boxes: Float32Array;
  boxIndices: Int32Array;
  boxCount: number;
  cropHeight: number;
  cropWidth: number;
  method: 'bilinear' | 'nearest';
  extrapolationValue: number;
  /** [K, h, w, C] when image.layout is NHWC, [K, C, h, w] when NCHW. */
  out: Float32Array;
  threads?: number;
  precision?: Precision;
}

// The backward jobs: the input gradient of each pooling operator, from its output gradient.
export interface BackwardTarget {
  /** Written (zero-filled first); its dims and layout are the forward input's. */
  gradInput: FeatureMap;
}

/** What every backward job has; gradOutput has the forward output's shape, in gradInput.layout. */
interface PooledGradient extends BackwardTarget {
  gradOutput: Float32Array;
  rois: Float32Array;
  roiCount: number;
  pooledHeight: number;
  pooledWidth: number;
  threads?: number;
  precision?: Precision;
}

export interface RoiPoolBackwardJob extends PooledGradient {
  /** The forward's argmax: plane index h*W + w per output element, -1 = nothing. */
  argmax: Int32Array;
}

export interface RoiAlignBackwardJob extends PooledGradient {
  spatialScale: number;
  samplingRatio: number;
  aligned: boolean;
  mode: AlignMode;
  /** The forward input: required for 'max' and 'onnx-max' (to find the winning sample), null for 'avg'. */
  input: FeatureMap | null;
}

export interface PsRoiPoolBackwardJob extends PooledGradient {
  spatialScale: number;
}

export interface PsRoiAlignBackwardJob extends PooledGradient {
  spatialScale: number;
  samplingRatio: number;
}

export interface RoiAlignRotatedBackwardJob extends PooledGradient {
  spatialScale: number;
  samplingRatio: number;
  aligned: boolean;
  clockwise: boolean;
}

export interface PreciseRoiPoolBackwardJob extends PooledGradient {
  spatialScale: number;
}
