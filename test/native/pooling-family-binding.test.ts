// The raw bindings of the pooling family (native/addon/pooling_family_ops.cc): psRoiPool,
// spatialPyramidPool, cropAndResize, preciseRoiPool and the backward passes of roiPool,
// psRoiPool and preciseRoiPool, called positionally (arguments given by name). What only a raw call can check: the
// addon's own refusals (a RangeError or TypeError with its exact message, never a crash), a
// well-formed call, the async entry and its abort flag; and what the API tests leave out:
// spatialPyramidPool's avg values, cropAndResize's bit-exactness with TensorFlow.js, the docs/semantics.md "preciseRoiPool"
// worked values, zeros where the TypeScript layer would have refused first. Golden vectors
// and gradients run through the public API on every instruction set
// (test/api/golden-operators.test.ts, test/api/backward-gradients.test.ts).
import { describe, expect, it } from 'vitest';

import { spatialPyramidReference } from '../../lib/reference/spatial-pyramid.js';
import { goldenCases, toChannelsFirst, toChannelsLast } from '../helpers/golden.js';
import { argsOf, callBinding, callBindingAsync, describeBinding, withArgs } from '../helpers/native-binding.js';

const box = new Float32Array([0, 0, 0, 3, 3]);
const twoBoxes = new Float32Array([0, 0, 0, 3, 3, 0, 1, 1, 2, 2]);
const input = new Float32Array(1 * 4 * 4 * 4);

const shape = { batch: 1, channels: 4, height: 4, width: 4, layout: 0 };
const poolArgs = {
  input,
  inputType: 0,
  outputType: 0,
  ...shape,
  rois: box,
  roiCount: 1,
  out: new Float32Array(16),
  pooledHeight: 2,
  pooledWidth: 2,
  spatialScale: 1,
  threads: 0,
};

describeBinding({
  name: 'psRoiPool',
  args: poolArgs,
  refusals: [
    ['input shorter than its shape', { input: new Float32Array(63) }, 'input data is shorter than its shape'],
    ['C not divisible by PH*PW', { pooledHeight: 3 }, 'channels must be a multiple of PH*PW'],
    ['a short output', { out: new Float32Array(3) }, 'output buffer is shorter than [K,C/(PH*PW),PH,PW]'],
    ['a short RoI list', { roiCount: 2 }, 'RoI data is shorter than count * columns'],
    ['an overflowing shape', { batch: 2 ** 40, channels: 2 ** 40 }, 'input shape overflows'],
  ],
});

