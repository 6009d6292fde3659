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
import { readTensorFile } from '../../cli/io/tensor-file.js';

const dir = mkdtempSync(join(tmpdir(), 'roi-ops-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `content` to a new file named `name` in the temporary folder; returns its path. */
function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const box4 = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8.5]);

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
        data: new Float32Array(0),
        shape: [0, 5],
        notices: [],
      });
    }
    expect(await readBoxesFile(write('b.csv', 'x1,y1,x2,y2'))).toEqual({
      data: new Float32Array(0),
      shape: [0, 4],
      notices: [],
    });
  });

  it.each([
    ['a word in a row', 'x1,y1,x2,y2\n1,2,3,4\n5,six,7,8\n', 'line 3 column 2 is "six"; expected a finite number'],
    ['a second header line', 'x1,y1,x2,y2\nx1,y1,x2,y2\n', 'line 2 column 1 is "x1"; expected a finite number'],
    ['a row longer than the header', 'x1,y1,x2,y2\n0,1,2,3,4\n', 'line 2 has 5 values but the header (line 1) has 4'],
    ['nan', '1,2,3,nan\n', 'line 1 column 4 is "nan"; expected a finite number'],
    ['a trailing comma', '1,2,3,4,\n', 'line 1 column 5 is ""; expected a finite number'],
    [
      'a semicolon separator',
      '1;2;3;4\n',
      'line 1 is read as a header (no field is a number) but has 1 fields; expected 4, 5 or 6 comma-separated names',
    ],
    [
      'a semicolon separator after a header',
      'x1;y1;x2;y2\n1;2;3;4\n',
      'line 1 is read as a header (no field is a number) but has 1 fields; expected 4, 5 or 6 comma-separated names',
    ],
    ['three columns', '\n1,2,3\n', 'line 2 has 3 values; expected 4, 5 or 6'],
    ['a row of another length', '0,1,2,3,4\n1,2,3,4\n', 'line 2 has 4 values but line 1 has 5'],
    ['a value past float32', '1,2,3,1e39\n', 'line 1 column 4 is "1e39", beyond float32\'s range'],
  ])('%s', refusesBoxes('b.csv'));
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
      data: new Float32Array(0),
      shape: [0, 5],
      notices: [],
    });
  });

  const expected = 'expected an array of rows [[x1, y1, x2, y2], ...] or {"boxes": rows}';
  it.each([
    ['an object without boxes', '{"rois": []}', `holds an object without "boxes"; ${expected}`],
    ['boxes that are not an array', '{"boxes": 3}', `"boxes" is 3 (number); ${expected}`],
    ['a number', '3', `holds 3 (number); ${expected}`],
    ['a row that is not an array', '[[1,2,3,4], 5]', 'row 2 is 5 (number); expected an array of 4, 5 or 6 numbers'],
    ['a row of seven', '[[1,2,3,4,5,6,7]]', 'row 1 has 7 values; expected 4, 5 or 6'],
    ['rows of two lengths', '[[0,1,2,3,4,5],[1,2,3,4]]', 'row 2 has 4 values but row 1 has 6'],
    ['null', '[[1,2,null,4]]', 'row 1 column 3 is null; expected a finite number'],
    ['an overflowing literal', '[[1,2,3,1e999]]', 'row 1 column 4 is Infinity; expected a finite number'],
  ])('%s', refusesBoxes('b.json'));

  it('invalid JSON: the parser says where', async () => {
    const path = write('b.json', '[[1,2,3,4],]');
    await expect(readBoxesFile(path)).rejects.toThrow(/^.*b\.json: not valid JSON \(.+\)$/);
  });
});

describe('readBoxesFile: .npy and the rest', () => {
  it('a float64 .npy array is converted, with its notice', async () => {
    const values = Float64Array.from([0, 1.1, 2, 3, 4]);
    const header = npyHeader('<f8', [1, 5]);
    const path = write('b.npy', new Uint8Array([...header, ...new Uint8Array(values.buffer)]));
    expect(await readBoxesFile(path)).toEqual({
      data: Float32Array.from(values),
      shape: [1, 5],
      notices: [`${path}: float64 converted to float32`],
    });
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
