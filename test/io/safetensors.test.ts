// .safetensors beyond the fixtures: the table, choosing a tensor, and every check of the header.
import { describe, expect, it } from 'vitest';

import { FileFormatError } from '../../cli/io/file-error.js';
import { parseSafetensors, safetensorsMaxHeaderLength } from '../../cli/io/safetensors.js';
import { badRefusal } from './messages.js';

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

  it('reads F16 and BF16 as bit patterns: in place when the data starts at an even byte, else a copy', () => {
    const bits = Uint16Array.of(0x3c00, 0xc000, 0x7c00);
    const data = new Uint8Array(bits.buffer);
    for (const padding of ['', ' ']) {
      // The header's length (JSON then `padding`) decides the data section's parity.
      const header = JSON.stringify({ h: entry('F16', [3], 0, 6) }) + padding;
      const bytes = file(header, data);
      const read = parseSafetensors(bytes, 'm.safetensors').read('h');
      expect(read).toEqual({ data: bits, shape: [3], dtype: 'float16', notices: [] });
      const even = (8 + header.length) % 2 === 0;
      expect(read.data.buffer === bytes.buffer).toBe(even);
    }
    const brain = parseSafetensors(file({ b: entry('BF16', [1, 3], 0, 6) }, data), 'm.safetensors').read();
    expect(brain).toEqual({ data: bits, shape: [1, 3], dtype: 'bfloat16', notices: [] });
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

  it('refuses dtypes it does not read, by name, and I64 values outside int32; reads BF16', () => {
    const table = parseSafetensors(
      file(
        { h: entry('BF16', [2], 0, 4), u: entry('U8', [4], 4, 8), big: entry('I64', [2], 8, 24) },
        new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, ...new Uint8Array(BigInt64Array.from([1n, -(2n ** 31n) - 1n]).buffer)]),
      ),
      'm.safetensors',
    );
    // BF16 (and F16) are read, as 16-bit maps: its bits, not refused.
    expect(table.read('h')).toEqual({ data: new Uint16Array(2), shape: [2], dtype: 'bfloat16', notices: [] });
    expect(() => table.read('u')).toThrow(
      problem('tensor "u" has dtype U8, which is not supported; expected F16, BF16, F32, F64, I32 or I64'),
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
    ['a header that is not an object', file('[1, 2]'), 'the header is an array of 2 items, not a JSON object'],
    ['bad metadata', file({ __metadata__: { a: 1 } }), '"__metadata__" is not an object of strings'],
    [
      'an entry that is not an object',
      file({ w: [1] }),
      'tensor "w" is an array of 1 item; expected {dtype, shape, data_offsets}',
    ],
    [
      'an unknown field',
      file({ w: { ...entry('F32', [0], 0, 0), offset: 3 } }),
      'tensor "w" has an unknown field "offset"; expected dtype, shape and data_offsets',
    ],
    ['a missing field', file({ w: { dtype: 'F32', shape: [0] } }), 'tensor "w" has no field "data_offsets"'],
    [
      'an unknown dtype',
      file({ w: entry('F128', [0], 0, 0) }),
      'tensor "w" has an unknown dtype "F128"; expected one of ' +
        'BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64',
    ],
    [
      'a shape of strings',
      file({ w: { dtype: 'F32', shape: ['2'], data_offsets: [0, 8] } }),
      'tensor "w" has a shape whose dimension 0 is the string "2"; expected an array of integers',
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

describe('parseSafetensors: the tensors tile the data section (as the reference implementation requires)', () => {
  it('accepts tensors in any header order, empty ones anywhere', () => {
    const table = parseSafetensors(
      file({ b: entry('F32', [1], 4, 8), e: entry('F32', [0], 4, 4), a: entry('F32', [1], 0, 4) }, f32(1, 2)),
      'm.safetensors',
    );
    expect([table.read('a').data, table.read('b').data]).toEqual([Float32Array.of(1), Float32Array.of(2)]);
  });

  it.each([
    [
      'overlapping tensors',
      file({ a: entry('F32', [2], 0, 8), b: entry('F32', [1], 4, 8) }, f32(1, 2)),
      'tensor "b" has data_offsets [4,8], overlapping tensor "a" (up to 8); tensors must not share bytes',
    ],
    [
      'one tensor twice',
      file({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 0, 4) }, f32(1)),
      'tensor "b" has data_offsets [0,4], overlapping tensor "a" (up to 4); tensors must not share bytes',
    ],
    [
      'a gap',
      file({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) }, f32(1, 2, 3)),
      'tensor "b" has data_offsets [8,12], leaving bytes 4 to 8 of the data section to no tensor',
    ],
    [
      'trailing bytes',
      file({ a: entry('F32', [1], 0, 4) }, f32(1, 2)),
      '4 trailing bytes: the tensors end at byte 4 of the data section, which is 8 bytes',
    ],
    [
      'data and no tensors',
      file({}, f32(1)),
      '4 trailing bytes: the tensors end at byte 0 of the data section, which is 4 bytes',
    ],
  ])('refuses %s', (_, bytes, message) => {
    expect(() => parseSafetensors(bytes, 'm.safetensors')).toThrow(problem(message));
  });
});

describe('parseSafetensors: hostile headers', () => {
  it('a shape nested 100,000 deep: a message naming the file, not a stack overflow', () => {
    const deep = `{"w":{"dtype":"F32","shape":${'['.repeat(1e5)}${']'.repeat(1e5)},"data_offsets":[0,0]}}`;
    expect(() => parseSafetensors(file(deep), 'm.safetensors')).toThrow(
      problem('tensor "w" has a shape whose dimension 0 is an array of 1 item; expected an array of integers'),
    );
  });

  it('a huge shape or key: messages of bounded length', () => {
    const dims = Array.from({ length: 1e6 }, () => -1);
    const error = catchError(() => parseSafetensors(file({ w: entry('F32', dims, 0, 0) }), 'm.safetensors'));
    expect(error.message).toMatch(
      /^m\.safetensors: tensor "w": shape \[[-1,]+\.\.\. \(cut: 3000001 characters in all\) is not valid: dimension 0 is -1; expected non-negative integers$/,
    );
    expect(error.message.length).toBeLessThan(300);
    const key = 'k'.repeat(5e6);
    const table = parseSafetensors(file({ [key]: entry('F32', [0], 0, 0) }), 'm.safetensors');
    const missing = catchError(() => table.read(`${key}x`));
    expect(missing.message).toBe(
      `m.safetensors: has no tensor "${'k'.repeat(80)}"... (5000001 characters); it holds "${'k'.repeat(40)}"... (5000000 characters)`,
    );
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'the name %s is a name like any other: as a dtype, a key, a field',
    (name) => {
      expect(() => parseSafetensors(file({ w: entry(name, [0], 0, 0) }), 'm.safetensors')).toThrow(
        problem(`tensor "w" has an unknown dtype "${name}"; expected one of ${dtypeList}`),
      );
      const table = parseSafetensors(
        file(`{"${name}": ${JSON.stringify(entry('F32', [1], 0, 4))}}`, f32(3)),
        'm.safetensors',
      );
      expect(table.read(name).data).toEqual(Float32Array.of(3));
      expect(() => table.read('dtype')).toThrow(problem(`has no tensor "dtype"; it holds "${name}"`));
      expect(() => parseSafetensors(file({}), 'm.safetensors').read(name)).toThrow(
        problem(`has no tensor "${name}"; it holds none`),
      );
      const extra = `{"w": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0], "${name}": 1}}`;
      expect(() => parseSafetensors(file(extra), 'm.safetensors')).toThrow(
        problem(`tensor "w" has an unknown field "${name}"; expected dtype, shape and data_offsets`),
      );
    },
  );

  it('control characters in a key or a dtype are escaped', () => {
    const key = 'w\nroi-ops batch: done\u001b[2J\u202e';
    const bytes = file({ [key]: entry('F32\r', [0], 0, 0) });
    expect(() => parseSafetensors(bytes, 'm.safetensors')).toThrow(
      problem(
        'tensor "w\\nroi-ops batch: done\\u001b[2J\\u202e" has an unknown dtype "F32\\r"; ' +
          `expected one of ${dtypeList}`,
      ),
    );
    const invalid = file('{"a": 1, \u0007}');
    const error = catchError(() => parseSafetensors(invalid, 'm.safetensors'));
    expect(error.message).toMatch(/^m\.safetensors: the header is not valid JSON \(.*\)$/);
    expect(badRefusal(error, 'm.safetensors')).toBeUndefined();
  });
});

const dtypeList = 'BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64';

function catchError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
