// Properties of the reference kernels on seeded random problems: every backward is the
// gradient of its forward (central finite differences of the float64 forward), every
// kernel gives the same numbers in both layouts, roiAlignRotated reduces to roiAlign at
// angle 0 and commutes with quarter turns, and PrRoIPool's exact integral is the limit of
// RoIAlign's sampled average.
import { describe, expect, it } from 'vitest';

import { mapLevels } from '../../lib/geometry/levels.js';
import type { FloatArray } from '../../lib/reference/common.js';
import { cropAndResizeReference } from '../../lib/reference/crop-and-resize.js';
import { multiScaleRoiAlignReference } from '../../lib/reference/multi-scale.js';
import { preciseRoiPoolReference } from '../../lib/reference/precise-roi-pool.js';
import { roiAlignRotatedReference } from '../../lib/reference/roi-align-rotated.js';
import { roiAlignReference } from '../../lib/reference/roi-align.js';
import { spatialPyramidReference } from '../../lib/reference/spatial-pyramid.js';
import { mismatches, toChannelsLast } from '../helpers/golden.js';
import {
  asMap,
  finiteDifferenceGradient,
  gradientCases,
  prng,
  randomBoxes,
  randomData,
  type Layout,
  type Shape,
} from '../helpers/gradient-cases.js';

describe.each(gradientCases())('$name: backward = finite differences of the float64 forward', (c) => {
  it.each(['NCHW', 'NHWC'] as const)('%s', (layout) => {
    const random = prng(7);
    // gradOutput is in the output's layout; any values do, so draw them in that layout.
    const gradOutput = Float64Array.from({ length: c.outputLength }, () => random() * 2 - 1);
    const expected = finiteDifferenceGradient(c, gradOutput, layout);
    expect(expected.some((v) => Math.abs(v) > 0.05)).toBe(true);

    const input64 = asMap(Float64Array.from(c.data), c.shape, layout);
    const exact = asMap(new Float64Array(c.data.length), c.shape, layout);
    c.backward(gradOutput, exact, 'float64', input64);
    expect(mismatches(exact.data, expected, 1e-7, 1e-6)).toEqual([]);

    const input32 = asMap(Float32Array.from(c.data), c.shape, layout);
    const single = asMap(new Float32Array(c.data.length).fill(NaN), c.shape, layout);
    c.backward(Float32Array.from(gradOutput), single, 'float32', input32);
    expect(mismatches(single.data, expected, 1e-5, 1e-4)).toEqual([]);
  });
});

