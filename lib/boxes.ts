// Boxes in any of the three forms of docs/api.md "Tensors", turned into the one form the kernels read: K rows
// of (batchIndex, x1, y1, x2, y2) — or, for rotated boxes, (batchIndex, cx, cy, w, h, angle).
// A [K,5] ([K,6]) tensor is used in place; the other forms ([K,4] ([K,5]) for a batch of
// one image, a list of per-image tensors) are copied into a new (small) array.
import { formatShape, rangeError } from './errors.js';
import type { BoxColumns, RoiRows } from './model.js';
import type { InvalidBoxPolicy } from './types.js';
import { mapIndices, readTensor } from './validate.js';

const rowDescription: Record<BoxColumns, string> = {
  5: '(batchIndex, x1, y1, x2, y2)',
  6: '(batchIndex, cx, cy, w, h, angle)',
};

export function readBoxes(
  fn: string,
  value: unknown,
  batch: number,
  columns: BoxColumns = 5,
  argument = 'boxes',
): RoiRows {
  if (Array.isArray(value)) return readPerImageBoxes(fn, value, batch, columns, argument);
  const { data, shape } = readTensor(fn, argument, value);
  const [count = 0, given] = shape;
  const coordinates = columns - 1;
  const rowName = (k: number) => `${argument} row ${k}`;
  if (shape.length === 2 && given === columns) return { data, count, rowName };
  if (shape.length === 2 && given === coordinates) {
    if (batch !== 1) {
      throw rangeError(
        fn,
        `${argument} has shape ${formatShape(shape)}, which is only allowed when the input batch is 1, but it is ${batch}; ` +
          `pass [K,${columns}] rows ${rowDescription[columns]} or one [L,${coordinates}] tensor per image`,
      );
    }
    const rows = new Float32Array(count * columns);
    for (let k = 0; k < count; k++) rows.set(data.subarray(k * coordinates, (k + 1) * coordinates), k * columns + 1);
    return { data: rows, count, rowName };
  }
  throw rangeError(
    fn,
    `expected shape [K,${columns}] or [K,${coordinates}] for ${argument} but received ${formatShape(shape)}`,
  );
}

function readPerImageBoxes(
  fn: string,
  list: readonly unknown[],
  batch: number,
  columns: BoxColumns,
  argument: string,
): RoiRows {
  const coordinates = columns - 1;
  if (list.length > batch) {
    throw rangeError(fn, `${argument} has ${list.length} per-image tensors but the input batch is ${batch}`);
  }
  const tensors = mapIndices(list, (item, i) => {
    const tensor = readTensor(fn, `${argument}[${i}]`, item);
    if (tensor.shape.length !== 2 || tensor.shape[1] !== coordinates) {
      throw rangeError(
        fn,
        `expected shape [L,${coordinates}] for ${argument}[${i}] but received ${formatShape(tensor.shape)}`,
      );
    }
    return tensor;
  });
  const count = tensors.reduce((sum, t) => sum + (t.shape[0] ?? 0), 0);
  const rows = new Float32Array(count * columns);
  const origin: Array<[image: number, row: number]> = [];
  let k = 0;
  tensors.forEach((tensor, image) => {
    for (let r = 0; r < (tensor.shape[0] ?? 0); r++, k++) {
      rows[k * columns] = image;
      rows.set(tensor.data.subarray(r * coordinates, (r + 1) * coordinates), k * columns + 1);
      origin.push([image, r]);
    }
  });
  return { data: rows, count, rowName: (row) => `${argument}[${origin[row]?.[0]}] row ${origin[row]?.[1]}` };
}

/**
 * docs/api.md "Bad input": a row whose batch index is not an integer in [0, N) or that has a
 * non-finite coordinate is a RangeError naming the row, unless the policy is 'zero' (the
 * kernels then pool it to zeros: they re-check every row themselves).
 */
export function checkBoxRows(
  fn: string,
  rois: RoiRows,
  batch: number,
  policy: InvalidBoxPolicy,
  columns: BoxColumns = 5,
): void {
  if (policy === 'zero') return;
  const { data } = rois;
  for (let k = 0; k < rois.count; k++) {
    const b = data[k * columns] as number;
    if (!(Number.isInteger(b) && b >= 0 && b < batch)) {
      throw rangeError(
        fn,
        `${rois.rowName(k)} has batch index ${b}, expected an integer in [0, ${batch}) ` +
          "(or pass invalidBoxes: 'zero' to pool such rows to zeros)",
      );
    }
    for (let j = 1; j < columns; j++) {
      const v = data[k * columns + j] as number;
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
