// Loads the golden vectors of test/fixtures/golden (format in its README) and compares
// results with the tolerances it prescribes. The two worked examples that `roi-ops explain`
// draws are shipped with the package, so they live in assets/golden/ and are read from there.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { poolBin, roundedBox } from '../../lib/geometry/pool-bins.js';
import { positionSensitiveChannel } from '../../lib/reference/ps-roi.js';

const root = join(import.meta.dirname, '..', '..');
const goldenDirs = [join(root, 'test', 'fixtures', 'golden'), join(root, 'assets', 'golden')];

interface EncodedTensor {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: string;
}

export interface DecodedTensor<T extends Float32Array | Int32Array = Float32Array> {
  data: T;
  shape: number[];
}

export interface GoldenCase {
  name: string;
  op: string;
  params: Record<string, unknown>;
  /** The input map (NCHW); empty (shape [0]) in files without one (multi_scale: `features`, crop_and_resize: `image`). */
  input: DecodedTensor;
  /**
   * The case's box tensor as one [K, columns] tensor: rows of 5 (b, x1, y1, x2, y2), rows of 6
   * for roi_align_rotated, crop_and_resize's [K,4] normalized (y1, x1, y2, x2); for
   * multi_scale the per-image `boxes` concatenated with their image index prepended ([K,5]);
   * empty (shape [0]) when the file has no boxes (spatial_pyramid_pool on whole maps).
   */
  rois: DecodedTensor;
  expected: DecodedTensor;
  expectedArgmax?: DecodedTensor<Int32Array>;
  /** multi_scale_roi_align: the levels, finest first, each [N,C,H_l,W_l]. */
  features?: DecodedTensor[];
  /** multi_scale_roi_align: one [L_i,4] tensor per image, as the file gives them. */
  boxes?: DecodedTensor[];
  /** crop_and_resize: the image, NHWC. */
  image?: DecodedTensor;
  /** crop_and_resize: the image index of each box. */
  boxIndices?: DecodedTensor<Int32Array>;
  /** The output gradient fed to the backward, and the input gradient it must give (pooling and align families). */
  gradOutput?: DecodedTensor;
  expectedGradInput?: DecodedTensor;
}

function bytes(encoded: EncodedTensor): ArrayBuffer {
  const raw = Buffer.from(encoded.data, 'base64');
  return raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
}

export function decodeFloat32(encoded: EncodedTensor): DecodedTensor {
  return { data: new Float32Array(bytes(encoded)), shape: encoded.shape };
}

export function decodeInt32(encoded: EncodedTensor): DecodedTensor<Int32Array> {
  return { data: new Int32Array(bytes(encoded)), shape: encoded.shape };
}

/** Every golden case whose file name starts with one of `prefixes`. */
export function goldenCases(prefixes: string[]): GoldenCase[] {
  return goldenDirs
    .flatMap((dir) => readdirSync(dir).map((file) => ({ dir, file })))
    .filter(({ file }) => file.endsWith('.json') && prefixes.some((p) => file.startsWith(p)))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .map(({ dir, file }) => {
      const json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      const optional = (encoded: EncodedTensor | undefined) => (encoded ? decodeFloat32(encoded) : undefined);
      const boxList = Array.isArray(json.boxes) ? (json.boxes as EncodedTensor[]).map(decodeFloat32) : undefined;
      const boxTensor = json.rois ?? (Array.isArray(json.boxes) ? undefined : json.boxes);
      return {
        name: file.replace(/\.json$/, ''),
        op: json.op,
        params: json.params,
        input: optional(json.input) ?? emptyTensor(),
        rois: boxTensor ? decodeFloat32(boxTensor) : boxList ? concatenateBoxes(boxList) : emptyTensor(),
        expected: decodeFloat32(json.expected),
        expectedArgmax: json.expectedArgmax ? decodeInt32(json.expectedArgmax) : undefined,
        features: Array.isArray(json.features) ? (json.features as EncodedTensor[]).map(decodeFloat32) : undefined,
        boxes: boxList,
        image: optional(json.image),
        boxIndices: json.boxIndices ? decodeInt32(json.boxIndices) : undefined,
        gradOutput: optional(json.gradOutput),
        expectedGradInput: optional(json.expectedGradInput),
      };
    });
}

function emptyTensor(): DecodedTensor {
  return { data: new Float32Array(0), shape: [0] };
}

/** torchvision's convert_boxes_to_roi_format: per-image [L_i,4] boxes -> [K,5] rows (i, x1, y1, x2, y2). */
export function concatenateBoxes(boxes: DecodedTensor[]): DecodedTensor {
  const count = boxes.reduce((sum, b) => sum + (b.shape[0] as number), 0);
  const data = new Float32Array(count * 5);
  let row = 0;
  boxes.forEach((b, image) => {
    for (let i = 0; i < (b.shape[0] as number); i++, row++) {
      data[row * 5] = image;
      data.set(b.data.subarray(i * 4, i * 4 + 4), row * 5 + 1);
    }
  });
  return { data, shape: [count, 5] };
}

