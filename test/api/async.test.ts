// The async forms: equal to the sync ones, abortable, and correct under 1,000 concurrent calls.
import { describe, expect, it } from 'vitest';

import { roiAlign, roiAlignSync, roiPool, roiPoolSync } from '../../lib/index.js';

function randomMap(seed: number, shape: [number, number, number, number]) {
  let state = seed;
  const next = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return { data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, next), shape };
}

function boxesFor(count: number, seed: number, batch: number, size: number) {
  const data = new Float32Array(count * 5);
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let k = 0; k < count; k++) {
    const x1 = next() * size;
    const y1 = next() * size;
    data.set([Math.floor(next() * batch), x1, y1, x1 + next() * size, y1 + next() * size], k * 5);
  }
  return { data, shape: [count, 5] };
}

const input = randomMap(7, [2, 8, 24, 20]);

describe('async calls', () => {
  it('return exactly what the sync calls return', async () => {
    const boxes = boxesFor(40, 3, 2, 20);
    for (const mode of ['avg', 'max', 'onnx-max'] as const) {
      const options = { outputSize: [3, 4] as [number, number], mode, samplingRatio: -1, aligned: mode === 'max' };
      expect(await roiAlign(input, boxes, options)).toEqual(roiAlignSync(input, boxes, options));
    }
    expect(await roiPool(input, boxes, { outputSize: 3, returnArgmax: true })).toEqual(
      roiPoolSync(input, boxes, { outputSize: 3, returnArgmax: true }),
    );
  });

  it("reject with the signal's reason when it is already aborted, writing nothing", async () => {
    const out = new Float32Array(10 * 8 * 2 * 2).fill(-7);
    const boxes = boxesFor(10, 1, 2, 20);
    await expect(roiAlign(input, boxes, { outputSize: 2, out, signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    const reason = new Error('shutting down');
    await expect(roiPool(input, boxes, { outputSize: 2, out, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(out.every((v) => v === -7)).toBe(true);
  });

  it('reject with the reason when the signal fires before the call settles', async () => {
    const controller = new AbortController();
    const pending = roiAlign(input, boxesFor(50, 2, 2, 20), { outputSize: 7, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('resolve normally when a signal is given but never fires', async () => {
    const boxes = boxesFor(5, 9, 2, 20);
    const result = await roiAlign(input, boxes, { outputSize: 2, signal: new AbortController().signal });
    expect(result).toEqual(roiAlignSync(input, boxes, { outputSize: 2 }));
  });

  it('give 1,000 concurrent calls their own correct results', async () => {
    const calls = Array.from({ length: 1000 }, (_, i) => {
      const boxes = boxesFor(1 + (i % 7), i, 2, 20);
      const outputSize = 1 + (i % 4);
      return i % 2 === 0
        ? { promise: roiAlign(input, boxes, { outputSize }), expected: roiAlignSync(input, boxes, { outputSize }) }
        : { promise: roiPool(input, boxes, { outputSize }), expected: roiPoolSync(input, boxes, { outputSize }) };
    });
    const results = await Promise.all(calls.map((c) => c.promise));
    results.forEach((result, i) => expect(result).toEqual(calls[i]?.expected));
  });
});
