// The public types of roi-ops (docs/api.md "Tensors").

export type Shape = readonly number[];

/** The element types of maps and outputs (docs/api.md "16-bit feature maps"). */
export type DType = 'float32' | 'float16' | 'bfloat16';

/**
 * What every operator returns: a fresh (or caller-supplied) array, its shape and its element
 * type. With `outputDtype` 'float16' or 'bfloat16' the data is a Uint16Array of bit patterns
 * (or the caller's Float16Array `out`); the type says Float32Array, the default.
 */
export interface Tensor {
  data: Float32Array;
  shape: number[];
  /** Set by every operator; optional so that a `{data, shape}` built by hand is a Tensor too. */
  dtype?: DType;
}

/** A tensor as users hold it: a plain `{data, shape}` object or onnxruntime-node's `ort.Tensor` (`{data, dims}`). */
export type TensorLike =
  | { data: Float32Array | Uint16Array; shape: Shape; dtype?: DType }
  | { data: Float32Array | Uint16Array; dims: Shape; type?: string }
  | OrtTensorLike;

/**
 * onnxruntime-node's `ort.Tensor` as onnxruntime-common declares it (what `session.run()` resolves to):
 * its `data` is typed as the union of every element type's array and its `type` as any type name, so
 * the types cannot tell a float map from an int64 one; the run-time check does, by `type` and `data`
 * (a TypeError saying what was expected). Written out here, not imported: roi-ops does not depend on
 * onnxruntime.
 */
export interface OrtTensorLike {
  readonly data: ArrayBufferView | readonly string[];
  readonly dims: Shape;
  readonly type: string;
}

/**
 * Boxes in image coordinates (multiplied by `spatialScale` to reach the feature map):
 * - `[K,5]` rows `(batchIndex, x1, y1, x2, y2)`;
 * - `[K,4]` rows `(x1, y1, x2, y2)`, only when the input batch is 1;
 * - a list with one `[L_i,4]` tensor per image (torchvision's `List[Tensor[L,4]]`); output rows
 *   follow the concatenation order;
 * - K rows of plain numbers (`number[][]`): 5 per row, or 4 when the input batch is 1, as the tensor forms.
 * Rotated boxes (roiAlignRotated) have one column more.
 */
export type Boxes = TensorLike | readonly TensorLike[] | BoxRows;

/**
 * Boxes as plain rows of numbers, e.g. `[[0, 10, 10, 100, 80]]`, read once into a Float32Array. Each row
 * is judged as written, before float32 rounds it (a batch index of 0.99999999 is not an integer).
 */
export type BoxRows = ReadonlyArray<readonly number[]>;

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
  out?: Float32Array | Uint16Array;
  /** Threads this call may use (default: getNumThreads()). Results do not depend on it. */
  threads?: number;
  /** The output's element type: 'float32' (default), or 'float16' / 'bfloat16' rounded to nearest-even. */
  outputDtype?: DType;
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

/** psRoiPool (R-FCN, docs/semantics.md "psRoiPool and psRoiAlign"): input channels C = Cout * PH * PW. */
export type PsRoiPoolOptions = PoolingOptions;

/** psRoiAlign (R-FCN, docs/semantics.md "psRoiPool and psRoiAlign"): always half-pixel aligned; a zero-size box gives 0. */
export interface PsRoiAlignOptions extends PoolingOptions {
  /** Samples per bin along each axis; <= 0 means adaptive. Default -1. */
  samplingRatio?: number;
  /** Refuse RoIs needing more than this many samples. Default 2^24. */
  maxSamplesPerRoi?: number;
}

/** roiAlignRotated (detectron2 ROIAlignRotated, docs/semantics.md "roiAlignRotated"). */
export interface RoiAlignRotatedOptions extends PoolingOptions {
  /** Samples per bin along each axis; <= 0 means adaptive. Default -1. */
  samplingRatio?: number;
  /** Half-pixel centre shift, no size clamp (detectron2). false: mmcv's legacy mode (sizes clamped to >= 1). Default true. */
  aligned?: boolean;
  /** Angles turn clockwise (mmcv's flag); default false: counter-clockwise as displayed, like detectron2. */
  clockwise?: boolean;
  /** Refuse RoIs needing more than this many samples. Default 2^24. */
  maxSamplesPerRoi?: number;
}

