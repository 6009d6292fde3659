// A setup file of scripts/vitest.sanitize.config.ts: after each test file, LeakSanitizer's
// check in the worker fork that ran it, where the sanitized addon did its work. LSan's own
// check at exit never runs in a worker (vitest ends them with SIGTERM, then SIGKILL), so it
// runs here through leakCheck() of native/sanitize/leak_check.cc (SANITIZE_LEAK_CHECK, built
// and set by scripts/sanitize.sh); leaks fail the file, their report is on stderr.
import { createRequire } from 'node:module';

import { afterAll } from 'vitest';

const modulePath = process.env.SANITIZE_LEAK_CHECK;
if (!modulePath)
  throw new Error('scripts/sanitize-leak-check.ts is run by scripts/sanitize.sh (SANITIZE_LEAK_CHECK unset)');
const { leakCheck } = createRequire(import.meta.url)(modulePath) as { leakCheck(): boolean };

afterAll(() => {
  if (leakCheck())
    throw new Error(`LeakSanitizer found leaks in this worker (pid ${process.pid}): its report is on stderr`);
});
