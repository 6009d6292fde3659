// The `roi-ops` command as users run it: the built dist/cli.js in its own process (and, for
// `roi-ops bench`, the suite built into dist/bench/), plus the files its tests hand it
// (written with cli/io, in a temporary directory of each test file).
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

import { afterAll } from 'vitest';

import { markerDirectory } from '../../cli/resume.js';

export const root = join(import.meta.dirname, '..', '..');
export const cli = join(root, 'dist', 'cli.js');
/** What tsup builds from lib/, onnx/, cli/ and bench/: each must be newer than every source. */
const builds = [cli, join(root, 'dist', 'bench', 'run.js')];

function newestSource(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs;
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

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * `npm test` runs tsup first; this covers `npx vitest` on its own: the tests spawn the real
 * binary, so a missing or stale build would test old code. Rebuilds with the project's
 * own tsup, found through its package.json rather than PATH. Test files run in parallel
 * processes, so the first to get the lock (an atomic mkdir) builds and the others wait for it.
 */
export function ensureBuilt(): void {
  const lock = join(root, '.cli-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    const sources = Math.max(...['lib', 'cli', 'onnx', 'bench'].map((dir) => newestSource(join(root, dir))));
    if (builds.every((path) => builtAt(path) > sources)) return;
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() > deadline)
        throw new Error(`waited 120 s for another build; remove ${lock} if no build is running`);
      sleep(200);
      continue;
    }
    try {
      const tsupManifest = createRequire(import.meta.url).resolve('tsup/package.json');
      const bin = JSON.parse(readFileSync(tsupManifest, 'utf8')).bin.tsup as string;
      const build = spawnSync(process.execPath, [join(dirname(tsupManifest), bin)], { cwd: root, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`tsup failed:\n${build.stdout}\n${build.stderr}`);
    } finally {
      rmdirSync(lock);
    }
  }
}

/**
 * Runs `roi-ops ...args` to completion. The child inherits this project's environment
 * (ROI_OPS_REQUIRE_NATIVE=1), so it runs the same backend as the test's direct calls.
 */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? root,
    encoding: 'utf8',
    env: options.env ?? process.env,
  });
}

/** Starts `roi-ops ...args` without waiting, for tests that signal it. */
export function startCli(args: readonly string[], cwd: string) {
  return spawn(process.execPath, [cli, ...args], { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * A temporary directory removed after the test file (given a minute: a batch test leaves
 * thousands of files, and unlinking them waits on a disk busy flushing other processes' files).
 */
export function temporaryDirectory(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `roi-ops-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }), 60_000);
  return dir;
}

/** Every file under `dir`, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(relative(dir, full));
    }
  };
  walk(dir);
  return files.sort();
}

/** The files a batch wrote under `dir`, without its done markers (cli/resume.ts), sorted. */
export function listOutputs(dir: string): string[] {
  return listFiles(dir).filter((path) => !path.startsWith(`${markerDirectory}/`));
}

/**
 * A .safetensors file holding `tensors`, F32 unless a dtype says F16 or BF16 (the format: u64
 * header length, JSON header, data).
 */
export function writeSafetensors(
  path: string,
  tensors: Record<string, { data: Float32Array | Uint16Array; shape: number[]; dtype?: 'F16' | 'BF16' }>,
): void {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, { data, shape, dtype }] of Object.entries(tensors)) {
    header[name] = { dtype: dtype ?? 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  const data = Object.values(tensors).map(({ data: values }) =>
    Buffer.from(values.buffer, values.byteOffset, values.byteLength),
  );
  writeFileSync(path, Buffer.concat([length, json, ...data]));
}

/** Deterministic values in [0, 1) for test tensors: no two neighbours alike, so max pooling has no ties. */
export function pattern(length: number, seed = 1): Float32Array {
  return Float32Array.from({ length }, (_, i) => (((i + seed) * 7919) % 1009) / 1009);
}
