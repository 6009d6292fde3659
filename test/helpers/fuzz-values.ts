// Building blocks of the public-API fuzz (test/api/api-fuzz.test.ts, test/helpers/fuzz-calls.ts):
// float32 data in each kind of storage docs/api.md "Tensors" accepts ("Any Float32Array view works"),
// TensorLikes in both of its spellings, and the malformed values a caller can pass instead.
import fc, { type Arbitrary } from 'fast-check';

import { Float16ArrayConstructor, halfPatterns, type HalfType } from './fuzz-half.js';

export type Dims = readonly number[];

export const product = (dims: Dims): number => dims.reduce((a, b) => a * b, 1);

/** A plain tensor as a caller builds it: `{data, shape}`, or `{data, dims}` (with `type`, as an ort.Tensor has). */
export type TensorValue =
  { data: Float32Array; shape: number[] } | { data: Float32Array; dims: number[]; type?: 'float32' };

/** Is `value` one of the tensors the generators made (an object with a `data` field)? */
export function isTensorValue(value: unknown): value is Record<string, unknown> & { data: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value) &&
    'data' in value
  );
}

/** The dims of a tensor the way docs/api.md spells them: `shape`, else `dims` (ort.Tensor). */
export function dimsOf(tensor: unknown): unknown {
  const t = tensor as { shape?: unknown; dims?: unknown };
  return t.shape !== undefined ? t.shape : t.dims;
}

// ---- Storage: every kind is valid input, and the native addon must read each in place.

/**
 * Where a Float32Array's elements live: a fresh array; a view `skip` elements into a larger
 * one (byteOffset 4*skip: an odd skip is not 8-, 16- or 32-byte aligned, which SIMD loads
 * must cope with); a SharedArrayBuffer; a length-tracking view of a resizable ArrayBuffer or
 * a growable SharedArrayBuffer; a view of a Node Buffer.
 */
export type Storage =
  | { kind: 'fresh' }
  | { kind: 'offset'; skip: number }
  | { kind: 'shared' }
  | { kind: 'resizable' }
  | { kind: 'growable-shared' }
  | { kind: 'node-buffer'; skip: number };

export const storage: Arbitrary<Storage> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'fresh' as const }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }).map((skip) => ({ kind: 'offset' as const, skip })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'shared' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'resizable' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'growable-shared' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }).map((skip) => ({ kind: 'node-buffer' as const, skip })) },
);

// ES2024's resizable buffers, which this project's lib (ES2023) does not declare yet.
type ResizableBufferConstructor<B> = new (byteLength: number, options: { maxByteLength: number }) => B;
const ResizableArrayBuffer = ArrayBuffer as unknown as ResizableBufferConstructor<ArrayBuffer>;
const GrowableSharedArrayBuffer = SharedArrayBuffer as unknown as ResizableBufferConstructor<SharedArrayBuffer>;

