// cropAndResize / cropAndResizeSync: TensorFlow's tf.image.crop_and_resize
// (docs/semantics.md "cropAndResize"): normalized (y1, x1, y2, x2) boxes, a separate box index
// per box, one bilinear (or nearest) sample per output cell with corner-aligned scaling,
// `extrapolationValue` outside the image. NHWC by default, as TensorFlow.
import { copyNumberRows } from '../boxes.js';
import { formatShape, invalidType, rangeError } from '../errors.js';
import { mapStorage } from '../model.js';
import type { BoxRows, CropAndResizeOptions, ForwardAsync, ForwardSync, Tensor, TensorLike } from '../types.js';
import { checkMemory, elementCount, forwardOutput, read, readInputMap, readTensor } from '../validate.js';
import { warnIfCropBoxesOutside } from '../warnings.js';
import { operator } from './operator.js';
import { poolingOptions, readCallOptions } from './pooling.js';

const { invalidBoxes, out, threads, outputDtype } = poolingOptions;

const cropAndResizeOptions = {
  method: { read: read.oneOf(['bilinear', 'nearest'] as const), default: 'bilinear' as const },
  extrapolationValue: { read: read.number, default: 0 },
  layout: { read: read.oneOf(['NCHW', 'NHWC'] as const), default: 'NHWC' as const },
  invalidBoxes,
  out,
  threads,
  outputDtype,
};

/** Every entry, a hole included (every() skips holes), an integer an Int32Array holds. */
function isInt32List(value: readonly unknown[]): boolean {
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (!(Number.isInteger(v) && Math.abs(v as number) < 2 ** 31)) return false;
  }
  return true;
}

/** boxIndices: an Int32Array, or an array of integers (copied into one). */
function readBoxIndices(fn: string, value: unknown, count: number): Int32Array {
  let indices: Int32Array;
  if (value instanceof Int32Array) {
    checkMemory(fn, 'boxIndices', 'an Int32Array', value);
    indices = value;
  } else if (Array.isArray(value) && isInt32List(value)) {
    indices = Int32Array.from(value as number[]);
  } else {
    throw invalidType(fn, 'boxIndices', 'an Int32Array or an array of integers', value);
  }
  if (elementCount(indices) !== count) {
    throw rangeError(fn, `boxIndices has ${elementCount(indices)} entries but boxes has ${count} rows`);
  }
  return indices;
}

/** The boxes as the kernel reads them, and the numbers float32 could not hold (see copyNumberRows). */
interface CropBoxes {
  data: Float32Array;
  count: number;
  /** "boxes row 3" (a tensor) or "boxes[3]" (number[][]), as RoiRows names rows. */
  rowName: (k: number) => string;
  narrowed?: ReadonlyMap<number, number>;
}

/** boxes: a [K,4] tensor, used in place, or K rows of 4 numbers (number[][]), copied. */
function readCropBoxes(fn: string, boxes: unknown): CropBoxes {
  const expectedShape = '[K,4] (y1, x1, y2, x2 normalized)';
  if (Array.isArray(boxes) && boxes.length > 0) {
    if (!Array.isArray(boxes[0])) {
      throw invalidType(fn, 'boxes', `rows (number[][]) or a tensor of shape ${expectedShape}`, boxes);
    }
    const { data, narrowed } = copyNumberRows(fn, 'boxes', boxes, 4, 4, false);
    return { data, count: boxes.length, rowName: (k) => `boxes[${k}]`, narrowed };
  }
  const rowName = (k: number) => `boxes row ${k}`;
  if (Array.isArray(boxes)) return { data: new Float32Array(0), count: 0, rowName };
  const box = readTensor(fn, 'boxes', boxes);
  if (box.shape.length !== 2 || box.shape[1] !== 4) {
    throw rangeError(fn, `expected shape ${expectedShape} for boxes but received ${formatShape(box.shape)}`);
  }
  return { data: box.data, count: box.shape[0] as number, rowName };
}

/** TensorFlow's checks (OutOfRange / InvalidArgument), unless such boxes are to give zeros. */
function checkCropBoxes(
  fn: string,
  { data: boxes, rowName, narrowed }: CropBoxes,
  indices: Int32Array,
  batch: number,
  policy: 'error' | 'zero',
): void {
  if (policy === 'zero') return;
  for (let k = 0; k < indices.length; k++) {
    const b = indices[k] as number;
    if (b < 0 || b >= batch) {
      throw rangeError(
        fn,
        `boxIndices[${k}] is ${b}, expected an integer in [0, ${batch}) (or pass invalidBoxes: 'zero' to crop such boxes to zeros)`,
      );
    }
    for (let j = 0; j < 4; j++) {
      const v = boxes[k * 4 + j] as number;
      if (!Number.isFinite(v)) {
        const given = narrowed?.get(k * 4 + j);
        const what =
          given === undefined
            ? `${rowName(k)} has a non-finite coordinate ${v}`
            : `${rowName(k)} has a coordinate ${given} beyond float32's range (about 3.4e38; the kernels compute in float32)`;
        throw rangeError(
          fn,
          `${what} at column ${j}, expected finite numbers ` +
            "(or pass invalidBoxes: 'zero' to crop such boxes to zeros)",
        );
      }
    }
  }
}

const cropAndResizeOperator = operator('cropAndResize', 4, (fn, image, boxes, boxIndices, cropSize, options) => {
  const opts = readCallOptions(fn, options ?? {}, cropAndResizeOptions);
  const map = readInputMap(fn, 'image', image, opts.layout);
  const box = readCropBoxes(fn, boxes);
  const K = box.count;
  const indices = readBoxIndices(fn, boxIndices, K);
  checkCropBoxes(fn, box, indices, map.batch, opts.invalidBoxes);
  warnIfCropBoxesOutside(fn, box.data, K, map);
  const [cropHeight, cropWidth] = read.outputSize(fn, 'cropSize', cropSize);
  const C = map.channels;
  const shape = opts.layout === 'NHWC' ? [K, cropHeight, cropWidth, C] : [K, C, cropHeight, cropWidth];
  const output = forwardOutput(fn, shape, opts.out, opts.outputDtype, [[mapStorage(map), 'the image data']]);
  const job = {
    image: map,
    boxes: box.data,
    boxIndices: indices,
    boxCount: K,
    cropHeight,
    cropWidth,
    method: opts.method,
    extrapolationValue: opts.extrapolationValue,
    out: output.data,
    outputDtype: opts.outputDtype,
    threads: opts.threads ?? 0,
  };
  return { job, result: { data: output.result as Tensor['data'], shape, dtype: opts.outputDtype } };
});

type CropAndResizeArguments = [
  image: TensorLike,
  boxes: TensorLike | BoxRows,
  boxIndices: Int32Array | readonly number[],
  cropSize: number | readonly [number, number],
];

/** TensorFlow crop_and_resize, blocking. */
export const cropAndResizeSync: ForwardSync<CropAndResizeArguments, CropAndResizeOptions, Tensor, true> =
  cropAndResizeOperator.sync as never;

/** TensorFlow crop_and_resize, off the JavaScript thread. */
export const cropAndResize: ForwardAsync<CropAndResizeArguments, CropAndResizeOptions, Tensor, true> =
  cropAndResizeOperator.async as never;
