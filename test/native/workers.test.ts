// Workers (docs/design.md "Robustness"): the addon in worker_threads (docs/threads-and-sizing.md "worker_threads": its state is
// per environment). Four workers load the built package (dist/, made by tsup before the tests
// run) and compute at once, bit-identical to this thread; a worker terminated in the middle
// of a long async or Sync call does not take the process down (before the fix, the async case
// aborted it: a C++ exception escaped the settling of the promise in the dying environment),
// and the addon keeps working here and in new workers.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { afterEach, describe, expect, it } from 'vitest';

import { packageRoot } from '../../lib/package.js';
import { roiPoolSync } from '../../lib/index.js';
import { largeCall } from '../helpers/large-call.js';
import { mixedCalls, runSync, sameResult, type Result } from '../helpers/mixed-calls.js';

const root = packageRoot();
const entries = [join(root, 'dist', 'index.cjs'), join(root, 'dist', 'index.js')];
const workers: Worker[] = [];

/** A worker running test/helpers/roi-worker.cjs on the built entry point `entry`, once it has loaded roi-ops. */
async function startWorker(entry: string): Promise<Worker> {
  const worker = new Worker(join(root, 'test', 'helpers', 'roi-worker.cjs'), { workerData: { entry } });
  workers.push(worker);
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return worker;
}

/** The next message from `worker`. */
const nextMessage = <T>(worker: Worker) => new Promise<T>((resolve) => worker.once('message', resolve));

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
});

interface Answer {
  async: Result[];
  sync: Result[];
  native: boolean;
}

/** Runs `calls` on each of `count` workers at the same moment (a barrier), and gives their answers. */
async function computeOnWorkers(count: number, seed: number): Promise<{ answers: Answer[]; expected: Result[] }> {
  const calls = mixedCalls(seed, 150);
  const expected = calls.map(runSync);
  const started = await Promise.all(Array.from({ length: count }, (_, i) => startWorker(entries[i % 2] as string)));
  const barrier = new Int32Array(new SharedArrayBuffer(4));
  const answers = started.map((worker) => nextMessage<Answer>(worker));
  for (const worker of started) worker.postMessage({ calls, barrier, workers: count });
  return { answers: await Promise.all(answers), expected };
}

function expectAnswers(answers: Answer[], expected: Result[]): void {
  for (const [w, answer] of answers.entries()) {
    expect(answer.native, `worker ${w}`).toBe(true);
    for (const form of ['async', 'sync'] as const) {
      const wrong = answer[form].flatMap((result, i) => (sameResult(result, expected[i] as Result) ? [] : [i]));
      expect(wrong, `worker ${w}, ${form} results that differ from this thread's`).toEqual([]);
    }
  }
}

/** Starts a long roiAlign in a fresh worker, terminates the worker while it runs, and gives what happened. */
async function terminateDuring(sync: boolean) {
  const worker = await startWorker(entries[0] as string);
  const messages: string[] = [];
  worker.on('message', (m: string) => messages.push(m));
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  worker.postMessage({ long: largeCall(), sync });
  while (!messages.includes('started')) await new Promise((resolve) => setTimeout(resolve, 1));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const runningWhenTerminated = !messages.includes('done');
  const code = await worker.terminate();
  return { runningWhenTerminated, code, exitCode: await exited, messages };
}

describe('the addon in worker_threads', () => {
  it('computes in four workers at once (require and import), bit-identical to this thread', async () => {
    const { answers, expected } = await computeOnWorkers(4, 7);
    expect(answers).toHaveLength(4);
    expectAnswers(answers, expected);
  });

  it.each([
    ['an async', false],
    ['a Sync', true],
  ])('survives a worker terminated during %s call, and works afterwards here and in new workers', async (_, sync) => {
    const { runningWhenTerminated, code, exitCode, messages } = await terminateDuring(sync);
    expect(runningWhenTerminated, 'the call must still run when the worker is terminated').toBe(true);
    expect(code).toBe(1);
    expect(exitCode).toBe(1);
    // An async call's promise can no longer settle in the dying worker; a Sync call returns
    // first (termination takes effect when JavaScript runs again), so its 'done' may get out.
    if (!sync) expect(messages).not.toContain('done');

    const here = roiPoolSync(
      { data: new Float32Array(16).map((_v, i) => i), shape: [1, 1, 4, 4] },
      { data: new Float32Array([0, 0, 0, 3, 3]), shape: [1, 5] },
      { outputSize: 2 },
    );
    expect(Array.from(here.data)).toEqual([5, 7, 13, 15]);
    const { answers, expected } = await computeOnWorkers(2, 8);
    expectAnswers(answers, expected);
  });
});
