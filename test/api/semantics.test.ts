// Worked examples whose answers were computed by hand or quoted from the reference
// libraries' own tests (docs/semantics.md "Worked examples", "The three modes"), and the behaviour
// of every input form and option that the golden vectors do not exercise.
import { describe, expect, it } from 'vitest';

import { roiAlign, roiAlignSync, roiPool, roiPoolSync } from '../../lib/index.js';

const f32 = (values: number[]) => Float32Array.from(values);
const arange = (n: number) => Float32Array.from({ length: n }, (_, i) => i);
const map = (data: Float32Array, h: number, w: number) => ({ data, shape: [1, 1, h, w] });
const rows = (...values: number[]) => ({ data: f32(values), shape: [values.length / 5, 5] });

// docs/semantics.md "The deepsense.ai 8×8 example": the 8x8 feature map of the deepsense.ai article.
const article = map(
  f32([
    0.88, 0.44, 0.14, 0.16, 0.37, 0.77, 0.96, 0.27, 0.19, 0.45, 0.57, 0.16, 0.63, 0.29, 0.71, 0.7, 0.66, 0.26, 0.82,
    0.64, 0.54, 0.73, 0.59, 0.26, 0.85, 0.34, 0.76, 0.84, 0.29, 0.75, 0.62, 0.25, 0.32, 0.74, 0.21, 0.39, 0.34, 0.03,
    0.33, 0.48, 0.2, 0.14, 0.16, 0.13, 0.73, 0.65, 0.96, 0.32, 0.19, 0.69, 0.09, 0.86, 0.88, 0.07, 0.01, 0.48, 0.83,
    0.24, 0.97, 0.04, 0.24, 0.35, 0.5, 0.91,
  ]),
  8,
  8,
);

