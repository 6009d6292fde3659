// The two signals that stop a command (Ctrl-C's SIGINT, a scheduler's SIGTERM), the exit
// status each gives, and a program run in a child process that they stop too: what
// `roi-ops batch` and `roi-ops bench` share in handling them.
import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { exitStatus } from './command.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The exit status of a command stopped by `signal`, as the shell reports it (128 + the signal's number). */
export function stoppedStatus(signal: StopSignal): number {
  return signal === 'SIGINT' ? exitStatus.interrupted : exitStatus.terminated;
}

/** The signal that `status` (an exit status of `stoppedStatus`) stands for; undefined for any other status. */
export function stopSignalOf(status: number): StopSignal | undefined {
  return (['SIGINT', 'SIGTERM'] as const).find((signal) => stoppedStatus(signal) === status);
}

/** Calls `handler` on each SIGINT and SIGTERM of this process until the returned function is called. */
export function onStopSignals(handler: (signal: StopSignal) => void): () => void {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, () => handler(signal)] as const);
  for (const [signal, listener] of handlers) process.on(signal, listener);
  return () => handlers.forEach(([signal, listener]) => process.off(signal, listener));
}

/**
 * Resolves `ms` after `signal` aborts (never, if it does not). The timer starts only then,
 * so a run that is not stopped has no timer keeping it alive.
 */
export function afterAbort(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const wait = () => setTimeout(resolve, ms);
    if (signal.aborted) wait();
    else signal.addEventListener('abort', wait, { once: true });
  });
}

/**
 * Runs `file args` in a child process on this terminal and waits for its exit. A SIGINT or
 * SIGTERM sent to this process alone (a scheduler's, or `kill`) is passed on, so it stops
 * the child too.
 */
export async function runChild(
  file: string,
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const child = spawn(file, args, { stdio: 'inherit' });
  const release = onStopSignals((signal) => child.kill(signal));
  try {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    return { code, signal };
  } finally {
    release();
  }
}
