// The one timing loop of every Node contender (bench/torchvision_bench.py has the same rule):
// one warm-up call, then timed calls until there are at least 3 and either 200 or the time budget
// (3 s per contender and workload, 1 s with --quick) is used up. Reports the median, min and max.
import { performance } from 'node:perf_hooks';

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

export const timeBudgetMs = (mode: string | undefined): number => (mode === 'quick' ? 1000 : 3000);

export async function timeCalls(call: () => unknown, budgetMs: number): Promise<Timing> {
  await call();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < 3 || (times.length < 200 && performance.now() - started < budgetMs)) {
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
