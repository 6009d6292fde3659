// The plan of a model: how it is split into onnxruntime parts and roi-ops steps, as facts a person
// or a program can read (`pipe.plan`, `planOnnxModel`, `roi-ops onnx inspect`). planOnnxModel
// needs no onnxruntime: it reads and splits the model exactly as createOnnxPipeline does (both
// call splitModel and planOf), and stops before any session is made.
import { readFile } from 'node:fs/promises';

import { DataType, readModel, type ValueInfoProto } from './onnx-proto.js';
import { stageOptions } from './run-stage.js';
import { splitModel, stageInputs, type SplitModel, type Stage } from './split.js';

/** One step of the plan, as `pipe.plan` shows it. */
export type PlanStep =
  | { kind: 'onnxruntime'; nodes: number; nodeNames: string[]; inputs: string[]; outputs: string[] }
  | {
      kind: 'roi-ops';
      operator: Stage['operator'];
      node: string;
      inputs: string[];
      output: string;
      options: object;
      semantics: string;
    };

/**
 * An input or output of the model as it declares it: the element type as onnxruntime-node names
 * it ('float32', 'int64', ...) and the dims (a number, or the name of a dimension left free);
 * either is undefined where the model declares none.
 */
export interface PlanTensor {
  name: string;
  type?: string;
  dims?: Array<number | string>;
}

export interface OnnxPipelinePlan {
  opset: number;
  /** The inputs `run` needs. */
  inputs: PlanTensor[];
  outputs: PlanTensor[];
  steps: PlanStep[];
}

export interface PlanOptions {
  /** Run torchvision's exported MultiScaleRoIAlign as one stage (default true); false: each RoiAlign alone. */
  multiScale?: boolean;
}

/** onnxruntime-node's names of TensorProto.DataType values. */
const typeNames = new Map<number, string>([
  [DataType.FLOAT, 'float32'],
  [DataType.UINT8, 'uint8'],
  [DataType.INT8, 'int8'],
  [DataType.UINT16, 'uint16'],
  [DataType.INT16, 'int16'],
  [DataType.INT32, 'int32'],
  [DataType.INT64, 'int64'],
  [DataType.STRING, 'string'],
  [DataType.BOOL, 'bool'],
  [DataType.FLOAT16, 'float16'],
  [DataType.DOUBLE, 'float64'],
  [DataType.UINT32, 'uint32'],
  [DataType.UINT64, 'uint64'],
  [DataType.BFLOAT16, 'bfloat16'],
]);

function planTensor(name: string, declared: ValueInfoProto | undefined): PlanTensor {
  const tensorType = declared?.type?.tensor_type;
  const elem = tensorType?.elem_type;
  const shape = tensorType?.shape?.dim;
  return {
    name,
    ...(elem !== undefined && elem !== 0 && { type: typeNames.get(elem) ?? `ONNX data type ${elem}` }),
    ...(shape !== undefined && {
      dims: shape.map((dim) =>
        dim.dim_value !== undefined ? Number(dim.dim_value) : dim.dim_param !== undefined ? dim.dim_param : '?',
      ),
    }),
  };
}

/** The plan of a split model: a fresh object, so changing it changes nothing the pipeline runs. */
export function planOf(split: SplitModel): OnnxPipelinePlan {
  const describe = (name: string) => planTensor(name, split.declared.get(name));
  return structuredClone({
    opset: split.opset,
    inputs: split.inputNames.map(describe),
    outputs: split.outputNames.map(describe),
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
        inputs: stageInputs(stage),
        output: stage.output,
        options: stageOptions(stage),
        semantics: stage.semantics,
      };
    }),
  });
}

/** The bytes of `model` (a path, read here, or the bytes themselves) and how errors name it. */
export async function modelBytes(fn: string, model: unknown): Promise<{ bytes: Uint8Array; what: string }> {
  if (typeof model === 'string') return { bytes: await readFile(model), what: model };
  if (model instanceof Uint8Array) return { bytes: model, what: 'the model bytes' };
  throw new TypeError(`${fn}: expected a file path or a Uint8Array for model`);
}

/** Checks `options.multiScale` and splits the model as the pipeline runs it. */
export function splitWithOptions(fn: string, bytes: Uint8Array, what: string, multiScale: unknown = true): SplitModel {
  if (typeof multiScale !== 'boolean')
    throw new TypeError(`${fn}: expected a boolean for options.multiScale, got ${typeof multiScale}`);
  return splitModel(readModel(bytes, what), what, { multiScale });
}

/**
 * The plan createOnnxPipeline would make of `model` (a path or the file's bytes), without
 * onnxruntime: the same refusals (no RoI node, a malformed file, a RoI attribute roi-ops cannot
 * honour), the same steps.
 */
export async function planOnnxModel(model: string | Uint8Array, options: PlanOptions = {}): Promise<OnnxPipelinePlan> {
  const fn = 'planOnnxModel';
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${fn}: expected an object for options, got ${options === null ? 'null' : typeof options}`);
  const { bytes, what } = await modelBytes(fn, model);
  return planOf(splitWithOptions(fn, bytes, what, options.multiScale));
}
