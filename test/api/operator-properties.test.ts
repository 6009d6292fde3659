// Properties the golden vectors cannot show, on the backend this project runs (native at
// each instruction set, or JavaScript): layout invariance, thread-count and sync/async
// invariance, and the identities between operators (docs/api.md "Operators"; docs/semantics.md "roiAlignRotated", "multiScaleRoiAlign", "spatialPyramidPool",
// "preciseRoiPool").
import { describe, expect, it } from 'vitest';

import {
  cropAndResize,
  cropAndResizeSync,
  multiScaleRoiAlign,
  multiScaleRoiAlignSync,
  preciseRoiPool,
  preciseRoiPoolSync,
  psRoiAlign,
  psRoiAlignSync,
  psRoiPool,
  psRoiPoolSync,
  roiAlignRotated,
  roiAlignRotatedSync,
  roiAlignSync,
  roiPoolSync,
  spatialPyramidPool,
  spatialPyramidPoolSync,
  type Tensor,
} from '../../lib/index.js';
import { expectConfiguredBackend } from '../helpers/backend.js';
import { mismatches, toChannelsLast } from '../helpers/golden.js';
import { prng } from '../helpers/gradient-cases.js';

function randomMap(shape: [number, number, number, number], seed: number) {
  const random = prng(seed);
  return { data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => random() * 2 - 1), shape };
}

/** K boxes (b, x1, y1, x2, y2) inside a W x H image (some reaching past its border). */
function randomBoxes(count: number, batch: number, width: number, height: number, seed: number) {
  const random = prng(seed);
  const data = new Float32Array(count * 5);
  for (let k = 0; k < count; k++) {
    const x1 = random() * width * 1.1 - width * 0.05;
    const y1 = random() * height * 1.1 - height * 0.05;
    data.set([Math.floor(random() * batch), x1, y1, x1 + random() * width * 0.6, y1 + random() * height * 0.6], k * 5);
  }
  return { data, shape: [count, 5] };
}

/** Rotated boxes (b, cx, cy, w, h, angle) from the same generator. */
function randomRotatedBoxes(count: number, batch: number, width: number, height: number, seed: number) {
  const plain = randomBoxes(count, batch, width, height, seed);
  const random = prng(seed + 1);
  const data = new Float32Array(count * 6);
  for (let k = 0; k < count; k++) {
    const [b, x1, y1, x2, y2] = plain.data.subarray(k * 5, k * 5 + 5) as unknown as number[];
    data.set(
      [
        b as number,
        ((x1 as number) + (x2 as number)) / 2,
        ((y1 as number) + (y2 as number)) / 2,
        (x2 as number) - (x1 as number),
        (y2 as number) - (y1 as number),
        random() * 360 - 180,
      ],
      k * 6,
    );
  }
  return { data, shape: [count, 6] };
}

type Layout = 'NCHW' | 'NHWC';
const channelsLast = (t: { data: Float32Array; shape: number[] }) => toChannelsLast(t);

interface Case {
  name: string;
  /** Runs the operator with the map in `layout`; the result follows that layout. */
  run: (layout: Layout, form: 'sync' | 'async', threads: number) => Tensor | Promise<Tensor>;
  /** Whether the output is [K, C, PH, PW]-like (transposed with the layout) or flat. */
  layoutShapedOutput: boolean;
}

const map = randomMap([2, 12, 17, 23], 11);
const nhwc = channelsLast(map);
const input = (layout: Layout) => (layout === 'NCHW' ? map : nhwc);
const boxes = randomBoxes(9, 2, 23 * 4, 17 * 4, 12);
const rotated = randomRotatedBoxes(9, 2, 23 * 4, 17 * 4, 13);
const cropBoxes = {
  data: Float32Array.from({ length: 9 * 4 }, (_, i) => prng(14 + i)() * 1.4 - 0.2),
  shape: [9, 4],
};
const cropIndices = Int32Array.from({ length: 9 }, (_, k) => k % 2);

type Operator = (...args: never[]) => Tensor | Promise<Tensor>;

/** A case calling the `…Sync` or the async twin with `args(layout)`, then the options with the layout and threads. */
function twinCase(
  name: string,
  layoutShapedOutput: boolean,
  [sync, async]: readonly [Operator, Operator],
  args: (layout: Layout) => unknown[],
  options: object,
): Case {
  return {
    name,
    layoutShapedOutput,
    run: (layout, form, threads) =>
      (form === 'sync' ? sync : async)(...([...args(layout), { ...options, layout, threads }] as never[])),
  };
}

