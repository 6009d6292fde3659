// Calls the API fuzz (test/api/api-fuzz.test.ts) found wrong, kept as plain tests that run on
// every backend and instruction set (test/api runs in each project).
import { describe, expect, it } from 'vitest';

import { multiScaleRoiAlignSync } from '../../lib/index.js';
import { expectConfiguredBackend } from '../helpers/backend.js';
import { narrowHalf } from '../helpers/fuzz-half.js';

describe('calls the API fuzz found wrong', () => {
  it('runs on the configured backend', () => expectConfiguredBackend());

  // Native, every instruction set: with C = 18 (more than one 16-channel planar chunk) and no
  // RoI with samples on a planar level, the RoIs were not split into channel chunks, yet a RoI
  // of a planar level with no samples took the planar path, which pools channels [0, 16) of a
  // chunk: channels 16 and 17 of the second box were never written. A fresh output hid it (its
  // zeros are the right values); an `out` kept what it held, and a 16-bit output (computed into
  // reused float32 memory) gave whatever an earlier call left there, +Infinity in the fuzz.
  it('multiScaleRoiAlign writes every channel of RoIs with no samples, into out and into a 16-bit output', () => {
    const level = (shape: number[]) => ({
      data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => (i % 7) - 3),
      shape,
    });
    const features = [level([1, 18, 2, 2]), level([1, 18, 1, 1]), level([1, 18, 1, 1])];
    const boxes = {
      data: Float32Array.from([0, -1.6126365930753548e-34, 8, -4, 12, 0, 8, 1.1388824350433424e-4, -1.17e-11, 1.02e-5]),
      shape: [2, 5],
    };
    const options = {
      outputSize: [2, 3] as [number, number],
      imageSizes: [[8, 8]] as [number, number][],
      aligned: true,
    };
    const fresh = multiScaleRoiAlignSync(features, boxes, options).data;
    expect(fresh.length).toBe(2 * 18 * 2 * 3);
    const out = new Float32Array(fresh.length).fill(12345);
    expect([...multiScaleRoiAlignSync(features, boxes, { ...options, out }).data]).toEqual([...fresh]);
    for (const stale of [12345, Infinity, NaN]) {
      // Leave `stale` in the calling thread's float32 memory for 16-bit outputs (an earlier
      // float16 call pooling maps of `stale` with boxes that cover them), then ask for float16.
      const filled = features.map(({ shape, data }) => ({ shape, data: new Float32Array(data.length).fill(stale) }));
      const covering = { data: Float32Array.from([0, 0, 0, 7, 7, 0, 0, 0, 7, 7]), shape: [2, 5] };
      multiScaleRoiAlignSync(filled, covering, { ...options, outputDtype: 'float16' });
      const half = multiScaleRoiAlignSync(features, boxes, { ...options, outputDtype: 'float16' });
      expect([...(half.data as Uint16Array)]).toEqual([...narrowHalf(fresh, 'float16')]);
    }
  });
});
