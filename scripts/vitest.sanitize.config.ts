// vitest.config.ts for scripts/sanitize.sh: the same projects, with the ASan and UBSan
// runtimes (SANITIZE_PRELOAD, set by the script) preloaded into the worker forks, where the
// sanitized addon runs, and so into the node processes the tests spawn (the CLI and other
// children inherit the workers' environment), and LeakSanitizer's check after each test
// file in its worker (scripts/sanitize-leak-check.ts). Not into the vitest main process: it
// never loads the addon, and LeakSanitizer would report the napi references that vite's own
// native module (rolldown's binding) keeps until exit.
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

import base from '../vitest.config.js';

const preload = process.env.SANITIZE_PRELOAD;
if (!preload)
  throw new Error('scripts/vitest.sanitize.config.ts is run by scripts/sanitize.sh (SANITIZE_PRELOAD unset)');

export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    ...base.test,
    env: { ...base.test?.env, LD_PRELOAD: preload },
    setupFiles: ['scripts/sanitize-leak-check.ts'],
    // The instrumented kernels run several times slower (ASan checks every access, UBSan
    // every pointer step), and the runs share the machine with test/native/cmake-build.test.ts
    // compiling: the longest test, off-thread's "keep their buffers alive ... GC runs", took
    // 45-95 s here against vitest.config.ts's 60 s. The timeouts only catch hangs (no test
    // times anything), so they are 5 minutes here.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // The one test left out: it inspects the objects of the node-gyp build
    // (build/Release/obj.target), which the scratch tree does not have (its addon is the
    // sanitized cmake-js build). A static check of object files, not run time: the normal
    // suite runs it.
    testNamePattern: '^(?!.*keeps every inline function an instruction-set object defines in its own namespace)',
  },
});
