// Picks the backend once per process (bufferutil's loader pattern): the native addon,
// else the JavaScript reference with one warning. ROI_OPS_FORCE_JS=1 forces JavaScript;
// ROI_OPS_REQUIRE_NATIVE=1 turns a missing native build into an error.
import { availableParallelism } from 'node:os';

import { createJsBackend } from './js.js';
import { createNativeBackend } from './native.js';
import type { Backend } from './types.js';

let selected: Backend | undefined;
let fallback: string | undefined;

function nativeLoadError(cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(
    [
      'roi-ops: the native addon could not be loaded.',
      `  platform=${process.platform} arch=${process.arch} node=${process.versions.node} node-api=${process.versions.napi}`,
      `  reason: ${reason}`,
      '  fixes: reinstall with a C++ toolchain present (npm rebuild roi-ops --build-from-source),',
      '         or unset ROI_OPS_REQUIRE_NATIVE to run on the JavaScript backend.',
    ].join('\n'),
    { cause },
  );
}

/** The thread count from ROI_OPS_NUM_THREADS, or os.availableParallelism(). */
function initialThreads(): number {
  const text = process.env.ROI_OPS_NUM_THREADS;
  if (text === undefined || text === '') return availableParallelism();
  const n = Number(text);
  if (Number.isInteger(n) && n >= 1 && n <= 65536) return n;
  process.emitWarning(`ignoring ROI_OPS_NUM_THREADS=${JSON.stringify(text)}: expected an integer in [1, 65536]`, {
    code: 'ROI_OPS_BAD_NUM_THREADS',
  });
  return availableParallelism();
}

function select(): Backend {
  if (process.env.ROI_OPS_FORCE_JS === '1') {
    fallback = 'ROI_OPS_FORCE_JS=1 selects the JavaScript backend';
    return createJsBackend();
  }
  try {
    return createNativeBackend();
  } catch (cause) {
    if (process.env.ROI_OPS_REQUIRE_NATIVE === '1') throw nativeLoadError(cause);
    fallback = cause instanceof Error ? cause.message : String(cause);
    process.emitWarning(
      `roi-ops: no native build loaded (${fallback.split('\n')[0]}); ` +
        'using the JavaScript backend, which is much slower. Set ROI_OPS_REQUIRE_NATIVE=1 to make this an error.',
      { code: 'ROI_OPS_NO_NATIVE' },
    );
    return createJsBackend();
  }
}

export function backend(): Backend {
  if (selected === undefined) {
    selected = select();
    selected.setNumThreads(initialThreads());
  }
  return selected;
}

/**
 * Why the JavaScript backend runs instead of the addon (ROI_OPS_FORCE_JS, or the addon's load
 * error, for `roi-ops info`); undefined when the addon runs.
 */
export function fallbackReason(): string | undefined {
  backend();
  return fallback;
}
