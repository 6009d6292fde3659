// Boxes in any of API.md's three forms, turned into the one form the kernels read: K rows
// of (batchIndex, x1, y1, x2, y2). A [K,5] tensor is used in place; the other forms are
// copied into a new (small) array.
import { formatShape, rangeError } from './errors.js';
import type { InvalidBoxPolicy } from './types.js';
import { readTensor } from './validate.js';

export interface RoiRows {
  data: Float32Array;
  count: number;
  /** How to name row k in a message: "boxes row 3", or "boxes[1] row 0" for a per-image list. */
  rowName: (k: number) => string;
}

export function readBoxes(fn: string, value: unknown, batch: number): RoiRows {
  if (Array.isArray(value)) return readPerImageBoxes(fn, value, batch);
  const { data, shape } = readTensor(fn, 'boxes', value);
  const [count = 0, columns] = shape;
  const rowName = (k: number) => `boxes row ${k}`;
  if (shape.length === 2 && columns === 5) return { data, count, rowName };
  if (shape.length === 2 && columns === 4) {
    if (batch !== 1) {
      throw rangeError(
        fn,
        `boxes has shape ${formatShape(shape)}, which is only allowed when the input batch is 1, but it is ${batch}; ` +
          'pass [K,5] rows (batchIndex, x1, y1, x2, y2) or one [L,4] tensor per image',
      );
    }
    const rows = new Float32Array(count * 5);
    for (let k = 0; k < count; k++) rows.set(data.subarray(k * 4, k * 4 + 4), k * 5 + 1);
    return { data: rows, count, rowName };
  }
  throw rangeError(fn, `expected shape [K,5] or [K,4] for boxes but received ${formatShape(shape)}`);
}

function readPerImageBoxes(fn: string, list: readonly unknown[], batch: number): RoiRows {
  if (list.length > batch) {
    throw rangeError(fn, `boxes has ${list.length} per-image tensors but the input batch is ${batch}`);
  }
  const tensors = list.map((item, i) => {
    const tensor = readTensor(fn, `boxes[${i}]`, item);
    if (tensor.shape.length !== 2 || tensor.shape[1] !== 4) {
      throw rangeError(fn, `expected shape [L,4] for boxes[${i}] but received ${formatShape(tensor.shape)}`);
    }
    return tensor;
  });
  const count = tensors.reduce((sum, t) => sum + (t.shape[0] ?? 0), 0);
  const rows = new Float32Array(count * 5);
  const origin: Array<[image: number, row: number]> = [];
  let k = 0;
  tensors.forEach((tensor, image) => {
    for (let r = 0; r < (tensor.shape[0] ?? 0); r++, k++) {
      rows[k * 5] = image;
      rows.set(tensor.data.subarray(r * 4, r * 4 + 4), k * 5 + 1);
      origin.push([image, r]);
    }
  });
  return { data: rows, count, rowName: (row) => `boxes[${origin[row]?.[0]}] row ${origin[row]?.[1]}` };
}

/**
 * API.md "Bad input": a row whose batch index is not an integer in [0, N) or that has a
 * non-finite coordinate is a RangeError naming the row, unless the policy is 'zero' (the
 * kernels then pool it to zeros: they re-check every row themselves).
 */
export function checkBoxRows(fn: string, rois: RoiRows, batch: number, policy: InvalidBoxPolicy): void {
  if (policy === 'zero') return;
  const { data } = rois;
  for (let k = 0; k < rois.count; k++) {
    const b = data[k * 5] as number;
    if (!(Number.isInteger(b) && b >= 0 && b < batch)) {
      throw rangeError(
        fn,
        `${rois.rowName(k)} has batch index ${b}, expected an integer in [0, ${batch}) ` +
          "(or pass invalidBoxes: 'zero' to pool such rows to zeros)",
      );
    }
    for (let j = 1; j < 5; j++) {
      const v = data[k * 5 + j] as number;
      if (!Number.isFinite(v)) {
        throw rangeError(
          fn,
          `${rois.rowName(k)} has a non-finite coordinate ${v} at column ${j}, expected finite numbers ` +
            "(or pass invalidBoxes: 'zero' to pool such rows to zeros)",
        );
      }
    }
  }
}
