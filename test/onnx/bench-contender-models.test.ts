// The onnxruntime-node contender's models (bench/models/: one RoiAlign node each, and W1's set with
// a float16 X cast to float first), which bench/contenders/onnxruntime.ts and bench/half-maps.ts
// time against roi-ops. A model that computed something else would make every ratio of the bench
// meaningless, and the bench only prints the difference: here each committed file is what
// scripts/make-onnx-roialign-model.ts writes, and each computes in onnxruntime-node what roi-ops'
// roiAlign computes with its workload's options (the float16 one on the float16 map), bit for bit.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { modelDirectory, roiAlignNodeInputs } from '../../bench/onnx-models.js';
import { workloads } from '../../bench/workloads.js';
import * as roiOps from '../../lib/index.js';
import { contenderModels, roiAlignModel } from '../../scripts/make-onnx-roialign-model.js';
import { narrowHalf } from '../helpers/fuzz-half.js';
import { prng, randomBoxes, randomData, type Shape } from '../helpers/gradient-cases.js';
import { ort } from '../helpers/onnxruntime.js';

const roiAlignWorkloads = workloads().filter((w) => w.op === 'roiAlign');
const models = contenderModels(roiAlignWorkloads);

describe('bench/models: the onnxruntime-node contender', () => {
  it('holds exactly the files scripts/make-onnx-roialign-model.ts writes, byte for byte', () => {
    expect(readdirSync(modelDirectory).sort()).toEqual(models.map((m) => m.name).sort());
    expect(models.map((m) => m.input)).toContain('float16');
    for (const { name, attributes, input } of models)
      expect(readFileSync(join(modelDirectory, name)), name).toEqual(Buffer.from(roiAlignModel(attributes, input)));
  });

  const sessions: Array<{ release(): Promise<void> }> = [];
  afterAll(() => Promise.all(sessions.map((s) => s.release())));

  // Each roiAlign workload's model(s), run on a small map and boxes partly off it instead of the
  // workload's own tensors: the model is chosen by the options alone.
  const cases = roiAlignWorkloads.flatMap((w) => contenderModels([w]).map((m) => [`${w.id} ${m.name}`, w, m] as const));
  it.each(cases)('%s: onnxruntime-node gives roi-ops roiAlign numbers', async (_, w, { name, input }) => {
    const shape: Shape = { batch: 2, channels: 3, height: 13, width: 17 };
    const random = prng(name.length * 31 + w.id.charCodeAt(1));
    const options = { ...(w.options as roiOps.RoiAlignOptions), layout: 'NCHW' as const };
    const scale = options.spatialScale ?? 1;
    const boxes = { data: randomBoxes(random, 24, shape, scale), shape: [24, 5] };
    const values = randomData(random, shape);
    const dims = [shape.batch, shape.channels, shape.height, shape.width];
    // The float16 model's X holds the bits roi-ops reads as a float16 map.
    const half = narrowHalf(values, 'float16');
    const expected =
      input === 'float16'
        ? roiOps.roiAlignSync({ data: half, shape: dims, dtype: 'float16' }, boxes, options)
        : roiOps.roiAlignSync({ data: values, shape: dims }, boxes, options);

    const session = await ort.InferenceSession.create(join(modelDirectory, name));
    sessions.push(session);
    const { count, rois, batchIndices } = roiAlignNodeInputs(boxes);
    const result = await session.run({
      X: input === 'float16' ? new ort.Tensor('float16', half, dims) : new ort.Tensor('float32', values, dims),
      rois: new ort.Tensor('float32', rois, [count, 4]),
      batch_indices: new ort.Tensor('int64', batchIndices, [count]),
    });
    const y = result.Y as InstanceType<typeof ort.Tensor>;
    expect(y.dims).toEqual(expected.shape);
    expect(y.data).toEqual(expected.data);
  });
});
