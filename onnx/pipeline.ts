// createOnnxPipeline: an ONNX model run as onnxruntime-node sessions with roi-ops computing its
// RoI nodes between them (docs/onnx.md). The model is read and split once; run() feeds each step
// the tensors it reads and keeps each tensor only until its last reader has run.
import { readFile } from 'node:fs/promises';

import { roiAlign, roiPool } from '../lib/index.js';

import { readModel, writeModel } from './onnx-proto.js';
import type { OrtModule, OrtSession, OrtTensor } from './ort.js';
import type { RoiStage } from './roi-nodes.js';
import { splitModel, type Step } from './split.js';
import { tensorValues } from './tensor-data.js';

export interface OnnxPipelineOptions {
  /** Passed to every InferenceSession.create (its intraOpNumThreads is overridden by `threads`). */
  sessionOptions?: object;
  /** Threads for onnxruntime's intra-op pool and for roi-ops' calls; default: each one's own default. */
  threads?: number;
}

/** One step of the plan, as `pipe.plan` shows it. */
export type PlanStep =
  | { kind: 'onnxruntime'; nodes: number; nodeNames: string[]; inputs: string[]; outputs: string[] }
  | {
      kind: 'roi-ops';
      operator: RoiStage['operator'];
      node: string;
      inputs: string[];
      output: string;
      options: object;
      semantics: string;
    };

export interface OnnxPipelinePlan {
  opset: number;
  steps: PlanStep[];
}

