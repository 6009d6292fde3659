// 16-bit feature maps (docs/api.md "16-bit feature maps") through the public API of the backend
// this project runs (native at each instruction set, or JavaScript): the shared golden vectors
// (torchvision on the widened maps), every forward operator with a float16 and a bfloat16 map
// equal bit for bit to the float32 operator on the map widened by lib/reference/half.ts (whose
// conversions test/reference/half.test.ts checks against independent oracles), outputDtype
// equal to that float32 result rounded by the same module, every 16-bit pattern through the
// backend's widening, boundary float32 values through its rounding, and the refusals.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import * as roiOps from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { narrow, widen, type HalfType } from '../../lib/reference/half.js';
import { expectConfiguredBackend } from '../helpers/backend.js';
import { prng } from '../helpers/gradient-cases.js';
import { goldenRuns, mismatches, toleranceFor } from '../helpers/golden.js';

type Layout = 'NCHW' | 'NHWC';
type Form = 'sync' | 'async';
type Operators = Record<string, (...args: unknown[]) => Tensor | Promise<Tensor>>;
const api = roiOps as unknown as Operators;

/** The async or the Sync twin of `name`, awaited. */
function call(name: string, form: Form, ...args: unknown[]): Promise<Tensor & { argmax?: Int32Array }> {
  const fn = api[form === 'sync' ? `${name}Sync` : name];
  if (!fn) throw new Error(`no operator ${name}`);
  return Promise.resolve(fn(...args));
}

const bytes = (data: ArrayBufferView) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

/** [N][A][B] -> [N][B][A] for any element type: NCHW <-> NHWC with A = C, B = H*W (or the reverse). */
function swap<T extends Float32Array | Uint16Array | Int32Array>(data: T, n: number, a: number, b: number): T {
  const out = new (data.constructor as new (length: number) => T)(data.length);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < a; j++)
      for (let k = 0; k < b; k++) out[(i * b + k) * a + j] = data[(i * a + j) * b + k] as number;
  return out;
}

/** An NCHW [n,c,h,w] tensor's data in `layout`, and its shape there. */
function inLayout<T extends Float32Array | Uint16Array | Int32Array>(data: T, shape: number[], layout: Layout) {
  const [n = 0, c = 0, h = 0, w = 0] = shape;
  return layout === 'NCHW' ? { data, shape } : { data: swap(data, n, c, h * w), shape: [n, h, w, c] };
}

// ---- the shared golden vectors: test/fixtures/golden/f16_* (format in its README).

interface Encoded {
  shape: number[];
  dtype: 'float32' | 'int32' | 'float16' | 'bfloat16';
  data: string;
}

function decode(t: Encoded): Float32Array | Int32Array | Uint16Array {
  const raw = Buffer.from(t.data, 'base64');
  const buffer = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
  if (t.dtype === 'float32') return new Float32Array(buffer);
  return t.dtype === 'int32' ? new Int32Array(buffer) : new Uint16Array(buffer);
}

const goldenDir = join(import.meta.dirname, '..', 'fixtures', 'golden');
const goldenFiles = readdirSync(goldenDir)
  .filter((f) => f.startsWith('f16_') && f.endsWith('.json'))
  .sort();

/** A 16-bit map as callers hold it: a plain object with dtype, or an ort.Tensor-shaped one with type. */
function halfMap(data: Uint16Array, shape: number[], dtype: HalfType, spelling: 'plain' | 'ort') {
  return spelling === 'plain' ? { data, shape, dtype } : { data, dims: shape, type: dtype };
}

/** Whether two 16-bit patterns of one format are within one unit in the last place (README "16-bit outputs"). */
function withinOneUlp(a: number, b: number): boolean {
  const magnitude = (p: number) => (p & 0x8000 ? -(p & 0x7fff) : p & 0x7fff); // monotonic in the value
  return Math.abs(magnitude(a) - magnitude(b)) <= 1;
}

