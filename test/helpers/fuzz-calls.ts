// Calls of every public operator for the API fuzz (test/api/api-fuzz.test.ts): each
// operator's arguments built valid and small (so a call costs microseconds, on the
// JavaScript backend too), then, in most runs, one field broken: a tensor, a box cell, a box
// shape, an argument or an option replaced by something malformed, extreme or of the wrong
// type (test/helpers/fuzz-values.ts).
//
// Sizes are chosen so no call does unbounded work that the API would have to allow: valid
// boxes stay within a few map widths, valid maxSamplesPerRoi is at most the default 2^24, and
// the extreme values (box coordinates, sampling ratios, output sizes) are far enough past
// the limits to be refused rather than run. A call whose documented output would be legal
// but large is skipped by the property (tooLargeToRun in fuzz-oracle.ts).
import fc, { type Arbitrary } from 'fast-check';

import type { Layout } from '../../lib/index.js';
import {
  badBoxValue,
  dimsOf,
  floatTensor,
  halfOut,
  isTensorValue,
  malformedData,
  malformedTensor,
  mapTensor,
  mapTensors,
  outBuffer,
  product,
  tensorOf,
  wrongType,
  type TensorValue,
} from './fuzz-values.js';
import { Float16ArrayConstructor, type HalfType } from './fuzz-half.js';
import { backwardOperators, operators } from '../../lib/operators.js';

export const operatorNames = operators;
export type OperatorName = (typeof operatorNames)[number];

/**
 * What the async form's options get besides the Sync form's: no signal, a live one, one
 * aborted before the call or right after it started (while it runs), or a wrong value.
 */
export type SignalChoice =
  | { kind: 'none' }
  | { kind: 'live' }
  | { kind: 'aborted'; reason: unknown; when: 'before' | 'running' }
  | { kind: 'wrong'; value: unknown };

export interface FuzzCall {
  op: OperatorName;
  /** The arguments of the Sync form, in order (its options have no `signal`). */
  args: unknown[];
  signal: SignalChoice;
  /** What was broken in a call built valid, or null: the call is valid and must succeed. */
  corruption: string | null;
}

// ---- The operators' parameters and documented options (docs/api.md, lib/types.ts).

type OptionKind =
  | 'outputSize'
  | 'positive'
  | 'layout'
  | 'invalidBoxes'
  | 'out'
  | 'threads'
  | 'samplingRatio'
  | 'maxSamplesPerRoi'
  | 'boolean'
  | 'alignMode'
  | 'poolMode'
  | 'bins'
  | 'argmaxOut'
  | 'method'
  | 'anyNumber'
  | 'levels'
  | 'boxes'
  | 'imageSizes'
  | 'scales'
  | 'canonicalLevel'
  | 'inputShape'
  | 'tensor'
  | 'outputDtype';

interface OperatorSpec {
  /** Positional parameter names, as the error messages name them. */
  params: readonly string[];
  /** Documented options and the kind of value each takes. */
  options: Readonly<Record<string, OptionKind>>;
  /** Options a valid call must have. */
  required: readonly string[];
  /** Where the boxes are: an argument index, or the options key that holds them. */
  boxes: readonly (string | number)[];
}

const pooling = {
  outputSize: 'outputSize',
  spatialScale: 'positive',
  layout: 'layout',
  invalidBoxes: 'invalidBoxes',
  out: 'out',
  threads: 'threads',
  outputDtype: 'outputDtype',
} as const;
const sampling = { samplingRatio: 'samplingRatio', maxSamplesPerRoi: 'maxSamplesPerRoi' } as const;
const backward = {
  inputShape: 'inputShape',
  outputSize: 'outputSize',
  layout: 'layout',
  invalidBoxes: 'invalidBoxes',
  out: 'out',
  threads: 'threads',
} as const;
const roiParams = ['input', 'boxes', 'options'] as const;
const gradParams = ['gradOutput', 'boxes', 'options'] as const;

export const specs: Record<OperatorName, OperatorSpec> = {
  roiPool: {
    params: roiParams,
    options: { ...pooling, bins: 'bins', returnArgmax: 'boolean', argmaxOut: 'argmaxOut' },
    required: ['outputSize'],
    boxes: [1],
  },
  roiAlign: {
    params: roiParams,
    options: { ...pooling, ...sampling, aligned: 'boolean', mode: 'alignMode' },
    required: ['outputSize'],
    boxes: [1],
  },
  psRoiPool: { params: roiParams, options: pooling, required: ['outputSize'], boxes: [1] },
  psRoiAlign: { params: roiParams, options: { ...pooling, ...sampling }, required: ['outputSize'], boxes: [1] },
  roiAlignRotated: {
    params: roiParams,
    options: { ...pooling, ...sampling, aligned: 'boolean', clockwise: 'boolean' },
    required: ['outputSize'],
    boxes: [1],
  },
  multiScaleRoiAlign: {
    params: ['features', 'boxes', 'options'],
    options: {
      outputSize: 'outputSize',
      layout: 'layout',
      invalidBoxes: 'invalidBoxes',
      out: 'out',
      threads: 'threads',
      ...sampling,
      imageSizes: 'imageSizes',
      scales: 'scales',
      canonicalScale: 'positive',
      canonicalLevel: 'canonicalLevel',
      aligned: 'boolean',
      outputDtype: 'outputDtype',
    },
    required: ['outputSize'],
    boxes: [1],
  },
  spatialPyramidPool: {
    params: ['input', 'options'],
    options: {
      levels: 'levels',
      boxes: 'boxes',
      spatialScale: 'positive',
      mode: 'poolMode',
      layout: 'layout',
      invalidBoxes: 'invalidBoxes',
      out: 'out',
      threads: 'threads',
      outputDtype: 'outputDtype',
    },
    required: [],
    boxes: [1, 'boxes'],
  },
  cropAndResize: {
    params: ['image', 'boxes', 'boxIndices', 'cropSize', 'options'],
    options: {
      method: 'method',
      extrapolationValue: 'anyNumber',
      layout: 'layout',
      invalidBoxes: 'invalidBoxes',
      out: 'out',
      threads: 'threads',
      outputDtype: 'outputDtype',
    },
    required: [],
    boxes: [1],
  },
  preciseRoiPool: { params: roiParams, options: pooling, required: ['outputSize'], boxes: [1] },
  roiPoolBackward: {
    params: ['gradOutput', 'argmax', 'boxes', 'options'],
    options: backward,
    required: ['inputShape'],
    boxes: [2],
  },
  roiAlignBackward: {
    params: gradParams,
    options: {
      ...backward,
      spatialScale: 'positive',
      ...sampling,
      aligned: 'boolean',
      mode: 'alignMode',
      input: 'tensor',
    },
    required: ['inputShape'],
    boxes: [1],
  },
  psRoiPoolBackward: {
    params: gradParams,
    options: { ...backward, spatialScale: 'positive' },
    required: ['inputShape'],
    boxes: [1],
  },
  psRoiAlignBackward: {
    params: gradParams,
    options: { ...backward, spatialScale: 'positive', ...sampling },
    required: ['inputShape'],
    boxes: [1],
  },
  roiAlignRotatedBackward: {
    params: gradParams,
    options: { ...backward, spatialScale: 'positive', ...sampling, aligned: 'boolean', clockwise: 'boolean' },
    required: ['inputShape'],
    boxes: [1],
  },
  preciseRoiPoolBackward: {
    params: gradParams,
    options: { ...backward, spatialScale: 'positive' },
    required: ['inputShape'],
    boxes: [1],
  },
};