describe('layout invariance: NHWC results are the NCHW results transposed, bit for bit', () => {
  const toNhwc = (data: FloatArray, shape: number[]) => toChannelsLast({ data: Float32Array.from(data), shape }).data;

  it.each(gradientCases().map((c) => [c.name, c] as const))('%s, forward and backward', (_, c) => {
    const random = prng(17);
    const gradSource = Float32Array.from({ length: c.outputLength }, () => random() * 2 - 1); // NCHW order
    const run = (layout: Layout) => {
      const input = asMap(Float32Array.from(c.data), c.shape, layout);
      const out = new Float32Array(c.outputLength);
      c.forward(input, out, 'float32');
      const gradInput = asMap(new Float32Array(c.data.length), c.shape, layout);
      c.backward(layout === 'NCHW' ? gradSource : toNhwc(gradSource, c.outputShape), gradInput, 'float32', input);
      return { out, gradInput: gradInput.data };
    };
    const nchw = run('NCHW');
    const nhwc = run('NHWC');
    expect(nhwc.out).toEqual(toNhwc(nchw.out, c.outputShape));
    expect(nhwc.gradInput).toEqual(
      toNhwc(nchw.gradInput, [c.shape.batch, c.shape.channels, c.shape.height, c.shape.width]),
    );
  });

  it('multiScaleRoiAlign', () => {
    const random = prng(31);
    const shapes: Shape[] = [
      { batch: 2, channels: 3, height: 16, width: 12 },
      { batch: 2, channels: 3, height: 8, width: 6 },
      { batch: 2, channels: 3, height: 4, width: 3 },
    ];
    const scales = [1 / 4, 1 / 8, 1 / 16];
    const data = shapes.map((s) => randomData(random, s));
    const rois = randomBoxes(random, 12, { batch: 2, channels: 3, height: 64, width: 48 }, 1);
    // A canonical scale of 24 (instead of 224) spreads these small boxes over all three levels.
    const levelOfRoi = mapLevels(rois, 12, scales, 24, 4);
    expect(new Set(levelOfRoi).size).toBe(3);
    const run = (layout: Layout) => {
      const out = new Float32Array(12 * 3 * 4);
      const levels = data.map((d, i) => asMap(d, shapes[i] as Shape, layout));
      multiScaleRoiAlignReference({
        levels,
        scales,
        rois,
        roiCount: 12,
        levelOfRoi,
        out,
        pooledHeight: 2,
        pooledWidth: 2,
        samplingRatio: -1,
        aligned: false,
      });
      return out;
    };
    expect(run('NHWC')).toEqual(toNhwc(run('NCHW'), [12, 3, 2, 2]));
  });

  it.each(['max', 'avg'] as const)(
    'spatialPyramidPool %s, whole maps and boxes (output [count, C*sum l^2] in both)',
    (mode) => {
      const random = prng(41);
      const shape: Shape = { batch: 2, channels: 3, height: 9, width: 7 };
      const data = randomData(random, shape);
      const rois = randomBoxes(random, 4, shape, 0.5);
      for (const boxes of [null, rois]) {
        const run = (layout: Layout) => {
          const count = boxes ? 4 : 2;
          const out = new Float32Array(count * 3 * (1 + 4 + 9));
          spatialPyramidReference({
            input: asMap(data, shape, layout),
            rois: boxes,
            count,
            levels: [1, 2, 3],
            spatialScale: 0.5,
            mode,
            out,
          });
          return out;
        };
        expect(run('NHWC')).toEqual(run('NCHW'));
      }
    },
  );

  it.each(['bilinear', 'nearest'] as const)('cropAndResize %s', (method) => {
    const random = prng(51);
    const shape: Shape = { batch: 2, channels: 3, height: 7, width: 9 };
    const data = randomData(random, shape);
    const boxes = Float32Array.from({ length: 24 }, () => random() * 1.4 - 0.2);
    const boxIndices = Int32Array.from([0, 1, 1, 0, 1, 0]);
    const run = (layout: Layout) => {
      const out = new Float32Array(6 * 3 * 4 * 5);
      cropAndResizeReference({
        image: asMap(data, shape, layout),
        boxes,
        boxIndices,
        boxCount: 6,
        cropHeight: 4,
        cropWidth: 5,
        method,
        extrapolationValue: -3,
        out,
      });
      return out;
    };
    // NHWC output [K,h,w,C] is the NCHW output [K,C,h,w] transposed.
    expect(run('NHWC')).toEqual(toNhwc(run('NCHW'), [6, 3, 4, 5]));
  });
});

describe('roiAlignRotated and roiAlign', () => {
  const shape: Shape = { batch: 2, channels: 3, height: 11, width: 13 };
  const data = randomData(prng(61), shape);
  const map = asMap(data, shape, 'NCHW');

  /** Rows (b, x1, y1, x2, y2) and the same boxes as (b, cx, cy, w, h, angle). */
  function boxPair(rows: number[][], angle: number): { axis: Float32Array; rotated: Float32Array } {
    return {
      axis: Float32Array.from(rows.flat()),
      rotated: Float32Array.from(
        rows.flatMap(([b, x1, y1, x2, y2]) => [
          b as number,
          ((x1 as number) + (x2 as number)) / 2,
          ((y1 as number) + (y2 as number)) / 2,
          (x2 as number) - (x1 as number),
          (y2 as number) - (y1 as number),
          angle,
        ]),
      ),
    };
  }

  function compare(
    rows: number[][],
    aligned: boolean,
    samplingRatio: number,
    pooledHeight: number,
    pooledWidth: number,
  ) {
    const { axis, rotated } = boxPair(rows, 0);
    const common = {
      input: map,
      roiCount: rows.length,
      pooledHeight,
      pooledWidth,
      spatialScale: 0.5,
      samplingRatio,
      aligned,
    };
    const expected = new Float32Array(rows.length * 3 * pooledHeight * pooledWidth);
    const actual = new Float32Array(expected.length);
    roiAlignReference({ ...common, rois: axis, out: expected, mode: 'avg' });
    roiAlignRotatedReference({ ...common, rois: rotated, out: actual, clockwise: false });
    return { expected, actual };
  }

  it.each([true, false])('angle 0 equals roiAlign bit for bit on dyadic boxes (aligned %s)', (aligned) => {
    // Coordinates and bin sizes exact in float32, so both kernels sample the same points.
    const rows = [
      [0, 2, 3, 14, 11],
      [1, -3, 5, 9, 21],
      [0, 10.5, 0.25, 22.5, 8.25],
      [1, 4, 4, 28, 24],
    ];
    const { expected, actual } = compare(rows, aligned, -1, 2, 4);
    expect(actual).toEqual(expected);
    const fixed = compare(rows, aligned, 2, 4, 2);
    expect(fixed.actual).toEqual(fixed.expected);
  });

  it.each([true, false])('angle 0 equals roiAlign within float32 rounding on random boxes (aligned %s)', (aligned) => {
    const random = prng(aligned ? 71 : 72);
    const rows = Array.from({ length: 30 }, (_, k) => {
      const x1 = random() * 30 - 4;
      const y1 = random() * 26 - 4;
      // aligned=false clamps sizes below 1 differently (roiAlign from the corner, rotated about the centre)
      return [k % 2, x1, y1, x1 + 2 + random() * 14, y1 + 2 + random() * 12];
    });
    const { expected, actual } = compare(rows, aligned, -1, 3, 2);
    expect(mismatches(actual, expected, 1e-5, 1e-5)).toEqual([]);
  });

  it.each([90, 180, 270])(
    'rotating a square box by %d degrees turns its pooled square clockwise (any map)',
    (angle) => {
      const random = prng(angle);
      const P = 4;
      const boxes = Array.from({ length: 10 }, (_, k) => [k % 2, 5 + random() * 6, 5 + random() * 4, 2 + random() * 5]);
      const run = (theta: number) => {
        const out = new Float32Array(boxes.length * 3 * P * P);
        const rois = Float32Array.from(
          boxes.flatMap(([b, cx, cy, side]) => [
            b as number,
            cx as number,
            cy as number,
            side as number,
            side as number,
            theta,
          ]),
        );
        roiAlignRotatedReference({
          input: map,
          rois,
          roiCount: boxes.length,
          out,
          pooledHeight: P,
          pooledWidth: P,
          spatialScale: 1,
          samplingRatio: 2,
          aligned: true,
          clockwise: false,
        });
        return out;
      };
      const upright = run(0);
      const turned = run(angle);
      // A clockwise quarter turn of a P x P block: new[i][j] = old[P-1-j][i].
      let expected = upright;
      for (let q = 0; q < angle / 90; q++) {
        const previous = expected;
        expected = previous.map((_, at) => {
          const [block, i, j] = [Math.floor(at / (P * P)), Math.floor((at % (P * P)) / P), at % P];
          return previous[block * P * P + (P - 1 - j) * P + i] as number;
        });
      }
      expect(mismatches(turned, expected, 1e-5, 1e-5)).toEqual([]);
    },
  );
});

