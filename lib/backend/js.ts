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
import type { Backend, Jobs, Operator } from './types.js';

const kernels: { [Op in Operator]: (job: Jobs[Op]) => void } = {
  roiPool: roiPoolReference,
  roiAlign: roiAlignReference,
  psRoiPool: psRoiPoolReference,
  psRoiAlign: psRoiAlignReference,
  roiAlignRotated: roiAlignRotatedReference,
  multiScaleRoiAlign: multiScaleRoiAlignReference,
  spatialPyramidPool: spatialPyramidReference,
  cropAndResize: cropAndResizeReference,
  preciseRoiPool: preciseRoiPoolReference,
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
