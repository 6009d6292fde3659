// The raw bindings of the RoIAlign-shaped operators (native/addon/align_family_ops.cc):
// psRoiAlign, roiAlignRotated, multiScaleRoiAlign and the backward passes of roiAlign and
// psRoiAlign against the golden vectors (test/fixtures/golden), in both layouts, and their
// refusals of bad lengths (a RangeError, never a crash). Run it once per instruction set with
// ROI_OPS_SIMD=scalar|sse2|avx2|avx512.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { packageRoot } from '../../lib/backend/native.js';
import { decodeFloat32, mismatches, toChannelsLast, type DecodedTensor } from '../helpers/golden.js';

type Binding = Record<string, (...args: unknown[]) => unknown>;
const binding = createRequire(import.meta.url)('node-gyp-build')(packageRoot()) as Binding;
const call = (name: string, ...args: unknown[]) => (binding[name] as (...a: unknown[]) => unknown)(...args);

const goldenDir = join(import.meta.dirname, '..', 'fixtures', 'golden');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
function golden(prefix: RegExp): Array<{ name: string; json: Json }> {
  return readdirSync(goldenDir)
    .filter((f) => prefix.test(f))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), json: JSON.parse(readFileSync(join(goldenDir, f), 'utf8')) }));
}

const layouts = [
  ['NCHW', 0],
  ['NHWC', 1],
] as const;

/** A [A,B,C,D] tensor in the given layout (NHWC moves dimension 1 last). */
function inLayout(t: DecodedTensor, layout: number): Float32Array {
  return layout === 0 ? t.data : toChannelsLast(t).data;
}

function expectClose(actual: Float32Array, expected: Float32Array, what: string) {
  const bad = mismatches(actual, expected, 1e-5, 1e-4);
  const first = bad[0] ?? 0;
  expect(bad, `${what}: ${bad.length} mismatches, first at ${first}: ${actual[first]} vs ${expected[first]}`).toEqual([]);
}

const threadCounts = [1, 2];