describe('preciseRoiPool is the limit of roiAlign (aligned=false) as the sampling grid grows', () => {
  // PrRoIPool's pixel i sits at coordinate i, as in roiAlign with aligned=false; on boxes
  // inside [0, H-1] x [0, W-1] both integrate the same bilinear interpolant (zero padding
  // and edge replication differ only outside), and roiAlign's sample grid is the midpoint
  // rule for that integral, whose error shrinks as the grid grows.
  const shape: Shape = { batch: 1, channels: 4, height: 12, width: 14 };
  const random = prng(81);
  const map = asMap(randomData(random, shape), shape, 'NCHW');
  const count = 12;
  const rois = new Float32Array(count * 5);
  for (let k = 0; k < count; k++) {
    const x1 = 0.3 + random() * 6;
    const y1 = 0.3 + random() * 5;
    rois.set(
      [
        0,
        x1,
        y1,
        x1 + 1.5 + random() * (shape.width - 1.6 - x1 - 1.5),
        y1 + 1.5 + random() * (shape.height - 1.6 - y1 - 1.5),
      ],
      k * 5,
    );
  }
  const common = { input: map, rois, roiCount: count, pooledHeight: 2, pooledWidth: 3, spatialScale: 1 };
  const exact = new Float64Array(count * 4 * 6);
  preciseRoiPoolReference({
    ...common,
    input: asMap(Float64Array.from(map.data), shape, 'NCHW'),
    out: exact,
    precision: 'float64',
  });
  const error = (samplingRatio: number) => {
    const sampled = new Float64Array(exact.length);
    roiAlignReference({
      ...common,
      input: asMap(Float64Array.from(map.data), shape, 'NCHW'),
      out: sampled,
      samplingRatio,
      aligned: false,
      mode: 'avg',
      precision: 'float64',
    });
    return Math.max(...sampled.map((v, i) => Math.abs(v - (exact[i] as number))));
  };

  it('the error falls with the grid and is below 1e-3 at 64 samples per bin side', () => {
    const errors = [2, 8, 64].map(error);
    expect(errors[0]).toBeGreaterThan(1e-3);
    expect(errors[1]).toBeLessThan(errors[0] as number);
    expect(errors[2]).toBeLessThan(errors[1] as number);
    expect(errors[2]).toBeLessThan(1e-3);
  });

  it('float32 PrRoIPool stays within the golden tolerance of the float64 integral', () => {
    const single = new Float32Array(exact.length);
    preciseRoiPoolReference({ ...common, out: single });
    expect(mismatches(single, exact)).toEqual([]);
  });
});
