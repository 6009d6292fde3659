// The worked examples and conformance items of docs/semantics.md ("psRoiPool and psRoiAlign", "roiAlignRotated",
// "multiScaleRoiAlign", "preciseRoiPool", "Worked examples"), run on the reference kernels directly. Every expected number
// below is quoted from docs/semantics.md or follows from a rule stated there (noted where so).
import { describe, expect, it } from 'vitest';

import { inferScales, mapLevels } from '../../lib/geometry/levels.js';
import type { CropAndResizeJob, FeatureMap } from '../../lib/model.js';
import { cropAndResizeReference } from '../../lib/reference/crop-and-resize.js';
import { multiScaleRoiAlignReference } from '../../lib/reference/multi-scale.js';
import { preciseRoiPoolReference } from '../../lib/reference/precise-roi-pool.js';
import { psRoiAlignReference, psRoiPoolReference } from '../../lib/reference/ps-roi.js';
import { roiAlignRotatedReference } from '../../lib/reference/roi-align-rotated.js';
import * as backwardReferences from '../../lib/reference/backward.js';
import { roiAlignReference } from '../../lib/reference/roi-align.js';
import { roiPoolReference } from '../../lib/reference/roi-pool.js';
import { spatialPyramidReference } from '../../lib/reference/spatial-pyramid.js';

const arange = (n: number) => Float32Array.from({ length: n }, (_, i) => i);

function plane(data: Float32Array, height: number, width: number, channels = 1): FeatureMap {
  return { data, batch: 1, channels, height, width, layout: 'NCHW' };
}

/** A [rows][columns] view of a flat output, for readable expectations. */
function grid(data: ArrayLike<number>, rows: number, columns: number, offset = 0): number[][] {
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: columns }, (_, j) => data[offset + i * columns + j] as number),
  );
}

function expectGridClose(actual: number[][], expected: number[][], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]?.[j] as number, digits)));
}

describe('PrRoIPool worked examples (arange(16) as 4x4)', () => {
  const x = plane(arange(16), 4, 4);
  const pool = (box: number[], pooled: number, spatialScale = 1, input = x) => {
    const out = new Float32Array(pooled * pooled * input.channels);
    preciseRoiPoolReference({
      input,
      rois: Float32Array.from([0, ...box]),
      roiCount: 1,
      out,
      pooledHeight: pooled,
      pooledWidth: pooled,
      spatialScale,
    });
    return out;
  };

  it('box (0,0,3,3), one bin: 7.5', () => expect(pool([0, 0, 3, 3], 1)[0]).toBeCloseTo(7.5, 6));
  it('box (0,0,3,3), 2x2 bins: [[3.75,5.25],[9.75,11.25]]', () =>
    expectGridClose(
      grid(pool([0, 0, 3, 3], 2), 2, 2),
      [
        [3.75, 5.25],
        [9.75, 11.25],
      ],
      6,
    ));
  it('box (-1,-1,1,1): 0.9375 (the interpolant decays to 0 outside the map)', () =>
    expect(pool([-1, -1, 1, 1], 1)[0]).toBeCloseTo(0.9375, 6));

  it('box [0,0,14,14] at scale 0.5 with 7x7 bins is avg_pool2d(2, stride 1)[:7,:7] (the PrRoIPool test identity)', () => {
    const data = Float32Array.from({ length: 9 * 10 }, (_, i) => Math.sin(i * 1.7) * 3);
    const out = pool([0, 0, 14, 14], 7, 0.5, plane(data, 9, 10));
    const cellMean = (i: number, j: number) =>
      (data[i * 10 + j]! + data[i * 10 + j + 1]! + data[(i + 1) * 10 + j]! + data[(i + 1) * 10 + j + 1]!) / 4;
    expectGridClose(
      grid(out, 7, 7),
      Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => cellMean(i, j))),
      5,
    );
  });

  it('a box of zero width is 0 (area 0)', () => expect(Array.from(pool([1, 1, 1, 3], 2))).toEqual([0, 0, 0, 0]));
});