/** Where each operator's options are (its last parameter). */
export const optionsIndex = (op: OperatorName): number => specs[op].params.length - 1;

// ---- Valid values.

const layouts: Arbitrary<{ layout: Layout; explicit: boolean }> = fc.constantFrom(
  { layout: 'NCHW' as const, explicit: false },
  { layout: 'NCHW' as const, explicit: true },
  { layout: 'NHWC' as const, explicit: true },
);

/** N: mostly 1 or 2; 0 (an empty batch, only with no boxes) now and then. */
const batchSize = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.constant(1) },
  { weight: 3, arbitrary: fc.constant(2) },
);
// Mostly tiny; now and then past a SIMD width (16 floats) so that full vector blocks and their ragged edges run.
const mapSide = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 8 }) },
  { weight: 1, arbitrary: fc.integer({ min: 9, max: 20 }) },
);
const pooledSide = fc.integer({ min: 1, max: 3 });
const channelCount = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 4 }) },
  { weight: 1, arbitrary: fc.integer({ min: 5, max: 19 }) },
);

/** spatialScale: left to its default 1, or given; the extremes are valid and the boxes are scaled to match. */
const scales: Arbitrary<{ scale: number; explicit: boolean }> = fc.oneof(
  fc.constant({ scale: 1, explicit: false }),
  fc.constantFrom(1, 0.5, 0.25, 0.0625, 2, 1e-30, 1e30).map((scale) => ({ scale, explicit: true })),
);

const valid = {
  invalidBoxes: fc.constantFrom('error', 'zero'),
  threads: fc.constantFrom(1, 2, 3, 8, 65536),
  samplingRatio: fc.constantFrom(-1, 0, -7, 1, 2, 3, -(2 ** 31)),
  // At most the default: a valid call's boxes never need more (and a corrupted one's huge boxes must be refused).
  maxSamplesPerRoi: fc.constantFrom(4096, 2 ** 20, 2 ** 24),
  alignMode: fc.constantFrom('avg', 'max', 'onnx-max'),
  canonicalScale: fc.constantFrom(224, 1, 16, 0.5, 1000),
  canonicalLevel: fc.constantFrom(4, 0, 2, 5, -3, 1024),
};

/** outputSize as `n` or `[h, w]`. */
function outputSizeOf(ph: number, pw: number): Arbitrary<number | [number, number]> {
  return ph === pw ? fc.constantFrom(ph, [ph, pw] as [number, number]) : fc.constant([ph, pw] as [number, number]);
}

/** An options object: `base` as given, and each of `optional` present about half the time. */
function optionsWith(
  base: Record<string, unknown>,
  optional: Record<string, Arbitrary<unknown>>,
): Arbitrary<Record<string, unknown>> {
  return fc.record(optional, { requiredKeys: [] }).map((picked) => ({ ...base, ...picked }));
}

/**
 * A forward operator's options (optionsWith), with outputDtype absent half the time, else any of
 * docs/api.md's three, and an `out` (when there is one) of its element type: a 16-bit one is a
 * Uint16Array (or a Float16Array) on the memory of the float32 `out` made for the call.
 */
function forwardOptionsWith(
  base: Record<string, unknown>,
  optional: Record<string, Arbitrary<unknown>>,
): Arbitrary<Record<string, unknown>> {
  const dtype = fc.option(fc.constantFrom('float32', 'float16', 'bfloat16'), { nil: undefined, freq: 2 });
  return fc.tuple(optionsWith(base, optional), dtype, fc.boolean()).map(([options, outputDtype, asFloat16Array]) => {
    if (outputDtype === undefined) return options;
    const { out } = options;
    const typedOut =
      out instanceof Float32Array && outputDtype !== 'float32' ? halfOut(out, outputDtype, asFloat16Array) : out;
    return { ...options, outputDtype, ...(out === undefined ? {} : { out: typedOut }) };
  });
}

function inLayout(layout: Layout, n: number, c: number, h: number, w: number): number[] {
  return layout === 'NCHW' ? [n, c, h, w] : [n, h, w, c];
}

// ---- Valid boxes: rows in feature-map coordinates within about two map widths, divided by the scale.

interface BoxRegion {
  batch: number;
  height: number;
  width: number;
  scale: number;
  /** 5: (b, x1, y1, x2, y2); 6: (b, cx, cy, w, h, angle). */
  columns: 5 | 6;
  /** Whether the per-image list form (and [K,4] for N == 1) is accepted. */
  forms: 'any' | 'rows-only';
}

function coordinate(extent: number, scale: number): Arbitrary<number> {
  const lo = -Math.ceil(extent / 2);
  const hi = Math.ceil(1.5 * extent);
  return fc
    .oneof(fc.integer({ min: lo, max: hi }), fc.float({ min: lo, max: hi, noNaN: true }))
    .map((v) => Math.fround(v / scale));
}

function size(extent: number, scale: number): Arbitrary<number> {
  return fc
    .oneof(fc.integer({ min: -1, max: 2 * extent }), fc.float({ min: -1, max: 2 * extent, noNaN: true }))
    .map((v) => Math.fround(v / scale));
}

/** Any finite angle in degrees (cos and sin of 3e38 are still numbers). */
const angle = fc.oneof(
  fc.integer({ min: -360, max: 360 }),
  fc.float({ min: -1e4, max: 1e4, noNaN: true }),
  fc.float({ noNaN: true, noDefaultInfinity: true }),
);

/** The columns after the batch index. */
function boxCoordinates(r: BoxRegion): Arbitrary<number[]> {
  return r.columns === 5
    ? fc.tuple(
        coordinate(r.width, r.scale),
        coordinate(r.height, r.scale),
        coordinate(r.width, r.scale),
        coordinate(r.height, r.scale),
      )
    : fc.tuple(
        coordinate(r.width, r.scale),
        coordinate(r.height, r.scale),
        size(r.width, r.scale),
        size(r.height, r.scale),
        angle,
      );
}

