// docs/api.md "Tensors": boxes as plain rows of numbers (number[][]) mean what the tensor forms
// mean, for every operator that takes boxes, sync and async; each row is judged as written
// (float64), before it is narrowed to float32 (issue 16 item 6: 0.99999999 is not a batch index
// although float32 rounds it to 1). The tensor forms, checked against the golden vectors
// elsewhere, are the oracle here. Maps as plain arrays are refused, saying how to wrap them.
import { describe, expect, it } from 'vitest';

import * as roiOps from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectConfiguredBackend } from '../helpers/backend.js';

type Form = 'sync' | 'async';

/** The Sync or async form of operator `name`, called with `args`; what it returns or throws. */
async function call(name: string, form: Form, ...args: unknown[]): Promise<Tensor> {
  const fn = (roiOps as unknown as Record<string, (...a: unknown[]) => Tensor | Promise<Tensor>>)[
    form === 'sync' ? `${name}Sync` : name
  ];
  if (!fn) throw new Error(`no operator ${name}`);
  return fn(...args);
}

/** What `run` threw (sync) or rejected with (async). */
async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

async function expectFailure(
  run: () => Promise<unknown>,
  type: typeof TypeError | typeof RangeError,
  message: string,
): Promise<void> {
  const error = await failure(run);
  expect(error).toBeInstanceOf(type);
  expect(error.message).toBe(message);
}

/** A map of distinct, deterministic values (no two pixels alike, so a wrong image or box shows). */
function map(shape: number[]): { data: Float32Array; shape: number[] } {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 10 + (i % 7)), shape };
}

function tensor(rows: number[][]): { data: Float32Array; shape: number[] } {
  return { data: Float32Array.from(rows.flat()), shape: [rows.length, rows[0]?.length ?? 0] };
}

const forms: Form[] = ['sync', 'async'];
const input = map([2, 8, 12, 12]);
const rows5 = [
  [0, 1, 1, 9, 7],
  [1, 0.5, 2.25, 11, 11],
  [1, 3, 3, 3, 8],
];
const rows6 = [
  [0, 6, 6, 8, 4, 30],
  [1, 5.5, 4, 6, 6, -45],
];

