// Shared validation: small predicates, readers that throw the one error style, and option
// tables that describe each operator's options as data.
import { constants as bufferConstants } from 'node:buffer';
import { types } from 'node:util';

import { formatShape, invalidType, invalidValue, rangeError, unusableBuffer } from './errors.js';
import type { DType, FeatureMap, HalfType, InputMap } from './model.js';
import type { Layout } from './types.js';

/** The longest typed array this engine can allocate, in elements (Node 20 on 64-bit: 2^32). */
export const maxTypedArrayLength: number = bufferConstants.MAX_LENGTH;

/**
 * A typed array's element count, from its byteLength. Node 20's V8 (11.3) can report the
 * stale `length` of a typed array whose buffer was detached, in optimized code that has also
 * seen views of resizable buffers; byteLength stays right (0 once detached).
 */
export function elementCount(view: ArrayBufferView & { BYTES_PER_ELEMENT: number }): number {
  return view.byteLength / view.BYTES_PER_ELEMENT;
}

/**
 * `each(value[i], i)` for every index of an array, a hole included (as undefined, which the
 * readers refuse): `map` would skip a hole and keep it in its result.
 */
export function mapIndices<T>(value: readonly unknown[], each: (item: unknown, index: number) => T): T[] {
  const result: T[] = [];
  for (let i = 0; i < value.length; i++) result.push(each(value[i], i));
  return result;
}

