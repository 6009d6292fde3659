// The wire: what each native binding takes, by name, in order. The addon is called positionally
// (the cheapest call Node-API has: no property lookups), so the order must come from one place:
// this table. scripts/generate-wire.ts makes two files of it: lib/backend/wire-order.ts, which
// turns a call's arguments by name into the positional array, and native/addon/wire.h, whose
// per-operator index constants the readers in native/addon use instead of numbers. A test
// fails when either is stale. Every binding's Async form takes two more arguments after these:
// an Int32Array abort flag (or null) and the function it settles with.
//
// Each value says what the argument holds (it becomes the argument's comment in wire.h). The
// addon re-checks every type (a TypeError names the argument's position) and the kernel entry
// points of native/include/roiops every length.
import type { Operator } from '../operators.js';

/** A map's shape: N, C, H, W and its layout. */
const shape = {
  batch: 'integer N',
  channels: 'integer C',
  height: 'integer H',
  width: 'integer W',
  layout: 'integer: 0 NCHW, 1 NHWC',
} as const;

const rois = {
  rois: 'Float32Array: K rows of (batchIndex, x1, y1, x2, y2)',
  roiCount: 'integer K',
} as const;

/** The element type of a forward map or output: a Uint16Array of 16-bit patterns unless float32. */
const elementType = 'integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)';

/** What every forward binding but multiScaleRoiAlign starts with. */
const forward = {
  input: 'Float32Array or Uint16Array (inputType): [N,C,H,W] or [N,H,W,C]',
  inputType: elementType,
  ...shape,
  ...rois,
  out: 'Float32Array or Uint16Array (outputType) the kernel writes, in the layout of the input',
  outputType: elementType,
} as const;

/** What every backward binding starts with: the forward's (input, ..., rois, K, out) order. */
const backward = {
  gradInput: "Float32Array: the forward input's shape and layout, zero-filled then accumulated into",
  ...shape,
  ...rois,
  gradOutput: "Float32Array: the forward output's shape and layout",
} as const;

const binsAndScale = {
  pooledHeight: 'integer PH >= 1',
  pooledWidth: 'integer PW >= 1',
  spatialScale: 'finite number',
} as const;

const threads = {
  threads: 'integer: 0 the process setting',
} as const;

// What follows the buffers, the same in an operator's forward and backward bindings.
const binsOnly = { ...binsAndScale, ...threads } as const;
const psAlignOptions = {
  ...binsAndScale,
  samplingRatio: 'integer (<= 0: adaptive)',
  maxSamplesPerRoi: 'integer >= 1',
  ...threads,
} as const;
const alignOptions = {
  ...binsAndScale,
  samplingRatio: 'integer (<= 0: adaptive)',
  aligned: 'boolean',
  mode: 'integer: 0 avg, 1 max, 2 onnx-max',
  maxSamplesPerRoi: 'integer >= 1',
  ...threads,
} as const;
const rotatedOptions = {
  ...binsAndScale,
  samplingRatio: 'integer (<= 0: adaptive)',
  aligned: 'boolean',
  clockwise: 'boolean',
  maxSamplesPerRoi: 'integer >= 1',
  ...threads,
} as const;

const rotatedRois = {
  rois: 'Float32Array: K rows of (batchIndex, cx, cy, w, h, angle in degrees, counter-clockwise)',
} as const;
const psPooled = 'Float32Array: [K,C/(PH*PW),PH,PW] or [K,PH,PW,C/(PH*PW)]';
const psPooledOut = 'Float32Array or Uint16Array (outputType): [K,C/(PH*PW),PH,PW] or [K,PH,PW,C/(PH*PW)]';