/** An operator called as (map in `layout`, boxes, options): its output follows the layout. */
const boxesCase = (name: string, sync: Operator, async: Operator, rois: Tensor, options: object): Case =>
  twinCase(name, true, [sync, async], (layout) => [input(layout), rois], options);

const pyramidTwins = [spatialPyramidPoolSync, spatialPyramidPool] as const;
const cropTwins = [cropAndResizeSync, cropAndResize] as const;

const cases: Case[] = [
  boxesCase('psRoiPool', psRoiPoolSync, psRoiPool, boxes, { outputSize: [2, 3], spatialScale: 0.25 }),
  boxesCase('psRoiAlign', psRoiAlignSync, psRoiAlign, boxes, { outputSize: 2, spatialScale: 0.25, samplingRatio: -1 }),
  boxesCase('roiAlignRotated', roiAlignRotatedSync, roiAlignRotated, rotated, {
    outputSize: [3, 4],
    spatialScale: 0.25,
  }),
  {
    name: 'multiScaleRoiAlign',
    layoutShapedOutput: true,
    run: (layout, form, threads) => {
      const coarse = randomMap([2, 12, 9, 12], 15);
      const levels = layout === 'NCHW' ? [map, coarse] : [nhwc, channelsLast(coarse)];
      const options = {
        outputSize: 3,
        samplingRatio: 2,
        scales: [0.25, 0.125],
        canonicalScale: 30,
        canonicalLevel: 2,
        layout,
        threads,
      };
      return form === 'sync'
        ? multiScaleRoiAlignSync(levels, boxes, options)
        : multiScaleRoiAlign(levels, boxes, options);
    },
  },
  // spatialPyramidPool's output is [K or N, C * cells] in either layout.
  twinCase('spatialPyramidPool (boxes, avg)', false, pyramidTwins, (layout) => [input(layout)], {
    levels: [3, 1, 2],
    boxes,
    spatialScale: 0.25,
    mode: 'avg',
  }),
  twinCase('spatialPyramidPool (whole maps, max)', false, pyramidTwins, (layout) => [input(layout)], {
    levels: [1, 2, 4],
  }),
  // cropAndResize's output is [K,h,w,C] for NHWC and [K,C,h,w] for NCHW.
  twinCase('cropAndResize (bilinear)', true, cropTwins, (layout) => [input(layout), cropBoxes, cropIndices, [5, 4]], {
    extrapolationValue: -2,
  }),
  twinCase('cropAndResize (nearest)', true, cropTwins, (layout) => [input(layout), cropBoxes, cropIndices, 3], {
    method: 'nearest',
  }),
  boxesCase('preciseRoiPool', preciseRoiPoolSync, preciseRoiPool, boxes, { outputSize: 3, spatialScale: 0.25 }),
];

describe('operator properties', () => {
  it('runs on the configured backend', () => expectConfiguredBackend());

  describe.each(cases)('$name', (c) => {
    it('gives the same result in NCHW and NHWC', async () => {
      const planar = await c.run('NCHW', 'sync', 1);
      const interleaved = await c.run('NHWC', 'sync', 1);
      const expected = c.layoutShapedOutput ? channelsLast(planar) : planar;
      expect(interleaved.shape).toEqual(expected.shape);
      expect(mismatches(interleaved.data, expected.data, 1e-6, 1e-6)).toEqual([]);
    });

    it('is bit-identical for 1 and 2 threads, sync and async', async () => {
      const one = await c.run('NCHW', 'sync', 1);
      expect(await c.run('NCHW', 'sync', 2)).toEqual(one);
      expect(await c.run('NCHW', 'async', 2)).toEqual(one);
      expect(await c.run('NHWC', 'async', 1)).toEqual(await c.run('NHWC', 'sync', 2));
    });
  });
});

