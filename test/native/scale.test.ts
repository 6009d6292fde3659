// Scale (docs/design.md "Robustness"), end to end: a Float32Array of 2.18e9 elements (8.7 GB; Node 20 allows
// typed arrays up to 2^32 elements) through the validation, the binding and the kernels, and
// through the TypeScript reference kernels. Node allocates it with calloc, so only the pages
// written are committed (~25 MB): two copies of a 24x24 window in every channel, one at the
// map's top-left (offsets under 2^31) and one at its bottom-right (past 2^31: channels 128
// and 129 in NCHW, the last 60 rows in NHWC). The RoIs read only the windows, at coordinates
// that are multiples of 1/8 (exact at both places), so a RoI moved from one copy to the other
// must give the same bits, and every result equals the reference's. The kernels' own test
// (native/tests/scale_tests.cc) covers every operator past 2^31 the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { roiAlign, roiAlignSync, roiPoolSync } from '../../lib/index.js';
import type { FeatureMap } from '../../lib/model.js';
import { roiAlignReference } from '../../lib/reference/roi-align.js';
import { roiPoolReference } from '../../lib/reference/roi-pool.js';
import type { Layout } from '../../lib/types.js';
import { maxTypedArrayLength } from '../../lib/validate.js';
import { sameBits, type Result } from '../helpers/mixed-calls.js';

const gc = (globalThis as { gc?: () => void }).gc as () => void;
const [C, H, W] = [130, 4096, 4096]; // C*H*W = 2.18e9 > 2^31
const size = 24; // the window
const far = H - size; // the bottom-right copy's origin (both axes); the top-left copy's is 0

const value = (c: number, dy: number, dx: number) => ((c * 131 + dy * 37 + dx * 11) % 1021) / 64 - 7;

/** The huge map in `layout`, with the window written at (0, 0) and at (far, far). */
function hugeMap(layout: Layout): FeatureMap {
  const data = new Float32Array(C * H * W);
  const at = (c: number, y: number, x: number) => (layout === 'NCHW' ? (c * H + y) * W + x : (y * W + x) * C + c);
  for (const origin of [0, far])
    for (let c = 0; c < C; c++)
      for (let dy = 0; dy < size; dy++)
        for (let dx = 0; dx < size; dx++) data[at(c, origin + dy, origin + dx)] = value(c, dy, dx);
  return { data, batch: 1, channels: C, height: H, width: W, layout };
}

/** RoI rows in window coordinates, 2 pixels or more inside the window (bilinear neighbours included). */
const windowRois = [0, 2, 2.5, 5, 5.5, 0, 3.5, 5.25, 9.5, 17.25, 0, 10.125, 7, 11.625, 8.5, 0, 4, 2.5, 16, 8.5];

/** The rows moved by `origin` on both axes. */
const movedRois = (origin: number) => Float32Array.from(windowRois, (v, i) => (i % 5 === 0 ? v : v + origin));

describe(`a feature map of ${C * H * W} elements (past 2^31)`, () => {
  it('fits a Float32Array in this engine', () => {
    expect(C * H * W).toBeGreaterThan(2 ** 31);
    expect(C * H * W).toBeLessThanOrEqual(maxTypedArrayLength);
  });

  describe.each(['NCHW', 'NHWC'] as const)('%s', (layout) => {
    let map: FeatureMap | undefined;
    beforeAll(() => {
      map = hugeMap(layout);
    });
    afterAll(() => {
      map = undefined; // 8.7 GB of address space, returned before the other layout's
      gc();
    });
    const input = () => ({ data: (map as FeatureMap).data, shape: layout === 'NCHW' ? [1, C, H, W] : [1, H, W, C] });
    const boxesAt = (origin: number) => ({ data: movedRois(origin), shape: [4, 5] });

    it.each([
      ['avg', -1, false],
      ['max', 2, true],
      ['onnx-max', 2, false],
    ] as const)(
      'roiAlign %s: the same bits past 2^31 as near 0, as the reference, Sync and async',
      async (mode, samplingRatio, aligned) => {
        const options = { outputSize: 3, samplingRatio, aligned, mode, layout };
        const near = roiAlignSync(input(), boxesAt(0), options);
        const beyond = roiAlignSync(input(), boxesAt(far), options);
        const reference = new Float32Array(near.data.length);
        roiAlignReference({
          input: map as FeatureMap,
          rois: movedRois(far),
          roiCount: 4,
          out: reference,
          pooledHeight: 3,
          pooledWidth: 3,
          spatialScale: 1,
          samplingRatio,
          aligned,
          mode,
        });
        expect(near.data.some((v) => v !== 0)).toBe(true);
        expect(sameBits(beyond.data, near.data)).toBe(true);
        expect(sameBits(reference, near.data)).toBe(true);
        expect(sameBits((await roiAlign(input(), boxesAt(far), options)).data, near.data)).toBe(true);
      },
    );

    it.each(['overlap', 'split'] as const)(
      'roiPool bins %s: the same bits and argmax past 2^31 as near 0, as the reference',
      (bins) => {
        const options = { outputSize: 3, bins, returnArgmax: true, layout } as const;
        const near = roiPoolSync(input(), boxesAt(0), options) as Required<Result>;
        const beyond = roiPoolSync(input(), boxesAt(far), options) as Required<Result>;
        const reference = { data: new Float32Array(near.data.length), argmax: new Int32Array(near.data.length) };
        roiPoolReference({
          input: map as FeatureMap,
          rois: movedRois(far),
          roiCount: 4,
          out: reference.data,
          argmax: reference.argmax,
          pooledHeight: 3,
          pooledWidth: 3,
          spatialScale: 1,
          bins,
        });
        expect(sameBits(beyond.data, near.data)).toBe(true);
        // argmax is h*W+w in the plane: moved by `far` rows and columns.
        expect(Array.from(beyond.argmax)).toEqual(Array.from(near.argmax, (a) => (a < 0 ? a : a + far * W + far)));
        expect(sameBits(reference.data, beyond.data)).toBe(true);
        expect(sameBits(reference.argmax, beyond.argmax)).toBe(true);
      },
    );
  });
});
