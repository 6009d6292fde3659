// numpy's .npy format (numpy/lib/format.py, format versions 1.0, 2.0 and 3.0): the magic
// string, a version, the header length, a header that is the repr of a Python dict
// {'descr', 'fortran_order', 'shape'}, then the elements. Reading accepts what numpy writes
// for float16/float32/float64/int32/int64 in C order, either byte order; writing produces the
// bytes numpy itself writes for a float32, int32 or float16 array.
import { writeFileSync } from 'node:fs';
import { types } from 'node:util';

import { formatShape, invalidType, invalidValue, rangeError, read } from '../../lib/internal.js';
import {
  decodeElements,
  elementCount,
  hostLittleEndian,
  type LoadedTensor,
  type StoredElements,
  type TensorLayout,
} from './elements.js';
import { failer, readFileBytes, type ReadFileOptions } from './file-error.js';
import { parsePythonLiteral, type PyValue } from './python-literal.js';
import { printable } from '../printable.js';
import { quote } from './quote.js';

export type NpyArray = LoadedTensor;

/**
 * What encodeNpy writes: float32 or int32 data, or float16 bit patterns (a Uint16Array whose
 * `dtype` is 'float16', as an operator's `outputDtype: 'float16'` result is), in C order.
 */
export interface NpyWritable {
  data: Float32Array | Int32Array | Uint16Array;
  shape: readonly number[];
  dtype?: string;
}

const magic = Uint8Array.of(0x93, ...Buffer.from('NUMPY', 'latin1'));

/** numpy's own default refusal (max_header_size): a real header is a few hundred bytes. */
export const npyMaxHeaderLength = 10_000;

/** The bytes before the header: magic, version, and the header length (u16 in 1.0, u32 after). */
const lengthFieldSize: Record<string, 2 | 4> = { '1.0': 2, '2.0': 4, '3.0': 4 };

type ReadableType = Omit<StoredElements, 'littleEndian'>;
const float16: ReadableType = { kind: 'float16', size: 2, name: 'float16' };
const float32: ReadableType = { kind: 'float', size: 4, name: 'float32' };
const float64: ReadableType = { kind: 'float', size: 8, name: 'float64' };
const int32: ReadableType = { kind: 'int', size: 4, name: 'int32' };
const int64: ReadableType = { kind: 'int', size: 8, name: 'int64' };

/**
 * The type codes that are read, which may follow a byte order ('<f4', '>d'), as numpy.dtype()
 * takes them: numpy writes 'f4'-style codes, and the one-letter codes are the same types on
 * every platform. ('l', 'p' and the names 'int', 'long', 'intp' are not: C's long is 32 bits
 * on Windows, so they are refused rather than read as one platform would.)
 */
const readableCodes = new Map<string, ReadableType>([
  ['f2', float16],
  ['e', float16],
  ['f4', float32],
  ['f', float32],
  ['f8', float64],
  ['d', float64],
  ['i4', int32],
  ['i', int32],
  ['i8', int64],
  ['q', int64],
]);

/** The names numpy.dtype() also takes for these types, which take no byte order ('<float32' is refused). */
const readableNames = new Map<string, ReadableType>([
  ['float16', float16],
  ['half', float16],
  ['float32', float32],
  ['single', float32],
  ['float64', float64],
  ['double', float64],
  ['float', float64],
  ['int32', int32],
  ['intc', int32],
  ['int64', int64],
  ['longlong', int64],
]);

/** numpy's names for the codes that are refused, so the message says what the file holds. */
const refusedNames = new Map<string, string>(
  Object.entries({
    f16: 'float128',
    i1: 'int8',
    i2: 'int16',
    u1: 'uint8',
    u2: 'uint16',
    u4: 'uint32',
    u8: 'uint64',
    b1: 'bool',
    c8: 'complex64',
    c16: 'complex128',
    c32: 'complex256',
    U: 'unicode strings',
    S: 'byte strings',
    a: 'byte strings',
    V: 'raw bytes or records',
    M: 'datetime64',
    m: 'timedelta64',
  }),
);

const expectedDtypes = 'expected float16, float32, float64, int32 or int64';

/** Reads a .npy file. Every problem is a FileFormatError whose message starts with `path`. */
export async function readNpy(path: string, options: ReadFileOptions = {}): Promise<NpyArray> {
  return parseNpy(await readFileBytes(path, options), path);
}

/** Parses the bytes of a .npy file; `name` (the file's name) starts every error message. */
export function parseNpy(bytes: Uint8Array, name: string): NpyArray {
  const { shape, stored, dataOffset } = npyLayout(bytes, name);
  return decodeElements(name, bytes, dataOffset, shape, stored);
}

