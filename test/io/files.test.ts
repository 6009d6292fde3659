// readBoxesFile and readTensorFile on files written here: every accepted spelling of a boxes
// file, every refusal with its message (the row or line and column, 1-based), and choosing the
// reader by extension.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { readBoxesFile } from '../../cli/io/boxes-file.js';
import { FileFormatError } from '../../cli/io/file-error.js';
import { encodeNpy, npyHeader } from '../../cli/io/npy.js';
import { readIndicesFile, readTensorFile } from '../../cli/io/tensor-file.js';

const dir = mkdtempSync(join(tmpdir(), 'roi-ops-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `content` to a new file named `name` in the temporary folder; returns its path. */
function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

// CSV and JSON boxes are read as written, in float64 (the library judges them before narrowing).
const box4 = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8.5]);

/** A test case: `text` written as `name` is refused with `problem`. */
const refusesBoxes = (name: string) => async (_: string, text: string, problem: string) => {
  const path = write(name, text);
  await expect(readBoxesFile(path)).rejects.toThrow(new FileFormatError(path, problem));
};

describe('readBoxesFile: CSV', () => {
  it.each([
    ['a header, CRLF and a blank last line', 'x1,y1,x2,y2\r\n1,2,3,4\r\n5,6,7,8.5\r\n\r\n'],
    ['no header, spaces around fields, blank lines between rows', '1, 2 ,3,4\n\n  \n5,6,7,8.5'],
    ['a byte order mark and a quoted header', '\uFEFF"x1","y1","x2","y2"\n1,2,3,4\n5,6,7,8.5\n'],
    ['exponents and signs', '1e0,+2,3.,.4e1\n5,6.0,7,850e-2\n'],
  ])('%s', async (_, text) => {
    expect(await readBoxesFile(write('b.csv', text))).toEqual({ data: box4, shape: [2, 4], notices: [] });
  });

  it('an empty file is no boxes, [0, 5]; a header alone gives its number of columns', async () => {
    for (const text of ['', '\n\n', 'batch,x1,y1,x2,y2\n']) {
      expect(await readBoxesFile(write('b.csv', text))).toEqual({
        data: new Float64Array(0),
        shape: [0, 5],
        notices: [],
      });
    }
    expect(await readBoxesFile(write('b.csv', 'x1,y1,x2,y2'))).toEqual({
      data: new Float64Array(0),
      shape: [0, 4],
      notices: [],
    });
  });

  it.each([
    [
      'a word in a row',
      'x1,y1,x2,y2\n1,2,3,4\n5,six,7,8\n',
      'line 3 column 2 is "six"; expected a number (or nan, inf)',
    ],
    ['a second header line', 'x1,y1,x2,y2\nx1,y1,x2,y2\n', 'line 2 column 1 is "x1"; expected a number (or nan, inf)'],
    ['a row longer than the header', 'x1,y1,x2,y2\n0,1,2,3,4\n', 'line 2 has 5 values but the header (line 1) has 4'],
    ['a trailing comma', '1,2,3,4,\n', 'line 1 column 5 is ""; expected a number (or nan, inf)'],
    [
      'a semicolon separator',
      '1;2;3;4\n',
      'line 1 has no comma; fields are separated by commas, not semicolons or tabs',
    ],
    [
      'a semicolon separator after a header',
      'x1;y1;x2;y2\n1;2;3;4\n',
      'line 1 has no comma; fields are separated by commas, not semicolons or tabs',
    ],
    ['three columns', '\n1,2,3\n', 'line 2 has 3 values; expected 4, 5 or 6'],
    [
      'a header of three names',
      'x,y,z\n',
      'line 1 is read as a header (every field is a name) but has 3 fields; expected 4, 5 or 6 comma-separated names',
    ],
    ['a row of another length', '0,1,2,3,4\n1,2,3,4\n', 'line 2 has 4 values but line 1 has 5'],
    [
      'a first line with a name and a number',
      'x1,y1,x2,3\n',
      'line 1 column 1 is "x1"; expected a number (or nan, inf)',
    ],
    [
      'control characters in a field',
      '1,2,3,4\n1,2,3,\u001b[2J\u202e\n',
      'line 2 column 4 is "\\u001b[2J\\u202e"; expected a number (or nan, inf)',
    ],
  ])('%s', refusesBoxes('b.csv'));

  // Issue 16 item 5: a first line is a header only when every field is a name.
  it.each([
    [
      'numpy.savetxt with a NaN first row',
      'nan,nan,nan,nan,nan\n0,1,1,9,9\n',
      [NaN, NaN, NaN, NaN, NaN, 0, 1, 1, 9, 9],
      5,
    ],
    ['a one-row quoted CSV', '"0","1","1","9","9"\n', [0, 1, 1, 9, 9], 5],
    ['inf, -inf, Infinity and +NaN, any case', 'INF,-inf,Infinity,+NaN\n', [Infinity, -Infinity, Infinity, NaN], 4],
    [
      'a quoted header, then quoted numbers',
      '"batch_index","x1","y1","x2","y2"\n"0","1.5","1","9","9"\n',
      [0, 1.5, 1, 9, 9],
      5,
    ],
    ['column names with spaces, dots and dashes', 'batch index,box.x1,y-1,x2,y2\n0,1,1,9,9\n', [0, 1, 1, 9, 9], 5],
  ])('%s: every row is a row', async (_, text, values, columns) => {
    const read = await readBoxesFile(write('b.csv', text));
    expect(read).toEqual({ data: Float64Array.from(values), shape: [values.length / columns, columns], notices: [] });
  });

  // The former number pattern tried every split of a run of digits: quadratic, 44 s for a 400 KB
  // field. This field is 2.5 times that long, so a quadratic parse would take minutes (the test
  // would time out); a linear one takes milliseconds.
  it('refuses a 1 MB field of digits ending in a letter without backtracking', async () => {
    const field = `${'1'.repeat(1_000_000)}x`;
    const path = write('long.csv', `${field},${field},${field},${field}\n`);
    await expect(readBoxesFile(path)).rejects.toThrow(
      new FileFormatError(
        path,
        `line 1 column 1 is "${'1'.repeat(80)}"... (1000001 characters); expected a number (or nan, inf)`,
      ),
    );
  });

  it('reads a CSV in chunks: lines split across chunks, CRLF, and an abort between chunks', async () => {
    // Over 2 MiB, so the text is read in three chunks; the line numbers carry across them.
    const row = '0,1.25,2.5,30,40.75\r\n';
    const count = Math.ceil((2.5 * 2 ** 20) / row.length);
    const path = write('many.csv', `b,x1,y1,x2,y2\r\n${row.repeat(count)}0,1,2,3\r\n`);
    await expect(readBoxesFile(path)).rejects.toThrow(
      new FileFormatError(path, `line ${count + 2} has 4 values but the header (line 1) has 5`),
    );
    const whole = write('whole.csv', `b,x1,y1,x2,y2\r\n${row.repeat(count)}`);
    const read = await readBoxesFile(whole);
    expect(read.shape).toEqual([count, 5]);
    expect([...read.data.subarray(-5)]).toEqual([0, 1.25, 2.5, 30, 40.75]);
    const controller = new AbortController();
    const reading = readBoxesFile(whole, { signal: controller.signal });
    setImmediate(() => controller.abort());
    await expect(reading).rejects.toThrow(expect.objectContaining({ name: 'AbortError' }));
  });
});

