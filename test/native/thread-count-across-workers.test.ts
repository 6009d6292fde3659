// The native pool is one per process, shared by the main thread and every worker; each Node
// environment that loads roi-ops supplies the default count (ROI_OPS_NUM_THREADS or the CPU
// count), which must not undo a count the process already chose (setNumThreads).
import { once } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { describe, expect, it } from 'vitest';

import { packageRoot } from '../../lib/package.js';
import { getNumThreads, roiAlignSync, setNumThreads } from '../../lib/index.js';

/** A worker that loads the built package, runs one call, and reports the count it sees. */
async function workerThreadCount(): Promise<number> {
  const entry = join(packageRoot(), 'dist', 'index.cjs');
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const roi = require(${JSON.stringify(entry)});
     roi.roiAlignSync({ data: new Float32Array(16), shape: [1, 1, 4, 4] },
       { data: new Float32Array([0, 0, 0, 3, 3]), shape: [1, 5] }, { outputSize: 2 });
     parentPort.postMessage(roi.getNumThreads());`,
    { eval: true, env: { ...process.env, ROI_OPS_NUM_THREADS: '' } },
  );
  const [count] = (await once(worker, 'message')) as [number];
  await worker.terminate();
  return count;
}

describe('the thread count across worker threads', () => {
  it('a worker loading roi-ops keeps the count the main thread set, and sees it', async () => {
    // Load the backend here first (its default applies), then choose a count different from it.
    roiAlignSync(
      { data: new Float32Array(16), shape: [1, 1, 4, 4] },
      { data: new Float32Array([0, 0, 0, 3, 3]), shape: [1, 5] },
      { outputSize: 2 },
    );
    const before = getNumThreads();
    const chosen = before === 3 ? 5 : 3;
    try {
      setNumThreads(chosen);
      expect(await workerThreadCount()).toBe(chosen);
      expect(getNumThreads()).toBe(chosen);
    } finally {
      setNumThreads(before);
    }
  });
});
