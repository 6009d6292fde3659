// docs/api.md "Bad input" for the operators beyond roiPool and roiAlign: every refusal is a
// TypeError or RangeError naming the function, the argument, what was expected and what
// came. (The checks they share with roiAlign — tensors, boxes rows, outputSize, out — are
// asserted in validation.test.ts; here is what each operator adds.)
import { describe, expect, it } from 'vitest';

import {
  cropAndResizeSync,
  multiScaleRoiAlignSync,
  preciseRoiPoolSync,
  psRoiAlignSync,
  psRoiPoolSync,
  roiAlignBackwardSync,
  roiAlignRotatedSync,
  roiPoolBackwardSync,
  psRoiPoolBackwardSync,
  spatialPyramidPoolSync,
} from '../../lib/index.js';

const map = (shape: number[]) => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape });

function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}

function expectError(call: () => unknown, type: typeof TypeError | typeof RangeError, message: string): void {
  const error = thrown(call);
  expect(error).toBeInstanceOf(type);
  expect(error.message).toBe(message);
}

const box5 = { data: new Float32Array([0, 1, 1, 6, 6]), shape: [1, 5] };

describe('psRoiPool and psRoiAlign', () => {
  it('need C to be a multiple of PH*PW', () => {
    expectError(
      () => psRoiPoolSync(map([1, 10, 8, 8]), box5, { outputSize: 3 }),
      RangeError,
      'psRoiPoolSync: input has 10 channels, which is not a multiple of outputSize 3x3 = 9 (position-sensitive pooling reads one channel group per bin)',
    );
    expectError(
      () => psRoiAlignSync(map([1, 8, 8, 7]), box5, { outputSize: [2, 3], layout: 'NHWC' }),
      RangeError,
      'psRoiAlignSync: input has 7 channels, which is not a multiple of outputSize 2x3 = 6 (position-sensitive pooling reads one channel group per bin)',
    );
  });

  it('refuse options they do not have', () => {
    expectError(
      () => psRoiPoolSync(map([1, 4, 8, 8]), box5, { outputSize: 2, samplingRatio: 2 } as never),
      TypeError,
      'psRoiPoolSync: unknown option options.samplingRatio; expected one of outputSize, spatialScale, layout, invalidBoxes, out, threads, outputDtype',
    );
  });

  it('check out against the reduced channel count', () => {
    expectError(
      () => psRoiAlignSync(map([1, 8, 8, 8]), box5, { outputSize: 2, out: new Float32Array(32) }),
      RangeError,
      'psRoiAlignSync: options.out has 32 elements, the output [1,2,2,2] needs 8',
    );
  });
});

describe('roiAlignRotated', () => {
  it('takes rows of six (or five for a batch of one)', () => {
    expectError(
      () => roiAlignRotatedSync(map([2, 1, 8, 8]), { data: new Float32Array(5), shape: [1, 5] }, { outputSize: 2 }),
      RangeError,
      'roiAlignRotatedSync: boxes has shape [1,5], which is only allowed when the input batch is 1, but it is 2; pass [K,6] rows (batchIndex, cx, cy, w, h, angle) or one [L,5] tensor per image',
    );
    expectError(
      () => roiAlignRotatedSync(map([1, 1, 8, 8]), { data: new Float32Array(4), shape: [1, 4] }, { outputSize: 2 }),
      RangeError,
      'roiAlignRotatedSync: expected shape [K,6] or [K,5] for boxes but received [1,4]',
    );
  });

  it('names a row with a non-finite angle', () => {
    expectError(
      () =>
        roiAlignRotatedSync(
          map([1, 1, 8, 8]),
          { data: new Float32Array([0, 4, 4, 2, 2, NaN]), shape: [1, 6] },
          { outputSize: 2 },
        ),
      RangeError,
      "roiAlignRotatedSync: boxes row 0 has a non-finite coordinate NaN at column 5, expected finite numbers (or pass invalidBoxes: 'zero' to pool such rows to zeros)",
    );
  });
});