describeBinding(
  {
    name: 'preciseRoiPool',
    args: poolArgs,
    refusals: [
      ['a short output', { out: new Float32Array(15) }, 'output buffer is shorter than [K,C,PH,PW]'],
      ['an overflowing output', { pooledHeight: 2 ** 40, pooledWidth: 2 ** 40 }, 'output shape overflows'],
    ],
  },
  () => {
    it('gives the preciseRoiPool worked values', () => {
      const map = Float32Array.from({ length: 16 }, (_, i) => i);
      const run = (corners: number[], size: number) => {
        const out = new Float32Array(size * size);
        const corner = {
          input: map,
          inputType: 0,
          outputType: 0,
          batch: 1,
          channels: 1,
          height: 4,
          width: 4,
          layout: 0,
          rois: new Float32Array([0, ...corners]),
          roiCount: 1,
        };
        callBinding(
          'preciseRoiPoolSync',
          ...argsOf('preciseRoiPool', {
            ...corner,
            out,
            pooledHeight: size,
            pooledWidth: size,
            spatialScale: 1,
            threads: 0,
          }),
        );
        return Array.from(out);
      };
      expect(run([0, 0, 3, 3], 1)[0]).toBeCloseTo(7.5, 5);
      expect(run([0, 0, 3, 3], 2).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([3.75, 5.25, 9.75, 11.25]);
      expect(run([-1, -1, 1, 1], 1)[0]).toBeCloseTo(0.9375, 6);
    });
  },
);

{
  // Whole maps (rois null), levels 1 and 2.
  const args = {
    input,
    inputType: 0,
    outputType: 0,
    ...shape,
    rois: null,
    roiCount: 0,
    out: new Float32Array(20),
    levels: new Int32Array([1, 2]),
    spatialScale: 1,
    mode: 0,
    threads: 0,
  };
  const withBoxes = (out: Float32Array) => ({ rois: twoBoxes, roiCount: 2, out, levels: new Int32Array([1]) });
  describeBinding(
    {
      name: 'spatialPyramidPool',
      args,
      refusals: [
        ['a level below 1', { levels: new Int32Array([1, 0]) }, 'pyramid levels must be >= 1'],
        ['no levels', { levels: new Int32Array(0) }, 'at least one pyramid level is needed'],
        ['a short output', { out: new Float32Array(19) }, 'output buffer is shorter than [rows, C*sum(l*l)]'],
        [
          'a short output for boxes',
          withBoxes(new Float32Array(7)),
          'output buffer is shorter than [rows, C*sum(l*l)]',
        ],
        [
          'levels whose output overflows',
          { levels: new Int32Array([2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1]) },
          'output shape overflows',
        ],
      ],
    },
    () => {
      it('pools boxes', () => {
        expect(() =>
          callBinding(
            'spatialPyramidPoolSync',
            ...withArgs('spatialPyramidPool', args, withBoxes(new Float32Array(8))),
          ),
        ).not.toThrow();
      });

      it('avg mode equals the reference bit for bit, in both layouts (the golden vectors are max)', () => {
        const [N, C, H, W] = [2, 3, 7, 9];
        const nchw = {
          data: Float32Array.from({ length: N * C * H * W }, (_, i) => Math.sin(i * 0.37) * 4),
          shape: [N, C, H, W],
        };
        const levels = [3, 1, 2];
        const rois = new Float32Array([1, 0.5, 1, 6.4, 5, 0, -3, -2, 4, 3]);
        const expected = new Float32Array(2 * C * (9 + 1 + 4));
        const map = { data: nchw.data, batch: N, channels: C, height: H, width: W, layout: 'NCHW' as const };
        spatialPyramidReference({ input: map, rois, count: 2, levels, spatialScale: 1, mode: 'avg', out: expected });
        for (const [layout, data] of [
          [0, nchw.data],
          [1, toChannelsLast(nchw).data],
        ] as const) {
          const out = new Float32Array(expected.length);
          const pyramid = { levels: new Int32Array(levels), spatialScale: 1, mode: 1, threads: 0 };
          callBinding(
            'spatialPyramidPoolSync',
            ...argsOf('spatialPyramidPool', {
              input: data,
              inputType: 0,
              outputType: 0,
              batch: N,
              channels: C,
              height: H,
              width: W,
              layout,
              rois,
              roiCount: 2,
              out,
              ...pyramid,
            }),
          );
          expect(out).toEqual(expected);
        }
      });
    },
  );
}

{
  const boxes = new Float32Array([0, 0, 1, 1, 0.2, 0.2, 0.8, 0.8]);
  const args = {
    input: new Float32Array(1 * 4 * 4 * 2),
    inputType: 0,
    outputType: 0,
    batch: 1,
    channels: 2,
    height: 4,
    width: 4,
    layout: 1,
    rois: boxes,
    roiCount: 2,
    boxIndices: new Int32Array(2),
    out: new Float32Array(2 * 3 * 3 * 2),
    cropHeight: 3,
    cropWidth: 3,
    method: 0,
    extrapolationValue: 0,
    threads: 0,
  };
  describeBinding(
    {
      name: 'cropAndResize',
      args,
      refusals: [
        ['a short index list', { boxIndices: new Int32Array(1) }, 'box indices are fewer than the boxes'],
        ['a short output', { out: new Float32Array(35) }, 'output buffer is shorter than [K,h,w,C]'],
        ['a short box list', { roiCount: 3 }, 'RoI data is shorter than count * columns'],
        [
          'a zero crop',
          { cropHeight: 0 },
          new TypeError('roi-ops native binding: argument 12 must be an integer in range'),
        ],
        [
          'indices that are not an Int32Array',
          { boxIndices: new Float32Array(2) },
          new TypeError('roi-ops native binding: argument 9 must be an Int32Array'),
        ],
        ['an overflowing output', { cropHeight: 2 ** 40, cropWidth: 2 ** 40 }, 'output shape overflows'],
      ],
    },
    () => {
      it('gives zeros for an image index out of range or a non-finite box (the TypeScript layer refuses them first)', () => {
        const out = new Float32Array(2 * 3 * 3 * 2).fill(7);
        const bad = { rois: new Float32Array([0, 0, 1, NaN, 0, 0, 1, 1]), boxIndices: new Int32Array([0, 5]), out };
        callBinding('cropAndResizeSync', ...withArgs('cropAndResize', args, bad));
        expect(Array.from(out)).toEqual(new Array(36).fill(0));
      });

      // The kernel computes tfjs's double expressions (kernels/crop_and_resize.h): the same bits,
      // where the API tests allow the golden tolerance.
      describe.each(goldenCases(['crop_and_resize']))('$name is bit-exact with TensorFlow.js 4.22 (CPU)', (c) => {
        it.each([
          ['NCHW', 0],
          ['NHWC', 1],
        ] as const)('%s, sync and async', async (_, layout) => {
          const image = c.image as NonNullable<typeof c.image>;
          const [N, H, W, C] = image.shape as [number, number, number, number];
          const [h, w] = c.params.cropSize as [number, number];
          const nhwc = layout === 1;
          const expected = nhwc ? c.expected.data : toChannelsFirst(c.expected).data;
          const out = new Float32Array(expected.length).fill(NaN);
          const method = c.params.method === 'nearest' ? 1 : 0;
          const data = nhwc ? image.data : toChannelsFirst(image).data;
          const crop = { cropHeight: h, cropWidth: w, method, extrapolationValue: c.params.extrapolationValue };
          const call = {
            input: data,
            inputType: 0,
            outputType: 0,
            batch: N,
            channels: C,
            height: H,
            width: W,
            layout,
            rois: c.rois.data,
            roiCount: c.rois.shape[0],
            boxIndices: c.boxIndices?.data,
            out,
            ...crop,
          };
          callBinding('cropAndResizeSync', ...argsOf('cropAndResize', { ...call, threads: 2 }));
          expect(out).toEqual(expected);
          out.fill(NaN);
          await callBindingAsync(
            'cropAndResizeAsync',
            ...argsOf('cropAndResize', { ...call, threads: 1 }),
            new Int32Array(1),
          );
          expect(out).toEqual(expected);
        });
      });
    },
  );
}

const grad = new Float32Array(64);
/** A backward binding's buffers: gradInput [1,4,4,4], one RoI, a gradOutput of `pooled` floats. */
const gradientArgs = (pooled: number) => ({
  gradInput: grad,
  ...shape,
  rois: box,
  roiCount: 1,
  gradOutput: new Float32Array(pooled),
});
const binsOnly = { pooledHeight: 2, pooledWidth: 2, spatialScale: 1, threads: 0 };

describeBinding({
  name: 'roiPoolBackward',
  args: { ...gradientArgs(16), argmax: new Int32Array(16).fill(-1), pooledHeight: 2, pooledWidth: 2, threads: 0 },
  refusals: [
    ['a short gradient', { gradInput: new Float32Array(63) }, 'input gradient buffer is shorter than its shape'],
    ['a short argmax', { argmax: new Int32Array(15) }, 'argmax is shorter than the forward output'],
    ['an argmax out of range', { argmax: new Int32Array(16).fill(16) }, 'argmax holds an index outside [-1, H*W)'],
    ['a short output gradient', { gradOutput: new Float32Array(15) }, 'output gradient is shorter than [K,C,PH,PW]'],
  ],
});

describeBinding({
  name: 'psRoiPoolBackward',
  args: { ...gradientArgs(4), ...binsOnly },
  refusals: [
    [
      'a short output gradient',
      { gradOutput: new Float32Array(3) },
      'output gradient is shorter than [K,C/(PH*PW),PH,PW]',
    ],
    ['C not divisible by PH*PW', { pooledHeight: 3, pooledWidth: 1 }, 'channels must be a multiple of PH*PW'],
  ],
});

{
  const args = { ...gradientArgs(16), ...binsOnly };
  describeBinding(
    {
      name: 'preciseRoiPoolBackward',
      args,
      refusals: [
        ['an overflowing gradient', { batch: 2 ** 40, channels: 2 ** 40 }, 'input gradient shape overflows'],
        ['an overflowing output', { pooledHeight: 2 ** 40, pooledWidth: 2 ** 40 }, 'output shape overflows'],
      ],
    },
    () => {
      it('zero-fills the gradient even without RoIs', () => {
        const filled = new Float32Array(64).fill(5);
        // No RoIs, NHWC, 2 threads.
        const noRois = {
          gradInput: filled,
          layout: 1,
          rois: new Float32Array(0),
          roiCount: 0,
          gradOutput: new Float32Array(0),
          threads: 2,
        };
        callBinding('preciseRoiPoolBackwardSync', ...withArgs('preciseRoiPoolBackward', args, noRois));
        expect(filled.every((v) => v === 0)).toBe(true);
      });
    },
  );
}