describe('detectron2 ROIAlignRotated on arange(25) as 5x5, box (2,2,2,2), 4x4, sampling 0', () => {
  const x = plane(arange(25), 5, 5);
  const rotated = (
    angle: number,
    options: { aligned?: boolean; clockwise?: boolean; box?: number[]; samplingRatio?: number } = {},
  ) => {
    const out = new Float32Array(16);
    roiAlignRotatedReference({
      input: x,
      rois: Float32Array.from([0, ...(options.box ?? [2, 2, 2, 2]), angle]),
      roiCount: 1,
      out,
      pooledHeight: 4,
      pooledWidth: 4,
      spatialScale: 1,
      samplingRatio: options.samplingRatio ?? 0,
      aligned: options.aligned ?? true,
      clockwise: options.clockwise ?? false,
    });
    return grid(out, 4, 4);
  };
  // docs/semantics.md "Smaller ones": detectron2's aligned RoIAlign of the same box [1,1,3,3].
  const aligned0 = [
    [4.5, 5, 5.5, 6],
    [7, 7.5, 8, 8.5],
    [9.5, 10, 10.5, 11],
    [12, 12.5, 13, 13.5],
  ];
  const clockwiseQuarter = (m: number[][]) => m.map((row, i) => row.map((_, j) => m[m.length - 1 - j]?.[i] as number));

  it('angle 0 is the aligned RoIAlign result of the detectron2 5x5 example', () =>
    expectGridClose(rotated(0), aligned0));

  it('angle 90 is the detectron2 rotated vector', () => {
    expectGridClose(rotated(90), [
      [12, 9.5, 7, 4.5],
      [12.5, 10, 7.5, 5],
      [13, 10.5, 8, 5.5],
      [13.5, 11, 8.5, 6],
    ]);
  });

  it('angles 90, 180, 270 rotate the angle-0 result clockwise by 90, 180, 270 degrees', () => {
    let expected = aligned0;
    for (const angle of [90, 180, 270]) {
      expected = clockwiseQuarter(expected);
      expectGridClose(rotated(angle), expected);
    }
  });

  it('angle 45: first row [7.9393, 6.5251, 5.1109, 3.6967]', () =>
    expectGridClose(rotated(45).slice(0, 1), [[7.9393, 6.5251, 5.1109, 3.6967]], 3));

  it('angles are degrees, counter-clockwise; clockwise=true negates them (mmcv)', () => {
    expectGridClose(rotated(90, { clockwise: true }), rotated(270));
    expectGridClose(rotated(-90), rotated(270));
  });

  it('a zero-size box (2,3,0,0,0) gives zeros', () =>
    expect(rotated(0, { box: [2, 3, 0, 0] }).flat()).toEqual(Array(16).fill(0)));

  it('a negative size with aligned=true gives zeros (detectron2 and mmcv assert; roi-ops does not crash)', () => {
    // (With a fixed sampling ratio, so that the samples would otherwise exist.)
    expect(rotated(30, { box: [2, 2, -2, 2], samplingRatio: 2 }).flat()).toEqual(Array(16).fill(0));
    expect(rotated(30, { box: [2, 2, 2, -1], samplingRatio: 1 }).flat()).toEqual(Array(16).fill(0));
  });

  it('aligned=false: no -0.5 shift and sizes clamped to >= 1 (mmcv legacy), so angle 0 is roiAlign aligned=false', () => {
    // docs/semantics.md "Smaller ones" aligned=False table of detectron2 for the box [1,1,3,3].
    expectGridClose(rotated(0, { aligned: false }), [
      [7.5, 8, 8.5, 9],
      [10, 10.5, 11, 11.5],
      [12.5, 13, 13.5, 14],
      [15, 15.5, 16, 16.5],
    ]);
    const tiny = rotated(0, { aligned: false, box: [2, 2, 0.25, 0.25] });
    const unit = rotated(0, { aligned: false, box: [2, 2, 1, 1] });
    expect(tiny).toEqual(unit);
  });
});

