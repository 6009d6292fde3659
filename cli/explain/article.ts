// `roi-ops explain --example article`: the 8x8 example of the deepsense.ai article roi-ops
// started from (docs/semantics.md "The deepsense.ai 8×8 example"), drawn twice, with torchvision's overlapping
// bins and with the article's disjoint ones. The map, the box and the options are read from
// the golden files the test suite checks the operators against, and the figure carries the
// comparison of the kernel's output and argmax with the files' expected ones, so the
// picture shows the numbers that are tested, not a copy of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from '../../lib/internal.js';
import { explainRoiPool } from './describe.js';
import type { ExplainFigure, GoldenCheck, RoiPoolPanel } from './types.js';

/** The two golden files, relative to the package root (shipped in assets/; the golden tests read them there too). */
export const articleGoldenFiles = {
  overlap: 'assets/golden/example_deepsense_roi_pool.json',
  split: 'assets/golden/example_deepsense_split.json',
} as const;

interface EncodedTensor {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: string;
}

/**
 * test/fixtures/golden/README.md's tensor encoding: base64 of little-endian values. Read
 * through a DataView, so a big-endian host and a Buffer at any offset of Node's pool both work.
 */
function decode(file: string, name: string, tensor: EncodedTensor | undefined): number[] {
  if (!tensor || typeof tensor.data !== 'string' || (tensor.dtype !== 'float32' && tensor.dtype !== 'int32')) {
    throw new Error(`${file}: ${name} is not a {shape, dtype, data: base64} tensor`);
  }
  const bytes = Buffer.from(tensor.data, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: number[] = [];
  for (let at = 0; at + 4 <= bytes.length; at += 4)
    values.push(tensor.dtype === 'int32' ? view.getInt32(at, true) : view.getFloat32(at, true));
  return values;
}

interface GoldenRoiPool {
  file: string;
  reference: string;
  height: number;
  width: number;
  map: number[];
  box: [number, number, number, number];
  outputSize: [number, number];
  spatialScale: number;
  bins: 'overlap' | 'split';
  expected: number[];
  expectedArgmax: number[];
}

function readGolden(file: string): GoldenRoiPool {
  const json = JSON.parse(readFileSync(join(packageRoot(), file), 'utf8'));
  const shape = json.input?.shape as number[] | undefined;
  if (json.op !== 'roiPool' || shape?.length !== 4 || shape[0] !== 1 || shape[1] !== 1) {
    throw new Error(`${file}: expected a roiPool case on a [1,1,H,W] map`);
  }
  const rois = decode(file, 'rois', json.rois);
  return {
    file,
    reference: json.reference ?? 'unknown',
    height: shape[2] as number,
    width: shape[3] as number,
    map: decode(file, 'input', json.input),
    box: [rois[1], rois[2], rois[3], rois[4]] as [number, number, number, number],
    outputSize: json.params.outputSize,
    spatialScale: json.params.spatialScale ?? 1,
    bins: json.params.bins ?? 'overlap',
    expected: decode(file, 'expected', json.expected),
    expectedArgmax: decode(file, 'expectedArgmax', json.expectedArgmax),
  };
}

const sameNumbers = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

function check(golden: GoldenRoiPool, panel: RoiPoolPanel): GoldenCheck {
  return {
    file: golden.file,
    reference: golden.reference,
    expected: golden.expected,
    expectedArgmax: golden.expectedArgmax,
    outputMatches: sameNumbers(panel.output, golden.expected),
    argmaxMatches: sameNumbers(
      panel.bins.map((bin) => bin.argmax),
      golden.expectedArgmax,
    ),
  };
}

/** The article's figure: overlap and split side by side, each checked against its golden file. */
export function articleFigure(): ExplainFigure {
  const panels: RoiPoolPanel[] = [];
  const checks: GoldenCheck[] = [];
  for (const bins of ['overlap', 'split'] as const) {
    const golden = readGolden(articleGoldenFiles[bins]);
    if (golden.bins !== bins) throw new Error(`${golden.file}: expected bins '${bins}', the file has '${golden.bins}'`);
    const panel = explainRoiPool({
      op: 'roiPool',
      map: { height: golden.height, width: golden.width, values: golden.map },
      box: golden.box,
      outputSize: golden.outputSize,
      spatialScale: golden.spatialScale,
      bins,
    });
    panel.title = bins === 'overlap' ? "bins: 'overlap' (torchvision)" : "bins: 'split' (the article's answer)";
    panels.push(panel);
    checks.push(check(golden, panel));
  }
  const ok = checks.every((c) => c.outputMatches && c.argmaxMatches);
  return {
    title: 'roiPool on the deepsense.ai 8×8 example: region (0,3)–(7,8), 2×2 output',
    notes: [
      "The article's region has an exclusive end, so the box is (0, 3, 6, 7), inclusive.",
      ...checks.map(
        (c) =>
          `${c.file.split('/').pop()}: output and argmax ${c.outputMatches && c.argmaxMatches ? 'equal' : 'DIFFER FROM'} the file's (${c.reference})`,
      ),
      ...(ok ? [] : ['The kernel disagrees with a golden file: this figure is wrong.']),
    ],
    panels,
    checks,
  };
}
