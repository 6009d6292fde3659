// docs/api.md "Bad input": every refusal is a TypeError or RangeError whose message names the
// function, the argument, what was expected and what came. Each message is asserted here.
import { describe, expect, it } from 'vitest';

import {
  getNumThreads,
  psRoiAlign,
  psRoiAlignSync,
  roiAlign,
  roiAlignRotatedSync,
  roiAlignSync,
  roiPool,
  roiPoolSync,
  setNumThreads,
  spatialPyramidPoolSync,
} from '../../lib/index.js';

const input = { data: new Float32Array(1 * 3 * 10 * 10), shape: [1, 3, 10, 10] };
const boxes = { data: new Float32Array([0, 1, 1, 6, 6]), shape: [1, 5] };
const options = { outputSize: 2 } as const;

/** Calls roiAlignSync with one argument replaced, and returns what it threw. */
function alignError(overrides: { input?: unknown; boxes?: unknown; options?: unknown }): Error {
  try {
    roiAlignSync(
      (overrides.input ?? input) as never,
      (overrides.boxes ?? boxes) as never,
      ('options' in overrides ? overrides.options : options) as never,
    );
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected roiAlignSync to throw');
}

const float32Scale = (received: string) =>
  `expected a positive number that float32 holds (about 1.4e-45 to 3.4e38; the kernels compute in float32) for options.spatialScale but received ${received} (number)`;

function expectError(error: Error, type: typeof TypeError | typeof RangeError, message: string): void {
  expect(error).toBeInstanceOf(type);
  expect(error.message).toBe(message);
}

describe('input', () => {
  it('must be a tensor', () => {
    expectError(
      alignError({ input: 42 }),
      TypeError,
      'roiAlignSync: expected a tensor {data, shape} or {data, dims} for input but received 42 (number)',
    );
  });

  it('must hold float32 data or 16-bit patterns that say which format', () => {
    const maps =
      "a Float32Array, a Float16Array, or a Uint16Array of 16-bit patterns with dtype (or an ort.Tensor's type) 'float16' or 'bfloat16'";
    expectError(
      alignError({ input: { data: new Float64Array(300), shape: [1, 3, 10, 10] } }),
      TypeError,
      `roiAlignSync: expected ${maps} for input.data but received Float64Array(300)`,
    );
    expectError(
      alignError({ input: { data: new Int32Array(300), shape: [1, 3, 10, 10] } }),
      TypeError,
      `roiAlignSync: expected ${maps} for input.data but received Int32Array(300)`,
    );
    expectError(
      alignError({ input: { data: [1, 2], shape: [1, 1, 1, 2] } }),
      TypeError,
      'roiAlignSync: expected a typed array (wrap plain numbers as { data: Float32Array.from(values), shape: [N, C, H, W] }) for input.data but received [1,2] (array)',
    );
    expectError(
      alignError({ input: { data: new Float32Array(300), dims: [1, 3, 10, 10], type: 'float16' } }),
      TypeError,
      `roiAlignSync: expected 'float32' (the data is a Float32Array) for input.type but received "float16" (string)`,
    );
    expectError(
      alignError({ input: { data: new Uint16Array(300), shape: [1, 3, 10, 10] } }),
      TypeError,
      "roiAlignSync: expected 'float16' or 'bfloat16' (a Uint16Array holds 16-bit patterns; the tensor must say which format) for input.type but received undefined",
    );
    expectError(
      alignError({ input: { data: new Uint16Array(300), shape: [1, 3, 10, 10], dtype: 'float32' } }),
      TypeError,
      "roiAlignSync: expected 'float16' or 'bfloat16' (a Uint16Array holds 16-bit patterns; the tensor must say which format) for input.dtype but received \"float32\" (string)",
    );
    expectError(
      alignError({ input: { data: new Uint16Array(300), dims: [1, 3, 10, 10], type: 'int16' } }),
      TypeError,
      `roiAlignSync: expected 'float32', 'float16' or 'bfloat16' for input.type but received "int16" (string)`,
    );
    expectError(
      alignError({ input: { data: new Uint16Array(299), shape: [1, 3, 10, 10], dtype: 'bfloat16' } }),
      RangeError,
      'roiAlignSync: input.data has 299 elements, shape [1,3,10,10] needs 300',
    );
  });

  it('must have a 4-d shape of non-negative integers matching its data', () => {
    expectError(
      alignError({ input: { data: new Float32Array(300) } }),
      TypeError,
      'roiAlignSync: expected an array of dimensions for input.shape but received undefined',
    );
    expectError(
      alignError({ input: { data: new Float32Array(30), shape: [1, 3, 10] } }),
      RangeError,
      'roiAlignSync: expected 4 dimensions for input.shape but received [1,3,10] (array)',
    );
    expectError(
      alignError({ input: { data: new Float32Array(300), dims: [1, 2.5, 10, 12] } }),
      RangeError,
      'roiAlignSync: expected an integer for input.dims[1] but received 2.5 (number)',
    );
    expectError(
      alignError({ input: { data: new Float32Array(299), shape: [1, 3, 10, 10] } }),
      RangeError,
      'roiAlignSync: input.data has 299 elements, shape [1,3,10,10] needs 300',
    );
    expectError(
      alignError({ input: { data: new Float32Array(0), shape: [1, 3, 0, 10] } }),
      RangeError,
      'roiAlignSync: input has shape [1,3,0,10] (NCHW): height and width must be at least 1',
    );
  });

  it('reads a hole in the shape as a missing dimension (found by the API fuzz)', () => {
    // A sparse array: map() skipped the hole and the native binding got `undefined` for N.
    expectError(
      alignError({ input: { data: new Float32Array(300), shape: [, 3, 10, 10] } }),
      TypeError,
      'roiAlignSync: expected an integer for input.shape[0] but received undefined',
    );
  });

  it('sees that a detached buffer holds nothing, also in code optimized on resizable buffers (found by the API fuzz)', () => {
    // Node 20's V8, in optimized code that has seen views of resizable buffers, reports a
    // detached array's old length: the call then failed in the native binding, or the
    // JavaScript backend read nothing. The detached check does not rely on that length.
    const ResizableArrayBuffer = ArrayBuffer as unknown as new (
      length: number,
      options: { maxByteLength: number },
    ) => ArrayBuffer;
    const resizable = {
      data: new Float32Array(new ResizableArrayBuffer(300 * 4, { maxByteLength: 600 * 4 })),
      shape: [1, 3, 10, 10],
    };
    for (let i = 0; i < 10_000; i++) roiAlignSync(resizable, boxes, options); // 3,000 suffice here
    const detached = new Float32Array(300);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    expectError(
      alignError({ input: { data: detached, shape: [1, 3, 10, 10] } }),
      TypeError,
      'roiAlignSync: expected a Float32Array for input.data but received one whose ArrayBuffer is detached ' +
        '(transferred away, e.g. by postMessage or structuredClone)',
    );
  });
});

describe('boxes', () => {
  it('must be [K,5], [K,4] for a batch of one, or a per-image list of [L,4]', () => {
    expectError(
      alignError({ boxes: { data: new Float32Array(6), shape: [1, 6] } }),
      RangeError,
      'roiAlignSync: expected shape [K,5] or [K,4] for boxes but received [1,6]',
    );
    const batchOfTwo = { data: new Float32Array(600), shape: [2, 3, 10, 10] };
    expectError(
      alignError({ input: batchOfTwo, boxes: { data: new Float32Array(4), shape: [1, 4] } }),
      RangeError,
      'roiAlignSync: boxes has shape [1,4], which is only allowed when the input batch is 1, but it is 2; ' +
        'pass [K,5] rows (batchIndex, x1, y1, x2, y2) or one [L,4] tensor per image',
    );
    const four = { data: new Float32Array(4), shape: [1, 4] };
    expectError(
      alignError({ boxes: [four, four] }),
      RangeError,
      'roiAlignSync: boxes has 2 per-image tensors but the input batch is 1',
    );
    expectError(
      alignError({ boxes: [{ data: new Float32Array(5), shape: [1, 5] }] }),
      RangeError,
      'roiAlignSync: expected shape [L,4] for boxes[0] but received [1,5]',
    );
    expectError(
      alignError({ boxes: [new Float32Array(4)] }),
      TypeError,
      'roiAlignSync: expected a tensor {data: Float32Array, shape} or {data: Float32Array, dims} for boxes[0] but received Float32Array(4)',
    );
  });

  it('names a row with a bad batch index or a non-finite coordinate', () => {
    const rows = (...values: number[]) => ({ data: new Float32Array(values), shape: [values.length / 5, 5] });
    expectError(
      alignError({ boxes: rows(0, 1, 1, 4, 4, 1, 1, 1, 4, 4) }),
      RangeError,
      "roiAlignSync: boxes row 1 has batch index 1, expected an integer in [0, 1) (or pass invalidBoxes: 'zero' to pool such rows to zeros)",
    );
    expectError(
      alignError({ boxes: rows(0.5, 1, 1, 4, 4) }),
      RangeError,
      "roiAlignSync: boxes row 0 has batch index 0.5, expected an integer in [0, 1) (or pass invalidBoxes: 'zero' to pool such rows to zeros)",
    );
    expectError(
      alignError({ boxes: rows(0, 1, 1, 4, 4, 0, 1, NaN, 4, 4) }),
      RangeError,
      "roiAlignSync: boxes row 1 has a non-finite coordinate NaN at column 2, expected finite numbers (or pass invalidBoxes: 'zero' to pool such rows to zeros)",
    );
    const list = [{ data: new Float32Array([1, 1, 4, 4, 1, 1, Infinity, 4]), shape: [2, 4] }];
    expectError(
      alignError({ boxes: list }),
      RangeError,
      "roiAlignSync: boxes[0] row 1 has a non-finite coordinate Infinity at column 3, expected finite numbers (or pass invalidBoxes: 'zero' to pool such rows to zeros)",
    );
  });

  it('reads a hole in a per-image list as a missing tensor (found by the API fuzz)', () => {
    const batchOfTwo = { data: new Float32Array(600), shape: [2, 3, 10, 10] };
    expectError(
      alignError({ input: batchOfTwo, boxes: [, { data: new Float32Array([1, 1, 4, 4]), shape: [1, 4] }] }),
      TypeError,
      'roiAlignSync: expected a tensor {data: Float32Array, shape} or {data: Float32Array, dims} for boxes[0] but received undefined',
    );
  });
});

describe('options', () => {
  it('must be an object of known options', () => {
    expectError(
      alignError({ options: undefined }),
      TypeError,
      'roiAlignSync: expected an options object for options but received undefined',
    );
    expectError(
      alignError({ options: { outputSize: 2, samplingratio: 2 } }),
      TypeError,
      'roiAlignSync: unknown option options.samplingratio; expected one of outputSize, spatialScale, layout, invalidBoxes, out, threads, outputDtype, samplingRatio, aligned, mode, maxSamplesPerRoi',
    );
    expectError(
      alignError({ options: { outputSize: 2, signal: new AbortController().signal } }),
      TypeError,
      'roiAlignSync: unknown option options.signal; expected one of outputSize, spatialScale, layout, invalidBoxes, out, threads, outputDtype, samplingRatio, aligned, mode, maxSamplesPerRoi',
    );
  });

  it('outputSize is required: a positive integer or [height, width]', () => {
    expectError(
      alignError({ options: {} }),
      TypeError,
      'roiAlignSync: expected a value (it is required) for options.outputSize but received undefined',
    );
    expectError(
      alignError({ options: { outputSize: 0 } }),
      RangeError,
      'roiAlignSync: expected an integer >= 1 for options.outputSize but received 0 (number)',
    );
    expectError(
      alignError({ options: { outputSize: [2] } }),
      RangeError,
      'roiAlignSync: expected a positive integer or [height, width] for options.outputSize but received [2] (array)',
    );
    expectError(
      alignError({ options: { outputSize: [2, 1.5] } }),
      RangeError,
      'roiAlignSync: expected an integer for options.outputSize[1] but received 1.5 (number)',
    );
    expectError(
      alignError({ options: { outputSize: '7' } }),
      TypeError,
      'roiAlignSync: expected a positive integer or [height, width] for options.outputSize but received "7" (string)',
    );
  });

  it('checks every other option', () => {
    const cases: Array<[Record<string, unknown>, typeof TypeError, string]> = [
      [
        { spatialScale: -1 },
        RangeError,
        'expected a positive finite number for options.spatialScale but received -1 (number)',
      ],
      [
        { spatialScale: NaN },
        RangeError,
        'expected a positive finite number for options.spatialScale but received NaN (number)',
      ],
      [
        { spatialScale: '1' },
        TypeError,
        'expected a positive finite number for options.spatialScale but received "1" (string)',
      ],
      // Found by the API fuzz: finite doubles that float32, in which the kernels compute, turns into infinity or 0
      // (the native kernels refused the first as "roiAlign: spatial scale must be finite"; the JavaScript ones gave NaN).
      [{ spatialScale: 3.5e38 }, RangeError, float32Scale('3.5e+38')],
      [{ spatialScale: Number.MAX_VALUE }, RangeError, float32Scale('1.7976931348623157e+308')],
      [{ spatialScale: 1e-46 }, RangeError, float32Scale('1e-46')],
      [{ samplingRatio: 1.5 }, RangeError, 'expected an integer for options.samplingRatio but received 1.5 (number)'],
      [{ aligned: 'yes' }, TypeError, 'expected a boolean for options.aligned but received "yes" (string)'],
      [
        { mode: 'mean' },
        RangeError,
        `expected one of 'avg', 'max', 'onnx-max' for options.mode but received "mean" (string)`,
      ],
      [{ layout: 'CHW' }, RangeError, `expected one of 'NCHW', 'NHWC' for options.layout but received "CHW" (string)`],
      [
        { invalidBoxes: 'skip' },
        RangeError,
        `expected one of 'error', 'zero' for options.invalidBoxes but received "skip" (string)`,
      ],
      [
        { maxSamplesPerRoi: 0 },
        RangeError,
        'expected an integer >= 1 for options.maxSamplesPerRoi but received 0 (number)',
      ],
      [
        { out: new Float64Array(12) },
        TypeError,
        'expected a Float32Array, a Uint16Array or a Float16Array for options.out but received Float64Array(12)',
      ],
      [
        { out: new Uint16Array(12) },
        TypeError,
        "expected a Float32Array (options.outputDtype is 'float32') for options.out but received Uint16Array(12)",
      ],
      [
        { out: new Float32Array(12), outputDtype: 'float16' },
        TypeError,
        "expected a Uint16Array or a Float16Array (options.outputDtype is 'float16') for options.out but received Float32Array(12)",
      ],
      [
        { out: new Float32Array(12), outputDtype: 'bfloat16' },
        TypeError,
        "expected a Uint16Array (options.outputDtype is 'bfloat16') for options.out but received Float32Array(12)",
      ],
      [
        { out: new Uint16Array(11), outputDtype: 'bfloat16' },
        RangeError,
        'options.out has 11 elements, the output [1,3,2,2] needs 12',
      ],
      [
        { outputDtype: 'half' },
        RangeError,
        `expected one of 'float32', 'float16', 'bfloat16' for options.outputDtype but received "half" (string)`,
      ],
      [{ threads: 0 }, RangeError, 'expected an integer in [1, 65536] for options.threads but received 0 (number)'],
    ];
    for (const [extra, type, message] of cases) {
      expectError(alignError({ options: { outputSize: 2, ...extra } }), type, `roiAlignSync: ${message}`);
    }
  });

  it('refuses an out of the wrong length or overlapping the input', () => {
    expectError(
      alignError({ options: { outputSize: 2, out: new Float32Array(11) } }),
      RangeError,
      'roiAlignSync: options.out has 11 elements, the output [1,3,2,2] needs 12',
    );
    expectError(
      alignError({ options: { outputSize: 2, out: input.data.subarray(100, 112) } }),
      RangeError,
      'roiAlignSync: options.out overlaps the input data; pass a separate buffer',
    );
  });

  it('refuses a sampling grid over maxSamplesPerRoi, naming the row', () => {
    const big = { data: new Float32Array([0, 0, 0, 6, 6, 0, 0, 0, 1e30, 1e30]), shape: [2, 5] };
    expectError(
      alignError({ boxes: big }),
      RangeError,
      'roiAlignSync: boxes row 1 needs 1.00e+60 samples (2x2 bins of 5.00e+29x5.00e+29), over options.maxSamplesPerRoi = 16777216; pass a samplingRatio or raise maxSamplesPerRoi',
    );
    expectError(
      alignError({ options: { outputSize: 2, maxSamplesPerRoi: 35 } }),
      RangeError,
      'roiAlignSync: boxes row 0 needs 36 samples (2x2 bins of 3x3), over options.maxSamplesPerRoi = 35; pass a samplingRatio or raise maxSamplesPerRoi',
    );
    expect(roiAlignSync(input, big, { outputSize: 2, samplingRatio: 2 }).shape).toEqual([2, 3, 2, 2]);
  });

  it('refuses a grid of 0 x infinity samples per bin, as the native kernels do (found by the API fuzz)', () => {
    // x1*2 and x2*2 overflow float32: an infinitely wide box of zero height. 0*Infinity is NaN,
    // which passed `samples > maxSamplesPerRoi`; the native kernels refused it in their own words.
    const overflowing = { data: new Float32Array([0, -3e38, 1, 3e38, 1]), shape: [1, 5] };
    expectError(
      alignError({ boxes: overflowing, options: { outputSize: 2, spatialScale: 2, aligned: true } }),
      RangeError,
      'roiAlignSync: boxes row 0 has an unbounded sampling grid (2x2 bins of 0xInfinity), its extent overflows float32; pass a samplingRatio',
    );
  });

  it('pools a box of zero height and any width to zeros without building its samples (found by the API fuzz)', () => {
    // 0 x 357913942 samples per bin is within the budget (0 samples), but the JavaScript kernels built the
    // 357913942 x-taps anyway and the process died (V8 "invalid size error"); the native ones made both grids 0.
    const wide = { data: new Float32Array([0, 1, 1, 2 ** 31, 1]), shape: [1, 5] };
    expect(roiAlignSync(input, wide, { outputSize: [1, 3], aligned: true }).data).toEqual(new Float32Array(9));
    const tall = { data: new Float32Array([0, 5, 5, 0, 2 ** 31, 0]), shape: [1, 6] };
    expect(roiAlignRotatedSync(input, tall, { outputSize: [3, 1] }).data).toEqual(new Float32Array(9));
  });

  it('does not visit an empty map, however large its other dimensions (found by the API fuzz)', async () => {
    // [2^40, 2, 3, 0] NHWC has no elements: nothing to write. The native channels-last copy
    // of the map still walked its 2^40 x 6 pixels (a hang); an empty output is now not run.
    const empty = { data: new Float32Array(0), shape: [2 ** 40, 2, 3, 0] };
    const noBoxes = { data: new Float32Array(0), shape: [0, 5] };
    expect(psRoiAlignSync(empty, noBoxes, { outputSize: 2, layout: 'NHWC' }).shape).toEqual([0, 2, 2, 0]);
    expect((await psRoiAlign(empty, noBoxes, { outputSize: 2, layout: 'NHWC' })).shape).toEqual([0, 2, 2, 0]);
    await expect(
      psRoiAlign(empty, noBoxes, { outputSize: 2, layout: 'NHWC', signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(spatialPyramidPoolSync({ data: new Float32Array(0), shape: [2 ** 40, 0, 1, 1] }).shape).toEqual([
      2 ** 40,
      0,
    ]);
  });

  it("refuses an output over the engine's typed array limit before allocating it", () => {
    const wide = { data: new Float32Array(65536), shape: [1, 65536, 1, 1] };
    expectError(
      alignError({ input: wide, options: { outputSize: [256, 257], samplingRatio: 1 } }),
      RangeError,
      "roiAlignSync: the output [1,65536,256,257] has 4311744512 elements, over this engine's typed array limit of 4294967296",
    );
  });
});

describe('roiPool options', () => {
  it('checks argmaxOut: an Int32Array of the output length, only with returnArgmax, apart from the other buffers', () => {
    const out = new Float32Array(12);
    expect(() =>
      roiPoolSync(input, boxes, { outputSize: 2, returnArgmax: true, argmaxOut: new Float32Array(12) as never }),
    ).toThrow(new TypeError('roiPoolSync: expected an Int32Array for options.argmaxOut but received Float32Array(12)'));
    expect(() => roiPoolSync(input, boxes, { outputSize: 2, argmaxOut: new Int32Array(12) })).toThrow(
      new RangeError('roiPoolSync: options.argmaxOut is only used with returnArgmax: true'),
    );
    expect(() =>
      roiPoolSync(input, boxes, { outputSize: 2, returnArgmax: true, argmaxOut: new Int32Array(13) }),
    ).toThrow(new RangeError('roiPoolSync: options.argmaxOut has 13 elements, the output [1,3,2,2] needs 12'));
    const shared = new ArrayBuffer(96);
    expect(() =>
      roiPoolSync(input, boxes, {
        outputSize: 2,
        returnArgmax: true,
        out: new Float32Array(shared, 0, 12),
        argmaxOut: new Int32Array(shared, 32, 12),
      }),
    ).toThrow(new RangeError('roiPoolSync: options.argmaxOut overlaps options.out; pass a separate buffer'));
    const argmaxOut = new Int32Array(12).fill(7);
    const result = roiPoolSync(input, boxes, { outputSize: 2, returnArgmax: true, out, argmaxOut });
    expect(result.argmax).toBe(argmaxOut);
    expect(result.argmax).toEqual(roiPoolSync(input, boxes, { outputSize: 2, returnArgmax: true }).argmax);
  });

  it('checks bins and returnArgmax', () => {
    expect(() => roiPoolSync(input, boxes, { outputSize: 2, bins: 'disjoint' as never })).toThrow(
      new RangeError(
        `roiPoolSync: expected one of 'overlap', 'split' for options.bins but received "disjoint" (string)`,
      ),
    );
    expect(() => roiPoolSync(input, boxes, { outputSize: 2, returnArgmax: 1 as never })).toThrow(
      new TypeError('roiPoolSync: expected a boolean for options.returnArgmax but received 1 (number)'),
    );
  });
});

describe('async forms', () => {
  it('reject with the same errors, named after the async function', async () => {
    await expect(roiAlign(input, boxes, { outputSize: 2, samplingRatio: 1.5 })).rejects.toThrow(
      new RangeError('roiAlign: expected an integer for options.samplingRatio but received 1.5 (number)'),
    );
    await expect(roiPool({ data: new Float32Array(299), shape: [1, 3, 10, 10] }, boxes, options)).rejects.toThrow(
      new RangeError('roiPool: input.data has 299 elements, shape [1,3,10,10] needs 300'),
    );
    await expect(roiAlign(input, boxes, { outputSize: 2, signal: 'stop' as never })).rejects.toThrow(
      new TypeError('roiAlign: expected an AbortSignal for options.signal but received "stop" (string)'),
    );
  });
});

describe('setNumThreads', () => {
  it('takes a positive integer', () => {
    expect(() => setNumThreads(0)).toThrow(
      new RangeError('setNumThreads: expected an integer in [1, 65536] for threads but received 0 (number)'),
    );
    expect(() => setNumThreads('2' as never)).toThrow(
      new TypeError('setNumThreads: expected an integer for threads but received "2" (string)'),
    );
    const before = getNumThreads();
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    setNumThreads(before);
  });
});
