// readFileBytes, the one reader of every command-line input file: regular files only (a FIFO,
// /dev/zero or a directory is refused at once, never read), a size limit checked before
// allocating, files over 2 GiB read in chunks, and an abort seen between chunks.
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it, vi } from 'vitest';

import { defaultMaxInputBytes, FileFormatError, readFileBytes } from '../../cli/io/file-error.js';
import { readBoxesFile } from '../../cli/io/boxes-file.js';
import { readTensorFile } from '../../cli/io/tensor-file.js';

const dir = mkdtempSync(join(tmpdir(), 'roi-ops-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readFileBytes: what is not a regular file is refused without reading it', () => {
  it('a FIFO with no writer (the open does not block)', async () => {
    const fifo = join(dir, 'fifo.npy');
    execFileSync('mkfifo', [fifo]);
    await expect(readFileBytes(fifo)).rejects.toThrow(
      new FileFormatError(fifo, 'is a FIFO (named pipe); expected a regular file'),
    );
    // Through the readers too, as a batch job's input would be.
    await expect(readTensorFile(fifo)).rejects.toThrow(/fifo\.npy: is a FIFO \(named pipe\); expected a regular file$/);
  });

  it('a symbolic link to /dev/zero (stat would say size 0; the descriptor says a device)', async () => {
    const zero = join(dir, 'zero.csv');
    symlinkSync('/dev/zero', zero);
    await expect(readBoxesFile(zero)).rejects.toThrow(
      new FileFormatError(zero, 'is a character device; expected a regular file'),
    );
  });

  it('a directory, and a missing file', async () => {
    const folder = join(dir, 'folder.npy');
    mkdirSync(folder);
    await expect(readFileBytes(folder)).rejects.toThrow(
      new FileFormatError(folder, 'is a directory; expected a regular file'),
    );
    const missing = join(dir, 'missing.npy');
    await expect(readFileBytes(missing)).rejects.toThrow(new FileFormatError(missing, 'cannot read the file (ENOENT)'));
  });
});

describe('readFileBytes: the size limit', () => {
  it('is checked before reading; a file at the limit is read', async () => {
    const path = join(dir, 'ten.bin');
    writeFileSync(path, Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    expect([...(await readFileBytes(path, { maxInputBytes: 10 }))]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await expect(readFileBytes(path, { maxInputBytes: 9 })).rejects.toThrow(
      new FileFormatError(path, 'is 10 bytes, over the input size limit of 9 bytes'),
    );
    await expect(readTensorFile(path.replace('.bin', '.npy'), { maxInputBytes: -1 })).rejects.toThrow(
      new RangeError('readTensorFile: expected an integer >= 0 for options.maxInputBytes but received -1 (number)'),
    );
    await expect(readFileBytes(path, { maxInputBytes: 2 ** 40 })).rejects.toThrow(RangeError);
  });
});

describe('readFileBytes: reading in chunks', () => {
  /**
   * Counts the read calls on file handles while `run` runs; `onRead` sees each call's number.
   * When `really(position, length)` says no, a read is not done but reported as complete.
   */
  async function countingReads(
    onRead: (call: number) => void,
    run: () => Promise<unknown>,
    really: (position: number, length: number) => boolean = () => true,
  ): Promise<number> {
    const probe = await open(join(dir, 'probe'), 'w');
    const prototype = Object.getPrototypeOf(probe) as { read: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    const original = prototype.read;
    let calls = 0;
    const spy = vi.spyOn(prototype, 'read').mockImplementation(function (this: unknown, ...args: unknown[]) {
      onRead(++calls);
      const [, , length, position] = args as [unknown, number, number, number];
      if (!really(position, length)) return Promise.resolve({ bytesRead: length, buffer: args[0] });
      return original.apply(this, args);
    });
    try {
      await run();
    } finally {
      spy.mockRestore();
    }
    return calls;
  }

  it('an abort is seen after the chunk being read, not at the end of the file', async () => {
    const path = join(dir, 'forty-mib.npy');
    execFileSync('truncate', ['-s', String(40 * 2 ** 20), path]);
    const controller = new AbortController();
    let outcome: unknown;
    const calls = await countingReads(
      (call) => call === 1 && controller.abort(),
      () => readFileBytes(path, { signal: controller.signal }).catch((error: unknown) => (outcome = error)),
    );
    expect((outcome as Error).name).toBe('AbortError');
    expect(calls).toBe(1);
    // Unaborted, the same file takes five 8 MiB reads and one that finds its end.
    expect(
      await countingReads(
        () => {},
        () => readFileBytes(path),
      ),
    ).toBe(6);
  });

  // A sparse file costs no disk. Reading all of it costs 2 GiB of memory and ~9 s here (2 shared
  // cores), so only the chunks that hold the marks are read for real: the others are passed over
  // (their pages of the buffer are never touched), which still runs every position past 2^31.
  it('a file over 2 GiB (which fs.readFile refuses) is refused by default and read under a raised limit', async () => {
    const path = join(dir, 'big.npy');
    const size = 2 ** 31 + 4096;
    const fd = openSync(path, 'w');
    writeSync(fd, Uint8Array.of(7), 0, 1, 12_345);
    writeSync(fd, Uint8Array.of(1, 2, 3), 0, 3, size - 3);
    closeSync(fd);
    expect(defaultMaxInputBytes).toBe(2 ** 31);
    await expect(readFileBytes(path)).rejects.toThrow(
      new FileFormatError(path, `is ${size} bytes, over the input size limit of ${2 ** 31} bytes`),
    );
    const positions: number[] = [];
    let bytes: Uint8Array | undefined;
    await countingReads(
      () => {},
      async () => (bytes = await readFileBytes(path, { maxInputBytes: size })),
      (position, length) => {
        positions.push(position);
        return position === 0 || position + length >= size;
      },
    );
    expect(bytes?.length).toBe(size);
    expect([bytes?.[12_345], bytes?.[size - 4], bytes?.[size - 3], bytes?.[size - 2], bytes?.[size - 1]]).toEqual([
      7, 0, 1, 2, 3,
    ]);
    // 256 chunks of 8 MiB, the 4 KiB left, and the read that finds the end.
    expect(positions.length).toBe(258);
    expect(positions.slice(-2)).toEqual([2 ** 31, size]);
    bytes = undefined;
  });

  it('a file that shrinks or grows while it is read is refused', async () => {
    const path = join(dir, 'changing.npy');
    execFileSync('truncate', ['-s', String(20 * 2 ** 20), path]);
    let outcome: unknown;
    await countingReads(
      (call) => call === 1 && truncateSync(path, 2 ** 20),
      () => readFileBytes(path).catch((error: unknown) => (outcome = error)),
    );
    expect(outcome).toEqual(
      new FileFormatError(
        path,
        `shrank while it was read: ${20 * 2 ** 20} bytes when opened, ${2 ** 20} bytes at the end`,
      ),
    );
    writeFileSync(path, 'abc');
    await countingReads(
      (call) => call === 1 && appendFileSync(path, 'more'),
      () => readFileBytes(path).catch((error: unknown) => (outcome = error)),
    );
    expect(outcome).toEqual(new FileFormatError(path, 'grew while it was read: it was 3 bytes when opened'));
  });

  it('an aborted signal stops the read before anything is read', async () => {
    const path = join(dir, 'small.npy');
    writeFileSync(path, 'x');
    await expect(readFileBytes(path, { signal: AbortSignal.abort() })).rejects.toThrow(
      expect.objectContaining({ name: 'AbortError' }),
    );
  });
});
