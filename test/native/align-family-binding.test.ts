// The raw bindings of the RoIAlign-shaped operators (native/addon/align_family_ops.cc):
// psRoiAlign, roiAlignRotated, multiScaleRoiAlign and the backward passes of roiAlign,
// psRoiAlign and roiAlignRotated, called positionally (arguments given by name). What only a raw call can check: the
// addon's own refusals (a RangeError or TypeError with its exact message, never a crash), a
// well-formed call, the async entry and its abort flag. Their numbers are checked through the
// public API on every instruction set: golden vectors and gradients in
// test/api/golden-operators.test.ts, finite-difference gradients and identities in
// test/api/backward-gradients.test.ts.
import { expect, it } from 'vitest';

import { callBinding, describeBinding, withArgs, type Refusal } from '../helpers/native-binding.js';

const box = new Float32Array([0, 0, 0, 3, 3]);
const overflow = { batch: 2 ** 40, channels: 2 ** 40 };

/** What every backward entry here refuses: a gradient buffer or an output gradient too short. */
function shortGradients(gradientLength: number, pooledShape: string): Refusal[] {
  return [
    [
      'gradient shorter than its shape',
      { gradInput: new Float32Array(gradientLength - 1) },
      'input gradient buffer is shorter than its shape',
    ],
    [
      `output gradient shorter than ${pooledShape}`,
      { gradOutput: new Float32Array(7) },
      `output gradient is shorter than ${pooledShape}`,
    ],
  ];
}

{
  const map = new Float32Array(1 * 8 * 4 * 4);
  const pooled = new Float32Array(8);
  const shared = {
    inputType: 0,
    batch: 1,
    channels: 8,
    height: 4,
    width: 4,
    layout: 0,
    rois: box,
    roiCount: 1,
    outputType: 0,
  };
  const options = {
    pooledHeight: 2,
    pooledWidth: 2,
    spatialScale: 1,
    samplingRatio: 2,
    maxSamplesPerRoi: 1 << 24,
    threads: 0,
  };
  const channels: Refusal = [
    'channels not a multiple of PH*PW',
    { channels: 6 },
    'channels must be a multiple of PH*PW',
  ];
  describeBinding({
    name: 'psRoiAlign',
    args: { input: map, ...shared, out: pooled, ...options },
    refusals: [
      channels,
      ['input shorter than its shape', { input: new Float32Array(127) }, 'input data is shorter than its shape'],
      ['RoI data shorter than K*5', { roiCount: 2 }, 'RoI data is shorter than count * columns'],
      ['output shorter than K*C', { out: new Float32Array(7) }, 'output buffer is shorter than [K,C/(PH*PW),PH,PW]'],
      ['a shape that overflows', overflow, 'input shape overflows'],
    ],
  });
  describeBinding({
    name: 'psRoiAlignBackward',
    args: { gradInput: map, ...shared, gradOutput: pooled, ...options },
    refusals: [
      ...shortGradients(128, '[K,C/(PH*PW),PH,PW]'),
      channels,
      ['a shape that overflows', overflow, 'input gradient shape overflows'],
    ],
  });
}

{
  const map = new Float32Array(1 * 2 * 4 * 4);
  const pooled = new Float32Array(8);
  const rois = new Float32Array([0, 2, 2, 3, 3, 30]);
  const shared = {
    inputType: 0,
    batch: 1,
    channels: 2,
    height: 4,
    width: 4,
    layout: 0,
    rois,
    roiCount: 1,
    outputType: 0,
  };
  const options = {
    pooledHeight: 2,
    pooledWidth: 2,
    spatialScale: 1,
    samplingRatio: 2,
    aligned: true,
    clockwise: false,
    maxSamplesPerRoi: 1 << 24,
    threads: 0,
  };
  const shortRois: Refusal = [
    'RoI data shorter than K*6',
    { rois: new Float32Array(5) },
    'RoI data is shorter than count * columns',
  ];
  describeBinding({
    name: 'roiAlignRotated',
    args: { input: map, ...shared, out: pooled, ...options },
    refusals: [
      shortRois,
      ['input shorter than its shape', { input: new Float32Array(31) }, 'input data is shorter than its shape'],
      ['output shorter than [K,C,PH,PW]', { out: new Float32Array(7) }, 'output buffer is shorter than [K,C,PH,PW]'],
      ['a shape that overflows', overflow, 'input shape overflows'],
      [
        'a rotated RoI over the sample budget',
        { rois: new Float32Array([0, 1, 1, 1e30, 1e30, 0]), samplingRatio: 0 },
        "boxes row 0: the RoI's sampling grid exceeds maxSamplesPerRoi",
      ],
    ],
  });
  describeBinding({
    name: 'roiAlignRotatedBackward',
    args: { gradInput: map, ...shared, gradOutput: pooled, ...options },
    refusals: [...shortGradients(32, '[K,C,PH,PW]'), shortRois],
  });
}

