// Boxes in any of the four forms of docs/api.md "Tensors", turned into the one form the kernels read: K rows
// of (batchIndex, x1, y1, x2, y2) — or, for rotated boxes, (batchIndex, cx, cy, w, h, angle).
// A [K,5] ([K,6]) tensor is used in place; the other forms ([K,4] ([K,5]) for a batch of
// one image, a list of per-image tensors, number[][] rows) are copied into a new (small) array.
import { formatShape, invalidType, invalidValue, rangeError } from './errors.js';
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
  if (Array.isArray(value)) {
    // A list is told apart by its first item: rows of numbers, a flat list of numbers (refused), or tensors.
    if (Array.isArray(value[0])) return readNumberRows(fn, value, batch, columns, argument);
    if (typeof value[0] === 'number') {
      throw invalidType(
        fn,
        argument,
        `rows (number[][], e.g. [[${rowDescription[columns].slice(1, -1)}]]) or a typed array with a shape ` +
          `({ data: Float32Array.from(values), shape: [K, ${columns}] }), not one flat list of numbers`,
        value,
      );
    }
    return readPerImageBoxes(fn, value, batch, columns, argument);
  }
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
 * number[][] rows of `columns` numbers, or of `columns - 1` (no batch index) for a batch of one
 * image, read by copyNumberRows.
 */
function readNumberRows(
  fn: string,
  list: readonly unknown[],
  batch: number,
  columns: BoxColumns,
  argument: string,
): RoiRows {
  const first = list[0] as readonly unknown[];
  const coordinates = columns - 1;
  const width = first.length;
  if (width !== columns && width !== coordinates) {
    throw invalidValue(
      fn,
      `${argument}[0]`,
      `a row of ${columns} numbers ${rowDescription[columns]}, or of ${coordinates} for a batch of one image`,
      first,
    );
  }
  if (width === coordinates && batch !== 1) {
    throw rangeError(
      fn,
      `${argument} has rows of ${coordinates} numbers, which are only allowed when the input batch is 1, but it is ${batch}; ` +
        `pass rows of ${columns} ${rowDescription[columns]}`,
    );
  }
  const { data, narrowed } = copyNumberRows(fn, argument, list, width, columns, true);
  return { data, count: list.length, rowName: (k) => `${argument}[${k}]`, narrowed };
}

/**
 * Copies `list`, rows of `width` numbers, into `columns` float32 values per row (the last `width`
 * of each row; a column left out is 0: the batch index of a batch of one image). The one copy the
 * API makes of number[][] boxes, and where they are narrowed from float64 to float32, so the rows are
 * judged here as the caller wrote them, not as float32 rounds them: when `batchIndexed`, a batch
 * index that narrowing would change (0.99999999 becomes 1, 2^24 + 1 becomes 2^24) is written as
 * NaN, and a finite coordinate beyond float32's range narrows to an infinity, so every kernel, the
 * sample budget and the row checks see an invalid row, as they would in a tensor; `narrowed` keeps
 * those numbers as given, for the row checks' messages.
 */
export function copyNumberRows(
  fn: string,
  argument: string,
  list: readonly unknown[],
  width: number,
  columns: number,
  batchIndexed: boolean,
): { data: Float32Array; narrowed: Map<number, number> } {
  const expected = `a row of ${width} numbers, as ${argument}[0]`;
  const skipped = columns - width;
  const data = new Float32Array(list.length * columns);
  const narrowed = new Map<number, number>();
  for (let k = 0; k < list.length; k++) {
    const row = list[k];
    if (!Array.isArray(row)) throw invalidType(fn, `${argument}[${k}]`, expected, row);
    if (row.length !== width) throw invalidValue(fn, `${argument}[${k}]`, expected, row);
    for (let j = 0; j < width; j++) {
      const given: unknown = row[j];
      if (typeof given !== 'number') throw invalidType(fn, `${argument}[${k}][${j}]`, 'a number', given);
      const at = k * columns + skipped + j;
      data[at] = given;
      if (data[at] === given || Number.isNaN(given)) continue; // float32 holds it as given
      if (batchIndexed && skipped + j === 0) {
        data[at] = NaN; // a batch index float32 rounds: no image, rather than a neighbouring one
        narrowed.set(at, given);
      } else if (!Number.isFinite(data[at])) {
        narrowed.set(at, given); // a rounded coordinate is fine; one that overflowed is not
      }
    }
  }
  return { data, narrowed };
}

/**
 * docs/api.md "Bad input": a row whose batch index is not an integer in [0, N) or that has a
 * non-finite coordinate is a RangeError naming the row, unless the policy is 'zero' (the
 * kernels then pool it to zeros: they re-check every row themselves). A number[][] row is named
 * with the number as given where float32 could not hold it (see copyNumberRows).
 */
export function checkBoxRows(
  fn: string,
  rois: RoiRows,
  batch: number,
  policy: InvalidBoxPolicy,
  columns: BoxColumns = 5,
): void {
  if (policy === 'zero') return;
  const { data, narrowed } = rois;
  for (let k = 0; k < rois.count; k++) {
    const b = data[k * columns] as number;
    if (!(Number.isInteger(b) && b >= 0 && b < batch)) {
      const given = narrowed?.get(k * columns) ?? b;
      const inexact = Number.isInteger(given) && given >= 0 && given < batch; // 2^24 + 1: float32 cannot hold it
      throw rangeError(
        fn,
        `${rois.rowName(k)} has batch index ${given}, expected an integer in [0, ${batch})` +
          `${inexact ? ' that float32 holds exactly (the kernels read boxes as float32)' : ''} ` +
          "(or pass invalidBoxes: 'zero' to pool such rows to zeros)",
      );
    }
    for (let j = 1; j < columns; j++) {
      const v = data[k * columns + j] as number;
      if (!Number.isFinite(v)) {
        const given = narrowed?.get(k * columns + j);
        const what =
          given === undefined
            ? `a non-finite coordinate ${v}`
            : `a coordinate ${given} beyond float32's range (about 3.4e38; the kernels compute in float32)`;
        throw rangeError(
          fn,
          `${rois.rowName(k)} has ${what} at column ${j}, expected finite numbers ` +
            "(or pass invalidBoxes: 'zero' to pool such rows to zeros)",
        );
      }
    }
  }
}
