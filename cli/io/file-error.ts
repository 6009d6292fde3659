// The one error of cli/io/, and the one function that reads a command-line file's bytes.
// Whatever is wrong with a file the command line was given, the message starts with that
// file's name, so a user running `roi-ops pool a.npy b.json` knows which file to look at
// without a stack trace.
import { constants as bufferConstants } from 'node:buffer';
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

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

/** What every reader of a command-line file takes. */
export interface ReadFileOptions {
  /** Abandons the read (an AbortError), checked between chunks however large the file. */
  signal?: AbortSignal;
  /** The largest file read, in bytes (default defaultMaxInputBytes); checked before allocating. */
  maxInputBytes?: number;
}

/**
 * 2 GiB: what fs.readFile read before this reader existed, so no file that used to work is
 * refused by default; larger files need the limit raised (docs/cli.md "Input files").
 */
export const defaultMaxInputBytes = 2 ** 31;

/** The most one Buffer can hold here (4 GiB on 64-bit Node 20), so the most a limit can allow. */
export const largestInputBytes = bufferConstants.MAX_LENGTH;

/** Bytes per read call: small enough that an abort is seen within a few milliseconds of I/O. */
const chunkBytes = 8 * 2 ** 20;

/**
 * The bytes of `path`, a regular file of at most `maxInputBytes`. The file is opened without
 * blocking (a FIFO with no writer must not hang the open) and its type and size come from the
 * open descriptor: stat() on the path reports size 0 for a FIFO or /dev/zero, which would pass a
 * size check and then be read forever. Every failure is a FileFormatError naming the file.
 */
export async function readFileBytes(path: string, options: ReadFileOptions = {}): Promise<Uint8Array> {
  const { signal } = options;
  const limit = inputLimit(options.maxInputBytes);
  const fail = failer(path);
  signal?.throwIfAborted();
  let file: FileHandle;
  try {
    file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    return fail(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  try {
    const stats = await file.stat();
    if (!stats.isFile()) fail(`is ${fileKind(stats)}; expected a regular file`);
    if (stats.size > limit) fail(`is ${stats.size} bytes, over the input size limit of ${limit} bytes`);
    const bytes = Buffer.allocUnsafeSlow(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      signal?.throwIfAborted();
      const length = Math.min(chunkBytes, bytes.length - filled);
      const { bytesRead } = await file.read(bytes, filled, length, filled);
      if (bytesRead === 0)
        fail(`shrank while it was read: ${stats.size} bytes when opened, ${filled} bytes at the end`);
      filled += bytesRead;
    }
    signal?.throwIfAborted();
    // One byte past the size: a file still being written would be read half-way otherwise.
    const { bytesRead } = await file.read(Buffer.alloc(1), 0, 1, filled);
    if (bytesRead !== 0) fail(`grew while it was read: it was ${stats.size} bytes when opened`);
    return bytes;
  } catch (error) {
    if (error instanceof FileFormatError || (error as Error)?.name === 'AbortError') throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new FileFormatError(path, `cannot read the file (${code})`, { cause: error });
  } finally {
    await file.close();
  }
}

/** The limit `maxInputBytes` asks for, checked (a programming error is a RangeError). */
function inputLimit(maxInputBytes: number | undefined): number {
  if (maxInputBytes === undefined) return defaultMaxInputBytes;
  if (!Number.isSafeInteger(maxInputBytes) || maxInputBytes < 0 || maxInputBytes > largestInputBytes) {
    throw new RangeError(
      `maxInputBytes is ${String(maxInputBytes)}; expected an integer from 0 to ${largestInputBytes} (the largest buffer)`,
    );
  }
  return maxInputBytes;
}

/** What a file that is not a regular file is, for the message. */
export function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}
