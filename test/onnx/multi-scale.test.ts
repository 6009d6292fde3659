// The MultiScaleRoIAlign stage (onnx/multi-scale.ts, onnx/run-stage.ts): each box is pooled from
// the level the exported graph gave it, whether roi-ops' own level mapping agrees (one
// multiScaleRoiAlign call) or not (one roiAlign per level); and a pattern the graph uses
// elsewhere is not recognised, its RoiAlign nodes then run one by one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { roiAlignSync } from '../../lib/index.js';
import { mapLevels } from '../../lib/internal.js';
import { createOnnxPipeline, type OnnxPipeline } from '../../onnx/index.js';
import type { MultiScaleStage } from '../../onnx/multi-scale.js';
import { readModel, writeModel } from '../../onnx/onnx-proto.js';
import type { OrtTensor } from '../../onnx/ort.js';
import { runStage } from '../../onnx/run-stage.js';
import { ort } from '../helpers/onnxruntime.js';

const opened: OnnxPipeline[] = [];
afterAll(async () => Promise.all(opened.map((pipe) => pipe.release())));

function map(n: number, c: number, h: number, w: number, seed: number) {
  return Float32Array.from({ length: n * c * h * w }, (_, i) => Math.sin(i * 0.731 + seed) * 3);
}

const options = { outputSize: [3, 2] as [number, number], samplingRatio: 2, aligned: true, mode: 'avg' as const };
const stage: MultiScaleStage = {
  operator: 'multiScaleRoiAlign',
  node: 'merge',
  inputs: { features: ['p2', 'p3'], rois: 'rois', levels: 'levels' },
  levelValues: [0, 1],
  output: 'pooled',
  perLevel: [
    {
      operator: 'roiAlign',
      node: 'a',
      inputs: { features: 'p2', rois: '', batchIndices: '' },
      output: '',
      semantics: '',
      options: { ...options, spatialScale: 1 / 4 },
    },
    {
      operator: 'roiAlign',
      node: 'b',
      inputs: { features: 'p3', rois: '', batchIndices: '' },
      output: '',
      semantics: '',
      options: { ...options, spatialScale: 1 / 8 },
    },
  ],
  canonicalScale: 224,
  canonicalLevel: 4,
  covered: [],
  semantics: '',
};
const p2 = { data: map(2, 3, 40, 48, 1), shape: [2, 3, 40, 48] };
const p3 = { data: map(2, 3, 20, 24, 2), shape: [2, 3, 20, 24] };
// Boxes of both levels in both images, one exactly on the boundary (sqrt(area) = 112).
const rows = Float32Array.from([
  0, 10, 10, 60, 50, /**/ 1, 0, 0, 190, 150, /**/ 0, 20, 30, 132, 142, /**/ 1, 5, 5, 20, 40, /**/ 0, 100, 20, 180, 160,
]);
const count = rows.length / 5;

async function run(levels: number[], spare?: Float32Array) {
  const values = new Map<string, OrtTensor>([
    ['p2', new ort.Tensor('float32', p2.data, p2.shape)],
    ['p3', new ort.Tensor('float32', p3.data, p3.shape)],
    ['rois', new ort.Tensor('float32', rows, [count, 5])],
    ['levels', new ort.Tensor('int64', BigInt64Array.from(levels.map(BigInt)), [count])],
  ]);
  return runStage(ort, stage, values, undefined, spare);
}

/** Box k pooled alone by roiAlign on the level given, or zeros for no level. */
function expected(levels: number[]): Float32Array {
  const rowSize = 3 * 3 * 2;
  const out = new Float32Array(count * rowSize);
  levels.forEach((level, k) => {
    if (level < 0 || level > 1) return;
    const pooled = roiAlignSync(
      level === 0 ? p2 : p3,
      { data: rows.slice(k * 5, k * 5 + 5), shape: [1, 5] },
      {
        ...options,
        spatialScale: level === 0 ? 1 / 4 : 1 / 8,
      },
    );
    out.set(pooled.data, k * rowSize);
  });
  return out;
}

