// Every kernel path computes each output with the reference's float32 operations in the
// reference's order, so the native addon (each instruction set, both the channels-last and
// the NCHW path, any thread count) equals the TypeScript reference bit for bit. Random
// problems cover what the golden vectors cannot: channel tails, boxes hanging off the map,
// NaN and infinite pixels.
import { describe, expect, it } from 'vitest';

import { roiAlignSync, roiPoolSync } from '../../lib/index.js';
import type { AlignMode, FeatureMap } from '../../lib/model.js';
import { roiAlignReference } from '../../lib/reference/roi-align.js';
import { roiPoolReference } from '../../lib/reference/roi-pool.js';
import { prng } from '../helpers/gradient-cases.js';

interface Problem {
  name: string;
  map: FeatureMap;
  rois: Float32Array;
  count: number;
}

/** N=2 maps with C channels; `count` boxes partly off the map; a few NaN and inf pixels. */
function problem(
  name: string,
  seed: number,
  C: number,
  H: number,
  W: number,
  count: number,
  layout: 'NCHW' | 'NHWC',
): Problem {
  const random = prng(seed);
  const data = Float32Array.from({ length: 2 * C * H * W }, () => random() * 4 - 2);
  for (let i = 0; i < 6; i++) data[Math.floor(random() * data.length)] = [NaN, Infinity, -Infinity][i % 3] as number;
  const rois = new Float32Array(count * 5);
  for (let k = 0; k < count; k++) {
    const x1 = random() * (W + 4) * 4 - 8;
    const y1 = random() * (H + 4) * 4 - 8;
    rois.set([k % 2, x1, y1, x1 + random() * W * 3 - 2, y1 + random() * H * 3 - 2], k * 5);
  }
  const map: FeatureMap =
    layout === 'NCHW'
      ? { data, batch: 2, channels: C, height: H, width: W, layout }
      : { data, batch: 2, channels: C, height: H, width: W, layout };
  return { name, map, rois, count };
}

const problems: Problem[] = [];
for (const layout of ['NCHW', 'NHWC'] as const) {
  problems.push(problem(`${layout} many RoIs, 37 channels (channels-last path, tails)`, 11, 37, 9, 13, 60, layout));
  problems.push(problem(`${layout} few RoIs on a large map (NCHW path)`, 12, 21, 40, 50, 3, layout));
  problems.push(problem(`${layout} 64 channels (full vectors)`, 13, 64, 7, 6, 30, layout));
  // One and three whole vectors of AVX-512 (two and six of AVX2, four and twelve of SSE2):
  // roiAlign computes bins of up to four whole vectors with a fixed-width loop.
  problems.push(problem(`${layout} 16 channels (fixed-width bins)`, 14, 16, 9, 8, 30, layout));
  problems.push(problem(`${layout} 48 channels (fixed-width bins)`, 15, 48, 6, 7, 30, layout));
}

function tensor(p: Problem) {
  const { batch, channels: C, height: H, width: W, layout } = p.map;
  return { data: p.map.data, shape: layout === 'NCHW' ? [batch, C, H, W] : [batch, H, W, C] };
}

/** roiPool's reference values and argmax for `p` at scale 1/4. */
function roiPoolExpected(p: Problem, pooledHeight: number, pooledWidth: number, bins: 'overlap' | 'split') {
  const values = new Float32Array(p.count * p.map.channels * pooledHeight * pooledWidth);
  const argmax = new Int32Array(values.length);
  roiPoolReference({
    input: p.map,
    rois: p.rois,
    roiCount: p.count,
    out: values,
    argmax,
    pooledHeight,
    pooledWidth,
    spatialScale: 0.25,
    bins,
  });
  return { values, argmax };
}

