// Async calls whose buffers are transferred away at random moments while they run
// (structuredClone with a transfer list and the clone dropped, postMessage through a port
// that is then closed, postMessage to a worker_thread that then exits), with garbage
// collected meanwhile. Whichever binary runs (the Node-API build, which copies, or a per-ABI
// build, which holds V8's BackingStore: native/addon/call_memory.h), the process must not
// crash and no number may be wrong: each call resolves with the bits of its Sync twin or
// rejects with a TypeError that says an ArrayBuffer was detached.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MessageChannel, Worker } from 'node:worker_threads';

import { describe, expect, it } from 'vitest';

import { info, roiAlignSync } from '../../lib/index.js';
import { prng } from '../helpers/gradient-cases.js';
import { largeCall } from '../helpers/large-call.js';
import { mixedCalls, runAsync, runSync, sameResult, type MixedCall, type Result } from '../helpers/mixed-calls.js';

const gc = (globalThis as { gc?: () => void }).gc as () => void;

/** `value` with every typed array in it copied into a fresh ArrayBuffer of its own. */
function ownCopy<T>(value: T): T {
  if (value instanceof Float32Array || value instanceof Int32Array) return value.slice() as T;
  if (Array.isArray(value)) return value.map(ownCopy) as T;
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ownCopy(v)])) as T;
  return value;
}

/** The typed arrays in `value`, each once. */
function typedArrays(value: unknown): Array<Float32Array | Int32Array> {
  if (value instanceof Float32Array || value instanceof Int32Array) return [value];
  if (typeof value !== 'object' || value === null) return [];
  return [...new Set(Object.values(value).flatMap(typedArrays))];
}

/** A worker that takes one message and exits, taking the transferred memory with it. */
function transferToExitingWorker(buffer: ArrayBuffer): Promise<void> {
  const worker = new Worker(`require('node:worker_threads').parentPort.once('message', () => process.exit(0));`, {
    eval: true,
  });
  worker.postMessage(buffer, [buffer]);
  return new Promise((resolve) => worker.once('exit', () => resolve()));
}

type Transfer = 'structuredClone' | 'port' | 'worker';
const transfers: Transfer[] = ['structuredClone', 'port', 'worker'];

/** Moves `buffer`'s memory away from this thread, as `how` does. */
async function transferAway(buffer: ArrayBuffer, how: Transfer): Promise<void> {
  if (how === 'structuredClone') {
    structuredClone(buffer, { transfer: [buffer] });
  } else if (how === 'port') {
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(buffer, [buffer]);
    port1.close();
    port2.close();
  } else {
    await transferToExitingWorker(buffer);
  }
}

const detachedWhileRunning = /^\w+: an ArrayBuffer of this call was detached while the call was running/;

interface Outcome {
  call: number;
  transferred: string;
  result?: Result;
  error?: unknown;
}

/**
 * Runs call `index` asynchronously on copies of its arrays (and into a fresh `out`), and after
 * `turns` turns of the event loop transfers one of them away (an input, or `out`) by `how`.
 */
async function transferDuring(call: MixedCall, index: number, random: () => number): Promise<Outcome> {
  const args = ownCopy(call.args);
  const mine: MixedCall = { ...call, args };
  const expectedLength = (runSync(call).data as Float32Array).length;
  const out = new Float32Array(expectedLength);
  const victims = [...typedArrays(args), out];
  const victim = victims[Math.floor(random() * victims.length)] as Float32Array | Int32Array;
  const how = transfers[Math.floor(random() * transfers.length)] as Transfer;
  const turns = Math.floor(random() * 3);
  // The result is copied as soon as it arrives: a call that finished before the transfer
  // resolved exactly, and the transfer then empties `out`, as the caller asked.
  const running = runAsync(mine, { out }).then(
    (result) => ({ result: ownCopy(result) }),
    (error: unknown) => ({ error }),
  );
  for (let t = 0; t < turns; t++) await nextTurn();
  const what = victim === out ? 'out' : `an input (${victim.constructor.name}[${victim.length}])`;
  await transferAway(victim.buffer as ArrayBuffer, how);
  if (random() < 0.5) gc();
  return { call: index, transferred: `${what} by ${how} after ${turns} turns`, ...(await running) };
}

describe('buffers transferred away while async calls run', () => {
  it(`never crash and never give a wrong number (${info().addon?.build ?? 'no addon'})`, async () => {
    const random = prng(12);
    const calls = mixedCalls(1212, 120);
    const expected = calls.map(runSync);
    const outcomes: Outcome[] = [];
    for (let start = 0; start < calls.length; start += 12) {
      const batch = calls.slice(start, start + 12).map((call, i) => transferDuring(call, start + i, random));
      outcomes.push(...(await Promise.all(batch)));
      gc();
    }
    let resolved = 0;
    let rejected = 0;
    for (const outcome of outcomes) {
      const label = `call ${outcome.call} (${calls[outcome.call]?.op}), ${outcome.transferred}`;
      if (outcome.result !== undefined) {
        resolved++;
        expect(sameResult(outcome.result, expected[outcome.call] as Result), label).toBe(true);
      } else {
        rejected++;
        expect(outcome.error, label).toBeInstanceOf(TypeError);
        expect((outcome.error as Error).message, label).toMatch(detachedWhileRunning);
      }
    }
    // Every call had an array transferred while it ran: most must have noticed. A call that
    // finished before its transfer resolves, exactly (the outcomes above).
    expect(resolved + rejected).toBe(calls.length);
    expect(rejected).toBeGreaterThan(0);
  }, 120_000);

  // Calls long enough (~5-40 ms) that the transfer lands while the kernel runs, on buffers
  // large enough (3 MB input, up to 12 MB out) that the allocator gives their memory back to
  // the system when the new owner frees it: a kernel still using it would fault or read and
  // write someone else's memory (seen with an in-place Node-API build: a segfault).
  it(`never crash and never give a wrong number on long calls with large buffers (${info().addon?.build ?? 'no addon'})`, async () => {
    const random = prng(1212);
    let rejected = 0;
    for (let round = 0; round < 24; round++) {
      const roiCount = 200 + Math.floor(random() * 1000);
      const { input, boxes, options } = largeCall(roiCount);
      const expected = roiAlignSync(input, boxes, { ...options, threads: 1 });
      const out = new Float32Array(expected.data.length);
      const mine = { op: 'roiAlign', args: [ownCopy(input), boxes], options: { ...options, threads: 1 } };
      const running = runAsync(mine, { out }).then(
        (result) => ({ result: ownCopy(result) }),
        (error: unknown) => ({ error }),
      );
      const turns = Math.floor(random() * 3);
      for (let t = 0; t < turns; t++) await nextTurn();
      const victim = random() < 0.5 ? (mine.args[0] as { data: Float32Array }).data : out;
      const how = transfers[round % transfers.length] as Transfer;
      await transferAway(victim.buffer as ArrayBuffer, how);
      gc();
      new Float32Array(1 << 22).fill(round); // 16 MB, so freed memory gets reused
      const outcome: { result?: Result; error?: unknown } = await running;
      const label = `round ${round}: ${roiCount} RoIs, ${victim === out ? 'out' : 'input'} by ${how} after ${turns} turns`;
      if (outcome.result !== undefined) {
        expect(sameResult(outcome.result, expected), label).toBe(true);
      } else {
        rejected++;
        expect(outcome.error, label).toBeInstanceOf(TypeError);
        expect((outcome.error as Error).message, label).toMatch(detachedWhileRunning);
      }
    }
    expect(rejected).toBeGreaterThan(0);
  }, 120_000);
});
