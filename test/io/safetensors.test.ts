// .safetensors beyond the fixtures: the table, choosing a tensor, and every check of the header.
import { describe, expect, it } from 'vitest';

import { FileFormatError } from '../../cli/io/file-error.js';
import { parseSafetensors, safetensorsMaxHeaderLength } from '../../cli/io/safetensors.js';

/** A file with `header` (an object, or JSON text as is) and `data` after it, unpadded. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const text = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const bytes = new Uint8Array(8 + text.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(text.length), true);
  bytes.set(text, 8);
  bytes.set(data, 8 + text.length);
  return bytes;
}

const f32 = (...values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const entry = (dtype: string, shape: number[], begin: number, end: number) => ({
  dtype,
  shape,
  data_offsets: [begin, end],
});
const problem = (text: string) => new FileFormatError('m.safetensors', text);

describe('parseSafetensors', () => {
  it('lists every tensor and the metadata, and reads each by key (at any alignment)', () => {
    const data = new Uint8Array([...f32(1, 2, 3), ...new Uint8Array(Int32Array.from([7, -8]).buffer)]);
    // A header of odd length puts the data section at an odd offset of the file.
    const table = parseSafetensors(
      file({ w: entry('F32', [3], 0, 12), i: entry('I32', [1, 2], 12, 20), __metadata__: { format: 'pt' } }, data),
      'm.safetensors',
    );
    expect(table.metadata).toEqual({ format: 'pt' });
    expect([...table.tensors]).toEqual([
      ['w', { dtype: 'F32', shape: [3], dataOffsets: [0, 12] }],
      ['i', { dtype: 'I32', shape: [1, 2], dataOffsets: [12, 20] }],
    ]);
    expect(table.read('w')).toEqual({ data: Float32Array.from([1, 2, 3]), shape: [3], dtype: 'float32', notices: [] });
    expect(table.read('i')).toEqual({ data: Int32Array.from([7, -8]), shape: [1, 2], dtype: 'int32', notices: [] });
    expect(() => table.read()).toThrow(problem('holds 2 tensors ("w", "i"); name the one to read'));
    expect(() => table.read('x')).toThrow(problem('has no tensor "x"; it holds "w", "i"'));
  });

  it('reads the only tensor without a key; lists at most 20 keys', () => {
    expect(parseSafetensors(file({ only: entry('F32', [], 0, 4) }, f32(5)), 'm.safetensors').read().data).toEqual(
      Float32Array.from([5]),
    );
    expect(() => parseSafetensors(file({}), 'm.safetensors').read()).toThrow(problem('holds no tensors'));
    expect(() => parseSafetensors(file({}), 'm.safetensors').read('w')).toThrow(
      problem('has no tensor "w"; it holds none'),
    );
    const many = Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`t${i}`, entry('F32', [0], 0, 0)]));
    const keys = Array.from({ length: 20 }, (_, i) => `"t${i}"`).join(', ');
    expect(() => parseSafetensors(file(many), 'm.safetensors').read('x')).toThrow(
      problem(`has no tensor "x"; it holds ${keys}, ... (3 more)`),
    );
  });

  it('refuses dtypes it does not read, by name, and I64 values outside int32', () => {
    const table = parseSafetensors(
      file(
        { h: entry('BF16', [2], 0, 4), u: entry('U8', [4], 0, 4), big: entry('I64', [2], 4, 20) },
        new Uint8Array([0, 0, 0, 0, ...new Uint8Array(BigInt64Array.from([1n, -(2n ** 31n) - 1n]).buffer)]),
      ),
      'm.safetensors',
    );
    expect(() => table.read('h')).toThrow(
      problem(
        'tensor "h" has dtype BF16, which is not supported; convert it to F32 first (in PyTorch: tensor.float())',
      ),
    );
    expect(() => table.read('u')).toThrow(
      problem('tensor "u" has dtype U8, which is not supported; expected F32, F64, I32 or I64'),
    );
    expect(() => table.read('big')).toThrow(
      problem("element 1 (index [1]) is -2147483649, outside int32's range [-2147483648, 2147483647]"),
    );
  });

  const bad: Array<[string, Uint8Array, string]> = [
    ['a file shorter than the length', new Uint8Array(5), 'truncated: 5 bytes, shorter than the 8-byte header length'],
    [
      'a header length over the limit',
      Uint8Array.from([0, 0, 0, 0, 0, 1, 0, 0]),
      `the header length is 1099511627776 bytes, over the limit of ${safetensorsMaxHeaderLength}`,
    ],
    ['a header that is not an object', file('[1, 2]'), 'the header is [1,2] (array), not a JSON object'],
    ['bad metadata', file({ __metadata__: { a: 1 } }), '"__metadata__" is not an object of strings'],
    [
      'an entry that is not an object',
      file({ w: [1] }),
      'tensor "w" is [1] (array); expected {dtype, shape, data_offsets}',
    ],
    [
      'an unknown field',
      file({ w: { ...entry('F32', [0], 0, 0), offset: 3 } }),
      'tensor "w" has an unknown field "offset"; expected dtype, shape and data_offsets',
    ],
    ['a missing field', file({ w: { dtype: 'F32', shape: [0] } }), 'tensor "w" has no field "data_offsets"'],
    ['an unknown dtype', file({ w: entry('F128', [0], 0, 0) }), 'tensor "w" has an unknown dtype "F128"'],
    [
      'a shape of strings',
      file({ w: { dtype: 'F32', shape: ['2'], data_offsets: [0, 8] } }),
      'tensor "w" has shape ["2"]; expected an array of integers',
    ],
    [
      'a negative dimension',
      file({ w: entry('F32', [2, -1], 0, 0) }),
      'tensor "w": shape [2,-1] is not valid: dimension 1 is -1; expected non-negative integers',
    ],
    [
      'reversed offsets',
      file({ w: entry('F32', [0], 4, 0) }, f32(1)),
      'tensor "w" has data_offsets [4,0]; expected [begin, end], integers with 0 <= begin <= end',
    ],
    [
      'offsets of the wrong size',
      file({ w: entry('F32', [2], 0, 4) }, f32(1, 2)),
      'tensor "w" has data_offsets [0,4] (4 bytes) but shape [2] F32 needs 8 bytes',
    ],
  ];
  it.each(bad)('%s', (_, bytes, message) => {
    expect(() => parseSafetensors(bytes, 'm.safetensors')).toThrow(problem(message));
  });
});
