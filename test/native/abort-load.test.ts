// Load (docs/design.md "Robustness"): AbortSignals fired at random moments among many concurrent calls. An
// aborted call rejects with its signal's reason (docs/api.md "Bad input": an AbortError unless
// the signal carries another reason) unless it had already settled; every other call gives
// the bits of its Sync form in its own `out`, and nothing outside the calls' outputs is
// written.
import { describe, expect, it } from 'vitest';

import { prng } from '../helpers/gradient-cases.js';
import { mixedCalls, runAsync, runSync, sameResult, type MixedCall, type Result } from '../helpers/mixed-calls.js';

const callCount = 2_000;
const guard = 16; // floats between two outputs, which no call may write
const guardBits = 0x7fc0dead; // a NaN no operator produces

/** When a call's signal fires, relative to the call. */
const moments = [
  'before the call',
  'in a microtask',
  'on the next turn',
  'after a timeout',
  'after another call settles',
  'never',
] as const;
type Moment = (typeof moments)[number];

describe(`${callCount} concurrent calls, a random part of them aborted at random moments`, () => {
  it('reject the aborted ones with their reason and leave every other call exact', async () => {
    const expected = mixedCalls(3, callCount).map(runSync);
    const calls = mixedCalls(3, callCount);
    const random = prng(3);

    // Every output in one arena, guards between them.
    const offsets: number[] = [];
    let length = guard;
    for (const e of expected) {
      offsets.push(length);
      length += e.data.length + guard;
    }
    const arena = new Float32Array(length);
    const arenaBits = new Uint32Array(arena.buffer);
    arenaBits.fill(guardBits);

    const pending: Array<Promise<Result>> = [];
    const moment: Moment[] = [];
    const controllers: Array<AbortController | undefined> = [];
    const settled: boolean[] = [];
    const settledWhenAborted: Array<boolean | undefined> = [];
    calls.forEach((call, i) => {
      const m = random() < 0.5 ? 'never' : (moments[Math.floor(random() * (moments.length - 1))] as Moment);
      const controller = m === 'never' && random() < 0.5 ? undefined : new AbortController();
      settled[i] = false;
      const abort = () => {
        settledWhenAborted[i] = settled[i];
        controller?.abort();
      };
      if (m === 'before the call') abort();
      const out = arena.subarray(offsets[i], (offsets[i] as number) + (expected[i] as Result).data.length);
      const promise = runAsync(call, { out, signal: controller?.signal });
      const markSettled = () => {
        settled[i] = true;
      };
      promise.then(markSettled, markSettled);
      if (m === 'in a microtask') queueMicrotask(abort);
      if (m === 'on the next turn') setImmediate(abort);
      if (m === 'after a timeout') setTimeout(abort, Math.floor(random() * 15));
      if (m === 'after another call settles') {
        const other = pending[Math.floor(random() * Math.max(1, pending.length))] ?? promise;
        other.finally(() => setImmediate(abort)).catch(() => undefined);
      }
      pending.push(promise);
      moment.push(m);
      controllers.push(controller);
    });

    const outcomes = await Promise.allSettled(pending);
    const problems: string[] = [];
    let rejected = 0;
    outcomes.forEach((outcome, i) => {
      const name = `call ${i} (${calls[i]?.op}, aborted ${moment[i]})`;
      // Aborts run on a later turn or in a microtask queued right after the call started, so
      // "not settled when aborted" means the call was still running: it must reject.
      const mustReject = moment[i] !== 'never' && settledWhenAborted[i] === false;
      if (outcome.status === 'rejected') {
        rejected++;
        if (!mustReject) problems.push(`${name} rejected: ${String(outcome.reason)}`);
        else if (outcome.reason !== controllers[i]?.signal.reason)
          problems.push(`${name} rejected with ${String(outcome.reason)}`);
      } else {
        if (mustReject) problems.push(`${name} resolved although its signal fired before it settled`);
        if (!sameResult(outcome.value, expected[i] as Result)) problems.push(`${name} differs from its Sync form`);
        if (outcome.value.data.buffer !== arena.buffer) problems.push(`${name} did not write into its out`);
      }
    });
    expect(problems).toEqual([]);
    expect(rejected).toBeGreaterThanOrEqual(
      moment.filter((m) => m === 'before the call' || m === 'in a microtask').length,
    );
    expect(rejected).toBeLessThan(callCount);

    const written = offsets.flatMap((offset, i) => {
      const end = offset + (expected[i] as Result).data.length;
      return [...arenaBits.subarray(end, end + guard)].some((bits) => bits !== guardBits) ? [i] : [];
    });
    expect([...arenaBits.subarray(0, guard)].every((bits) => bits === guardBits)).toBe(true);
    expect(written).toEqual([]);
  });

  it('reject with an AbortError when the signal gives no reason of its own', async () => {
    const [call] = mixedCalls(4, 1) as [MixedCall];
    const controller = new AbortController();
    const pending = runAsync(call, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', message: 'This operation was aborted' });
  });
});
