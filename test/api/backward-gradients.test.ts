// Every backward pass of the public API, on the backend this project runs (native at each
// instruction set, or JavaScript), in both layouts, sync and async, with 1 and 2 threads:
// it is the gradient of its forward (central finite differences of the float64 reference
// forward, test/helpers/gradient-cases.ts), it is deterministic (bit-identical whatever the
// thread count and form), and where the forward is linear it is the forward's adjoint.
import { describe, expect, it } from 'vitest';

import {
  roiAlignBackwardSync,
  roiAlignRotatedBackwardSync,
  roiAlignRotatedSync,
  roiAlignSync,
} from '../../lib/index.js';
import { expectConfiguredBackend } from '../helpers/backend.js';
import { mismatches } from '../helpers/golden.js';
import {
  asMap,
  finiteDifferenceGradient,
  gradientCases,
  inLayout,
  nchwShape,
  prng,
  type GradientCase,
  type Layout,
  type PublicCall,
} from '../helpers/gradient-cases.js';

const runs = [
  ['sync', 1],
  ['sync', 2],
  ['async', 1],
  ['async', 2],
] as const;

/** The first few elements outside |a - e| <= atol + rtol*|e|, with their values. */
function outside(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): string[] {
  return mismatches(actual, expected, atol, rtol)
    .slice(0, 5)
    .map((i) => `[${i}] ${actual[i]} vs ${expected[i]}`);
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((sum, v, i) => sum + v * (b[i] as number), 0);
const absDot = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((sum, v, i) => sum + Math.abs(v * (b[i] as number)), 0);

/** A case in `layout`: its input, an output gradient (float32, drawn in the output's layout) and the expected input gradient. */
function problem(c: GradientCase, layout: Layout) {
  const random = prng(7);
  const gradOutput = Float32Array.from({ length: c.outputLength }, () => random() * 2 - 1);
  const input = asMap(Float32Array.from(c.data), c.shape, layout).data;
  return { input, gradOutput, expected: finiteDifferenceGradient(c, Float64Array.from(gradOutput), layout) };
}

describe('backward passes through the public API', () => {
  it('runs on the configured backend', () => expectConfiguredBackend());

  describe.each(gradientCases())('$name', (c) => {
    describe.each(['NCHW', 'NHWC'] as const)('%s', (layout) => {
      let memo: ReturnType<typeof problem> | undefined;
      const get = () => (memo ??= problem(c, layout));
      const call = (form: PublicCall['form'], threads: number): PublicCall => ({ ...get(), layout, form, threads });

      it.each(runs)(
        '%s, %d thread(s): equals the finite-difference gradient of the float64 reference forward',
        async (form, threads) => {
          const gradient = await c.publicBackward(call(form, threads));
          expect(gradient.shape).toEqual(inLayout(gradient.data, nchwShape(c.shape), layout).shape);
          expect(outside(gradient.data, get().expected, 1e-5, 1e-4)).toEqual([]);
        },
      );

      it('is deterministic: bit-identical for 1 and 2 threads, sync and async', async () => {
        const [first, ...others] = await runs.reduce<Promise<Float32Array[]>>(
          async (done, [form, threads]) => [...(await done), (await c.publicBackward(call(form, threads))).data],
          Promise.resolve([]),
        );
        for (const other of others) expect(other).toEqual(first);
      });

      if (c.linear) {
        it.each(runs)(
          '%s, %d thread(s): is the adjoint of the forward, sum(grad * x) = sum(dY * forward(x))',
          async (form, threads) => {
            const { input, gradOutput } = get();
            const gradient = (await c.publicBackward(call(form, threads))).data;
            const output = (await c.publicForward(call(form, threads))).data;
            const scale = Math.max(absDot(gradient, input), absDot(gradOutput, output));
            expect(scale).toBeGreaterThan(1);
            expect(Math.abs(dot(gradient, input) - dot(gradOutput, output))).toBeLessThanOrEqual(1e-5 + 1e-4 * scale);
          },
        );
      }
    });
  });
});

describe('backward worked examples', () => {
  it('roiAlignRotated at angle 0 and its backward equal roiAlign (aligned) and its avg backward, bit for bit', () => {
    // Dyadic boxes: both kernels sample the same points with the same weights.
    const [N, C, H, W] = [1, 3, 9, 11];
    const input = {
      data: Float32Array.from({ length: N * C * H * W }, (_, i) => Math.sin(i * 0.37) * 3),
      shape: [N, C, H, W],
    };
    const axis = { data: new Float32Array([0, 1, 2, 7, 6, 0, 2.5, 0.5, 5.5, 8.5]), shape: [2, 5] };
    const rotated = { data: new Float32Array([0, 4, 4, 6, 4, 0, 0, 4, 4.5, 3, 8, 0]), shape: [2, 6] };
    const options = { outputSize: 2, spatialScale: 1, samplingRatio: 2, aligned: true };
    const plain = roiAlignSync(input, axis, options);
    expect(roiAlignRotatedSync(input, rotated, options)).toEqual(plain);
    const gradOutput = {
      data: Float32Array.from({ length: plain.data.length }, (_, i) => (i % 5) - 1.5),
      shape: plain.shape,
    };
    const backwardOptions = { ...options, inputShape: input.shape };
    expect(roiAlignRotatedBackwardSync(gradOutput, rotated, backwardOptions)).toEqual(
      roiAlignBackwardSync(gradOutput, axis, backwardOptions),
    );
  });

  it('roiAlign max and onnx-max route the gradient to the winning sample (mmcv) and corner (ONNX)', () => {
    // One 2x2 plane, one bin with a single sample at (0.25, 0.25) (aligned false: the box is
    // clamped to 1x1): weights 0.5625, 0.1875, 0.1875, 0.0625.
    const input = { data: new Float32Array([1, 2, 3, 40]), shape: [1, 1, 2, 2] };
    const boxes = { data: new Float32Array([0, -0.25, -0.25, 0.25, 0.25]), shape: [1, 5] };
    const gradOutput = { data: new Float32Array([2]), shape: [1, 1, 1, 1] };
    const options = {
      inputShape: input.shape,
      outputSize: 1,
      spatialScale: 1,
      samplingRatio: 1,
      aligned: false,
      input,
    };
    expect(Array.from(roiAlignBackwardSync(gradOutput, boxes, { ...options, mode: 'max' }).data)).toEqual([
      1.125, 0.375, 0.375, 0.125,
    ]);
    // onnx-max: 0.0625 * 40 = 2.5 beats 0.5625 * 1.
    expect(Array.from(roiAlignBackwardSync(gradOutput, boxes, { ...options, mode: 'onnx-max' }).data)).toEqual([
      0, 0, 0, 0.125,
    ]);
  });
});