describe('LevelMapper and scale inference', () => {
  const scales = [1 / 4, 1 / 8, 1 / 16, 1 / 32]; // k_min 2, k_max 5
  const squares = (sides: number[]) => Float32Array.from(sides.flatMap((s) => [0, 10, 20, 10 + s, 20 + s]));
  const levelsOf = (sides: number[]) =>
    Array.from(mapLevels(squares(sides), sides.length, scales, 224, 4)).map((index) => index + 2);

  it('sqrt(area) 224 -> 4, 112 -> 3, 111 -> 2, 447 -> 4, 448 -> 5, 10 -> 2 (clamped)', () => {
    expect(levelsOf([224, 112, 111, 447, 448, 10])).toEqual([4, 3, 2, 4, 5, 2]);
  });

  it('eps = 1e-6 is added in level space: sqrt(area) = 447.9998 (4.9999994 before eps) is level 5', () => {
    const side = 447.9998;
    expect(Array.from(mapLevels(Float32Array.from([0, 0, 0, side, side]), 1, scales, 224, 4))).toEqual([5 - 2]);
  });

  it('a degenerate box (area 0) goes to k_min; a NaN box to no level (-1)', () => {
    const rois = Float32Array.from([0, 5, 5, 5, 9, 0, NaN, 1, 2, 3]);
    expect(Array.from(mapLevels(rois, 2, scales, 224, 4))).toEqual([0, -1]);
  });

  it('a single level takes every box', () => {
    expect(Array.from(mapLevels(squares([10, 1000]), 2, [0.25], 224, 4))).toEqual([0, 0]);
  });

  it('canonical scale and level move the thresholds', () => {
    // s = 112 is exactly one octave under 224: level 3 with (224, 4), level 4 with (112, 4), 3 with (112, 3).
    expect(Array.from(mapLevels(squares([112]), 1, scales, 112, 4))).toEqual([2]);
    expect(Array.from(mapLevels(squares([112]), 1, scales, 112, 3))).toEqual([1]);
  });

  it('infers 2^round(log2(feat_h / max image h)) from the heights only', () => {
    // (800, 1333)-style images: the largest height is 800 whatever the widths.
    expect(
      inferScales(
        [200, 100, 50, 25, 13],
        [
          [800, 600],
          [640, 1333],
        ],
      ),
    ).toEqual([1 / 4, 1 / 8, 1 / 16, 1 / 32, 1 / 64]);
    // log2(13/800) = -5.94 rounds to -6; log2(300/800) = -1.415 rounds to -1.
    expect(inferScales([300], [[800, 800]])).toEqual([0.5]);
  });

  it('a single level is plain roiAlign (aligned=false) with that scale', () => {
    const data = Float32Array.from({ length: 2 * 3 * 9 * 11 }, (_, i) => Math.cos(i));
    const map: FeatureMap = { data, batch: 2, channels: 3, height: 9, width: 11, layout: 'NCHW' };
    const rois = Float32Array.from([1, 3, 5, 30, 21, 0, 0, 0, 43, 35]);
    const single = new Float32Array(2 * 3 * 4);
    const plain = new Float32Array(2 * 3 * 4);
    const common = { rois, roiCount: 2, pooledHeight: 2, pooledWidth: 2, samplingRatio: 2, aligned: false };
    multiScaleRoiAlignReference({
      ...common,
      levels: [map],
      scales: [0.25],
      levelOfRoi: mapLevels(rois, 2, [0.25], 224, 4),
      out: single,
    });
    roiAlignReference({ ...common, input: map, out: plain, spatialScale: 0.25, mode: 'avg' });
    expect(single).toEqual(plain);
  });

  it('an empty box list writes nothing; a box with level -1 gets zeros', () => {
    const map: FeatureMap = {
      data: Float32Array.from({ length: 16 }, () => 1),
      batch: 1,
      channels: 1,
      height: 4,
      width: 4,
      layout: 'NCHW',
    };
    const out = new Float32Array(2).fill(7);
    const common = {
      levels: [map, map],
      scales: [1, 0.5],
      pooledHeight: 1,
      pooledWidth: 1,
      samplingRatio: 1,
      aligned: false,
    };
    multiScaleRoiAlignReference({
      ...common,
      rois: new Float32Array(0),
      roiCount: 0,
      levelOfRoi: new Int32Array(0),
      out: out.subarray(0, 0),
    });
    expect(Array.from(out)).toEqual([7, 7]);
    multiScaleRoiAlignReference({
      ...common,
      rois: Float32Array.from([0, 0, 0, 2, 2, 0, 0, 0, 2, 2]),
      roiCount: 2,
      levelOfRoi: Int32Array.from([-1, 1]),
      out,
    });
    expect(Array.from(out)).toEqual([0, 1]);
  });
});