/** [A][B][P] -> [A][P][B]: the one transpose both layout conversions below are. */
function swapInnerAxes<T extends Float32Array | Int32Array>(data: T, a: number, b: number, p: number): T {
  const out = new (data.constructor as new (length: number) => T)(data.length);
  for (let i = 0; i < a; i++)
    for (let j = 0; j < b; j++)
      for (let k = 0; k < p; k++) out[(i * p + k) * b + j] = data[(i * b + j) * p + k] as number;
  return out;
}

/** NCHW -> NHWC (works for any [A,B,C,D] tensor viewed as [A, B=channels, C, D]). */
export function toChannelsLast<T extends Float32Array | Int32Array>(tensor: DecodedTensor<T>): DecodedTensor<T> {
  const [n = 0, c = 0, h = 0, w = 0] = tensor.shape;
  return { data: swapInnerAxes(tensor.data, n, c, h * w), shape: [n, h, w, c] };
}

/** NHWC -> NCHW (any [A,B,C,D] tensor viewed as [A, B, C, D=channels]); the inverse of toChannelsLast. */
export function toChannelsFirst<T extends Float32Array | Int32Array>(tensor: DecodedTensor<T>): DecodedTensor<T> {
  const [n = 0, h = 0, w = 0, c = 0] = tensor.shape;
  return { data: swapInnerAxes(tensor.data, n, h * w, c), shape: [n, c, h, w] };
}

/** A golden (NCHW) tensor in `layout`. */
export function inLayout<T extends Float32Array | Int32Array>(
  tensor: DecodedTensor<T>,
  layout: 'NCHW' | 'NHWC',
): DecodedTensor<T> {
  return layout === 'NCHW' ? tensor : toChannelsLast(tensor);
}

/**
 * The four ways each golden case runs through the public API, as (layout, form, threads): both
 * layouts, sync and async, 1 and 2 threads, each pairing once.
 */
export const goldenRuns = [
  ['NCHW', 'sync', 1],
  ['NCHW', 'async', 2],
  ['NHWC', 'sync', 2],
  ['NHWC', 'async', 1],
] as const;

/**
 * Indices where `actual` is outside |actual - expected| <= atol + rtol*|expected| (golden
 * README: 0 for exact comparisons, 1e-5 and 1e-4 for anything that sums). NaN equals NaN.
 */
export function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): number[] {
  const bad: number[] = [];
  if (actual.length !== expected.length) return [-1];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) bad.push(i);
  }
  return bad;
}

/**
 * Golden README: roiPool values and argmax are exact; everything that sums has a tolerance.
 * What only selects or copies values is exact as well: max spatial pyramid pooling (its
 * default mode) and nearest-neighbour cropAndResize; pass the case's params to tell.
 */
export function toleranceFor(op: string, params: Record<string, unknown> = {}): { atol: number; rtol: number } {
  const selects =
    op === 'roiPool' ||
    (op === 'spatialPyramidPool' && (params.mode ?? 'max') === 'max') ||
    (op === 'cropAndResize' && params.method === 'nearest');
  return selects ? { atol: 0, rtol: 0 } : { atol: 1e-5, rtol: 1e-4 };
}

/**
 * psRoiPool golden gradients: the gradient elements (indices in `layout`) touched by a bin
 * whose forward clipping ([0, H-1] x [0, W-1], docs/semantics.md "psRoiPool and psRoiAlign") and torchvision's backward
 * clipping ([0, H] x [0, W], docs/semantics.md "Where the peers differ") differ. roi-ops' backward is the true gradient of its
 * forward, so it disagrees with torchvision's exactly there; tests compare everything else.
 */
export function torchvisionBackwardDisagreements(c: GoldenCase, layout: 'NCHW' | 'NHWC'): Set<number> {
  const [, C = 0, H = 0, W = 0] = c.input.shape;
  const [PH, PW] = c.params.outputSize as [number, number];
  const outChannels = C / (PH * PW);
  const excluded = new Set<number>();
  const index = (b: number, ch: number, h: number, w: number) =>
    layout === 'NCHW' ? ((b * C + ch) * H + h) * W + w : ((b * H + h) * W + w) * C + ch;
  for (let k = 0; k < (c.rois.shape[0] as number); k++) {
    const b = c.rois.data[k * 5] as number;
    const { xs, ys, xe, ye } = roundedBox(
      c.rois.data,
      k * 5,
      Math.fround(c.params.spatialScale as number),
      Math.fround,
    );
    for (let ph = 0; ph < PH; ph++) {
      for (let pw = 0; pw < PW; pw++) {
        const forward = [
          ...poolBin(ph, PH, ys, Math.max(ye - ys, 1), H - 1, 'overlap'),
          ...poolBin(pw, PW, xs, Math.max(xe - xs, 1), W - 1, 'overlap'),
        ];
        const torchvision = [
          ...poolBin(ph, PH, ys, Math.max(ye - ys, 1), H, 'overlap'),
          ...poolBin(pw, PW, xs, Math.max(xe - xs, 1), W, 'overlap'),
        ];
        if (forward.every((v, i) => v === torchvision[i])) continue;
        const [hs, he, ws, we] = torchvision as [number, number, number, number];
        for (let ch = 0; ch < outChannels; ch++) {
          const channel = positionSensitiveChannel(ch, ph, pw, PH, PW);
          for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) excluded.add(index(b, channel, h, w));
        }
      }
    }
  }
  return excluded;
}
