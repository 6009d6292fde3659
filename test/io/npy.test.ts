// .npy beyond the fixtures: what we write is byte for byte what numpy writes, every way a header
// can be malformed gives its message, and random arrays of every stored type round-trip.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { FileFormatError } from '../../cli/io/file-error.js';
import { encodeNpy, npyHeader, npyMaxHeaderLength, parseNpy, readNpy, writeNpy } from '../../cli/io/npy.js';
import { prng } from '../helpers/gradient-cases.js';
import { badRefusal } from './messages.js';

const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'io', name);

describe('encodeNpy writes what numpy writes', () => {
  // Each of these was written by np.save from a '<f4' or '<i4' C-order array.
  it.each(['f4.npy', 'f4-1d.npy', 'i4.npy', 'scalar.npy', 'empty.npy', 'boxes.npy'])('%s', (name) => {
    const numpyBytes = new Uint8Array(readFileSync(fixture(name)));
    expect(encodeNpy(parseNpy(numpyBytes, name))).toEqual(numpyBytes);
  });

  it('writeNpy writes a file readNpy reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roi-ops-npy-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'out.npy');
    const tensor = { data: Int32Array.from([3, -1, 7, 0]), shape: [2, 2] };
    writeNpy(path, tensor);
    expect(await readNpy(path)).toEqual({ ...tensor, dtype: 'int32', notices: [] });
  });

  it('takes any view: a subarray at an odd element offset is written from its own start', () => {
    const base = Float32Array.from([9, 1, 2, 3]);
    const bytes = encodeNpy({ data: base.subarray(1), shape: [3] });
    expect(parseNpy(bytes, 'x.npy').data).toEqual(Float32Array.from([1, 2, 3]));
  });

  it("pads to 64 bytes, and switches to format 2.0 when the header outgrows 1.0's 16-bit length", () => {
    for (const rank of [0, 1, 5, 100, 30000]) {
      const header = npyHeader('<f4', new Array<number>(rank).fill(1));
      expect(header.length % 64).toBe(0);
      expect(header[header.length - 1]).toBe(0x0a);
      expect(header[6]).toBe(rank === 30000 ? 2 : 1);
    }
  });

  it('refuses a tensor it cannot write', () => {
    expect(() => encodeNpy({ data: new Float64Array(2) as never, shape: [2] })).toThrow(
      new TypeError(
        'encodeNpy: expected a Float32Array, an Int32Array or a Uint16Array for tensor.data but received Float64Array(2)',
      ),
    );
    // 16-bit patterns: numpy reads float16, and has no bfloat16 (ml_dtypes saves it as raw '<V2' records).
    expect(() => encodeNpy({ data: new Uint16Array(2), shape: [2], dtype: 'bfloat16' })).toThrow(
      new RangeError(
        'encodeNpy: tensor.dtype is "bfloat16": numpy has no bfloat16 dtype, so a .npy file cannot hold it',
      ),
    );
    expect(() => encodeNpy({ data: new Uint16Array(2), shape: [2] })).toThrow(
      new RangeError(
        "encodeNpy: expected 'float16' for tensor.dtype (a Uint16Array is written as float16) but received undefined",
      ),
    );
    expect(() => encodeNpy({ data: new Float32Array(5), shape: [2, 3] })).toThrow(
      new RangeError('encodeNpy: tensor.data has 5 elements, shape [2,3] needs 6'),
    );
    expect(() => encodeNpy({ data: new Float32Array(0), shape: [-1, 0] })).toThrow(
      new RangeError('encodeNpy: expected an integer >= 0 for tensor.shape[0] but received -1 (number)'),
    );
  });
});

/** A version-1.0 file whose header is `header` as given (numpy would pad it; we need not). */
function withHeader(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const text = Buffer.from(header, 'latin1');
  const bytes = new Uint8Array(10 + text.length + data.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8]);
  bytes.set(text, 10);
  bytes.set(data, 10 + text.length);
  return bytes;
}