/** Where a .npy file's elements are and how they are stored, every check made, nothing decoded. */
export function npyLayout(bytes: Uint8Array, name: string): TensorLayout {
  const fail = failer(name);
  if (!magic.every((byte, i) => i >= bytes.length || bytes[i] === byte)) {
    fail('not a .npy file: it does not start with the magic string "\\x93NUMPY"');
  }
  const version = bytes.length >= 8 ? `${bytes[6]}.${bytes[7]}` : '';
  const fieldSize = lengthFieldSize[version];
  const preamble = magic.length + 2 + (fieldSize ?? 2);
  if (bytes.length < preamble)
    fail(`truncated: ${bytes.length} bytes, shorter than the ${preamble}-byte .npy preamble`);
  if (fieldSize === undefined) fail(`unsupported .npy format version ${version}; expected 1.0, 2.0 or 3.0`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = fieldSize === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLength > npyMaxHeaderLength) {
    fail(`the header is ${headerLength} bytes long, over the limit of ${npyMaxHeaderLength} (numpy's own default)`);
  }
  const dataOffset = preamble + headerLength;
  if (dataOffset > bytes.length) {
    fail(
      `truncated: the header is ${headerLength} bytes long but only ${bytes.length - preamble} bytes follow its length`,
    );
  }
  // Version 3.0 exists only to allow a UTF-8 header (field names); before it, ISO-8859-1 (Buffer's
  // 'latin1'; TextDecoder's 'latin1' is windows-1252, which differs from it in 0x80-0x9f).
  const headerBytes = bytes.subarray(preamble, dataOffset);
  let header = Buffer.from(headerBytes.buffer, headerBytes.byteOffset, headerBytes.byteLength).toString('latin1');
  if (version === '3.0') {
    try {
      header = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
    } catch {
      fail('the header is not valid UTF-8');
    }
  }

  const { descr, fortranOrder, shape, shapeText } = readHeader(header, fail);
  const stored = storedElements(descr, fail);
  if (fortranOrder) {
    fail(
      'Fortran-order (column-major) arrays are not supported; save a C-order array (numpy.ascontiguousarray) instead',
    );
  }
  const count = elementCount(name, 'the shape', shape, shapeText);
  const needed = count * stored.size;
  const present = bytes.length - dataOffset;
  if (present !== needed) {
    fail(
      `${present < needed ? 'truncated' : 'trailing bytes'}: the header says shape ${formatShape(shape)} ${stored.name} ` +
        `(${needed} bytes of data) but ${present} bytes follow`,
    );
  }
  return { shape, stored, dataOffset };
}

/** The three entries of the header dict, each of the type numpy requires. */
function readHeader(
  header: string,
  fail: (problem: string) => never,
): { descr: PyValue; fortranOrder: boolean; shape: number[]; shapeText: string } {
  const trimmed = header.trimEnd();
  const shown = quote(trimmed, 200);
  let dict: PyValue;
  try {
    dict = parsePythonLiteral(header);
  } catch (error) {
    return fail(`malformed header ${shown}: ${printable((error as SyntaxError).message)}`);
  }
  if (dict.type !== 'dict') return fail(`malformed header ${shown}: it is not a dict`);
  const entries = new Map(dict.entries.map(([key, value]) => [key.type === 'str' ? key.value : key.text, value]));
  const keys = [...entries.keys()];
  if (keys.length !== 3 || !['descr', 'fortran_order', 'shape'].every((key) => entries.has(key))) {
    fail(
      `malformed header ${shown}: expected the keys 'descr', 'fortran_order' and 'shape', found ${keys.map((k) => quote(k, 40)).join(', ')}`,
    );
  }
  const fortranOrder = entries.get('fortran_order') as PyValue;
  if (fortranOrder.type !== 'bool')
    fail(`malformed header ${shown}: 'fortran_order' is ${printable(fortranOrder.text, 80)}, not True or False`);
  const shape = entries.get('shape') as PyValue;
  if (shape.type !== 'tuple' || !shape.items.every((item) => item.type === 'int')) {
    return fail(`malformed header ${shown}: 'shape' is ${printable(shape.text, 80)}, not a tuple of integers`);
  }
  return {
    descr: entries.get('descr') as PyValue,
    fortranOrder: (fortranOrder as { value: boolean }).value,
    shape: shape.items.map((item) => (item as { value: number }).value),
    shapeText: printable(shape.text, 80),
  };
}

