// The JavaScript backend's 16-bit conversions (lib/reference/half.ts) against oracles computed
// another way: every one of the 65536 float16 and bfloat16 patterns widened, by the formula
// of the formats in float64 arithmetic; and rounding to 16 bits on every boundary (each
// representable value, each midpoint between neighbours and the float32 values either side
// of it) against a search for the nearest value, ties to even, in float64.
import { describe, expect, it } from 'vitest';

import { float32BitsToBfloat16, float32BitsToFloat16, halfToNumber, narrow, widen } from '../../lib/reference/half.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const bitsOf = (value: number): number => {
  f32[0] = value;
  return u32[0] as number;
};
const valueOf = (bits: number): number => {
  u32[0] = bits >>> 0;
  return f32[0] as number;
};

/** float16 pattern -> its value, from the format's definition. */
function float16Value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 pattern -> its value, from the format's definition (float32's exponent, 7 mantissa bits). */
function bfloat16Value(b: number): number {
  const sign = b & 0x8000 ? -1 : 1;
  const exponent = (b >> 7) & 0xff;
  const mantissa = b & 0x7f;
  if (exponent === 0xff) return mantissa === 0 ? sign * Infinity : NaN;
  if (exponent === 0) return sign * mantissa * 2 ** -133;
  return sign * (1 + mantissa / 128) * 2 ** (exponent - 127);
}

/**
 * The nearest pattern to finite `value` among the non-negative finite patterns of a format
 * (ascending, with their values), ties to the even pattern; `overflow` is the first value that
 * rounds to infinity (the midpoint above the largest finite one).
 */
function nearest(value: number, patterns: number[], values: number[], overflow: number, infinity: number): number {
  const magnitude = Math.abs(value);
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  if (magnitude >= overflow) return sign | infinity;
  let lo = 0;
  let hi = values.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((values[mid] as number) <= magnitude) lo = mid;
    else hi = mid;
  }
  const below = magnitude - (values[lo] as number);
  const above = (values[hi] as number) - magnitude;
  const pick = below < above ? lo : above < below ? hi : (patterns[lo] as number) % 2 === 0 ? lo : hi;
  return sign | (patterns[pick] as number);
}

/** A format's non-negative finite patterns in ascending order, with their values. */
function finitePatterns(value: (p: number) => number): { patterns: number[]; values: number[] } {
  const patterns: number[] = [];
  for (let p = 0; p < 0x8000; p++) if (Number.isFinite(value(p))) patterns.push(p);
  return { patterns, values: patterns.map(value) };
}

/**
 * The float32 values where rounding to the format decides: each finite value, the midpoint to
 * its successor and the float32 values either side of that midpoint, with both signs; zeros,
 * float32 subnormals, the largest float32 and the infinities.
 */
function boundaries(values: number[]): number[] {
  const out: number[] = [0, -0, valueOf(1), valueOf(0x007fffff), valueOf(0x7f7fffff), Infinity, -Infinity];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const next = i + 1 < values.length ? (values[i + 1] as number) : 2 * v - (values[i - 1] as number);
    const middle = Math.fround((v + next) / 2);
    for (const x of [v, middle, valueOf(bitsOf(middle) - 1), valueOf(bitsOf(middle) + 1)]) out.push(x, -x);
  }
  return out.filter((x) => Number.isFinite(x) || !Number.isNaN(x));
}