describe('multiScaleRoiAlign', () => {
  const levels = [map([1, 2, 16, 16]), map([1, 2, 8, 8])];
  const boxes = { data: new Float32Array([0, 0, 10, 10]), shape: [1, 4] };

  it('takes a non-empty list of levels sharing N and C', () => {
    expectError(
      () => multiScaleRoiAlignSync(map([1, 2, 16, 16]) as never, boxes, { outputSize: 2, scales: [1] }),
      TypeError,
      'multiScaleRoiAlignSync: expected a non-empty array of tensors (finest level first) for features but received Object (object)',
    );
    expectError(
      () =>
        multiScaleRoiAlignSync([map([1, 2, 16, 16]), map([1, 3, 8, 8])], boxes, { outputSize: 2, scales: [1, 0.5] }),
      RangeError,
      'multiScaleRoiAlignSync: features[1] has batch 1 and 3 channels, but features[0] has batch 1 and 2 channels; every level must share them',
    );
  });

  it('needs imageSizes or scales, one of them', () => {
    expectError(
      () => multiScaleRoiAlignSync(levels, boxes, { outputSize: 2 }),
      TypeError,
      'multiScaleRoiAlignSync: expected the [height, width] of each image (or options.scales) for options.imageSizes but received undefined',
    );
    expectError(
      () => multiScaleRoiAlignSync(levels, boxes, { outputSize: 2, scales: [1, 0.5], imageSizes: [[16, 16]] }),
      RangeError,
      'multiScaleRoiAlignSync: pass either options.scales or options.imageSizes, not both',
    );
    expectError(
      () => multiScaleRoiAlignSync(levels, boxes, { outputSize: 2, scales: [1] }),
      RangeError,
      'multiScaleRoiAlignSync: options.scales has 1 entries but there are 2 feature levels',
    );
    expectError(
      () => multiScaleRoiAlignSync(levels, boxes, { outputSize: 2, imageSizes: [[16, 16, 3]] as never }),
      RangeError,
      'multiScaleRoiAlignSync: expected [height, width] for options.imageSizes[0] but received [16,16,3]',
    );
    expectError(
      () => multiScaleRoiAlignSync(levels, boxes, { outputSize: 2, scales: [1, -0.5] }),
      RangeError,
      'multiScaleRoiAlignSync: expected a positive finite number for options.scales[1] but received -0.5 (number)',
    );
    // Found by the API fuzz: the native kernels take the scales as float32.
    expectError(
      () => multiScaleRoiAlignSync(levels, boxes, { outputSize: 2, scales: [1, 3.5e38] }),
      RangeError,
      'multiScaleRoiAlignSync: expected a positive number that float32 holds (about 1.4e-45 to 3.4e38; the kernels compute in float32) for options.scales[1] but received 3.5e+38 (number)',
    );
  });

  it('reads a hole in the list of levels as a missing level (found by the API fuzz)', () => {
    // [, level]: map() skipped the hole, and levels[0].batch threw a bare TypeError.
    expectError(
      () => multiScaleRoiAlignSync([, map([1, 2, 8, 8])] as never, boxes, { outputSize: 2, scales: [1, 0.5] }),
      TypeError,
      'multiScaleRoiAlignSync: expected a tensor {data, shape} or {data, dims} for features[0] but received undefined',
    );
  });

  it('has no spatialScale (the levels have their own)', () => {
    expectError(
      () => multiScaleRoiAlignSync(levels, boxes, { outputSize: 2, scales: [1, 0.5], spatialScale: 1 } as never),
      TypeError,
      'multiScaleRoiAlignSync: unknown option options.spatialScale; expected one of outputSize, layout, invalidBoxes, out, threads, outputDtype, samplingRatio, maxSamplesPerRoi, imageSizes, scales, canonicalScale, canonicalLevel, aligned',
    );
  });
});