/** Valid boxes in one of the forms of docs/api.md "Tensors", and their count K. */
export function validBoxes(r: BoxRegion): Arbitrary<{ boxes: unknown; count: number }> {
  const coordinates = r.columns - 1;
  const rows =
    r.batch === 0
      ? fc.constant([] as Array<[number, number[]]>)
      : fc.array(fc.tuple(fc.integer({ min: 0, max: r.batch - 1 }), boxCoordinates(r)), { maxLength: 4 });
  const asRows = rows.chain((list) =>
    tensorOf(
      list.flatMap(([b, c]) => [b, ...c]),
      [list.length, r.columns],
    ).map((boxes) => ({ boxes, count: list.length })),
  );
  // The same rows as plain numbers (number[][]): they are float32 values already, so nothing is rounded.
  const asNumberRows = rows.map((list) => ({ boxes: list.map(([b, c]) => [b, ...c]), count: list.length }));
  if (r.forms === 'rows-only' || r.batch === 0) return fc.oneof(asRows, asRows, asNumberRows);
  // [K, columns - 1]: only for a batch of one image.
  const asCoordinates = fc
    .array(boxCoordinates(r), { maxLength: 4 })
    .chain((list) => tensorOf(list.flat(), [list.length, coordinates]).map((boxes) => ({ boxes, count: list.length })));
  // One [L_i, columns - 1] tensor per image, for the first `images` images.
  const asList = fc
    .integer({ min: 0, max: r.batch })
    .chain((images) =>
      fc.array(fc.array(boxCoordinates(r), { maxLength: 2 }), { minLength: images, maxLength: images }),
    )
    .chain((perImage) =>
      (perImage.length === 0
        ? fc.constant([])
        : fc.tuple(...perImage.map((list) => tensorOf(list.flat(), [list.length, coordinates])))
      ).map((tensors) => ({ boxes: tensors, count: perImage.reduce((sum, list) => sum + list.length, 0) })),
    );
  return r.batch === 1
    ? fc.oneof(asRows, asRows, asRows, asNumberRows, asCoordinates, asList)
    : fc.oneof(asRows, asRows, asRows, asNumberRows, asList);
}

// ---- Valid calls, one builder per family.

/** A map, boxes and pooled size for the RoI operators (position-sensitive: C = Cout * PH * PW). */
interface RoiProblem {
  batch: number;
  channels: number;
  outChannels: number;
  height: number;
  width: number;
  layout: { layout: Layout; explicit: boolean };
  ph: number;
  pw: number;
  scale: { scale: number; explicit: boolean };
  boxes: unknown;
  count: number;
}

function roiProblem(columns: 5 | 6, positionSensitive: boolean): Arbitrary<RoiProblem> {
  return fc
    .record({
      batch: batchSize,
      channels: channelCount,
      groups: fc.integer({ min: 1, max: 2 }),
      height: mapSide,
      width: mapSide,
      layout: layouts,
      ph: pooledSide,
      pw: pooledSide,
      scale: scales,
    })
    .chain((g) =>
      validBoxes({ batch: g.batch, height: g.height, width: g.width, scale: g.scale.scale, columns, forms: 'any' }).map(
        ({ boxes, count }) => {
          const channels = positionSensitive ? g.groups * g.ph * g.pw : g.channels;
          const outChannels = positionSensitive ? g.groups : channels;
          return { ...g, channels, outChannels, boxes, count };
        },
      ),
    );
}

/** The options every RoI operator shares, as a valid call passes them. */
function commonOptions(p: RoiProblem, outLength: number) {
  return {
    base: {
      ...(p.layout.explicit ? { layout: p.layout.layout } : {}),
      ...(p.scale.explicit ? { spatialScale: p.scale.scale } : {}),
    },
    optional: { invalidBoxes: valid.invalidBoxes, threads: valid.threads, out: outBuffer(outLength) } as Record<
      string,
      Arbitrary<unknown>
    >,
  };
}

const roiExtras: Partial<Record<OperatorName, Record<string, Arbitrary<unknown>>>> = {
  roiAlign: {
    samplingRatio: valid.samplingRatio,
    aligned: fc.boolean(),
    mode: valid.alignMode,
    maxSamplesPerRoi: valid.maxSamplesPerRoi,
  },
  psRoiAlign: { samplingRatio: valid.samplingRatio, maxSamplesPerRoi: valid.maxSamplesPerRoi },
  roiAlignRotated: {
    samplingRatio: valid.samplingRatio,
    aligned: fc.boolean(),
    clockwise: fc.boolean(),
    maxSamplesPerRoi: valid.maxSamplesPerRoi,
  },
};

/** roiPool, roiAlign, psRoiPool, psRoiAlign, roiAlignRotated, preciseRoiPool: (input, boxes, options). */
function roiForwardArgs(op: OperatorName): Arbitrary<unknown[]> {
  const columns = op === 'roiAlignRotated' ? 6 : 5;
  return roiProblem(columns, op.startsWith('ps')).chain((p) => {
    const outLength = p.count * p.outChannels * p.ph * p.pw;
    const { base, optional } = commonOptions(p, outLength);
    Object.assign(optional, roiExtras[op] ?? {});
    if (op === 'roiPool') {
      optional.bins = fc.constantFrom('overlap', 'split');
      // returnArgmax absent, false or true, and with true sometimes an argmaxOut to write into.
      optional.returnArgmax = fc.boolean();
    }
    const options = fc
      .record({ outputSize: outputSizeOf(p.ph, p.pw), picked: forwardOptionsWith(base, optional) })
      .chain(({ outputSize, picked }) =>
        picked.returnArgmax === true
          ? fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }).map((skip) => ({
              outputSize,
              ...picked,
              ...(skip === undefined
                ? {}
                : { argmaxOut: new Int32Array(outLength + skip + 1).subarray(skip, skip + outLength) }),
            }))
          : fc.constant({ outputSize, ...picked }),
      );
    const dims = inLayout(p.layout.layout, p.batch, p.channels, p.height, p.width);
    return fc.tuple(mapTensor(dims), fc.constant(p.boxes), options);
  });
}

