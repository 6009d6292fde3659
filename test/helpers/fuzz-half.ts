// 16-bit floats for the public-API fuzz (test/api/api-fuzz.test.ts): the conversions its oracle
// uses, computed here from the formats' definitions (IEEE 754 binary16; bfloat16, float32's top
// half), not by roi-ops, and the bit patterns a 16-bit feature map is filled with.
import fc, { type Arbitrary } from 'fast-check';

export type HalfType = 'float16' | 'bfloat16';

/** The runtime's Float16Array (Node 24 and later), or undefined. */
export const Float16ArrayConstructor = (
  globalThis as {
    Float16Array?: new (buffer: ArrayBufferLike, byteOffset?: number, length?: number) => ArrayBufferView;
  }
).Float16Array;

/** Whether `value` is a real Float16Array (not a Uint16Array that claims to be one). */
export const isFloat16Array = (value: unknown): value is ArrayBufferView & { length: number } =>
  Float16ArrayConstructor !== undefined && value instanceof Float16ArrayConstructor;

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);
export function float32Bits(value: number): number {
  scratch[0] = value;
  return scratchBits[0] as number;
}

/**
 * float32 bit pattern of each float16 pattern: sign, exponent rebiased from 15 to 127, mantissa
 * shifted up 13 bits; subnormals (exponent 0) are mantissa * 2^-24, exact in float32; a NaN is
 * made quiet (the top mantissa bit set) and keeps its payload, as docs/api.md "16-bit feature maps" says.
 */
function float16ToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa === 0 ? 0 : 0x400000 | (mantissa << 13))) >>> 0;
  if (exponent === 0) return (sign | float32Bits(mantissa * 2 ** -24)) >>> 0;
  return (sign | ((exponent + 127 - 15) << 23) | (mantissa << 13)) >>> 0;
}

/** bfloat16 is float32's top 16 bits; a NaN is made quiet. */
function bfloat16ToFloat32Bits(b: number): number {
  const bits = (b << 16) >>> 0;
  const nan = (bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0;
  return (nan ? bits | 0x400000 : bits) >>> 0;
}

function table(toBits: (pattern: number) => number): Float32Array {
  const bits = Uint32Array.from({ length: 65536 }, (_, p) => toBits(p));
  return new Float32Array(bits.buffer);
}

/** Each of the 65536 patterns widened to float32, per format (NaN payloads kept: built as bits). */
const widened: Record<HalfType, Float32Array> = {
  float16: table(float16ToFloat32Bits),
  bfloat16: table(bfloat16ToFloat32Bits),
};

/** `bits` of `type` widened to float32, exactly. */
export function widenHalf(bits: Uint16Array, type: HalfType): Float32Array {
  const into = widened[type];
  return Float32Array.from(bits, (p) => into[p] as number);
}

/** Round half to even of a non-negative number of units (exact in float64 for float32 inputs). */
function roundHalfEven(units: number): number {
  const floor = Math.floor(units);
  const rest = units - floor;
  return rest > 0.5 || (rest === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
}

/**
 * A float32 value's nearest pattern of a format with `exponentBits` and `mantissaBits`, ties to
 * even: overflow (at or past the midpoint above the largest finite value) to infinity,
 * subnormals kept; a NaN is a quiet NaN with the top bits of the float32's payload.
 */
function narrowBits(bits: number, exponentBits: number, mantissaBits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponentMask = (1 << exponentBits) - 1;
  const infinity = exponentMask << mantissaBits;
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0)
    return sign | infinity | (1 << (mantissaBits - 1)) | ((bits & 0x7fffff) >>> (23 - mantissaBits));
  scratchBits[0] = bits & 0x7fffffff;
  const magnitude = scratch[0] as number;
  const bias = exponentMask >> 1;
  const largest = (2 - 2 ** -mantissaBits) * 2 ** bias;
  if (magnitude >= largest + 2 ** (bias - mantissaBits - 1)) return sign | infinity;
  const smallestNormal = 2 ** (1 - bias);
  // The unit in the last place: the subnormals', or that of the binade `magnitude` is in.
  let exponent = 1 - bias;
  while (exponent < bias && 2 ** (exponent + 1) <= magnitude) exponent++;
  const ulp = 2 ** ((magnitude < smallestNormal ? 1 - bias : exponent) - mantissaBits);
  const units = roundHalfEven(magnitude / ulp);
  if (magnitude < smallestNormal) return sign | units; // units == 2^mantissaBits is the smallest normal's pattern
  // [2^m, 2^(m+1)] units of the binade; 2^(m+1) (a carry) is the next binade's first pattern.
  return sign | (((exponent + bias) << mantissaBits) + units - (1 << mantissaBits));
}

/** float32 `values` rounded to nearest-even 16-bit patterns of `type`. */
export function narrowHalf(values: Float32Array, type: HalfType): Uint16Array {
  const [exponentBits, mantissaBits] = type === 'float16' ? [5, 10] : [8, 7];
  return Uint16Array.from(values, (v) => narrowBits(float32Bits(v), exponentBits, mantissaBits));
}

/** Patterns that are zero, subnormal, infinite or NaN (quiet and signalling, both signs), or the largest finite. */
const specialPatterns: Record<HalfType, number[]> = {
  float16: [0x0000, 0x8000, 0x0001, 0x83ff, 0x0400, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00, 0x7c01, 0xfd55, 0x3c00],
  bfloat16: [0x0000, 0x8000, 0x0001, 0x807f, 0x0080, 0x7f7f, 0xff7f, 0x7f80, 0xff80, 0x7fc0, 0x7f81, 0xffaa, 0x3f80],
};

/** The range of patterns of ordinary size (about 1/8 to 8) in each format. */
const ordinary: Record<HalfType, [number, number]> = { float16: [0x3000, 0x4800], bfloat16: [0x3e00, 0x4100] };

/**
 * `n` patterns of `type`: half of them ordinary values of either sign, a quarter any pattern, a
 * quarter special ones. Drawn as one 32-bit word per element (fast for maps of thousands).
 */
export function halfPatterns(type: HalfType, n: number): Arbitrary<Uint16Array> {
  const [lo, hi] = ordinary[type];
  const specials = specialPatterns[type];
  return fc.uint32Array({ minLength: n, maxLength: n }).map((words) =>
    Uint16Array.from(words, (word) => {
      const pick = word & 3;
      const rest = word >>> 2;
      if (pick < 2) return (lo + (rest % (hi - lo + 1))) | (word & 0x80000000 ? 0x8000 : 0);
      return pick === 2 ? rest & 0xffff : (specials[rest % specials.length] as number);
    }),
  );
}
