// The JavaScript backend: the reference kernels behind the Backend interface. It is the
// fallback when no native build loads (or ROI_OPS_FORCE_JS=1) and the "plain JavaScript"
// contender of the benchmarks. Its async calls run on the JavaScript thread.
import { availableParallelism } from 'node:os';

import { roiAlignReference } from '../reference/roi-align.js';
import { roiPoolReference } from '../reference/roi-pool.js';
import type { Backend } from './types.js';

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
    roiPoolSync: (job) => roiPoolReference(job),
    roiPoolAsync: (job, abortFlag) => deferred(() => roiPoolReference(job), abortFlag),
    roiAlignSync: (job) => roiAlignReference(job),
    roiAlignAsync: (job, abortFlag) => deferred(() => roiAlignReference(job), abortFlag),
    setNumThreads: (n) => {
      threads = n;
    },
    getNumThreads: () => threads,
  };
}
