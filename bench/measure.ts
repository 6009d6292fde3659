// One contender on one workload, in this process: warm up, then time repeated calls and
// print {medianMs, minMs, maxMs, runs} as JSON. Spawned by bench/run.ts.
import { performance } from 'node:perf_hooks';

import { roiAlign, roiAlignSync, roiPool, roiPoolSync } from '../lib/index.js';
import { workloads } from './workloads.js';

const [id, form, mode] = process.argv.slice(2);
const workload = workloads().find((w) => w.id === id);
if (!workload) throw new Error(`unknown workload ${id}`);

const call = (): unknown => {
  const { input, boxes, options } = workload;
  if (workload.op === 'roiPool') return form === 'async' ? roiPool(input, boxes, options) : roiPoolSync(input, boxes, options);
  return form === 'async' ? roiAlign(input, boxes, options as never) : roiAlignSync(input, boxes, options as never);
};

// Enough runs for a stable median, bounded in time: at least 3, at most 200 or ~3 s (1 s quick).
const budgetMs = mode === 'quick' ? 1000 : 3000;
await call();
const times: number[] = [];
const started = performance.now();
while (times.length < 3 || (times.length < 200 && performance.now() - started < budgetMs)) {
  const t0 = performance.now();
  await call();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)] as number;
process.stdout.write(JSON.stringify({ medianMs: median, minMs: times[0], maxMs: times[times.length - 1], runs: times.length }));