describe('spatialPyramidPool', () => {
  it('reads levels as a non-empty list of positive integers', () => {
    expectError(
      () => spatialPyramidPoolSync(map([1, 1, 8, 8]), { levels: [] }),
      RangeError,
      'spatialPyramidPoolSync: expected a non-empty array of positive integers for options.levels but received [] (array)',
    );
    expectError(
      () => spatialPyramidPoolSync(map([1, 1, 8, 8]), { levels: [1, 0] }),
      RangeError,
      'spatialPyramidPoolSync: expected an integer in [1, 65536] for options.levels[1] but received 0 (number)',
    );
    expectError(
      () => spatialPyramidPoolSync(map([1, 1, 8, 8]), { levels: 4 as never }),
      TypeError,
      'spatialPyramidPoolSync: expected a non-empty array of positive integers for options.levels but received 4 (number)',
    );
    // Found by the API fuzz: a hole was skipped (and became level 0 in the native call).
    expectError(
      () => spatialPyramidPoolSync(map([1, 1, 8, 8]), { levels: [, 2] as never }),
      TypeError,
      'spatialPyramidPoolSync: expected an integer for options.levels[0] but received undefined',
    );
  });

  it('reads mode and boxes', () => {
    expectError(
      () => spatialPyramidPoolSync(map([1, 1, 8, 8]), { mode: 'sum' as never }),
      RangeError,
      "spatialPyramidPoolSync: expected one of 'max', 'avg' for options.mode but received \"sum\" (string)",
    );
    expectError(
      () =>
        spatialPyramidPoolSync(map([2, 1, 8, 8]), { boxes: { data: new Float32Array([0, 0, 4, 4]), shape: [1, 4] } }),
      RangeError,
      'spatialPyramidPoolSync: options.boxes has shape [1,4], which is only allowed when the input batch is 1, but it is 2; pass [K,5] rows (batchIndex, x1, y1, x2, y2) or one [L,4] tensor per image',
    );
  });
});

describe('cropAndResize', () => {
  const image = map([2, 8, 8, 3]);
  const boxes = { data: new Float32Array([0, 0, 1, 1]), shape: [1, 4] };

  it('takes [K,4] normalized boxes and one index per box', () => {
    expectError(
      () => cropAndResizeSync(image, box5, [0], 2),
      RangeError,
      'cropAndResizeSync: expected shape [K,4] (y1, x1, y2, x2 normalized) for boxes but received [1,5]',
    );
    expectError(
      () => cropAndResizeSync(image, boxes, [0, 1], 2),
      RangeError,
      'cropAndResizeSync: boxIndices has 2 entries but boxes has 1 rows',
    );
    expectError(
      () => cropAndResizeSync(image, boxes, [0.5] as never, 2),
      TypeError,
      'cropAndResizeSync: expected an Int32Array or an array of integers for boxIndices but received [0.5] (array)',
    );
    expectError(
      () => cropAndResizeSync(image, boxes, new Int32Array([2]), 2),
      RangeError,
      "cropAndResizeSync: boxIndices[0] is 2, expected an integer in [0, 2) (or pass invalidBoxes: 'zero' to crop such boxes to zeros)",
    );
    // Found by the API fuzz: every() skipped the hole, which became index 0.
    expectError(
      () => cropAndResizeSync(image, boxes, [,] as never, 2),
      TypeError,
      'cropAndResizeSync: expected an Int32Array or an array of integers for boxIndices but received [undefined] (array)',
    );
  });

  it('refuses non-finite boxes and bad crop sizes', () => {
    expectError(
      () => cropAndResizeSync(image, { data: new Float32Array([0, Infinity, 1, 1]), shape: [1, 4] }, [0], 2),
      RangeError,
      "cropAndResizeSync: boxes row 0 has a non-finite coordinate Infinity at column 1, expected finite numbers (or pass invalidBoxes: 'zero' to crop such boxes to zeros)",
    );
    expectError(
      () => cropAndResizeSync(image, boxes, [0], [2, 0]),
      RangeError,
      'cropAndResizeSync: expected an integer >= 1 for cropSize[1] but received 0 (number)',
    );
    expectError(
      () => cropAndResizeSync(image, boxes, [0], 2, { method: 'bicubic' as never }),
      RangeError,
      "cropAndResizeSync: expected one of 'bilinear', 'nearest' for options.method but received \"bicubic\" (string)",
    );
  });
});

describe('preciseRoiPool', () => {
  it('shares the pooling checks', () => {
    expectError(
      () => preciseRoiPoolSync(map([1, 1, 8, 8]), box5, { outputSize: 0 }),
      RangeError,
      'preciseRoiPoolSync: expected an integer >= 1 for options.outputSize but received 0 (number)',
    );
  });
});