describe('psRoiAlign binding', () => {
  for (const { name, json } of golden(/^ps_roi_align_\d+\.json$/)) {
    const input = decodeFloat32(json.input);
    const rois = decodeFloat32(json.rois);
    const expected = decodeFloat32(json.expected);
    // torchvision's 0/0 = NaN for a bin without samples (zero-size box, adaptive grid) is 0 in
    // roi-ops (semantics.md §3.2, §10.2).
    expected.data = expected.data.map((v) => (Number.isNaN(v) ? 0 : v));
    const gradOutput = decodeFloat32(json.gradOutput);
    const expectedGrad = decodeFloat32(json.expectedGradInput);
    const [N, C, H, W] = input.shape as [number, number, number, number];
    const [PH, PW] = json.params.outputSize as [number, number];
    const K = rois.shape[0];
    for (const [layoutName, layout] of layouts) {
      it(`${name} ${layoutName}: forward and backward match torchvision`, async () => {
        for (const threads of threadCounts) {
          const out = new Float32Array(expected.data.length).fill(Number.NaN);
          call('psRoiAlignSync', inLayout(input, layout), N, C, H, W, layout, rois.data, K, out, PH, PW, json.params.spatialScale, json.params.samplingRatio, 1 << 24, threads);
          expectClose(out, inLayout(expected, layout), `${name} forward`);
          const grad = new Float32Array(input.data.length).fill(Number.NaN);
          call('psRoiAlignBackwardSync', grad, N, C, H, W, layout, rois.data, K, inLayout(gradOutput, layout), PH, PW, json.params.spatialScale, json.params.samplingRatio, 1 << 24, threads);
          expectClose(grad, inLayout(expectedGrad, layout), `${name} backward`);
        }
        const out = new Float32Array(expected.data.length);
        await call('psRoiAlignAsync', inLayout(input, layout), N, C, H, W, layout, rois.data, K, out, PH, PW, json.params.spatialScale, json.params.samplingRatio, 1 << 24, 0, new Int32Array(1));
        expectClose(out, inLayout(expected, layout), `${name} async forward`);
        const grad = new Float32Array(input.data.length);
        await call('psRoiAlignBackwardAsync', grad, N, C, H, W, layout, rois.data, K, inLayout(gradOutput, layout), PH, PW, json.params.spatialScale, json.params.samplingRatio, 1 << 24, 0);
        expectClose(grad, inLayout(expectedGrad, layout), `${name} async backward`);
      });
    }
  }

  const input = new Float32Array(1 * 8 * 4 * 4);
  const rois = new Float32Array([0, 0, 0, 3, 3]);
  // (input, N, C, H, W, layout, rois, K, out, PH, PW, spatialScale, samplingRatio, maxSamples, threads)
  const args = (overrides: Record<number, unknown> = {}) => {
    const a: unknown[] = [input, 1, 8, 4, 4, 0, rois, 1, new Float32Array(8), 2, 2, 1, 2, 1 << 24, 0];
    for (const [i, v] of Object.entries(overrides)) a[Number(i)] = v;
    return a;
  };
  it.each([
    ['well-formed', {}, null],
    ['channels not a multiple of PH*PW', { 2: 6 }, 'psRoiAlign: channels must be a multiple of PH*PW'],
    ['input shorter than its shape', { 0: new Float32Array(127) }, 'psRoiAlign: input data is shorter than its shape'],
    ['RoI data shorter than K*5', { 7: 2 }, 'psRoiAlign: RoI data is shorter than count * columns'],
    ['output shorter than K*C', { 8: new Float32Array(7) }, 'psRoiAlign: output buffer is shorter than [K,C/(PH*PW),PH,PW]'],
    ['a shape that overflows', { 1: 2 ** 40, 2: 2 ** 40 }, 'psRoiAlign: input shape overflows'],
  ])('psRoiAlign: %s', (_, overrides, message) => {
    if (message === null) expect(() => call('psRoiAlignSync', ...args(overrides))).not.toThrow();
    else expect(() => call('psRoiAlignSync', ...args(overrides))).toThrow(new RangeError(message));
  });
  it.each([
    ['gradient shorter than its shape', { 0: new Float32Array(127) }, 'psRoiAlignBackward: input gradient buffer is shorter than its shape'],
    ['output gradient shorter than K*C', { 8: new Float32Array(7) }, 'psRoiAlignBackward: output gradient is shorter than [K,C/(PH*PW),PH,PW]'],
    ['channels not a multiple of PH*PW', { 2: 6 }, 'psRoiAlignBackward: channels must be a multiple of PH*PW'],
    ['a shape that overflows', { 1: 2 ** 40, 2: 2 ** 40 }, 'psRoiAlignBackward: input gradient shape overflows'],
  ])('psRoiAlignBackward refuses %s', (_, overrides, message) => {
    const a = args({ 0: new Float32Array(128), ...overrides });
    expect(() => call('psRoiAlignBackwardSync', ...a)).toThrow(new RangeError(message));
  });
});