export interface OnnxPipeline {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly plan: OnnxPipelinePlan;
  /** The model's outputs for these inputs, as InferenceSession.run on the whole model gives them. */
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

const fn = 'createOnnxPipeline';

export async function createOnnxPipeline(
  ort: OrtModule,
  model: string | Uint8Array,
  options: OnnxPipelineOptions = {},
): Promise<OnnxPipeline> {
  if (typeof ort?.InferenceSession?.create !== 'function' || typeof ort?.Tensor !== 'function')
    throw new TypeError(
      `${fn}: expected the onnxruntime-node module (import * as ort from 'onnxruntime-node') for ort`,
    );
  let bytes: Uint8Array;
  let what: string;
  if (typeof model === 'string') {
    bytes = await readFile(model);
    what = model;
  } else if (model instanceof Uint8Array) {
    bytes = model;
    what = 'the model bytes';
  } else throw new TypeError(`${fn}: expected a file path or a Uint8Array for model`);
  const { threads, sessionOptions = {} } = options;
  if (threads !== undefined && (!Number.isSafeInteger(threads) || threads < 1))
    throw new RangeError(`${fn}: expected an integer >= 1 for options.threads, got ${String(threads)}`);

  const split = splitModel(readModel(bytes, what), what);
  const sessionConfig = threads === undefined ? sessionOptions : { ...sessionOptions, intraOpNumThreads: threads };
  const sessions = new Map<Step, OrtSession>();
  try {
    for (const step of split.steps)
      if (step.kind === 'onnxruntime')
        sessions.set(step, await ort.InferenceSession.create(writeModel(step.model), sessionConfig));
  } catch (error) {
    await Promise.all([...sessions.values()].map((session) => session.release()));
    throw error;
  }
  const constants = new Map(
    [...split.constants].map(([name, tensor]) => {
      const values = tensorValues(tensor, `${what}: initializer '${name}'`);
      return [name, new ort.Tensor(values.type, values.data, values.dims)];
    }),
  );

  // How many steps (and the caller, for an output) read each tensor: a tensor is dropped after its last reader.
  const readsOf = (step: Step) => (step.kind === 'onnxruntime' ? step.inputs : Object.values(step.stage.inputs));
  const plan: OnnxPipelinePlan = {
    opset: split.opset,
    steps: split.steps.map((step): PlanStep => {
      if (step.kind === 'onnxruntime')
        return {
          kind: 'onnxruntime',
          nodes: step.nodes.length,
          nodeNames: step.nodes,
          inputs: step.inputs,
          outputs: step.outputs,
        };
      const { stage } = step;
      return {
        kind: 'roi-ops',
        operator: stage.operator,
        node: stage.node,
        inputs: Object.values(stage.inputs),
        output: stage.output,
        options: stage.options,
        semantics: stage.semantics,
      };
    }),
  };
  let released = false;

  async function run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>> {
    if (released) throw new Error('OnnxPipeline.run: the pipeline was released');
    if (feeds === null || typeof feeds !== 'object')
      throw new TypeError('OnnxPipeline.run: expected an object of tensors for feeds');
    for (const name of Object.keys(feeds))
      if (!split.inputNames.includes(name))
        throw new RangeError(
          `OnnxPipeline.run: feeds.${name} is not an input of the model (its inputs: ${split.inputNames.join(', ')})`,
        );
    const values = new Map<string, OrtTensor>(constants);
    for (const name of split.inputNames) {
      if (feeds[name] === undefined)
        throw new RangeError(
          `OnnxPipeline.run: feeds.${name} is missing (the model's inputs: ${split.inputNames.join(', ')})`,
        );
      values.set(name, feeds[name]);
    }
    const remaining = new Map<string, number>();
    for (const step of split.steps)
      for (const name of readsOf(step)) remaining.set(name, (remaining.get(name) ?? 0) + 1);
    for (const name of split.outputNames) remaining.set(name, Infinity);
    const consumed = (names: readonly string[]) => {
      for (const name of names) {
        const left = (remaining.get(name) ?? 1) - 1;
        remaining.set(name, left);
        if (left === 0) values.delete(name);
      }
    };
    for (const step of split.steps) {
      if (step.kind === 'onnxruntime') {
        const session = sessions.get(step) as OrtSession;
        const partFeeds = Object.fromEntries(step.inputs.map((name) => [name, values.get(name) as OrtTensor]));
        const results = await session.run(partFeeds, step.outputs);
        for (const name of step.outputs) values.set(name, results[name] as OrtTensor);
      } else values.set(step.stage.output, await runRoiStage(ort, step.stage, values, threads));
      consumed(readsOf(step));
    }
    return Object.fromEntries(split.outputNames.map((name) => [name, values.get(name) as OrtTensor]));
  }

  return {
    inputNames: split.inputNames,
    outputNames: split.outputNames,
    plan,
    run,
    async release() {
      if (released) return;
      released = true;
      await Promise.all([...sessions.values()].map((session) => session.release()));
    },
  };
}

/**
 * onnxruntime's RoiAlign weighs a sample outside the map as 0 times the plane's first pixel, so
 * a non-finite first pixel makes those samples NaN there, where roi-ops counts them as 0
 * (docs/semantics.md "roiAlign"). Refused rather than answered differently; N*C reads.
 */
function refuseNonFiniteFirstPixel(data: Float32Array, shape: number[], name: string): void {
  const [n = 0, c = 0, h = 0, w = 0] = shape;
  for (let plane = 0; plane < n * c; plane++) {
    const value = data[plane * h * w] as number;
    if (!Number.isFinite(value))
      throw new RangeError(
        `input ${name}[${Math.floor(plane / c)},${plane % c},0,0] is ${value}; onnxruntime spreads a non-finite first ` +
          'pixel to every sample outside the map, roi-ops counts those as 0, so the results would differ',
      );
  }
}

function float32Of(tensor: OrtTensor, what: string): Float32Array {
  if (tensor.type !== 'float32' || !(tensor.data instanceof Float32Array))
    throw new TypeError(`${what}: expected a float32 tensor, got ${tensor.type}`);
  return tensor.data;
}

/** One RoI node, computed by roi-ops with the node's semantics; errors name the node. */
async function runRoiStage(
  ort: OrtModule,
  stage: RoiStage,
  values: Map<string, OrtTensor>,
  threads: number | undefined,
): Promise<OrtTensor> {
  const label = `roi-ops/onnx: ${stage.operator === 'roiAlign' ? 'RoiAlign' : 'MaxRoiPool'} node '${stage.node}'`;
  const get = (name: string) => values.get(name) as OrtTensor;
  try {
    const features = get(stage.inputs.features);
    const input = { data: float32Of(features, `input ${stage.inputs.features}`), shape: [...features.dims] };
    if (input.shape.length !== 4)
      throw new RangeError(`input ${stage.inputs.features} has dims [${input.shape}], expected 4 dims (NCHW)`);
    const rois = get(stage.inputs.rois);
    const roiData = float32Of(rois, `input ${stage.inputs.rois}`);
    if (stage.operator === 'roiPool') {
      if (rois.dims.length !== 2 || rois.dims[1] !== 5)
        throw new RangeError(`input ${stage.inputs.rois} has dims [${rois.dims}], expected [num_rois, 5]`);
      const result = await roiPool(input, { data: roiData, shape: [...rois.dims] }, { ...stage.options, threads });
      return new ort.Tensor('float32', result.data, result.shape);
    }
    const indices = get(stage.inputs.batchIndices);
    if (indices.type !== 'int64' || !(indices.data instanceof BigInt64Array))
      throw new TypeError(
        `input ${stage.inputs.batchIndices} (batch_indices): expected an int64 tensor, got ${indices.type}`,
      );
    const count = rois.dims[0] ?? 0;
    if (rois.dims.length !== 2 || rois.dims[1] !== 4)
      throw new RangeError(`input ${stage.inputs.rois} has dims [${rois.dims}], expected [num_rois, 4]`);
    if (indices.dims.length !== 1 || indices.dims[0] !== count)
      throw new RangeError(
        `input ${stage.inputs.batchIndices} has dims [${indices.dims}], expected [${count}] (one per RoI)`,
      );
    refuseNonFiniteFirstPixel(input.data, input.shape, stage.inputs.features);
    // roi-ops reads (batchIndex, x1, y1, x2, y2) rows; an index that does not fit exactly in a
    // float32 is out of any real batch's range and is refused by roi-ops' own row check.
    const boxes = new Float32Array(count * 5);
    for (let k = 0; k < count; k++) {
      boxes[k * 5] = Number(indices.data[k]);
      boxes.set(roiData.subarray(k * 4, k * 4 + 4), k * 5 + 1);
    }
    const result = await roiAlign(input, { data: boxes, shape: [count, 5] }, { ...stage.options, threads });
    return new ort.Tensor('float32', result.data, result.shape);
  } catch (error) {
    if (error instanceof Error) error.message = `${label}: ${error.message}`;
    throw error;
  }
}