const floats = (...values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

describe('header parsing', () => {
  it('accepts any key order, double quotes, no trailing comma, Python 2 longs and white space', () => {
    for (const header of [
      "{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}",
      '{"descr": "<f4", "fortran_order": False, "shape": (2,)}\n',
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2L,), }",
      "  {\n'descr' : '<f4' ,'fortran_order':False,'shape':( 2 , ) }  ",
    ]) {
      expect(parseNpy(withHeader(header, floats(1.5, -2)), 'x.npy')).toEqual({
        data: Float32Array.from([1.5, -2]),
        shape: [2],
        dtype: 'float32',
        notices: [],
      });
    }
  });

  it("reads '|' and '=' as little-endian, and a descr without a byte order too", () => {
    for (const descr of ['|f4', '=f4', 'f4']) {
      const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (1,), }`;
      expect(parseNpy(withHeader(header, floats(0.25)), 'x.npy').data).toEqual(Float32Array.from([0.25]));
    }
  });

  // What numpy.dtype() (which numpy.load calls on the descr) takes for the four readable types,
  // as checked with numpy 2.4: each spelling reads the same two values.
  it.each([
    ['float32', ['float32', 'single', 'f', '<f', 'f4', '>f4', '=f4', '|f4'], Float32Array],
    ['float64', ['float64', 'double', 'float', 'd', '<d', '>d', 'f8', '|f8'], Float64Array],
    ['int32', ['int32', 'intc', 'i', '<i', '>i4', 'i4'], Int32Array],
    ['int64', ['int64', 'longlong', 'q', '<q', '>q', 'i8'], BigInt64Array],
  ] as const)('reads every spelling numpy.dtype() takes for %s', (_, spellings, Type) => {
    for (const descr of spellings) {
      const big = descr.startsWith('>');
      const values = Type === BigInt64Array ? [3n, -4n] : [3, -4];
      const data = new (Type as unknown as new (n: number) => { buffer: ArrayBuffer; length: number })(2);
      const view = new DataView(data.buffer);
      const size = data.buffer.byteLength / 2;
      values.forEach((value, i) => {
        if (size === 8 && typeof value === 'bigint') view.setBigInt64(i * 8, value, !big);
        else if (Type === Float32Array) view.setFloat32(i * 4, value as number, !big);
        else if (Type === Float64Array) view.setFloat64(i * 8, value as number, !big);
        else view.setInt32(i * 4, value as number, !big);
      });
      const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (2,), }`;
      const read = parseNpy(withHeader(header, new Uint8Array(data.buffer)), 'x.npy');
      expect([descr, [...read.data]]).toEqual([descr, [3, -4]]);
    }
  });

  // numpy refuses a byte order before a name ('<float32'); 'l', 'long', 'int' and 'intp' are C's
  // long or ssize_t (32 bits on Windows), so they are not read as one platform would; names that
  // are properties of every JavaScript object are names like any other.
  it.each(['<float32', '>int64', 'l', 'long', 'int', 'intp', 'Float32', ' f4', 'constructor', '__proto__', 'toString'])(
    'refuses the descr %j',
    (descr) => {
      const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (2,), }`;
      expect(() => parseNpy(withHeader(header, floats(1, 2)), 'x.npy')).toThrow(
        new FileFormatError(
          'x.npy',
          `dtype ${JSON.stringify(descr)} is not supported; expected float16, float32, float64, int32 or int64`,
        ),
      );
    },
  );

  it('escapes control characters in a descr, a key and a header it shows', () => {
    const descr = 'f4\x1b[2J\x9b\x85';
    const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (2,), }`;
    expect(() => parseNpy(withHeader(header, floats(1, 2)), 'x.npy')).toThrow(
      new FileFormatError(
        'x.npy',
        'dtype "f4\\u001b[2J\\x9b\\x85" is not supported; expected float16, float32, float64, int32 or int64',
      ),
    );
    const keyed = `{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'a\rb': 1}`;
    const error = (() => {
      try {
        parseNpy(withHeader(keyed, floats(1, 2)), 'x.npy');
      } catch (caught) {
        return caught;
      }
    })();
    expect(badRefusal(error, 'x.npy')).toBeUndefined();
    expect((error as Error).message).toContain('found "descr", "fortran_order", "shape", "a\\rb"');
  });

  const malformed: Array<[string, string]> = [
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3.5), }",
      'expected a literal (dict, tuple, list, string, integer, True, False or None) at offset 54, found "3.5"',
    ],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2,) ", "expected ',' or '}' at offset 55, found the end"],
    ["{'descr': '<f4 , 'fortran_order': False, 'shape': (2,), }", "expected ',' or '}' at offset 18, found \"f\""],
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x",
      'expected the end of the header at offset 58, found "x"',
    ],
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': __import__('os'), }",
      'expected a literal (dict, tuple, list, string, integer, True, False or None) at offset 50, found "__import__"',
    ],
    [
      "{'descr': '<\\x66\\x34', 'fortran_order': False, 'shape': (2,), }",
      'expected one of \\\\, \\\' or \\" after a backslash at offset 13, found "x"',
    ],
    ["['descr', '<f4']", 'it is not a dict'],
    [
      "{'descr': '<f4', 'shape': (2,), }",
      "expected the keys 'descr', 'fortran_order' and 'shape', found \"descr\", \"shape\"",
    ],
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}",
      'expected the keys \'descr\', \'fortran_order\' and \'shape\', found "descr", "fortran_order", "shape", "extra"',
    ],
    ["{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", "'fortran_order' is 0, not True or False"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2), }", "'shape' is (2), not a tuple of integers"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': [2], }", "'shape' is [2], not a tuple of integers"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2, True), }", "'shape' is (2, True), not a tuple of integers"],
  ];
  it.each(malformed)('%s', (header, problem) => {
    const shown = JSON.stringify(header.trimEnd());
    expect(() => parseNpy(withHeader(header), 'x.npy')).toThrow(
      new FileFormatError('x.npy', `malformed header ${shown}: ${problem}`),
    );
  });

  it('refuses deep nesting before it reaches the call stack, and shows at most 200 characters of a header', () => {
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${'('.repeat(5000)}, }`;
    const shown = `${JSON.stringify(header.slice(0, 200))}... (${header.length} characters)`;
    expect(() => parseNpy(withHeader(header), 'x.npy')).toThrow(
      new FileFormatError(
        'x.npy',
        `malformed header ${shown}: expected at most 32 nested brackets at offset 81, found "("`,
      ),
    );
  });

  const refused: Array<[string, string]> = [
    ["{'descr': 3, 'fortran_order': False, 'shape': (2,), }", "malformed header: 'descr' is 3, not a dtype string"],
    [
      "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (2,), }",
      "dtype [('a', '<f4'), ('b', '<i4')] is structured (a record of fields), which is not supported; expected float16, float32, float64, int32 or int64",
    ],
    [
      "{'descr': '<U10', 'fortran_order': False, 'shape': (2,), }",
      'dtype "<U10" (unicode strings) is not supported; expected float16, float32, float64, int32 or int64',
    ],
    [
      "{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (2,), }",
      'dtype "<M8[ns]" (datetime64) is not supported; expected float16, float32, float64, int32 or int64',
    ],
    [
      "{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }",
      'dtype "<c8" (complex64) is not supported; expected float16, float32, float64, int32 or int64',
    ],
    [
      "{'descr': '<q7', 'fortran_order': False, 'shape': (2,), }",
      'dtype "<q7" is not supported; expected float16, float32, float64, int32 or int64',
    ],
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }",
      "the shape (100000, 100000) has 10000000000 elements, over this engine's typed array limit of 4294967296",
    ],
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 0), }",
      'the shape (99999999999999999999, 0) is not valid: dimension 0 is 100000000000000000000; expected non-negative integers',
    ],
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
      'truncated: the header says shape [3] float32 (12 bytes of data) but 0 bytes follow',
    ],
  ];
  it.each(refused)('%s', (header, problem) => {
    expect(() => parseNpy(withHeader(header), 'x.npy')).toThrow(new FileFormatError('x.npy', problem));
  });

  it('refuses a short file, an unknown version, a header over the limit and a header that is not UTF-8', () => {
    const good = encodeNpy({ data: Float32Array.from([1]), shape: [1] });
    const cases: Array<[Uint8Array, string]> = [
      [new Uint8Array(0), 'truncated: 0 bytes, shorter than the 10-byte .npy preamble'],
      [good.subarray(0, 9), 'truncated: 9 bytes, shorter than the 10-byte .npy preamble'],
      [
        Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 4, 0, 0, 0]),
        'unsupported .npy format version 4.0; expected 1.0, 2.0 or 3.0',
      ],
      [
        Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0]),
        'truncated: 10 bytes, shorter than the 12-byte .npy preamble',
      ],
      [
        Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0x11, 0x27, 0, 0]),
        `the header is 10001 bytes long, over the limit of ${npyMaxHeaderLength} (numpy's own default)`,
      ],
      [
        Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 3, 0, 2, 0, 0, 0, 0xc3, 0x28]),
        'the header is not valid UTF-8',
      ],
      [
        Uint8Array.from([0x89, 0x50, 0x4e, 0x47]),
        'not a .npy file: it does not start with the magic string "\\x93NUMPY"',
      ],
    ];
    for (const [bytes, problem] of cases) {
      expect(() => parseNpy(bytes, 'x.npy')).toThrow(new FileFormatError('x.npy', problem));
    }
  });

  it('a version 3.0 header may hold UTF-8 (numpy uses it for non-latin1 field names)', () => {
    const header = Buffer.from("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } # é\n", 'utf8');
    const bytes = new Uint8Array(12 + header.length + 4);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 3, 0, header.length, 0, 0, 0]);
    bytes.set(header, 12);
    // A comment is no Python literal, so this is refused, but after decoding the UTF-8.
    expect(() => parseNpy(bytes, 'x.npy')).toThrow(
      /^x\.npy: malformed header ".*# é": expected the end of the header at offset 58, found "#"$/,
    );
  });

  it('reads from a Buffer at any byte offset', () => {
    const bytes = encodeNpy({ data: Float32Array.from([1, 2, 3]), shape: [3] });
    const pooled = Buffer.alloc(bytes.length + 3);
    pooled.set(bytes, 3);
    const result = parseNpy(pooled.subarray(3), 'x.npy');
    expect(result.data).toEqual(Float32Array.from([1, 2, 3]));
    expect(result.data.byteOffset).toBe(0);
  });

  it('says how many finite float64 values became infinite', () => {
    const data = new Uint8Array(Float64Array.from([1e300, -1e300, Infinity, 0.5]).buffer);
    const result = parseNpy(withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", data), 'x.npy');
    expect(result.data).toEqual(Float32Array.from([Infinity, -Infinity, Infinity, 0.5]));
    expect(result.notices).toEqual([
      "x.npy: float64 converted to float32 (2 finite values beyond float32's range became infinite)",
    ]);
  });
});