describe('roiPool worked examples', () => {
  it.each([
    ['split', [0, 0, 3, 6, 7], [0.85, 0.84, 0.97, 0.96], [24, 27, 58, 46]],
    ['overlap', [0, 0, 3, 6, 7], [0.85, 0.96, 0.97, 0.96], [24, 46, 58, 46]],
    ['overlap', [0, 0, 3, 7, 8], [0.85, 0.96, 0.97, 0.91], [24, 46, 58, 63]],
    ['overlap', [0, 0, 2, 6, 7], [0.85, 0.84, 0.97, 0.96], [24, 27, 58, 46]],
  ] as const)('the article 8x8 map, bins %s, box %j', (bins, box, values, argmax) => {
    const result = roiPoolSync(article, rows(...box), { outputSize: 2, bins, returnArgmax: true });
    expect(Array.from(result.data)).toEqual(Array.from(f32([...values])));
    expect(Array.from(result.argmax)).toEqual(argmax);
  });

  it('reproduces the MXNet documentation example at scale 1.0 and 0.7 (C rounding of 2.8)', () => {
    const x = map(arange(48), 8, 6);
    expect(Array.from(roiPoolSync(x, rows(0, 0, 0, 4, 4), { outputSize: 2 }).data)).toEqual([14, 16, 26, 28]);
    expect(Array.from(roiPoolSync(x, rows(0, 0, 0, 4, 4), { outputSize: 2, spatialScale: 0.7 }).data)).toEqual([
      7, 9, 19, 21,
    ]);
  });

  it('rounds a scaled .5 coordinate half away from zero', () => {
    const x = map(arange(16), 4, 4);
    // round(1 * 0.5) = 1, so the 1x1 pool reads pixel (1,1) = 5 (half-to-even would read pixel 0).
    expect(Array.from(roiPoolSync(x, rows(0, 1, 1, 1, 1), { outputSize: 1, spatialScale: 0.5 }).data)).toEqual([5]);
  });

  it('pools a malformed box (x2 < x1) as one pixel at (y1, x1)', () => {
    const x = map(arange(16), 4, 4);
    expect(Array.from(roiPoolSync(x, rows(0, 2, 1, 0, 0), { outputSize: 2 }).data)).toEqual([6, 6, 6, 6]);
  });

  it('gives 0 and argmax -1 for bins that fall off the map', () => {
    const x = map(arange(16), 4, 4);
    const result = roiPoolSync(x, rows(0, 2, 2, 5, 5), { outputSize: 2, returnArgmax: true });
    expect(Array.from(result.data)).toEqual([15, 0, 0, 0]);
    expect(Array.from(result.argmax)).toEqual([15, -1, -1, -1]);
  });

  it('gives split bins shorter than one pixel 0 and -1 (the box is 2 pixels, the grid 3)', () => {
    const x = map(arange(16), 4, 4);
    const result = roiPoolSync(x, rows(0, 0, 0, 1, 1), { outputSize: 3, bins: 'split', returnArgmax: true });
    // floor(i*2/3) for i = 0..3 is 0, 0, 1, 2: the first row and column of bins are empty.
    expect(Array.from(result.argmax)).toEqual([-1, -1, -1, -1, 0, 1, -1, 4, 5]);
    expect(Array.from(result.data)).toEqual([0, 0, 0, 0, 0, 1, 0, 4, 5]);
  });

  it('takes the true maximum of -inf bins and ignores NaN (torchvision returns -FLT_MAX)', () => {
    const x = map(f32([-Infinity, -Infinity, NaN, NaN, NaN, 3, -Infinity, NaN]), 2, 4);
    const result = roiPoolSync(
      x,
      { data: f32([0, 0, 0, 1, 1, 0, 2, 0, 3, 1]), shape: [2, 5] },
      {
        outputSize: [1, 2],
        bins: 'split',
        returnArgmax: true,
      },
    );
    // rows 0-1 of column 0: {-inf, NaN} -> -inf at pixel 0; column 1: {-inf, 3} -> 3 at pixel 5;
    // column 2: {NaN, -inf} -> -inf at pixel 6; column 3: {NaN, NaN} -> NaN and -1
    expect(Array.from(result.data)).toEqual([-Infinity, 3, -Infinity, NaN]);
    expect(Array.from(result.argmax)).toEqual([0, 5, 6, -1]);
    const mixed = roiPoolSync(x, rows(0, 1, 0, 3, 1), { outputSize: 1, returnArgmax: true });
    expect(Array.from(mixed.data)).toEqual([3]);
    expect(Array.from(mixed.argmax)).toEqual([5]);
  });
});