{
  const level0 = new Float32Array(1 * 2 * 8 * 8);
  const level1 = new Float32Array(1 * 2 * 4 * 4);
  const rois = new Float32Array([0, 0, 0, 7, 7, 0, 1, 1, 5, 5]);
  const args = {
    levels: [level0, level1],
    inputType: 0,
    batch: 1,
    channels: 2,
    levelSizes: [8, 8, 4, 4],
    layout: 0,
    scales: new Float32Array([1, 0.5]),
    rois,
    roiCount: 2,
    roiLevels: new Int32Array([0, -1]),
    out: new Float32Array(16),
    outputType: 0,
    pooledHeight: 2,
    pooledWidth: 2,
    samplingRatio: 2,
    aligned: false,
    maxSamplesPerRoi: 1 << 24,
    threads: 0,
  };
  const typeError = (message: string) => new TypeError(`roi-ops native binding: ${message}`);
  describeBinding(
    {
      name: 'multiScaleRoiAlign',
      args,
      refusals: [
        [
          'a level shorter than its shape',
          { levels: [level0, new Float32Array(31)] },
          'input data is shorter than its shape',
        ],
        [
          'fewer level indices than RoIs',
          { roiLevels: new Int32Array(1) },
          'RoI level indices are fewer than the RoIs',
        ],
        ['RoI data shorter than K*5', { roiCount: 3 }, 'RoI data is shorter than count * columns'],
        ['output shorter than [K,C,PH,PW]', { out: new Float32Array(15) }, 'output buffer is shorter than [K,C,PH,PW]'],
        [
          'no levels',
          { levels: [], levelSizes: [], scales: new Float32Array(0) },
          'at least one feature level is needed',
        ],
        ['a shape that overflows', overflow, 'input shape overflows'],
        [
          'an odd level-size list',
          { levelSizes: [8, 8, 4] },
          typeError('argument 4 must be an array of two integers per level'),
        ],
        [
          'a level that is not a Float32Array',
          { levels: [level0, new Float64Array(32)] },
          typeError('argument 0 must be an array of Float32Arrays'),
        ],
        [
          'fewer scales than levels',
          { scales: new Float32Array(1) },
          typeError('argument 6 must be a Float32Array of one scale per level'),
        ],
      ],
    },
    () => {
      it('gives a row of zeros for level -1', () => {
        const out = new Float32Array(16).fill(7);
        callBinding('multiScaleRoiAlignSync', ...withArgs('multiScaleRoiAlign', args, { out }));
        expect(Array.from(out.subarray(8))).toEqual(new Array(8).fill(0));
      });
    },
  );
}

describeBinding({
  name: 'roiAlignBackward',
  args: {
    gradInput: new Float32Array(1 * 2 * 4 * 4),
    batch: 1,
    channels: 2,
    height: 4,
    width: 4,
    layout: 0,
    rois: box,
    roiCount: 1,
    gradOutput: new Float32Array(8),
    input: null,
    pooledHeight: 2,
    pooledWidth: 2,
    spatialScale: 1,
    samplingRatio: 2,
    aligned: false,
    mode: 0,
    maxSamplesPerRoi: 1 << 24,
    threads: 0,
  },
  refusals: [
    ...shortGradients(32, '[K,C,PH,PW]'),
    ['RoI data shorter than K*5', { roiCount: 2 }, 'RoI data is shorter than count * columns'],
    [
      'max without the forward input',
      { mode: 1 },
      "the max modes need the forward input, with the gradient's shape and layout",
    ],
    [
      'a forward input shorter than the gradient',
      { input: new Float32Array(31), mode: 2 },
      'input data is shorter than its shape',
    ],
    ['a shape that overflows', overflow, 'input gradient shape overflows'],
  ],
});