describe('roiAlignRotated binding', () => {
  for (const { name, json } of golden(/^roi_align_rotated_\d+\.json$/)) {
    const input = decodeFloat32(json.input);
    const rois = decodeFloat32(json.rois);
    const expected = decodeFloat32(json.expected);
    const [N, C, H, W] = input.shape as [number, number, number, number];
    const [PH, PW] = json.params.outputSize as [number, number];
    const { spatialScale, samplingRatio, aligned, clockwise } = json.params;
    for (const [layoutName, layout] of layouts) {
      it(`${name} ${layoutName} matches detectron2`, async () => {
        for (const threads of threadCounts) {
          const out = new Float32Array(expected.data.length).fill(Number.NaN);
          call('roiAlignRotatedSync', inLayout(input, layout), N, C, H, W, layout, rois.data, rois.shape[0], out, PH, PW, spatialScale, samplingRatio, aligned, clockwise, 1 << 24, threads);
          expectClose(out, inLayout(expected, layout), name);
        }
        const out = new Float32Array(expected.data.length);
        await call('roiAlignRotatedAsync', inLayout(input, layout), N, C, H, W, layout, rois.data, rois.shape[0], out, PH, PW, spatialScale, samplingRatio, aligned, clockwise, 1 << 24, 0);
        expectClose(out, inLayout(expected, layout), `${name} async`);
      });
    }
  }

  it('gives roiAlign (aligned) at angle 0, and its backward gives roiAlign avg backward', () => {
    const [N, C, H, W] = [1, 3, 9, 11];
    const input = Float32Array.from({ length: N * C * H * W }, (_, i) => Math.sin(i * 0.37) * 3);
    const axis = new Float32Array([0, 1, 2, 7, 6, 0, 2.5, 0.5, 5.5, 8.5]);
    const rotated = new Float32Array([0, 4, 4, 6, 4, 0, 0, 4, 4.5, 3, 8, 0]);
    const a = new Float32Array(2 * C * 4);
    const b = new Float32Array(2 * C * 4);
    call('roiAlignSync', input, N, C, H, W, 0, axis, 2, a, 2, 2, 1, 2, true, 0, 1 << 24, 0);
    call('roiAlignRotatedSync', input, N, C, H, W, 0, rotated, 2, b, 2, 2, 1, 2, true, false, 1 << 24, 0);
    expect(b).toEqual(a);
    const gradOut = Float32Array.from({ length: a.length }, (_, i) => (i % 5) - 1.5);
    const ga = new Float32Array(input.length);
    const gb = new Float32Array(input.length);
    call('roiAlignBackwardSync', ga, N, C, H, W, 0, axis, 2, gradOut, null, 2, 2, 1, 2, true, 0, 1 << 24, 0);
    call('roiAlignRotatedBackwardSync', gb, N, C, H, W, 0, rotated, 2, gradOut, 2, 2, 1, 2, true, false, 1 << 24, 0);
    expect(gb).toEqual(ga);
  });

  const input = new Float32Array(1 * 2 * 4 * 4);
  const rois = new Float32Array([0, 2, 2, 3, 3, 30]);
  // (input, N, C, H, W, layout, rois, K, out, PH, PW, spatialScale, samplingRatio, aligned, clockwise, maxSamples, threads)
  const args = (overrides: Record<number, unknown> = {}) => {
    const a: unknown[] = [input, 1, 2, 4, 4, 0, rois, 1, new Float32Array(8), 2, 2, 1, 2, true, false, 1 << 24, 0];
    for (const [i, v] of Object.entries(overrides)) a[Number(i)] = v;
    return a;
  };
  it.each([
    ['RoI data shorter than K*6', { 6: new Float32Array(5) }, 'RoI data is shorter than count * columns'],
    ['input shorter than its shape', { 0: new Float32Array(31) }, 'input data is shorter than its shape'],
    ['output shorter than [K,C,PH,PW]', { 8: new Float32Array(7) }, 'output buffer is shorter than [K,C,PH,PW]'],
    ['a shape that overflows', { 1: 2 ** 40, 2: 2 ** 40 }, 'input shape overflows'],
  ])('roiAlignRotated refuses %s', (_, overrides, message) => {
    expect(() => call('roiAlignRotatedSync', ...args())).not.toThrow();
    expect(() => call('roiAlignRotatedSync', ...args(overrides))).toThrow(new RangeError(`roiAlignRotated: ${message}`));
  });
  it('refuses a rotated RoI over the sample budget', () => {
    expect(() => call('roiAlignRotatedSync', ...args({ 6: new Float32Array([0, 1, 1, 1e30, 1e30, 0]), 12: 0 }))).toThrow(
      new RangeError("roiAlignRotated: boxes row 0: the RoI's sampling grid exceeds maxSamplesPerRoi"),
    );
  });
  it.each([
    ['gradient shorter than its shape', { 0: new Float32Array(31) }, 'input gradient buffer is shorter than its shape'],
    ['output gradient shorter than [K,C,PH,PW]', { 8: new Float32Array(7) }, 'output gradient is shorter than [K,C,PH,PW]'],
    ['RoI data shorter than K*6', { 6: new Float32Array(5) }, 'RoI data is shorter than count * columns'],
  ])('roiAlignRotatedBackward refuses %s', (_, overrides, message) => {
    const a = args({ 0: new Float32Array(32), ...overrides });
    expect(() => call('roiAlignRotatedBackwardSync', ...a)).toThrow(new RangeError(`roiAlignRotatedBackward: ${message}`));
  });
});

