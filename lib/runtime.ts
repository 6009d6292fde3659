// info(), setNumThreads(), getNumThreads() (docs/api.md "Runtime").
import { backend, fallbackReason } from './backend/index.js';
import { packageVersion } from './package.js';
import type { RuntimeInfo } from './types.js';
import { read } from './validate.js';

/**
 * Which backend and instruction set run the kernels, with how many threads, and, on the
 * JavaScript backend, why the addon is not in use.
 */
export function info(): RuntimeInfo {
  const b = backend();
  const runtime: RuntimeInfo = {
    version: packageVersion(),
    native: b.native,
    simd: b.simd(),
    threads: b.getNumThreads(),
  };
  if (b.addon !== undefined) runtime.addon = { ...b.addon };
  const reason = fallbackReason();
  if (reason !== undefined) runtime.fallbackReason = reason;
  return runtime;
}

/** Sets the number of threads a call may use (default: os.availableParallelism()). */
export function setNumThreads(threads: number): void {
  backend().setNumThreads(read.integer(1, 65536)('setNumThreads', 'threads', threads));
}

export function getNumThreads(): number {
  return backend().getNumThreads();
}
