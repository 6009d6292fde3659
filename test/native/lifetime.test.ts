// Buffer lifetime (docs/design.md "Robustness"): what an async call's buffers survive while it runs. Garbage
// collection cannot free them, even when only the addon still refers to them; a transfer
// (detach) of their ArrayBuffer cannot free their memory under the kernel, and the call
// then rejects; a resizable ArrayBuffer, which could shrink under the kernel, is refused.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MessageChannel } from 'node:worker_threads';

import { describe, expect, it } from 'vitest';

import { roiAlign, roiAlignSync } from '../../lib/index.js';
import { detach, resizableCopy } from '../helpers/buffers.js';
import { largeCall } from '../helpers/large-call.js';
import { mixedCalls, runAsync, runSync, sameBits, sameResult, type Result } from '../helpers/mixed-calls.js';
import { callBinding, callBindingAsync } from '../helpers/native-binding.js';

const gc = (globalThis as { gc?: () => void }).gc as () => void;

/** Collects garbage a few times, allocating meanwhile, and lets finalizers run. */
async function churn(rounds = 4): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    gc();
    new Float32Array(1 << 22).fill(round); // 16 MB, so freed memory gets reused
    await nextTurn();
  }
}

/** The raw binding's roiAlign arguments before `out` (docs/api.md shapes: largeCall's map and boxes). */
function rawRoiAlignInputs(roiCount: number) {
  const { input, boxes } = largeCall(roiCount);
  const [N, C, H, W] = input.shape as [number, number, number, number];
  return { input: input.data, rois: boxes.data, args: [input.data, 0, N, C, H, W, 0, boxes.data, roiCount] };
}
// After `out`: outputType float32, PH, PW, scale, ratio, aligned, avg, budget, threads.
const rawRoiAlignOptions = [0, 7, 7, 1 / 8, 2, false, 0, 2 ** 24, 0];

describe('garbage collection while async calls are pending', () => {
  it('frees no buffer the addon alone still refers to, and every one of them afterwards', async () => {
    expect(gc).toBeTypeOf('function');
    const counts = [200, 201, 202, 203];
    const expected = counts.map((count) => {
      const { args } = rawRoiAlignInputs(count);
      const out = new Float32Array(count * 256 * 49);
      callBinding('roiAlignSync', ...args, out, ...rawRoiAlignOptions);
      return out;
    });
    const finalized = new Set<number>();
    const registry = new FinalizationRegistry<number>((i) => finalized.add(i));
    const settled = new Set<number>();
    const outs = counts.map((count) => new Float32Array(count * 256 * 49));
    // Each call's input map (3 MB, so freeing it would unmap it) and boxes are made here and
    // referred to by nothing but the addon once this returns (the raw binding: the public
    // API's own frames would keep them too).
    const start = (i: number) => {
      const { input, rois, args } = rawRoiAlignInputs(counts[i] as number);
      registry.register(input, i);
      registry.register(rois, i + counts.length);
      return callBindingAsync('roiAlignAsync', ...args, outs[i], ...rawRoiAlignOptions, new Int32Array(1)).then(() => {
        if (finalized.has(i) || finalized.has(i + counts.length))
          throw new Error(`call ${i}'s inputs were finalized while it ran`);
        settled.add(i);
      });
    };
    const pending = counts.map((_, i) => start(i));
    // Settling takes a turn of the loop, so this first collection (and the reuse of what it
    // frees) happens while every call is queued or running; more follow while they finish.
    gc();
    new Float32Array(1 << 22).fill(-1);
    expect(settled.size).toBe(0);
    await churn();
    await Promise.all(pending);
    outs.forEach((out, i) => expect(sameBits(out, expected[i] as Float32Array), `call ${i}`).toBe(true));
    // Settled, the addon lets go: the inputs were collectable all along but for it.
    for (let round = 0; round < 10 && finalized.size < 2 * counts.length; round++) await churn(1);
    expect(finalized.size).toBe(2 * counts.length);
  });

  it('gives mixed public calls, made and dropped inside a function, their exact results', async () => {
    const expected = mixedCalls(5, 300).map(runSync);
    // Only the promises leave this function: maps, boxes and options go out of scope.
    const startAll = () => mixedCalls(5, 300).map((call) => runAsync(call));
    const pending = startAll();
    await churn();
    const results = await Promise.all(pending);
    results.forEach((result, i) => expect(sameResult(result, expected[i] as Result), `call ${i}`).toBe(true));
  });
});