describe('16-bit maps: the golden vectors (torchvision on the widened maps)', () => {
  it('runs on the configured backend', () => expectConfiguredBackend());

  it('has every f16 vector the shared set has', () => expect(goldenFiles.length).toBe(15));

  for (const file of goldenFiles) {
    const json = JSON.parse(readFileSync(join(goldenDir, file), 'utf8'));
    const params = json.params as Record<string, unknown>;
    const outputDtype = (params.outputDtype ?? 'float32') as 'float32' | HalfType;
    describe(file, () => {
      it.each(goldenRuns)('%s, %s, %i thread(s)', async (layout, form, threads) => {
        const spelling = form === 'sync' ? 'plain' : 'ort';
        const expected = inLayout(decode(json.expected) as Float32Array, json.expected.shape, layout);
        let result: Tensor & { argmax?: Int32Array };
        if (json.op === 'multiScaleRoiAlign') {
          const features = (json.features as Encoded[]).map((level) => {
            const { data, shape } = inLayout(decode(level) as Uint16Array, level.shape, layout);
            return halfMap(data, shape, level.dtype as HalfType, spelling);
          });
          const boxes = (json.boxes as Encoded[]).map((b) => ({ data: decode(b), shape: b.shape }));
          result = await call(json.op, form, features, boxes, { ...params, layout, threads });
        } else {
          const { data, shape } = inLayout(decode(json.input) as Uint16Array, json.input.shape, layout);
          const input = halfMap(data, shape, json.input.dtype, spelling);
          const rois = { data: decode(json.rois), shape: json.rois.shape };
          const returnArgmax = json.op === 'roiPool' ? { returnArgmax: true } : {};
          result = await call(json.op, form, input, rois, { ...params, ...returnArgmax, layout, threads });
        }
        expect(result.shape).toEqual(expected.shape);
        expect(result.dtype).toBe(outputDtype);
        if (outputDtype === 'float32') {
          const { atol, rtol } = toleranceFor(json.op);
          expect(mismatches(result.data, expected.data, atol, rtol)).toEqual([]);
        } else {
          expect(result.data).toBeInstanceOf(Uint16Array);
          const got = result.data as unknown as Uint16Array;
          const bad = [...got.keys()].filter((i) => !withinOneUlp(got[i] as number, expected.data[i] as number));
          expect(bad).toEqual([]);
        }
        if (json.expectedArgmax) {
          const argmax = inLayout(decode(json.expectedArgmax) as Int32Array, json.expectedArgmax.shape, layout);
          expect(result.argmax).toEqual(argmax.data);
        }
      });
    });
  }
});

// ---- every forward operator: a 16-bit map gives the float32 operator's result on the widened map, bit for bit.

/** N x C x H x W values of every kind: ordinary, tiny (float16 subnormals), large, zeros of both signs, NaN, infinities. */
function halfPatterns(count: number, dtype: HalfType, seed: number): Uint16Array {
  const random = prng(seed);
  const special =
    dtype === 'float16'
      ? [0x0000, 0x8000, 0x0001, 0x83ff, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x7c01, 0xfd55]
      : [0x0000, 0x8000, 0x0001, 0x807f, 0x7f7f, 0x7f80, 0xff80, 0x7fc0, 0x7f81];
  const one = dtype === 'float16' ? 0x3c00 : 0x3f80;
  return Uint16Array.from({ length: count }, (_, i) => {
    if (i % 97 === 13) return special[Math.floor(random() * special.length)] as number;
    // Values around 1 (of both signs), with the full mantissa varied.
    const offset = Math.floor(random() * 0x1400) - 0xa00;
    return ((one + offset) & 0x7fff) | (random() < 0.5 ? 0x8000 : 0);
  });
}

interface MapCase {
  /** The operator's call with `map` (NCHW [N,C,H,W] data placed as the layout asks) and extra options. */
  run(map: unknown, layout: Layout, form: Form, options: object): Promise<Tensor>;
  channels: number;
}

const N = 2;
const H = 11;
const W = 13;