/** torchvision LevelMapper (poolers.py) in float32, as the TypeScript layer computes it. */
function levelsOf(boxes: Float32Array, scales: number[], canonicalScale: number, canonicalLevel: number): Int32Array {
  const f = Math.fround;
  const kMin = Math.trunc(-Math.log2(scales[0] as number));
  const kMax = Math.trunc(-Math.log2(scales[scales.length - 1] as number));
  const levels = new Int32Array(boxes.length / 4);
  for (let k = 0; k < levels.length; k++) {
    const [x1, y1, x2, y2] = boxes.subarray(k * 4, k * 4 + 4) as unknown as [number, number, number, number];
    const s = f(Math.sqrt(f(f(x2 - x1) * f(y2 - y1))));
    const level = Math.floor(f(f(canonicalLevel + f(Math.log2(f(s / canonicalScale)))) + f(1e-6)));
    levels[k] = Math.min(Math.max(level, kMin), kMax) - kMin;
  }
  return levels;
}

describe('multiScaleRoiAlign binding', () => {
  for (const { name, json } of golden(/^multi_scale_roi_align_\d+\.json$/)) {
    const features = (json.features as Json[]).map((t) => decodeFloat32(t));
    const boxLists = (json.boxes as Json[]).map((t) => decodeFloat32(t));
    const expected = decodeFloat32(json.expected);
    const scales = json.params.inferredScales as number[];
    const [PH, PW] = json.params.outputSize as [number, number];
    const [N, C] = features[0]?.shape as [number, number];
    const allBoxes = new Float32Array(boxLists.reduce((n, b) => n + b.data.length, 0));
    const rois = new Float32Array((allBoxes.length / 4) * 5);
    let k = 0;
    boxLists.forEach((list, image) => {
      allBoxes.set(list.data, k * 4);
      for (let i = 0; i < list.data.length / 4; i++, k++) rois.set([image, ...list.data.subarray(i * 4, i * 4 + 4)], k * 5);
    });
    const roiLevels = levelsOf(allBoxes, scales, json.params.canonicalScale, json.params.canonicalLevel);
    const sizes = features.flatMap((t) => [t.shape[2], t.shape[3]]);
    for (const [layoutName, layout] of layouts) {
      it(`${name} ${layoutName} matches torchvision MultiScaleRoIAlign`, async () => {
        const levels = features.map((t) => inLayout(t, layout));
        for (const threads of threadCounts) {
          const out = new Float32Array(expected.data.length).fill(Number.NaN);
          call('multiScaleRoiAlignSync', levels, N, C, sizes, layout, Float32Array.from(scales), rois, k, roiLevels, out, PH, PW, json.params.samplingRatio, false, 1 << 24, threads);
          expectClose(out, inLayout(expected, layout), name);
        }
        const out = new Float32Array(expected.data.length);
        await call('multiScaleRoiAlignAsync', levels, N, C, sizes, layout, Float32Array.from(scales), rois, k, roiLevels, out, PH, PW, json.params.samplingRatio, false, 1 << 24, 0, new Int32Array(1));
        expectClose(out, inLayout(expected, layout), `${name} async`);
      });
    }
  }

  const level0 = new Float32Array(1 * 2 * 8 * 8);
  const level1 = new Float32Array(1 * 2 * 4 * 4);
  const rois = new Float32Array([0, 0, 0, 7, 7, 0, 1, 1, 5, 5]);
  // (levels, N, C, levelSizes, layout, scales, rois, K, roiLevels, out, PH, PW, samplingRatio, aligned, maxSamples, threads)
  const args = (overrides: Record<number, unknown> = {}) => {
    const a: unknown[] = [[level0, level1], 1, 2, [8, 8, 4, 4], 0, new Float32Array([1, 0.5]), rois, 2, new Int32Array([0, -1]), new Float32Array(16), 2, 2, 2, false, 1 << 24, 0];
    for (const [i, v] of Object.entries(overrides)) a[Number(i)] = v;
    return a;
  };
  it('gives a row of zeros for level -1', () => {
    const out = new Float32Array(16).fill(7);
    call('multiScaleRoiAlignSync', ...args({ 9: out }));
    expect(Array.from(out.subarray(8))).toEqual(new Array(8).fill(0));
  });
  it.each([
    ['a level shorter than its shape', { 0: [level0, new Float32Array(31)] }, 'input data is shorter than its shape'],
    ['fewer level indices than RoIs', { 8: new Int32Array(1) }, 'RoI level indices are fewer than the RoIs'],
    ['RoI data shorter than K*5', { 7: 3 }, 'RoI data is shorter than count * columns'],
    ['output shorter than [K,C,PH,PW]', { 9: new Float32Array(15) }, 'output buffer is shorter than [K,C,PH,PW]'],
    ['no levels', { 0: [], 3: [], 5: new Float32Array(0) }, 'at least one feature level is needed'],
    ['a shape that overflows', { 1: 2 ** 40, 2: 2 ** 40 }, 'input shape overflows'],
  ])('refuses %s with a RangeError', (_, overrides, message) => {
    expect(() => call('multiScaleRoiAlignSync', ...args(overrides))).toThrow(new RangeError(`multiScaleRoiAlign: ${message}`));
  });
  it('refuses malformed level lists with a TypeError', () => {
    expect(() => call('multiScaleRoiAlignSync', ...args({ 3: [8, 8, 4] }))).toThrow(
      new TypeError('roi-ops native binding: argument 3 must be an array of two integers per level'),
    );
    expect(() => call('multiScaleRoiAlignSync', ...args({ 0: [level0, new Float64Array(32)] }))).toThrow(
      new TypeError('roi-ops native binding: argument 0 must be an array of Float32Arrays'),
    );
    expect(() => call('multiScaleRoiAlignSync', ...args({ 5: new Float32Array(1) }))).toThrow(
      new TypeError('roi-ops native binding: argument 5 must be a Float32Array of one scale per level'),
    );
  });
});

