// The raw bindings of the RoIAlign-shaped operators (native/addon/align_family_ops.cc):
// psRoiAlign, roiAlignRotated, multiScaleRoiAlign and the backward passes of roiAlign,
// psRoiAlign and roiAlignRotated, called positionally. What only a raw call can check: the
// addon's own refusals (a RangeError or TypeError with its exact message, never a crash), a
// well-formed call, the async entry and its abort flag. Their numbers are checked through the
// public API on every instruction set: golden vectors and gradients in
// test/api/golden-operators.test.ts, finite-difference gradients and identities in
// test/api/backward-gradients.test.ts.
import { expect, it } from 'vitest';

import { callBinding, describeBinding, withArgs, type Refusal } from '../helpers/native-binding.js';

const box = new Float32Array([0, 0, 0, 3, 3]);
const overflow = { 1: 2 ** 40, 2: 2 ** 40 };

/** What every backward entry here refuses: a gradient buffer (argument 0) or an output gradient (argument 8) too short. */
function shortGradients(gradientLength: number, pooledShape: string): Refusal[] {
  return [
    ['gradient shorter than its shape', { 0: new Float32Array(gradientLength - 1) }, 'input gradient buffer is shorter than its shape'],
    [`output gradient shorter than ${pooledShape}`, { 8: new Float32Array(7) }, `output gradient is shorter than ${pooledShape}`],
  ];
}

{
  // (input | gradInput, N, C, H, W, layout, rois, K, out | gradOutput, PH, PW, spatialScale, samplingRatio, maxSamples, threads)
  const args = [new Float32Array(1 * 8 * 4 * 4), 1, 8, 4, 4, 0, box, 1, new Float32Array(8), 2, 2, 1, 2, 1 << 24, 0];
  const channels: Refusal = ['channels not a multiple of PH*PW', { 2: 6 }, 'channels must be a multiple of PH*PW'];
  describeBinding({
    name: 'psRoiAlign',
    args,
    refusals: [
      channels,
      ['input shorter than its shape', { 0: new Float32Array(127) }, 'input data is shorter than its shape'],
      ['RoI data shorter than K*5', { 7: 2 }, 'RoI data is shorter than count * columns'],
      ['output shorter than K*C', { 8: new Float32Array(7) }, 'output buffer is shorter than [K,C/(PH*PW),PH,PW]'],
      ['a shape that overflows', overflow, 'input shape overflows'],
    ],
  });
  describeBinding({
    name: 'psRoiAlignBackward',
    args,
    refusals: [...shortGradients(128, '[K,C/(PH*PW),PH,PW]'), channels, ['a shape that overflows', overflow, 'input gradient shape overflows']],
  });
}

{
  // (input | gradInput, N, C, H, W, layout, rois, K, out | gradOutput, PH, PW, spatialScale, samplingRatio, aligned, clockwise, maxSamples, threads)
  const rois = new Float32Array([0, 2, 2, 3, 3, 30]);
  const args = [new Float32Array(1 * 2 * 4 * 4), 1, 2, 4, 4, 0, rois, 1, new Float32Array(8), 2, 2, 1, 2, true, false, 1 << 24, 0];
  const shortRois: Refusal = ['RoI data shorter than K*6', { 6: new Float32Array(5) }, 'RoI data is shorter than count * columns'];
  describeBinding({
    name: 'roiAlignRotated',
    args,
    refusals: [
      shortRois,
      ['input shorter than its shape', { 0: new Float32Array(31) }, 'input data is shorter than its shape'],
      ['output shorter than [K,C,PH,PW]', { 8: new Float32Array(7) }, 'output buffer is shorter than [K,C,PH,PW]'],
      ['a shape that overflows', overflow, 'input shape overflows'],
      [
        'a rotated RoI over the sample budget',
        { 6: new Float32Array([0, 1, 1, 1e30, 1e30, 0]), 12: 0 },
        "boxes row 0: the RoI's sampling grid exceeds maxSamplesPerRoi",
      ],
    ],
  });
  describeBinding({ name: 'roiAlignRotatedBackward', args, refusals: [...shortGradients(32, '[K,C,PH,PW]'), shortRois] });
}

{
  const level0 = new Float32Array(1 * 2 * 8 * 8);
  const level1 = new Float32Array(1 * 2 * 4 * 4);
  const rois = new Float32Array([0, 0, 0, 7, 7, 0, 1, 1, 5, 5]);
  // (levels, N, C, levelSizes, layout, scales, rois, K, roiLevels, out, PH, PW, samplingRatio, aligned, maxSamples, threads)
  const levels = [[level0, level1], 1, 2, [8, 8, 4, 4], 0, new Float32Array([1, 0.5])];
  const args = [...levels, rois, 2, new Int32Array([0, -1]), new Float32Array(16), 2, 2, 2, false, 1 << 24, 0];
  const typeError = (message: string) => new TypeError(`roi-ops native binding: ${message}`);
  describeBinding(
    {
      name: 'multiScaleRoiAlign',
      args,
      refusals: [
        ['a level shorter than its shape', { 0: [level0, new Float32Array(31)] }, 'input data is shorter than its shape'],
        ['fewer level indices than RoIs', { 8: new Int32Array(1) }, 'RoI level indices are fewer than the RoIs'],
        ['RoI data shorter than K*5', { 7: 3 }, 'RoI data is shorter than count * columns'],
        ['output shorter than [K,C,PH,PW]', { 9: new Float32Array(15) }, 'output buffer is shorter than [K,C,PH,PW]'],
        ['no levels', { 0: [], 3: [], 5: new Float32Array(0) }, 'at least one feature level is needed'],
        ['a shape that overflows', overflow, 'input shape overflows'],
        ['an odd level-size list', { 3: [8, 8, 4] }, typeError('argument 3 must be an array of two integers per level')],
        ['a level that is not a Float32Array', { 0: [level0, new Float64Array(32)] }, typeError('argument 0 must be an array of Float32Arrays')],
        ['fewer scales than levels', { 5: new Float32Array(1) }, typeError('argument 5 must be a Float32Array of one scale per level')],
      ],
    },
    () => {
      it('gives a row of zeros for level -1', () => {
        const out = new Float32Array(16).fill(7);
        callBinding('multiScaleRoiAlignSync', ...withArgs(args, { 9: out }));
        expect(Array.from(out.subarray(8))).toEqual(new Array(8).fill(0));
      });
    },
  );
}

describeBinding({
  name: 'roiAlignBackward',
  // (gradInput, N, C, H, W, layout, rois, K, gradOutput, input | null, PH, PW, spatialScale, samplingRatio, aligned, mode, maxSamples, threads)
  args: [new Float32Array(1 * 2 * 4 * 4), 1, 2, 4, 4, 0, box, 1, new Float32Array(8), null, 2, 2, 1, 2, false, 0, 1 << 24, 0],
  refusals: [
    ...shortGradients(32, '[K,C,PH,PW]'),
    ['RoI data shorter than K*5', { 7: 2 }, 'RoI data is shorter than count * columns'],
    ['max without the forward input', { 15: 1 }, "the max modes need the forward input, with the gradient's shape and layout"],
    ['a forward input shorter than the gradient', { 9: new Float32Array(31), 15: 2 }, 'input data is shorter than its shape'],
    ['a shape that overflows', overflow, 'input gradient shape overflows'],
  ],
});
