// How every public operator runs, written once: `<name>Sync` validates its arguments into a
// job and runs it on the calling thread; `<name>` does the same off the JavaScript thread,
// abortable by `options.signal`. An operator module only says how to prepare its job.
import { backend } from '../backend/index.js';
import type { Jobs, Operator } from '../backend/types.js';
import { elementCount } from '../validate.js';

/** A validated call: the backend's job, and what the caller gets once it has run (its buffers are the job's). */
export interface PreparedCall<Op extends Operator, Result> {
  job: Jobs[Op];
  result: Result;
}

/** Validates a call of `fn` (the public name, for messages) into a job. */
export type Prepare<Op extends Operator, Result> = (fn: string, ...args: unknown[]) => PreparedCall<Op, Result>;

function named<F extends (...args: never[]) => unknown>(fn: F, name: string): F {
  return Object.defineProperty(fn, 'name', { value: name });
}

/**
 * Whether a call has nothing to write: its output (forward) or input gradient (backward) has
 * no elements. Such a call is not run: the kernels' loops over images, pixels or bins need
 * not be bounded by the (empty) data, e.g. a [2^40, 2, 3, 0] map has no elements but 2^40
 * images of 6 pixels for a layout change to visit.
 */
function writesNothing(result: { data: ArrayBufferView & { BYTES_PER_ELEMENT: number } }): boolean {
  return elementCount(result.data) === 0;
}

/** The Sync and async functions of operator `op`, whose options are argument `optionsAt` (0-based). */
export function operator<Op extends Operator, Result extends { data: Float32Array | Uint16Array }>(
  op: Op,
  optionsAt: number,
  prepare: Prepare<Op, Result>,
) {
  // `prepare` has validated the options (and their `signal`) by the time this reads them.
  const signalOf = (args: unknown[]) => (args[optionsAt] as { signal?: AbortSignal } | undefined)?.signal;
  const syncName = `${op}Sync`;
  return {
    sync: named((...args: unknown[]): Result => {
      const { job, result } = prepare(syncName, ...args);
      if (!writesNothing(result)) backend().runSync(op, job);
      return result;
    }, syncName),
    async: named(async (...args: unknown[]): Promise<Result> => {
      const { job, result } = prepare(op, ...args);
      const start = writesNothing(result)
        ? () => Promise.resolve()
        : (abortFlag: Int32Array) => backend().runAsync(op, job, abortFlag);
      await runAbortable(signalOf(args), start);
      return result;
    }, op),
  };
}

/**
 * Runs `start` with an abort flag wired to `signal`. An aborted call rejects with the
 * signal's reason (an AbortError by default), whether the kernel noticed the flag or had
 * already finished: once the signal fired, the caller gets the rejection.
 */
export async function runAbortable(
  signal: AbortSignal | undefined,
  start: (abortFlag: Int32Array) => Promise<void>,
): Promise<void> {
  signal?.throwIfAborted();
  const abortFlag = new Int32Array(1);
  const raise = () => Atomics.store(abortFlag, 0, 1);
  signal?.addEventListener('abort', raise, { once: true });
  try {
    await start(abortFlag);
  } catch (error) {
    if (signal?.aborted && (error as { code?: unknown }).code === 'ABORT_ERR') throw signal.reason;
    throw error;
  } finally {
    signal?.removeEventListener('abort', raise);
  }
  signal?.throwIfAborted();
}
