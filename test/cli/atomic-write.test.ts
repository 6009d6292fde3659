// How the command line writes a file (cli/atomic-write.ts), in this process with real files:
// an exclusive temporary file under a random name in the output's directory, flushed, renamed
// into place, the directory flushed; nothing planted in the directory (a symbolic link at the
// output's name, at a predictable temporary name, or at the very name the random source gives)
// redirects the write; long names work; failures name the output, never the temporary; stale
// temporaries are found by name, and only those of the outputs asked for.
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  isTemporaryOf,
  removeStaleTemporaries,
  temporaryNameFor,
  writeFilesAtomically,
  writeNpyFilesAtomically,
} from '../../cli/atomic-write.js';
import { readNpy } from '../../cli/io/npy.js';
import { temporaryDirectory } from '../helpers/cli.js';

// The file system calls atomic-write.ts makes, logged in order; `failRename` makes one rename fail.
const calls: string[] = [];
const descriptors = new Map<number, string>();
let failRename: { to: string; code: string } | undefined;
// Bytes the random source gives next, before it gives random ones again.
const forcedRandom: Buffer[] = [];

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const openSync = (...args: Parameters<typeof actual.openSync>) => {
    const fd = actual.openSync(...args);
    descriptors.set(fd, String(args[0]));
    calls.push(`open ${basename(String(args[0]))}`);
    return fd;
  };
  const fsyncSync = (fd: number) => {
    calls.push(`fsync ${basename(descriptors.get(fd) ?? '?')}`);
    actual.fsyncSync(fd);
  };
  const renameSync = (from: fs.PathLike, to: fs.PathLike) => {
    if (failRename !== undefined && String(to) === failRename.to) {
      throw Object.assign(new Error(`${failRename.code}: injected, rename '${String(from)}'`), {
        code: failRename.code,
      });
    }
    calls.push(`rename ${basename(String(from))} ${basename(String(to))}`);
    actual.renameSync(from, to);
  };
  const patched = { ...actual, openSync, fsyncSync, renameSync };
  return { ...patched, default: patched };
});

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const randomBytes = (size: number) => forcedRandom.shift() ?? actual.randomBytes(size);
  const patched = { ...actual, randomBytes };
  return { ...patched, default: patched };
});

const dir = temporaryDirectory('atomic-write');
let serial = 0;
/** A fresh empty directory for one test. */
function freshDirectory(): string {
  const path = join(dir, `case-${++serial}`);
  fs.mkdirSync(path);
  return path;
}
const bytes = (text: string) => Buffer.from(text);

afterEach(() => {
  calls.length = 0;
  forcedRandom.length = 0;
  failRename = undefined;
});

