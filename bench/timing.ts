// The one timing loop of every Node contender (bench/contenders/torchvision_bench.py has the
// same rule): a warm-up of at least one call and a tenth of the time budget, then timed calls
// until there are at least 3 and either kMaxCalls or the time budget (3 s per contender and
// workload, 1 s with --quick) is used up. Reports the median, min and max. With one warm-up
// call and at most 200 calls, a tiny workload (W5, ~20 µs a call) was timed in a 5 ms window,
// mostly before V8 had optimized the JavaScript around the kernels, and one burst of the VM's
// noise moved its median: 41.6 µs in a full run, against ~19 µs in a loop of 50,000 calls.
import { performance } from 'node:perf_hooks';

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

export const timeBudgetMs = (mode: string | undefined): number => (mode === 'quick' ? 1000 : 3000);

/** The most timed calls per contender and workload (bench/contenders/torchvision_bench.py: MAX_CALLS). */
export const kMaxCalls = 2000;

export async function timeCalls(call: () => unknown, budgetMs: number): Promise<Timing> {
  const warmUpStarted = performance.now();
  do await call();
  while (performance.now() - warmUpStarted < budgetMs / 10);
  const times: number[] = [];
  const started = performance.now();
  while (times.length < 3 || (times.length < kMaxCalls && performance.now() - started < budgetMs)) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    medianMs: times[Math.floor(times.length / 2)] as number,
    minMs: times[0] as number,
    maxMs: times[times.length - 1] as number,
    runs: times.length,
  };
}
