// One error factory, so every message has the same shape: the function, the argument,
// what was expected and what came (docs/design.md "Validation and errors": sharp's lib/is).
import { types } from 'node:util';

/**
 * A short, bounded description of any value, for error messages. It never throws: the value
 * may be a revoked Proxy, an object whose getters throw or whose `constructor.name` is a
 * Symbol, and the message about it must still be built.
 */
export function describe(value: unknown): string {
  try {
    return describeValue(value);
  } catch {
    return 'an object that cannot be inspected (object)';
  }
}

/**
 * The name of `value`'s class when it reads as one (an identifier of at most 40 characters),
 * else `fallback`: `constructor` is any object's own field to set, and its `name` may be
 * anything, a Symbol or a long, multi-line string included.
 */
function className(value: object, fallback: string): string {
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && /^[\p{L}_$][\p{L}\p{N}_$]{0,39}$/u.test(name) ? name : fallback;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (types.isTypedArray(value)) return `${className(value, 'TypedArray')}(${value.length})`;
  if (Array.isArray(value)) {
    // Array.from: a hole shows as undefined (map would skip it).
    const shown = Array.from(value.slice(0, 8), (v: unknown) => (typeof v === 'number' ? String(v) : typeof v));
    return `[${shown.join(',')}${value.length > 8 ? ',...' : ''}] (array)`;
  }
  switch (typeof value) {
    case 'number':
    case 'boolean':
      return `${String(value)} (${typeof value})`;
    case 'bigint': {
      const digits = String(value);
      return `${digits.length > 40 ? `${digits.slice(0, 40)}... (${digits.length} digits)` : digits} (bigint)`;
    }
    case 'string':
      return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)} (string)`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return `${className(value as object, 'Object')} (object)`;
  }
}

function expectedMessage(fn: string, argument: string, expected: string, value: unknown): string {
  return `${fn}: expected ${expected} for ${argument} but received ${describe(value)}`;
}

/** The value has the wrong type. */
export function invalidType(fn: string, argument: string, expected: string, value: unknown): TypeError {
  return new TypeError(expectedMessage(fn, argument, expected, value));
}

/** The value has the right type but an unusable value. */
export function invalidValue(fn: string, argument: string, expected: string, value: unknown): RangeError {
  return new RangeError(expectedMessage(fn, argument, expected, value));
}

/**
 * A typed array of the right type whose memory the call cannot use: `reason` says what is
 * wrong with its ArrayBuffer (detached, or resizable for an async call).
 */
export function unusableBuffer(fn: string, argument: string, expected: string, reason: string): TypeError {
  return new TypeError(`${fn}: expected ${expected} for ${argument} but received one whose ArrayBuffer ${reason}`);
}

/** A RangeError whose message is written out by the caller (shapes, lengths, rows). */
export function rangeError(fn: string, message: string): RangeError {
  return new RangeError(`${fn}: ${message}`);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** A count for a message: exact up to 2^53, else three significant digits (1.00e+60). */
export function formatCount(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : n.toPrecision(3);
}