describe('position-sensitive pooling', () => {
  // Channel c of the input is the constant c: output bin (c_out, ph, pw) must read channel (c_out*PH + ph)*PW + pw.
  const [PH, PW, outChannels] = [2, 3, 2];
  const C = outChannels * PH * PW;
  const constantPlanes = Float32Array.from({ length: C * 8 * 9 }, (_, i) => Math.floor(i / 72));
  const map: FeatureMap = { data: constantPlanes, batch: 1, channels: C, height: 8, width: 9, layout: 'NCHW' };
  const expectedMapping = Array.from({ length: outChannels * PH * PW }, (_, i) => i); // (c_out*PH + ph)*PW + pw in output order
  const job = {
    input: map,
    rois: Float32Array.from([0, 1, 1, 7, 6]),
    roiCount: 1,
    pooledHeight: PH,
    pooledWidth: PW,
    spatialScale: 1,
  };

  it('psRoiPool reads c_in = (c_out*PH + ph)*PW + pw', () => {
    const out = new Float32Array(outChannels * PH * PW);
    psRoiPoolReference({ ...job, out });
    expect(Array.from(out)).toEqual(expectedMapping);
  });

  it('psRoiAlign reads c_in = (c_out*PH + ph)*PW + pw', () => {
    const out = new Float32Array(outChannels * PH * PW);
    psRoiAlignReference({ ...job, out, samplingRatio: 2 });
    // Bilinear weights of a constant plane sum to 1 up to float32 rounding.
    Array.from(out).forEach((v, i) => expect(v).toBeCloseTo(expectedMapping[i] as number, 5));
  });

  const x5 = plane(arange(25), 5, 5);
  const onePsBin = (box: number[], input = x5) => {
    const out = new Float32Array(1);
    psRoiPoolReference({
      input,
      rois: Float32Array.from([0, ...box]),
      roiCount: 1,
      out,
      pooledHeight: 1,
      pooledWidth: 1,
      spatialScale: 1,
    });
    return out[0];
  };

  it("psRoiPool's box has no +1 (rw = max(xe - xs, 1)), unlike roiPool's inclusive box", () => {
    // Box (0,0,3,3): psRoiPool averages rows/columns 0..2 (mean 6); roiPool takes rows/columns 0..3 (max 18).
    expect(onePsBin([0, 0, 3, 3])).toBe(6);
    const out = new Float32Array(1);
    roiPoolReference({
      input: x5,
      rois: Float32Array.from([0, 0, 0, 3, 3]),
      roiCount: 1,
      out,
      pooledHeight: 1,
      pooledWidth: 1,
      spatialScale: 1,
      bins: 'overlap',
      argmax: null,
    });
    expect(out[0]).toBe(18);
  });

  it('psRoiPool clips bins to [0, H-1] x [0, W-1] like torchvision (the last row and column are never pooled)', () => {
    // Box (0,0,4,4) on 5x5: rows and columns 0..3, mean of that 4x4 block = 9; (2,2,9,9) keeps rows/columns 2..3.
    expect(onePsBin([0, 0, 4, 4])).toBe(9);
    expect(onePsBin([2, 2, 9, 9])).toBe(15);
    expect(onePsBin([4, 4, 9, 9])).toBe(0);
  });

  it('psRoiAlign: a zero-size box with adaptive sampling is 0, not NaN (docs/api.md "psRoiPool and psRoiAlign")', () => {
    const out = new Float32Array(1).fill(NaN);
    psRoiAlignReference({
      input: x5,
      rois: Float32Array.from([0, 2, 2, 2, 2]),
      roiCount: 1,
      out,
      pooledHeight: 1,
      pooledWidth: 1,
      spatialScale: 1,
      samplingRatio: -1,
    });
    expect(out[0]).toBe(0);
  });
});

