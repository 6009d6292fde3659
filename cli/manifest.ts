// The manifest of `roi-ops batch`: JSON Lines, one job per non-blank line, with the fields of
// `roi-ops pool` (job-spec.ts). Relative inputs resolve against the manifest's directory and
// outputs under --out-dir. Job j (0-based, counting non-blank lines in file order) belongs to
// shard j mod n, so `--shard i/n` for i = 0..n-1 split a manifest into disjoint parts that
// every machine computes alike from the same file.
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';

import { describe } from '../lib/internal.js';
import { FileFormatError, readFileBytes } from './io/file-error.js';
import { jobOutputs, JobSpecError, readJobSpec, type JobSpec } from './job-spec.js';
import type { JobPlaces } from './run-job.js';

export interface Shard {
  index: number;
  count: number;
}

/** A non-blank line of the manifest. */
export interface ManifestEntry {
  /** 1-based line number, for messages. */
  line: number;
  /** The job's 0-based position among the manifest's jobs: its shard is index mod n. */
  index: number;
  text: string;
}

/**
 * The largest manifest read: 256 MiB, a million jobs of 250 bytes, well under the longest
 * string V8 makes (2^29 - 24 characters). A larger one is refused before it is read; split it.
 */
export const maxManifestBytes = 256 * 2 ** 20;

/**
 * The jobs of the manifest at `path`, read by the readers' own rules (cli/io/file-error.ts:
 * a regular file, never a FIFO or a device, at most maxManifestBytes). A UTF-8 byte order
 * mark is dropped (the TextDecoder's default) and a line may end in CRLF, as editors on
 * Windows write them.
 */
export async function readManifest(path: string): Promise<ManifestEntry[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileBytes(path, { maxInputBytes: maxManifestBytes });
  } catch (error) {
    throw error instanceof FileFormatError ? new Error(`manifest ${error.message}`, { cause: error }) : error;
  }
  const entries: ManifestEntry[] = [];
  new TextDecoder()
    .decode(bytes)
    .split('\n')
    .forEach((line, i) => {
      const text = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (text.trim() !== '') entries.push({ line: i + 1, index: entries.length, text });
    });
  return entries;
}

export const inShard = (entry: ManifestEntry, shard: Shard): boolean => entry.index % shard.count === shard.index;

/**
 * Where a manifest's file names lead. Outputs must stay under the output directory, so a
 * manifest cannot write elsewhere and the shards' outputs stay in one tree.
 */
export function manifestPlaces(manifestPath: string, outDir: string): JobPlaces {
  const base = dirname(manifestPath);
  return {
    input: (path) => (isAbsolute(path) ? path : join(base, path)),
    output: (path) => join(outDir, path),
  };
}

function checkOutputInside(spec: JobSpec): void {
  for (const path of jobOutputs(spec)) {
    const normalized = normalize(path);
    if (isAbsolute(path) || normalized === '..' || normalized.startsWith(`..${sep}`)) {
      throw new JobSpecError(`output ${JSON.stringify(path)} is not a relative path inside --out-dir`);
    }
  }
}

/** The job on `entry`'s line; a line that is not one throws JobSpecError (its message without the line number). */
export function parseManifestEntry(entry: ManifestEntry): JobSpec {
  let fields: unknown;
  try {
    fields = JSON.parse(entry.text);
  } catch (error) {
    throw new JobSpecError(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new JobSpecError(
      `expected a JSON object like {"op": ..., "input": ..., "boxes": ..., "output": ...} but received ${describe(fields)}`,
    );
  }
  const spec = readJobSpec(fields as Record<string, unknown>, (field) => `"${field}"`);
  checkOutputInside(spec);
  return spec;
}