describe('identities between operators', () => {
  it('roiAlignRotated at angle 0 equals roiAlign with the same aligned', () => {
    // On boxes at least one feature pixel wide and high: with aligned false a smaller box is
    // widened to one pixel about its centre (mmcv), while roiAlign widens it from its corner.
    for (const aligned of [true, false]) {
      const unrotated = new Float32Array(rotated.data);
      for (let k = 0; k < 9; k++) {
        unrotated[k * 6 + 3] = Math.max(unrotated[k * 6 + 3] as number, 6);
        unrotated[k * 6 + 4] = Math.max(unrotated[k * 6 + 4] as number, 6);
        unrotated[k * 6 + 5] = 0;
      }
      const plain = new Float32Array(9 * 5);
      for (let k = 0; k < 9; k++) {
        const [b, cx, cy, w, h] = unrotated.subarray(k * 6, k * 6 + 5) as unknown as number[];
        plain.set(
          [
            b as number,
            (cx as number) - (w as number) / 2,
            (cy as number) - (h as number) / 2,
            (cx as number) + (w as number) / 2,
            (cy as number) + (h as number) / 2,
          ],
          k * 5,
        );
      }
      const options = { outputSize: 3, spatialScale: 0.25, samplingRatio: 2, aligned };
      const a = roiAlignRotatedSync(map, { data: unrotated, shape: [9, 6] }, options);
      const b = roiAlignSync(map, { data: plain, shape: [9, 5] }, options);
      expect(mismatches(a.data, b.data, 1e-5, 1e-5)).toEqual([]);
    }
  });

  it('roiAlignRotated by 90 degrees turns a centred square box on a square map (roiAlignRotated semantics)', () => {
    const square = randomMap([1, 3, 12, 12], 21);
    const box = (angle: number) => ({ data: new Float32Array([0, 6, 6, 8, 8, angle]), shape: [1, 6] });
    const options = { outputSize: 4, samplingRatio: 2 };
    const upright = roiAlignRotatedSync(square, box(0), options).data;
    const turned = roiAlignRotatedSync(square, box(90), options).data;
    // Counter-clockwise by 90 degrees: output bin (i, j) of the turned box is bin (3 - j, i) of
    // the upright one (detectron2's 5x5 test vector of docs/semantics.md "roiAlignRotated" obeys the same rule).
    const expected = new Float32Array(upright.length);
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 4; j++) expected[c * 16 + i * 4 + j] = upright[c * 16 + (3 - j) * 4 + i] as number;
    expect(mismatches(turned, expected, 1e-5, 1e-4)).toEqual([]);
  });

  it('multiScaleRoiAlign over one level equals roiAlign at that scale', () => {
    const options = { outputSize: 3, samplingRatio: 2, aligned: true };
    const multi = multiScaleRoiAlignSync([map], boxes, { ...options, scales: [0.25] });
    const single = roiAlignSync(map, boxes, { ...options, spatialScale: 0.25 });
    expect(multi).toEqual(single);
  });

  it('spatialPyramidPool (max) of boxes equals roiPool with an l x l grid per level', () => {
    const levels = [2, 1, 3];
    const pyramid = spatialPyramidPoolSync(map, { levels, boxes, spatialScale: 0.25 });
    const C = 12;
    const width = C * (4 + 1 + 9);
    let offset = 0;
    for (const l of levels) {
      const pooled = roiPoolSync(map, boxes, { outputSize: l, spatialScale: 0.25 }).data;
      for (let k = 0; k < 9; k++) {
        const got = pyramid.data.subarray(k * width + offset, k * width + offset + C * l * l);
        expect(Array.from(got)).toEqual(Array.from(pooled.subarray(k * C * l * l, (k + 1) * C * l * l)));
      }
      offset += C * l * l;
    }
  });

  it('preciseRoiPool is the limit of roiAlign (aligned false) as the sampling grid grows, inside the map', () => {
    const inside = { data: new Float32Array([0, 3.3, 2.1, 15.7, 11.9, 1, 1.5, 1.25, 9, 6.5]), shape: [2, 5] };
    const exact = preciseRoiPoolSync(map, inside, { outputSize: 2 }).data;
    const error = (ratio: number) => {
      const sampled = roiAlignSync(map, inside, { outputSize: 2, samplingRatio: ratio }).data;
      return Math.max(...Array.from(exact, (v, i) => Math.abs(v - (sampled[i] as number))));
    };
    const coarse = error(2);
    const fine = error(64);
    expect(fine).toBeLessThan(2e-3);
    expect(fine).toBeLessThan(coarse / 10);
  });
});