describe('roiAlignBackward binding', () => {
  for (const { name, json } of golden(/^roi_align_\d+\.json$/)) {
    const input = decodeFloat32(json.input);
    const rois = decodeFloat32(json.rois);
    const gradOutput = decodeFloat32(json.gradOutput);
    const expectedGrad = decodeFloat32(json.expectedGradInput);
    const [N, C, H, W] = input.shape as [number, number, number, number];
    const [PH, PW] = json.params.outputSize as [number, number];
    const { spatialScale, samplingRatio, aligned } = json.params;
    for (const [layoutName, layout] of layouts) {
      it(`${name} ${layoutName}: avg gradient matches torchvision`, async () => {
        for (const threads of threadCounts) {
          const grad = new Float32Array(input.data.length).fill(Number.NaN);
          call('roiAlignBackwardSync', grad, N, C, H, W, layout, rois.data, rois.shape[0], inLayout(gradOutput, layout), null, PH, PW, spatialScale, samplingRatio, aligned, 0, 1 << 24, threads);
          expectClose(grad, inLayout(expectedGrad, layout), name);
        }
        const grad = new Float32Array(input.data.length);
        await call('roiAlignBackwardAsync', grad, N, C, H, W, layout, rois.data, rois.shape[0], inLayout(gradOutput, layout), null, PH, PW, spatialScale, samplingRatio, aligned, 0, 1 << 24, 0, new Int32Array(1));
        expectClose(grad, inLayout(expectedGrad, layout), `${name} async`);
      });
    }
  }

  it('routes max and onnx-max gradients to the winning sample (mmcv) and corner (ONNX)', () => {
    // One 2x2 plane, one bin with a single sample at (0.25, 0.25) (aligned false: the box is
    // clamped to 1x1): weights 0.5625, 0.1875, 0.1875, 0.0625.
    const input = new Float32Array([1, 2, 3, 40]);
    const rois = new Float32Array([0, -0.25, -0.25, 0.25, 0.25]);
    const grad = new Float32Array(4);
    call('roiAlignBackwardSync', grad, 1, 1, 2, 2, 0, rois, 1, new Float32Array([2]), input, 1, 1, 1, 1, false, 1, 1 << 24, 0);
    expect(Array.from(grad)).toEqual([1.125, 0.375, 0.375, 0.125]);
    call('roiAlignBackwardSync', grad, 1, 1, 2, 2, 0, rois, 1, new Float32Array([2]), input, 1, 1, 1, 1, false, 2, 1 << 24, 0);
    expect(Array.from(grad)).toEqual([0, 0, 0, 0.125]); // 0.0625 * 40 = 2.5 beats 0.5625 * 1
  });

  const grad = new Float32Array(1 * 2 * 4 * 4);
  const rois = new Float32Array([0, 0, 0, 3, 3]);
  // (gradInput, N, C, H, W, layout, rois, K, gradOutput, input|null, PH, PW, spatialScale, samplingRatio, aligned, mode, maxSamples, threads)
  const args = (overrides: Record<number, unknown> = {}) => {
    const a: unknown[] = [grad, 1, 2, 4, 4, 0, rois, 1, new Float32Array(8), null, 2, 2, 1, 2, false, 0, 1 << 24, 0];
    for (const [i, v] of Object.entries(overrides)) a[Number(i)] = v;
    return a;
  };
  it.each([
    ['gradient shorter than its shape', { 0: new Float32Array(31) }, 'input gradient buffer is shorter than its shape'],
    ['output gradient shorter than [K,C,PH,PW]', { 8: new Float32Array(7) }, 'output gradient is shorter than [K,C,PH,PW]'],
    ['RoI data shorter than K*5', { 7: 2 }, 'RoI data is shorter than count * columns'],
    ['max without the forward input', { 15: 1 }, "the max modes need the forward input, with the gradient's shape and layout"],
    ['a forward input shorter than the gradient', { 9: new Float32Array(31), 15: 2 }, 'input data is shorter than its shape'],
    ['a shape that overflows', { 1: 2 ** 40, 2: 2 ** 40 }, 'input gradient shape overflows'],
  ])('refuses %s with a RangeError', (_, overrides, message) => {
    expect(() => call('roiAlignBackwardSync', ...args())).not.toThrow();
    expect(() => call('roiAlignBackwardSync', ...args(overrides))).toThrow(new RangeError(`roiAlignBackward: ${message}`));
  });
  it('rejects an async call with bad lengths instead of crashing', async () => {
    await expect(call('roiAlignBackwardAsync', ...args({ 8: new Float32Array(2) }), new Int32Array(1)) as Promise<void>).rejects.toThrow(
      new RangeError('roiAlignBackward: output gradient is shorter than [K,C,PH,PW]'),
    );
  });
  it('stops when the abort flag is raised', async () => {
    await expect(call('roiAlignBackwardAsync', ...args(), new Int32Array([1])) as Promise<void>).rejects.toThrow('The operation was aborted');
  });
});