/** How a descr stores its elements, or a refusal that names what the file holds. */
function storedElements(descr: PyValue, fail: (problem: string) => never): StoredElements {
  if (descr.type === 'list') {
    fail(
      `dtype ${printable(descr.text, 80)} is structured (a record of fields), which is not supported; ${expectedDtypes}`,
    );
  }
  if (descr.type !== 'str')
    return fail(`malformed header: 'descr' is ${printable(descr.text, 80)}, not a dtype string`);
  const hasOrder = /^[<>|=]/.test(descr.value);
  const code = hasOrder ? descr.value.slice(1) : descr.value;
  const found = readableCodes.get(code) ?? (hasOrder ? undefined : readableNames.get(code));
  if (found !== undefined) {
    // No byte order, '|' (none) and '=' (the writer's own) never describe a multi-byte type that
    // numpy writes (it spells out '<' or '>'); they are read as little-endian, every platform
    // numpy runs on in practice.
    return { ...found, littleEndian: descr.value[0] !== '>' };
  }
  const shown = quote(descr.value);
  if (code.startsWith('O')) {
    return fail(
      `dtype ${shown} is an object array (pickled Python objects), which is not supported; ${expectedDtypes}`,
    );
  }
  // ml_dtypes' bfloat16 has no numpy descr of its own: np.save writes it as 2-byte raw records.
  if (code === 'V2') {
    return fail(
      `dtype ${shown} is raw 2-byte records (how numpy saves ml_dtypes' bfloat16), which is not supported; ` +
        'save the array as float32 (array.astype(numpy.float32)) or as a BF16 tensor of a .safetensors file',
    );
  }
  const known = refusedNames.get(code) ?? refusedNames.get(code.replace(/[\d[].*$/, ''));
  const named = known === undefined ? '' : ` (${known})`;
  return fail(`dtype ${shown}${named} is not supported; ${expectedDtypes}`);
}

/**
 * The preamble and header numpy writes for an array of `descr` and `shape` in C order: the
 * dict's repr with its keys sorted, room for the first dimension to grow to 21 digits, and
 * spaces up to a multiple of 64 bytes ending in '\n' (a full 64 when already aligned, as
 * numpy does); format 1.0 unless the header is too long for its u16 length, then 2.0.
 */
export function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, 21 - String(shape[0]).length));
  const layout = (fieldSize: 2 | 4) => {
    const unpadded = magic.length + 2 + fieldSize + dict.length + 1;
    return { fieldSize, length: dict.length + 1 + 64 - (unpadded % 64) };
  };
  const { fieldSize, length } = layout(2).length <= 0xffff ? layout(2) : layout(4);
  const preamble = magic.length + 2 + fieldSize;
  const bytes = new Uint8Array(preamble + length).fill(0x20);
  bytes.set(magic);
  bytes.set([fieldSize === 2 ? 1 : 2, 0], magic.length);
  const view = new DataView(bytes.buffer);
  if (fieldSize === 2) view.setUint16(8, length, true);
  else view.setUint32(8, length, true);
  bytes.set(Buffer.from(dict, 'latin1'), preamble);
  bytes[bytes.length - 1] = 0x0a;
  return bytes;
}

/**
 * Why no bfloat16 output can be written: numpy has no bfloat16 dtype (ml_dtypes saves one as raw
 * 2-byte records, '<V2', which numpy loads as bytes, not numbers). Said by encodeNpy and by the
 * job reader, which refuses `outputDtype: bfloat16` before anything is read.
 */
export const npyCannotHoldBfloat16 = 'numpy has no bfloat16 dtype, so a .npy file cannot hold it';

/** The .npy descr of `tensor`'s elements, or an error saying what encodeNpy writes. */
function npyDescr(fn: string, tensor: NpyWritable): '<f4' | '<i4' | '<f2' {
  const { data, dtype } = tensor;
  if (types.isFloat32Array(data)) return '<f4';
  if (types.isInt32Array(data)) return '<i4';
  if (!types.isUint16Array(data)) {
    throw invalidType(fn, 'tensor.data', 'a Float32Array, an Int32Array or a Uint16Array', data);
  }
  if (dtype === 'float16') return '<f2';
  if (dtype === 'bfloat16') throw rangeError(fn, `tensor.dtype is "bfloat16": ${npyCannotHoldBfloat16}`);
  throw invalidValue(fn, 'tensor.dtype (a Uint16Array is written as float16)', "'float16'", dtype);
}

/** The bytes of a .npy file holding `tensor`: '<f4', '<i4' or '<f2', C order, numpy's header. */
export function encodeNpy(tensor: NpyWritable): Uint8Array {
  const fn = 'encodeNpy';
  const { data } = tensor;
  const descr = npyDescr(fn, tensor);
  if (!Array.isArray(tensor.shape)) throw invalidType(fn, 'tensor.shape', 'an array of dimensions', tensor.shape);
  const shape = tensor.shape.map((dim, i) => read.integer(0)(fn, `tensor.shape[${i}]`, dim));
  const elements = shape.reduce((a, b) => a * b, 1);
  if (data.length !== elements) {
    throw rangeError(fn, `tensor.data has ${data.length} elements, shape ${formatShape(shape)} needs ${elements}`);
  }
  const header = npyHeader(descr, shape);
  const bytes = new Uint8Array(header.length + data.byteLength);
  bytes.set(header);
  if (hostLittleEndian) {
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  } else {
    const view = new DataView(bytes.buffer, header.length);
    for (let i = 0; i < data.length; i++) {
      const value = data[i] as number;
      if (descr === '<f4') view.setFloat32(i * 4, value, true);
      else if (descr === '<i4') view.setInt32(i * 4, value, true);
      else view.setUint16(i * 2, value, true);
    }
  }
  return bytes;
}

/**
 * Writes `tensor` to `path` as encodeNpy encodes it, in place (through a link, over an existing
 * file): for tests and scripts. The command line writes its outputs with cli/atomic-write.ts.
 */
export function writeNpy(path: string, tensor: NpyWritable): void {
  writeFileSync(path, encodeNpy(tensor));
}