describe('readBoxesFile: JSON', () => {
  it('takes rows, or {"boxes": rows} beside other keys', async () => {
    expect(await readBoxesFile(write('b.json', '[[1,2,3,4],[5,6,7,8.5]]'))).toEqual({
      data: box4,
      shape: [2, 4],
      notices: [],
    });
    const dump = JSON.stringify({
      scores: [0.9, 0.8],
      boxes: [
        [1, 2, 3, 4],
        [5, 6, 7, 8.5],
      ],
    });
    expect(await readBoxesFile(write('b.json', dump))).toEqual({ data: box4, shape: [2, 4], notices: [] });
    expect(await readBoxesFile(write('b.json', '{"boxes": []}'))).toEqual({
      data: new Float64Array(0),
      shape: [0, 5],
      notices: [],
    });
  });

  const expected = 'expected an array of rows [[x1, y1, x2, y2], ...] or {"boxes": rows}';
  it.each([
    ['an object without boxes', '{"rois": []}', `holds an object without "boxes"; ${expected}`],
    ['boxes that are not an array', '{"boxes": 3}', `"boxes" is 3; ${expected}`],
    ['boxes only inherited', '{"constructor": 1}', `holds an object without "boxes"; ${expected}`],
    ['a string', '[[1,2,"3\\n",4]]', 'row 1 column 3 is the string "3\\n"; expected a number (or null for NaN)'],
    ['a number', '3', `holds 3; ${expected}`],
    ['a row that is not an array', '[[1,2,3,4], 5]', 'row 2 is 5; expected an array of 4, 5 or 6 numbers'],
    ['a row of seven', '[[1,2,3,4,5,6,7]]', 'row 1 has 7 values; expected 4, 5 or 6'],
    ['rows of two lengths', '[[0,1,2,3,4,5],[1,2,3,4]]', 'row 2 has 4 values but row 1 has 6'],
  ])('%s', refusesBoxes('b.json'));

  it('null is NaN, and 1e999 is Infinity: values for the library to judge', async () => {
    expect(await readBoxesFile(write('b.json', '[[0,1,null,4,5],[0,1,2,1e999,5]]'))).toEqual({
      data: Float64Array.from([0, 1, NaN, 4, 5, 0, 1, 2, Infinity, 5]),
      shape: [2, 5],
      notices: [],
    });
  });

  it('invalid JSON: the parser says where', async () => {
    const path = write('b.json', '[[1,2,3,4],]');
    await expect(readBoxesFile(path)).rejects.toThrow(/^.*b\.json: not valid JSON \(.+\)$/);
  });
});