export const wire = {
  roiPool: {
    ...forward,
    argmax: 'Int32Array the kernel writes, or null',
    ...binsAndScale,
    bins: 'integer: 0 overlap, 1 split',
    ...threads,
  },
  roiAlign: { ...forward, ...alignOptions },
  psRoiPool: { ...forward, out: psPooledOut, ...binsOnly },
  psRoiAlign: { ...forward, out: psPooledOut, ...psAlignOptions },
  roiAlignRotated: { ...forward, ...rotatedRois, ...rotatedOptions },
  multiScaleRoiAlign: {
    levels: 'array of L Float32Arrays or Uint16Arrays (inputType, finest first), each [N,C,H_l,W_l] or [N,H_l,W_l,C]',
    inputType: elementType,
    batch: 'integer N',
    channels: 'integer C',
    levelSizes: 'array of 2L integers [H_0, W_0, H_1, W_1, ...]',
    layout: 'integer: 0 NCHW, 1 NHWC',
    scales: 'Float32Array of L spatial scales',
    rois: 'Float32Array: K rows of (batchIndex, x1, y1, x2, y2) in image coordinates',
    roiCount: 'integer K',
    roiLevels: 'Int32Array of K level indices (-1 or out of range: a row of zeros)',
    out: 'Float32Array or Uint16Array (outputType): [K,C,PH,PW] or [K,PH,PW,C]',
    outputType: elementType,
    pooledHeight: 'integer PH >= 1',
    pooledWidth: 'integer PW >= 1',
    samplingRatio: 'integer (<= 0: adaptive)',
    aligned: 'boolean',
    maxSamplesPerRoi: 'integer >= 1',
    ...threads,
  },
  spatialPyramidPool: {
    ...forward,
    rois: 'Float32Array: K rows of (batchIndex, x1, y1, x2, y2), or null: one row per image over its whole map',
    roiCount: 'integer K (0 when rois is null)',
    out: 'Float32Array or Uint16Array (outputType): [rows, C*sum(l*l)] in both layouts, each level flattened (C, l, l)',
    levels: 'Int32Array of grid sizes l >= 1, in output order',
    spatialScale: 'finite number',
    mode: 'integer: 0 max, 1 avg',
    ...threads,
  },
  cropAndResize: {
    input: 'Float32Array or Uint16Array (inputType): the images, [N,C,H,W] or [N,H,W,C]',
    inputType: elementType,
    ...shape,
    rois: 'Float32Array: K rows of 4 normalized (y1, x1, y2, x2)',
    roiCount: 'integer K',
    boxIndices: 'Int32Array of K image indices',
    out: 'Float32Array or Uint16Array (outputType): [K,h,w,C] (NHWC) or [K,C,h,w] (NCHW)',
    outputType: elementType,
    cropHeight: 'integer h >= 1',
    cropWidth: 'integer w >= 1',
    method: 'integer: 0 bilinear, 1 nearest',
    extrapolationValue: 'any number',
    ...threads,
  },
  preciseRoiPool: { ...forward, ...binsOnly },
  roiPoolBackward: {
    ...backward,
    argmax: "Int32Array: the forward's argmax, in the forward output's layout",
    pooledHeight: 'integer PH >= 1',
    pooledWidth: 'integer PW >= 1',
    ...threads,
  },
  roiAlignBackward: {
    ...backward,
    input: 'Float32Array: the forward input, needed by the max modes; or null',
    ...alignOptions,
  },
  psRoiPoolBackward: { ...backward, gradOutput: psPooled, ...binsOnly },
  psRoiAlignBackward: { ...backward, gradOutput: psPooled, ...psAlignOptions },
  roiAlignRotatedBackward: { ...backward, ...rotatedRois, ...rotatedOptions },
  preciseRoiPoolBackward: { ...backward, ...binsOnly },
} as const satisfies { [Op in Operator]: Record<string, string> };

/** One call's arguments by name: exactly the names of the operator's wire entry. */
export type WireArguments<Op extends Operator> = { -readonly [Name in keyof (typeof wire)[Op]]: unknown };

/** The arguments of one of the groups several operators share, by name. */
export type WireGroup<Group extends keyof WireGroups> = {
  -readonly [Name in keyof WireGroups[Group]]: unknown;
};

interface WireGroups {
  forward: typeof forward;
  backward: typeof backward;
  binsOnly: typeof binsOnly;
  psAlignOptions: typeof psAlignOptions;
  alignOptions: typeof alignOptions;
  rotatedOptions: typeof rotatedOptions;
}
