// planOnnxModel: the plan createOnnxPipeline makes, without sessions (the same steps, inputs and
// outputs, from a path or from bytes, and the same refusals); and models of IR version 3, whose
// initializers are listed as graph inputs too, split and run as onnxruntime runs them whole.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createOnnxPipeline, planOnnxModel, type OnnxPipeline } from '../../onnx/index.js';
import { DataType, readModel } from '../../onnx/onnx-proto.js';
import { splitModel } from '../../onnx/split.js';
import { GraphBuilder } from '../helpers/onnx-builder.js';
import { ort } from '../helpers/onnxruntime.js';

const fixtures = join(import.meta.dirname, '../fixtures/onnx');
const opened: OnnxPipeline[] = [];
afterAll(async () => Promise.all(opened.map((pipe) => pipe.release())));

describe('planOnnxModel', () => {
  it.each([
    ['tiny-faster-rcnn-opset11.onnx', true],
    ['tiny-faster-rcnn-opset16.onnx', false],
    ['tiny-mask-rcnn-opset16.onnx', true],
    ['tiny-mask-rcnn-opset16.onnx', false],
  ])('%s (multiScale %s): equal to pipe.plan, from the path or the bytes', async (file, multiScale) => {
    const path = join(fixtures, file);
    const pipe = await createOnnxPipeline(ort, path, { multiScale });
    opened.push(pipe);
    const plan = await planOnnxModel(path, { multiScale });
    expect(plan).toEqual(pipe.plan);
    expect(await planOnnxModel(readFileSync(path), { multiScale })).toEqual(plan);
    // The inputs and outputs are the model's, as onnxruntime names them.
    expect(plan.inputs.map((input) => input.name)).toEqual(pipe.inputNames);
    expect(plan.outputs.map((output) => output.name)).toEqual(pipe.outputNames);
    const session = await ort.InferenceSession.create(path);
    expect(plan.inputs.map((input) => input.name)).toEqual(session.inputNames);
    expect(plan.outputs.map((output) => output.name)).toEqual(session.outputNames);
    await session.release();
  });

  it('gives each declared type and dim, and leaves out what the model does not declare', async () => {
    const bytes = new GraphBuilder()
      .input('X', DataType.FLOAT, [1, 2, 'H', 'W'])
      .input('rois', DataType.FLOAT, ['K', 4])
      .input('batch', DataType.INT64)
      .node('RoiAlign', ['X', 'rois', 'batch'], ['Y'], { output_height: 2, output_width: 2 })
      .output('Y')
      .bytes(16);
    const plan = await planOnnxModel(bytes);
    expect(plan.inputs).toEqual([
      { name: 'X', type: 'float32', dims: [1, 2, 'H', 'W'] },
      { name: 'rois', type: 'float32', dims: ['K', 4] },
      { name: 'batch', type: 'int64' },
    ]);
    expect(plan.outputs).toEqual([{ name: 'Y' }]);
    expect(plan.steps).toEqual([
      {
        kind: 'roi-ops',
        operator: 'roiAlign',
        node: 'roialign_0',
        inputs: ['X', 'rois', 'batch'],
        output: 'Y',
        options: { outputSize: [2, 2], spatialScale: 1, samplingRatio: 0, aligned: true, mode: 'avg' },
        semantics: expect.stringContaining('RoiAlign (opset 16)'),
      },
    ]);
  });

  it("refuses what createOnnxPipeline refuses, with the same messages, and options that are not the pipeline's", async () => {
    const noRoi = new GraphBuilder()
      .input('X', DataType.FLOAT)
      .node('Relu', ['X'], ['Y'])
      .output('Y', DataType.FLOAT)
      .bytes(16);
    const refusal = /^roi-ops\/onnx: the model bytes: no RoiAlign or MaxRoiPool node/;
    await expect(planOnnxModel(noRoi)).rejects.toThrow(refusal);
    await expect(createOnnxPipeline(ort, noRoi)).rejects.toThrow(refusal);
    const truncated = readFileSync(join(fixtures, 'tiny-faster-rcnn-opset16.onnx')).subarray(0, 100);
    await expect(planOnnxModel(truncated)).rejects.toThrow(/^the model bytes: ModelProto\.graph at byte \d+/);
    await expect(planOnnxModel(42 as unknown as Uint8Array)).rejects.toThrow(
      'planOnnxModel: expected a file path or a Uint8Array for model',
    );
    await expect(planOnnxModel(noRoi, { multiScale: 'yes' as unknown as boolean })).rejects.toThrow(
      'planOnnxModel: expected a boolean for options.multiScale, got string',
    );
    await expect(planOnnxModel(noRoi, null as unknown as object)).rejects.toThrow(
      'planOnnxModel: expected an object for options, got null',
    );
    await expect(planOnnxModel(join(fixtures, 'no-such-model.onnx'))).rejects.toThrow(/ENOENT/);
  });
});

