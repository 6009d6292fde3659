// Two builds of the addon against each other on the benchmark workloads (bench/workloads.ts), in
// one process: the built package (dist/index.cjs) is loaded twice, once with ROI_OPS_ADDON_PATH
// naming each build, and every timed call of A is paired with the call of B next to it (order
// alternating), so that a shared machine's drifting load falls on both sides of each pair.
// Sync calls, 1 thread, NCHW, into a reused output, timed in CPU time (see time()). Prints per
// workload each build's median per call, and the median and interquartile range of the paired
// ratios B/A. Measures, never asserts.
// For a change to the native kernels: build the base commit's addon and this one, then
//   npx tsup && npx tsx bench/addon-ab.ts --a=/path/to/base/roi_ops.node --b=build/Release/roi_ops.node [--only=W1,W5] [--budget=MS]
import { createRequire } from 'node:module';
import { join } from 'node:path';

import type * as RoiOps from '../lib/index.js';
import { workloads, type Workload } from './workloads.js';

const args = process.argv.slice(2);
const valueOf = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = (valueOf('only') ?? 'W1,W2,W3,W4,W4b,W5').split(',');
/** Milliseconds of timed pairs per workload. */
const budget = Number(valueOf('budget') ?? 3000);
const a = valueOf('a'),
  b = valueOf('b');
if (a === undefined || b === undefined) {
  console.error('usage: npx tsx bench/addon-ab.ts --a=BUILD.node --b=BUILD.node [--only=W1,W5] [--budget=MS]');
  process.exit(2);
}

const require = createRequire(import.meta.url);
const entry = join(import.meta.dirname, '..', 'dist', 'index.cjs');

/** A fresh instance of the built package, bound to the addon at `addon`. */
function load(addon: string): typeof RoiOps {
  for (const key of Object.keys(require.cache)) if (key.includes(`${join('dist', '')}`)) delete require.cache[key];
  process.env.ROI_OPS_ADDON_PATH = addon;
  const lib = require(entry) as typeof RoiOps;
  if (lib.info().addon === undefined) throw new Error(`no addon loaded from ${addon}`);
  return lib;
}

type SyncCall = () => unknown;

/** The workload's sync call on `lib`, 1 thread, into an output made by a first call (reused after). */
function callOf(lib: typeof RoiOps, w: Workload): SyncCall {
  const call = lib[`${w.op}Sync`] as unknown as (
    input: unknown,
    boxes: unknown,
    options: object,
  ) => { data: Float32Array };
  const input = w.op === 'multiScaleRoiAlign' ? w.inputs : w.inputs[0];
  const oneThreadNchw = { layout: 'NCHW', threads: 1 };
  const options: { out?: Float32Array | Uint16Array } = { ...w.options, ...oneThreadNchw };
  options.out = call(input, w.boxes, options).data;
  return () => call(input, w.boxes, options);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Milliseconds of this process's CPU time (user + system) per call over `reps` calls: on a shared
 * machine, unlike wall time, it leaves out the time the thread waits for a core (the calls run
 * on this thread alone: threads 1).
 */
function time(call: SyncCall, reps: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < reps; i++) call();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / reps;
}

const libA = load(a),
  libB = load(b);
const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} us` : `${ms.toFixed(2)} ms`);
console.log(
  `A ${a}\nB ${b}\nsync, 1 thread, NCHW, paired samples of CPU time per call; medians, and B/A median [quartiles]`,
);
for (const w of workloads().filter((x) => only.includes(x.id))) {
  const callA = callOf(libA, w),
    callB = callOf(libB, w);
  for (let i = 0; i < 3; i++) {
    // warm-up
    callA();
    callB();
  }
  // Enough calls per sample for ~5 ms of CPU time (the clock counts in microseconds or coarser).
  const reps = Math.max(1, Math.ceil(5 / time(callA, 3)));
  const timesA: number[] = [],
    timesB: number[] = [],
    ratios: number[] = [];
  const end = performance.now() + budget;
  for (let pair = 0; pair < 10 || (performance.now() < end && pair < 100000); pair++) {
    let ta: number, tb: number;
    if (pair % 2 === 0) {
      ta = time(callA, reps);
      tb = time(callB, reps);
    } else {
      tb = time(callB, reps);
      ta = time(callA, reps);
    }
    timesA.push(ta);
    timesB.push(tb);
    ratios.push(tb / ta);
  }
  console.log(
    `${w.id.padEnd(4)} A ${fmt(quantile(timesA, 0.5))}  B ${fmt(quantile(timesB, 0.5))}  ` +
      `B/A ${quantile(ratios, 0.5).toFixed(3)} [${quantile(ratios, 0.25).toFixed(3)}..${quantile(ratios, 0.75).toFixed(3)}]  (${ratios.length} pairs of ${reps})`,
  );
}