describe('backward passes', () => {
  const grad = map([1, 2, 2, 2]);

  it('need the forward input shape', () => {
    expectError(
      () => roiAlignBackwardSync(grad, box5, {} as never),
      TypeError,
      'roiAlignBackwardSync: expected a value (it is required) for options.inputShape but received undefined',
    );
    expectError(
      () => roiAlignBackwardSync(grad, box5, { inputShape: [2, 8, 8] }),
      RangeError,
      'roiAlignBackwardSync: expected a 4-D shape for options.inputShape but received [2,8,8]',
    );
    expectError(
      () => roiAlignBackwardSync(grad, box5, { inputShape: [1, , 8, 8] as never }),
      TypeError,
      'roiAlignBackwardSync: expected an integer for options.inputShape[1] but received undefined',
    );
  });

  it('check gradOutput against the boxes and the input shape', () => {
    expectError(
      () => roiAlignBackwardSync(grad, box5, { inputShape: [1, 3, 8, 8] }),
      RangeError,
      'roiAlignBackwardSync: gradOutput [1,2,2,2] (NCHW) has 2 channels, the forward of an input [1,3,8,8] gives 3',
    );
    expectError(
      () => roiAlignBackwardSync(map([2, 2, 2, 2]), box5, { inputShape: [1, 2, 8, 8] }),
      RangeError,
      'roiAlignBackwardSync: gradOutput has 2 rows but boxes has 1',
    );
    expectError(
      () => roiAlignBackwardSync(grad, box5, { inputShape: [1, 2, 8, 8], outputSize: 3 }),
      RangeError,
      'roiAlignBackwardSync: options.outputSize is 3x3 but gradOutput [1,2,2,2] (NCHW) has 2x2 bins',
    );
    // Found by the API fuzz: 0 bins reached the native binding ("argument 10 must be an integer in range").
    expectError(
      () => roiAlignBackwardSync(map([1, 2, 0, 1]), box5, { inputShape: [1, 2, 8, 8] }),
      RangeError,
      'roiAlignBackwardSync: gradOutput [1,2,0,1] (NCHW) has 0x1 bins, expected at least 1x1',
    );
    expectError(
      () => psRoiPoolBackwardSync(map([1, 1, 2, 2]), box5, { inputShape: [1, 6, 8, 8] }),
      RangeError,
      'psRoiPoolBackwardSync: input has 6 channels, which is not a multiple of outputSize 2x2 = 4 (position-sensitive pooling reads one channel group per bin)',
    );
  });

  it('max modes need the forward input', () => {
    expectError(
      () => roiAlignBackwardSync(grad, box5, { inputShape: [1, 2, 8, 8], mode: 'max' }),
      TypeError,
      "roiAlignBackwardSync: expected the forward input (mode 'max' routes the gradient to the winning sample) for options.input but received undefined",
    );
  });

  it('roiPoolBackward checks the argmax it scatters to', () => {
    expectError(
      () => roiPoolBackwardSync(grad, new Float32Array(8) as never, box5, { inputShape: [1, 2, 8, 8] }),
      TypeError,
      "roiPoolBackwardSync: expected an Int32Array (roiPool's returnArgmax result) for argmax but received Float32Array(8)",
    );
    expectError(
      () => roiPoolBackwardSync(grad, new Int32Array(7), box5, { inputShape: [1, 2, 8, 8] }),
      RangeError,
      'roiPoolBackwardSync: argmax has 7 elements, gradOutput has 8',
    );
    expectError(
      () => roiPoolBackwardSync(grad, new Int32Array([0, 1, 2, 64, 0, 0, 0, 0]), box5, { inputShape: [1, 2, 8, 8] }),
      RangeError,
      'roiPoolBackwardSync: argmax[3] is 64, expected -1 or a plane index in [0, 64)',
    );
  });

  it('refuse an out that overlaps gradOutput', () => {
    const buffer = new Float32Array(200);
    expectError(
      () =>
        roiAlignBackwardSync({ data: buffer.subarray(0, 8), shape: [1, 2, 2, 2] }, box5, {
          inputShape: [1, 2, 8, 8],
          out: buffer.subarray(4, 132),
        }),
      RangeError,
      'roiAlignBackwardSync: options.out overlaps gradOutput; pass a separate buffer',
    );
  });
});