/** multiScaleRoiAlign(features, boxes, options): 1-3 levels, each about half the previous, with scales or imageSizes. */
function multiScaleArgs(): Arbitrary<unknown[]> {
  return fc
    .record({
      batch: batchSize,
      channels: channelCount,
      levels: fc.integer({ min: 1, max: 3 }),
      height: fc.integer({ min: 2, max: 8 }),
      width: fc.integer({ min: 2, max: 8 }),
      layout: layouts,
      ph: pooledSide,
      pw: pooledSide,
      finest: fc.constantFrom(1, 0.5, 0.25),
      byImageSizes: fc.boolean(),
      imageGrowth: fc.integer({ min: 1, max: 4 }),
    })
    .chain((g) => {
      const sides = Array.from(
        { length: g.levels },
        (_, l) => [Math.ceil(g.height / 2 ** l), Math.ceil(g.width / 2 ** l)] as const,
      );
      // With imageSizes, level 0's scale is inferred from the tallest image (torchvision); boxes are sized for it.
      const imageHeight = g.height * g.imageGrowth;
      const scale = g.byImageSizes ? 2 ** Math.round(Math.log2(g.height / imageHeight)) : g.finest;
      const features = mapTensors(sides.map(([h, w]) => inLayout(g.layout.layout, g.batch, g.channels, h, w)));
      const boxes = validBoxes({ batch: g.batch, height: g.height, width: g.width, scale, columns: 5, forms: 'any' });
      const images = fc.array(
        fc.tuple(fc.integer({ min: 1, max: imageHeight }), fc.integer({ min: 1, max: g.width * 4 })),
        {
          minLength: 1,
          maxLength: Math.max(1, g.batch),
        },
      );
      const pyramid = g.byImageSizes
        ? images.map((sizes) => ({ imageSizes: [[imageHeight, g.width * g.imageGrowth], ...sizes.slice(1)] }))
        : fc.constant({ scales: sides.map((_, l) => g.finest / 2 ** l) });
      return fc
        .tuple(features, boxes, pyramid, outputSizeOf(g.ph, g.pw))
        .chain(([levels, { boxes: b, count }, scaleOption, outputSize]) => {
          const options = forwardOptionsWith(
            { outputSize, ...scaleOption, ...(g.layout.explicit ? { layout: g.layout.layout } : {}) },
            {
              samplingRatio: valid.samplingRatio,
              maxSamplesPerRoi: valid.maxSamplesPerRoi,
              canonicalScale: valid.canonicalScale,
              canonicalLevel: valid.canonicalLevel,
              aligned: fc.boolean(),
              invalidBoxes: valid.invalidBoxes,
              threads: valid.threads,
              out: outBuffer(count * g.channels * g.ph * g.pw),
            },
          );
          return options.map((o) => [levels, b, o]);
        });
    });
}

/** spatialPyramidPool(input, options?): the whole map of each image, or the boxes of options.boxes. */
function spatialPyramidArgs(): Arbitrary<unknown[]> {
  return fc
    .record({
      batch: batchSize,
      channels: channelCount,
      height: mapSide,
      width: mapSide,
      layout: layouts,
      scale: scales,
      levels: fc.option(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
      withBoxes: fc.boolean(),
    })
    .chain((g) => {
      const boxes = g.withBoxes
        ? validBoxes({
            batch: g.batch,
            height: g.height,
            width: g.width,
            scale: g.scale.scale,
            columns: 5,
            forms: 'any',
          })
        : fc.constant({ boxes: undefined, count: g.batch });
      return fc
        .tuple(mapTensor(inLayout(g.layout.layout, g.batch, g.channels, g.height, g.width)), boxes)
        .chain(([input, { boxes: b, count }]) => {
          const cells = (g.levels ?? [1, 2, 4]).reduce((sum, l) => sum + l * l, 0);
          const base = {
            ...(g.levels === undefined ? {} : { levels: g.levels }),
            ...(b === undefined ? {} : { boxes: b }),
            ...(g.layout.explicit ? { layout: g.layout.layout } : {}),
            ...(g.scale.explicit ? { spatialScale: g.scale.scale } : {}),
          };
          const options = forwardOptionsWith(base, {
            mode: fc.constantFrom('max', 'avg'),
            invalidBoxes: valid.invalidBoxes,
            threads: valid.threads,
            out: outBuffer(count * g.channels * cells),
          });
          // No options at all is valid when nothing needs saying.
          const none = Object.keys(base).length === 0 ? fc.constant(undefined) : options;
          return fc.oneof(options, none).map((o) => (o === undefined ? [input] : [input, o]));
        });
    });
}

/** cropAndResize(image, boxes, boxIndices, cropSize, options?): NHWC by default, normalized (y1, x1, y2, x2) boxes. */
function cropAndResizeArgs(): Arbitrary<unknown[]> {
  const layout = fc.constantFrom(
    { layout: 'NHWC' as const, explicit: false },
    { layout: 'NHWC' as const, explicit: true },
    { layout: 'NCHW' as const, explicit: true },
  );
  const normalized = fc.oneof(fc.float({ min: -0.5, max: 1.5, noNaN: true }), fc.constantFrom(0, 1, 0.5));
  return fc
    .record({
      batch: batchSize,
      channels: channelCount,
      height: mapSide,
      width: mapSide,
      layout,
      ch: pooledSide,
      cw: pooledSide,
    })
    .chain((g) => {
      const rows =
        g.batch === 0
          ? fc.constant([] as Array<[number, number[]]>)
          : fc.array(
              fc.tuple(fc.integer({ min: 0, max: g.batch - 1 }), fc.array(normalized, { minLength: 4, maxLength: 4 })),
              { maxLength: 4 },
            );
      return fc
        .tuple(
          mapTensor(inLayout(g.layout.layout, g.batch, g.channels, g.height, g.width)),
          rows,
          outputSizeOf(g.ch, g.cw),
        )
        .chain(([image, list, cropSize]) => {
          const K = list.length;
          const indices = list.map(([b]) => b);
          const boxIndices = fc.constantFrom(
            () => Int32Array.from(indices),
            () => [...indices],
            () => {
              const view = new Int32Array(K + 2).fill(-1).subarray(1, K + 1);
              view.set(indices);
              return view;
            },
          );
          const options = forwardOptionsWith(g.layout.explicit ? { layout: g.layout.layout } : {}, {
            method: fc.constantFrom('bilinear', 'nearest'),
            // Any number is a valid fill, NaN and the infinities included.
            extrapolationValue: fc.oneof(fc.constantFrom(0, -1, NaN, Infinity, -Infinity, -0, 1e300), fc.double()),
            invalidBoxes: valid.invalidBoxes,
            threads: valid.threads,
            out: outBuffer(K * g.channels * g.ch * g.cw),
          });
          const maybeOptions = g.layout.explicit ? options : fc.oneof(options, fc.constant(undefined));
          return fc
            .tuple(
              tensorOf(
                list.flatMap(([, c]) => c),
                [K, 4],
              ),
              boxIndices,
              maybeOptions,
            )
            .map(([boxes, makeIndices, o]) =>
              o === undefined ? [image, boxes, makeIndices(), cropSize] : [image, boxes, makeIndices(), cropSize, o],
            );
        });
    });
}

const backwardExtras: Partial<Record<OperatorName, Record<string, Arbitrary<unknown>>>> = {
  roiAlignBackward: {
    samplingRatio: valid.samplingRatio,
    aligned: fc.boolean(),
    maxSamplesPerRoi: valid.maxSamplesPerRoi,
  },
  // psRoiAlign and roiAlignRotated take the same options backward as forward.
  psRoiAlignBackward: roiExtras.psRoiAlign,
  roiAlignRotatedBackward: roiExtras.roiAlignRotated,
};

/** The backward passes: (gradOutput, [argmax,] boxes, options) with gradOutput [K, Cout, PH, PW] and inputShape the map's. */
function backwardArgs(op: OperatorName): Arbitrary<unknown[]> {
  const columns = op === 'roiAlignRotatedBackward' ? 6 : 5;
  return roiProblem(columns, op.startsWith('ps')).chain((p): Arbitrary<unknown[]> => {
    const inputShape = inLayout(p.layout.layout, p.batch, p.channels, p.height, p.width);
    const gradDims = inLayout(p.layout.layout, p.count, p.outChannels, p.ph, p.pw);
    const { base, optional } = commonOptions(p, product(inputShape));
    if (op === 'roiPoolBackward')
      delete base.spatialScale; // argmax holds the geometry: no spatialScale
    else if (!('spatialScale' in base)) optional.spatialScale = fc.constant(p.scale.scale);
    Object.assign(optional, backwardExtras[op] ?? {}, { outputSize: outputSizeOf(p.ph, p.pw) });
    if (op === 'roiAlignBackward') {
      // 'max' and 'onnx-max' need the forward input; 'avg' ignores it.
      optional.mode = valid.alignMode;
      optional.input = floatTensor(inputShape);
    }
    const options = optionsWith({ inputShape, ...base }, optional).chain((o) =>
      o.mode === 'max' || o.mode === 'onnx-max'
        ? floatTensor(inputShape).map((input) => ({ ...o, input }))
        : fc.constant(o),
    );
    const grad = floatTensor(gradDims);
    if (op !== 'roiPoolBackward') return fc.tuple(grad, fc.constant(p.boxes), options);
    const plane = p.height * p.width;
    const argmax = fc
      .array(fc.integer({ min: -1, max: plane - 1 }), { minLength: product(gradDims), maxLength: product(gradDims) })
      .map((v) => Int32Array.from(v));
    return fc.tuple(grad, argmax, fc.constant(p.boxes), options);
  });
}

function validArgs(op: OperatorName): Arbitrary<unknown[]> {
  switch (op) {
    case 'multiScaleRoiAlign':
      return multiScaleArgs();
    case 'spatialPyramidPool':
      return spatialPyramidArgs();
    case 'cropAndResize':
      return cropAndResizeArgs();
    default:
      return (backwardOperators as readonly string[]).includes(op) ? backwardArgs(op) : roiForwardArgs(op);
  }
}

// ---- Corruptions: one field of a valid call replaced.

type Path = readonly (string | number)[];

function get(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key], root);
}

