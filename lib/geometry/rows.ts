// Which box rows are pooled: a usable row has an integer batch index in [0, N) and finite
// coordinates. The kernels give any other row a zero output block (boxes.ts refuses such a
// row first unless invalidBoxes is 'zero'), and the API layer's sample budget skips it.

/** Row k of `columns` values starts with an integer batch index in [0, N), then finite numbers. */
function rowIsValid(rois: ArrayLike<number>, k: number, columns: number, batch: number): boolean {
  const b = rois[k * columns] as number;
  if (!(Number.isInteger(b) && b >= 0 && b < batch)) return false;
  for (let j = 1; j < columns; j++) if (!Number.isFinite(rois[k * columns + j])) return false;
  return true;
}

/** A usable row (b, x1, y1, x2, y2) has an integer batch index in [0, N) and finite coordinates (docs/api.md "Bad input"). */
export function roiRowIsValid(rois: ArrayLike<number>, k: number, batch: number): boolean {
  return rowIsValid(rois, k, 5, batch);
}

/** The same check for the six-column rows (b, cx, cy, w, h, angle) of roiAlignRotated (docs/semantics.md "roiAlignRotated"). */
export function rotatedRowIsValid(rois: ArrayLike<number>, k: number, batch: number): boolean {
  return rowIsValid(rois, k, 6, batch);
}
