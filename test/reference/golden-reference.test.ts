// The TypeScript reference kernels of lib/reference/, called directly (not through the
// public API), agree with every golden vector of every operator family in both layouts,
// forward and (where the file has one) backward, with the golden README's tolerances.
import { describe, expect, it } from 'vitest';

import { inferScales, mapLevels } from '../../lib/geometry/levels.js';
import type { AlignMode, FeatureMap } from '../../lib/model.js';
import {
  psRoiAlignBackwardReference,
  psRoiPoolBackwardReference,
  roiAlignBackwardReference,
  roiPoolBackwardReference,
} from '../../lib/reference/backward.js';
import type { ReferenceMap } from '../../lib/reference/common.js';
import { cropAndResizeReference } from '../../lib/reference/crop-and-resize.js';
import { multiScaleRoiAlignReference } from '../../lib/reference/multi-scale.js';
import { preciseRoiPoolReference } from '../../lib/reference/precise-roi-pool.js';
import { psRoiAlignReference, psRoiPoolReference } from '../../lib/reference/ps-roi.js';
import { roiAlignRotatedReference } from '../../lib/reference/roi-align-rotated.js';
import { roiAlignReference } from '../../lib/reference/roi-align.js';
import { roiPoolReference } from '../../lib/reference/roi-pool.js';
import { spatialPyramidReference } from '../../lib/reference/spatial-pyramid.js';
import {
  goldenCases,
  inLayout,
  mismatches,
  toChannelsFirst,
  toleranceFor,
  torchvisionBackwardDisagreements,
} from '../helpers/golden.js';
import type { DecodedTensor, GoldenCase } from '../helpers/golden.js';

type Layout = 'NCHW' | 'NHWC';
const layouts = ['NCHW', 'NHWC'] as const;

/** A golden NCHW tensor as a feature map in `layout`. */
function featureMap(tensor: DecodedTensor, layout: Layout): FeatureMap {
  const [batch, channels, height, width] = tensor.shape as [number, number, number, number];
  return { data: inLayout(tensor, layout).data, batch, channels, height, width, layout };
}

/** A golden [K,C,PH,PW] tensor (output or gradient) in `layout`. */
function layoutData(tensor: DecodedTensor, layout: Layout): Float32Array {
  return inLayout(tensor, layout).data;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, c: GoldenCase): void {
  const { atol, rtol } = toleranceFor(c.op, c.params);
  expect(mismatches(actual, expected, atol, rtol)).toEqual([]);
}

function poolingFields(c: GoldenCase, layout: Layout) {
  const [pooledHeight, pooledWidth] = c.params.outputSize as [number, number];
  return {
    input: featureMap(c.input, layout),
    rois: c.rois.data,
    roiCount: c.rois.shape[0] as number,
    out: new Float32Array(c.expected.data.length),
    pooledHeight,
    pooledWidth,
    spatialScale: c.params.spatialScale as number,
  };
}

/** A zeroed gradient map shaped like the case's input. */
function gradientMap(c: GoldenCase, layout: Layout): ReferenceMap {
  return { ...featureMap(c.input, layout), data: new Float32Array(c.input.data.length) };
}

describe('the golden set', () => {
  it('has the files these tests expect', () => {
    const count = (prefix: string) => goldenCases([prefix]).length;
    expect([
      count('ps_roi_pool'),
      count('ps_roi_align'),
      count('roi_align_rotated'),
      count('multi_scale'),
      count('spatial_pyramid'),
      count('crop_and_resize'),
      count('precise_roi_pool'),
    ]).toEqual([4, 4, 6, 3, 3, 6, 4]);
  });
});

