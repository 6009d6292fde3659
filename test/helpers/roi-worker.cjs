// A worker_thread for test/native/workers.test.ts: loads the built package (workerData.entry,
// dist/index.cjs by require or dist/index.js by import) and answers messages:
//   { calls, barrier }: waits until every worker sharing `barrier` has arrived, then runs
//     each call (op, args, options) async (all at once) and Sync, and posts both results;
//   { long, sync }: runs roiAlign on the long call, Sync when `sync` (after posting 'started'),
//     else four async calls (posting 'started' once all four are queued in the addon), and
//     posts 'done' if it ever finishes.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');

const load = workerData.entry.endsWith('.cjs')
  ? Promise.resolve(require(workerData.entry))
  : import(pathToFileURL(workerData.entry).href);

/** Blocks until `count` workers have called this on `barrier` (an Int32Array over a SharedArrayBuffer). */
function meet(barrier, count) {
  Atomics.add(barrier, 0, 1);
  Atomics.notify(barrier, 0);
  for (let seen = Atomics.load(barrier, 0); seen < count; seen = Atomics.load(barrier, 0))
    Atomics.wait(barrier, 0, seen);
}

load.then((roi) => {
  parentPort.on('message', async (message) => {
    if (message.calls) {
      meet(message.barrier, message.workers);
      const pending = message.calls.map(({ op, args, options }) => roi[op](...args, options));
      const sync = message.calls.map(({ op, args, options }) => roi[`${op}Sync`](...args, options));
      parentPort.postMessage({ async: await Promise.all(pending), sync, native: roi.info().native });
    } else if (message.long) {
      const { input, boxes, options } = message.long;
      if (message.sync) {
        parentPort.postMessage('started');
        roi.roiAlignSync(input, boxes, options);
      } else {
        // An async operator validates and hands its kernel to the addon before its first
        // await, so once map() returns every call is in the addon's hands.
        const pending = [1, 2, 3, 4].map(() => roi.roiAlign(input, boxes, options));
        parentPort.postMessage('started');
        await Promise.all(pending);
      }
      parentPort.postMessage('done');
    }
  });
  parentPort.postMessage('ready');
});
