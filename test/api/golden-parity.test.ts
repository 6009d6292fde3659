// Every roi_pool_*, roi_align_* and example_* golden vector, through the public API of the
// backend this project runs (native or JS), in both layouts, sync and async.
import { describe, expect, it } from 'vitest';

import { roiAlign, roiAlignSync, roiPool, roiPoolSync, type RoiPoolResult } from '../../lib/index.js';
import { expectConfiguredBackend } from '../helpers/backend.js';
import { goldenCases, goldenRuns, inLayout, mismatches, toleranceFor, type GoldenCase } from '../helpers/golden.js';

const cases = goldenCases([
  'roi_pool',
  'roi_align_0',
  'roi_align_1',
  'roi_align_max',
  'roi_align_onnx_max',
  'example_',
]);

type Layout = 'NCHW' | 'NHWC';

async function run(c: GoldenCase, layout: Layout, form: 'sync' | 'async', threads: number): Promise<RoiPoolResult> {
  const input = inLayout(c.input, layout);
  const options = { ...c.params, layout, threads } as never;
  if (c.op === 'roiPool') {
    const poolOptions = { ...(options as object), returnArgmax: true } as never;
    return form === 'sync' ? roiPoolSync(input, c.rois, poolOptions) : roiPool(input, c.rois, poolOptions);
  }
  return form === 'sync' ? roiAlignSync(input, c.rois, options) : roiAlign(input, c.rois, options);
}

describe('golden vectors', () => {
  it('runs on the configured backend', () => expectConfiguredBackend());

  it('covers every pooling and align vector of the golden set', () => {
    expect(cases.length).toBe(45);
  });

  describe.each(cases)('$name', (c) => {
    it.each(goldenRuns)('%s %s, %d thread(s)', async (layout, form, threads) => {
      const result = await run(c, layout, form, threads);
      const expected = inLayout(c.expected, layout);
      expect(result.shape).toEqual(expected.shape);
      const { atol, rtol } = toleranceFor(c.op);
      expect(mismatches(result.data, expected.data, atol, rtol)).toEqual([]);
      if (c.expectedArgmax) {
        const expectedArgmax = inLayout(c.expectedArgmax, layout);
        expect(Array.from(result.argmax ?? [])).toEqual(Array.from(expectedArgmax.data));
      }
    });

    it('gives bit-identical results for 1 and 2 threads, sync and async', async () => {
      const one = await run(c, 'NCHW', 'sync', 1);
      const two = await run(c, 'NCHW', 'sync', 2);
      const twoAsync = await run(c, 'NCHW', 'async', 2);
      expect(two).toEqual(one);
      expect(twoAsync).toEqual(one);
    });
  });
});
