// Outputs of 8 MiB and more are advised to transparent huge pages before a kernel writes them
// (native/addon/output_pages.h). The advice must not change a single value: each large call
// here equals the same work done in pieces below that size, which take the plain path.
import { describe, expect, it } from 'vitest';

import { roiAlignBackwardSync, roiAlignSync, roiPoolSync, type Layout } from '../../lib/index.js';
import { asMap, prng, randomBoxes, randomData, type Shape } from '../helpers/gradient-cases.js';

const MiB = 1 << 20;
const shape: Shape = { batch: 1, channels: 64, height: 32, width: 32 };
const roiCount = 800; // 800 x 64 x 7 x 7 floats: 9.6 MiB
const piece = 100; // 1.2 MiB per piece
const random = prng(2026);
const data = randomData(random, shape);
const rois = randomBoxes(random, roiCount, shape, 1 / 8);

function tensorOf(layout: Layout) {
  const map = asMap(data, shape, layout);
  const dims = layout === 'NCHW' ? [1, 64, 32, 32] : [1, 32, 32, 64];
  return { data: map.data, dims };
}

/** Rows [first, first + count) of the RoI table as boxes. */
function boxesOf(first: number, count: number) {
  return { data: rois.subarray(first * 5, (first + count) * 5), shape: [count, 5] };
}

/**
 * The first element where a and b differ bit for bit (-1 if none): vitest's deep equality
 * takes seconds on arrays of millions of elements.
 */
function firstDifference(a: Float32Array | Int32Array, b: Float32Array | Int32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const x = new Int32Array(a.buffer, a.byteOffset, a.length);
  const y = new Int32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** `call` over all RoIs at once, and over pieces of `piece` RoIs concatenated. */
function wholeAndPieces<T extends Float32Array | Int32Array>(call: (first: number, count: number) => T) {
  const whole = call(0, roiCount);
  const parts: T[] = [];
  for (let first = 0; first < roiCount; first += piece) parts.push(call(first, piece));
  const joined = new (whole.constructor as new (n: number) => T)(whole.length);
  parts.forEach((part, i) => joined.set(part, i * part.length));
  return { whole, joined };
}

describe.each(['NCHW', 'NHWC'] as const)('outputs past the huge-page threshold (%s)', (layout) => {
  const input = tensorOf(layout);
  const align = { outputSize: 7, spatialScale: 1 / 8, samplingRatio: 2, aligned: true, layout };

  it('roiAlign: the whole output equals its pieces', () => {
    const { whole, joined } = wholeAndPieces((first, count) => roiAlignSync(input, boxesOf(first, count), align).data);
    expect(whole.byteLength).toBeGreaterThanOrEqual(8 * MiB);
    expect(firstDifference(whole, joined)).toBe(-1);
  });

  it('roiPool with argmax: values and argmax equal their pieces', () => {
    const options = { outputSize: 7, spatialScale: 1 / 8, returnArgmax: true, layout };
    const values = wholeAndPieces((first, count) => roiPoolSync(input, boxesOf(first, count), options).data);
    const argmax = wholeAndPieces(
      (first, count) => roiPoolSync(input, boxesOf(first, count), options).argmax as Int32Array,
    );
    expect(argmax.whole.byteLength).toBeGreaterThanOrEqual(8 * MiB);
    expect(firstDifference(values.whole, values.joined)).toBe(-1);
    expect(firstDifference(argmax.whole, argmax.joined)).toBe(-1);
  });

  it('roiAlignBackward: a 2-image gradient (13 MiB) holds the 1-image one (6.5 MiB) and zeros', () => {
    const big: Shape = { batch: 1, channels: 64, height: 160, width: 160 };
    const boxes = { data: randomBoxes(random, 50, big, 1 / 8), shape: [50, 5] }; // batch index 0 only
    const gradOutput = {
      data: randomData(random, { batch: 50, channels: 64, height: 7, width: 7 }),
      dims: [50, 64, 7, 7],
    };
    const dimsOf = (batch: number) => (layout === 'NCHW' ? [batch, 64, 160, 160] : [batch, 160, 160, 64]);
    const output =
      layout === 'NCHW'
        ? gradOutput
        : {
            data: asMap(gradOutput.data, { batch: 50, channels: 64, height: 7, width: 7 }, 'NHWC').data,
            dims: [50, 7, 7, 64],
          };
    const two = roiAlignBackwardSync(output, boxes, { ...align, inputShape: dimsOf(2) }).data;
    const one = roiAlignBackwardSync(output, boxes, { ...align, inputShape: dimsOf(1) }).data;
    expect(two.byteLength).toBeGreaterThanOrEqual(8 * MiB);
    expect(one.byteLength).toBeLessThan(8 * MiB);
    expect(firstDifference(two.subarray(0, one.length), one)).toBe(-1);
    expect(two.subarray(one.length).findIndex((v) => v !== 0)).toBe(-1);
  });
});