function boxRows(count: number, columns: 5 | 6, seed: number): Float32Array {
  const random = prng(seed);
  const rows = new Float32Array(count * columns);
  for (let k = 0; k < count; k++) {
    const x = random() * W * 1.2 - 1;
    const y = random() * H * 1.2 - 1;
    const row =
      columns === 5
        ? [k % N, x, y, x + random() * W, y + random() * H]
        : [k % N, x, y, random() * W * 0.8, random() * H * 0.8, random() * 360 - 180];
    rows.set(row, k * columns);
  }
  return rows;
}

/** The operators with their arguments; `few` boxes read the map where it lies, `many` through a channels-last copy. */
function operatorCases(count: number): Record<string, MapCase> {
  const boxes = { data: boxRows(count, 5, 7 + count), shape: [count, 5] };
  const rotated = { data: boxRows(count, 6, 11 + count), shape: [count, 6] };
  const crops = {
    data: Float32Array.from(boxRows(count, 5, 3).subarray(0, count * 4), (v) => v / 10),
    shape: [count, 4],
  };
  const cropIndices = Int32Array.from({ length: count }, (_, k) => k % N);
  return {
    roiPool: {
      channels: 5,
      run: (map, layout, form, o) => call('roiPool', form, map, boxes, { outputSize: [3, 4], layout, ...o }),
    },
    roiAlignAvg: {
      channels: 5,
      run: (map, layout, form, o) =>
        call('roiAlign', form, map, boxes, { outputSize: 3, samplingRatio: -1, layout, ...o }),
    },
    roiAlignMax: {
      channels: 5,
      run: (map, layout, form, o) =>
        call('roiAlign', form, map, boxes, { outputSize: 2, mode: 'max', aligned: true, layout, ...o }),
    },
    roiAlignOnnxMax: {
      channels: 5,
      run: (map, layout, form, o) =>
        call('roiAlign', form, map, boxes, { outputSize: 2, mode: 'onnx-max', samplingRatio: 2, layout, ...o }),
    },
    psRoiPool: {
      channels: 8,
      run: (map, layout, form, o) => call('psRoiPool', form, map, boxes, { outputSize: 2, layout, ...o }),
    },
    psRoiAlign: {
      channels: 8,
      run: (map, layout, form, o) => call('psRoiAlign', form, map, boxes, { outputSize: 2, layout, ...o }),
    },
    roiAlignRotated: {
      channels: 5,
      run: (map, layout, form, o) => call('roiAlignRotated', form, map, rotated, { outputSize: 3, layout, ...o }),
    },
    preciseRoiPool: {
      channels: 5,
      run: (map, layout, form, o) => call('preciseRoiPool', form, map, boxes, { outputSize: 2, layout, ...o }),
    },
    spatialPyramidPoolMax: {
      channels: 5,
      run: (map, layout, form, o) => call('spatialPyramidPool', form, map, { levels: [1, 2, 3], layout, ...o }),
    },
    spatialPyramidPoolAvgBoxes: {
      channels: 5,
      run: (map, layout, form, o) =>
        call('spatialPyramidPool', form, map, { levels: [2], boxes, mode: 'avg', layout, ...o }),
    },
    cropAndResizeBilinear: {
      channels: 5,
      run: (map, layout, form, o) => call('cropAndResize', form, map, crops, cropIndices, [4, 3], { layout, ...o }),
    },
    cropAndResizeNearest: {
      channels: 5,
      run: (map, layout, form, o) =>
        call('cropAndResize', form, map, crops, cropIndices, 3, { method: 'nearest', layout, ...o }),
    },
  };
}

