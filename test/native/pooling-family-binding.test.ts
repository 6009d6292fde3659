// The pooling-family bindings (native/addon/pooling_family_ops.cc) called raw, positionally,
// against the golden vectors (test/fixtures/golden, tolerances of its README) in both layouts,
// and their refusals: a wrong length or an overflowing shape is a RangeError, never a crash.
// Run once per instruction set with ROI_OPS_SIMD=scalar|sse2|avx2|avx512.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { packageRoot } from '../../lib/backend/native.js';

type Fn = (...args: unknown[]) => unknown;
const binding = createRequire(import.meta.url)('node-gyp-build')(packageRoot()) as Record<string, Fn>;
const call = (name: string, ...args: unknown[]) => (binding[name] as Fn)(...args);

// ---------------------------------------------------------------------------------------
// Golden files, decoded field by field (their fields differ per operator)

const goldenDir = join(import.meta.dirname, '..', 'fixtures', 'golden');

interface Encoded {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: string;
}
interface Decoded {
  shape: number[];
  data: Float32Array | Int32Array;
}
type Golden = { name: string; params: Record<string, unknown> } & Record<string, Decoded | undefined>;

function decode(t: Encoded): Decoded {
  const raw = Buffer.from(t.data, 'base64');
  const bytes = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
  return { shape: t.shape, data: t.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes) };
}

function golden(prefix: string): Golden[] {
  return readdirSync(goldenDir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .sort()
    .map((f) => {
      const json = JSON.parse(readFileSync(join(goldenDir, f), 'utf8')) as Record<string, unknown>;
      const c: Record<string, unknown> = { name: f.replace(/\.json$/, ''), params: json.params };
      for (const [key, value] of Object.entries(json))
        if (value && typeof value === 'object' && 'data' in value && 'shape' in value) c[key] = decode(value as Encoded);
      return c as Golden;
    });
}

const f32 = (t: Decoded | undefined) => t?.data as Float32Array;
const i32 = (t: Decoded | undefined) => t?.data as Int32Array;

/** [A,B,C,D] -> [A,C,D,B] (NCHW -> NHWC), any element type. */
function toLast<T extends Float32Array | Int32Array>(data: T, [a, b, c, d]: number[]): T {
  const out = new (data.constructor as new (n: number) => T)(data.length);
  for (let i = 0; i < a!; i++)
    for (let j = 0; j < b!; j++)
      for (let k = 0; k < c!; k++)
        for (let l = 0; l < d!; l++) out[((i * c! + k) * d! + l) * b! + j] = data[((i * b! + j) * c! + k) * d! + l]!;
  return out;
}

/** [A,B,C,D] -> [A,D,B,C] (NHWC -> NCHW). */
function toFirst(data: Float32Array, [a, b, c, d]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < a!; i++)
    for (let j = 0; j < b!; j++)
      for (let k = 0; k < c!; k++)
        for (let l = 0; l < d!; l++) out[((i * d! + l) * b! + j) * c! + k] = data[((i * b! + j) * c! + k) * d! + l]!;
  return out;
}

/** Indices outside |a - e| <= atol + rtol*|e| (golden README), restricted to `only` when given. */
function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number, only?: boolean[]) {
  const bad: string[] = [];
  if (actual.length !== expected.length) return [`length ${actual.length} vs ${expected.length}`];
  for (let i = 0; i < expected.length; i++) {
    if (only && !only[i]) continue;
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) bad.push(`[${i}] ${a} vs ${e}`);
  }
  return bad.slice(0, 5);
}
const SUMS = [1e-5, 1e-4] as const; // README: everything that sums
const EXACT = [0, 0] as const; // README: max pooling values and argmax

const layouts = [
  ['NCHW', 0],
  ['NHWC', 1],
] as const;

// ---------------------------------------------------------------------------------------
// Forward operators

