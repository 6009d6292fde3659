// Many small-to-medium calls of the public operators, for the load and lifetime tests
// (test/native/load.test.ts, memory.test.ts, abort-load.test.ts, lifetime.test.ts): call i is
// a deterministic function of (seed, i), so it can be made twice, once to compute the
// expected result with the Sync form and once to run the async form under test.
import * as roi from '../../lib/index.js';
import { prng, randomBoxes, randomData, randomRotatedBoxes, type Shape } from './gradient-cases.js';

/** What every forward operator returns (roiPool with returnArgmax adds its argmax). */
export interface Result {
  data: Float32Array;
  shape: number[];
  argmax?: Int32Array;
}

/** One call: the operator's name, its arguments, and its options (always the last argument). */
export interface MixedCall {
  op: string;
  args: unknown[];
  options: Record<string, unknown>;
}

type AnyOperator = (...args: unknown[]) => unknown;
const api = roi as unknown as Record<string, AnyOperator>;

/** Runs the call's Sync form. */
export function runSync(call: MixedCall): Result {
  return (api[`${call.op}Sync`] as AnyOperator)(...call.args, call.options) as Result;
}

/** Runs the call's async form with `extra` options (signal, out) added. */
export function runAsync(call: MixedCall, extra: Record<string, unknown> = {}): Promise<Result> {
  return (api[call.op] as AnyOperator)(...call.args, { ...call.options, ...extra }) as Promise<Result>;
}

const shape = (batch: number, channels: number, height: number, width: number): Shape => ({
  batch,
  channels,
  height,
  width,
});
const nchw = (s: Shape) => [s.batch, s.channels, s.height, s.width];
const nhwc = (s: Shape) => [s.batch, s.height, s.width, s.channels];

/** The feature maps the calls share (made once per seed: 10,000 calls need not 10,000 maps). */
function sharedMaps(seed: number) {
  const random = prng(seed);
  const plain = shape(2, 16, 20, 24);
  const positionSensitive = shape(2, 36, 16, 16); // 36 channels: outputSize 2 (4 bins) or 3 (9 bins)
  const levels = [shape(2, 8, 32, 32), shape(2, 8, 16, 16), shape(2, 8, 8, 8)];
  return {
    plain,
    positionSensitive,
    nchw: { data: randomData(random, plain), shape: nchw(plain) },
    nhwc: { data: randomData(random, plain), shape: nhwc(plain) },
    ps: { data: randomData(random, positionSensitive), shape: nchw(positionSensitive) },
    levels: levels.map((s) => ({ data: randomData(random, s), shape: nchw(s) })),
  };
}
type Maps = ReturnType<typeof sharedMaps>;

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const boxesOf = (data: Float32Array, columns: number) => ({ data, shape: [data.length / columns, columns] });

/**
 * How each operator's call is made from a random source, a box count and the shared maps.
 * roiAlign and roiPool (with argmax) come up most often: they are what most users call.
 */
