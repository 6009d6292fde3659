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

type OneMapOperator<O extends Op, R> = (
  input: ReturnType<typeof onlyInput>,
  boxes: Workload['boxes'],
  options: OptionsOf[O],
) => R;

/** An operator called with the workload's one feature map, its boxes and the options. */
function onOneMap<O extends Op>(
  sync: OneMapOperator<O, RoiPoolResult>,
  async: OneMapOperator<O, Promise<RoiPoolResult>>,
): OperatorCalls<O> {
  return {
    sync: (w, options) => sync(onlyInput(w), w.boxes, options),
    async: (w, options) => async(onlyInput(w), w.boxes, options),
  };
}

const calls: { [O in Op]: OperatorCalls<O> } = {
  roiAlign: onOneMap(roiAlignSync, roiAlign),
  roiPool: onOneMap(roiPoolSync, roiPool),
  psRoiAlign: onOneMap(psRoiAlignSync, psRoiAlign),
  psRoiPool: onOneMap(psRoiPoolSync, psRoiPool),
  roiAlignRotated: onOneMap(roiAlignRotatedSync, roiAlignRotated),
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