describe('psRoiPool binding', () => {
  for (const c of golden('ps_roi_pool_'))
    for (const [layoutName, layout] of layouts)
      it(`${c.name} ${layoutName}`, async () => {
        const [N, C, H, W] = c.input!.shape as [number, number, number, number];
        const [PH, PW] = c.params.outputSize as [number, number];
        const input = layout === 0 ? f32(c.input) : toLast(f32(c.input), c.input!.shape);
        const expected = layout === 0 ? f32(c.expected) : toLast(f32(c.expected), c.expected!.shape);
        const K = c.rois!.shape[0] as number;
        for (const threads of [1, 2]) {
          const out = new Float32Array(expected.length).fill(NaN);
          call('psRoiPoolSync', input, N, C, H, W, layout, f32(c.rois), K, out, PH, PW, c.params.spatialScale, threads);
          expect(mismatches(out, expected, ...SUMS)).toEqual([]);
        }
        const out = new Float32Array(expected.length);
        await call('psRoiPoolAsync', input, N, C, H, W, layout, f32(c.rois), K, out, PH, PW, c.params.spatialScale, 0);
        expect(mismatches(out, expected, ...SUMS)).toEqual([]);
      });
});

describe('spatialPyramidPool binding', () => {
  for (const c of golden('spatial_pyramid_pool_'))
    for (const [layoutName, layout] of layouts)
      it(`${c.name} ${layoutName} (torchvision roi_pool per level, max)`, async () => {
        const [N, C, H, W] = c.input!.shape as [number, number, number, number];
        const input = layout === 0 ? f32(c.input) : toLast(f32(c.input), c.input!.shape);
        const levels = new Int32Array(c.params.levels as number[]);
        const rois = c.rois ? f32(c.rois) : null;
        const K = c.rois ? c.rois.shape[0] : 0;
        const out = new Float32Array(f32(c.expected).length).fill(NaN);
        call('spatialPyramidPoolSync', input, N, C, H, W, layout, rois, K, out, levels, c.params.spatialScale, 0, 2);
        expect(mismatches(out, f32(c.expected), ...EXACT)).toEqual([]);
        const again = new Float32Array(out.length);
        await call('spatialPyramidPoolAsync', input, N, C, H, W, layout, rois, K, again, levels, c.params.spatialScale, 0, 1);
        expect(again).toEqual(out);
      });

  it('avg mode is the mean of each overlap bin, the same in both layouts', () => {
    const [N, C, H, W] = [2, 3, 7, 9];
    const input = Float32Array.from({ length: N * C * H * W }, (_, i) => Math.sin(i * 0.37) * 4);
    const levels = [3, 1, 2];
    const rois = new Float32Array([1, 0.5, 1, 6.4, 5, 0, -3, -2, 4, 3]);
    const cells = levels.reduce((s, l) => s + l * l, 0);
    const expected: number[] = [];
    for (let k = 0; k < 2; k++) {
      const r = rois.subarray(k * 5, k * 5 + 5);
      const rnd = (v: number) => Math.sign(v) * Math.round(Math.abs(v)); // C round
      const xs = rnd(r[1]!), ys = rnd(r[2]!), xe = rnd(r[3]!), ye = rnd(r[4]!);
      const rw = Math.max(xe - xs + 1, 1), rh = Math.max(ye - ys + 1, 1);
      for (const l of levels) {
        const bw = Math.fround(rw / l), bh = Math.fround(rh / l);
        for (let ch = 0; ch < C; ch++)
          for (let ph = 0; ph < l; ph++)
            for (let pw = 0; pw < l; pw++) {
              const clip = (v: number, n: number) => Math.min(Math.max(v, 0), n);
              const hs = clip(Math.floor(Math.fround(ph * bh)) + ys, H), he = clip(Math.ceil(Math.fround((ph + 1) * bh)) + ys, H);
              const ws = clip(Math.floor(Math.fround(pw * bw)) + xs, W), we = clip(Math.ceil(Math.fround((pw + 1) * bw)) + xs, W);
              let sum = 0;
              for (let y = hs; y < he; y++)
                for (let x = ws; x < we; x++) sum = Math.fround(sum + input[((r[0]! * C + ch) * H + y) * W + x]!);
              expected.push(he <= hs || we <= ws ? 0 : Math.fround(sum / ((he - hs) * (we - ws))));
            }
      }
    }
    for (const [, layout] of layouts) {
      const data = layout === 0 ? input : toLast(input, [N, C, H, W]);
      const out = new Float32Array(2 * C * cells);
      call('spatialPyramidPoolSync', data, N, C, H, W, layout, rois, 2, out, new Int32Array(levels), 1, 1, 0);
      expect(Array.from(out)).toEqual(expected);
    }
  });
});