describe('roiAlign worked examples', () => {
  const x4 = map(arange(16), 4, 4);
  const twoRois = rows(0, 0, 0, 2, 2, 0, 0, 1, 3, 3);

  it.each([
    [false, -1, [2.5, 3.5, 6.5, 7.5, 6.75, 8.25, 10.75, 12.25]],
    [false, 1, [2.5, 3.5, 6.5, 7.5, 6.75, 8.25, 10.75, 12.25]],
    [false, 2, [2.5, 3.5, 6.5, 7.5, 6.75, 8.25, 10.75, 12.25]],
    [true, -1, [0, 1, 4, 5, 4.3125, 5.75, 8.3125, 9.75]],
    [true, 2, [0.625, 1.5, 4.125, 5, 4.3125, 5.75, 8.3125, 9.75]],
    [true, 1, [0, 1, 4, 5, 4.25, 5.75, 8.25, 9.75]],
  ] as const)('4x4 map table: aligned %s, samplingRatio %d', (aligned, samplingRatio, expected) => {
    const result = roiAlignSync(x4, twoRois, { outputSize: 2, aligned, samplingRatio });
    expect(Array.from(result.data)).toEqual(expected);
  });

  it('matches detectron2 test_roi_align on a 5x5 arange, both alignments', () => {
    const x5 = map(arange(25), 5, 5);
    const box = rows(0, 1, 1, 3, 3);
    expect(Array.from(roiAlignSync(x5, box, { outputSize: 4, samplingRatio: 0 }).data)).toEqual([
      7.5, 8, 8.5, 9, 10, 10.5, 11, 11.5, 12.5, 13, 13.5, 14, 15, 15.5, 16, 16.5,
    ]);
    expect(Array.from(roiAlignSync(x5, box, { outputSize: 4, samplingRatio: 0, aligned: true }).data)).toEqual([
      4.5, 5, 5.5, 6, 7, 7.5, 8, 8.5, 9.5, 10, 10.5, 11, 12, 12.5, 13, 13.5,
    ]);
    // an empty aligned box gives zeros
    const empty = roiAlignSync(x5, rows(0, 3, 4, 5, 4), { outputSize: 7, aligned: true });
    expect(empty.data.every((v) => v === 0)).toBe(true);
  });

  it("matches mmcv's 2x2 vector (the [-1, 0] band snaps to the first row)", () => {
    const result = roiAlignSync(map(f32([1, 2, 3, 4]), 2, 2), rows(0, 0, 0, 1, 1), {
      outputSize: 2,
      samplingRatio: 2,
      aligned: true,
    });
    expect(Array.from(result.data)).toEqual([1, 1.25, 1.5, 1.75]);
  });

  it('separates the three modes: avg 7.5, max 11.25, onnx-max 5.625', () => {
    const box = rows(0, 0, 0, 3, 3);
    const run = (mode: 'avg' | 'max' | 'onnx-max') =>
      roiAlignSync(x4, box, { outputSize: 1, samplingRatio: 2, mode }).data[0];
    expect(run('avg')).toBe(7.5);
    expect(run('max')).toBe(11.25);
    expect(run('onnx-max')).toBe(5.625);
  });

  it('includes samples exactly on y = -1 and y = H, and drops those just beyond', () => {
    const x = map(f32([1, 2, 3, 4]), 2, 2);
    // one sample per bin at the box centre: x = 0.5 (between 1 and 2, or 3 and 4)
    const at = (y1: number) => roiAlignSync(x, rows(0, 0, y1, 1, y1 + 1), { outputSize: 1, samplingRatio: 1 }).data[0];
    expect(at(-1.5)).toBe(1.5); // y = -1: row 0
    expect(at(-1.625)).toBe(0); // y = -1.125: outside
    expect(at(1.5)).toBe(3.5); // y = 2 = H: row 1
    expect(at(1.625)).toBe(0); // y = 2.125: outside
  });
});

