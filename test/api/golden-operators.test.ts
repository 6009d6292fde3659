// Every golden vector of the operators beyond roiPool/roiAlign forward — position-sensitive,
// rotated, multi-scale, spatial pyramid, crop-and-resize, precise RoI pooling — and every
// golden input gradient (roiPool, roiAlign, psRoiPool, psRoiAlign), through the public API
// of the backend this project runs, in both layouts, sync and async, with 1 and 2 threads.
import { describe, expect, it } from 'vitest';

import * as roiOps from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectConfiguredBackend } from '../helpers/backend.js';
import {
  goldenCases,
  goldenRuns,
  inLayout,
  mismatches,
  toChannelsFirst,
  toleranceFor,
  torchvisionBackwardDisagreements,
  type DecodedTensor,
  type GoldenCase,
} from '../helpers/golden.js';

type Layout = 'NCHW' | 'NHWC';
type Form = 'sync' | 'async';

/** Calls the async or the Sync twin of an operator with the same arguments. */
function call(name: string, form: Form, ...args: unknown[]): Promise<Tensor> {
  const fn = (roiOps as unknown as Record<string, (...a: unknown[]) => Tensor | Promise<Tensor>>)[
    form === 'sync' ? `${name}Sync` : name
  ];
  if (!fn) throw new Error(`no operator ${name}`);
  return Promise.resolve(fn(...args));
}

interface Forward {
  prefixes: string[];
  run(c: GoldenCase, layout: Layout, form: Form, threads: number): Promise<Tensor>;
  /** The expected output in `layout`. */
  expected(c: GoldenCase, layout: Layout): DecodedTensor;
}

const layoutShaped = (c: GoldenCase, layout: Layout) => inLayout(c.expected, layout);

const forwards: Forward[] = [
  {
    prefixes: ['ps_roi_pool', 'ps_roi_align', 'precise_roi_pool', 'roi_align_rotated'],
    run: (c, layout, form, threads) =>
      call(c.op, form, inLayout(c.input, layout), c.rois, { ...c.params, layout, threads }),
    expected: layoutShaped,
  },
  {
    prefixes: ['multi_scale_roi_align'],
    run: (c, layout, form, threads) => {
      const { inferredScales: _inferred, ...params } = c.params;
      const features = (c.features ?? []).map((level) => inLayout(level, layout));
      return call(c.op, form, features, c.boxes, { ...params, layout, threads });
    },
    expected: layoutShaped,
  },
  {
    prefixes: ['spatial_pyramid_pool'],
    run: (c, layout, form, threads) => {
      const boxes = c.rois.shape.length === 2 ? { boxes: c.rois } : {};
      return call(c.op, form, inLayout(c.input, layout), { ...c.params, ...boxes, layout, threads });
    },
    expected: (c) => c.expected,
  },
  {
    prefixes: ['crop_and_resize'],
    run: (c, layout, form, threads) => {
      const { cropSize, ...options } = c.params;
      const image = c.image as DecodedTensor;
      return call(
        c.op,
        form,
        layout === 'NHWC' ? image : toChannelsFirst(image),
        c.rois,
        c.boxIndices?.data,
        cropSize,
        {
          ...options,
          layout,
          threads,
        },
      );
    },
    expected: (c, layout) => (layout === 'NHWC' ? c.expected : toChannelsFirst(c.expected)),
  },
];

