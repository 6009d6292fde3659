// Load (docs/design.md "Robustness"): 10,000 asynchronous calls of mixed operators and sizes, all started at
// once, each give exactly what their Sync form gives, and the event loop keeps turning while
// they run and settle.
import { performance } from 'node:perf_hooks';

import { describe, expect, it } from 'vitest';

import { info } from '../../lib/index.js';
import { mixedCalls, mixedOperators, runAsync, runSync, sameResult } from '../helpers/mixed-calls.js';

const callCount = 10_000;

// The longest the event loop may go without a turn once the calls are started. The kernels
// run on libuv threads; the JavaScript thread only settles promises, ~10 us a call here, so
// even all 10,000 settling in one turn is ~100 ms. The rest is for scheduling noise: this
// machine's two cores are shared with the other test processes (measured: 100-200 ms).
// Anything that made the JavaScript thread wait for the kernels (a lock shared with the
// compute threads, a settle that waits for a pool slot) would show as seconds.
const maxTurnGapMs = 500;

/** Watches the event loop from now on; the returned function stops and gives the longest gap between turns. */
function watchTurns(): () => { longestGapMs: number; turns: number } {
  let last = performance.now();
  let longestGapMs = 0;
  let turns = 0;
  let watching = true;
  const turn = () => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    turns++;
    if (watching) setImmediate(turn);
  };
  setImmediate(turn);
  return () => {
    watching = false;
    turn();
    return { longestGapMs, turns };
  };
}

describe(`${callCount} concurrent async calls`, () => {
  it('run on the native backend', () => {
    expect(info().native).toBe(true);
  });

  it('each give the bits of their Sync form, and leave the event loop turning', async () => {
    const expected = mixedCalls(1, callCount).map(runSync);
    const calls = mixedCalls(1, callCount); // equal calls over their own boxes and outputs
    expect(new Set(calls.map((c) => c.op))).toEqual(new Set(mixedOperators));

    const pending = calls.map((call) => runAsync(call));
    // Watched from here: starting 10,000 calls is this test's own synchronous work.
    const stopWatching = watchTurns();
    const results = await Promise.all(pending);
    const { longestGapMs, turns } = stopWatching();

    const wrong = results.flatMap((result, i) =>
      sameResult(result, expected[i] as typeof result) ? [] : [`${i} ${calls[i]?.op}`],
    );
    expect(wrong).toEqual([]);
    expect(turns).toBeGreaterThan(0);
    expect(longestGapMs).toBeLessThan(maxTurnGapMs);
  });
});