describe.each(
  goldenCases(['roi_pool', 'roi_align_0', 'roi_align_1', 'roi_align_max', 'roi_align_onnx_max', 'example_']),
)('roiPool / roiAlign: $name', (c) => {
  it.each(layouts)('forward, %s', (layout) => {
    const job = poolingFields(c, layout);
    const argmax = new Int32Array(job.out.length);
    if (c.op === 'roiPool') {
      roiPoolReference({ ...job, bins: (c.params.bins as 'overlap' | 'split' | undefined) ?? 'overlap', argmax });
    } else {
      roiAlignReference({
        ...job,
        samplingRatio: c.params.samplingRatio as number,
        aligned: c.params.aligned as boolean,
        mode: (c.params.mode as AlignMode | undefined) ?? 'avg',
      });
    }
    expectClose(job.out, layoutData(c.expected, layout), c);
    if (c.expectedArgmax) {
      const expectedArgmax = inLayout(c.expectedArgmax, layout);
      expect(Array.from(argmax)).toEqual(Array.from(expectedArgmax.data));
    }
  });

  // Only the torchvision files carry gradients (not the max-mode, split or example ones).
  if (c.expectedGradInput) {
    it('backward, both layouts', () => {
      for (const layout of layouts) {
        const gradInput = gradientMap(c, layout);
        const gradOutput = layoutData(c.gradOutput as DecodedTensor, layout);
        const [pooledHeight, pooledWidth] = c.params.outputSize as [number, number];
        const common = {
          gradInput,
          gradOutput,
          rois: c.rois.data,
          roiCount: c.rois.shape[0] as number,
          pooledHeight,
          pooledWidth,
        };
        if (c.op === 'roiPool') {
          const argmax = inLayout(c.expectedArgmax as DecodedTensor<Int32Array>, layout);
          roiPoolBackwardReference({ ...common, argmax: argmax.data });
        } else {
          roiAlignBackwardReference({
            ...common,
            spatialScale: c.params.spatialScale as number,
            samplingRatio: c.params.samplingRatio as number,
            aligned: c.params.aligned as boolean,
            mode: 'avg',
            input: null,
          });
        }
        // Gradients sum, so they have the golden README's tolerance even for roiPool.
        expect(mismatches(gradInput.data, layoutData(c.expectedGradInput as DecodedTensor, layout))).toEqual([]);
      }
    });
  }
});

describe.each(goldenCases(['ps_roi_pool', 'ps_roi_align']))('psRoiPool / psRoiAlign: $name', (c) => {
  it.each(layouts)('forward, %s', (layout) => {
    const job = poolingFields(c, layout);
    if (c.op === 'psRoiPool') psRoiPoolReference(job);
    else psRoiAlignReference({ ...job, samplingRatio: c.params.samplingRatio as number });
    // docs/semantics.md "psRoiPool and psRoiAlign": torchvision divides a zero-size box's empty sum by gh*gw = 0 (NaN); roi-ops gives 0 (docs/api.md "psRoiPool and psRoiAlign").
    const expected = layoutData(c.expected, layout).map((v) => (Number.isNaN(v) ? 0 : v));
    expectClose(job.out, expected, c);
  });

  it.each(layouts)('backward, %s', (layout) => {
    const [pooledHeight, pooledWidth] = c.params.outputSize as [number, number];
    const gradInput = gradientMap(c, layout);
    const job = {
      gradInput,
      gradOutput: layoutData(c.gradOutput as DecodedTensor, layout),
      rois: c.rois.data,
      roiCount: c.rois.shape[0] as number,
      pooledHeight,
      pooledWidth,
      spatialScale: c.params.spatialScale as number,
    };
    const expected = layoutData(c.expectedGradInput as DecodedTensor, layout);
    if (c.op === 'psRoiAlign') {
      psRoiAlignBackwardReference({ ...job, samplingRatio: c.params.samplingRatio as number });
      expect(mismatches(gradInput.data, expected)).toEqual([]);
      return;
    }
    psRoiPoolBackwardReference(job);
    // Our backward is the gradient of our forward, whose bins are clipped to [0, H-1] x
    // [0, W-1] (docs/semantics.md "psRoiPool and psRoiAlign"). torchvision's backward clips to [0, H] x [0, W] instead ("Where the peers differ"), so
    // for a bin reaching past the second-to-last row or column it spreads dY over a
    // different pixel set and area. Compare every gradient element that no such bin touches.
    const excluded = torchvisionBackwardDisagreements(c, layout);
    // (Not vacuous: each case keeps hundreds of non-zero expected elements.)
    expect(expected.filter((v, i) => v !== 0 && !excluded.has(i)).length).toBeGreaterThan(150);
    const keep = (data: ArrayLike<number>) => Array.from(data).filter((_, i) => !excluded.has(i));
    expect(mismatches(keep(gradInput.data), keep(expected))).toEqual([]);
  });
});

describe.each(goldenCases(['roi_align_rotated']))('roiAlignRotated: $name', (c) => {
  it.each(layouts)('forward, %s', (layout) => {
    const job = poolingFields(c, layout);
    roiAlignRotatedReference({
      ...job,
      samplingRatio: c.params.samplingRatio as number,
      aligned: c.params.aligned as boolean,
      clockwise: c.params.clockwise as boolean,
    });
    expectClose(job.out, layoutData(c.expected, layout), c);
  });
});