describe('16-bit maps: every forward operator equals the float32 operator on the widened map, bit for bit', () => {
  for (const count of [3, 96]) {
    for (const [name, op] of Object.entries(operatorCases(count))) {
      const shape = [N, op.channels, H, W];
      const runs = [
        ['float16', 'NCHW', 'sync', 1],
        ['bfloat16', 'NCHW', 'async', 2],
        ['float16', 'NHWC', 'async', 2],
        ['bfloat16', 'NHWC', 'sync', 1],
      ] as const;
      it.each(runs)(`${name}, ${count} boxes: %s, %s, %s, %i thread(s)`, async (dtype, layout, form, threads) => {
        const bits = halfPatterns(N * op.channels * H * W, dtype, count);
        const placed = inLayout(bits, shape, layout);
        const wide = widen(placed.data, dtype);
        const halfMap = { data: placed.data, shape: placed.shape, dtype };
        const floatMap = { data: wide, shape: placed.shape };
        const want = await op.run(floatMap, layout, form, { threads });
        const got = await op.run(halfMap, layout, form, { threads });
        expect(got.dtype).toBe('float32');
        expect(got.shape).toEqual(want.shape);
        expect(bytes(got.data).equals(bytes(want.data))).toBe(true);
        // outputDtype: the same values rounded (lib/reference/half.ts), into a new array and into `out`.
        const rounded = narrow(want.data, dtype, new Uint16Array(want.data.length));
        const half = await op.run(halfMap, layout, form, { threads, outputDtype: dtype });
        expect(half.dtype).toBe(dtype);
        expect(half.data).toBeInstanceOf(Uint16Array);
        expect(bytes(half.data).equals(bytes(rounded))).toBe(true);
        const out = new Uint16Array(rounded.length + 2).subarray(1, rounded.length + 1).fill(0x1234);
        const into = await op.run(floatMap, layout, form, { threads, outputDtype: dtype, out });
        expect(into.data).toBe(out);
        expect(bytes(out).equals(bytes(rounded))).toBe(true);
      });
    }
  }

  it('multiScaleRoiAlign: 16-bit levels equal the widened levels, with outputDtype', async () => {
    // Boxes of 2 to 40 pixels on a 16x20 image: every level gets some.
    const flat = { data: new Float32Array([1, 2, 3, 4, 0, 0, 19, 15, 5, 1, 13, 9, 2.5, 3.5, 8, 12]), shape: [4, 4] };
    const sizes = [
      [16, 20],
      [8, 10],
      [4, 5],
    ];
    for (const dtype of ['float16', 'bfloat16'] as const) {
      for (const layout of ['NCHW', 'NHWC'] as const) {
        const levels = sizes.map(([h = 0, w = 0], l) =>
          inLayout(halfPatterns(3 * h * w, dtype, l), [1, 3, h, w], layout),
        );
        const options = { outputSize: 3, scales: [1, 0.5, 0.25], canonicalScale: 8, layout, samplingRatio: 2 };
        const want = roiOps.multiScaleRoiAlignSync(
          levels.map((l) => ({ data: widen(l.data, dtype), shape: l.shape })),
          [flat],
          options,
        );
        const got = await roiOps.multiScaleRoiAlign(
          levels.map((l) => ({ data: l.data, dims: l.shape, type: dtype })) as never,
          [flat],
          options,
        );
        expect(bytes(got.data).equals(bytes(want.data))).toBe(true);
        const half = roiOps.multiScaleRoiAlignSync(
          levels.map((l) => ({ data: l.data, shape: l.shape, dtype })) as never,
          [flat],
          { ...options, outputDtype: dtype },
        );
        const rounded = narrow(want.data, dtype, new Uint16Array(want.data.length));
        expect(bytes(half.data).equals(bytes(rounded))).toBe(true);
      }
    }
  });
});

// ---- every 16-bit pattern through the backend's widening, boundary float32 values through its rounding.

/** roiPool with one bin per pixel over the whole map: the output is the map itself, element for element. */
function identityPool(map: unknown, H: number, W: number, outputDtype: string = 'float32'): Tensor {
  return roiOps.roiPoolSync(map as never, { data: new Float32Array([0, 0, 0, W - 1, H - 1]), shape: [1, 5] }, {
    outputSize: [H, W],
    outputDtype,
  } as never);
}

