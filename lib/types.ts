// The public types of roi-ops (API.md "Tensors").

export type Shape = readonly number[];

/** What every operator returns: a fresh (or caller-supplied) Float32Array and its shape. */
export interface Tensor {
  data: Float32Array;
  shape: number[];
}

/** A tensor as users hold it: a plain `{data, shape}` object or onnxruntime-node's `ort.Tensor` (`{data, dims}`). */
export type TensorLike = { data: Float32Array; shape: Shape } | { data: Float32Array; dims: Shape };

/**
 * Boxes in image coordinates (multiplied by `spatialScale` to reach the feature map):
 * - `[K,5]` rows `(batchIndex, x1, y1, x2, y2)`;
 * - `[K,4]` rows `(x1, y1, x2, y2)`, only when the input batch is 1;
 * - a list with one `[L_i,4]` tensor per image (torchvision's `List[Tensor[L,4]]`); output rows
 *   follow the concatenation order.
 */
export type Boxes = TensorLike | readonly TensorLike[];

export type Layout = 'NCHW' | 'NHWC';

/** What to do with a box row whose batch index is not an integer in [0, N) or whose coordinates are not finite. */
export type InvalidBoxPolicy = 'error' | 'zero';

interface PoolingOptions {
  /** Output bins per RoI: `n` for n x n, or `[height, width]`. Required. */
  outputSize: number | readonly [number, number];
  /** Multiplies box coordinates to reach feature-map coordinates. Default 1. */
  spatialScale?: number;
  /** Memory layout of the input and the output. Default 'NCHW'. */
  layout?: Layout;
  /** Reject invalid box rows ('error', default) or pool them to zeros ('zero'). */
  invalidBoxes?: InvalidBoxPolicy;
  /** Write the result here instead of a new array; its length must match the output shape. */
  out?: Float32Array;
  /** Threads this call may use (default: getNumThreads()). Results do not depend on it. */
  threads?: number;
}

export interface RoiPoolOptions extends PoolingOptions {
  /** 'overlap' (default): torchvision's floor/ceil bins; 'split': disjoint floor-split bins. */
  bins?: 'overlap' | 'split';
  /** Also return the plane index `h*W + w` of every maximum (-1 for an empty bin). Default false. */
  returnArgmax?: boolean;
  /** With returnArgmax: write the argmax here instead of a new Int32Array (like `out`). */
  argmaxOut?: Int32Array;
}

export interface RoiAlignOptions extends PoolingOptions {
  /** Samples per bin along each axis; <= 0 means adaptive, ceil(roi size / output size). Default -1. */
  samplingRatio?: number;
  /** Shift boxes by -0.5 pixel (pixel-centre model, ONNX 'half_pixel'). Default false. */
  aligned?: boolean;
  /** 'avg' (default), 'max' (largest bilinear sample, mmcv) or 'onnx-max' (ONNX/onnxruntime corner max). */
  mode?: 'avg' | 'max' | 'onnx-max';
  /** Refuse RoIs needing more than this many samples (PH*PW*gridH*gridW). Default 2^24. */
  maxSamplesPerRoi?: number;
}

export interface AsyncOptions {
  /** Aborts the call: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface RoiPoolResult extends Tensor {
  /** Present when `returnArgmax` is true. */
  argmax?: Int32Array;
}

export type SimdLevel = 'avx512' | 'avx2' | 'sse2' | 'neon' | 'scalar' | 'js';

export interface RuntimeInfo {
  version: string;
  native: boolean;
  simd: SimdLevel;
  threads: number;
}
