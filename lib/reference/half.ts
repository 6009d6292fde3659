// The 16-bit float formats of feature maps and outputs (docs/api.md "16-bit feature maps"), as
// the JavaScript backend converts them: every float16 or bfloat16 value widens to float32
// exactly, and float32 narrows to the nearest 16-bit value, ties to even, overflow to
// infinity, subnormals kept, a NaN kept a (quiet) NaN with the top bits of its payload, as
// the F16C, AVX-512 and NEON instructions of the native backend do (native/kernels/half.h).
// Bit arithmetic on the patterns rather than Float16Array, which Node 20 lacks.
export type HalfType = 'float16' | 'bfloat16';

let float16Table: Float32Array | undefined;

/** float16 pattern -> float32 value, for all 65536 patterns (256 KiB, built on first use). */
function float16Values(): Float32Array {
  if (float16Table === undefined) {
    const table = new Float32Array(65536);
    const bits = new Uint32Array(table.buffer);
    for (let h = 0; h < 65536; h++) bits[h] = float16ToFloat32Bits(h);
    float16Table = table;
  }
  return float16Table;
}

/** The float32 bit pattern of float16 pattern `h`: exact (float32 holds every float16). */
function float16ToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >>> 10) & 0x1f;
  let mantissa = h & 0x3ff;
  if (exponent === 0x1f) {
    // Infinity, or a NaN: quiet (as F16C quiets a signalling one), payload kept.
    return (sign | (mantissa === 0 ? 0x7f800000 : 0x7fc00000 | (mantissa << 13))) >>> 0;
  }
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0; // +-0
  // A subnormal m * 2^-24: normalise it (float32's exponent range holds it).
  let e = 113;
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

/** The float16 pattern nearest the float32 of pattern `x` (ties to even). */
export function float32BitsToFloat16(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return mantissa === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa >>> 13);
  const e = exponent - 112; // the float16 exponent field this value would have
  if (e >= 0x1f) return sign | 0x7c00; // 65536 or more: infinity
  if (e >= 1) {
    const rest = mantissa & 0x1fff;
    const half = sign | (e << 10) | (mantissa >>> 13);
    // A carry out of the mantissa steps the exponent, up to infinity (0x7c00): still right.
    return rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1) ? half + 1 : half;
  }
  // A float16 subnormal (units of 2^-24): the 24-bit significand shifted right by 14 - e.
  const shift = 14 - e;
  if (shift > 24) return sign; // under 2^-25: rounds to zero
  const significand = mantissa | 0x800000;
  const kept = significand >>> shift;
  const rest = significand - kept * 2 ** shift;
  const tie = 2 ** (shift - 1);
  return sign | (rest > tie || (rest === tie && (kept & 1) === 1) ? kept + 1 : kept);
}

/** The bfloat16 pattern nearest the float32 of pattern `x` (ties to even). */
export function float32BitsToBfloat16(x: number): number {
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) | 0x40) & 0xffff; // NaN: quiet, payload kept
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff; // a carry into the exponent is right, up to infinity
}

/** The float32 of bfloat16 pattern `b`: its 16 bits on top, exact; a NaN quiet, as float16's. */
function bfloat16ToFloat32Bits(b: number): number {
  return ((b & 0x7fff) > 0x7f80 ? (b | 0x40) << 16 : b << 16) >>> 0;
}

/** `bits` (16-bit patterns of `type`) widened into `into` (default: a new array). */
export function widen(
  bits: Uint16Array,
  type: HalfType,
  into: Float32Array = new Float32Array(bits.length),
): Float32Array {
  if (type === 'float16') {
    const table = float16Values();
    for (let i = 0; i < bits.length; i++) into[i] = table[bits[i] as number] as number;
  } else {
    const out = new Uint32Array(into.buffer, into.byteOffset, into.length);
    for (let i = 0; i < bits.length; i++) out[i] = bfloat16ToFloat32Bits(bits[i] as number);
  }
  return into;
}

/** `values` rounded to `type` (nearest, ties to even) into `into`. */
export function narrow(values: Float32Array, type: HalfType, into: Uint16Array): Uint16Array {
  const source = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const round = type === 'float16' ? float32BitsToFloat16 : float32BitsToBfloat16;
  for (let i = 0; i < source.length; i++) into[i] = round(source[i] as number);
  return into;
}

/** The float32 of one 16-bit pattern (for tests and messages). */
export function halfToNumber(pattern: number, type: HalfType): number {
  const bits = new Uint32Array([type === 'float16' ? float16ToFloat32Bits(pattern) : bfloat16ToFloat32Bits(pattern)]);
  return new Float32Array(bits.buffer)[0] as number;
}
