// The one error of cli/io/: whatever is wrong with a file the command line was given, the
// message starts with that file's name, so a user running `roi-ops pool a.npy b.json` knows
// which file to look at without a stack trace.
import { readFile } from 'node:fs/promises';

export class FileFormatError extends Error {
  /** The file as the caller named it. */
  readonly file: string;

  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(`${file}: ${problem}`, options);
    this.name = 'FileFormatError';
    this.file = file;
  }
}

/** A function that throws a FileFormatError about `file`, for parsers that fail in many places. */
export function failer(file: string): (problem: string) => never {
  return (problem) => {
    throw new FileFormatError(file, problem);
  };
}

/** What every reader of a command-line file takes: `signal` abandons the read (an AbortError). */
export interface ReadFileOptions {
  signal?: AbortSignal;
}

/** The bytes of `path`; a file that cannot be read is a FileFormatError naming it (and the code). */
export async function readFileBytes(path: string, options: ReadFileOptions = {}): Promise<Uint8Array> {
  try {
    return await readFile(path, options.signal === undefined ? {} : { signal: options.signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new FileFormatError(path, `cannot read the file (${code})`, { cause: error });
  }
}