describe('16-bit maps: every pattern, every boundary', () => {
  it.each(['float16', 'bfloat16'] as const)(
    'widens all 65536 %s patterns as the float32 map they stand for',
    (dtype) => {
      const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
      const got = identityPool({ data: all, shape: [1, 1, 256, 256], dtype }, 256, 256);
      const want = identityPool({ data: widen(all, dtype), shape: [1, 1, 256, 256] }, 256, 256);
      expect(bytes(got.data).equals(bytes(want.data))).toBe(true);
      // Every finite value comes through unchanged (roiPool's maximum of one pixel is that pixel).
      const wide = widen(all, dtype);
      const finite = [...wide.keys()].filter((i) => Number.isFinite(wide[i]));
      expect(finite.every((i) => Object.is(got.data[i], wide[i]))).toBe(true);
    },
  );

  it.each(['float16', 'bfloat16'] as const)(
    'rounds boundary float32 values to %s as lib/reference/half.ts does',
    (dtype) => {
      // Float32 patterns whose low 13 bits sit at, around and away from the float16 tie (0x1000) for every
      // value of the high 19 bits, and whose low 16 bits sit at and around the bfloat16 tie (0x8000).
      const patterns: number[] = [];
      for (let high = 0; high < 1 << 19; high++)
        for (const low of [0, 0xfff, 0x1000, 0x1001]) patterns.push(((high << 13) | low) >>> 0);
      for (let high = 0; high < 1 << 16; high++)
        for (const low of [0x7fff, 0x8000, 0x8001]) patterns.push(((high << 16) | low) >>> 0);
      const values = new Float32Array(Uint32Array.from(patterns).buffer);
      const width = 2048;
      const height = Math.ceil(values.length / width);
      const map = new Float32Array(width * height);
      map.set(values);
      const got = identityPool({ data: map, shape: [1, 1, height, width] }, height, width, dtype);
      const float32 = identityPool({ data: map, shape: [1, 1, height, width] }, height, width);
      const want = narrow(float32.data, dtype, new Uint16Array(float32.data.length));
      expect(bytes(got.data).equals(bytes(want))).toBe(true);
    },
  );
});

// ---- Float16Array, and the refusals.