describe('input forms', () => {
  const x = { data: Float32Array.from({ length: 2 * 3 * 6 * 7 }, (_, i) => Math.sin(i)), shape: [2, 3, 6, 7] };
  const single = { data: x.data.subarray(0, 3 * 6 * 7), shape: [1, 3, 6, 7] };
  const options = { outputSize: [2, 3] as [number, number], samplingRatio: 2 };

  it('accepts ort.Tensor-shaped input ({data, dims, type})', () => {
    const ortLike = { data: x.data, dims: x.shape, type: 'float32' };
    expect(roiAlignSync(ortLike, rows(1, 0, 0, 5, 4), options)).toEqual(roiAlignSync(x, rows(1, 0, 0, 5, 4), options));
  });

  it('accepts [K,4] boxes when the batch is 1', () => {
    const four = { data: f32([0, 0, 5, 4, 1, 1, 3, 3]), shape: [2, 4] };
    expect(roiAlignSync(single, four, options)).toEqual(
      roiAlignSync(single, rows(0, 0, 0, 5, 4, 0, 1, 1, 3, 3), options),
    );
  });

  it('accepts one [L,4] tensor per image, output rows in concatenation order', () => {
    const perImage = [
      { data: f32([0, 0, 5, 4]), shape: [1, 4] },
      { data: f32([1, 1, 3, 3, 2, 0, 6, 5]), shape: [2, 4] },
    ];
    const flat = rows(0, 0, 0, 5, 4, 1, 1, 1, 3, 3, 1, 2, 0, 6, 5);
    expect(roiAlignSync(x, perImage, options)).toEqual(roiAlignSync(x, flat, options));
    expect(roiPoolSync(x, [{ data: new Float32Array(0), shape: [0, 4] }], { outputSize: 2 }).shape).toEqual([
      0, 3, 2, 2,
    ]);
  });

  it('reads views with a byteOffset in place', () => {
    const backing = new Float32Array(x.data.length + 5);
    backing.set(x.data, 5);
    const view = { data: backing.subarray(5), shape: x.shape };
    expect(roiPoolSync(view, rows(1, 0, 0, 5, 4), { outputSize: 2 })).toEqual(
      roiPoolSync(x, rows(1, 0, 0, 5, 4), { outputSize: 2 }),
    );
  });

  it('writes into out and returns it', async () => {
    const out = new Float32Array(3 * 2 * 3).fill(NaN);
    const result = await roiAlign(x, rows(1, 0, 0, 5, 4), { ...options, out });
    expect(result.data).toBe(out);
    expect(result).toEqual(roiAlignSync(x, rows(1, 0, 0, 5, 4), options));
  });

  it('gives an empty [0, C, PH, PW] tensor for no boxes, in both layouts', async () => {
    const none = { data: new Float32Array(0), shape: [0, 5] };
    expect((await roiAlign(x, none, options)).shape).toEqual([0, 3, 2, 3]);
    expect(roiPoolSync({ data: x.data, shape: [2, 6, 7, 3] }, none, { outputSize: 2, layout: 'NHWC' }).shape).toEqual([
      0, 2, 2, 3,
    ]);
  });

  it("pools invalid rows to zeros with invalidBoxes: 'zero', leaving the others alone", async () => {
    const mixed = rows(1, 0, 0, 5, 4, 2, 0, 0, 5, 4, 0, NaN, 0, 5, 4, 0.5, 0, 0, 5, 4, -1, 0, 0, 1, 1);
    const valid = roiAlignSync(x, rows(1, 0, 0, 5, 4), options).data;
    const result = await roiAlign(x, mixed, { ...options, invalidBoxes: 'zero' });
    expect(valid.length).toBe(18);
    expect(Array.from(result.data.subarray(0, 18))).toEqual(Array.from(valid));
    expect(result.data.subarray(18).every((v) => v === 0)).toBe(true);
    const pooled = await roiPool(x, mixed, { outputSize: 2, invalidBoxes: 'zero', returnArgmax: true });
    expect(pooled.argmax.subarray(12).every((v) => v === -1)).toBe(true);
    expect(pooled.data.subarray(12).every((v) => v === 0)).toBe(true);
  });

  it('gives the same numbers in NCHW and NHWC', () => {
    const nhwc = new Float32Array(x.data.length);
    for (let b = 0; b < 2; b++)
      for (let c = 0; c < 3; c++)
        for (let h = 0; h < 6; h++)
          for (let w = 0; w < 7; w++)
            nhwc[((b * 6 + h) * 7 + w) * 3 + c] = x.data[((b * 3 + c) * 6 + h) * 7 + w] as number;
    const box = rows(1, 0.5, 0.25, 5.5, 4.75);
    for (const mode of ['avg', 'max', 'onnx-max'] as const) {
      const a = roiAlignSync(x, box, { ...options, mode });
      const b = roiAlignSync({ data: nhwc, shape: [2, 6, 7, 3] }, box, { ...options, mode, layout: 'NHWC' });
      expect(b.shape).toEqual([1, 2, 3, 3]);
      for (let c = 0; c < 3; c++) for (let i = 0; i < 6; i++) expect(b.data[i * 3 + c]).toBe(a.data[c * 6 + i]);
    }
  });
});
