// Outputs appear whole or not at all: each file is written under a temporary name in its own
// directory (so the rename stays on one file system, where it is atomic), then renamed. A
// reader, or a resumed batch checking what exists, never sees a half-written .npy.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { writeNpy, type NpyWritable } from './io/npy.js';

let written = 0;

/** A hidden name next to `path`, unique to this process and write (concurrent shards share directories). */
export function temporaryPathFor(path: string): string {
  written += 1;
  return join(dirname(path), `.${basename(path)}.${process.pid}-${written}.tmp`);
}

/**
 * Writes every file under a temporary name, then renames each into place. When anything
 * fails, the temporary files are removed and the error is thrown; files already renamed
 * are complete. The writes are synchronous, so a signal handler never runs between a
 * temporary file's creation and its rename or removal.
 */
export function writeNpyFilesAtomically(files: ReadonlyArray<{ path: string; tensor: NpyWritable }>): void {
  const temporaries: string[] = [];
  try {
    for (const { path, tensor } of files) {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = temporaryPathFor(path);
      temporaries.push(temporary);
      writeNpy(temporary, tensor);
    }
    files.forEach(({ path }, i) => renameSync(temporaries[i] as string, path));
  } catch (error) {
    for (const temporary of temporaries) rmSync(temporary, { force: true });
    throw error;
  }
}
