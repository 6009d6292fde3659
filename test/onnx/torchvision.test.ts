// The tiny torchvision detectors of test/fixtures/onnx/ (scripts/make-onnx-detectors.py: FasterRCNN
// and MaskRCNN with seeded random weights, exported by torch.onnx 1.13 at opsets 11 and 16) through
// createOnnxPipeline, against onnxruntime-node on the whole model, at two image sizes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createOnnxPipeline, type OnnxPipeline } from '../../onnx/index.js';
import { ort } from '../helpers/onnxruntime.js';

const fixtures = join(import.meta.dirname, '../fixtures/onnx');

/** A smooth, deterministic RGB image in [0, 1]. */
function image(height: number, width: number, phase: number) {
  const data = new Float32Array(3 * height * width);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        data[(c * height + y) * width + x] =
          0.5 + 0.5 * Math.sin(0.11 * x * (c + 1) + 0.07 * y + phase) * Math.cos(0.05 * (x - y) + c);
  return new ort.Tensor('float32', data, [3, height, width]);
}

const opened: OnnxPipeline[] = [];
afterAll(async () => Promise.all(opened.map((pipe) => pipe.release())));

describe.each([
  ['tiny-faster-rcnn-opset11.onnx', ['box_roi_pool'], false],
  ['tiny-faster-rcnn-opset16.onnx', ['box_roi_pool'], true],
  ['tiny-mask-rcnn-opset16.onnx', ['box_roi_pool', 'mask_roi_pool'], true],
])('%s', (file, pools, aligned) => {
  const bytes = readFileSync(join(fixtures, file));

  it('recognises each exported MultiScaleRoIAlign as one multiScaleRoiAlign step', async () => {
    const pipe = await createOnnxPipeline(ort, bytes);
    opened.push(pipe);
    const roiSteps = pipe.plan.steps.filter((step) => step.kind === 'roi-ops');
    expect(roiSteps.map((step) => step.node)).toEqual(pools.map((pool) => `/roi_heads/${pool}/ScatterElements_1`));
    for (const step of roiSteps)
      expect(step).toMatchObject({
        operator: 'multiScaleRoiAlign',
        // torchvision 0.14 writes no coordinate_transformation_mode, so the opset decides: opset 11
        // binds RoiAlign-10 (output_half_pixel), opset 16 RoiAlign-16 (half_pixel by default).
        options: {
          aligned,
          mode: 'avg',
          samplingRatio: 2,
          scales: [1 / 8, 1 / 16],
          canonicalScale: 224,
          canonicalLevel: 4,
        },
        semantics: expect.stringContaining('RoiAlign_1'),
      });
    // The mask head's stage reads the box head's detections: a later step than the box stage.
    expect(pipe.plan.steps.map((step) => step.kind)).toEqual(
      pools.length === 1
        ? ['onnxruntime', 'roi-ops', 'onnxruntime']
        : ['onnxruntime', 'roi-ops', 'onnxruntime', 'roi-ops', 'onnxruntime'],
    );
  });

  it('with multiScale: false, runs one RoiAlign step per pyramid level instead', async () => {
    const pipe = await createOnnxPipeline(ort, bytes, { multiScale: false });
    opened.push(pipe);
    const roiSteps = pipe.plan.steps.filter((step) => step.kind === 'roi-ops');
    expect(roiSteps.map((step) => step.node)).toEqual(
      pools.flatMap((pool) => [`/roi_heads/${pool}/RoiAlign`, `/roi_heads/${pool}/RoiAlign_1`]),
    );
    for (const step of roiSteps)
      expect(step).toMatchObject({ operator: 'roiAlign', options: { aligned, mode: 'avg' } });
  });

  it.each([
    [96, 128, true],
    [120, 100, true],
    [120, 100, false],
  ])(
    'gives the detections onnxruntime gives on the whole model, at %ix%i (multiScale %s)',
    async (height, width, multiScale) => {
      const pipe = await createOnnxPipeline(ort, bytes, { multiScale });
      opened.push(pipe);
      const whole = await ort.InferenceSession.create(bytes);
      const feeds = { image: image(height, width, height / 7) };
      const expected = await whole.run(feeds);
      const actual = await pipe.run(feeds);
      await whole.release();
      expect(pipe.outputNames).toEqual(whole.outputNames);
      const count = expected.boxes!.dims[0]!;
      expect(count).toBeGreaterThan(5); // the sharpened classifier keeps NMS busy
      for (const name of whole.outputNames) {
        const a = expected[name]!;
        const b = actual[name]!;
        expect([b.type, b.dims], name).toEqual([a.type, a.dims]);
        if (name === 'masks') {
          // The paste of the masks runs in a sub-model that onnxruntime optimizes on its own:
          // float32 rounding may differ there, by a few units in the last place of values <= 1.
          const x = a.data as Float32Array;
          const y = b.data as Float32Array;
          let largest = 0;
          for (let i = 0; i < x.length; i++) largest = Math.max(largest, Math.abs(x[i]! - y[i]!));
          expect(largest, name).toBeLessThanOrEqual(2 ** -20);
        } else expect(b.data, name).toEqual(a.data);
      }
    },
  );

  it("reuses its RoI steps' output memory across runs without changing any run's outputs", async () => {
    // The pipeline keeps a RoI step's output once read and writes the next run's into it: runs at
    // two sizes in turn, each equal to the whole model's, and the outputs already returned unchanged.
    const pipe = await createOnnxPipeline(ort, bytes);
    opened.push(pipe);
    const whole = await ort.InferenceSession.create(bytes);
    const sizes = [
      [120, 100],
      [96, 128],
      [120, 100],
    ];
    const returned: Array<Record<string, { data: unknown }>> = [];
    const copies: Array<Record<string, unknown>> = [];
    for (const [height, width] of sizes) {
      const feeds = { image: image(height!, width!, 0.3) };
      const [expected, actual] = [await whole.run(feeds), await pipe.run(feeds)];
      expect(actual.boxes!.data).toEqual(expected.boxes!.data);
      expect(actual.scores!.data).toEqual(expected.scores!.data);
      returned.push(actual);
      copies.push(Object.fromEntries(Object.entries(actual).map(([name, t]) => [name, structuredClone(t.data)])));
    }
    await whole.release();
    returned.forEach((outputs, i) => {
      for (const [name, tensor] of Object.entries(outputs))
        expect(tensor.data, `run ${i} ${name}`).toEqual(copies[i]![name]);
    });
  });
});