const builders: Record<string, (random: () => number, count: number, maps: Maps) => MixedCall> = {
  roiAlign: (random, count, maps) => {
    const layout = pick(random, ['NCHW', 'NHWC'] as const);
    return {
      op: 'roiAlign',
      args: [layout === 'NCHW' ? maps.nchw : maps.nhwc, boxesOf(randomBoxes(random, count, maps.plain, 0.5), 5)],
      options: {
        outputSize: [1 + Math.floor(random() * 7), 1 + Math.floor(random() * 7)],
        spatialScale: 0.5,
        samplingRatio: pick(random, [-1, 1, 2]),
        aligned: random() < 0.5,
        mode: pick(random, ['avg', 'max', 'onnx-max'] as const),
        layout,
      },
    };
  },
  roiPool: (random, count, maps) => {
    const layout = pick(random, ['NCHW', 'NHWC'] as const);
    return {
      op: 'roiPool',
      args: [layout === 'NCHW' ? maps.nchw : maps.nhwc, boxesOf(randomBoxes(random, count, maps.plain, 0.5), 5)],
      options: {
        outputSize: 1 + Math.floor(random() * 7),
        spatialScale: 0.5,
        returnArgmax: true,
        bins: pick(random, ['overlap', 'split'] as const),
        layout,
      },
    };
  },
  psRoiAlign: (random, count, maps) => ({
    op: 'psRoiAlign',
    args: [maps.ps, boxesOf(randomBoxes(random, count, maps.positionSensitive, 1), 5)],
    options: { outputSize: pick(random, [2, 3]), samplingRatio: pick(random, [-1, 2]) },
  }),
  psRoiPool: (random, count, maps) => ({
    op: 'psRoiPool',
    args: [maps.ps, boxesOf(randomBoxes(random, count, maps.positionSensitive, 1), 5)],
    options: { outputSize: pick(random, [2, 3]) },
  }),
  roiAlignRotated: (random, count, maps) => ({
    op: 'roiAlignRotated',
    args: [maps.nchw, boxesOf(randomRotatedBoxes(random, count, maps.plain, 1), 6)],
    options: { outputSize: 1 + Math.floor(random() * 5), samplingRatio: 2, clockwise: random() < 0.5 },
  }),
  preciseRoiPool: (random, count, maps) => ({
    op: 'preciseRoiPool',
    args: [maps.nchw, boxesOf(randomBoxes(random, count, maps.plain, 0.5), 5)],
    options: { outputSize: 1 + Math.floor(random() * 5), spatialScale: 0.5 },
  }),
  cropAndResize: (random, count, maps) => {
    const boxes = new Float32Array(count * 4);
    for (let k = 0; k < count; k++) {
      const [y, x] = [random() * 0.8, random() * 0.8];
      boxes.set([y, x, y + random() * 0.5, x + random() * 0.5], k * 4);
    }
    const indices = Int32Array.from({ length: count }, (_, k) => k % 2);
    const cropSize = [1 + Math.floor(random() * 6), 1 + Math.floor(random() * 6)];
    return {
      op: 'cropAndResize',
      args: [maps.nhwc, boxesOf(boxes, 4), indices, cropSize],
      options: { method: pick(random, ['bilinear', 'nearest'] as const) },
    };
  },
  multiScaleRoiAlign: (random, count, maps) => ({
    op: 'multiScaleRoiAlign',
    args: [maps.levels, boxesOf(randomBoxes(random, count, shape(2, 8, 128, 128), 1), 5)],
    options: { outputSize: 1 + Math.floor(random() * 5), scales: [1 / 4, 1 / 8, 1 / 16], samplingRatio: 2 },
  }),
  spatialPyramidPool: (random, count, maps) => ({
    op: 'spatialPyramidPool',
    args: [maps.nchw],
    options: {
      levels: [1, 2],
      boxes: boxesOf(randomBoxes(random, count, maps.plain, 1), 5),
      mode: pick(random, ['max', 'avg'] as const),
    },
  }),
};

/** The operator of call i: roiAlign and roiPool four times each in every fifteen calls. */
const rotation = [
  'roiAlign',
  'roiPool',
  'roiAlign',
  'roiPool',
  'psRoiAlign',
  'roiAlign',
  'roiPool',
  'psRoiPool',
  'roiAlignRotated',
  'preciseRoiPool',
  'cropAndResize',
  'multiScaleRoiAlign',
  'roiAlign',
  'roiPool',
  'spatialPyramidPool',
];

/** A call made medium every this many calls: 128 boxes instead of 1 to 6 (prime, so every operator gets some). */
export const mediumEvery = 97;

/**
 * `count` calls from `seed`: mostly small (1 to 6 boxes, outputs of 1x1 to 7x7 bins over 8
 * to 36 channels), every `mediumEvery`-th medium (128 boxes). The same (seed, count) gives
 * equal calls over equal (not the same) buffers.
 */
export function mixedCalls(seed: number, count: number): MixedCall[] {
  const maps = sharedMaps(seed);
  return Array.from({ length: count }, (_, i) => {
    const random = prng(seed * 1_000_003 + i);
    const boxCount = i % mediumEvery === mediumEvery - 1 ? 128 : 1 + Math.floor(random() * 6);
    return (builders[rotation[i % rotation.length] as string] as (typeof builders)[string])(random, boxCount, maps);
  });
}

/** The operators `mixedCalls` uses. */
export const mixedOperators = Object.keys(builders);

/**
 * Whether two float or int32 arrays hold the same bits (NaN payloads and -0 included),
 * compared as bytes: vitest's toEqual takes seconds per million elements.
 */
export function sameBits(a: Float32Array | Int32Array, b: Float32Array | Int32Array): boolean {
  const bytes = (x: Float32Array | Int32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  return a.length === b.length && bytes(a).equals(bytes(b));
}

/** Whether two results are bit-identical in data, shape and argmax. */
export function sameResult(a: Result, b: Result): boolean {
  if (a.shape.join() !== b.shape.join() || !sameBits(a.data, b.data)) return false;
  if (a.argmax === undefined || b.argmax === undefined) return a.argmax === b.argmax;
  return sameBits(a.argmax, b.argmax);
}
