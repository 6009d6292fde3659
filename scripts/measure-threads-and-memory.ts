// The measurements quoted in docs/threads-and-sizing.md: how much native scratch memory
// calls keep (per calling thread and operator), what async calls do to the libuv pool that
// fs and dns share, and what a sync call does while async calls hold every compute slot.
// Each scenario runs in a fresh process (scratch memory is kept per thread for the process's
// life, so scenarios would otherwise see each other's).
//   npx tsx scripts/measure-threads-and-memory.ts          # every scenario, one table
//   npx tsx scripts/measure-threads-and-memory.ts <name>   # one scenario, one JSON line
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { workloads, type BenchTensor } from '../bench/workloads.js';
import {
  info,
  multiScaleRoiAlign,
  multiScaleRoiAlignSync,
  roiAlign,
  roiAlignSync,
  setNumThreads,
} from '../lib/index.js';

const all = workloads();
const w1 = all.find((w) => w.id === 'W1');
const w3 = all.find((w) => w.id === 'W3');
const w5 = all.find((w) => w.id === 'W5');
if (w1?.op !== 'roiAlign' || w3?.op !== 'multiScaleRoiAlign' || w5?.op !== 'roiAlign')
  throw new Error('bench/workloads.ts changed');

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const now = () => performance.now();

function toNhwc(t: BenchTensor): BenchTensor {
  const [n = 1, c = 1, h = 1, w = 1] = t.shape;
  const data = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let p = 0; p < h * w; p++) data[(b * h * w + p) * c + ch] = t.data[(b * c + ch) * h * w + p] as number;
  return { data, shape: [n, h, w, c] };
}

/** A faulted-in output buffer per concurrent call, so only native scratch shows in RSS. */
function outputs(count: number, elements: number): Float32Array[] {
  return Array.from({ length: count }, () => new Float32Array(elements).fill(1));
}

async function memory(layout: 'NCHW' | 'NHWC', concurrent: number, op: 'W1' | 'W3'): Promise<object> {
  setNumThreads(2);
  const levels = layout === 'NHWC' ? w3!.inputs.map(toNhwc) : w3!.inputs;
  const map = layout === 'NHWC' ? toNhwc(w1!.inputs[0]!) : w1!.inputs[0]!;
  const outs = outputs(concurrent, 1000 * 256 * 7 * 7);
  const before = process.memoryUsage().rss;
  const rounds: number[] = [];
  for (let round = 0; round < 2; round++) {
    if (op === 'W1') {
      if (concurrent === 1) roiAlignSync(map, w1!.boxes, { ...w1!.options, layout, out: outs[0] });
      else await Promise.all(outs.map((out) => roiAlign(map, w1!.boxes, { ...w1!.options, layout, out })));
    } else if (concurrent === 1) {
      multiScaleRoiAlignSync(levels, w3!.boxes, { ...w3!.options, layout, out: outs[0] });
    } else {
      await Promise.all(outs.map((out) => multiScaleRoiAlign(levels, w3!.boxes, { ...w3!.options, layout, out })));
    }
    rounds.push(mb(process.memoryUsage().rss - before));
  }
  const inputBytes = (op === 'W1' ? [map] : levels).reduce((sum, t) => sum + t.data.byteLength, 0);
  return { inputMB: mb(inputBytes), rssGrowthMB: rounds };
}

/** fs.readFile latency alone, then while `calls` async W1 calls hold the libuv threads. */
async function starvation(threads: number, calls: number): Promise<object> {
  setNumThreads(threads);
  const outs = outputs(calls, 1000 * 256 * 7 * 7);
  const file = fileURLToPath(import.meta.url);
  await readFile(file);
  let t = now();
  await readFile(file);
  const alone = now() - t;
  t = now();
  const done: number[] = [];
  const pending = outs.map((out) =>
    roiAlign(w1!.inputs[0]!, w1!.boxes, { ...w1!.options, out }).then(() => done.push(now() - t)),
  );
  await new Promise((resolve) => setImmediate(resolve)); // the calls are queued on libuv first
  const t2 = now();
  await readFile(file);
  const behind = now() - t2;
  await Promise.all(pending);
  return {
    readFileAloneMs: +alone.toFixed(2),
    readFileBehindCallsMs: +behind.toFixed(1),
    callsDoneMs: done.map((d) => +d.toFixed(1)),
  };
}

/** A tiny sync call alone, then while one async W1 call holds the only compute slot. */
async function syncWaits(): Promise<object> {
  setNumThreads(1);
  const out = outputs(1, 1000 * 256 * 7 * 7)[0];
  const tiny = () => roiAlignSync(w5!.inputs[0]!, w5!.boxes, w5!.options);
  for (let i = 0; i < 20; i++) tiny();
  let t = now();
  tiny();
  const alone = now() - t;
  const pending = roiAlign(w1!.inputs[0]!, w1!.boxes, { ...w1!.options, out });
  await new Promise((resolve) => setTimeout(resolve, 2)); // the async call has started
  t = now();
  tiny();
  const blocked = now() - t;
  await pending;
  return { tinySyncAloneMs: +alone.toFixed(3), tinySyncWhileAsyncRunsMs: +blocked.toFixed(1) };
}

const scenarios: Record<string, () => Promise<object>> = {
  'W1 NCHW, 1 sync call': () => memory('NCHW', 1, 'W1'),
  'W1 NCHW, 4 concurrent async calls': () => memory('NCHW', 4, 'W1'),
  'W3 FPN NCHW, 1 sync call': () => memory('NCHW', 1, 'W3'),
  'W3 FPN NCHW, 4 concurrent async calls': () => memory('NCHW', 4, 'W3'),
  'W3 FPN NHWC, 1 sync call': () => memory('NHWC', 1, 'W3'),
  'W3 FPN NHWC, 4 concurrent async calls': () => memory('NHWC', 4, 'W3'),
  'fs.readFile behind 4 async W1 calls, 1 compute thread': () => starvation(1, 4),
  'fs.readFile behind 4 async W1 calls, 2 compute threads': () => starvation(2, 4),
  'tiny sync call while an async W1 call holds the only slot': () => syncWaits(),
};

const name = process.argv[2];
if (name !== undefined) {
  const scenario = scenarios[name];
  if (scenario === undefined) throw new Error(`unknown scenario ${name}; one of: ${Object.keys(scenarios).join(', ')}`);
  console.log(JSON.stringify(await scenario()));
} else {
  const { simd, version } = info();
  console.log(
    `roi-ops ${version}, ${simd}, node ${process.versions.node}, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 'unset (4)'}`,
  );
  for (const scenario of Object.keys(scenarios)) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), scenario], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`${scenario}: ${child.stderr}`);
    console.log(`${scenario.padEnd(60)} ${child.stdout.trim()}`);
  }
}