/** `root` with the value at `path` replaced; the containers along the path are copied, nothing is mutated. */
function set(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path as [string | number, ...Path];
  const container = root as Record<string | number, unknown>;
  const copy = (Array.isArray(container) ? [...container] : { ...container }) as Record<string | number, unknown>;
  copy[key] = set(container[key], rest, value);
  return copy;
}

/** `root` without the key at `path`. */
function remove(root: unknown[], path: Path): unknown[] {
  const parent = get(root, path.slice(0, -1)) as Record<string, unknown>;
  const { [path[path.length - 1] as string]: _removed, ...rest } = parent;
  return set(root, path.slice(0, -1), rest) as unknown[];
}

function pathName(op: OperatorName, path: Path): string {
  const [index, ...keys] = path as [number, ...Path];
  return `${specs[op].params[index]}${keys.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')}`;
}

/** Every tensor in the arguments (inputs, boxes, list items, options.boxes, options.input), as paths. */
function tensorPaths(value: unknown, path: Path, found: Path[] = []): Path[] {
  if (isTensorValue(value)) {
    found.push(path);
  } else if (Array.isArray(value) && path.length < 3) {
    value.forEach((item, i) => tensorPaths(item, [...path, i], found));
  } else if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && path.length < 2) {
    for (const [key, item] of Object.entries(value)) tensorPaths(item, [...path, key], found);
  }
  return found;
}

