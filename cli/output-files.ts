// Which file a path names, so that two spellings of one file are caught before anything is
// written: `same.npy`, `./same.npy`, `sub/../same.npy`, an absolute path, a path through a
// symbolically linked directory, and (when the file exists) a hard link or a link to it. A job
// whose output is its other output, or one of its inputs, is refused; a batch refuses a line
// whose output an earlier line writes (cli/batch.ts).
import { lstatSync, realpathSync, statSync, type BigIntStats } from 'node:fs';
import { basename, dirname, isAbsolute, join, sep } from 'node:path';

import { JobSpecError, type JobSpec } from './job-spec.js';
import type { JobPlaces } from './run-job.js';

/** Where a path leads: two paths are one file when either key is equal. */
export interface FileIdentity {
  /** The directory entry: the real path of its directory (links and `..` resolved) and its name. */
  entry: string;
  /** The file itself when it exists (links followed): device and inode. */
  file?: string;
}

/**
 * The real path of `directory` as the system would resolve it. The part that does not exist
 * yet (to be created by the write) is appended as written, `..` taken lexically there.
 */
function realDirectory(directory: string): string {
  const missing: string[] = [];
  for (let existing = directory; ; existing = dirname(existing)) {
    try {
      // The system's realpath resolves `link/..` physically, as opening the path would (the
      // JavaScript one normalizes `..` first).
      return join(realpathSync.native(existing), ...missing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(existing) === existing) return join(directory);
      missing.unshift(basename(existing));
    }
  }
}

/** `lstat` or `stat` of `path`, or undefined for no file or none that can be looked at (the read or write says why). */
export function statsOf(path: string, { follow }: { follow: boolean }): BigIntStats | undefined {
  try {
    return (follow ? statSync : lstatSync)(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined; // ENAMETOOLONG, ENOTDIR, ELOOP, EACCES: not a file that is there
  }
}

export function identify(path: string): FileIdentity {
  // Not path.resolve: it would take `link/..` lexically before the file system is asked.
  const absolute = isAbsolute(path) ? path : `${process.cwd()}${sep}${path}`;
  const entry = join(realDirectory(dirname(absolute)), basename(absolute));
  const stats = statsOf(path, { follow: true });
  return stats === undefined ? { entry } : { entry, file: `${stats.dev}:${stats.ino}` };
}

export const sameFile = (a: FileIdentity, b: FileIdentity): boolean =>
  a.entry === b.entry || (a.file !== undefined && a.file === b.file);

/** A job's file fields that name one file each, as [field, path as written]. */
function namedFiles(spec: JobSpec): { outputs: Array<[string, string]>; inputs: Array<[string, string]> } {
  const outputs: Array<[string, string]> = [['output', spec.output]];
  if (spec.argmaxOutput !== undefined) outputs.push(['argmaxOutput', spec.argmaxOutput]);
  const inputs: Array<[string, string]> = spec.inputs.map((path) => ['input', path]);
  if (spec.boxes !== undefined) inputs.push(['boxes', spec.boxes]);
  if (spec.boxIndices !== undefined) inputs.push(['boxIndices', spec.boxIndices]);
  return { outputs, inputs };
}

/**
 * Refuses a job that writes one file twice (its output and roiPool's argmax) or writes over
 * one of its own inputs. `spelling` names the fields as the user wrote them.
 */
export function checkJobFiles(spec: JobSpec, places: JobPlaces, spelling: (field: string) => string): void {
  const named = (field: string, path: string) => `${spelling(field)} ${JSON.stringify(path)}`;
  const { outputs, inputs } = namedFiles(spec);
  const written = outputs.map(([field, path]) => ({ field, path, identity: identify(places.output(path)) }));
  const [output, argmax] = written;
  if (output !== undefined && argmax !== undefined && sameFile(output.identity, argmax.identity))
    throw new JobSpecError(
      `${named(argmax.field, argmax.path)} and ${named(output.field, output.path)} name the same file`,
    );
  for (const [field, path] of inputs) {
    const input = identify(places.input(path));
    const clash = written.find(({ identity }) => sameFile(identity, input));
    if (clash !== undefined) {
      throw new JobSpecError(
        `${named(clash.field, clash.path)} is the same file as ${named(field, path)}: roi-ops does not write over its inputs`,
      );
    }
  }
}

/**
 * Refuses an output path that holds a directory: the rename could not replace it, and a batch
 * must not count the job as done because something exists there.
 */
export function checkOutputsReplaceable(paths: readonly string[]): void {
  for (const path of paths) {
    if (statsOf(path, { follow: false })?.isDirectory() === true)
      throw new Error(`${path}: cannot write the file: it is a directory`);
  }
}

/** The outputs of a batch's lines so far, to find a line writing a file an earlier line writes. */
export class OutputClaims {
  private readonly lines = new Map<string, number>();

  /** Records that `line` writes `path`; returns the earlier line that writes that file, if any. */
  claim(path: string, line: number): number | undefined {
    const identity = identify(path);
    const keys = identity.file === undefined ? [identity.entry] : [identity.entry, identity.file];
    const earlier = keys.map((key) => this.lines.get(key)).find((found) => found !== undefined);
    if (earlier !== undefined) return earlier;
    for (const key of keys) this.lines.set(key, line);
    return undefined;
  }
}
