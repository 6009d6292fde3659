// The API fuzz's oracle: the output shape docs/api.md documents for a call, computed from the
// arguments as given, independently of lib/. It reads only what the shape depends on and
// checks that much against docs/api.md ("Tensors": float32 data whose length matches its dims,
// dims of non-negative integers; box forms; outputSize; layout); for anything else it is
// lenient. A call it calls undocumented must not succeed.
import { types } from 'node:util';

import { isFloat16Array } from './fuzz-half.js';
import { dimsOf, product } from './fuzz-values.js';
import type { OperatorName } from './fuzz-calls.js';

/** Thrown by the oracle: docs/api.md gives this call no output, so it must be refused. */
export class Undocumented extends Error {}

function refuse(why: string): never {
  throw new Undocumented(why);
}

/** String(value), also for values that have no string form (null-prototype objects, symbols). */
function text(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export type OutputDtype = 'float32' | 'float16' | 'bfloat16';

export interface DocumentedOutput {
  shape: number[];
  /** docs/api.md "16-bit feature maps": a forward operator's outputDtype; float32 for backward. */
  dtype: OutputDtype;
  /** roiPool with returnArgmax: true also returns an Int32Array argmax of the same length. */
  argmax: boolean;
}

type Layout = 'NCHW' | 'NHWC';

/**
 * The dims of a TensorLike (docs/api.md "Tensors"), checked against its data. A feature map
 * (`map`) may also hold 16-bit floats (docs/api.md "16-bit feature maps"): a Uint16Array whose
 * dtype, or ort type, is 'float16' or 'bfloat16', or a Float16Array (declaring 'float16' if
 * anything); a declared type of undefined says nothing. Boxes are float32 only.
 */
function tensorDims(value: unknown, name: string, rank?: number, map = false): number[] {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) refuse(`${name} is not a tensor`);
  const t = value as { data?: unknown; type?: unknown; dtype?: unknown };
  if (map) {
    const declared = t.dtype !== undefined ? t.dtype : t.type;
    if (declared !== undefined && !['float32', 'float16', 'bfloat16'].includes(declared as string))
      refuse(`${name} declares ${text(declared)}`);
    const half = declared === 'float16' || declared === 'bfloat16';
    const holds = isFloat16Array(t.data)
      ? declared === undefined || declared === 'float16'
      : half
        ? types.isUint16Array(t.data)
        : types.isFloat32Array(t.data);
    if (!holds) refuse(`${name}.data does not hold what ${name} declares`);
  } else {
    if ('type' in t && t.type !== 'float32') refuse(`${name}.type is not 'float32'`);
    if (!types.isFloat32Array(t.data)) refuse(`${name}.data is not a Float32Array`);
  }
  const data = t.data as Float32Array | Uint16Array; // (or a Float16Array: its length is what matters)
  const dims = dimsOf(t);
  if (!Array.isArray(dims)) refuse(`${name} has no dims array`);
  const checked: number[] = [];
  for (let i = 0; i < dims.length; i++) {
    const d: unknown = dims[i];
    if (!(typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) refuse(`${name} dim ${i} is ${text(d)}`);
    checked.push(d);
  }
  if (rank !== undefined && checked.length !== rank) refuse(`${name} has rank ${checked.length}, not ${rank}`);
  if (product(checked) !== data.length) refuse(`${name}.data has ${data.length} elements for dims [${checked}]`);
  return checked;
}

function layoutOf(options: Record<string, unknown>, fallback: Layout): Layout {
  const layout = options.layout ?? fallback;
  if (layout !== 'NCHW' && layout !== 'NHWC') refuse(`layout ${text(layout)}`);
  return layout;
}

/** A (checked) map's element type: what its data holds, 16-bit ones as declared. */
function elementTypeOf(map: { data: unknown; dtype?: unknown; type?: unknown }): unknown {
  if (types.isFloat32Array(map.data)) return 'float32';
  return isFloat16Array(map.data) ? 'float16' : (map.dtype ?? map.type);
}

interface Map {
  batch: number;
  channels: number;
}

function mapOf(value: unknown, name: string, layout: Layout): Map {
  const [batch, a, , c] = tensorDims(value, name, 4, true) as [number, number, number, number];
  return { batch, channels: layout === 'NCHW' ? a : c };
}

const isPositiveInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

/** outputSize / cropSize: n or [h, w], positive integers. */
function pooledSize(value: unknown, name: string): [number, number] {
  if (isPositiveInteger(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && isPositiveInteger(value[0]) && isPositiveInteger(value[1]))
    return [value[0], value[1]];
  return refuse(`${name} is not n or [h, w]`);
}

/** K of number[][] boxes (docs/api.md "Tensors"): rows of numbers, all of one of the `widths`. */
function numberRowCount(rows: unknown[], widths: number[], name: string): number {
  const first = rows[0];
  if (!Array.isArray(first)) refuse(`${name}[0] is not a row`);
  const width = first.length;
  if (!widths.includes(width)) refuse(`${name}[0] has ${width} numbers`);
  Array.from(rows, (row: unknown, k) => {
    if (!Array.isArray(row) || row.length !== width) refuse(`${name}[${k}] is not a row of ${width}`);
    if (!Array.from(row, (v: unknown) => typeof v === 'number').every(Boolean))
      refuse(`${name}[${k}] has a non-number`);
  });
  return rows.length;
}

/**
 * K, the number of box rows (docs/api.md "Tensors": [K, columns], [K, columns-1] for N == 1, one
 * [L_i, columns-1] per image, or number[][] rows of as many numbers as the tensor forms' columns).
 */
function roiCount(boxes: unknown, batch: number, columns: number, name: string): number {
  if (Array.isArray(boxes) && Array.isArray(boxes[0])) {
    return numberRowCount(boxes, batch === 1 ? [columns, columns - 1] : [columns], name);
  }
  if (Array.isArray(boxes)) {
    if (boxes.length > batch) refuse(`${name} has more tensors than images`);
    return Array.from(boxes, (item: unknown, i) => {
      const [L, c] = tensorDims(item, `${name}[${i}]`, 2) as [number, number];
      if (c !== columns - 1) refuse(`${name}[${i}] has ${c} columns`);
      return L;
    }).reduce((sum, L) => sum + L, 0);
  }
  const [K, c] = tensorDims(boxes, name, 2) as [number, number];
  if (c === columns || (c === columns - 1 && batch === 1)) return K;
  return refuse(`${name} has ${c} columns with batch ${batch}`);
}

/** Options; where docs/api.md lets them be omitted, null means none too (as in Node's own fs functions). */
function optionsObject(value: unknown, optional: boolean): Record<string, unknown> {
  if ((value === undefined || value === null) && optional) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse('options is not an object');
  return value as Record<string, unknown>;
}

function pooledShape(layout: Layout, K: number, C: number, [ph, pw]: [number, number]): number[] {
  return layout === 'NCHW' ? [K, C, ph, pw] : [K, ph, pw, C];
}

/**
 * A forward operator's outputDtype (docs/api.md "16-bit feature maps"), and `out`, if it is a typed
 * array, of its element type: a Float32Array for float32; a Uint16Array, or a Float16Array for
 * float16, for 16 bits. (Any other `out` the oracle leaves to the operator.)
 */
function outputDtypeOf(options: Record<string, unknown>): OutputDtype {
  const dtype = options.outputDtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float16' && dtype !== 'bfloat16') refuse(`outputDtype ${text(dtype)}`);
  const { out } = options;
  if (ArrayBuffer.isView(out)) {
    const fits =
      dtype === 'float32'
        ? types.isFloat32Array(out)
        : types.isUint16Array(out) || (dtype === 'float16' && isFloat16Array(out));
    if (!fits) refuse(`out is a ${out.constructor.name} for outputDtype ${dtype}`);
  }
  return dtype;
}

/** What docs/api.md's "Operators" table (and "Backward") says the call returns. */
export function documentedOutput(op: OperatorName, args: readonly unknown[]): DocumentedOutput {
  let dtype: OutputDtype = 'float32';
  const output = (shape: number[], argmax = false) => ({ shape, argmax, dtype });
  switch (op) {
    case 'roiPool':
    case 'roiAlign':
    case 'psRoiPool':
    case 'psRoiAlign':
    case 'roiAlignRotated':
    case 'preciseRoiPool': {
      const options = optionsObject(args[2], false);
      dtype = outputDtypeOf(options);
      const layout = layoutOf(options, 'NCHW');
      const map = mapOf(args[0], 'input', layout);
      const size = pooledSize(options.outputSize, 'outputSize');
      const K = roiCount(args[1], map.batch, op === 'roiAlignRotated' ? 6 : 5, 'boxes');
      let C = map.channels;
      if (op.startsWith('ps')) {
        // [K, C/(PH·PW), PH, PW]
        if (C % (size[0] * size[1]) !== 0) refuse('C is not a multiple of PH*PW');
        C /= size[0] * size[1];
      }
      return output(pooledShape(layout, K, C, size), op === 'roiPool' && options.returnArgmax === true);
    }
    case 'multiScaleRoiAlign': {
      const options = optionsObject(args[2], false);
      dtype = outputDtypeOf(options);
      const layout = layoutOf(options, 'NCHW');
      const features = args[0];
      if (!Array.isArray(features) || features.length === 0) refuse('features is not a non-empty list');
      const levels = Array.from(features, (level: unknown, i) => mapOf(level, `features[${i}]`, layout)); // holes too
      const first = levels[0] as Map;
      // The levels are pooled in one call, which takes one element type (lib/ops/multi-scale.ts refuses a mix).
      if (new Set(features.map(elementTypeOf)).size > 1) refuse('features mix element types');
      return output(
        pooledShape(
          layout,
          roiCount(args[1], first.batch, 5, 'boxes'),
          first.channels,
          pooledSize(options.outputSize, 'outputSize'),
        ),
      );
    }
    case 'spatialPyramidPool': {
      // [N or K, C · Σ l²]
      const options = optionsObject(args[1], true);
      dtype = outputDtypeOf(options);
      const map = mapOf(args[0], 'input', layoutOf(options, 'NCHW'));
      const levels = options.levels ?? [1, 2, 4];
      if (!Array.isArray(levels) || levels.length === 0 || !levels.every(isPositiveInteger)) refuse('levels');
      const count = options.boxes === undefined ? map.batch : roiCount(options.boxes, map.batch, 5, 'options.boxes');
      return output([count, map.channels * levels.reduce((sum: number, l: number) => sum + l * l, 0)]);
    }
    case 'cropAndResize': {
      // [K, h, w, C] (NHWC, the default) or [K, C, h, w]
      const options = optionsObject(args[4], true);
      dtype = outputDtypeOf(options);
      const layout = layoutOf(options, 'NHWC');
      const map = mapOf(args[0], 'image', layout);
      const boxes = args[1];
      const [K, c] =
        Array.isArray(boxes) && boxes.length > 0
          ? [numberRowCount(boxes, [4], 'boxes'), 4]
          : Array.isArray(boxes)
            ? [0, 4] // no rows
            : (tensorDims(boxes, 'boxes', 2) as [number, number]);
      if (c !== 4) refuse('boxes are not [K,4]');
      const [h, w] = pooledSize(args[3], 'cropSize');
      return output(layout === 'NHWC' ? [K, h, w, map.channels] : [K, map.channels, h, w]);
    }
    default: {
      // Backward: the input gradient has options.inputShape; gradOutput is float32 only.
      const gradOutput = args[0] as { data?: unknown } | null;
      if (typeof gradOutput === 'object' && gradOutput !== null && !types.isFloat32Array(gradOutput.data))
        refuse('gradOutput.data is not a Float32Array');
      const options = optionsObject(args[op === 'roiPoolBackward' ? 3 : 2], false);
      const shape = options.inputShape;
      if (!Array.isArray(shape) || shape.length !== 4) refuse('inputShape is not 4 dims');
      const dims: number[] = [];
      for (let i = 0; i < 4; i++) {
        const d: unknown = shape[i];
        if (!(typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) refuse(`inputShape[${i}] is ${text(d)}`);
        dims.push(d);
      }
      return output(dims);
    }
  }
}

/** The documented output's length, or null when the call has none. */
export function documentedLength(op: OperatorName, args: readonly unknown[]): number | null {
  try {
    return product(documentedOutput(op, args).shape);
  } catch (error) {
    if (error instanceof Undocumented) return null;
    throw error;
  }
}