describe('IR version 3: initializers listed as graph inputs', () => {
  const weights = Float32Array.from({ length: 2 * 2 * 3 * 3 }, (_, i) => Math.sin(i + 1));
  /** conv -> RoiAlign -> conv, both convs reading one weight initializer, batch indices an initializer too. */
  const model = (irVersion: number, listed = true) => {
    const builder = new GraphBuilder().input('X', DataType.FLOAT, [1, 2, 'H', 'W']);
    if (listed) builder.input('conv_w', DataType.FLOAT, [2, 2, 3, 3]);
    builder.input('rois', DataType.FLOAT, ['K', 4]);
    if (listed) builder.input('batch', DataType.INT64, [2]);
    return builder
      .initializer('conv_w', weights, [2, 2, 3, 3])
      .initializer('batch', BigInt64Array.from([0n, 0n]), [2])
      .node('Conv', ['X', 'conv_w'], ['F'], { pads: [1, 1, 1, 1] })
      .node('RoiAlign', ['F', 'rois', 'batch'], ['R'], { output_height: 3, output_width: 3, sampling_ratio: 2 })
      .node('Conv', ['R', 'conv_w'], ['Y'], { pads: [1, 1, 1, 1] })
      .output('Y', DataType.FLOAT)
      .bytes(10, irVersion);
  };
  const feeds = () => ({
    X: new ort.Tensor(
      'float32',
      Float32Array.from({ length: 2 * 9 * 11 }, (_, i) => Math.cos(i * 0.7)),
      [1, 2, 9, 11],
    ),
    rois: new ort.Tensor('float32', Float32Array.from([0, 0, 5, 5, 1.5, 2, 10, 8]), [2, 4]),
  });

  it.each([
    [3, true],
    [4, true],
    [4, false],
  ])('IR %i, initializers listed as inputs %s: runs as onnxruntime runs the whole model', async (ir, listed) => {
    const bytes = model(ir, listed);
    const whole = await ort.InferenceSession.create(bytes);
    const pipe = await createOnnxPipeline(ort, bytes);
    opened.push(pipe);
    // onnxruntime-node lists only X and rois as inputs; so do the pipeline and its plan.
    expect(pipe.inputNames).toEqual(whole.inputNames);
    expect(pipe.inputNames).toEqual(['X', 'rois']);
    expect(pipe.plan.steps.map((step) => step.kind)).toEqual(['onnxruntime', 'roi-ops', 'onnxruntime']);
    const expected = (await whole.run(feeds())).Y as InstanceType<typeof ort.Tensor>;
    const actual = (await pipe.run(feeds())).Y as InstanceType<typeof ort.Tensor>;
    expect(actual.dims).toEqual(expected.dims);
    expect(actual.data).toEqual(expected.data);
    // The parts keep the model's IR version and list the initializers they hold as inputs when
    // the model does (so onnxruntime treats them in a part as in the whole model).
    const parts = splitModel(readModel(bytes, 'test'), 'test').steps.filter((step) => step.kind === 'onnxruntime');
    expect(parts.map((part) => part.model.ir_version)).toEqual([ir, ir]);
    expect(parts.map((part) => part.model.graph?.input?.map((input) => input.name))).toEqual(
      listed
        ? [
            ['X', 'conv_w'],
            ['R', 'conv_w'],
          ]
        : [['X'], ['R']],
    );
    await whole.release();
  });

  it('refuses a feed of such an initializer, which onnxruntime-node would ignore', async () => {
    const bytes = model(3);
    const pipe = await createOnnxPipeline(ort, bytes);
    opened.push(pipe);
    const conv_w = new ort.Tensor('float32', new Float32Array(36), [2, 2, 3, 3]);
    await expect(pipe.run({ ...feeds(), conv_w })).rejects.toThrow(
      'OnnxPipeline.run: feeds.conv_w is an initializer the model lists as an input too; onnxruntime-node runs it as a constant and ignores a feed of it, so the pipeline refuses one (leave it out)',
    );
  });
});