describe('cropAndResize', () => {
  // 4x5 image, two channels: channel 0 = 10*y + x, channel 1 = -(10*y + x), NHWC.
  const [H, W] = [4, 5];
  const data = Float32Array.from(
    { length: H * W * 2 },
    (_, i) => (i % 2 === 0 ? 1 : -1) * (10 * Math.floor(i / 2 / W) + (Math.floor(i / 2) % W)),
  );
  const image: FeatureMap = { data, batch: 1, channels: 2, height: H, width: W, layout: 'NHWC' };
  const crop = (box: number[], cropHeight: number, cropWidth: number, options: Partial<CropAndResizeJob> = {}) => {
    const out = new Float32Array(cropHeight * cropWidth * 2);
    cropAndResizeReference({
      image,
      boxes: Float32Array.from(box),
      boxIndices: Int32Array.from([0]),
      boxCount: 1,
      cropHeight,
      cropWidth,
      method: 'bilinear',
      extrapolationValue: 0,
      out,
      ...options,
    });
    return Array.from(out).filter((_, i) => i % 2 === 0); // channel 0
  };
  const channel0 = Array.from(data).filter((_, i) => i % 2 === 0);

  it('box [0,0,1,1] with crop (H, W) is the identity', () => expect(crop([0, 0, 1, 1], H, W)).toEqual(channel0));
  it('a 1x1 crop samples the box centre', () => expect(crop([0, 0, 1, 1], 1, 1)[0]).toBeCloseTo(10 * 1.5 + 2, 5));
  it('a flipped box (y1 > y2) flips the crop', () => {
    const flipped = crop([1, 0, 0, 1], H, W);
    expect(flipped).toEqual(
      Array.from({ length: H * W }, (_, i) => channel0[(H - 1 - Math.floor(i / W)) * W + (i % W)]),
    );
  });
  it('samples outside [0, H-1] x [0, W-1] take extrapolationValue (no -1 band)', () => {
    // x from -0.25 to 1.25 in normalized units: the first and last columns fall outside.
    const out = crop([0, -0.0625, 1, 1.0625], 2, 3, { extrapolationValue: -7 });
    expect(out[0]).toBe(-7);
    expect(out[2]).toBe(-7);
    expect(out[1]).toBeCloseTo(2, 5);
  });
  it("nearest rounds half away from zero (C's roundf)", () => {
    // in_x = 0.5*(x1+x2)*(W-1) = 2.5 exactly -> column 3 (round half to even would give 2); in_y = 0 -> row 0.
    expect(crop([0, 0.5, 0, 0.75], 1, 1, { method: 'nearest' })).toEqual([3]);
  });
});