/** multiScaleRoiAlign (torchvision MultiScaleRoIAlign, docs/semantics.md "multiScaleRoiAlign"). */
export interface MultiScaleRoiAlignOptions extends Omit<PoolingOptions, 'spatialScale'> {
  /** Samples per bin along each axis; <= 0 means adaptive. Default -1. */
  samplingRatio?: number;
  /** [height, width] of each image; the level scales are inferred from them (torchvision). */
  imageSizes?: ReadonlyArray<readonly [number, number]>;
  /** One spatial scale per level, finest first (instead of imageSizes). */
  scales?: readonly number[];
  /** LevelMapper: the box size that maps to canonicalLevel. Default 224. */
  canonicalScale?: number;
  /** LevelMapper: the level of a canonicalScale-sized box. Default 4. */
  canonicalLevel?: number;
  /** Default false, as torchvision's MultiScaleRoIAlign. */
  aligned?: boolean;
  /** Refuse RoIs needing more than this many samples. Default 2^24. */
  maxSamplesPerRoi?: number;
}

/** spatialPyramidPool (SPPNet, docs/semantics.md "spatialPyramidPool", as docs/api.md defines it). */
export interface SpatialPyramidPoolOptions {
  /** Grid sizes, pooled and concatenated in this order. Default [1, 2, 4]. */
  levels?: readonly number[];
  /** Pool these boxes instead of each image's whole map. */
  boxes?: Boxes;
  /** Multiplies box coordinates to reach feature-map coordinates. Default 1. */
  spatialScale?: number;
  /** 'max' (default) or 'avg' over each bin. */
  mode?: 'max' | 'avg';
  /** Layout of the input. The output is [N or K, C * sum(l*l)] either way. Default 'NCHW'. */
  layout?: Layout;
  invalidBoxes?: InvalidBoxPolicy;
  out?: Float32Array | Uint16Array;
  threads?: number;
  outputDtype?: DType;
}

/** cropAndResize (TensorFlow tf.image.crop_and_resize, docs/semantics.md "cropAndResize"). */
export interface CropAndResizeOptions {
  /** 'bilinear' (default) or 'nearest'. */
  method?: 'bilinear' | 'nearest';
  /** The value of samples outside the image. Default 0. */
  extrapolationValue?: number;
  /** Layout of the image and the output. Default 'NHWC', as TensorFlow. */
  layout?: Layout;
  invalidBoxes?: InvalidBoxPolicy;
  out?: Float32Array | Uint16Array;
  threads?: number;
  outputDtype?: DType;
}

/** preciseRoiPool (PrRoIPool, docs/semantics.md "preciseRoiPool"): the exact integral of the bilinear interpolant. */
export type PreciseRoiPoolOptions = PoolingOptions;

/** What every backward pass takes besides its forward's options. */
export interface BackwardOptions {
  /** The forward input's shape (in `layout`); the gradient has this shape. Required. */
  inputShape: Shape;
  /** Checked against gradOutput's shape when given. */
  outputSize?: number | readonly [number, number];
  layout?: Layout;
  invalidBoxes?: InvalidBoxPolicy;
  /** Write the gradient here instead of a new array. */
  out?: Float32Array;
  threads?: number;
}

export type RoiPoolBackwardOptions = BackwardOptions;

export interface RoiAlignBackwardOptions extends BackwardOptions {
  spatialScale?: number;
  samplingRatio?: number;
  aligned?: boolean;
  mode?: 'avg' | 'max' | 'onnx-max';
  /** The forward input: required by the 'max' and 'onnx-max' modes, whose gradient follows the winning sample. */
  input?: TensorLike;
  maxSamplesPerRoi?: number;
}

export interface PsRoiPoolBackwardOptions extends BackwardOptions {
  spatialScale?: number;
}

export interface PsRoiAlignBackwardOptions extends BackwardOptions {
  spatialScale?: number;
  samplingRatio?: number;
  maxSamplesPerRoi?: number;
}

