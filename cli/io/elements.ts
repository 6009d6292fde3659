// What .npy and .safetensors share once their headers are read: checking a shape against the
// engine's limits, and turning the stored elements (float32/float64/int32/int64, either byte
// order) into the fresh, aligned Float32Array or Int32Array that the operators take, and
// float16/bfloat16 into the Uint16Array of bit patterns that the operators take as a 16-bit map.
import { formatCount, formatShape, maxTypedArrayLength } from '../../lib/internal.js';
import { FileFormatError } from './file-error.js';

/**
 * A tensor read from a file: float data as float32, integer data (indices) as int32, and
 * float16/bfloat16 data as its 16-bit patterns (docs/api.md "16-bit feature maps"), which
 * `dtype` names. `{ data, shape, dtype }` is a tensor argument of the library as it is.
 */
export interface LoadedTensor {
  data: Float32Array | Int32Array | Uint16Array;
  shape: number[];
  dtype: 'float32' | 'int32' | 'float16' | 'bfloat16';
  /** Lossy conversions made on the way in, each a sentence starting with the file name. */
  notices: string[];
}

/**
 * How the file stores its elements; `name` is the format's own name for them, for messages.
 * 'float' and 'int' are 4 or 8 bytes; 'float16' and 'bfloat16' are 2.
 */
export interface StoredElements {
  kind: 'float' | 'int' | 'float16' | 'bfloat16';
  size: 2 | 4 | 8;
  littleEndian: boolean;
  name: string;
}

/** Where a file's tensor is, every check of its header made, nothing decoded: what decodeElements takes. */
export interface TensorLayout {
  shape: number[];
  stored: StoredElements;
  /** The byte offset of its first element in the file. */
  dataOffset: number;
}

export const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The number of elements of `shape`, after checking that every dimension is a non-negative
 * integer and the total fits one typed array (a limit far below 2^53, so the byte counts
 * computed from it are exact too). `subject` introduces the shape in messages.
 */
export function elementCount(file: string, subject: string, shape: readonly number[], shown: string): number {
  shape.forEach((dim, i) => {
    if (!(Number.isSafeInteger(dim) && dim >= 0)) {
      throw new FileFormatError(
        file,
        `${subject} ${shown} is not valid: dimension ${i} is ${dim}; expected non-negative integers`,
      );
    }
  });
  // BigInt, so a product past 2^53 is still reported with the right magnitude.
  const count = shape.reduce((product, dim) => product * BigInt(dim), 1n);
  if (count > BigInt(maxTypedArrayLength)) {
    throw new FileFormatError(
      file,
      `${subject} ${shown} has ${formatCount(Number(count))} elements, over this engine's typed array limit of ${maxTypedArrayLength}`,
    );
  }
  return Number(count);
}

/**
 * Decodes `shape`'s elements stored from `offset` of `bytes` (whose length the caller has
 * checked). A 32- or 64-bit result never shares memory with `bytes`: a Buffer from fs may sit at
 * any offset of a pooled ArrayBuffer, and a Float32Array over it would be unaligned or alias it.
 * A 16-bit result is a view of `bytes` when it can be (halfElements says when).
 */
export function decodeElements(
  file: string,
  bytes: Uint8Array,
  offset: number,
  shape: number[],
  stored: StoredElements,
): LoadedTensor {
  const count = shape.reduce((a, b) => a * b, 1);
  if (stored.kind === 'float16' || stored.kind === 'bfloat16') {
    return { data: halfElements(bytes, offset, count, stored.littleEndian), shape, dtype: stored.kind, notices: [] };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * stored.size);
  const copyAsIs = stored.size === 4 && stored.littleEndian === hostLittleEndian;
  if (stored.kind === 'float') {
    const data = new Float32Array(count);
    if (copyAsIs) {
      new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + count * 4));
      return { data, shape, dtype: 'float32', notices: [] };
    }
    if (stored.size === 4) {
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, stored.littleEndian);
      return { data, shape, dtype: 'float32', notices: [] };
    }
    let overflows = 0;
    for (let i = 0; i < count; i++) {
      const value = view.getFloat64(i * 8, stored.littleEndian);
      data[i] = value;
      if (Number.isFinite(value) && !Number.isFinite(data[i])) overflows++;
    }
    // float64 feature maps are common (numpy's default); converting is what the user wants,
    // but it is lossy, so it is said, and so is any value it turned into an infinity.
    const beyond = overflows > 0 ? ` (${overflows} finite values beyond float32's range became infinite)` : '';
    return { data, shape, dtype: 'float32', notices: [`${file}: ${stored.name} converted to float32${beyond}`] };
  }
  const data = new Int32Array(count);
  if (copyAsIs) {
    new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + count * 4));
  } else if (stored.size === 4) {
    for (let i = 0; i < count; i++) data[i] = view.getInt32(i * 4, stored.littleEndian);
  } else {
    // int64 indices (numpy's default integer) narrow without loss when they fit, so no notice;
    // a value that does not fit would wrap into a wrong index, so it is an error.
    const [low, high] = stored.littleEndian ? [0, 4] : [4, 0];
    for (let i = 0; i < count; i++) {
      const lo = view.getUint32(i * 8 + low, stored.littleEndian);
      const hi = view.getInt32(i * 8 + high, stored.littleEndian);
      if (hi !== (lo >= 0x80000000 ? -1 : 0)) {
        const value = view.getBigInt64(i * 8, stored.littleEndian);
        throw new FileFormatError(
          file,
          `element ${i} (index ${formatShape(unravel(i, shape))}) is ${value}, outside int32's range [-2147483648, 2147483647]`,
        );
      }
      data[i] = lo | 0;
    }
  }
  return { data, shape, dtype: 'int32', notices: [] };
}

/**
 * `count` 16-bit patterns stored from `offset` of `bytes`, as the host reads them. The bytes of
 * a map are most of a job's memory, so they are not copied when they need not be: a view of
 * `bytes` when the file's byte order is the host's and the elements start at an even address
 * (always in a .npy file, whose header is padded to 64 bytes; in a .safetensors file, when the
 * offsets make it so), else a copy, byte-swapped where the orders differ. The CLI's readers
 * read each file into a buffer of its own (file-error.ts readFileBytes), so the view shares
 * memory with nothing else.
 */
function halfElements(bytes: Uint8Array, offset: number, count: number, littleEndian: boolean): Uint16Array {
  const start = bytes.byteOffset + offset;
  if (littleEndian === hostLittleEndian && start % 2 === 0) return new Uint16Array(bytes.buffer, start, count);
  const data = new Uint16Array(count);
  const view = new DataView(bytes.buffer, start, count * 2);
  for (let i = 0; i < count; i++) data[i] = view.getUint16(i * 2, littleEndian);
  return data;
}

/** `count` float64 elements stored from `offset` of `bytes`, as they are (a fresh array). */
export function decodeFloat64(bytes: Uint8Array, offset: number, count: number, littleEndian: boolean): Float64Array {
  const data = new Float64Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 8);
  for (let i = 0; i < count; i++) data[i] = view.getFloat64(i * 8, littleEndian);
  return data;
}

/** The C-order multi-index of flat element `index`. */
function unravel(index: number, shape: readonly number[]): number[] {
  const position = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const dim = shape[axis] as number;
    position[axis] = index % dim;
    index = Math.floor(index / dim);
  }
  return position;
}