describe.each(problems)('$name', (p) => {
  const boxes = { data: p.rois, shape: [p.count, 5] };

  it.each([
    ['avg', -1, false],
    ['avg', 2, true],
    ['max', 0, true],
    ['onnx-max', 3, false],
  ] as const)(
    'roiAlign %s, samplingRatio %d, aligned %s equals the reference, 1 and 2 threads',
    (mode, samplingRatio, aligned) => {
      const options = {
        outputSize: [3, 2] as [number, number],
        spatialScale: 0.25,
        samplingRatio,
        aligned,
        mode,
        layout: p.map.layout,
      };
      const expected = new Float32Array(p.count * p.map.channels * 6);
      roiAlignReference({
        input: p.map,
        rois: p.rois,
        roiCount: p.count,
        out: expected,
        pooledHeight: 3,
        pooledWidth: 2,
        spatialScale: 0.25,
        samplingRatio,
        aligned,
        mode: mode as AlignMode,
      });
      for (const threads of [1, 2])
        expect(roiAlignSync(tensor(p), boxes, { ...options, threads }).data).toEqual(expected);
    },
  );

  it.each(['overlap', 'split'] as const)(
    'roiPool bins %s equals the reference with argmax, 1 and 2 threads',
    (bins) => {
      const { values: expected, argmax: expectedArgmax } = roiPoolExpected(p, 2, 3, bins);
      for (const threads of [1, 2]) {
        const result = roiPoolSync(tensor(p), boxes, {
          outputSize: [2, 3],
          spatialScale: 0.25,
          bins,
          returnArgmax: true,
          layout: p.map.layout,
          threads,
        });
        expect(result.data).toEqual(expected);
        expect(result.argmax).toEqual(expectedArgmax);
      }
    },
  );
});

describe('outputs over 2^20 elements, which the native kernels stream out with non-temporal stores', () => {
  const p = problem('large', 21, 67, 12, 16, 70, 'NCHW');
  const boxes = { data: p.rois, shape: [p.count, 5] };
  const elements = p.count * 67 * 16 * 16;

  it('equal the reference, into a buffer that is not 64-byte aligned', () => {
    expect(elements).toBeGreaterThan(2 ** 20);
    const expected = new Float32Array(elements);
    roiAlignReference({
      input: p.map,
      rois: p.rois,
      roiCount: p.count,
      out: expected,
      pooledHeight: 16,
      pooledWidth: 16,
      spatialScale: 0.25,
      samplingRatio: 2,
      aligned: true,
      mode: 'avg',
    });
    const backing = new Float32Array(elements + 1);
    const out = backing.subarray(1);
    roiAlignSync(tensor(p), boxes, {
      outputSize: 16,
      spatialScale: 0.25,
      samplingRatio: 2,
      aligned: true,
      out,
      threads: 2,
    });
    expect(out).toEqual(expected);
  });

  it('give roiPool values and argmax equal to the reference', () => {
    const { values: expected, argmax: expectedArgmax } = roiPoolExpected(p, 16, 16, 'overlap');
    const result = roiPoolSync(tensor(p), boxes, { outputSize: 16, spatialScale: 0.25, returnArgmax: true });
    expect(result.data).toEqual(expected);
    expect(result.argmax).toEqual(expectedArgmax);
  });
});

describe('few RoIs with dense sampling on a large NCHW map (the windowed channels-last copy)', () => {
  // 3 RoIs of ~20x20 map pixels, 4x4 bins of 8x8 samples: each RoI reads a window of fewer
  // pixels than it has samples, on a map too large to transpose whole, with 37 channels (tails).
  const p = problem('windowed', 31, 37, 100, 120, 3, 'NCHW');
  p.rois.set([0, 40, 60, 120, 140, 1, -30, -20, 50, 60, 1, 400, 300, 490, 380]);
  const boxes = { data: p.rois, shape: [3, 5] };

  it.each(['avg', 'max', 'onnx-max'] as const)('roiAlign %s equals the reference, 1 and 2 threads', (mode) => {
    const expected = new Float32Array(3 * 37 * 16);
    roiAlignReference({
      input: p.map,
      rois: p.rois,
      roiCount: 3,
      out: expected,
      pooledHeight: 4,
      pooledWidth: 4,
      spatialScale: 0.25,
      samplingRatio: 8,
      aligned: false,
      mode,
    });
    for (const threads of [1, 2]) {
      expect(
        roiAlignSync(tensor(p), boxes, { outputSize: 4, spatialScale: 0.25, samplingRatio: 8, mode, threads }).data,
      ).toEqual(expected);
    }
  });
});
