// How a roi-ops contender calls the workload's operator: one table, operator -> its Sync and async
// functions with the arguments they take (one feature map, or for multiScaleRoiAlign the whole
// pyramid). Used by bench/measure.ts (timing) and bench/roi-ops-output.ts (the agreement yardstick).
// The built package (dist/, what users load, imported by the package's own name so that the
// bench built into dist/bench/ loads the same file), not the TypeScript sources through tsx,
// whose on-the-fly transform adds per-call overhead of its own (name-keeping wrappers, getters).
import {
  multiScaleRoiAlign,
  multiScaleRoiAlignSync,
  psRoiAlign,
  psRoiAlignSync,
  psRoiPool,
  psRoiPoolSync,
  roiAlign,
  roiAlignRotated,
  roiAlignRotatedSync,
  roiAlignSync,
  roiPool,
  roiPoolSync,
} from 'roi-ops';
import type { Layout, RoiPoolResult } from '../lib/index.js';
import { onlyInput } from './workload-files.js';
import type { Op, OptionsOf, Workload } from './workloads.js';

/** What a call may add to the workload's options: the layout, and an output (and argmax) to write into. */
export interface CallExtras {
  layout: Layout;
  out?: Float32Array;
  argmaxOut?: Int32Array;
}

type Call<O extends Op, R> = (workload: Workload & { op: O }, options: OptionsOf[O]) => R;

interface OperatorCalls<O extends Op> {
  sync: Call<O, RoiPoolResult>;
  async: Call<O, Promise<RoiPoolResult>>;
}

const calls: { [O in Op]: OperatorCalls<O> } = {
  roiAlign: {
    sync: (w, options) => roiAlignSync(onlyInput(w), w.boxes, options),
    async: (w, options) => roiAlign(onlyInput(w), w.boxes, options),
  },
  roiPool: {
    sync: (w, options) => roiPoolSync(onlyInput(w), w.boxes, options),
    async: (w, options) => roiPool(onlyInput(w), w.boxes, options),
  },
  psRoiAlign: {
    sync: (w, options) => psRoiAlignSync(onlyInput(w), w.boxes, options),
    async: (w, options) => psRoiAlign(onlyInput(w), w.boxes, options),
  },
  psRoiPool: {
    sync: (w, options) => psRoiPoolSync(onlyInput(w), w.boxes, options),
    async: (w, options) => psRoiPool(onlyInput(w), w.boxes, options),
  },
  roiAlignRotated: {
    sync: (w, options) => roiAlignRotatedSync(onlyInput(w), w.boxes, options),
    async: (w, options) => roiAlignRotated(onlyInput(w), w.boxes, options),
  },
  multiScaleRoiAlign: {
    sync: (w, options) => multiScaleRoiAlignSync(w.inputs, w.boxes, options),
    async: (w, options) => multiScaleRoiAlign(w.inputs, w.boxes, options),
  },
};

/**
 * The workload's operator in the given form, with the workload's options plus `extras`,
 * merged once: the timed calls reuse one options object, as a caller in a loop would. (Merging
 * per call measured ~0.9 µs per key added to a spread copy in Node 20, charged to W5's ~30 µs.)
 */
export function roiOpsCall<O extends Op>(
  workload: Workload & { op: O },
  form: 'sync' | 'async',
  extras: CallExtras,
): () => RoiPoolResult | Promise<RoiPoolResult> {
  const call: Call<O, RoiPoolResult | Promise<RoiPoolResult>> = calls[workload.op as O][form];
  const options = { ...workload.options, ...extras };
  return () => call(workload, options);
}