describe('an ArrayBuffer detached while an async call uses it', () => {
  const detachedWhileRunning = /^roiAlign: an ArrayBuffer of this call was detached while the call was running/;

  /** Starts a large call, runs `detach` on its next turn (while it runs), and gives its outcome. */
  async function detachDuring(detach: (call: { input: Float32Array; out: Float32Array }) => void) {
    const { input, boxes, options } = largeCall();
    const out = new Float32Array(3000 * 256 * 49);
    let settled = false;
    const outcome = roiAlign(input, boxes, { ...options, out })
      .then(
        () => 'resolved',
        (error: Error) => error,
      )
      .finally(() => {
        settled = true;
      });
    await nextTurn();
    const settledBeforeDetach = settled;
    detach({ input: input.data, out });
    await churn(); // the new owner's copy is garbage: its memory must outlive it
    return { settledBeforeDetach, outcome: await outcome };
  }

  it('keeps the input memory alive under the kernel (transferred by structuredClone, the clone dropped)', async () => {
    const { settledBeforeDetach, outcome } = await detachDuring(({ input }) => detach(input));
    expect(settledBeforeDetach).toBe(false);
    expect(outcome).toBeInstanceOf(TypeError);
    expect((outcome as Error).message).toMatch(detachedWhileRunning);
  });

  it('keeps the output memory alive under the kernel (transferred through a MessagePort that is then closed)', async () => {
    const { settledBeforeDetach, outcome } = await detachDuring(({ out }) => {
      const { port1, port2 } = new MessageChannel();
      const buffer = out.buffer as ArrayBuffer;
      port1.postMessage(buffer, [buffer]);
      port1.close();
      port2.close();
    });
    expect(settledBeforeDetach).toBe(false);
    expect(outcome).toBeInstanceOf(TypeError);
    expect((outcome as Error).message).toMatch(detachedWhileRunning);
  });

  it('leaves calls on other buffers exact, before and after', async () => {
    const { input, boxes, options } = largeCall(50);
    const expected = roiAlignSync(input, boxes, options);
    const during = roiAlign(input, boxes, options);
    await detachDuring(({ input: other }) => detach(other));
    expect(sameResult(await during, expected)).toBe(true);
    expect(sameResult(await roiAlign(input, boxes, options), expected)).toBe(true);
  });
});

describe('a resizable ArrayBuffer', () => {
  /** largeCall's input copied into a resizable ArrayBuffer. */
  function resizableCall() {
    const call = largeCall(20);
    return { ...call, plain: call.input, input: { data: resizableCopy(call.input.data), shape: call.input.shape } };
  }

  it('is refused by async calls, which it could shrink under, naming the argument', async () => {
    const { input, boxes, options } = resizableCall();
    await expect(roiAlign(input, boxes, options)).rejects.toThrow(
      new TypeError(
        'roiAlign: expected a Float32Array for input.data but received one whose ArrayBuffer is resizable, ' +
          'so it could shrink while the async call runs; pass a fixed-length buffer or call roiAlignSync',
      ),
    );
    await expect(
      roiAlign({ data: new Float32Array(1), shape: [1, 1, 1, 1] }, boxes, { ...options, out: input.data }),
    ).rejects.toThrow(
      /^roiAlign: expected a Float32Array for options\.out but received one whose ArrayBuffer is resizable/,
    );
  });

  // Below the TypeScript layer, the two builds differ (native/addon/call_memory.h): a per-ABI
  // build runs on the caller's memory and must refuse; the Node-API build runs on copies, so
  // a buffer shrunk meanwhile cannot hurt the kernel, and the call then rejects as for a
  // detached buffer, writing nothing.
  const build = callBinding('addonBuild') as string;

  /** A per-ABI build: the raw async binding refuses the resizable buffer; Sync calls work. */
  function refusedByPerAbiBuild() {
    const { input, boxes, options, plain } = resizableCall();
    const [N, C, H, W] = input.shape as [number, number, number, number];
    const out = new Float32Array(20 * C * 49);
    expect(() =>
      callBindingAsync(
        'roiAlignAsync',
        input.data,
        0,
        N,
        C,
        H,
        W,
        0,
        boxes.data,
        20,
        out,
        ...rawRoiAlignOptions,
        new Int32Array(1),
      ),
    ).toThrow(
      new TypeError(
        'roiAlign: a typed array of this async call is a view of a resizable ArrayBuffer, which could shrink under the running kernel',
      ),
    );
    expect(sameResult(roiAlignSync(input, boxes, options), roiAlignSync(plain, boxes, options))).toBe(true);
  }

  /** The Node-API build: input and output are copies, so shrinking either mid-call rejects and writes nothing. */
  async function copiedByNodeApiBuild() {
    const { input, boxes, plain } = resizableCall();
    const [N, C, H, W] = input.shape as [number, number, number, number];
    const resized = /^roiAlign: an ArrayBuffer of this call was resized while the call was running/;
    const outcome = (running: Promise<void>) =>
      running.then(
        () => undefined,
        (error: Error) => error,
      );

    const out = new Float32Array(20 * C * 49).fill(Number.NaN);
    const inputShrunk = outcome(
      callBindingAsync(
        'roiAlignAsync',
        input.data,
        0,
        N,
        C,
        H,
        W,
        0,
        boxes.data,
        20,
        out,
        ...rawRoiAlignOptions,
        new Int32Array(1),
      ),
    );
    (input.data.buffer as unknown as { resize(n: number): void }).resize(0);
    await churn();
    expect((await inputShrunk)?.message).toMatch(resized);
    expect(out.every(Number.isNaN)).toBe(true);

    const resizableOut = resizableCopy(new Float32Array(20 * C * 49).fill(Number.NaN));
    const outShrunk = outcome(
      callBindingAsync(
        'roiAlignAsync',
        plain.data,
        0,
        N,
        C,
        H,
        W,
        0,
        boxes.data,
        20,
        resizableOut,
        ...rawRoiAlignOptions,
        new Int32Array(1),
      ),
    );
    (resizableOut.buffer as unknown as { resize(n: number): void }).resize(4 * 10);
    expect((await outShrunk)?.message).toMatch(resized);
    expect(resizableOut.every(Number.isNaN)).toBe(true);
  }

  it(`is refused by the raw async binding of a per-ABI build, copied by the Node-API build (this is ${build})`, async () => {
    expect(build).toMatch(/^(node-api|node-abi-\d+)$/);
    if (build === 'node-api') await copiedByNodeApiBuild();
    else refusedByPerAbiBuild();
  });
});