describe('number[][] boxes give what the tensor forms give', () => {
  interface Case {
    name: string;
    /** The arguments with `boxes` in its place: the number rows, or the tensor they stand for. */
    args: (boxes: unknown) => unknown[];
    rows: number[][];
  }
  const gradOutput = (channels: number, K: number) => map([K, channels, 2, 2]);
  const cases: Case[] = [
    { name: 'roiPool', args: (b) => [input, b, { outputSize: 2 }], rows: rows5 },
    { name: 'roiAlign', args: (b) => [input, b, { outputSize: [2, 3], spatialScale: 0.5 }], rows: rows5 },
    { name: 'psRoiPool', args: (b) => [input, b, { outputSize: 2 }], rows: rows5 },
    { name: 'psRoiAlign', args: (b) => [input, b, { outputSize: 2, samplingRatio: 2 }], rows: rows5 },
    { name: 'preciseRoiPool', args: (b) => [input, b, { outputSize: 2 }], rows: rows5 },
    { name: 'roiAlignRotated', args: (b) => [input, b, { outputSize: 2 }], rows: rows6 },
    {
      name: 'multiScaleRoiAlign',
      args: (b) => [[input, map([2, 8, 6, 6])], b, { outputSize: 2, scales: [1, 0.5], canonicalScale: 8 }],
      rows: rows5,
    },
    { name: 'spatialPyramidPool', args: (b) => [input, { boxes: b, levels: [1, 2] }], rows: rows5 },
    {
      name: 'roiAlignBackward',
      args: (b) => [gradOutput(8, 3), b, { inputShape: input.shape, outputSize: 2 }],
      rows: rows5,
    },
    {
      name: 'psRoiAlignBackward',
      args: (b) => [gradOutput(2, 3), b, { inputShape: input.shape, samplingRatio: 2 }],
      rows: rows5,
    },
    { name: 'psRoiPoolBackward', args: (b) => [gradOutput(2, 3), b, { inputShape: input.shape }], rows: rows5 },
    {
      name: 'preciseRoiPoolBackward',
      args: (b) => [gradOutput(8, 3), b, { inputShape: input.shape }],
      rows: rows5,
    },
    {
      name: 'roiAlignRotatedBackward',
      args: (b) => [gradOutput(8, 2), b, { inputShape: input.shape }],
      rows: rows6,
    },
  ];

  it('runs on the configured backend', () => {
    expectConfiguredBackend();
  });

  for (const c of cases) {
    for (const form of forms) {
      it(`${c.name} (${form})`, async () => {
        const expected = await call(c.name, form, ...c.args(tensor(c.rows)));
        const actual = await call(c.name, form, ...c.args(c.rows));
        expect(actual.shape).toEqual(expected.shape);
        expect(actual.data).toEqual(expected.data);
        // Not all zeros: the boxes were read, not dropped.
        expect(actual.data.some((v) => v !== 0)).toBe(true);
      });
    }
  }

  it('roiPoolBackward, with the forward argmax', async () => {
    const forward = roiOps.roiPoolSync(input, rows5, { outputSize: 2, returnArgmax: true });
    const grad = gradOutput(8, 3);
    const expected = roiOps.roiPoolBackwardSync(grad, forward.argmax, tensor(rows5), { inputShape: input.shape });
    for (const form of forms) {
      const actual = await call('roiPoolBackward', form, grad, forward.argmax, rows5, { inputShape: input.shape });
      expect(actual.data).toEqual(expected.data);
    }
  });

  it('cropAndResize: rows of 4 normalized (y1, x1, y2, x2)', async () => {
    const image = map([2, 9, 9, 3]);
    const rows = [
      [0.1, 0.2, 0.8, 0.9],
      [-0.5, 0, 0.5, 1.5],
    ];
    const expected = roiOps.cropAndResizeSync(image, tensor(rows), [1, 0], [3, 4]);
    for (const form of forms) {
      const actual = await call('cropAndResize', form, image, rows, [1, 0], [3, 4]);
      expect(actual.shape).toEqual([2, 3, 4, 3]);
      expect(actual.data).toEqual(expected.data);
    }
  });

  it('rows without the batch index for a batch of one image, as a [K,4] tensor', async () => {
    const single = map([1, 8, 12, 12]);
    const rows = rows5.map((row) => row.slice(1));
    for (const form of forms) {
      const expected = await call('roiAlign', form, single, tensor(rows.map((row) => [0, ...row])), { outputSize: 2 });
      const actual = await call('roiAlign', form, single, rows, { outputSize: 2 });
      expect(actual.data).toEqual(expected.data);
      const rotated = await call('roiAlignRotated', form, single, [[6, 6, 8, 4, 30]], { outputSize: 2 });
      const rotatedTensor = await call('roiAlignRotated', form, single, tensor([[0, 6, 6, 8, 4, 30]]), {
        outputSize: 2,
      });
      expect(rotated.data).toEqual(rotatedTensor.data);
    }
  });

  it('an empty list gives an empty output', () => {
    expect(roiOps.roiAlignSync(input, [], { outputSize: 2 }).shape).toEqual([0, 8, 2, 2]);
    expect(roiOps.cropAndResizeSync(input, [], [], 2, { layout: 'NCHW' }).shape).toEqual([0, 8, 2, 2]);
  });

  it('narrows coordinates to float32 as a Float32Array would', () => {
    const given = [[0, 1.1, 1.3, 7.7, 9.1]];
    const narrowed = tensor(given); // Float32Array.from rounds each number to nearest
    expect(roiOps.roiAlignSync(input, given, { outputSize: 2 }).data).toEqual(
      roiOps.roiAlignSync(input, narrowed, { outputSize: 2 }).data,
    );
  });
});