export interface RoiAlignRotatedBackwardOptions extends BackwardOptions {
  spatialScale?: number;
  samplingRatio?: number;
  aligned?: boolean;
  clockwise?: boolean;
  maxSamplesPerRoi?: number;
}

export interface PreciseRoiPoolBackwardOptions extends BackwardOptions {
  spatialScale?: number;
}

export interface AsyncOptions {
  /** Aborts the call: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface RoiPoolResult extends Tensor {
  /** Present when `returnArgmax` is true. */
  argmax?: Int32Array;
}

/**
 * A forward result of 16-bit bit patterns, what `outputDtype: 'float16'` or `'bfloat16'` gives
 * (docs/api.md "Tensors"): onnxruntime-node takes it as `new ort.Tensor('float16', y.data, y.shape)`.
 */
export type Tensor16<Result extends Tensor = Tensor> = Omit<Result, 'data'> & { data: Uint16Array };

type SixteenBits = 'float16' | 'bfloat16';

/** The options argument: required, or optional (spatialPyramidPool, cropAndResize). */
type OptionsArgument<Options, Optional extends boolean> = Optional extends true
  ? [options?: Options]
  : [options: Options];

/**
 * A forward operator's Sync form, `(...Args, options) => Result`, typed by the outputDtype its options'
 * type states: 'float16' or 'bfloat16' gives a Tensor16 (Uint16Array data), 'float32' or none a Result
 * (Float32Array data, so it goes back into `new ort.Tensor('float32', y.data, y.shape)` without a cast),
 * an outputDtype typed as several of them either. Options typed as a whole (a `RoiAlignOptions`
 * variable, whose outputDtype is optional) give a Result: keep a 16-bit outputDtype's literal type
 * in such a variable (`outputDtype: 'float16' as const`, or `satisfies RoiAlignOptions`). (An overload taking
 * `outputDtype?: 'float32'` would refuse such variables: TypeScript's weak-type check.) The 'float32'
 * overload comes first so that options of type `any` or `never` give a Result, as before outputDtype.
 */
export interface ForwardSync<
  Args extends unknown[],
  Options,
  Result extends Tensor = Tensor,
  Optional extends boolean = false,
> {
  (...args: [...Args, options: Options & { outputDtype: 'float32' }]): Result;
  (...args: [...Args, options: Options & { outputDtype: SixteenBits }]): Tensor16<Result>;
  (...args: [...Args, options: Options & { outputDtype: SixteenBits | 'float32' }]): Result | Tensor16<Result>;
  (...args: [...Args, ...OptionsArgument<Options, Optional>]): Result;
}

/** A forward operator's async form: ForwardSync's signatures, with `signal` and a promise. */
export interface ForwardAsync<
  Args extends unknown[],
  Options,
  Result extends Tensor = Tensor,
  Optional extends boolean = false,
> {
  (...args: [...Args, options: Options & AsyncOptions & { outputDtype: 'float32' }]): Promise<Result>;
  (...args: [...Args, options: Options & AsyncOptions & { outputDtype: SixteenBits }]): Promise<Tensor16<Result>>;
  (
    ...args: [...Args, options: Options & AsyncOptions & { outputDtype: SixteenBits | 'float32' }]
  ): Promise<Result | Tensor16<Result>>;
  (...args: [...Args, ...OptionsArgument<Options & AsyncOptions, Optional>]): Promise<Result>;
}

export type SimdLevel = 'avx512' | 'avx2' | 'sse2' | 'neon' | 'scalar' | 'js';

export interface RuntimeInfo {
  version: string;
  native: boolean;
  simd: SimdLevel;
  threads: number;
  /**
   * Present when `native` is true: the binary's path, and its build: 'node-api' (one binary for
   * every Node major; an async call copies the arrays it reads and writes, unless they are
   * SharedArrayBuffer views) or 'node-abi-<NODE_MODULE_VERSION>' (built for this Node major;
   * async calls use every array in place).
   */
  addon?: { path: string; build: string };
  /**
   * Present when `native` is false: why the JavaScript backend runs (ROI_OPS_FORCE_JS=1, or
   * the native addon's load error, e.g. "No native build was found for platform=linux ...").
   */
  fallbackReason?: string;
}