describe('a MultiScaleRoIAlign stage', () => {
  it("pools each box from roi-ops' own level when it agrees with the graph's (one call)", async () => {
    const levels = Array.from(mapLevels(rows, count, [1 / 4, 1 / 8], 224, 4));
    expect(new Set(levels)).toEqual(new Set([0, 1]));
    const result = await run(levels);
    expect(result.dims).toEqual([count, 3, 3, 2]);
    expect(result.data).toEqual(expected(levels));
  });

  it("pools each box from the graph's level where roi-ops would choose another, and a box of no level is 0", async () => {
    const ours = Array.from(mapLevels(rows, count, [1 / 4, 1 / 8], 224, 4));
    const graphs = ours.map((level, k) => (k === 2 ? 1 - level : k === 4 ? 7 : level));
    const result = await run(graphs);
    expect(result.data).toEqual(expected(graphs));
    expect(Array.from((result.data as Float32Array).subarray(4 * 18, 5 * 18))).toEqual(new Array(18).fill(0));
  });

  it("writes into a spare buffer (an earlier run's) when it is large enough, on both paths", async () => {
    const ours = Array.from(mapLevels(rows, count, [1 / 4, 1 / 8], 224, 4));
    const graphs = ours.map((level, k) => (k === 2 ? 1 - level : k === 4 ? 7 : level));
    for (const levels of [ours, graphs]) {
      // NaN everywhere: a value the stage leaves unwritten (a box of no level must be 0) shows.
      const spare = new Float32Array(count * 18 + 7).fill(NaN);
      const result = await run(levels, spare);
      expect(result.data).toEqual(expected(levels));
      expect((result.data as Float32Array).buffer).toBe(spare.buffer);
      // One element short: a new array, the spare untouched.
      const small = new Float32Array(count * 18 - 1).fill(NaN);
      const fresh = await run(levels, small);
      expect(fresh.data).toEqual(expected(levels));
      expect((fresh.data as Float32Array).buffer).not.toBe(small.buffer);
      expect(small.every(Number.isNaN)).toBe(true);
    }
  });

  it('names the stage when an input is not what the graph promised', async () => {
    const values = new Map<string, OrtTensor>([
      ['p2', new ort.Tensor('float32', p2.data, p2.shape)],
      ['p3', new ort.Tensor('float32', p3.data, p3.shape)],
      ['rois', new ort.Tensor('float32', rows, [count, 5])],
      ['levels', new ort.Tensor('int32', Int32Array.from([0, 0, 0, 0, 0]), [count])],
    ]);
    await expect(runStage(ort, stage, values, undefined)).rejects.toThrow(
      "roi-ops/onnx: MultiScaleRoIAlign ending at node 'merge': input levels (levels): expected an int64 tensor, got int32",
    );
  });
});

describe('recognising the exported MultiScaleRoIAlign', () => {
  const file = join(import.meta.dirname, '../fixtures/onnx/tiny-faster-rcnn-opset16.onnx');

  it("leaves a pattern alone when a tensor inside it is read elsewhere, and the numbers stay onnxruntime's", async () => {
    const model = readModel(readFileSync(file), file);
    // The gathered boxes of level 0 become an output too: the pattern can no longer be replaced whole.
    model.graph!.output!.push({ name: '/roi_heads/box_roi_pool/Gather_7_output_0' });
    const bytes = writeModel(model);
    const pipe = await createOnnxPipeline(ort, bytes);
    opened.push(pipe);
    expect(pipe.plan.steps.filter((step) => step.kind === 'roi-ops').map((step) => step.node)).toEqual([
      '/roi_heads/box_roi_pool/RoiAlign',
      '/roi_heads/box_roi_pool/RoiAlign_1',
    ]);
    const image = new ort.Tensor(
      'float32',
      map(1, 3, 96, 128, 3).map((v) => (v + 3) / 6),
      [3, 96, 128],
    );
    const whole = await ort.InferenceSession.create(bytes);
    const [a, b] = [await whole.run({ image }), await pipe.run({ image })];
    await whole.release();
    for (const name of whole.outputNames) expect(b[name]!.data, name).toEqual(a[name]!.data);
  });
});