describe('golden vectors of the other operators', () => {
  it('runs on the configured backend', () => expectConfiguredBackend());

  it('covers every such vector of the golden set', () => {
    expect(forwards.flatMap((f) => goldenCases(f.prefixes)).length).toBe(30);
  });

  describe.each(forwards.flatMap((forward) => goldenCases(forward.prefixes).map((c) => ({ ...c, forward }))))(
    '$name',
    (c) => {
      it.each(goldenRuns)('%s %s, %d thread(s)', async (layout, form, threads) => {
        const result = await c.forward.run(c, layout, form, threads);
        const expected = c.forward.expected(c, layout);
        expect(result.shape).toEqual(expected.shape);
        // docs/semantics.md "psRoiPool and psRoiAlign": torchvision divides a zero-size box's empty sum by 0 (NaN); roi-ops gives 0 (docs/api.md "psRoiPool and psRoiAlign").
        const values = c.op === 'psRoiAlign' ? expected.data.map((v) => (Number.isNaN(v) ? 0 : v)) : expected.data;
        const { atol, rtol } = toleranceFor(c.op, c.params);
        expect(mismatches(result.data, values, atol, rtol)).toEqual([]);
      });

      it('gives bit-identical results for 1 and 2 threads, sync and async', async () => {
        const one = await c.forward.run(c, 'NCHW', 'sync', 1);
        expect(await c.forward.run(c, 'NCHW', 'sync', 2)).toEqual(one);
        expect(await c.forward.run(c, 'NCHW', 'async', 2)).toEqual(one);
      });
    },
  );

  describe.each(goldenCases(['multi_scale_roi_align']))('$name with explicit scales', (c) => {
    it('equals the inferred-scale result', () => {
      const { imageSizes: _sizes, inferredScales, ...params } = c.params;
      const result = roiOps.multiScaleRoiAlignSync(
        c.features as DecodedTensor[],
        c.boxes as DecodedTensor[],
        {
          ...params,
          scales: inferredScales as number[],
        } as never,
      );
      expect(mismatches(result.data, c.expected.data)).toEqual([]);
    });
  });
});

/** The backward of a golden case: its input gradient given the case's gradOutput. */
function backward(c: GoldenCase, layout: Layout, form: Form, threads: number): Promise<Tensor> {
  const gradOutput = inLayout(c.gradOutput as DecodedTensor, layout);
  const inputShape = inLayout(c.input, layout).shape;
  const options = { ...c.params, inputShape, layout, threads };
  if (c.op === 'roiPool') {
    const argmax = inLayout(c.expectedArgmax as DecodedTensor<Int32Array> as never, layout)
      .data as unknown as Int32Array;
    const { spatialScale: _scale, bins: _bins, ...rest } = options as Record<string, unknown>;
    return call('roiPoolBackward', form, gradOutput, argmax, c.rois, rest);
  }
  return call(`${c.op}Backward`, form, gradOutput, c.rois, options);
}

const gradientCases = goldenCases([
  'roi_pool_0',
  'roi_pool_1',
  'roi_align_0',
  'roi_align_1',
  'ps_roi_pool',
  'ps_roi_align',
]).filter((c) => c.gradOutput && c.expectedGradInput);

describe('golden input gradients', () => {
  it('covers every golden gradient', () => {
    expect(gradientCases.length).toBe(36);
  });

  describe.each(gradientCases)('$name', (c) => {
    it.each(goldenRuns)('%s %s, %d thread(s)', async (layout, form, threads) => {
      const result = await backward(c, layout, form, threads);
      const expected = inLayout(c.expectedGradInput as DecodedTensor, layout);
      expect(result.shape).toEqual(expected.shape);
      // psRoiPool: roi-ops' backward is the gradient of its forward; where torchvision's backward
      // clips bins differently from its own forward (docs/semantics.md "psRoiPool and psRoiAlign", "Where the peers differ"), those elements are left out.
      const excluded = c.op === 'psRoiPool' ? torchvisionBackwardDisagreements(c, layout) : new Set<number>();
      const keep = (data: Float32Array) => Array.from(data).filter((_, i) => !excluded.has(i));
      expect(mismatches(keep(result.data), keep(expected.data), 1e-5, 1e-4)).toEqual([]);
    });

    it('is deterministic: bit-identical for 1 and 2 threads, sync and async', async () => {
      const one = await backward(c, 'NCHW', 'sync', 1);
      expect(await backward(c, 'NCHW', 'sync', 2)).toEqual(one);
      expect(await backward(c, 'NCHW', 'async', 2)).toEqual(one);
    });
  });
});
