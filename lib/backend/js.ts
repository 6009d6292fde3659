// The JavaScript backend: the reference kernels behind the Backend interface. It is the
// fallback when no native build loads (or ROI_OPS_FORCE_JS=1) and the "plain JavaScript"
// contender of the benchmarks. Its async calls run on the JavaScript thread.
import { availableParallelism } from 'node:os';

import {
  preciseRoiPoolBackwardReference,
  psRoiAlignBackwardReference,
  psRoiPoolBackwardReference,
  roiAlignBackwardReference,
  roiAlignRotatedBackwardReference,
  roiPoolBackwardReference,
} from '../reference/backward.js';
import { cropAndResizeReference } from '../reference/crop-and-resize.js';
import { multiScaleRoiAlignReference } from '../reference/multi-scale.js';
import { preciseRoiPoolReference } from '../reference/precise-roi-pool.js';
import { psRoiAlignReference, psRoiPoolReference } from '../reference/ps-roi.js';
import { roiAlignRotatedReference } from '../reference/roi-align-rotated.js';
import { roiAlignReference } from '../reference/roi-align.js';
import { roiPoolReference } from '../reference/roi-pool.js';
import { spatialPyramidReference } from '../reference/spatial-pyramid.js';
import { isHalfMap, type FeatureMap, type ForwardCall, type HalfType, type InputMap } from '../model.js';
import { narrow, widen } from '../reference/half.js';
import type { Backend, Jobs, Operator } from './types.js';

/**
 * A forward job run on the float32 reference kernel: its 16-bit maps widened to float32
 * first (a copy of each, 4 bytes per element, for the call), its output computed in a
 * float32 array and rounded into the 16-bit one when outputDtype asks for it.
 */
function float32Kernel(kernel: (job: never) => void) {
  return (call: ForwardCall<object>): void => {
    const job: Record<string, unknown> = { ...call };
    for (const [key, value] of Object.entries(call)) {
      if (Array.isArray(value)) job[key] = value.map((item: unknown) => (isMap(item) ? widenMap(item) : item));
      else if (isMap(value)) job[key] = widenMap(value);
    }
    const out = call.outputDtype === 'float32' ? null : (job.out as Uint16Array);
    if (out !== null) job.out = new Float32Array(out.length);
    kernel(job as never);
    if (out !== null) narrow(job.out as Float32Array, call.outputDtype as HalfType, out);
  };
}

function isMap(value: unknown): value is InputMap {
  return typeof value === 'object' && value !== null && 'layout' in value && 'channels' in value;
}

function widenMap(map: InputMap): FeatureMap {
  if (!isHalfMap(map)) return map;
  const { bits, dtype, ...dims } = map;
  return { ...dims, data: widen(bits, dtype) };
}

const kernels: { [Op in Operator]: (job: Jobs[Op]) => void } = {
  roiPool: float32Kernel(roiPoolReference),
  roiAlign: float32Kernel(roiAlignReference),
  psRoiPool: float32Kernel(psRoiPoolReference),
  psRoiAlign: float32Kernel(psRoiAlignReference),
  roiAlignRotated: float32Kernel(roiAlignRotatedReference),
  multiScaleRoiAlign: float32Kernel(multiScaleRoiAlignReference),
  spatialPyramidPool: float32Kernel(spatialPyramidReference),
  cropAndResize: float32Kernel(cropAndResizeReference),
  preciseRoiPool: float32Kernel(preciseRoiPoolReference),
  roiPoolBackward: roiPoolBackwardReference,
  roiAlignBackward: roiAlignBackwardReference,
  psRoiPoolBackward: psRoiPoolBackwardReference,
  psRoiAlignBackward: psRoiAlignBackwardReference,
  roiAlignRotatedBackward: roiAlignRotatedBackwardReference,
  preciseRoiPoolBackward: preciseRoiPoolBackwardReference,
};

function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { code: 'ABORT_ERR' });
}

/** Runs `work` after yielding once to the event loop, unless the flag was raised meanwhile. */
function deferred(work: () => void, abortFlag: Int32Array): Promise<void> {
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      if (Atomics.load(abortFlag, 0) !== 0) return reject(abortError());
      try {
        work();
        resolve();
      } catch (error) {
        reject(error);
      }
    });
  });
}

export function createJsBackend(): Backend {
  let threads = availableParallelism();
  return {
    native: false,
    simd: () => 'js',
    runSync: (op, job) => kernels[op](job),
    runAsync: (op, job, abortFlag) => deferred(() => kernels[op](job), abortFlag),
    setNumThreads: (n) => {
      threads = n;
    },
    setInitialNumThreads: (n) => {
      threads = n;
    },
    getNumThreads: () => threads,
  };
}
