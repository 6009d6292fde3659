// Outputs appear whole or not at all, and only where the user asked. Each file is written under
// a temporary name in its own directory (so the rename stays on one file system, where it is
// atomic), flushed to the disk, then renamed; then the directory is flushed, so the rename
// itself survives a power cut. The temporary name is random and created exclusively without
// following links: someone who can write the directory cannot predict it, and a link planted at
// any name cannot redirect the write. The rename replaces whatever entry had the output's name
// (a symbolic link included: it is the link that is replaced, never its target), so the result
// is a regular file this process wrote. docs/cli.md "Output files" states the rules.
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  type BigIntStats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { encodeNpy, type NpyWritable } from './io/npy.js';

/** A write that failed, named by the file the user asked for (never by its hidden temporary). */
export class FileWriteError extends Error {
  override name = 'FileWriteError';
}

const reasons: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a directory has that name',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'a part of the path is not a directory', // as mkdir reports it
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'the name is too long',
};

function writeError(path: string, error: unknown): FileWriteError {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  const reason = reasons[code];
  return new FileWriteError(`${path}: cannot write the file (${code}${reason === undefined ? '' : `: ${reason}`})`, {
    cause: error,
  });
}

// A temporary name is `.PREFIX.TAG.roi-ops-RANDOM.tmp`: PREFIX is the output's name cut to 64
// bytes (so the name stays far below NAME_MAX, 255 bytes, however long the output's is), TAG a
// hash of the whole name (so outputs that share a prefix never share temporaries), RANDOM 16 hex
// digits from the system's random source (never the process id: two containers may share one).
const prefixBytes = 64;
/** Any temporary name: its stem (up to RANDOM) is group 1. */
const temporaryName = /^(\..*\.[0-9a-f]{12}\.roi-ops-)[0-9a-f]{16}\.tmp$/s;

/** The part of every temporary name of the output named `base` that precedes RANDOM. */
function temporaryStem(base: string): string {
  let prefix = '';
  for (const character of base) {
    if (Buffer.byteLength(prefix + character) > prefixBytes) break;
    prefix += character;
  }
  const tag = createHash('sha256').update(base).digest('hex').slice(0, 12);
  return `.${prefix}.${tag}.roi-ops-`;
}

/** A fresh temporary name for the output named `base` (a file name, not a path). */
export function temporaryNameFor(base: string): string {
  return `${temporaryStem(base)}${randomBytes(8).toString('hex')}.tmp`;
}

/** Whether `name` is a temporary name of the output named `base`, as temporaryNameFor makes them. */
export function isTemporaryOf(name: string, base: string): boolean {
  return temporaryName.exec(name)?.[1] === temporaryStem(base);
}

/**
 * Removes the temporary files of `paths` (outputs) that an earlier run left when it was killed
 * mid-write; returns how many. Only a caller that alone writes these outputs may call it (a
 * batch for its own shard's jobs): another process's write in progress would lose its file.
 */
export function removeStaleTemporaries(paths: readonly string[]): number {
  const basesByDirectory = new Map<string, Set<string>>();
  for (const path of paths) {
    const directory = dirname(path);
    const bases = basesByDirectory.get(directory) ?? new Set<string>();
    bases.add(basename(path));
    basesByDirectory.set(directory, bases);
  }
  let removed = 0;
  for (const [directory, bases] of basesByDirectory) {
    let names: string[];
    try {
      names = readdirSync(directory);
    } catch {
      continue; // no directory yet (or none readable): nothing of ours is in it
    }
    const stems = new Set([...bases].map(temporaryStem));
    for (const name of names) {
      const stem = temporaryName.exec(name)?.[1];
      if (stem === undefined || !stems.has(stem)) continue;
      try {
        rmSync(join(directory, name), { force: true });
        removed += 1;
      } catch {
        // Left for a later run: cleaning up is no reason to fail this one.
      }
    }
  }
  return removed;
}

