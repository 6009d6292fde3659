// One roi-ops contender on one workload, in this process: warm up, then time repeated calls and
// print {medianMs, minMs, maxMs, runs, backend} as JSON. Spawned by bench/run.ts, which pins the thread
// count (ROI_OPS_NUM_THREADS) and the backend (ROI_OPS_FORCE_JS) through the environment.
// Usage: measure.ts <workload dir> <workload id> <sync|async> <quick|full> [plain|reused-out|nhwc]
// The built package (dist/, what users load), not the TypeScript sources through tsx, whose
// on-the-fly transform adds per-call overhead of its own (name-keeping wrappers, getters).
import { info, roiAlign, roiAlignSync, roiPool, roiPoolSync } from '../dist/index.js';
import type { RoiAlignOptions, RoiPoolOptions } from '../lib/index.js';
import { timeBudgetMs, timeCalls } from './timing.js';
import { readWorkload } from './workload-files.js';

const [directory, id, form, mode, variant = 'plain'] = process.argv.slice(2);
if (!directory || !id) throw new Error('usage: measure.ts <workload dir> <workload id> <sync|async> <quick|full> [plain|reused-out|nhwc]');
const workload = readWorkload(directory, id);
const boxes = { data: workload.boxes, shape: workload.boxesShape };

/** NCHW -> NHWC, done once before timing for the 'nhwc' variant. */
function channelsLast(data: Float32Array, [n, c, h, w]: number[]): { data: Float32Array; shape: number[] } {
  const out = new Float32Array(data.length);
  const [N = 0, C = 0, H = 0, W = 0] = [n, c, h, w];
  for (let b = 0; b < N; b++)
    for (let ch = 0; ch < C; ch++)
      for (let p = 0; p < H * W; p++) out[(b * H * W + p) * C + ch] = data[(b * C + ch) * H * W + p] as number;
  return { data: out, shape: [N, H, W, C] };
}

const input = variant === 'nhwc' ? channelsLast(workload.input, workload.inputShape) : { data: workload.input, shape: workload.inputShape };
const [K = 0] = workload.boxesShape;
const [, C = 0] = workload.inputShape;
const size = (workload.options as RoiAlignOptions).outputSize;
const [PH, PW] = typeof size === 'number' ? [size, size] : size;
const layout = variant === 'nhwc' ? ('NHWC' as const) : ('NCHW' as const);
const out = variant === 'reused-out' ? new Float32Array(K * C * PH * PW) : undefined;
const wantsArgmax = workload.op === 'roiPool' && (workload.options as RoiPoolOptions).returnArgmax === true;
const argmaxOut = out && wantsArgmax ? new Int32Array(out.length) : undefined;
const extra = { layout, ...(out ? { out } : {}), ...(argmaxOut ? { argmaxOut } : {}) };

const call = (): unknown => {
  if (workload.op === 'roiPool') {
    const options = { ...(workload.options as RoiPoolOptions), ...extra };
    return form === 'async' ? roiPool(input, boxes, options) : roiPoolSync(input, boxes, options);
  }
  const options = { ...(workload.options as RoiAlignOptions), ...extra };
  return form === 'async' ? roiAlign(input, boxes, options) : roiAlignSync(input, boxes, options);
};

// `backend` tells bench/run.ts what really ran: the loader falls back to JavaScript when the addon
// cannot load (for instance while it is being rebuilt).
process.stdout.write(JSON.stringify({ ...(await timeCalls(call, timeBudgetMs(mode))), backend: info() }));