interface Corrupted {
  args: unknown[];
  corruption: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

const sparse = (length: number, values: Record<number, unknown>): unknown[] => Object.assign(new Array(length), values);

/** Values an option of each kind should not take (or extreme ones it may, which the call must then survive). */
const wrongOption: Record<
  Exclude<OptionKind, 'out' | 'argmaxOut' | 'boxes' | 'tensor' | 'inputShape'>,
  Arbitrary<unknown>
> = {
  // Beyond 2^20 the output is refused as too large (or, with K = 0, is empty): never a legal giant.
  outputSize: fc.constantFrom<unknown>(
    0,
    -1,
    1.5,
    NaN,
    Infinity,
    2 ** 31,
    2 ** 53,
    1e9,
    [2],
    [2, 2, 2],
    [0, 2],
    [2, '2'],
    '2',
    [NaN, 1],
    [1, 2 ** 31],
    sparse(2, { 1: 2 }),
  ),
  positive: fc.constantFrom<unknown>(
    0,
    -0,
    -1,
    NaN,
    Infinity,
    -Infinity,
    1e30,
    1e-30,
    Number.MIN_VALUE,
    1e-46,
    Number.MAX_VALUE,
    3.5e38,
    '1',
  ),
  layout: fc.constantFrom<unknown>('nchw', 'NCWH', 'CHW', '', 'NHWC ', 'nhwc', 'NHCW'),
  invalidBoxes: fc.constantFrom<unknown>('skip', 'ignore', '', 'ERROR', 'zeros'),
  threads: fc.constantFrom<unknown>(0, -1, 1.5, 65537, 2 ** 31, NaN, Infinity, '2', 65536, 1),
  // A ratio above 4096 needs more than 2^24 samples per RoI at 1x1: refused, never run.
  samplingRatio: fc.constantFrom<unknown>(
    1.5,
    NaN,
    Infinity,
    -Infinity,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 31 - 1,
    -(2 ** 31),
    4097,
    1e6,
    '2',
  ),
  maxSamplesPerRoi: fc.constantFrom<unknown>(0, -1, 1, 2, 1.5, NaN, Infinity, 2 ** 53, Number.MAX_SAFE_INTEGER, '16'),
  boolean: fc.constantFrom<unknown>(0, 1, 'true', 'false', null),
  alignMode: fc.constantFrom<unknown>('mean', 'AVG', 'max ', 'onnx_max', '', 'sum'),
  poolMode: fc.constantFrom<unknown>('sum', 'MAX', 'mean', 'onnx-max', ''),
  bins: fc.constantFrom<unknown>('disjoint', 'Overlap', '', 'split '),
  method: fc.constantFrom<unknown>('bicubic', 'Bilinear', 'area', ''),
  anyNumber: fc.constantFrom<unknown>('0', null, 0n),
  levels: fc.constantFrom<unknown>(
    [],
    [0],
    [1, 0],
    [1.5],
    [-1],
    [65537],
    [2 ** 31],
    ['2'],
    [NaN],
    4,
    'abc',
    sparse(2, { 1: 1 }),
    [300],
  ),
  imageSizes: fc.constantFrom<unknown>(
    [],
    [[0, 8]],
    [[8]],
    [[8, 8, 3]],
    [[1.5, 8]],
    [[-8, 8]],
    [['8', 8]],
    [[2 ** 31, 8]],
    [8, 8],
    'abc',
    [[NaN, 8]],
  ),
  scales: fc.constantFrom<unknown>(
    [],
    [0],
    [-1],
    [NaN],
    [Infinity],
    ['1'],
    [1e30],
    [1e-46],
    [3.5e38],
    [1, 0.5, 0.25, 0.125],
  ),
  canonicalLevel: fc.constantFrom<unknown>(1.5, NaN, 1025, -1025, 2 ** 31, '4', Infinity),
  outputDtype: fc.constantFrom<unknown>('float64', 'Float16', 'fp16', 'half', 'bf16', 'uint16', '', 'float32 ', 16),
};

/** A wrong value for option `key` of `op` given its current `value`; `outLength` is the length a valid `out` has. */
function wrongValueFor(op: OperatorName, key: string, value: unknown, outLength: number): Arbitrary<unknown> {
  const kind = specs[op].options[key] as OptionKind;
  switch (kind) {
    case 'out':
    case 'argmaxOut': {
      const n = outLength;
      const makers: Array<() => unknown> = [
        () => new Float32Array(n + 1),
        () => new Float32Array(Math.max(0, n - 1)),
        () => new Float64Array(n),
        () => new Int32Array(n),
        () => new Float32Array(n),
        () => new Uint32Array(n),
        () => new Uint16Array(n), // right only with a 16-bit outputDtype
        () => new Uint16Array(n + 1),
        () => Array.from({ length: n }, () => 0),
      ];
      return fc.oneof(
        fc.constantFrom(...makers).map((make) => make()),
        wrongType,
      );
    }
    case 'boxes':
    case 'tensor':
      return isTensorValue(value) ? fc.oneof(wrongType, malformedTensor(value as TensorValue)) : wrongType;
    case 'inputShape': {
      const shape = value as number[];
      // Realistic mistakes (one dimension off by one, or zero) as well as malformed shapes.
      const nearby = fc
        .tuple(fc.nat(shape.length - 1), fc.constantFrom(-1, 1, 0))
        .map(([i, delta]) => shape.map((d, j) => (j === i ? (delta === 0 ? 0 : d + delta) : d)));
      const malformed = fc.constantFrom<unknown>(
        [],
        [1, 2, 3],
        [1, 2, 3, 4, 5],
        [-1, 2, 3, 4],
        [1.5, 2, 3, 4],
        [2 ** 31, 1, 1, 1],
        sparse(4, { 0: 1, 1: 1, 3: 1 }),
        ['1', 2, 3, 4],
        'abc',
        [NaN, 1, 1, 1],
      );
      return fc.oneof(nearby, malformed, wrongType);
    }
    default:
      return fc.oneof({ weight: 2, arbitrary: wrongOption[kind] }, { weight: 1, arbitrary: wrongType });
  }
}

/** Mistyped option names, and names of other operators' options. */
const unknownOptionNames = [
  'outputsize',
  'output_size',
  'sampling_ratio',
  'spatial_scale',
  'Layout',
  'extra',
  'constructor',
  'toString',
  'hasOwnProperty',
  '__proto__',
  ...new Set(Object.values(specs).flatMap((s) => Object.keys(s.options))),
];

function optionCorruptions(op: OperatorName, args: unknown[], outLength: number): Array<Arbitrary<Corrupted>> {
  const at = optionsIndex(op);
  const options = args[at];
  if (!isPlainObject(options) && options !== undefined) return [];
  const spec = specs[op];
  const given = options ?? {};
  const asObject = options === undefined ? (set(args, [at], {}) as unknown[]) : args;
  const found: Array<Arbitrary<Corrupted>> = [];
  // A documented option given a wrong or extreme value.
  found.push(
    fc.constantFrom(...Object.keys(spec.options)).chain((key) =>
      wrongValueFor(op, key, given[key], outLength).map((value) => ({
        args: set(asObject, [at, key], value) as unknown[],
        corruption: `options.${key} = ${show(value)}`,
      })),
    ),
  );
  // A required option missing.
  const required = spec.required.filter((key) => key in given);
  if (required.length > 0) {
    found.push(
      fc
        .constantFrom(...required)
        .map((key) => ({ args: remove(args, [at, key]), corruption: `options.${key} missing` })),
    );
  }
  // An option this operator does not have (an own property, even for '__proto__').
  const unknown = unknownOptionNames.filter((name) => !(name in spec.options));
  found.push(
    fc.tuple(fc.constantFrom(...unknown), fc.oneof(fc.constant<unknown>(1), wrongType)).map(([name, value]) => {
      const withExtra = { ...given };
      Object.defineProperty(withExtra, name, { value, enumerable: true, writable: true, configurable: true });
      return { args: set(args, [at], withExtra) as unknown[], corruption: `unknown option ${name}` };
    }),
  );
  return found;
}

/** `out` a view on the same memory as the call's first tensor (input, image, gradOutput or features[0]). */
function overlappingOut(op: OperatorName, args: unknown[], outLength: number | null): Arbitrary<Corrupted> | null {
  const at = optionsIndex(op);
  const firstPath: Path = op === 'multiScaleRoiAlign' ? [0, 0] : [0];
  const first = get(args, firstPath);
  const options = args[at];
  if (
    !isTensorValue(first) ||
    outLength === null ||
    outLength === 0 ||
    (!isPlainObject(options) && options !== undefined)
  )
    return null;
  // Built in float32 memory: a float32 map only.
  if (!(first.data instanceof Float32Array)) return null;
  const data = first.data;
  if (data.length === 0) return null;
  return fc.nat(data.length - 1).map((start) => {
    const memory = new Float32Array(start + Math.max(data.length - start, outLength));
    memory.set(data);
    const shared = set(args, firstPath, { ...first, data: memory.subarray(0, data.length) }) as unknown[];
    return {
      args: set(shared, [at], { ...(options ?? {}), out: memory.subarray(start, start + outLength) }) as unknown[],
      corruption: `options.out overlaps ${pathName(op, firstPath)}.data at element ${start}`,
    };
  });
}

/**
 * A feature map (or a backward gradOutput, which must be float32) as a 16-bit tensor gone wrong:
 * a Uint16Array that does not say its format, a dtype or type that is no format or contradicts
 * the data, 16-bit patterns of the wrong length, a dtype with a Float32Array; or, on a backward
 * pass, a well-formed 16-bit tensor (docs/api.md "16-bit feature maps": refused there).
 */
function halfMapCorruption(op: OperatorName, args: unknown[]): Arbitrary<Corrupted> | null {
  const first = args[0];
  const paths: Path[] = Array.isArray(first) ? first.map((_, i) => [0, i]) : [[0]];
  const maps = paths.filter((path) => isTensorValue(get(args, path)));
  if (maps.length === 0) return null;
  const backward = (backwardOperators as readonly string[]).includes(op);
  return fc
    .tuple(fc.constantFrom(...maps), fc.nat(), fc.constantFrom<HalfType>('float16', 'bfloat16'))
    .chain(([path, pick, type]) => {
      const t = get(args, path) as Record<string, unknown>;
      const dims = dimsOf(t) as number[];
      const n = product(dims);
      const key = 'shape' in t ? 'shape' : 'dims';
      const bits = (length: number) => new Uint16Array(length);
      const wrongFormat = ['float64', 'Float16', 'fp16', 'half', 'bf16', 'uint16', '', 'int16'][pick % 8];
      const cases: Array<[string, unknown]> = [
        ['Uint16Array without dtype', { data: bits(n), [key]: dims }],
        ['Uint16Array with dtype float32', { data: bits(n), [key]: dims, dtype: 'float32' }],
        ['Uint16Array with type float32', { data: bits(n), dims, type: 'float32' }],
        [`Uint16Array with dtype ${wrongFormat}`, { data: bits(n), [key]: dims, dtype: wrongFormat }],
        [`Float32Array with dtype ${type}`, { data: new Float32Array(n), [key]: dims, dtype: type }],
        [`Float32Array with type ${type}`, { data: new Float32Array(n), dims, type }],
        [`Uint16Array of ${n + 1} ${type}`, { data: bits(n + 1), [key]: dims, dtype: type }],
        [`Uint16Array of ${Math.max(0, n - 1)} ${type}`, { data: bits(Math.max(0, n - 1)), dims, type }],
      ];
      if (Float16ArrayConstructor)
        cases.push([
          'Float16Array with dtype bfloat16',
          { data: new Float16ArrayConstructor(new ArrayBuffer(2 * n)), [key]: dims, dtype: 'bfloat16' },
        ]);
      if (backward) cases.push([`a valid ${type} tensor`, { data: bits(n), [key]: dims, dtype: type }]);
      return fc.constantFrom(...cases).map(([what, value]) => ({
        args: set(args, path, value) as unknown[],
        corruption: `${pathName(op, path)} = ${what}`,
      }));
    });
}

/** One cell of a box tensor set to a bad or extreme value (a batch index or a coordinate, depending on the column). */
function boxCellCorruption(op: OperatorName, args: unknown[]): Arbitrary<Corrupted> | null {
  const where = specs[op].boxes;
  if (get(args, where.slice(0, -1)) === undefined) return null; // spatialPyramidPool without options
  const boxes = get(args, where);
  const candidates = (Array.isArray(boxes) ? boxes.map((_, i) => [...where, i]) : [where]).filter((p) => {
    const t = get(args, p);
    return isTensorValue(t) && t.data instanceof Float32Array && t.data.length > 0;
  });
  if (candidates.length === 0) return null;
  const value = fc.oneof(badBoxValue, fc.constantFrom(1, 2, 3));
  return fc.tuple(fc.constantFrom(...candidates), fc.nat(), value).map(([path, index, v]) => {
    const t = get(args, path) as TensorValue;
    const data = Float32Array.from(t.data);
    const i = index % data.length;
    data[i] = v;
    return {
      args: set(args, path, { ...t, data }) as unknown[],
      corruption: `${pathName(op, path)}.data[${i}] = ${v}`,
    };
  });
}

/** Boxes of the wrong shape: a wrong column count (also [K,4] for a batch over 1), a wrong rank, too many or wrong per-image tensors. */
function boxShapeCorruption(op: OperatorName, callArgs: unknown[]): Arbitrary<Corrupted> {
  const where = specs[op].boxes;
  // spatialPyramidPool's boxes are an option: give it an options object to put them in.
  const args =
    get(callArgs, where.slice(0, -1)) === undefined ? (set(callArgs, where.slice(0, -1), {}) as unknown[]) : callArgs;
  const rows = fc.integer({ min: 0, max: 3 });
  const tensor = (dims: number[]) => ({ data: new Float32Array(product(dims)), shape: dims });
  const wrong = fc.oneof(
    fc.tuple(rows, fc.integer({ min: 0, max: 7 })).map(([k, c]) => tensor([k, c])),
    rows.map((k) => tensor([k * 5])),
    rows.map((k) => tensor([k, 1, 5])),
    fc.constant(tensor([])),
    fc.integer({ min: 1, max: 4 }).map((images) => Array.from({ length: images }, () => tensor([1, 4]))),
    fc.tuple(rows, fc.integer({ min: 3, max: 6 })).map(([k, c]) => [tensor([k, c])]),
    wrongType.map((v) => [v]),
    // number[][] gone wrong: a flat list of numbers, a row of a wrong width, a row that is not a row of numbers.
    fc.integer({ min: 1, max: 3 }).map((k) => Array.from({ length: k * 5 }, () => 0)),
    fc
      .integer({ min: 0, max: 7 })
      .filter((c) => c < 4 || c > 6)
      .map((c) => [Array.from({ length: c }, () => 0)]),
    wrongType.map((v) => [[0, 0, 0, 1, 1], v]),
    wrongType.map((v) => [[0, v, 0, 1, 1]]),
  );
  return wrong.map((boxes) => ({
    args: set(args, where, boxes) as unknown[],
    corruption: `${pathName(op, where)} = ${show(boxes)}`,
  }));
}

/** What only some operators have: cropAndResize's boxIndices and cropSize, roiPoolBackward's argmax, multiScaleRoiAlign's pyramid. */
function operatorCorruptions(op: OperatorName, args: unknown[]): Array<Arbitrary<Corrupted>> {
  const replace = (index: number, values: Arbitrary<unknown>) =>
    values.map((value) => ({
      args: set(args, [index], value) as unknown[],
      corruption: `${specs[op].params[index]} = ${show(value)}`,
    }));
  switch (op) {
    case 'cropAndResize': {
      const K = (args[2] as ArrayLike<number>).length;
      const indices = fc.oneof(
        fc.constantFrom<unknown>(
          new Int32Array(K + 1),
          new Int32Array(Math.max(0, K - 1)),
          new Float32Array(K),
          new Uint32Array(K),
          [0.5],
          [NaN],
          [2 ** 31],
          ['0'],
        ),
        fc
          .tuple(fc.nat(Math.max(0, K - 1)), fc.constantFrom(-1, 2, 3, 2 ** 31 - 1, -(2 ** 31)))
          .map(([i, v]) => Int32Array.from({ length: K }, (_, k) => (k === i ? v : 0))),
        wrongType,
      );
      return [replace(2, indices), replace(3, fc.oneof(wrongOption.outputSize, wrongType))];
    }
    case 'roiPoolBackward': {
      const argmax = args[1] as Int32Array;
      const n = argmax.length;
      const outOfRange = fc
        .tuple(fc.nat(Math.max(0, n - 1)), fc.constantFrom(-2, 64, 65, 2 ** 31 - 1, -(2 ** 31)))
        .map(([i, v]) => {
          const copy = Int32Array.from(argmax);
          if (n > 0) copy[i] = v;
          return copy;
        });
      return [
        replace(
          1,
          fc.oneof(
            outOfRange,
            fc.constantFrom<unknown>(
              new Int32Array(n + 1),
              new Float32Array(n),
              new Uint32Array(n),
              Array.from(argmax),
            ),
            wrongType,
          ),
        ),
      ];
    }
    case 'multiScaleRoiAlign': {
      const features = args[0] as TensorValue[];
      const first = features[0] as TensorValue;
      const dims = dimsOf(first) as number[];
      // Another level whose batch or channel count differs from the first's.
      const mismatched = fc.constantFrom(0, 1).map((axis) => {
        const other = dims.map((d, i) => (i === axis ? d + 1 : d));
        return [...features, { data: new Float32Array(product(other)), shape: other }];
      });
      // Another level of the same shape but another element type (the levels share one).
      const mixed = fc
        .constantFrom<unknown>(
          { data: new Float32Array(product(dims)), shape: dims },
          { data: new Uint16Array(product(dims)), shape: dims, dtype: 'float16' },
          { data: new Uint16Array(product(dims)), dims, type: 'bfloat16' },
        )
        .map((level) => [...features, level]);
      const options = args[2] as Record<string, unknown>;
      const both = { ...options, scales: features.map(() => 1), imageSizes: [[8, 8]] };
      const { scales: _s, imageSizes: _i, ...neither } = options;
      return [
        replace(0, fc.oneof(fc.constant([]), mismatched, mixed, fc.constant(first), wrongType)),
        fc.constantFrom(
          { args: [args[0], args[1], both], corruption: 'both scales and imageSizes' },
          { args: [args[0], args[1], neither], corruption: 'neither scales nor imageSizes' },
        ),
      ];
    }
    default:
      return [];
  }
}

/** A short description of a value for the corruption label. */
function show(value: unknown): string {
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${(value as Float32Array).length ?? value.byteLength})`;
  if (typeof value === 'symbol' || typeof value === 'bigint' || typeof value === 'function') return String(value);
  try {
    const text = JSON.stringify(value, (_k, v) =>
      ArrayBuffer.isView(v)
        ? `${v.constructor.name}(${(v as Float32Array).length})`
        : typeof v === 'bigint'
          ? `${v}n`
          : v,
    );
    return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 80)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Every way to break this valid call, each equally likely. */
function corruptionsOf(op: OperatorName, args: unknown[], outLength: number | null): Arbitrary<Corrupted> {
  const paths = tensorPaths(args, []);
  const choices: Array<Arbitrary<Corrupted>> = [
    // An argument replaced (an omitted trailing argument is `undefined`).
    fc.nat(specs[op].params.length - 1).chain((index) => {
      const padded = specs[op].params.map((_, i) => args[i]);
      return wrongType.map((value) => ({
        args: set(padded, [index], value) as unknown[],
        corruption: `${specs[op].params[index]} = ${show(value)}`,
      }));
    }),
    boxShapeCorruption(op, args),
    ...optionCorruptions(op, args, outLength ?? 1),
    ...operatorCorruptions(op, args),
  ];
  if (paths.length > 0) {
    choices.push(
      fc.constantFrom(...paths).chain((path) =>
        malformedTensor(get(args, path) as TensorValue).map((value) => ({
          args: set(args, path, value) as unknown[],
          corruption: `${pathName(op, path)} = ${show(value)}`,
        })),
      ),
    );
    // The data of one tensor malformed (the commonest mistake: a Float64Array, a plain array, one element short).
    choices.push(
      fc.constantFrom(...paths).chain((path) => {
        const t = get(args, path) as TensorValue;
        return malformedData(t.data.length).map((data) => ({
          args: set(args, [...path, 'data'], data) as unknown[],
          corruption: `${pathName(op, path)}.data = ${show(data)}`,
        }));
      }),
    );
  }
  const half = halfMapCorruption(op, args);
  if (half !== null) choices.push(half);
  const cells = boxCellCorruption(op, args);
  if (cells !== null) choices.push(cells, cells); // twice: the box checks are where most of the logic is
  const overlap = overlappingOut(op, args, outLength);
  if (overlap !== null) choices.push(overlap);
  return fc.oneof(...choices);
}

// ---- Whole calls.

const signals: Arbitrary<SignalChoice> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'live' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom<unknown>(undefined, new Error('stop'), 'a string reason'),
        fc.constantFrom('before' as const, 'running' as const),
      )
      .map(([reason, when]) => ({ kind: 'aborted' as const, reason, when })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<unknown>('stop', true, {}, { aborted: true }, null)
      .map((value) => ({ kind: 'wrong' as const, value })),
  },
);

/**
 * Calls of `op`: valid (about 2 in 5) or with one field broken, with the signal the async
 * form adds. `outLength(args)` gives the documented output length of a valid call (for the
 * overlapping-`out` corruption).
 */
export function fuzzCalls(
  op: OperatorName,
  outLength: (op: OperatorName, args: unknown[]) => number | null,
): Arbitrary<FuzzCall> {
  return fc
    .tuple(validArgs(op), signals, fc.integer({ min: 0, max: 4 }))
    .chain(([args, signal, dice]): Arbitrary<FuzzCall> =>
      dice < 2
        ? fc.constant<FuzzCall>({ op, args, signal, corruption: null })
        : corruptionsOf(op, args, outLength(op, args)).map(({ args: broken, corruption }) => ({
            op,
            args: broken,
            signal,
            corruption,
          })),
    );
}
