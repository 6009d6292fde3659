// The TypeScript reference kernels of lib/reference/, called directly (not through the
// public API), agree with every pooling and align golden vector in both layouts.
import { describe, expect, it } from 'vitest';

import { roiAlignReference, type AlignMode } from '../../lib/reference/roi-align.js';
import { roiPoolReference } from '../../lib/reference/roi-pool.js';
import type { FeatureMap } from '../../lib/validate.js';
import { goldenCases, mismatches, toChannelsLast, toleranceFor } from '../helpers/golden.js';

const cases = goldenCases(['roi_pool', 'roi_align_0', 'roi_align_1', 'roi_align_max', 'roi_align_onnx_max', 'example_']);

describe.each(cases)('reference kernel: $name', (c) => {
  it.each(['NCHW', 'NHWC'] as const)('%s', (layout) => {
    const nchw = c.input.shape as [number, number, number, number];
    const data = layout === 'NCHW' ? c.input.data : toChannelsLast(c.input).data;
    const input: FeatureMap = { data, batch: nchw[0], channels: nchw[1], height: nchw[2], width: nchw[3], layout };
    const [pooledHeight, pooledWidth] = c.params.outputSize as [number, number];
    const out = new Float32Array(c.expected.data.length);
    const argmax = new Int32Array(out.length);
    const job = {
      input,
      rois: c.rois.data,
      roiCount: c.rois.shape[0] as number,
      out,
      pooledHeight,
      pooledWidth,
      spatialScale: c.params.spatialScale as number,
    };
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
    const expected = layout === 'NCHW' ? c.expected : toChannelsLast(c.expected);
    const { atol, rtol } = toleranceFor(c.op);
    expect(mismatches(out, expected.data, atol, rtol)).toEqual([]);
    if (c.expectedArgmax) {
      const expectedArgmax = layout === 'NCHW' ? c.expectedArgmax : toChannelsLast(c.expectedArgmax);
      expect(Array.from(argmax)).toEqual(Array.from(expectedArgmax.data));
    }
  });
});