describe('float16', () => {
  const { patterns, values } = finitePatterns(float16Value);

  it('widens all 65536 patterns exactly, NaNs to NaNs', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const wide = widen(all, 'float16');
    for (let h = 0; h < 65536; h++) {
      const expected = float16Value(h);
      const got = wide[h] as number;
      if (Number.isNaN(expected)) expect(Number.isNaN(got)).toBe(true);
      else if (!Object.is(got, expected)) expect.fail(`pattern ${h.toString(16)}: ${got} != ${expected}`);
    }
    expect(halfToNumber(0x3c00, 'float16')).toBe(1);
    expect(Object.is(halfToNumber(0x8000, 'float16'), -0)).toBe(true);
  });

  it('keeps a NaN payload: quiet bit set, top payload bits kept (F16C, AVX-512 and NEON do the same)', () => {
    const wide = widen(new Uint16Array([0x7c01, 0xfe55, 0x7dff]), 'float16');
    expect([...new Uint32Array(wide.buffer)].map((b) => b.toString(16))).toEqual(['7fc02000', 'ffcaa000', '7fffe000']);
    expect(float32BitsToFloat16(0x7f802000)).toBe(0x7e01);
    expect(float32BitsToFloat16(0xffcaa000)).toBe(0xfe55);
    expect(float32BitsToFloat16(0x7f800001)).toBe(0x7e00); // payload below the kept bits: still a NaN
  });

  it('rounds every boundary float32 to the nearest float16, ties to even, overflow to infinity', () => {
    const cases = boundaries(values);
    expect(cases.length).toBeGreaterThan(4 * 2 * 30000);
    const got = narrow(Float32Array.from(cases), 'float16', new Uint16Array(cases.length));
    for (let i = 0; i < cases.length; i++) {
      const want = nearest(cases[i] as number, patterns, values, 65520, 0x7c00);
      if (got[i] !== want) expect.fail(`${cases[i]}: got ${got[i]?.toString(16)}, want ${want.toString(16)}`);
    }
  });

  it('rounds the named edge cases as IEEE 754 says', () => {
    const round = (x: number) => float32BitsToFloat16(bitsOf(x));
    expect(round(65504)).toBe(0x7bff); // the largest float16
    expect(round(65519.996)).toBe(0x7bff); // below the midpoint to 65536
    expect(round(65520)).toBe(0x7c00); // the midpoint: ties to even, i.e. to infinity
    expect(round(2 ** -24)).toBe(0x0001); // the smallest subnormal
    expect(round(2 ** -25)).toBe(0x0000); // half of it: ties to even zero
    expect(round(Math.fround(2 ** -25 * 1.0000001))).toBe(0x0001);
    expect(round(3 * 2 ** -25)).toBe(0x0002); // 1.5 units: ties to even 2
    expect(round(-(2 ** -26))).toBe(0x8000); // a negative underflow keeps its sign
    expect(round(1 + 2 ** -11)).toBe(0x3c00); // ties to even 1.0
    expect(round(1 + 3 * 2 ** -11)).toBe(0x3c02); // ties to even 1 + 2^-9
  });
});

describe('bfloat16', () => {
  const { patterns, values } = finitePatterns(bfloat16Value);

  it('widens all 65536 patterns exactly (the top 16 bits of a float32)', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const wide = widen(all, 'bfloat16');
    for (let b = 0; b < 65536; b++) {
      const expected = bfloat16Value(b);
      const got = wide[b] as number;
      if (Number.isNaN(expected)) expect(Number.isNaN(got)).toBe(true);
      else if (!Object.is(got, expected)) expect.fail(`pattern ${b.toString(16)}: ${got} != ${expected}`);
    }
  });

  it('rounds every boundary float32 to the nearest bfloat16, ties to even, overflow to infinity', () => {
    const largest = values[values.length - 1] as number;
    const overflow = largest + 2 ** (127 - 8); // the midpoint to 2^128
    const cases = boundaries(values);
    const got = narrow(Float32Array.from(cases), 'bfloat16', new Uint16Array(cases.length));
    for (let i = 0; i < cases.length; i++) {
      const want = nearest(cases[i] as number, patterns, values, overflow, 0x7f80);
      if (got[i] !== want) expect.fail(`${cases[i]}: got ${got[i]?.toString(16)}, want ${want.toString(16)}`);
    }
  });

  it('keeps a NaN a quiet NaN with its top payload bits', () => {
    const wide = widen(new Uint16Array([0x7f81, 0xffc1]), 'bfloat16');
    expect([...new Uint32Array(wide.buffer)].map((b) => b.toString(16))).toEqual(['7fc10000', 'ffc10000']);
    expect(float32BitsToBfloat16(0x7f800001)).toBe(0x7fc0);
    expect(float32BitsToBfloat16(0xffa50000)).toBe(0xffe5);
    expect(float32BitsToBfloat16(0x7fffffff)).toBe(0x7fff); // no carry into the sign
  });
});

describe('widen and narrow', () => {
  it('read and write views with an offset', () => {
    const backing = new Uint16Array([0, 0x3c00, 0xc000, 0]);
    const wide = widen(backing.subarray(1, 3), 'float16');
    expect([...wide]).toEqual([1, -2]);
    const target = new Uint16Array(4);
    const floats = new Float32Array([9, 1, -2, 9]);
    narrow(floats.subarray(1, 3), 'bfloat16', target.subarray(1, 3));
    expect([...target]).toEqual([0, 0x3f80, 0xc000, 0]);
  });
});