describe('rows are judged before float32 rounds them', () => {
  const invalid = "(or pass invalidBoxes: 'zero' to pool such rows to zeros)";

  for (const form of forms) {
    const fn = form === 'sync' ? 'roiAlignSync' : 'roiAlign';
    const align = (boxes: unknown, options: object = {}) =>
      call('roiAlign', form, input, boxes, { outputSize: 2, ...options });

    it(`a batch index that is not an integer, even if float32 rounds it to one (${form})`, async () => {
      expect(Math.fround(0.99999999)).toBe(1); // what the row would become, silently
      await expectFailure(
        () => align([rows5[0], [0.99999999, 1, 1, 6, 6]]),
        RangeError,
        `${fn}: boxes[1] has batch index 0.99999999, expected an integer in [0, 2) ${invalid}`,
      );
      await expectFailure(
        () => align([[1e-50, 1, 1, 6, 6]]),
        RangeError,
        `${fn}: boxes[0] has batch index 1e-50, expected an integer in [0, 2) ${invalid}`,
      );
      await expectFailure(
        () => align([[2, 1, 1, 6, 6]]),
        RangeError,
        `${fn}: boxes[0] has batch index 2, expected an integer in [0, 2) ${invalid}`,
      );
      await expectFailure(
        () => align([[NaN, 1, 1, 6, 6]]),
        RangeError,
        `${fn}: boxes[0] has batch index NaN, expected an integer in [0, 2) ${invalid}`,
      );
    });

    it(`a coordinate that is not finite, or that float32 cannot hold (${form})`, async () => {
      await expectFailure(
        () => align([rows5[0], [1, 1, Infinity, 6, 6]]),
        RangeError,
        `${fn}: boxes[1] has a non-finite coordinate Infinity at column 2, expected finite numbers ${invalid}`,
      );
      expect(Math.fround(1e39)).toBe(Infinity);
      await expectFailure(
        () => align([[0, 1, 1, 1e39, 6]]),
        RangeError,
        `${fn}: boxes[0] has a coordinate 1e+39 beyond float32's range (about 3.4e38; the kernels compute in float32) at column 3, expected finite numbers ${invalid}`,
      );
      await expectFailure(
        () => align([[1, 1, 6, 6]]),
        RangeError,
        `${fn}: boxes has rows of 4 numbers, which are only allowed when the input batch is 1, but it is 2; pass rows of 5 (batchIndex, x1, y1, x2, y2)`,
      );
    });

    it(`with invalidBoxes: 'zero' such rows give zeros and the others what they give alone (${form})`, async () => {
      const bad = [
        [0.99999999, 1, 1, 6, 6],
        [1 + 1e-12, 1, 1, 6, 6],
        [0, 1, 1, 1e39, 6],
        [1, -1e39, 1, 6, 6],
      ];
      const good = rows5[1] as number[];
      const result = await align([...bad, good], { invalidBoxes: 'zero' });
      const block = 8 * 2 * 2;
      expect(result.data.subarray(0, bad.length * block).every((v) => v === 0)).toBe(true);
      const alone = await align([good]);
      expect(result.data.subarray(bad.length * block)).toEqual(alone.data);
      // The rows rounded by float32 would have pooled image 1 or 0, not zeros:
      const rounded = await align(tensor([bad[0] as number[]]));
      expect(rounded.data.some((v) => v !== 0)).toBe(true);
    });
  }

  it('a batch index float32 cannot hold exactly is refused, not rounded to another image', () => {
    // 2^24 + 1 is an integer below N, but float32 holds only 2^24 or 2^24 + 2: a neighbouring image.
    const huge = { data: new Float32Array(2 ** 24 + 2), shape: [2 ** 24 + 2, 1, 1, 1] };
    expect(() => roiOps.roiAlignSync(huge, [[2 ** 24 + 1, 0, 0, 1, 1]], { outputSize: 1 })).toThrow(
      new RangeError(
        `roiAlignSync: boxes[0] has batch index 16777217, expected an integer in [0, 16777218) that float32 holds exactly (the kernels read boxes as float32) ${invalid}`,
      ),
    );
  });

  it('the same for multiScaleRoiAlign, spatialPyramidPool, roiAlignRotated and the backward passes', () => {
    const levels = [input, map([2, 8, 6, 6])];
    expect(() =>
      roiOps.multiScaleRoiAlignSync(levels, [[0.99999999, 1, 1, 6, 6]], { outputSize: 2, scales: [1, 0.5] }),
    ).toThrow(`multiScaleRoiAlignSync: boxes[0] has batch index 0.99999999, expected an integer in [0, 2) ${invalid}`);
    expect(() =>
      roiOps.spatialPyramidPoolSync(input, {
        boxes: [
          [0, 1, 1, 6, 6],
          [0.5 + 2 ** -40, 1, 1, 6, 6],
        ],
      }),
    ).toThrow(
      `spatialPyramidPoolSync: options.boxes[1] has batch index 0.5000000000009095, expected an integer in [0, 2) ${invalid}`,
    );
    expect(() => roiOps.roiAlignRotatedSync(input, [[0, 6, 6, 8, 4, 1e300]], { outputSize: 2 })).toThrow(
      `roiAlignRotatedSync: boxes[0] has a coordinate 1e+300 beyond float32's range (about 3.4e38; the kernels compute in float32) at column 5, expected finite numbers ${invalid}`,
    );
    expect(() =>
      roiOps.roiAlignBackwardSync(map([1, 8, 2, 2]), [[1.0000000001, 1, 1, 6, 6]], { inputShape: input.shape }),
    ).toThrow(`roiAlignBackwardSync: boxes[0] has batch index 1.0000000001, expected an integer in [0, 2) ${invalid}`);
    const zeroed = roiOps.roiAlignBackwardSync(map([1, 8, 2, 2]), [[1.0000000001, 1, 1, 6, 6]], {
      inputShape: input.shape,
      invalidBoxes: 'zero',
    });
    expect(zeroed.data.every((v) => v === 0)).toBe(true);
  });

  it('cropAndResize refuses a coordinate float32 cannot hold, or crops it to zeros', () => {
    const image = map([1, 4, 4, 1]);
    expect(() => roiOps.cropAndResizeSync(image, [[0, 0, 1, -1e40]], [0], 2)).toThrow(
      new RangeError(
        "cropAndResizeSync: boxes[0] has a coordinate -1e+40 beyond float32's range (about 3.4e38; the kernels compute in float32) at column 3, expected finite numbers (or pass invalidBoxes: 'zero' to crop such boxes to zeros)",
      ),
    );
    expect(() => roiOps.cropAndResizeSync(image, [[0, NaN, 1, 1]], [0], 2)).toThrow(
      "cropAndResizeSync: boxes[0] has a non-finite coordinate NaN at column 1, expected finite numbers (or pass invalidBoxes: 'zero' to crop such boxes to zeros)",
    );
    const zeroed = roiOps.cropAndResizeSync(image, [[0, 0, 1, -1e40]], [0], 2, { invalidBoxes: 'zero' });
    expect(zeroed.data.every((v) => v === 0)).toBe(true);
  });
});