describe('cropAndResize binding', () => {
  for (const c of golden('crop_and_resize_'))
    for (const [layoutName, layout] of layouts)
      it(`${c.name} ${layoutName} (tfjs 4.22 CPU: bit-exact)`, async () => {
        const [N, H, W, C] = c.image!.shape as [number, number, number, number];
        const [h, w] = c.params.cropSize as [number, number];
        const method = c.params.method === 'nearest' ? 1 : 0;
        const image = layout === 1 ? f32(c.image) : toFirst(f32(c.image), c.image!.shape);
        const expected = layout === 1 ? f32(c.expected) : toFirst(f32(c.expected), c.expected!.shape);
        const K = c.boxes!.shape[0];
        const out = new Float32Array(expected.length).fill(NaN);
        const args = [image, N, C, H, W, layout, f32(c.boxes), K, i32(c.boxIndices), out, h, w, method, c.params.extrapolationValue];
        call('cropAndResizeSync', ...args, 2);
        expect(mismatches(out, expected, ...SUMS)).toEqual([]);
        // The kernel computes tfjs's double expressions (kernels/crop_and_resize.h): same bits.
        expect(out).toEqual(expected);
        out.fill(NaN);
        await call('cropAndResizeAsync', ...args, 1, new Int32Array(1));
        expect(out).toEqual(expected);
      });
});

