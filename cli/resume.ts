// What a rerun of `roi-ops batch` may skip. A job is done when its marker says that this job
// (the same fields and options, wherever its line now is) wrote its outputs, and each output
// is still the very file written then: a regular file with the recorded device, inode, size
// and modification time. Anything else (no marker, another job's marker, an output replaced,
// truncated, deleted or turned into a directory, a marker that cannot be read) reruns the job.
//
// The marker is written after the outputs are renamed into place and flushed, atomically
// itself (atomic-write.ts), so a crash at any point leaves the job unfinished for the next run. Markers live under DIR/.roi-ops-done/, one per job, named by a hash of its output's
// path: shards sharing --out-dir write disjoint markers, as they write disjoint outputs
// (docs/cli.md "Output files").
import { createHash } from 'node:crypto';
import { readFileSync, type BigIntStats } from 'node:fs';
import { join, normalize } from 'node:path';

import { writeFilesAtomically, type WrittenFile } from './atomic-write.js';
import { jobOutputs, type JobSpec } from './job-spec.js';
import { statsOf } from './output-files.js';

/** The directory, under --out-dir, that holds the markers of finished jobs. */
export const markerDirectory = '.roi-ops-done';

/** A marker is a few hundred bytes; a larger file at its name is not one. */
const markerMaxBytes = 1 << 20;

interface RecordedFile {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
}

interface Marker {
  job: unknown;
  files: RecordedFile[];
}

/** The marker of the job whose first output is `output` (as the manifest names it). */
export function markerPathFor(outDir: string, output: string): string {
  const hash = createHash('sha256').update(normalize(output)).digest('hex').slice(0, 32);
  return join(outDir, markerDirectory, `${hash}.json`);
}

/** JSON with every object's keys sorted: one text per job however its line orders the fields. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

const record = (stats: BigIntStats): RecordedFile => ({
  dev: String(stats.dev),
  ino: String(stats.ino),
  size: String(stats.size),
  mtimeNs: String(stats.mtimeNs),
});

/** Records that `spec` wrote `written` (its outputs, in jobOutputs order), under `outDir`. */
export function recordDone(outDir: string, spec: JobSpec, written: readonly WrittenFile[]): void {
  const marker: Marker = { job: JSON.parse(canonicalJson(spec)), files: written.map(({ stats }) => record(stats)) };
  const bytes = Buffer.from(`${JSON.stringify(marker)}\n`);
  // Not flushed: the outputs are on the disk already, so a marker lost in a crash of the host
  // (absent, or empty, which does not parse) only makes the next run redo the job; flushing it
  // would double the flushes per job (docs/cli.md "Output files").
  writeFilesAtomically([{ path: markerPathFor(outDir, spec.output), bytes }], { flush: false });
}

/** A marker as read: its job and files each as canonical JSON, so comparing them cannot throw. */
function readMarker(path: string): { job: string; files: string[] } | undefined {
  const stats = statsOf(path, { follow: false });
  if (stats === undefined || !stats.isFile() || stats.size > markerMaxBytes) return undefined;
  try {
    const marker = JSON.parse(readFileSync(path, 'utf8')) as Partial<Marker> | null;
    if (!Array.isArray(marker?.files)) return undefined;
    return { job: canonicalJson(marker.job), files: marker.files.map(canonicalJson) };
  } catch {
    return undefined; // not JSON, or nested too deeply to write out again: not a marker
  }
}

/** `spec` as canonical JSON, or undefined for a line nested too deeply to write out (never done: it runs). */
function jobText(spec: JobSpec): string | undefined {
  try {
    return canonicalJson(spec);
  } catch {
    return undefined;
  }
}

/** Whether `spec` is done under `outDir`: its marker is its own and every output is the file recorded. */
export function isRecordedDone(outDir: string, spec: JobSpec, outputPath: (output: string) => string): boolean {
  const marker = readMarker(markerPathFor(outDir, spec.output));
  if (marker === undefined || marker.job !== jobText(spec)) return false;
  const outputs = jobOutputs(spec);
  if (marker.files.length !== outputs.length) return false;
  return outputs.every((output, i) => {
    const stats = statsOf(outputPath(output), { follow: false });
    return stats?.isFile() === true && canonicalJson(record(stats)) === marker.files[i];
  });
}