describe('rows that are not rows of numbers', () => {
  for (const form of forms) {
    const fn = form === 'sync' ? 'roiAlignSync' : 'roiAlign';
    const align = (boxes: unknown) => call('roiAlign', form, input, boxes, { outputSize: 2 });

    it(`names boxes[r] and what came (${form})`, async () => {
      await expectFailure(
        () => align([[0, 1, 1]]),
        RangeError,
        `${fn}: expected a row of 5 numbers (batchIndex, x1, y1, x2, y2), or of 4 for a batch of one image for boxes[0] but received [0,1,1] (array)`,
      );
      await expectFailure(
        () => align([rows5[0], [0, 1, 1, 4]]),
        RangeError,
        `${fn}: expected a row of 5 numbers, as boxes[0] for boxes[1] but received [0,1,1,4] (array)`,
      );
      await expectFailure(
        () => align([rows5[0], 'row']),
        TypeError,
        `${fn}: expected a row of 5 numbers, as boxes[0] for boxes[1] but received "row" (string)`,
      );
      await expectFailure(
        () => align([rows5[0], new Float32Array(5)]),
        TypeError,
        `${fn}: expected a row of 5 numbers, as boxes[0] for boxes[1] but received Float32Array(5)`,
      );
      await expectFailure(
        () => align([[0, 1, '1', 4, 4]]),
        TypeError,
        `${fn}: expected a number for boxes[0][2] but received "1" (string)`,
      );
      await expectFailure(
        () => align([[0, 1, , 4, 4]]), // eslint-disable-line no-sparse-arrays
        TypeError,
        `${fn}: expected a number for boxes[0][2] but received undefined`,
      );
      await expectFailure(
        () => align([[0, 1, 1, 4, 4], ,]), // eslint-disable-line no-sparse-arrays
        TypeError,
        `${fn}: expected a row of 5 numbers, as boxes[0] for boxes[1] but received undefined`,
      );
    });

    it(`a flat number[] says to pass rows or a typed array with a shape (${form})`, async () => {
      await expectFailure(
        () => align([0, 1, 1, 6, 6]),
        TypeError,
        `${fn}: expected rows (number[][], e.g. [[batchIndex, x1, y1, x2, y2]]) or a typed array with a shape ` +
          '({ data: Float32Array.from(values), shape: [K, 5] }), not one flat list of numbers for boxes but received [0,1,1,6,6] (array)',
      );
    });
  }

  it('names the rotated form and cropAndResize in their own terms', () => {
    expect(() => roiOps.roiAlignRotatedSync(input, [0, 6, 6, 8, 4, 30] as never, { outputSize: 2 })).toThrow(
      new TypeError(
        'roiAlignRotatedSync: expected rows (number[][], e.g. [[batchIndex, cx, cy, w, h, angle]]) or a typed array with a shape ' +
          '({ data: Float32Array.from(values), shape: [K, 6] }), not one flat list of numbers for boxes but received [0,6,6,8,4,30] (array)',
      ),
    );
    expect(() => roiOps.roiAlignRotatedSync(input, [[0, 6, 6, 8]], { outputSize: 2 })).toThrow(
      new RangeError(
        'roiAlignRotatedSync: expected a row of 6 numbers (batchIndex, cx, cy, w, h, angle), or of 5 for a batch of one image for boxes[0] but received [0,6,6,8] (array)',
      ),
    );
    const image = map([1, 4, 4, 1]);
    expect(() => roiOps.cropAndResizeSync(image, [0, 0, 1, 1] as never, [0], 2)).toThrow(
      new TypeError(
        'cropAndResizeSync: expected rows (number[][]) or a tensor of shape [K,4] (y1, x1, y2, x2 normalized) for boxes but received [0,0,1,1] (array)',
      ),
    );
    expect(() => roiOps.cropAndResizeSync(image, [[0, 0, 1, 1, 0]], [0], 2)).toThrow(
      new RangeError(
        'cropAndResizeSync: expected a row of 4 numbers, as boxes[0] for boxes[0] but received [0,0,1,1,0] (array)',
      ),
    );
  });
});