describe('readBoxesFile: .npy and the rest', () => {
  it('a float64 .npy array is read as float64, for the library to judge before narrowing', async () => {
    const values = Float64Array.from([0.9999999999, 1.1, 2, 3, 4]);
    const header = npyHeader('<f8', [1, 5]);
    const path = write('b.npy', new Uint8Array([...header, ...new Uint8Array(values.buffer)]));
    expect(await readBoxesFile(path)).toEqual({ data: values, shape: [1, 5], notices: [] });
  });

  it('a float32 .npy array is read as float32', async () => {
    const values = Float32Array.from([0, 1.1, 2, 3, 4]);
    const path = write('b32.npy', encodeNpy({ data: values, shape: [1, 5] }));
    expect(await readBoxesFile(path)).toEqual({ data: values, shape: [1, 5], notices: [] });
  });

  it('refuses an unknown extension and a missing file', async () => {
    const txt = write('b.txt', '1,2,3,4');
    await expect(readBoxesFile(txt)).rejects.toThrow(
      new FileFormatError(txt, 'unknown boxes file type ".txt"; expected .npy, .json or .csv'),
    );
    const missing = join(dir, 'missing.csv');
    await expect(readBoxesFile(missing)).rejects.toThrow(new FileFormatError(missing, 'cannot read the file (ENOENT)'));
  });
});

describe('readIndicesFile', () => {
  const npyOf = (descr: string, shape: number[], values: ArrayBufferView) =>
    new Uint8Array([
      ...npyHeader(descr, shape),
      ...new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    ]);

  it('float64 indices as written (not rounded by float32), integers as int32, float32 as numbers', async () => {
    expect(await readIndicesFile(write('i8.npy', npyOf('<f8', [3], Float64Array.of(0.9999999999, 1, 2))))).toEqual([
      0.9999999999, 1, 2,
    ]);
    expect(await readIndicesFile(write('i64.npy', npyOf('<i8', [2], BigInt64Array.of(1n, 0n))))).toEqual(
      Int32Array.of(1, 0),
    );
    expect(await readIndicesFile(write('f4.npy', npyOf('<f4', [2], Float32Array.of(1, 0.5))))).toEqual([1, 0.5]);
    const values = Float64Array.of(0.99999999, 3);
    const header = Buffer.from(JSON.stringify({ k: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } }));
    const length = new Uint8Array(BigUint64Array.of(BigInt(header.length)).buffer);
    const safetensors = write(
      'i.safetensors',
      new Uint8Array([...length, ...header, ...new Uint8Array(values.buffer)]),
    );
    expect(await readIndicesFile(safetensors, { key: 'k' })).toEqual([0.99999999, 3]);
    expect(await readIndicesFile(safetensors)).toEqual([0.99999999, 3]);
  });
});

describe('readTensorFile', () => {
  it('chooses the reader by extension, in any case', async () => {
    const path = write('T.NPY', encodeNpy({ data: Float32Array.from([1, 2]), shape: [2] }));
    expect(await readTensorFile(path)).toEqual({
      data: Float32Array.from([1, 2]),
      shape: [2],
      dtype: 'float32',
      notices: [],
    });
  });

  it('refuses an unknown extension, and a key for a .npy file', async () => {
    const pt = write('model.pt', '');
    await expect(readTensorFile(pt)).rejects.toThrow(
      new FileFormatError(pt, 'unknown tensor file type ".pt"; expected .npy or .safetensors'),
    );
    const npy = write('t.npy', encodeNpy({ data: Float32Array.from([1]), shape: [1] }));
    await expect(readTensorFile(npy, { key: 'x' })).rejects.toThrow(
      new FileFormatError(npy, 'a key ("x") selects a tensor of a .safetensors file; a .npy file holds one array'),
    );
  });

  it('checks its options as the operators do', async () => {
    const npy = join(dir, 't.npy');
    await expect(readTensorFile(npy, { name: 'x' } as never)).rejects.toThrow(
      new TypeError('readTensorFile: unknown option options.name; expected one of key, signal, maxInputBytes'),
    );
    await expect(readTensorFile(npy, { key: 3 } as never)).rejects.toThrow(
      new TypeError('readTensorFile: expected a string for options.key but received 3 (number)'),
    );
  });
});