describe('float16: read as bit patterns, written as numpy writes it', () => {
  const bits = Uint16Array.of(0x3c00, 0xc400, 0x7e00, 0x0001); // 1, -4, NaN, the smallest subnormal
  const bytesOf = (littleEndian: boolean) => {
    const view = new DataView(new ArrayBuffer(bits.length * 2));
    bits.forEach((pattern, i) => view.setUint16(i * 2, pattern, littleEndian));
    return new Uint8Array(view.buffer);
  };

  // Every spelling numpy.dtype() takes for float16 (checked with numpy 2.4), both byte orders.
  it.each(['<f2', '>f2', 'f2', '|f2', '=f2', 'float16', 'half', 'e', '<e', '>e'])('reads %j', (descr) => {
    const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (2, 2), }`;
    const result = parseNpy(withHeader(header, bytesOf(descr[0] !== '>')), 'x.npy');
    expect(result).toEqual({ data: bits, shape: [2, 2], dtype: 'float16', notices: [] });
  });

  it("refuses '<V2', how numpy saves ml_dtypes' bfloat16, saying what to save instead", () => {
    const header = "{'descr': '<V2', 'fortran_order': False, 'shape': (4,), }";
    expect(() => parseNpy(withHeader(header, bytesOf(true)), 'bf.npy')).toThrow(
      new FileFormatError(
        'bf.npy',
        `dtype "<V2" is raw 2-byte records (how numpy saves ml_dtypes' bfloat16), which is not supported; ` +
          'save the array as float32 (array.astype(numpy.float32)) or as a BF16 tensor of a .safetensors file',
      ),
    );
  });

  it('a little-endian file is read in place (numpy pads its header to 64 bytes); big-endian is swapped into a copy', () => {
    const little = encodeNpy({ data: bits, shape: [4], dtype: 'float16' });
    const read = parseNpy(little, 'x.npy');
    expect(read.data.buffer).toBe(little.buffer);
    expect(read.data.byteOffset).toBe(little.length - 8);
    const big = new Uint8Array([...npyHeader('>f2', [4]), ...bytesOf(false)]);
    const swapped = parseNpy(big, 'x.npy');
    expect(swapped.data).toEqual(bits);
    expect(swapped.data.buffer).not.toBe(big.buffer);
  });

  it('a file at an odd byte offset is copied, not viewed unaligned', () => {
    const bytes = encodeNpy({ data: bits, shape: [4], dtype: 'float16' });
    const pooled = Buffer.alloc(bytes.length + 1);
    pooled.set(bytes, 1);
    const result = parseNpy(pooled.subarray(1), 'x.npy');
    expect(result.data).toEqual(bits);
    expect(result.data.byteOffset).toBe(0);
  });

  it("encodeNpy writes the bytes numpy wrote for numpy.arange(4, dtype=numpy.float16) ('<f2')", () => {
    const numpyBytes = new Uint8Array(readFileSync(fixture('f2.npy')));
    const data = Uint16Array.of(0x0000, 0x3c00, 0x4000, 0x4200);
    expect(encodeNpy({ data, shape: [4], dtype: 'float16' })).toEqual(numpyBytes);
  });
});

