// Every fixture of test/fixtures/io/ (scripts/make-io-fixtures.py, numpy): the good ones read
// back as numpy read them (expected.json), the bad ones give their exact message.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { readBoxesFile } from '../../cli/io/boxes-file.js';
import { FileFormatError } from '../../cli/io/file-error.js';
import { readTensorFile } from '../../cli/io/tensor-file.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'io');
const fixture = (name: string) => join(dir, name);

interface Expected {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int32' | 'int64';
  values: number[];
}
const manifest = JSON.parse(readFileSync(fixture('expected.json'), 'utf8')) as { fixtures: Record<string, Expected> };

/** What reading should give for numpy's array: float32 as is, float64 rounded, integers as int32. */
function converted(expected: Expected) {
  const float = expected.dtype.startsWith('float');
  return {
    shape: expected.shape,
    dtype: float ? 'float32' : 'int32',
    data: float ? Float32Array.from(expected.values) : Int32Array.from(expected.values),
    converts: expected.dtype === 'float64',
  };
}

describe('good fixtures read back as numpy wrote them', () => {
  const tensors = Object.entries(manifest.fixtures).filter(([name]) => !name.startsWith('boxes'));
  it.each(tensors)('%s', async (name, expected) => {
    const [file, key] = name.split('#') as [string, string | undefined];
    const path = fixture(file);
    const result = await readTensorFile(path, key === undefined ? {} : { key });
    const want = converted(expected);
    expect(result.shape).toEqual(want.shape);
    expect(result.dtype).toBe(want.dtype);
    expect(result.data).toEqual(want.data);
    // The data is in its own, aligned buffer, not a view into the file's bytes.
    expect(result.data.byteOffset).toBe(0);
    expect(result.data.buffer.byteLength).toBe(result.data.byteLength);
    const from = file.endsWith('.npy') ? 'float64' : 'F64';
    expect(result.notices).toEqual(want.converts ? [`${path}: ${from} converted to float32`] : []);
  });

  it('covers every format version, both byte orders, 0-d and empty arrays, and each safetensors dtype', () => {
    expect(tensors.map(([name]) => name).sort()).toEqual([
      'empty.npy',
      'f32.safetensors#features',
      'f4-1d.npy',
      'f4-big-endian.npy',
      'f4-v2.npy',
      'f4-v3.npy',
      'f4.npy',
      'f64.safetensors#x',
      'f8-big-endian.npy',
      'f8.npy',
      'i4.npy',
      'i64.safetensors#indices',
      'i8-big-endian.npy',
      'i8.npy',
      'scalar.npy',
      'two.safetensors#a',
      'two.safetensors#b',
    ]);
    expect([...readFileSync(fixture('f4-v2.npy')).subarray(6, 8)]).toEqual([2, 0]);
    expect([...readFileSync(fixture('f4-v3.npy')).subarray(6, 8)]).toEqual([3, 0]);
  });

  const boxes = Object.entries(manifest.fixtures).filter(([name]) => name.startsWith('boxes'));
  it.each(boxes)('%s', async (name, expected) => {
    const result = await readBoxesFile(fixture(name));
    expect(result.shape).toEqual(expected.shape);
    // A float32 .npy is read as stored; JSON and CSV as written, in float64, for the library to judge.
    const Type = name.endsWith('.npy') ? Float32Array : Float64Array;
    expect(result.data).toEqual(Type.from(expected.values));
    expect(result.notices).toEqual([]);
  });
});

describe('16-bit fixtures numpy wrote read as their bit patterns', () => {
  // numpy.arange(4, dtype=numpy.float16): 0, 1, 2, 3 are 0x0000, 0x3c00, 0x4000, 0x4200 in IEEE half.
  const bits = Uint16Array.of(0x0000, 0x3c00, 0x4000, 0x4200);
  it.each(['f2.npy', 'f16.safetensors'])('%s', async (name) => {
    const result = await readTensorFile(fixture(name));
    expect(result).toEqual({ data: bits, shape: [4], dtype: 'float16', notices: [] });
  });
});

describe('bad fixtures: a FileFormatError that names the file and what is wrong', () => {
  const bad: Array<[string, string]> = [
    ['bad-magic.npy', 'not a .npy file: it does not start with the magic string "\\x93NUMPY"'],
    ['truncated.npy', 'truncated: the header says shape [2,3,4] float32 (96 bytes of data) but 86 bytes follow'],
    ['trailing.npy', 'trailing bytes: the header says shape [2,3,4] float32 (96 bytes of data) but 104 bytes follow'],
    ['truncated-header.npy', 'truncated: the header is 118 bytes long but only 30 bytes follow its length'],
    [
      'fortran.npy',
      'Fortran-order (column-major) arrays are not supported; save a C-order array (numpy.ascontiguousarray) instead',
    ],
    [
      'object.npy',
      'dtype "|O" is an object array (pickled Python objects), which is not supported; expected float16, float32, float64, int32 or int64',
    ],
    ['u1.npy', 'dtype "|u1" (uint8) is not supported; expected float16, float32, float64, int32 or int64'],
    [
      'i8-out-of-range.npy',
      "element 5 (index [1,2]) is 1099511627776, outside int32's range [-2147483648, 2147483647]",
    ],
    ['negative-shape.npy', 'the shape (2, -3) is not valid: dimension 1 is -3; expected non-negative integers'],
    ['header-past-end.safetensors', 'truncated: the header length is 4096 bytes but only 8 bytes follow it'],
    [
      'offsets-out-of-range.safetensors',
      'tensor "w" has data_offsets [8,32], past the end of the data section (24 bytes)',
    ],
    ['two.safetensors', 'holds 2 tensors ("a", "b"); name the one to read'],
  ];
  it.each(bad)('%s', async (name, problem) => {
    const path = fixture(name);
    await expect(readTensorFile(path)).rejects.toThrow(new FileFormatError(path, problem));
    try {
      await readTensorFile(path);
    } catch (error) {
      expect(error).toBeInstanceOf(FileFormatError);
      expect((error as FileFormatError).file).toBe(path);
    }
  });

  it('bad-json.safetensors: the JSON parser says where', async () => {
    const path = fixture('bad-json.safetensors');
    const header = readFileSync(path).subarray(8).toString('utf8');
    const parserMessage = (() => {
      try {
        JSON.parse(header);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('the header parsed');
    })();
    await expect(readTensorFile(path)).rejects.toThrow(
      new FileFormatError(path, `the header is not valid JSON (${parserMessage})`),
    );
  });

  it.each([
    ['boxes-ragged.csv', 'line 4 has 3 values but the header (line 1) has 4'],
    ['boxes-bad.json', 'row 2 column 3 is the string "2"; expected a number (or null for NaN)'],
    ['f4-1d.npy', 'has shape [3]; boxes must be [K, 4], [K, 5] or [K, 6]'],
    // Integers are read (pixel boxes saved as int64); this one has the wrong shape.
    ['i8.npy', 'has shape [2,3]; boxes must be [K, 4], [K, 5] or [K, 6]'],
    ['f4.npy', 'has shape [2,3,4]; boxes must be [K, 4], [K, 5] or [K, 6]'],
  ])('boxes: %s', async (name, problem) => {
    const path = fixture(name);
    await expect(readBoxesFile(path)).rejects.toThrow(new FileFormatError(path, problem));
  });
});