describe.each(goldenCases(['precise_roi_pool']))('preciseRoiPool: $name', (c) => {
  it.each(layouts)('forward, %s', (layout) => {
    const job = poolingFields(c, layout);
    preciseRoiPoolReference(job);
    expectClose(job.out, layoutData(c.expected, layout), c);
  });
});

describe.each(goldenCases(['multi_scale_roi_align']))('multiScaleRoiAlign: $name', (c) => {
  const features = c.features as DecodedTensor[];
  const scales = c.params.inferredScales as number[];

  it('infers the scales torchvision inferred', () => {
    expect(
      inferScales(
        features.map((t) => t.shape[2] as number),
        c.params.imageSizes as Array<[number, number]>,
      ),
    ).toEqual(scales);
  });

  it.each(layouts)('forward, %s', (layout) => {
    const [pooledHeight, pooledWidth] = c.params.outputSize as [number, number];
    const roiCount = c.rois.shape[0] as number;
    const out = new Float32Array(c.expected.data.length);
    multiScaleRoiAlignReference({
      levels: features.map((t) => featureMap(t, layout)),
      scales,
      rois: c.rois.data,
      roiCount,
      levelOfRoi: mapLevels(
        c.rois.data,
        roiCount,
        scales,
        c.params.canonicalScale as number,
        c.params.canonicalLevel as number,
      ),
      out,
      pooledHeight,
      pooledWidth,
      samplingRatio: c.params.samplingRatio as number,
      aligned: false,
    });
    expectClose(out, layoutData(c.expected, layout), c);
  });

  it('uses more than one level (so the level mapping is exercised)', () => {
    const roiCount = c.rois.shape[0] as number;
    const levels = mapLevels(
      c.rois.data,
      roiCount,
      scales,
      c.params.canonicalScale as number,
      c.params.canonicalLevel as number,
    );
    expect(new Set(levels).size).toBeGreaterThan(1);
  });
});

describe.each(goldenCases(['spatial_pyramid_pool']))('spatialPyramidPool: $name', (c) => {
  it.each(layouts)('forward, %s', (layout) => {
    const input = featureMap(c.input, layout);
    const rois = c.rois.shape[0] === 0 ? null : c.rois.data;
    const out = new Float32Array(c.expected.data.length);
    spatialPyramidReference({
      input,
      rois,
      count: rois ? (c.rois.shape[0] as number) : input.batch,
      levels: c.params.levels as number[],
      spatialScale: c.params.spatialScale as number,
      mode: (c.params.mode as 'max' | 'avg' | undefined) ?? 'max',
      out,
    });
    expectClose(out, c.expected.data, c);
  });
});

describe.each(goldenCases(['crop_and_resize']))('cropAndResize: $name', (c) => {
  const image = c.image as DecodedTensor;
  const run = (layout: Layout, precision: 'float32' | 'float64') => {
    const [cropHeight, cropWidth] = c.params.cropSize as [number, number];
    const [batch, height, width, channels] = image.shape as [number, number, number, number];
    const out = new Float32Array(c.expected.data.length);
    cropAndResizeReference({
      image: {
        data: layout === 'NHWC' ? image.data : toChannelsFirst(image).data,
        batch,
        height,
        width,
        channels,
        layout,
      },
      boxes: c.rois.data,
      boxIndices: (c.boxIndices as DecodedTensor<Int32Array>).data,
      boxCount: c.rois.shape[0] as number,
      cropHeight,
      cropWidth,
      method: c.params.method as 'bilinear' | 'nearest',
      extrapolationValue: c.params.extrapolationValue as number,
      out,
      precision,
    });
    return out;
  };

  it.each(layouts)('forward, %s', (layout) => {
    // The golden output is [K,h,w,C]; an NCHW image gives [K,C,h,w].
    const expected = layout === 'NHWC' ? c.expected.data : toChannelsFirst(c.expected).data;
    expectClose(run(layout, 'float32'), expected, c);
  });

  it('in float64 equals TensorFlow.js bit for bit (tfjs computes coordinates and lerps in doubles)', () => {
    expect(run('NHWC', 'float64')).toEqual(c.expected.data);
  });
});