describe('preciseRoiPool binding', () => {
  for (const c of golden('precise_roi_pool_'))
    for (const [layoutName, layout] of layouts)
      it(`${c.name} ${layoutName}`, async () => {
        const [N, C, H, W] = c.input!.shape as [number, number, number, number];
        const [PH, PW] = c.params.outputSize as [number, number];
        const input = layout === 0 ? f32(c.input) : toLast(f32(c.input), c.input!.shape);
        const expected = layout === 0 ? f32(c.expected) : toLast(f32(c.expected), c.expected!.shape);
        const K = c.rois!.shape[0] as number;
        const out = new Float32Array(expected.length).fill(NaN);
        call('preciseRoiPoolSync', input, N, C, H, W, layout, f32(c.rois), K, out, PH, PW, c.params.spatialScale, 0);
        expect(mismatches(out, expected, ...SUMS)).toEqual([]);
        const again = new Float32Array(expected.length);
        await call('preciseRoiPoolAsync', input, N, C, H, W, layout, f32(c.rois), K, again, PH, PW, c.params.spatialScale, 2);
        expect(again).toEqual(out);
      });

  it('gives the §7 worked values', () => {
    const map = Float32Array.from({ length: 16 }, (_, i) => i);
    const run = (box: number[], size: number) => {
      const out = new Float32Array(size * size);
      call('preciseRoiPoolSync', map, 1, 1, 4, 4, 0, new Float32Array([0, ...box]), 1, out, size, size, 1, 0);
      return Array.from(out);
    };
    expect(run([0, 0, 3, 3], 1)[0]).toBeCloseTo(7.5, 5);
    expect(run([0, 0, 3, 3], 2).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([3.75, 5.25, 9.75, 11.25]);
    expect(run([-1, -1, 1, 1], 1)[0]).toBeCloseTo(0.9375, 6);
  });
});

// ---------------------------------------------------------------------------------------
// Backward passes

describe('roiPoolBackward binding', () => {
  for (const c of golden('roi_pool_'))
    if (!c.name.startsWith('roi_pool_split'))
      for (const [layoutName, layout] of layouts)
        it(`${c.name} ${layoutName}: torchvision's expectedGradInput from expectedArgmax`, async () => {
          const [N, C, H, W] = c.input!.shape as [number, number, number, number];
          const [PH, PW] = c.params.outputSize as [number, number];
          const gradOutput = layout === 0 ? f32(c.gradOutput) : toLast(f32(c.gradOutput), c.gradOutput!.shape);
          const argmax = layout === 0 ? i32(c.expectedArgmax) : toLast(i32(c.expectedArgmax), c.expectedArgmax!.shape);
          const expected = layout === 0 ? f32(c.expectedGradInput) : toLast(f32(c.expectedGradInput), c.input!.shape);
          const K = c.rois!.shape[0] as number;
          for (const threads of [1, 2]) {
            const grad = new Float32Array(expected.length).fill(NaN);
            call('roiPoolBackwardSync', gradOutput, argmax, f32(c.rois), K, grad, N, C, H, W, layout, PH, PW, threads);
            expect(mismatches(grad, expected, ...SUMS)).toEqual([]);
          }
          const grad = new Float32Array(expected.length).fill(NaN);
          await call('roiPoolBackwardAsync', gradOutput, argmax, f32(c.rois), K, grad, N, C, H, W, layout, PH, PW, 0);
          expect(mismatches(grad, expected, ...SUMS)).toEqual([]);
        });
});

// psRoiPool's bins along one axis as torchvision computes them, clipped to [0, limit].
function psBins(start: number, end: number, pooled: number, size: number, limit: number): Array<[number, number]> {
  const length = Math.max(end - start, 1);
  const bin = Math.fround(length / pooled);
  const clip = (v: number) => Math.min(Math.max(v, 0), limit);
  return Array.from({ length: pooled }, (_, p) => [
    clip(Math.floor(Math.fround(p * bin)) + start),
    clip(Math.ceil(Math.fround((p + 1) * bin)) + start),
  ]).map(([a, b]) => [Math.min(a!, size), Math.min(b!, size)] as [number, number]);
}

describe('psRoiPoolBackward binding', () => {
  for (const c of golden('ps_roi_pool_'))
    for (const [layoutName, layout] of layouts)
      it(`${c.name} ${layoutName}: the true gradient of the forward; torchvision's where its border clipping agrees`, async () => {
        const [N, C, H, W] = c.input!.shape as [number, number, number, number];
        const [PH, PW] = c.params.outputSize as [number, number];
        const scale = c.params.spatialScale as number;
        const rois = f32(c.rois);
        const K = c.rois!.shape[0] as number;
        const dy = f32(c.gradOutput);
        const bins = PH * PW;
        // Our gradient, computed here in NCHW order: dY / area over the forward's bin
        // (clipped to [0,H-1] x [0,W-1]), RoIs in order. torchvision's backward clips to
        // [0,H] x [0,W]: every element either bin touches where the two bins differ is
        // "affected" and excluded from the comparison with torchvision's expectedGradInput.
        const ours = new Float32Array(N * C * H * W);
        const affected: boolean[] = new Array(ours.length).fill(false);
        const rnd = (v: number) => Math.sign(v) * Math.round(Math.abs(v));
        for (let k = 0; k < K; k++) {
          const r = rois.subarray(k * 5, k * 5 + 5);
          const b = r[0]!;
          const [xs, ys, xe, ye] = [1, 2, 3, 4].map((i) => rnd(Math.fround(r[i]! * scale))) as [number, number, number, number];
          const rowsOurs = psBins(ys, ye, PH, H, H - 1), rowsTv = psBins(ys, ye, PH, H, H);
          const colsOurs = psBins(xs, xe, PW, W, W - 1), colsTv = psBins(xs, xe, PW, W, W);
          for (let cin = 0; cin < C; cin++) {
            const cout = Math.floor(cin / bins), bin = cin % bins, ph = Math.floor(bin / PW), pw = bin % PW;
            const [hs, he] = rowsOurs[ph]!, [ws, we] = colsOurs[pw]!;
            const plane = (b * C + cin) * H * W;
            if (he > hs && we > ws) {
              const diff = Math.fround(dy[(k * (C / bins) + cout) * bins + bin]! / ((he - hs) * (we - ws)));
              for (let y = hs; y < he; y++) for (let x = ws; x < we; x++) ours[plane + y * W + x] = Math.fround(ours[plane + y * W + x]! + diff);
            }
            const [ths, the] = rowsTv[ph]!, [tws, twe] = colsTv[pw]!;
            if (ths !== hs || the !== he || tws !== ws || twe !== we)
              for (let y = Math.min(hs, ths); y < Math.max(he, the); y++)
                for (let x = Math.min(ws, tws); x < Math.max(we, twe); x++) affected[plane + y * W + x] = true;
          }
        }
        const unaffected = affected.map((a) => !a);
        expect(unaffected.filter(Boolean).length).toBeGreaterThan(0);

        const gradOutput = layout === 0 ? dy : toLast(dy, c.gradOutput!.shape);
        for (const threads of [1, 2]) {
          const grad = new Float32Array(ours.length).fill(NaN);
          call('psRoiPoolBackwardSync', gradOutput, rois, K, grad, N, C, H, W, layout, PH, PW, scale, threads);
          const nchw = layout === 0 ? grad : toFirst(grad, [N, H, W, C]);
          expect(mismatches(nchw, ours, ...EXACT)).toEqual([]);
          expect(mismatches(nchw, f32(c.expectedGradInput), ...SUMS, unaffected)).toEqual([]);
        }
        const grad = new Float32Array(ours.length).fill(NaN);
        await call('psRoiPoolBackwardAsync', gradOutput, rois, K, grad, N, C, H, W, layout, PH, PW, scale, 0);
        expect(mismatches(layout === 0 ? grad : toFirst(grad, [N, H, W, C]), ours, ...EXACT)).toEqual([]);
      });
});

describe('preciseRoiPoolBackward binding', () => {
  for (const c of golden('precise_roi_pool_'))
    it(`${c.name}: <grad, dY> equals <dY, forward> (the adjoint), same in both layouts`, () => {
      const [N, C, H, W] = c.input!.shape as [number, number, number, number];
      const [PH, PW] = c.params.outputSize as [number, number];
      const K = c.rois!.shape[0] as number;
      const dy = Float32Array.from({ length: K * C * PH * PW }, (_, i) => Math.cos(i * 0.7));
      const grad = new Float32Array(N * C * H * W).fill(NaN);
      call('preciseRoiPoolBackwardSync', dy, f32(c.rois), K, grad, N, C, H, W, 0, PH, PW, c.params.spatialScale, 2);
      // The forward is linear in the input: sum(grad * X) == sum(dY * forward(X)).
      let lhs = 0;
      let rhs = 0;
      const x = f32(c.input);
      for (let i = 0; i < x.length; i++) lhs += grad[i]! * x[i]!;
      const y = f32(c.expected);
      for (let i = 0; i < y.length; i++) rhs += dy[i]! * y[i]!;
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(rhs)));
      const nhwc = new Float32Array(grad.length).fill(NaN);
      call('preciseRoiPoolBackwardSync', toLast(dy, [K, C, PH, PW]), f32(c.rois), K, nhwc, N, C, H, W, 1, PH, PW, c.params.spatialScale, 1);
      expect(toFirst(nhwc, [N, H, W, C])).toEqual(grad);
    });
});

