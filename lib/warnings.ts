// Process warnings for a mistake that runs without error and gives silent nonsense: every box
// of a call outside the map, which is what a forgotten spatialScale (image pixels on a stride-16
// map) or unnormalized cropAndResize boxes look like (docs/api.md "Mistakes that run"). Judged
// on the boxes only (K rows; the map is never read), once per process and operator.
import { roiRowIsValid, rotatedRowIsValid } from './geometry/rows.js';
import type { BoxColumns, RoiRows } from './model.js';

export const boxesOutsideCode = 'ROI_OPS_BOXES_OUTSIDE';

// The operators that have warned, shared by the ESM and CommonJS builds (separate module
// instances) so a process that loads both still warns once per operator.
const warnedKey = Symbol.for('roi-ops.boxesOutsideWarned');

function firstTime(operator: string): boolean {
  const flags = process as unknown as Record<symbol, Set<string> | undefined>;
  const warned = (flags[warnedKey] ??= new Set());
  if (warned.has(operator)) return false;
  warned.add(operator);
  return true;
}

/** The operator a call belongs to, whichever form was called: roiAlign for roiAlign and roiAlignSync. */
function operatorOf(fn: string): string {
  return fn.endsWith('Sync') ? fn.slice(0, -'Sync'.length) : fn;
}

function warn(fn: string, message: string): void {
  const operator = operatorOf(fn);
  if (!firstTime(operator)) return;
  process.emitWarning(
    `${operator}: ${message} (shown once per process for ${operator}; ` +
      `node --disable-warning=${boxesOutsideCode} silences it)`,
    { code: boxesOutsideCode },
  );
}

const boxesLie = (boxes: number) => (boxes === 1 ? 'the one box lies' : `all ${boxes} boxes lie`);

/** Whether the interval between a and b (either order) misses [low, high]. */
function misses(a: number, b: number, low: number, high: number): boolean {
  return Math.max(a, b) < low || Math.min(a, b) > high;
}

/**
 * The extent of a map axis of `size` pixels that a box must reach to read anything: a bilinear
 * sample below -1 or above `size` is 0 (docs/semantics.md "The bilinear sample"), and a roiPool bin there is empty.
 */
const onMap = (a: number, b: number, size: number) => !misses(a, b, -1, size);

/** Row k (b, x1, y1, x2, y2) or (b, cx, cy, w, h, angle), scaled, lies wholly outside a height x width map. */
function rowOutside(rows: Float32Array, at: number, columns: BoxColumns, scale: number, height: number, width: number) {
  const a = (rows[at + 1] as number) * scale;
  const b = (rows[at + 2] as number) * scale;
  const c = (rows[at + 3] as number) * scale;
  const d = (rows[at + 4] as number) * scale;
  if (columns === 5) return !(onMap(a, c, width) && onMap(b, d, height));
  const radius = Math.hypot(c, d) / 2; // a rotated box (centre a, b; size c x d) lies within this of its centre
  return !(onMap(a - radius, a + radius, width) && onMap(b - radius, b + radius, height));
}

/**
 * Warns when a call has valid box rows and every one of them lies outside the map once scaled by
 * `spatialScale` (rows the policy pools to zeros are not counted).
 */
export function warnIfBoxesOutside(
  fn: string,
  rois: RoiRows,
  columns: BoxColumns,
  map: { batch: number; height: number; width: number },
  spatialScale: number,
): void {
  const isValid = columns === 5 ? roiRowIsValid : rotatedRowIsValid;
  let valid = 0;
  for (let k = 0; k < rois.count; k++) {
    if (!isValid(rois.data, k, map.batch)) continue;
    if (!rowOutside(rois.data, k * columns, columns, spatialScale, map.height, map.width)) return;
    valid++;
  }
  if (valid === 0) return;
  warn(
    fn,
    `${boxesLie(valid)} outside the ${map.height}x${map.width} map at spatialScale ${spatialScale}, so the output is zeros. ` +
      'Boxes are in image coordinates and spatialScale maps them onto the map: was it forgotten ' +
      '(1/16 for a stride-16 map)?',
  );
}

/**
 * cropAndResize: warns when every finite box lies outside the unit square its normalized coordinates
 * live in. An axis of one pixel is never missed: TensorFlow scales it by size - 1 = 0.
 */
export function warnIfCropBoxesOutside(
  fn: string,
  boxes: Float32Array,
  count: number,
  image: { height: number; width: number },
): void {
  let valid = 0;
  for (let at = 0; at < count * 4; at += 4) {
    const y1 = boxes[at] as number;
    const x1 = boxes[at + 1] as number;
    const y2 = boxes[at + 2] as number;
    const x2 = boxes[at + 3] as number;
    if (!(Number.isFinite(y1) && Number.isFinite(x1) && Number.isFinite(y2) && Number.isFinite(x2))) continue;
    // A sample outside [0, 1] (normalized) is extrapolationValue (docs/semantics.md "cropAndResize").
    if (!((image.height > 1 && misses(y1, y2, 0, 1)) || (image.width > 1 && misses(x1, x2, 0, 1)))) return;
    valid++;
  }
  if (valid === 0) return;
  warn(
    fn,
    `${boxesLie(valid)} outside the image, so every crop is extrapolationValue. Boxes are normalized ` +
      '(y1, x1, y2, x2): 0 is the first pixel, 1 the last; divide pixel coordinates by height - 1 and width - 1',
  );
}
