// Picks the backend once per process (bufferutil's loader pattern): the native addon,
// else the JavaScript reference with one warning (code ROI_OPS_NO_NATIVE). ROI_OPS_FORCE_JS=1
// forces JavaScript; ROI_OPS_REQUIRE_NATIVE=1 turns a missing native build into an error with
// the same code that lists what decides which binary fits and the fixes.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { packageRoot } from '../package.js';
import { createJsBackend } from './js.js';
import { createNativeBackend } from './native.js';
import { describeLibc, detectLibc } from './platform.js';
import type { Backend } from './types.js';

let selected: Backend | undefined;
let fallback: string | undefined;

/** The code of the warning (JavaScript backend in use) and of the error (ROI_OPS_REQUIRE_NATIVE=1). */
export const noNativeCode = 'ROI_OPS_NO_NATIVE';

/** The prebuilds this install carries, as 'linux-x64 (roi-ops.glibc.node)', or why none are listed. */
function shippedPrebuilds(): string {
  try {
    const dir = join(packageRoot(), 'prebuilds');
    const found = readdirSync(dir).flatMap((tuple) => {
      const files = readdirSync(join(dir, tuple)).filter((file) => file.endsWith('.node'));
      return files.length > 0 ? [`${tuple} (${files.join(', ')})`] : [];
    });
    return found.length > 0 ? found.join(', ') : `none in ${dir}`;
  } catch {
    return 'none (this install has no prebuilds directory)';
  }
}

/** The Node-API version the addon is built for (package.json binary.napi_versions). */
function requiredNodeApi(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'));
    return String(Math.min(...(manifest.binary.napi_versions as number[])));
  } catch {
    return 'unknown';
  }
}

/** The error of ROI_OPS_REQUIRE_NATIVE=1 when no binary loads: what decides which binary fits, why, and the fixes. */
function nativeLoadError(cause: unknown): Error {
  const reason = (cause instanceof Error ? cause.message : String(cause))
    .trim()
    .split('\n')
    .map((line) => line.trim());
  const error = new Error(
    [
      'roi-ops: the native addon could not be loaded, and ROI_OPS_REQUIRE_NATIVE=1 rules out the JavaScript backend.',
      `  platform:     ${process.platform}`,
      `  architecture: ${process.arch}`,
      `  libc:         ${describeLibc(detectLibc())}`,
      `  node:         ${process.versions.node}`,
      `  node-api:     ${process.versions.napi ?? 'none'} (the addon needs ${requiredNodeApi()} or newer)`,
      `  prebuilds:    ${shippedPrebuilds()}`,
      `  reason:       ${reason.join('\n                ')}`,
      '  fixes:',
      '    - build the addon from source: npm rebuild roi-ops --build-from-source, with a C++17 compiler,',
      '      make and Python 3 installed (Debian/Ubuntu: apt-get install g++ make python3; Alpine: apk add',
      '      build-base python3; macOS: xcode-select --install)',
      '    - or install roi-ops where a prebuild listed above fits (same platform, architecture and libc, a',
      '      glibc at least as new as the one it was built on), and keep its prebuilds/ directory: a bundler',
      '      must leave roi-ops external, a deployment must copy node_modules/roi-ops whole',
      '    - or unset ROI_OPS_REQUIRE_NATIVE to run on the JavaScript backend (the same results, much slower)',
    ].join('\n'),
    { cause },
  );
  return Object.assign(error, { code: noNativeCode });
}

// The warning is once per process: the ESM and CommonJS builds are separate module instances
// (each selects its own backend), and a process that loads both should still warn once.
const warnedKey = Symbol.for('roi-ops.noNativeWarning');

function warnNoNative(reason: string): void {
  const flags = process as unknown as Record<symbol, boolean | undefined>;
  if (flags[warnedKey]) return;
  flags[warnedKey] = true;
  process.emitWarning(
    `roi-ops: no native build loaded (${reason.split('\n')[0]}); using the JavaScript backend, which is much slower. ` +
      '`npx roi-ops info` shows why; ROI_OPS_REQUIRE_NATIVE=1 makes this an error that lists the fixes.',
    { code: noNativeCode },
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
    fallback = (cause instanceof Error ? cause.message : String(cause)).trim();
    warnNoNative(fallback);
    return createJsBackend();
  }
}

export function backend(): Backend {
  if (selected === undefined) {
    selected = select();
    selected.setInitialNumThreads(initialThreads());
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