describe('16-bit maps: Float16Array and refusals', () => {
  const shape = [1, 2, 3, 3];
  const boxes = { data: new Float32Array([0, 0, 0, 2, 2]), shape: [1, 5] };
  const Float16 = (
    globalThis as { Float16Array?: new (values: number[] | number) => ArrayBufferView & ArrayLike<number> }
  ).Float16Array;

  it(`takes a Float16Array map and out where the runtime has one (${Float16 ? 'it does' : 'Node 20: it does not'})`, () => {
    const values = Array.from({ length: 18 }, (_, i) => i / 4 - 2);
    const bits = narrow(Float32Array.from(values), 'float16', new Uint16Array(18));
    const want = roiOps.roiAlignSync({ data: bits, shape, dtype: 'float16' } as never, boxes, { outputSize: 2 });
    if (Float16) {
      const map = new Float16(values);
      const got = roiOps.roiAlignSync({ data: map, shape } as never, boxes, { outputSize: 2 });
      expect(bytes(got.data).equals(bytes(want.data))).toBe(true);
      const out = new Float16(8);
      const half = roiOps.roiAlignSync({ data: map, shape } as never, boxes, {
        outputSize: 2,
        outputDtype: 'float16',
        out,
      } as never);
      expect(half.data).toBe(out);
      expect(half.dtype).toBe('float16');
      expect(() =>
        roiOps.roiAlignSync({ data: map, shape, dtype: 'bfloat16' } as never, boxes, { outputSize: 2 }),
      ).toThrow(
        new TypeError(
          `roiAlignSync: expected 'float16' (the data is a Float16Array) for input.dtype but received "bfloat16" (string)`,
        ),
      );
    }
    // A Uint16Array that only claims to be a Float16Array is still a Uint16Array, which must say its format.
    const pretender = Object.defineProperty(new Uint16Array(bits), Symbol.toStringTag, { value: 'Float16Array' });
    expect(() => roiOps.roiAlignSync({ data: pretender, shape } as never, boxes, { outputSize: 2 })).toThrow(TypeError);
  });

  it('keeps every result typed: dtype float32 by default', () => {
    const map = { data: new Float32Array(18), shape };
    expect(roiOps.roiAlignSync(map, boxes, { outputSize: 2 }).dtype).toBe('float32');
    expect(roiOps.spatialPyramidPoolSync(map).dtype).toBe('float32');
  });

  it('refuses a pyramid whose levels hold different element types', () => {
    const level = (dtype?: 'float16' | 'bfloat16') =>
      dtype === undefined ? { data: new Float32Array(18), shape } : { data: new Uint16Array(18), shape, dtype };
    const options = { outputSize: 2, scales: [1, 1] };
    for (const [second, named] of [
      ['bfloat16', 'bfloat16'],
      [undefined, 'float32'],
    ] as const) {
      expect(() => roiOps.multiScaleRoiAlignSync([level('float16'), level(second)] as never, boxes, options)).toThrow(
        new TypeError(
          `multiScaleRoiAlignSync: features[1] holds ${named} values but features[0] holds float16; every level must share its element type`,
        ),
      );
    }
  });

  it('refuses a detached 16-bit map, naming it', () => {
    const bits = new Uint16Array(18);
    structuredClone(bits.buffer, { transfer: [bits.buffer] });
    expect(() =>
      roiOps.roiAlignSync({ data: bits, shape, dtype: 'float16' } as never, boxes, { outputSize: 2 }),
    ).toThrow(
      new TypeError(
        'roiAlignSync: expected a Uint16Array for input.data but received one whose ArrayBuffer is detached (transferred away, e.g. by postMessage or structuredClone)',
      ),
    );
  });

  it('refuses a 16-bit out that overlaps the 16-bit map', () => {
    const bits = new Uint16Array(18 + 8);
    const map = { data: bits.subarray(0, 18), shape, dtype: 'float16' };
    expect(() =>
      roiOps.roiAlignSync(map as never, boxes, { outputSize: 2, outputDtype: 'float16', out: bits.subarray(10, 18) }),
    ).toThrow(new RangeError('roiAlignSync: options.out overlaps the input data; pass a separate buffer'));
  });

  it('refuses 16-bit gradients and inputs in backward operators: they take and give float32', () => {
    const gradOutput = { data: new Uint16Array(8), shape: [1, 2, 2, 2], dtype: 'float16' };
    const expected = (argument: string) =>
      new TypeError(
        `roiAlignBackwardSync: expected a Float32Array (backward operators take and give float32 only) for ${argument} but received Uint16Array(${argument === 'gradOutput.data' ? 8 : 18})`,
      );
    expect(() => roiOps.roiAlignBackwardSync(gradOutput as never, boxes, { inputShape: shape, outputSize: 2 })).toThrow(
      expected('gradOutput.data'),
    );
    const float32Grad = { data: new Float32Array(8), shape: [1, 2, 2, 2] };
    const input = { data: new Uint16Array(18), shape, dtype: 'bfloat16' };
    expect(() =>
      roiOps.roiAlignBackwardSync(float32Grad, boxes, {
        inputShape: shape,
        outputSize: 2,
        mode: 'max',
        input,
      } as never),
    ).toThrow(expected('options.input.data'));
    expect(() =>
      roiOps.roiAlignBackwardSync(float32Grad, boxes, { inputShape: shape, out: new Uint16Array(18) } as never),
    ).toThrow(
      new TypeError('roiAlignBackwardSync: expected a Float32Array for options.out but received Uint16Array(18)'),
    );
    expect(() =>
      roiOps.roiAlignBackwardSync(float32Grad, boxes, { inputShape: shape, outputDtype: 'float16' } as never),
    ).toThrow(TypeError);
  });
});