/** A typed array constructor this module places data in (Float32Array, or Uint16Array for 16-bit patterns). */
type ElementArray = Float32Array | Uint16Array;
interface ElementArrayConstructor<T extends ElementArray> {
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** A new array of `Kind` in `where` holding `values`. */
function placeAs<T extends ElementArray>(
  Kind: ElementArrayConstructor<T>,
  values: ArrayLike<number>,
  where: Storage,
): T {
  const n = values.length;
  const size = Kind.BYTES_PER_ELEMENT;
  let array: T;
  switch (where.kind) {
    case 'fresh':
      array = new Kind(n);
      break;
    case 'offset':
      array = new Kind(n + where.skip + 2).subarray(where.skip, where.skip + n) as T;
      break;
    case 'shared':
      array = new Kind(new SharedArrayBuffer(size * n));
      break;
    case 'resizable':
      array = new Kind(new ResizableArrayBuffer(size * n, { maxByteLength: size * n + 64 }));
      break;
    case 'growable-shared':
      array = new Kind(new GrowableSharedArrayBuffer(size * n, { maxByteLength: size * n + 64 }));
      break;
    case 'node-buffer': {
      const buffer = Buffer.alloc(size * (n + where.skip));
      array = new Kind(buffer.buffer, buffer.byteOffset + size * where.skip, n);
      break;
    }
  }
  array.set(values);
  return array;
}

/** A new Float32Array of `where` holding `values`. */
export function place(values: ArrayLike<number>, where: Storage): Float32Array {
  return placeAs(Float32Array, values, where);
}

/** `values` as a tensor of `dims`, in any storage and either spelling. */
export function tensorOf(values: ArrayLike<number>, dims: Dims): Arbitrary<TensorValue> {
  return fc.record({ where: storage, spelling: fc.constantFrom('shape', 'dims', 'ort') }).map(({ where, spelling }) => {
    const data = place(values, where);
    if (spelling === 'shape') return { data, shape: [...dims] };
    return spelling === 'dims' ? { data, dims: [...dims] } : { data, dims: [...dims], type: 'float32' as const };
  });
}

/** A feature map (or any float tensor) of `dims`: any float32 values, NaN and infinities included (all valid data). */
export function floatTensor(dims: Dims): Arbitrary<TensorValue> {
  const n = product(dims);
  return fc.float32Array({ minLength: n, maxLength: n }).chain((values) => tensorOf(values, dims));
}

/**
 * A 16-bit feature map as docs/api.md "16-bit feature maps" takes it: a Uint16Array of `type`
 * patterns with `dtype` (plain object) or `type` (ort.Tensor), or, for float16 where the runtime
 * has one, a Float16Array (with or without dtype 'float16'); in any storage.
 */
export interface HalfTensorValue {
  data: Uint16Array | ArrayBufferView;
  shape?: number[];
  dims?: number[];
  dtype?: HalfType;
  type?: HalfType;
}

export function halfTensor(dims: Dims, types: HalfType[] = ['float16', 'bfloat16']): Arbitrary<HalfTensorValue> {
  const n = product(dims);
  const spellings = ['plain', 'ort', ...(Float16ArrayConstructor ? ['Float16Array', 'Float16Array+dtype'] : [])];
  return fc
    .record({ type: fc.constantFrom(...types), where: storage, spelling: fc.constantFrom(...spellings) })
    .chain(({ type, where, spelling }) =>
      halfPatterns(type, n).map((patterns): HalfTensorValue => {
        const bits = placeAs(Uint16Array, patterns, where);
        if (spelling === 'plain') return { data: bits, shape: [...dims], dtype: type };
        if (spelling === 'ort' || type === 'bfloat16' || !Float16ArrayConstructor)
          return { data: bits, dims: [...dims], type };
        const data = new Float16ArrayConstructor(bits.buffer, bits.byteOffset, bits.length);
        return spelling === 'Float16Array' ? { data, shape: [...dims] } : { data, dims: [...dims], type: 'float16' };
      }),
    );
}

/** A forward operator's feature map: float32 mostly (floatTensor), 16-bit one time in four. */
export function mapTensor(dims: Dims): Arbitrary<TensorValue | HalfTensorValue> {
  return mapTensors([dims]).map(([map]) => map!);
}

/** Feature maps of one element type (multiScaleRoiAlign's levels share it), as mapTensor. */
export function mapTensors(dimsList: Dims[]): Arbitrary<Array<TensorValue | HalfTensorValue>> {
  const half = fc
    .constantFrom<HalfType>('float16', 'bfloat16')
    .chain((type) => fc.tuple(...dimsList.map((dims) => halfTensor(dims, [type]))));
  return fc.oneof({ weight: 3, arbitrary: fc.tuple(...dimsList.map(floatTensor)) }, { weight: 1, arbitrary: half });
}

/**
 * `out` for a forward call whose outputDtype is `type`: the float32 `out` made for it, as a
 * Uint16Array of as many elements on the same memory (or a Float16Array, for float16 where the
 * runtime has one).
 */
export function halfOut(out: Float32Array, type: HalfType, asFloat16Array: boolean): ArrayBufferView {
  if (asFloat16Array && type === 'float16' && Float16ArrayConstructor)
    return new Float16ArrayConstructor(out.buffer, out.byteOffset, out.length);
  return new Uint16Array(out.buffer, out.byteOffset, out.length);
}

/** A fresh output buffer of `length` elements in any storage (for `out`). */
export function outBuffer(length: number): Arbitrary<Float32Array> {
  return storage.map((where) => place(new Float32Array(length), where));
}

// ---- Malformed values.

/** Values of the wrong type for any argument, field or option (some happen to be valid somewhere: the property allows that). */
export const wrongType: Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    undefined,
    true,
    false,
    0,
    -1,
    1.5,
    NaN,
    Infinity,
    -Infinity,
    '',
    'abc',
    '2',
    'NCHW',
    3n,
    Symbol('fuzz'),
  ),
  fc
    .constantFrom<Array<() => unknown>>(
      () => ({}),
      () => [],
      () => [1, 2],
      () => () => 1,
      () => new Date(0),
      () => new Map([['outputSize', 2]]),
      () => Object.create(null),
      () => new Float32Array(5),
      () => new Float64Array(5),
      () => new Int32Array(5),
      () => new ArrayBuffer(8),
      () => Buffer.alloc(8),
      () => ({ data: null, shape: null }),
      () => Object.assign(new Number(2), { data: new Float32Array(1) }),
    )
    .map((make) => make()),
  fc.anything({
    maxDepth: 2,
    maxKeys: 3,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withTypedArray: true,
  }),
);