describe('writeFilesAtomically', () => {
  it('writes a regular file with the mode of any new file (0o666 less the umask), and leaves nothing else', () => {
    const here = freshDirectory();
    const out = join(here, 'sub', 'deeper', 'out.npy');
    const [written] = writeFilesAtomically([{ path: out, bytes: bytes('payload') }]);
    expect(fs.readFileSync(out, 'utf8')).toBe('payload');
    const stats = fs.lstatSync(out);
    expect(stats.isFile()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o666 & ~process.umask());
    expect(written?.stats.ino).toBe(fs.statSync(out, { bigint: true }).ino);
    expect(written?.stats.size).toBe(7n);
    expect(fs.readdirSync(dirname(out))).toEqual(['out.npy']);
  });

  it('flushes the file before its rename and the directory after it, exclusive temporary first', () => {
    const here = freshDirectory();
    const out = join(here, 'out.npy');
    writeFilesAtomically([{ path: out, bytes: bytes('x') }]);
    const temporary = calls[0]?.replace(/^open /, '') as string;
    expect(isTemporaryOf(temporary, 'out.npy')).toBe(true);
    expect(calls).toEqual([
      `open ${temporary}`,
      `fsync ${temporary}`,
      `rename ${temporary} out.npy`,
      `open ${basename(here)}`,
      `fsync ${basename(here)}`,
    ]);
  });

  it('flushes the parent of each directory it creates', () => {
    const here = freshDirectory();
    writeFilesAtomically([{ path: join(here, 'a', 'b', 'out.npy'), bytes: bytes('x') }]);
    const flushed = calls.filter((call) => call.startsWith('fsync ') && !call.includes('.tmp'));
    expect(flushed.sort()).toEqual([`fsync ${basename(here)}`, 'fsync a', 'fsync b'].sort());
  });

  it('replaces a symbolic link at the output name, never writing through it', () => {
    const here = freshDirectory();
    const victim = join(here, 'victim.txt');
    fs.writeFileSync(victim, 'precious');
    const out = join(here, 'out.npy');
    fs.symlinkSync(victim, out);
    writeFilesAtomically([{ path: out, bytes: bytes('output') }]);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    expect(fs.lstatSync(out).isFile()).toBe(true);
    expect(fs.readFileSync(out, 'utf8')).toBe('output');
  });

  it('is not redirected by links planted at the temporary names of process id and counter', () => {
    // The names a writer numbered by its process id would use: .NAME.PID-N.tmp.
    const here = freshDirectory();
    const victim = join(here, 'victim.txt');
    fs.writeFileSync(victim, 'precious');
    for (let n = 0; n <= 50; n++) fs.symlinkSync(victim, join(here, `.out.npy.${process.pid}-${n}.tmp`));
    writeFilesAtomically([{ path: join(here, 'out.npy'), bytes: bytes('output') }]);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    expect(fs.readFileSync(join(here, 'out.npy'), 'utf8')).toBe('output');
  });

  it('never opens an existing name: a link or another writer there makes it draw a new name', () => {
    const here = freshDirectory();
    const victim = join(here, 'victim.txt');
    fs.writeFileSync(victim, 'precious');
    // The random source first gives names already taken: a link to the victim, then another
    // writer's temporary (as when two writers share a process id); the third is free.
    const stem = temporaryNameFor('out.npy').slice(0, -'0123456789abcdef.tmp'.length);
    const taken = [`${stem}${'01'.repeat(8)}.tmp`, `${stem}${'02'.repeat(8)}.tmp`];
    forcedRandom.push(Buffer.alloc(8, 1), Buffer.alloc(8, 2));
    fs.symlinkSync(victim, join(here, taken[0] as string));
    fs.writeFileSync(join(here, taken[1] as string), 'another writer');
    writeFilesAtomically([{ path: join(here, 'out.npy'), bytes: bytes('output') }]);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    expect(fs.readFileSync(join(here, taken[1] as string), 'utf8')).toBe('another writer');
    expect(fs.readFileSync(join(here, 'out.npy'), 'utf8')).toBe('output');
  });

  it.each([
    ['250 ASCII bytes', `${'a'.repeat(246)}.npy`],
    ['255 ASCII bytes', `${'b'.repeat(251)}.npy`],
    ['255 bytes of two-byte characters', `${'é'.repeat(125)}x.npy`],
  ])('writes an output whose name is %s, through a temporary name of at most 107 bytes', (_, name) => {
    expect(Buffer.byteLength(name)).toBeGreaterThanOrEqual(250);
    const here = freshDirectory();
    writeFilesAtomically([{ path: join(here, name), bytes: bytes('long') }]);
    expect(fs.readdirSync(here)).toEqual([name]);
    const temporary = temporaryNameFor(name);
    expect(Buffer.byteLength(temporary)).toBeLessThanOrEqual(107);
    expect(isTemporaryOf(temporary, name)).toBe(true);
  });

  it('a name over 255 bytes fails naming the output, not the temporary, and leaves nothing', () => {
    const here = freshDirectory();
    const out = join(here, `${'c'.repeat(252)}.npy`);
    expect(() => writeFilesAtomically([{ path: out, bytes: bytes('x') }])).toThrow(
      `${out}: cannot write the file (ENAMETOOLONG: the name is too long)`,
    );
    expect(fs.readdirSync(here)).toEqual([]);
  });

  it('a failed rename (EACCES) names that output; earlier files stay renamed, no temporary stays', () => {
    const here = freshDirectory();
    const [first, second] = [join(here, 'values.npy'), join(here, 'argmax.npy')];
    failRename = { to: second, code: 'EACCES' };
    let message = '';
    try {
      writeFilesAtomically([
        { path: first, bytes: bytes('values') },
        { path: second, bytes: bytes('argmax') },
      ]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`${second}: cannot write the file (EACCES: permission denied)`);
    expect(fs.readdirSync(here)).toEqual(['values.npy']);
  });

  it('a directory at the output name: the error names the output', () => {
    const here = freshDirectory();
    const out = join(here, 'out.npy');
    fs.mkdirSync(out);
    expect(() => writeFilesAtomically([{ path: out, bytes: bytes('x') }])).toThrow(
      new RegExp(`^${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot write the file \\((EISDIR|ENOTEMPTY|EEXIST)`),
    );
    expect(fs.readdirSync(here)).toEqual(['out.npy']);
  });

  it('a file where the output needs a directory: the error names the output', () => {
    const here = freshDirectory();
    fs.writeFileSync(join(here, 'plain'), 'x');
    const out = join(here, 'plain', 'out.npy');
    expect(() => writeFilesAtomically([{ path: out, bytes: bytes('x') }])).toThrow(
      `${out}: cannot write the file (EEXIST: a part of the path is not a directory)`,
    );
  });

  it('writeNpyFilesAtomically writes .npy files readNpy reads back', async () => {
    const here = freshDirectory();
    const tensor = { data: Float32Array.of(1, 2, 3, 4, 5, 6), shape: [2, 3] };
    writeNpyFilesAtomically([{ path: join(here, 't.npy'), tensor }]);
    expect(await readNpy(join(here, 't.npy'))).toMatchObject({ shape: [2, 3], data: tensor.data });
  });
});

describe('temporary names and stale temporaries', () => {
  it('two names for one output differ (random), and each belongs to that output only', () => {
    const [a, b] = [temporaryNameFor('out.npy'), temporaryNameFor('out.npy')];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\.out\.npy\.[0-9a-f]{12}\.roi-ops-[0-9a-f]{16}\.tmp$/);
    expect(isTemporaryOf(a, 'out.npy')).toBe(true);
    expect(isTemporaryOf(a, 'other.npy')).toBe(false);
    // Names longer than the kept prefix share it; the hash of the whole name tells them apart.
    const long = (tail: string) => `${'p'.repeat(100)}${tail}.npy`;
    expect(isTemporaryOf(temporaryNameFor(long('1')), long('2'))).toBe(false);
  });

  it('removeStaleTemporaries removes the temporaries of the outputs named, and nothing else', () => {
    const here = freshDirectory();
    const long = (tail: string) => `${'p'.repeat(100)}${tail}.npy`;
    const mine = [temporaryNameFor('out.npy'), temporaryNameFor('out.npy'), temporaryNameFor(long('1'))];
    const others = [
      temporaryNameFor('other.npy'), // another output's (another shard's, maybe in progress)
      temporaryNameFor(long('2')), // another output with the same prefix
      '.out.npy.1234-1.tmp', // not a name roi-ops makes
      'out.npy',
      `${temporaryNameFor('out.npy')}.bak`,
    ];
    for (const name of [...mine, ...others]) fs.writeFileSync(join(here, name), 'x');
    const removed = removeStaleTemporaries([
      join(here, 'out.npy'),
      join(here, long('1')),
      join(here, 'nowhere', 'x.npy'),
    ]);
    expect(removed).toBe(3);
    expect(fs.readdirSync(here).sort()).toEqual([...others].sort());
  });
});