describe('property: random arrays of every stored type round-trip', () => {
  const stored = [
    { descr: '<f4', size: 4, float: true },
    { descr: '>f4', size: 4, float: true },
    { descr: '<f8', size: 8, float: true },
    { descr: '>f8', size: 8, float: true },
    { descr: '<i4', size: 4, float: false },
    { descr: '>i4', size: 4, float: false },
    { descr: '<i8', size: 8, float: false },
    { descr: '>i8', size: 8, float: false },
  ];

  it('encodeNpy -> parseNpy gives the same tensor (float32 and int32)', () => {
    const random = prng(11);
    for (let trial = 0; trial < 200; trial++) {
      const shape = Array.from({ length: Math.floor(random() * 5) }, () => Math.floor(random() * 4));
      const count = shape.reduce((a, b) => a * b, 1);
      const float = random() < 0.5;
      const data = float
        ? Float32Array.from({ length: count }, () => (random() - 0.5) * 10 ** Math.floor(random() * 20 - 10))
        : Int32Array.from({ length: count }, () => Math.floor((random() - 0.5) * 2 ** 32));
      expect(parseNpy(encodeNpy({ data, shape }), 'x.npy')).toEqual({
        data,
        shape,
        dtype: float ? 'float32' : 'int32',
        notices: [],
      });
    }
  });

  it.each(stored)(
    "$descr: numpy's header and the elements in that order read back (converted)",
    ({ descr, size, float }) => {
      const random = prng(size * 7 + descr.charCodeAt(0));
      const littleEndian = descr[0] === '<';
      for (let trial = 0; trial < 50; trial++) {
        const shape = Array.from({ length: Math.floor(random() * 4) }, () => Math.floor(random() * 5));
        const count = shape.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: count }, () =>
          float ? (random() - 0.5) * 1e6 : Math.floor((random() - 0.5) * 2 ** 32),
        );
        const header = npyHeader(descr, shape);
        const bytes = new Uint8Array(header.length + count * size);
        bytes.set(header);
        const view = new DataView(bytes.buffer, header.length);
        values.forEach((v, i) => {
          if (float && size === 4) view.setFloat32(i * 4, v, littleEndian);
          else if (float) view.setFloat64(i * 8, v, littleEndian);
          else if (size === 4) view.setInt32(i * 4, v, littleEndian);
          else view.setBigInt64(i * 8, BigInt(v), littleEndian);
        });
        const result = parseNpy(bytes, 'x.npy');
        expect(result.shape).toEqual(shape);
        expect(result.data).toEqual(float ? Float32Array.from(values) : Int32Array.from(values));
        expect(result.notices).toEqual(descr.endsWith('f8') ? ['x.npy: float64 converted to float32'] : []);
      }
    },
  );
});
