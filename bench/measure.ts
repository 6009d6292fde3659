// One roi-ops contender on one workload, in this process: warm up, then time repeated calls of the
// workload's operator (bench/roi-ops-calls.ts) and print {medianMs, minMs, maxMs, runs, backend} as
// JSON. Spawned by bench/run.ts, which pins the thread count (ROI_OPS_NUM_THREADS) and the backend
// (ROI_OPS_FORCE_JS) through the environment. When the backend lacks the operator (a native addon
// built before it), the call throws and this process exits non-zero: run.ts records an error.
// Usage: measure.ts <workload dir> <workload id> <sync|async> <quick|full> [plain|reused-out|nhwc]
//   plain       a new output array per call
//   reused-out  every timed call writes into the output (and argmax) of one untimed call
//   nhwc        every input map (each level of a pyramid) transposed to NHWC once, untimed; NHWC output
import { info } from 'roi-ops';
import { type CallExtras, roiOpsCall } from './roi-ops-calls.js';
import { timeBudgetMs, timeCalls } from './timing.js';
import { readWorkload } from './workload-files.js';
import type { BenchTensor, Workload } from './workloads.js';

const [directory, id, form, mode, variant = 'plain'] = process.argv.slice(2);
if (!directory || !id || (form !== 'sync' && form !== 'async')) {
  throw new Error('usage: measure.ts <workload dir> <workload id> <sync|async> <quick|full> [plain|reused-out|nhwc]');
}

/** NCHW -> NHWC. */
function channelsLast({ data, shape }: BenchTensor): BenchTensor {
  const [N = 0, C = 0, H = 0, W = 0] = shape;
  const out = new Float32Array(data.length);
  for (let b = 0; b < N; b++)
    for (let ch = 0; ch < C; ch++)
      for (let p = 0; p < H * W; p++) out[(b * H * W + p) * C + ch] = data[(b * C + ch) * H * W + p] as number;
  return { data: out, shape: [N, H, W, C] };
}

const loaded = readWorkload(directory, id);
const workload: Workload = variant === 'nhwc' ? { ...loaded, inputs: loaded.inputs.map(channelsLast) } : loaded;
let extras: CallExtras = { layout: variant === 'nhwc' ? 'NHWC' : 'NCHW' };
if (variant === 'reused-out') {
  // The first call's arrays have the operator's output shape by construction (whatever its
  // channel rule): reused as `out` (and `argmaxOut` when the operator returns one).
  const first = await roiOpsCall(workload, form, extras)();
  extras = { ...extras, out: first.data, ...(first.argmax ? { argmaxOut: first.argmax } : {}) };
}
const call = roiOpsCall(workload, form, extras);

// `backend` tells bench/run.ts what really ran: the loader falls back to JavaScript when the addon
// cannot load (for instance while it is being rebuilt).
process.stdout.write(JSON.stringify({ ...(await timeCalls(call, timeBudgetMs(mode))), backend: info() }));
