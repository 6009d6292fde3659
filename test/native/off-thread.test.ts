// Native-only guarantees of the async forms (docs/api.md "Operators", "Sync and async": async is real):
// the work runs off the JavaScript thread, its buffers stay alive while it runs, and an
// AbortSignal stops it between RoIs.
import { describe, expect, it } from 'vitest';

import { info, roiAlign, roiAlignSync } from '../../lib/index.js';
import { largeCall } from '../helpers/large-call.js';
import { sameBits } from '../helpers/mixed-calls.js';

const gc = (globalThis as { gc?: () => void }).gc;

describe('native async calls', () => {
  it('run on the native backend', () => {
    expect(info().native).toBe(true);
  });

  it('leave the event loop turning while a large call works', async () => {
    const { input, boxes, options } = largeCall();
    let turns = 0;
    let done = false;
    const spin = () => {
      if (done) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    await roiAlign(input, boxes, options);
    done = true;
    // A blocking implementation would let the loop turn at most once or twice.
    expect(turns).toBeGreaterThan(20);
  });

  it('stop between RoIs when aborted, leaving later RoIs unwritten', async () => {
    const { input, boxes, options } = largeCall();
    const out = new Float32Array(3000 * 256 * 49).fill(NaN);
    const controller = new AbortController();
    const pending = roiAlign(input, boxes, { ...options, out, signal: controller.signal });
    setImmediate(() => controller.abort());
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(Number.isNaN(out[out.length - 1])).toBe(true);
  });

  it('keep their buffers alive when the caller drops every reference and GC runs', async () => {
    expect(gc).toBeTypeOf('function');
    const expected = [200, 201, 202, 203].map((count) => {
      const { input, boxes, options } = largeCall(count);
      return roiAlignSync(input, boxes, options).data;
    });
    // Each call's input, boxes and output are reachable only from inside the call.
    const pending = [200, 201, 202, 203].map((count) => {
      const { input, boxes, options } = largeCall(count);
      return roiAlign(input, boxes, options);
    });
    for (let round = 0; round < 5; round++) {
      gc?.();
      new Float32Array(1 << 22).fill(round); // churn the heap meanwhile
    }
    const results = await Promise.all(pending);
    // Compared as bytes: toEqual takes seconds per million elements, and these are 2.5 million each.
    results.forEach((result, i) => expect(sameBits(result.data, expected[i] as Float32Array), `call ${i}`).toBe(true));
  });
});