// ---------------------------------------------------------------------------------------
// Refusals: RangeError (or TypeError for a wrong type), never a crash

describe('pooling-family refusals', () => {
  const input = new Float32Array(1 * 4 * 4 * 4);
  const rois = new Float32Array([0, 0, 0, 3, 3]);
  const out = new Float32Array(16);
  // (input, N, C, H, W, layout, rois, K, out, PH, PW, spatialScale, threads)
  const psArgs = (o: Record<number, unknown> = {}) => {
    const a: unknown[] = [input, 1, 4, 4, 4, 0, rois, 1, out, 2, 2, 1, 0];
    for (const [i, v] of Object.entries(o)) a[Number(i)] = v;
    return a;
  };

  it.each([
    ['psRoiPoolSync', 'input shorter than its shape', { 0: new Float32Array(63) }, 'psRoiPool: input data is shorter than its shape'],
    ['psRoiPoolSync', 'C not divisible by PH*PW', { 9: 3 }, 'psRoiPool: channels must be a multiple of PH*PW'],
    ['psRoiPoolSync', 'a short output', { 8: new Float32Array(3) }, 'psRoiPool: output buffer is shorter than [K,C/(PH*PW),PH,PW]'],
    ['psRoiPoolSync', 'a short RoI list', { 7: 2 }, 'psRoiPool: RoI data is shorter than count * columns'],
    ['psRoiPoolSync', 'an overflowing shape', { 1: 2 ** 40, 2: 2 ** 40 }, 'psRoiPool: input shape overflows'],
    ['preciseRoiPoolSync', 'a short output', { 8: new Float32Array(15) }, 'preciseRoiPool: output buffer is shorter than [K,C,PH,PW]'],
    ['preciseRoiPoolSync', 'an overflowing output', { 9: 2 ** 40, 10: 2 ** 40 }, 'preciseRoiPool: output shape overflows'],
  ])('%s refuses %s', (fn, _, overrides, message) => {
    expect(() => call(fn, ...psArgs(overrides))).toThrow(new RangeError(message));
  });

  it('spatialPyramidPool refuses bad levels and short outputs', () => {
    const spp = (levels: number[], o: Float32Array, r: Float32Array | null = null) =>
      call('spatialPyramidPoolSync', input, 1, 4, 4, 4, 0, r, r ? r.length / 5 : 0, o, new Int32Array(levels), 1, 0, 0);
    expect(() => spp([1, 2], new Float32Array(20))).not.toThrow();
    expect(() => spp([1, 0], new Float32Array(20))).toThrow(new RangeError('spatialPyramidPool: pyramid levels must be >= 1'));
    expect(() => spp([], new Float32Array(20))).toThrow(new RangeError('spatialPyramidPool: at least one pyramid level is needed'));
    expect(() => spp([1, 2], new Float32Array(19))).toThrow(
      new RangeError('spatialPyramidPool: output buffer is shorter than [rows, C*sum(l*l)]'),
    );
    expect(() => spp([2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1], new Float32Array(20))).toThrow(RangeError);
    expect(() => spp([1], new Float32Array(8), new Float32Array([0, 0, 0, 3, 3, 0, 1, 1, 2, 2]))).not.toThrow();
    expect(() => spp([1], new Float32Array(7), new Float32Array([0, 0, 0, 3, 3, 0, 1, 1, 2, 2]))).toThrow(RangeError);
  });

  it('cropAndResize refuses short index lists, zero crops and short outputs', () => {
    const image = new Float32Array(1 * 4 * 4 * 2);
    const boxes = new Float32Array([0, 0, 1, 1, 0.2, 0.2, 0.8, 0.8]);
    const crop = (o: Record<number, unknown>) => {
      const a: unknown[] = [image, 1, 2, 4, 4, 1, boxes, 2, new Int32Array(2), new Float32Array(2 * 3 * 3 * 2), 3, 3, 0, 0, 0];
      for (const [i, v] of Object.entries(o)) a[Number(i)] = v;
      return () => call('cropAndResizeSync', ...a);
    };
    expect(crop({})).not.toThrow();
    expect(crop({ 8: new Int32Array(1) })).toThrow(new RangeError('cropAndResize: box indices are fewer than the boxes'));
    expect(crop({ 9: new Float32Array(35) })).toThrow(new RangeError('cropAndResize: output buffer is shorter than [K,h,w,C]'));
    expect(crop({ 7: 3 })).toThrow(new RangeError('cropAndResize: RoI data is shorter than count * columns'));
    expect(crop({ 10: 0 })).toThrow(new TypeError('roi-ops native binding: argument 10 must be an integer in range'));
    expect(crop({ 8: new Float32Array(2) })).toThrow(new TypeError('roi-ops native binding: argument 8 must be an Int32Array'));
    expect(crop({ 10: 2 ** 40, 11: 2 ** 40 })).toThrow(new RangeError('cropAndResize: output shape overflows'));
    // An index out of range or a non-finite box gives zeros (the TypeScript layer refuses them first).
    const o = new Float32Array(2 * 3 * 3 * 2).fill(7);
    crop({ 6: new Float32Array([0, 0, 1, NaN, 0, 0, 1, 1]), 8: new Int32Array([0, 5]), 9: o })();
    expect(Array.from(o)).toEqual(new Array(36).fill(0));
  });

  it('the backward passes refuse short buffers, bad argmax values and overflowing shapes', () => {
    const grad = new Float32Array(64);
    const dy = new Float32Array(16);
    const argmax = new Int32Array(16).fill(-1);
    expect(() => call('roiPoolBackwardSync', dy, argmax, rois, 1, grad, 1, 4, 4, 4, 0, 2, 2, 0)).not.toThrow();
    expect(() => call('roiPoolBackwardSync', dy, argmax, rois, 1, new Float32Array(63), 1, 4, 4, 4, 0, 2, 2, 0)).toThrow(
      new RangeError('roiPoolBackward: input gradient buffer is shorter than its shape'),
    );
    expect(() => call('roiPoolBackwardSync', dy, new Int32Array(15), rois, 1, grad, 1, 4, 4, 4, 0, 2, 2, 0)).toThrow(
      new RangeError('roiPoolBackward: argmax is shorter than the forward output'),
    );
    expect(() => call('roiPoolBackwardSync', dy, new Int32Array(16).fill(16), rois, 1, grad, 1, 4, 4, 4, 0, 2, 2, 0)).toThrow(
      new RangeError('roiPoolBackward: argmax holds an index outside [-1, H*W)'),
    );
    expect(() => call('roiPoolBackwardSync', new Float32Array(15), argmax, rois, 1, grad, 1, 4, 4, 4, 0, 2, 2, 0)).toThrow(
      new RangeError('roiPoolBackward: output gradient is shorter than [K,C,PH,PW]'),
    );
    expect(() => call('psRoiPoolBackwardSync', new Float32Array(3), rois, 1, grad, 1, 4, 4, 4, 0, 2, 2, 1, 0)).toThrow(
      new RangeError('psRoiPoolBackward: output gradient is shorter than [K,C/(PH*PW),PH,PW]'),
    );
    expect(() => call('psRoiPoolBackwardSync', new Float32Array(4), rois, 1, grad, 1, 4, 4, 4, 0, 3, 1, 1, 0)).toThrow(
      new RangeError('psRoiPoolBackward: channels must be a multiple of PH*PW'),
    );
    expect(() => call('preciseRoiPoolBackwardSync', dy, rois, 1, grad, 2 ** 40, 2 ** 40, 4, 4, 0, 2, 2, 1, 0)).toThrow(
      new RangeError('preciseRoiPoolBackward: input gradient shape overflows'),
    );
    expect(() => call('preciseRoiPoolBackwardSync', dy, rois, 1, grad, 1, 4, 4, 4, 0, 2 ** 40, 2 ** 40, 1, 0)).toThrow(
      new RangeError('preciseRoiPoolBackward: output shape overflows'),
    );
  });

  it('zero-fills the gradient even without RoIs', () => {
    const grad = new Float32Array(64).fill(5);
    call('preciseRoiPoolBackwardSync', new Float32Array(0), new Float32Array(0), 0, grad, 1, 4, 4, 4, 1, 2, 2, 1, 2);
    expect(grad.every((v) => v === 0)).toBe(true);
  });

  it('rejects an aborted async call with an AbortError-shaped error', async () => {
    const flag = new Int32Array([1]);
    const big = new Float32Array(1 * 4 * 64 * 64);
    const many = new Float32Array(Array.from({ length: 400 }, (_, i) => (i % 5 === 0 ? 0 : i % 5 < 3 ? 1 : 60)));
    await expect(
      call('preciseRoiPoolAsync', big, 1, 4, 64, 64, 0, many, 80, new Float32Array(80 * 4 * 4), 2, 2, 1, 1, flag) as Promise<void>,
    ).rejects.toMatchObject({ code: 'ABORT_ERR' });
    await expect(
      call('psRoiPoolBackwardAsync', new Float32Array(80 * 4), many, 80, big, 1, 4, 64, 64, 0, 2, 2, 1, 1, flag) as Promise<void>,
    ).rejects.toMatchObject({ code: 'ABORT_ERR' });
  });
});