/** A Float32Array whose buffer was transferred away (detached: length 0; fast-check cannot print its contents). */
function detached(n: number): Float32Array {
  const array = new Float32Array(n);
  structuredClone(array.buffer, { transfer: [array.buffer] });
  return Object.defineProperty(array, fc.toStringMethod, { value: () => `detached Float32Array(${n})` });
}

/** What a tensor's `data` should not be, for a tensor of `n` elements: other types, or float32 of the wrong length. */
export function malformedData(n: number): Arbitrary<unknown> {
  const makers: Array<() => unknown> = [
    () => new Float64Array(n),
    () => Array.from({ length: n }, () => 0.5),
    () => new Int32Array(n),
    () => new Uint8Array(4 * n),
    () => new Uint16Array(2 * n),
    () => new DataView(new ArrayBuffer(4 * n)),
    () => new ArrayBuffer(4 * n),
    () => Buffer.alloc(4 * n),
    () => ({ length: n }),
    () => new Float32Array(n + 1),
    () => new Float32Array(Math.max(0, n - 1)),
    () => new Float32Array(0),
    () => detached(n),
  ];
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...makers).map((make) => make()) },
    { weight: 1, arbitrary: wrongType },
  );
}

/** A dimension that is not a non-negative integer (or is one beyond any real size). */
export const badDimension: Arbitrary<unknown> = fc.constantFrom<unknown>(
  -1,
  -0,
  0.5,
  1.5,
  NaN,
  Infinity,
  -Infinity,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  1e30,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  '3',
  null,
  undefined,
  true,
  3n,
);

/** What a tensor's dims should not be, given its valid `dims`: the wrong rank, a bad entry, a hole, not an array. */
export function malformedDims(dims: Dims): Arbitrary<unknown> {
  const at = fc.nat(dims.length - 1);
  return fc.oneof(
    fc.constant(dims.slice(0, -1)),
    fc.constant([...dims, 1]),
    fc.constant([]),
    fc.tuple(at, badDimension).map(([i, value]) => dims.map((d, j) => (j === i ? value : d))),
    // A sparse array: a hole where a dimension should be.
    at.map((i) => {
      const holed: unknown[] = [...dims];
      delete holed[i];
      return holed;
    }),
    fc.constant(Int32Array.from(dims)),
    fc.constant({ ...dims, length: dims.length }),
    wrongType,
  );
}

/**
 * What a caller might pass instead of the tensor `t`: something else entirely, its bare
 * data, malformed data or dims, a wrong `type`, no dims, both spellings at once, or an empty
 * tensor whose other dims are huge (valid shapes the native code must not overflow on).
 */
export function malformedTensor(t: TensorValue): Arbitrary<unknown> {
  const key = 'shape' in t ? 'shape' : 'dims';
  const dims = dimsOf(t) as number[];
  const n = product(dims);
  return fc.oneof(
    wrongType,
    fc.constant(t.data),
    malformedData(n).map((data) => ({ ...t, data })),
    malformedDims(dims).map((bad) => ({ ...t, [key]: bad })),
    fc.constantFrom<unknown>('float16', 'float64', 'int32', 'string', undefined, 1).map((type) => ({ ...t, type })),
    fc.constant({ data: t.data }),
    fc.constant({ data: t.data, shape: dims, dims: [...dims].reverse() }),
    fc
      .tuple(
        fc.nat(dims.length - 1),
        fc.nat(dims.length - 1),
        fc.constantFrom(2 ** 31, 2 ** 32 + 1, 2 ** 40, 2 ** 53 - 1),
      )
      .map(([zero, huge, value]) => ({
        data: new Float32Array(0),
        [key]: dims.map((d, i) => (i === zero ? 0 : i === huge ? value : d)),
      })),
  );
}

/** Values a box row should not hold in some column (batch index or coordinate), or that are extreme but finite. */
export const badBoxValue: Arbitrary<number> = fc.constantFrom(
  NaN,
  Infinity,
  -Infinity,
  1e30,
  -1e30,
  3.4e38,
  -3.4e38,
  1e10,
  -1,
  0.5,
  -0.5,
  // Not a float32 (it rounds to 2^25), and as a coordinate far enough past the default
  // maxSamplesPerRoi (2^24) that an adaptive grid over it is refused, wherever the box
  // starts: 2^24 + 1 was not (a box from x = 11 to 2^24 + 1 is a legal 16.7M-sample grid,
  // seconds of work on the JavaScript backend, which the test's time bound took for a hang).
  2 ** 25 + 1,
  2 ** 31,
  -0,
  Number.MIN_VALUE,
);
