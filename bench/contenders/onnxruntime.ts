// Contender: onnxruntime-node's CPU RoiAlign (a one-node opset-16 model from bench/models/, made by
// scripts/make-onnx-roialign-model.ts), on one workload, in this process.
// Usage: onnxruntime.ts <workload dir> <workload id> <quick|full> <output file> <intra-op threads>
// Prints the timing as JSON, then writes the output [K,C,PH,PW] to <output file> for bench/run.ts
// to compare with roi-ops.
//
// Timed: session.run() on ort.Tensors made once beforehand (they wrap the Float32Arrays, no copy);
// the run allocates its output, as roi-ops does when no `out` is passed. Untimed: splitting the
// [K,5] boxes into rois [K,4] and int64 batch_indices [K], as a caller of the ONNX op has to.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import * as ort from 'onnxruntime-node';

import {
  contenderSessionOptions,
  missingModel,
  modelDirectory,
  modelFileName,
  onnxAttributes,
  roiAlignNodeInputs,
} from '../onnx-models.js';
import { timeBudgetMs, timeCalls } from '../timing.js';
import { onlyInput, readWorkload, writeOutput } from '../workload-files.js';

const [directory, id, mode, outputFile, threadsText] = process.argv.slice(2);
if (!directory || !id || !outputFile)
  throw new Error('usage: onnxruntime.ts <workload dir> <workload id> <quick|full> <output file> <threads>');
const workload = readWorkload(directory, id);
const attributes = workload.op === 'roiAlign' ? onnxAttributes(workload.options) : undefined;
if (!attributes)
  throw new Error(`${id}: onnxruntime's RoiAlign cannot express ${workload.op} ${JSON.stringify(workload.options)}`);
const modelPath = join(modelDirectory, modelFileName(attributes));
if (!existsSync(modelPath)) throw new Error(missingModel(modelPath));

const session = await ort.InferenceSession.create(modelPath, contenderSessionOptions(Number(threadsText ?? 1)));

const input = onlyInput(workload);
const { count, rois, batchIndices } = roiAlignNodeInputs(workload.boxes);
const feeds = {
  X: new ort.Tensor('float32', input.data, input.shape),
  rois: new ort.Tensor('float32', rois, [count, 4]),
  batch_indices: new ort.Tensor('int64', batchIndices, [count]),
};

const timing = await timeCalls(() => session.run(feeds), timeBudgetMs(mode));
const output = (await session.run(feeds)).Y;
if (!output) throw new Error('the model produced no Y');
writeOutput(outputFile, output.data as Float32Array);
process.stdout.write(JSON.stringify({ ...timing, outputShape: output.dims }));
await session.release();
