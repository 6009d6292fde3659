// Loads the golden vectors of test/fixtures/golden (format in its README) and compares
// results with the tolerances it prescribes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const goldenDir = join(import.meta.dirname, '..', 'fixtures', 'golden');

interface EncodedTensor {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: string;
}

export interface DecodedTensor<T extends Float32Array | Int32Array = Float32Array> {
  data: T;
  shape: number[];
}

export interface GoldenCase {
  name: string;
  op: string;
  params: Record<string, unknown>;
  input: DecodedTensor;
  rois: DecodedTensor;
  expected: DecodedTensor;
  expectedArgmax?: DecodedTensor<Int32Array>;
}

function bytes(encoded: EncodedTensor): ArrayBuffer {
  const raw = Buffer.from(encoded.data, 'base64');
  return raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
}

export function decodeFloat32(encoded: EncodedTensor): DecodedTensor {
  return { data: new Float32Array(bytes(encoded)), shape: encoded.shape };
}

export function decodeInt32(encoded: EncodedTensor): DecodedTensor<Int32Array> {
  return { data: new Int32Array(bytes(encoded)), shape: encoded.shape };
}

/** Every golden case whose file name starts with one of `prefixes`. */
export function goldenCases(prefixes: string[]): GoldenCase[] {
  return readdirSync(goldenDir)
    .filter((file) => file.endsWith('.json') && prefixes.some((p) => file.startsWith(p)))
    .sort()
    .map((file) => {
      const json = JSON.parse(readFileSync(join(goldenDir, file), 'utf8'));
      return {
        name: file.replace(/\.json$/, ''),
        op: json.op,
        params: json.params,
        input: decodeFloat32(json.input),
        rois: decodeFloat32(json.rois),
        expected: decodeFloat32(json.expected),
        expectedArgmax: json.expectedArgmax ? decodeInt32(json.expectedArgmax) : undefined,
      };
    });
}

/** NCHW -> NHWC (works for any [A,B,C,D] tensor viewed as [A, B=channels, C, D]). */
export function toChannelsLast<T extends Float32Array | Int32Array>(tensor: DecodedTensor<T>): DecodedTensor<T> {
  const [n = 0, c = 0, h = 0, w = 0] = tensor.shape;
  const out = new (tensor.data.constructor as new (length: number) => T)(tensor.data.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[((b * h + y) * w + x) * c + ch] = tensor.data[((b * c + ch) * h + y) * w + x] as number;
  return { data: out, shape: [n, h, w, c] };
}

/**
 * Indices where `actual` is outside |actual - expected| <= atol + rtol*|expected| (golden
 * README: 0 for exact comparisons, 1e-5 and 1e-4 for anything that sums). NaN equals NaN.
 */
export function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): number[] {
  const bad: number[] = [];
  if (actual.length !== expected.length) return [-1];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) bad.push(i);
  }
  return bad;
}

/** Golden README: roiPool values and argmax are exact; everything that sums has a tolerance. */
export function toleranceFor(op: string): { atol: number; rtol: number } {
  return op === 'roiPool' ? { atol: 0, rtol: 0 } : { atol: 1e-5, rtol: 1e-4 };
}
