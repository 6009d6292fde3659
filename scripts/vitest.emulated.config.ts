// vitest.config.ts for a node process run under an emulator (scripts/test-emulated.sh): the
// same projects, but in worker threads of that process. The default forks pool would exec
// child node processes, which the kernel runs natively, outside the emulator. Worker threads
// reject V8 flags such as --expose-gc in their execArgv, and no test under emulation needs it.
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

import base from '../vitest.config.js';

export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: { ...base.test, pool: 'threads', execArgv: [] },
});