describe('max-mode ties: the first winner takes the gradient (strict >, first in sampling order)', () => {
  // A constant plane of ones: every sample of box (0,0,2,2) with a 2x2 grid (aligned=false)
  // is exactly 1, at (0.5,0.5), (0.5,1.5), (1.5,0.5), (1.5,1.5), each corner weighing 0.25.
  const ones: FeatureMap = plane(new Float32Array(16).fill(1), 4, 4);
  const backward = (mode: 'max' | 'onnx-max') => {
    const gradInput = { ...ones, data: new Float32Array(16) };
    backwardReferences.roiAlignBackwardReference({
      gradOutput: Float32Array.from([1]),
      gradInput,
      rois: Float32Array.from([0, 0, 0, 2, 2]),
      roiCount: 1,
      pooledHeight: 1,
      pooledWidth: 1,
      spatialScale: 1,
      samplingRatio: 2,
      aligned: false,
      mode,
      input: ones,
    });
    return grid(gradInput.data, 4, 4);
  };

  it('max: the four corners of the first sample (0.5, 0.5) get its bilinear weights (mmcv)', () => {
    expect(backward('max')).toEqual([
      [0.25, 0.25, 0, 0],
      [0.25, 0.25, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('onnx-max: the first corner of the first sample gets its weight (std::max keeps the first)', () => {
    expect(backward('onnx-max')).toEqual([
      [0.25, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });
});

describe('rows that are not valid (docs/api.md "Bad input", invalidBoxes: zero): zeros forward, nothing backward', () => {
  // Batch index 2 of 2, a fractional batch index, NaN and infinite coordinates.
  const map: FeatureMap = {
    data: Float32Array.from({ length: 2 * 4 * 5 * 5 }, (_, i) => 1 + (i % 7)),
    batch: 2,
    channels: 4,
    height: 5,
    width: 5,
    layout: 'NCHW',
  };
  const rows5 = Float32Array.from([2, 0, 0, 3, 3, 0.5, 0, 0, 3, 3, 0, NaN, 0, 3, 3, 1, 0, 0, Infinity, 3]);
  const rows6 = Float32Array.from([2, 2, 2, 3, 3, 0, 0.5, 2, 2, 3, 3, 0, 0, 2, NaN, 3, 3, 0, 1, 2, 2, 3, 3, Infinity]);
  const pooled = { roiCount: 4, pooledHeight: 2, pooledWidth: 2, spatialScale: 1 };
  const nanFilled = (n: number) => new Float32Array(n).fill(NaN);

  it('forward kernels write zeros', () => {
    const outputs: Float32Array[] = [];
    const run = (length: number, kernel: (out: Float32Array) => void) => {
      const out = nanFilled(length);
      kernel(out);
      outputs.push(out);
    };
    run(64, (out) => roiPoolReference({ ...pooled, input: map, rois: rows5, out, bins: 'overlap', argmax: null }));
    run(64, (out) =>
      roiAlignReference({ ...pooled, input: map, rois: rows5, out, samplingRatio: 2, aligned: true, mode: 'max' }),
    );
    run(16, (out) => psRoiPoolReference({ ...pooled, input: map, rois: rows5, out }));
    run(16, (out) => psRoiAlignReference({ ...pooled, input: map, rois: rows5, out, samplingRatio: -1 }));
    run(64, (out) =>
      roiAlignRotatedReference({
        ...pooled,
        input: map,
        rois: rows6,
        out,
        samplingRatio: 2,
        aligned: true,
        clockwise: false,
      }),
    );
    run(64, (out) => preciseRoiPoolReference({ ...pooled, input: map, rois: rows5, out }));
    run(4 * 4 * 5, (out) =>
      spatialPyramidReference({ input: map, rois: rows5, count: 4, levels: [1, 2], spatialScale: 1, mode: 'avg', out }),
    );
    run(4 * 4 * 4, (out) =>
      cropAndResizeReference({
        image: { ...map, layout: 'NHWC' },
        boxes: Float32Array.from([0, 0, 1, 1, 0, 0, 1, 1, NaN, 0, 1, 1, 0, 0, Infinity, 1]),
        boxIndices: Int32Array.from([2, -1, 0, 1]),
        boxCount: 4,
        cropHeight: 2,
        cropWidth: 2,
        method: 'bilinear',
        extrapolationValue: 5,
        out,
      }),
    );
    for (const out of outputs) expect(Array.from(out)).toEqual(Array(out.length).fill(0));
  });

  it('backward kernels add nothing (and zero-fill gradInput first)', () => {
    const gradients: Float32Array[] = [];
    const run = (kernel: (gradInput: FeatureMap) => void) => {
      const gradInput = { ...map, data: nanFilled(map.data.length) };
      kernel(gradInput);
      gradients.push(gradInput.data);
    };
    const gradOutput = new Float32Array(64).fill(1);
    const common = { ...pooled, gradOutput, rois: rows5 };
    run((gradInput) =>
      backwardReferences.roiPoolBackwardReference({ ...common, gradInput, argmax: new Int32Array(64) }),
    );
    run((gradInput) =>
      backwardReferences.roiAlignBackwardReference({
        ...common,
        gradInput,
        samplingRatio: 2,
        aligned: false,
        mode: 'max',
        input: map,
      }),
    );
    run((gradInput) =>
      backwardReferences.psRoiPoolBackwardReference({ ...common, gradInput, gradOutput: gradOutput.subarray(0, 16) }),
    );
    run((gradInput) =>
      backwardReferences.psRoiAlignBackwardReference({
        ...common,
        gradInput,
        gradOutput: gradOutput.subarray(0, 16),
        samplingRatio: 2,
      }),
    );
    run((gradInput) =>
      backwardReferences.roiAlignRotatedBackwardReference({
        ...common,
        gradInput,
        rois: rows6,
        samplingRatio: 2,
        aligned: true,
        clockwise: false,
      }),
    );
    run((gradInput) => backwardReferences.preciseRoiPoolBackwardReference({ ...common, gradInput }));
    for (const gradient of gradients) expect(Array.from(gradient)).toEqual(Array(gradient.length).fill(0));
  });
});
