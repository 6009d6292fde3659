// The `roi-ops` command as users run it: the built dist/cli.js (and, for `roi-ops bench`, the
// suite built into dist/bench/) in a process of its own.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { packageRoot } from '../../lib/backend/native.js';

const root = packageRoot();
const cli = join(root, 'dist', 'cli.js');
/** What tsup builds from lib/ and bench/: each must be newer than every source. */
const builds = [cli, join(root, 'dist', 'bench', 'run.js')];

function newestSource(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return path.endsWith(join('bench', 'results')) ? 0 : newestSource(path);
      return statSync(path).mtimeMs;
    }),
  );
}

function builtAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0; // not built yet
  }
}

/**
 * `npm test` runs tsup first; this covers `npx vitest` on its own: the tests spawn the real
 * binary, so a missing or stale build would test old code. Rebuilds with the project's own
 * tsup, found through its package.json rather than PATH.
 */
export function ensureBuilt(): void {
  const sources = Math.max(newestSource(join(root, 'lib')), newestSource(join(root, 'bench')));
  if (builds.every((path) => builtAt(path) > sources)) return;
  const tsupManifest = createRequire(import.meta.url).resolve('tsup/package.json');
  const bin = JSON.parse(readFileSync(tsupManifest, 'utf8')).bin.tsup as string;
  const build = spawnSync(process.execPath, [join(dirname(tsupManifest), bin)], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`tsup failed:\n${build.stdout}\n${build.stderr}`);
}

/** Runs `roi-ops <args>` in `cwd` (the package's root by default) with this process's environment. */
export function runCli(args: string[], cwd = root): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: process.env });
}