export const is = {
  object: (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null,
  float32Array: (v: unknown): v is Float32Array => types.isFloat32Array(v),
  number: (v: unknown): v is number => typeof v === 'number',
  integer: (v: unknown): v is number => Number.isInteger(v),
  boolean: (v: unknown): v is boolean => typeof v === 'boolean',
};

/**
 * Whether `view`'s ArrayBuffer was detached (its memory transferred away by postMessage or
 * structuredClone). A detached view reports 0 bytes, but so does an empty one: Node 20's V8
 * has no ArrayBuffer.prototype.detached, so an empty view's buffer is told apart by trying
 * to view it, which the language refuses for a detached buffer (ECMA-262, InitializeTypedArrayFromArrayBuffer).
 */
export function isDetached(view: ArrayBufferView): boolean {
  if (view.byteLength !== 0) return false;
  const buffer = view.buffer;
  if (types.isSharedArrayBuffer(buffer)) return false; // cannot be detached
  const detached = (buffer as { detached?: boolean }).detached; // Node 22 and later
  if (detached !== undefined) return detached;
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * Refuses a typed array whose memory call `fn` cannot use: a detached one (every call), or,
 * for an async call (whose kernel runs while JavaScript goes on), one over a resizable
 * ArrayBuffer, which could shrink under the kernel (a SharedArrayBuffer only grows).
 */
export function checkMemory(fn: string, argument: string, expected: string, view: ArrayBufferView): void {
  if (isDetached(view)) {
    throw unusableBuffer(
      fn,
      argument,
      expected,
      'is detached (transferred away, e.g. by postMessage or structuredClone)',
    );
  }
  if (!fn.endsWith('Sync') && (view.buffer as { resizable?: boolean }).resizable === true) {
    throw unusableBuffer(
      fn,
      argument,
      expected,
      `is resizable, so it could shrink while the async call runs; pass a fixed-length buffer or call ${fn}Sync`,
    );
  }
}

/** Reads one option value, or throws naming `fn` and `argument`. */
export type Reader<T> = (fn: string, argument: string, value: unknown) => T;

export const read = {
  integer:
    (min: number, max: number = Number.MAX_SAFE_INTEGER): Reader<number> =>
    (fn, argument, value) => {
      if (!is.number(value)) throw invalidType(fn, argument, 'an integer', value);
      if (!is.integer(value)) throw invalidValue(fn, argument, 'an integer', value);
      if (value < min || value > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
        throw invalidValue(fn, argument, `an integer ${range}`, value);
      }
      return value;
    },
  positiveFinite: ((fn, argument, value) => {
    if (!is.number(value)) throw invalidType(fn, argument, 'a positive finite number', value);
    if (!(Number.isFinite(value) && value > 0)) throw invalidValue(fn, argument, 'a positive finite number', value);
    // The kernels compute in float32: a value that rounds to 0 or to infinity there is not positive and finite.
    const single = Math.fround(value);
    if (!(single > 0 && single < Infinity)) {
      throw invalidValue(
        fn,
        argument,
        'a positive number that float32 holds (about 1.4e-45 to 3.4e38; the kernels compute in float32)',
        value,
      );
    }
    return value;
  }) as Reader<number>,
  /** Any number, including NaN and the infinities (a fill value). */
  number: ((fn, argument, value) => {
    if (!is.number(value)) throw invalidType(fn, argument, 'a number', value);
    return value;
  }) as Reader<number>,
  /** A non-empty array whose items `item` reads (named argument[i]). */
  list:
    <T>(item: Reader<T>, what: string): Reader<T[]> =>
    (fn, argument, value) => {
      if (!Array.isArray(value)) throw invalidType(fn, argument, `a non-empty array of ${what}`, value);
      if (value.length === 0) throw invalidValue(fn, argument, `a non-empty array of ${what}`, value);
      return mapIndices(value, (v, i) => item(fn, `${argument}[${i}]`, v));
    },
  boolean: ((fn, argument, value) => {
    if (!is.boolean(value)) throw invalidType(fn, argument, 'a boolean', value);
    return value;
  }) as Reader<boolean>,
  oneOf: <T extends string>(choices: readonly T[]): Reader<T> => {
    const expected = `one of ${choices.map((c) => `'${c}'`).join(', ')}`;
    return (fn, argument, value) => {
      if (typeof value !== 'string') throw invalidType(fn, argument, expected, value);
      if (!(choices as readonly string[]).includes(value)) throw invalidValue(fn, argument, expected, value);
      return value as T;
    };
  },
  float32Array: ((fn, argument, value) => {
    if (!is.float32Array(value)) throw invalidType(fn, argument, 'a Float32Array', value);
    checkMemory(fn, argument, 'a Float32Array', value);
    return value;
  }) as Reader<Float32Array>,
  /** A forward operator's `out`: float32, or 16-bit patterns (forwardOutput checks it against outputDtype). */
  outputArray: ((fn, argument, value) => {
    const expected = 'a Float32Array, a Uint16Array or a Float16Array';
    if (!(is.float32Array(value) || types.isUint16Array(value) || isFloat16Array(value))) {
      throw invalidType(fn, argument, expected, value);
    }
    checkMemory(fn, argument, `a ${value.constructor.name}`, value);
    return value;
  }) as Reader<OutputArray>,
  int32Array: ((fn, argument, value) => {
    if (!types.isInt32Array(value)) throw invalidType(fn, argument, 'an Int32Array', value);
    checkMemory(fn, argument, 'an Int32Array', value);
    return value;
  }) as Reader<Int32Array>,
  abortSignal: ((fn, argument, value) => {
    if (!(value instanceof AbortSignal)) throw invalidType(fn, argument, 'an AbortSignal', value);
    return value;
  }) as Reader<AbortSignal>,
  /** `n` or `[height, width]`, each a positive integer. */
  outputSize: ((fn, argument, value) => {
    const expected = 'a positive integer or [height, width]';
    if (is.number(value)) {
      const n = readPositiveInteger(fn, argument, value);
      return [n, n];
    }
    if (!Array.isArray(value)) throw invalidType(fn, argument, expected, value);
    if (value.length !== 2) throw invalidValue(fn, argument, expected, value);
    return [integerItem(fn, argument, value, 0, 1), integerItem(fn, argument, value, 1, 1)];
  }) as Reader<[number, number]>,
};

const readPositiveInteger: Reader<number> = read.integer(1);

/**
 * list[index] as an integer >= min, or the error of read.integer naming `argument[index]`.
 * Every call reads its shapes and sizes this way, so the item's name (a new string) is only
 * built for an item that is refused, not on every call.
 */
function integerItem(fn: string, argument: string, list: readonly unknown[], index: number, min: number): number {
  const value = list[index];
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
  return read.integer(min)(fn, `${argument}[${index}]`, value);
}

/** One option: its reader and its default (`required` when it has none). */
export interface OptionRule<T> {
  read: Reader<T>;
  default?: T;
  required?: boolean;
}

export type OptionTable = Record<string, OptionRule<unknown>>;
export type OptionValues<Table extends OptionTable> = {
  [K in keyof Table]: Table[K] extends OptionRule<infer T> ? T : never;
};

/** A table's rules as a list, with each option's name in messages, made once per table. */
interface CompiledRule {
  key: string;
  argument: string;
  rule: OptionRule<unknown>;
}
interface CompiledTable {
  rules: CompiledRule[];
  /** Every option's default, keys in table order: each call's values start as a copy of it. */
  defaults: Record<string, unknown>;
}
const compiledTables = new WeakMap<OptionTable, CompiledTable>();

function compiled(table: OptionTable): CompiledTable {
  let result = compiledTables.get(table);
  if (result === undefined) {
    const rules = Object.entries(table).map(([key, rule]) => ({ key, argument: `options.${key}`, rule }));
    const defaults: Record<string, unknown> = {};
    for (const { key, rule } of rules) defaults[key] = rule.default;
    result = { rules, defaults };
    compiledTables.set(table, result);
  }
  return result;
}

/**
 * Reads `options` against `table`: every known key is read or defaulted, an unknown key is a
 * TypeError (a misspelt option silently ignored is a wrong result nobody notices).
 */
export function readOptions<Table extends OptionTable>(
  fn: string,
  options: unknown,
  table: Table,
): OptionValues<Table> {
  if (!is.object(options) || Array.isArray(options)) throw invalidType(fn, 'options', 'an options object', options);
  for (const key in options) {
    if (Object.hasOwn(options, key) && !Object.hasOwn(table, key)) {
      throw new TypeError(`${fn}: unknown option options.${key}; expected one of ${Object.keys(table).join(', ')}`);
    }
  }
  // Every call runs this, so it allocates nothing but the result (W5: ~40% of a tiny call's
  // time went to garbage collection before the rules were compiled once per table), and the
  // result starts as a copy of the defaults, which gives it one shape per table at once where
  // adding its keys one by one had V8 look up each store.
  const { rules, defaults } = compiled(table);
  const values = { ...defaults };
  for (const { key, argument, rule } of rules) {
    const value = options[key];
    if (value !== undefined) values[key] = rule.read(fn, argument, value);
    else if (rule.required) throw invalidType(fn, argument, 'a value (it is required)', value);
  }
  return values as OptionValues<Table>;
}

/** A validated tensor: its data and its shape as plain integers. */
export interface TensorView {
  data: Float32Array;
  shape: number[];
}

/**
 * Reads a TensorLike: `{data, shape}` or onnxruntime's `{data, dims}`, float32 data whose
 * length matches the shape, of the given rank when `rank` is set.
 */
export function readTensor(fn: string, argument: string, value: unknown, rank?: number): TensorView {
  const expected = 'a tensor {data: Float32Array, shape} or {data: Float32Array, dims}';
  if (!is.object(value) || types.isTypedArray(value)) throw invalidType(fn, argument, expected, value);
  if ('type' in value && value.type !== 'float32') {
    throw invalidType(fn, `${argument}.type`, "'float32' (only float32 tensors are accepted)", value.type);
  }
  const data = value.data;
  if (!is.float32Array(data)) throw invalidType(fn, `${argument}.data`, 'a Float32Array', data);
  checkMemory(fn, `${argument}.data`, 'a Float32Array', data);
  return { data, shape: readShape(fn, argument, value, elementCount(data), rank) };
}

/** A tensor's `shape` (or ort's `dims`): integers >= 0, `rank` of them when set, whose product is `length`. */
function readShape(
  fn: string,
  argument: string,
  value: Record<string, unknown>,
  length: number,
  rank: number | undefined,
): number[] {
  const shapeKey = 'shape' in value && value.shape !== undefined ? 'shape' : 'dims';
  const rawShape = value[shapeKey];
  if (!Array.isArray(rawShape)) throw invalidType(fn, `${argument}.shape`, 'an array of dimensions', rawShape);
  const shapeName = `${argument}.${shapeKey}`;
  const shape = mapIndices(rawShape, (_, i) => integerItem(fn, shapeName, rawShape, i, 0));
  if (rank !== undefined && shape.length !== rank) {
    throw invalidValue(fn, `${argument}.${shapeKey}`, `${rank} dimensions`, rawShape);
  }
  const elements = shape.reduce((a, b) => a * b, 1);
  if (length !== elements) {
    throw rangeError(fn, `${argument}.data has ${length} elements, shape ${formatShape(shape)} needs ${elements}`);
  }
  return shape;
}

/**
 * A feature map given as plain numbers (nested arrays, or a tensor whose data is an array) is refused
 * with how to wrap it: its values would have to be copied, and a map is the large argument
 * (docs/api.md "Tensors": nothing is copied on the way in).
 */
function refusePlainArrayMap(fn: string, argument: string, value: unknown, layout: Layout): void {
  const shape = layout === 'NCHW' ? '[N, C, H, W]' : '[N, H, W, C]';
  const wrap = (values: unknown[]) => {
    const flat = Array.isArray(values[0]) ? 'values.flat(3)' : 'values'; // nested [N][C][H][W] arrays
    return `wrap plain numbers as { data: Float32Array.from(${flat}), shape: ${shape} }`;
  };
  if (Array.isArray(value)) throw invalidType(fn, argument, `a tensor, not an array (${wrap(value)})`, value);
  if (is.object(value) && Array.isArray(value.data)) {
    throw invalidType(fn, `${argument}.data`, `a typed array (${wrap(value.data)})`, value.data);
  }
}

/** A map's dimensions by name, from its 4-d shape in `layout`, with at least one pixel. */
function mapDimensions(fn: string, argument: string, shape: number[], layout: Layout) {
  const [batch, a, b, c] = shape as [number, number, number, number];
  const dims =
    layout === 'NCHW'
      ? { batch, channels: a, height: b, width: c, layout }
      : { batch, height: a, width: b, channels: c, layout };
  if (dims.height < 1 || dims.width < 1) {
    throw rangeError(
      fn,
      `${argument} has shape ${formatShape(shape)} (${layout}): height and width must be at least 1`,
    );
  }
  return dims;
}

/**
 * A float32 map (backward operators, whose maps and gradients stay float32). A 16-bit map is
 * refused saying so, rather than as a wrong array type.
 */
export function readFeatureMap(fn: string, argument: string, value: unknown, layout: Layout): FeatureMap {
  refusePlainArrayMap(fn, argument, value, layout);
  refuseHalfTensor(fn, argument, value);
  const { data, shape } = readTensor(fn, argument, value, 4);
  return { data, ...mapDimensions(fn, argument, shape, layout) };
}

/** Backward operators take float32 only: a 16-bit tensor is refused with that reason. */
export function refuseHalfTensor(fn: string, argument: string, value: unknown): void {
  if (!is.object(value)) return;
  const data = value.data;
  if (types.isUint16Array(data) || isFloat16Array(data)) {
    throw invalidType(fn, `${argument}.data`, 'a Float32Array (backward operators take and give float32 only)', data);
  }
}

/** The brand check of %TypedArray%.prototype[@@toStringTag]: true for a real Float16Array (Node 24+) only. */
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)
  ?.get as (this: unknown) => string | undefined;

export function isFloat16Array(value: unknown): value is ArrayBufferView & { length: number } {
  return ArrayBuffer.isView(value) && typedArrayTag.call(value) === 'Float16Array';
}

const mapExpected =
  "a Float32Array, a Float16Array, or a Uint16Array of 16-bit patterns with dtype (or an ort.Tensor's type) 'float16' or 'bfloat16'";

/**
 * What a map tensor says its elements are, and under which key: `dtype` (plain objects) or
 * `type` (ort.Tensor); `declared` is undefined when it says nothing.
 */
function declaredType(fn: string, argument: string, value: Record<string, unknown>) {
  const key = value.dtype !== undefined ? 'dtype' : 'type';
  const declared = value[key];
  if (declared !== undefined && declared !== 'float32' && declared !== 'float16' && declared !== 'bfloat16') {
    throw invalidType(fn, `${argument}.${key}`, "'float32', 'float16' or 'bfloat16'", declared);
  }
  return { key, declared: declared as DType | undefined };
}

/**
 * A forward operator's map (docs/api.md "16-bit feature maps"): float32 data, a Float16Array,
 * or a Uint16Array of float16 / bfloat16 patterns whose dtype (or ort.Tensor type) says which.
 * Nothing is copied: a 16-bit map's patterns are read where they lie (a Float16Array through
 * a Uint16Array view of its memory).
 */
export function readInputMap(fn: string, argument: string, value: unknown, layout: Layout): InputMap {
  refusePlainArrayMap(fn, argument, value, layout);
  const expected = 'a tensor {data, shape} or {data, dims}';
  if (!is.object(value) || types.isTypedArray(value)) throw invalidType(fn, argument, expected, value);
  const { key, declared } = declaredType(fn, argument, value);
  const data = value.data;
  let bits: Uint16Array;
  let dtype: HalfType;
  if (is.float32Array(data)) {
    if (declared !== undefined && declared !== 'float32') {
      throw invalidType(fn, `${argument}.${key}`, "'float32' (the data is a Float32Array)", declared);
    }
    checkMemory(fn, `${argument}.data`, 'a Float32Array', data);
    const shape = readShape(fn, argument, value, elementCount(data), 4);
    return { data, ...mapDimensions(fn, argument, shape, layout) };
  } else if (isFloat16Array(data)) {
    if (declared !== undefined && declared !== 'float16') {
      throw invalidType(fn, `${argument}.${key}`, "'float16' (the data is a Float16Array)", declared);
    }
    checkMemory(fn, `${argument}.data`, 'a Float16Array', data); // before viewing its buffer
    bits = new Uint16Array(data.buffer, data.byteOffset, data.length);
    dtype = 'float16';
  } else if (types.isUint16Array(data)) {
    if (declared === undefined || declared === 'float32') {
      throw invalidType(
        fn,
        `${argument}.${key}`,
        "'float16' or 'bfloat16' (a Uint16Array holds 16-bit patterns; the tensor must say which format)",
        declared,
      );
    }
    checkMemory(fn, `${argument}.data`, 'a Uint16Array', data);
    bits = data;
    dtype = declared;
  } else {
    throw invalidType(fn, `${argument}.data`, mapExpected, data);
  }
  const shape = readShape(fn, argument, value, elementCount(bits), 4);
  return { bits, dtype, ...mapDimensions(fn, argument, shape, layout) };
}

/**
 * An output buffer: `given` when the caller passed one (checked for length and for overlap
 * with the buffers in `avoid`, named for the message), else a new array. Refuses sizes over
 * the engine's limit before allocating anything.
 */
/** What a forward operator's `out` may be: float32, or 16-bit patterns (a Float16Array's are float16). */
export type OutputArray = Float32Array | Uint16Array | (ArrayBufferView & { length: number });

/**
 * A forward operator's output for `outputDtype`: `out` when given (a Float32Array for float32;
 * a Uint16Array, or a Float16Array for float16, for 16 bits), else a new array. `result` is
 * what the caller gets back (their own array when they passed one), `data` what the kernels
 * write (a Uint16Array view of a Float16Array's memory).
 */
export function forwardOutput(
  fn: string,
  shape: number[],
  given: OutputArray | undefined,
  dtype: DType,
  avoid: ReadonlyArray<readonly [ArrayBufferView, string]>,
): { data: Float32Array | Uint16Array; result: OutputArray } {
  if (dtype === 'float32') {
    if (given !== undefined && !is.float32Array(given)) {
      throw invalidType(fn, 'options.out', "a Float32Array (options.outputDtype is 'float32')", given);
    }
    const data = outputBuffer(fn, 'options.out', shape, given, (n) => new Float32Array(n), avoid);
    return { data, result: data };
  }
  let bits: Uint16Array | undefined;
  if (given === undefined || types.isUint16Array(given)) bits = given;
  else if (dtype === 'float16' && isFloat16Array(given)) {
    bits = new Uint16Array(given.buffer, given.byteOffset, given.length);
  } else {
    const expected = dtype === 'float16' ? 'a Uint16Array or a Float16Array' : 'a Uint16Array';
    throw invalidType(fn, 'options.out', `${expected} (options.outputDtype is '${dtype}')`, given);
  }
  const data = outputBuffer(fn, 'options.out', shape, bits, (n) => new Uint16Array(n), avoid);
  return { data, result: given ?? data };
}

export function outputBuffer<T extends Float32Array | Int32Array | Uint16Array>(
  fn: string,
  argument: string,
  shape: number[],
  given: T | undefined,
  create: (length: number) => T,
  avoid: ReadonlyArray<readonly [ArrayBufferView, string]>,
): T {
  const elements = shape.reduce((a, b) => a * b, 1);
  if (elements > maxTypedArrayLength) {
    throw rangeError(
      fn,
      `the output ${formatShape(shape)} has ${elements} elements, over this engine's typed array limit of ${maxTypedArrayLength}`,
    );
  }
  if (given === undefined) return create(elements);
  if (elementCount(given) !== elements) {
    throw rangeError(
      fn,
      `${argument} has ${elementCount(given)} elements, the output ${formatShape(shape)} needs ${elements}`,
    );
  }
  for (const [view, name] of avoid) {
    if (overlaps(given, view)) throw rangeError(fn, `${argument} overlaps ${name}; pass a separate buffer`);
  }
  return given;
}

function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.buffer !== b.buffer || a.byteLength === 0 || b.byteLength === 0) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}
