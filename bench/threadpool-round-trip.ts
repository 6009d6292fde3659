// Node's own thread-pool round trip on this machine: an awaited crypto.pbkdf2 of one
// iteration over a few bytes (about a microsecond of hashing; the rest is the hop to a libuv
// thread and back, with the promise). No async call that computes on the libuv pool, roi-ops'
// included, can take less: the report gives it beside W5's asynchronous target.
// Usage: threadpool-round-trip.ts MODE   (prints a Timing as JSON)
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';

import { timeBudgetMs, timeCalls } from './timing.js';

const hash = promisify(pbkdf2);
process.stdout.write(
  JSON.stringify(await timeCalls(() => hash('roi', 'ops', 1, 8, 'sha1'), timeBudgetMs(process.argv[2]))),
);
