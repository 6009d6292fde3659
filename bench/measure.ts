// One roi-ops contender on one workload, in this process: warm up, then time repeated calls and
// print {medianMs, minMs, maxMs, runs, backend} as JSON. Spawned by bench/run.ts, which pins the thread
// count (ROI_OPS_NUM_THREADS) and the backend (ROI_OPS_FORCE_JS) through the environment.
// Usage: measure.ts <workload dir> <workload id> <sync|async> <quick|full>
import { info, roiAlign, roiAlignSync, roiPool, roiPoolSync, type RoiAlignOptions, type RoiPoolOptions } from '../lib/index.js';
import { timeBudgetMs, timeCalls } from './timing.js';
import { readWorkload } from './workload-files.js';

const [directory, id, form, mode] = process.argv.slice(2);
if (!directory || !id) throw new Error('usage: measure.ts <workload dir> <workload id> <sync|async> <quick|full>');
const workload = readWorkload(directory, id);
const input = { data: workload.input, shape: workload.inputShape };
const boxes = { data: workload.boxes, shape: workload.boxesShape };

const call = (): unknown => {
  if (workload.op === 'roiPool') {
    const options = workload.options as RoiPoolOptions;
    return form === 'async' ? roiPool(input, boxes, options) : roiPoolSync(input, boxes, options);
  }
  const options = workload.options as RoiAlignOptions;
  return form === 'async' ? roiAlign(input, boxes, options) : roiAlignSync(input, boxes, options);
};

// `backend` tells bench/run.ts what really ran: the loader falls back to JavaScript when the addon
// cannot load (for instance while it is being rebuilt).
process.stdout.write(JSON.stringify({ ...(await timeCalls(call, timeBudgetMs(mode))), backend: info() }));
