// Buffer lifetime (docs/design.md "Robustness"): the memory a call may be given. SharedArrayBuffer views (at an
// offset, growable or not) work as inputs and outputs, sync and async, with the bits an
// ArrayBuffer gives; a typed array whose ArrayBuffer was detached (transferred away) is
// refused with a TypeError naming the function and the argument, and an empty live array
// is not mistaken for one.
import { describe, expect, it } from 'vitest';

import * as roi from '../../lib/index.js';
import { detach, sharedCopy } from '../helpers/buffers.js';
import {
  mixedCalls,
  mixedOperators,
  runAsync,
  runSync,
  sameResult,
  type MixedCall,
  type Result,
} from '../helpers/mixed-calls.js';
import { callBinding } from '../helpers/native-binding.js';

/** `value` with every typed array in it (arguments, tensors, lists, options) copied into a SharedArrayBuffer. */
function shared<T>(value: T, index = 0): T {
  if (value instanceof Float32Array || value instanceof Int32Array)
    return sharedCopy(value, 1 + (index % 3), index % 2 === 1) as T;
  if (Array.isArray(value)) return value.map((v, i) => shared(v, index + i)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shared(v, index)])) as T;
  }
  return value;
}

/** The typed arrays in `value`. */
function typedArrays(value: unknown): ArrayBufferView[] {
  if (ArrayBuffer.isView(value)) return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(typedArrays);
}

describe('SharedArrayBuffer inputs and outputs', () => {
  const calls = mixedCalls(6, 45);
  const expected = calls.map(runSync);

  it.each(mixedOperators)('%s: Sync and async give the bits of ArrayBuffer inputs', async (op) => {
    const mine = calls.map((call, i) => [call, i] as const).filter(([call]) => call.op === op);
    expect(mine.length).toBeGreaterThan(0);
    for (const [call, i] of mine) {
      const onShared: MixedCall = { ...call, args: shared(call.args, i) };
      expect(typedArrays(onShared.args).every((a) => a.buffer instanceof SharedArrayBuffer)).toBe(true);
      const out = sharedCopy(new Float32Array((expected[i] as Result).data.length).fill(NaN), 2);
      expect(sameResult(runSync(onShared), expected[i] as Result), `call ${i} Sync`).toBe(true);
      const result = await runAsync(onShared, { out });
      expect(sameResult(result, expected[i] as Result), `call ${i} async`).toBe(true);
      expect(result.data).toBe(out);
    }
  });
});

const detachedMessage = (fn: string, argument: string, type = 'a Float32Array') =>
  new TypeError(
    `${fn}: expected ${type} for ${argument} but received one whose ArrayBuffer is detached (transferred away, e.g. by postMessage or structuredClone)`,
  );

const map = () => ({ data: new Float32Array(2 * 4 * 8 * 8).fill(1), shape: [2, 4, 8, 8] });
const boxes = () => ({ data: new Float32Array([0, 0, 0, 4, 4, 1, 1, 1, 6, 6]), shape: [2, 5] });
const detached = <T extends ArrayBufferView>(view: T): T => (detach(view), view);

/** A call with one detached typed array, by the name of that argument. */
const detachedCalls: Array<[argument: string, fn: string, call: () => unknown[], type?: string]> = [
  ['input.data', 'roiAlign', () => [{ ...map(), data: detached(map().data) }, boxes(), { outputSize: 2 }]],
  ['boxes.data', 'roiAlign', () => [map(), { ...boxes(), data: detached(boxes().data) }, { outputSize: 2 }]],
  [
    'boxes[1].data',
    'roiPool',
    () => [
      map(),
      [
        { data: new Float32Array(4), shape: [1, 4] },
        { data: detached(new Float32Array(4)), shape: [1, 4] },
      ],
      { outputSize: 2 },
    ],
  ],
  ['options.out', 'roiAlign', () => [map(), boxes(), { outputSize: 2, out: detached(new Float32Array(32)) }]],
  [
    'options.argmaxOut',
    'roiPool',
    () => [map(), boxes(), { outputSize: 2, returnArgmax: true, argmaxOut: detached(new Int32Array(32)) }],
    'an Int32Array',
  ],
  [
    'features[1].data',
    'multiScaleRoiAlign',
    () => [
      [map(), { data: detached(new Float32Array(128)), shape: [2, 4, 4, 4] }],
      boxes(),
      { outputSize: 2, scales: [1, 0.5] },
    ],
  ],
  [
    'boxIndices',
    'cropAndResize',
    () => [
      map(),
      { data: new Float32Array(8), shape: [2, 4] },
      detached(new Int32Array(2)),
      [2, 2],
      { layout: 'NCHW' },
    ],
    'an Int32Array',
  ],
  ['options.boxes.data', 'spatialPyramidPool', () => [map(), { boxes: { ...boxes(), data: detached(boxes().data) } }]],
  [
    'gradOutput.data',
    'roiAlignBackward',
    () => [
      { data: detached(new Float32Array(32)), shape: [2, 4, 2, 2] },
      boxes(),
      { inputShape: [2, 4, 8, 8], outputSize: 2 },
    ],
  ],
  [
    'argmax',
    'roiPoolBackward',
    () => [
      { data: new Float32Array(32), shape: [2, 4, 2, 2] },
      detached(new Int32Array(32)),
      boxes(),
      { inputShape: [2, 4, 8, 8], outputSize: 2 },
    ],
    'an Int32Array',
  ],
];

describe('a detached typed array', () => {
  const api = roi as unknown as Record<string, (...args: unknown[]) => unknown>;

  it.each(detachedCalls)('as %s is refused by %s and its Sync twin', async (argument, fn, call, type) => {
    expect(() => api[`${fn}Sync`]?.(...call())).toThrow(detachedMessage(`${fn}Sync`, argument, type));
    await expect(Promise.resolve().then(() => api[fn]?.(...call()))).rejects.toThrow(
      detachedMessage(fn, argument, type),
    );
  });

  it('is told apart from an empty live array, at an offset or not', () => {
    const live = new Float32Array(new ArrayBuffer(16), 8, 0);
    expect(roi.roiAlignSync(map(), { data: live, shape: [0, 5] }, { outputSize: 2 }).shape).toEqual([0, 4, 2, 2]);
    expect(roi.roiAlignSync(map(), { data: new Float32Array(0), shape: [0, 5] }, { outputSize: 2 }).shape).toEqual([
      0, 4, 2, 2,
    ]);
    expect(() =>
      roi.roiAlignSync(map(), { data: detached(new Float32Array(0)), shape: [0, 5] }, { outputSize: 2 }),
    ).toThrow(detachedMessage('roiAlignSync', 'boxes.data'));
  });

  it('is never read by the raw binding either: its length is 0, so the shape check refuses it', () => {
    // (input, inputType, N, C, H, W, layout, rois, K, out, outputType, PH, PW, scale, ratio, aligned, mode, budget, threads)
    const args = [
      map().data,
      0,
      2,
      4,
      8,
      8,
      0,
      boxes().data,
      2,
      new Float32Array(32),
      0,
      2,
      2,
      1,
      -1,
      false,
      0,
      2 ** 24,
      0,
    ];
    expect(() => callBinding('roiAlignSync', detached(map().data), ...args.slice(1))).toThrow(
      new RangeError('roiAlign: input data is shorter than its shape'),
    );
    expect(() =>
      callBinding('roiAlignSync', ...args.slice(0, 9), detached(new Float32Array(32)), ...args.slice(10)),
    ).toThrow(new RangeError('roiAlign: output buffer is shorter than [K,C,PH,PW]'));
  });
});