/** Flushes a directory's entries (a rename or a new entry in it) to the disk. */
function syncDirectory(directory: string): void {
  // Windows cannot open a directory as a file, and NTFS journals its entries anyway.
  if (process.platform === 'win32') return;
  const fd = openSync(directory, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0));
  try {
    fsyncSync(fd);
  } catch (error) {
    // A few file systems cannot sync a directory; their renames are as durable as they get.
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates `directory` and any missing parents; returns the directories whose entries changed
 * (the parent of each created directory), which must be flushed for the new ones to last.
 */
function makeDirectory(directory: string): string[] {
  const first = mkdirSync(directory, { recursive: true });
  if (first === undefined) return [];
  const changed: string[] = [];
  const top = resolve(first);
  for (let created = resolve(directory); ; created = dirname(created)) {
    changed.push(dirname(created));
    if (created === top || dirname(created) === created) break;
  }
  return changed;
}

const createFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
/** Fresh random names tried before giving up: a clash is a 2^-64 event, or someone planting names. */
const createAttempts = 8;

/** Creates a temporary file next to `path`, exclusively; returns its path and descriptor. */
function createTemporary(path: string): { temporary: string; fd: number } {
  for (let attempt = 1; ; attempt++) {
    const temporary = join(dirname(path), temporaryNameFor(basename(path)));
    try {
      // 0o666, less the umask, as any new file: the output's mode does not depend on roi-ops.
      return { temporary, fd: openSync(temporary, createFlags, 0o666) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt === createAttempts) throw error;
    }
  }
}

export interface WrittenFile {
  path: string;
  /** The file as written (fstat before the rename, which keeps its inode, size and mtime). */
  stats: BigIntStats;
}

/** Writes `bytes` to a new temporary file next to `path`, flushed to the disk if `flush`. */
function writeTemporary(path: string, bytes: Uint8Array, flush: boolean): { temporary: string; stats: BigIntStats } {
  const { temporary, fd } = createTemporary(path);
  try {
    writeFileSync(fd, bytes);
    if (flush) fsyncSync(fd);
    return { temporary, stats: fstatSync(fd, { bigint: true }) };
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes every file: first each under a temporary name, flushed; then renames each into place;
 * then flushes the directories. When anything fails, the temporary files not yet renamed are
 * removed and a FileWriteError names the output; files already renamed are complete. The
 * writes are synchronous, so a signal handler never runs between a temporary file's creation
 * and its rename or removal. `flush: false` leaves the flushing to the system: still atomic,
 * but a crash of the host may lose the files (for a file whose loss costs only time).
 */
export function writeFilesAtomically(
  files: ReadonlyArray<{ path: string; bytes: Uint8Array }>,
  { flush = true }: { flush?: boolean } = {},
): WrittenFile[] {
  const pending: Array<WrittenFile & { temporary: string }> = [];
  let renamed = 0;
  // Each directory whose entries change, and an output in it, which a failure to flush it names.
  const directories = new Map<string, string>();
  let current = '';
  try {
    for (const { path, bytes } of files) {
      current = path;
      for (const directory of [...makeDirectory(dirname(path)), dirname(path)]) directories.set(directory, path);
      pending.push({ path, ...writeTemporary(path, bytes, flush) });
    }
    for (const file of pending) {
      current = file.path;
      renameSync(file.temporary, file.path);
      renamed += 1;
    }
    for (const [directory, path] of flush ? directories : []) {
      current = path;
      syncDirectory(directory);
    }
  } catch (error) {
    for (const file of pending.slice(renamed)) rmSync(file.temporary, { force: true });
    throw writeError(current, error);
  }
  return pending.map(({ path, stats }) => ({ path, stats }));
}

/** writeFilesAtomically for tensors, each encoded as a .npy file. */
export function writeNpyFilesAtomically(files: ReadonlyArray<{ path: string; tensor: NpyWritable }>): WrittenFile[] {
  return writeFilesAtomically(files.map(({ path, tensor }) => ({ path, bytes: encodeNpy(tensor) })));
}