describe('maps as plain arrays', () => {
  const boxes = [[0, 1, 1, 4, 4]];
  for (const form of forms) {
    const fn = form === 'sync' ? 'roiAlignSync' : 'roiAlign';
    it(`are refused with how to wrap them (${form})`, async () => {
      await expectFailure(
        () => call('roiAlign', form, { data: [1, 2, 3, 4], shape: [1, 1, 2, 2] }, boxes, { outputSize: 2 }),
        TypeError,
        `${fn}: expected a typed array (wrap plain numbers as { data: Float32Array.from(values), shape: [N, C, H, W] }) for input.data but received [1,2,3,4] (array)`,
      );
      await expectFailure(
        () => call('roiAlign', form, [[[[1, 2]]]], boxes, { outputSize: 2, layout: 'NHWC' }),
        TypeError,
        `${fn}: expected a tensor, not an array (wrap plain numbers as { data: Float32Array.from(values.flat(3)), shape: [N, H, W, C] }) for input but received [object] (array)`,
      );
    });
  }

  it('in every argument that is a map', () => {
    expect(() =>
      roiOps.multiScaleRoiAlignSync([input, { data: [0], dims: [1, 1, 1, 1] }] as never, boxes, {
        outputSize: 2,
        scales: [1, 0.5],
      }),
    ).toThrow(
      new TypeError(
        'multiScaleRoiAlignSync: expected a typed array (wrap plain numbers as { data: Float32Array.from(values), shape: [N, C, H, W] }) for features[1].data but received [0] (array)',
      ),
    );
    expect(() =>
      roiOps.cropAndResizeSync(
        [0, 1] as never,
        boxes.map((b) => b.slice(1)),
        [0],
        2,
      ),
    ).toThrow(
      new TypeError(
        'cropAndResizeSync: expected a tensor, not an array (wrap plain numbers as { data: Float32Array.from(values), shape: [N, H, W, C] }) for image but received [0,1] (array)',
      ),
    );
  });
});
