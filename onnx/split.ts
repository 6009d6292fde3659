// Cutting a model around its RoI nodes (docs/onnx.md "How the graph is split"). Every node the
// outputs need gets a stage number: a RoI node's is the highest stage among the tensors it reads,
// an onnxruntime node's the highest stage among the tensors it reads where a RoI node's output
// counts one more than that node. Then part 0 (onnxruntime), the RoI nodes of stage 0, part 1,
// the RoI nodes of stage 1, ... run in that order, and each reads only what came before it. Each
// part is a sub-model whose inputs are the tensors it reads from outside and whose outputs are the
// tensors it makes that a later step or the caller reads; initializers go with the parts that use
// them (copied into each, as views of the same bytes).
import { findNestedOp, isOnnxDomain, neededNodes, nodeLabel, onnxOpsetVersion, tensorsRead } from './graph.js';
import { ElementTypes } from './element-types.js';
import type { GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from './onnx-proto.js';
import { recognizeMultiScale, type MultiScaleStage } from './multi-scale.js';
import { roiOpTypes, roiStageOf, type RoiStage } from './roi-nodes.js';

/** What a roi-ops step runs: one RoI node, or a whole exported MultiScaleRoIAlign. */
export type Stage = RoiStage | MultiScaleStage;

/** The tensors a stage reads. */
export function stageInputs(stage: Stage): string[] {
  return Object.values(stage.inputs).flat();
}

/** A sub-model run by onnxruntime: the nodes of one stage of the split. */
export interface OrtPart {
  kind: 'onnxruntime';
  /** Names of the nodes it holds, in the model's order. */
  nodes: string[];
  inputs: string[];
  outputs: string[];
  model: ModelProto;
}

export interface RoiStep {
  kind: 'roi-ops';
  stage: Stage;
}

export type Step = OrtPart | RoiStep;

export interface SplitModel {
  opset: number;
  /** The inputs the caller feeds (graph inputs that no initializer provides). */
  inputNames: string[];
  /**
   * Graph inputs that an initializer provides (every initializer, before IR version 4). ONNX lets a
   * caller override them; onnxruntime-node runs them as constants (its session lists them as no
   * input and ignores a feed of them), and so does the pipeline, which refuses such a feed.
   */
  initializerInputNames: string[];
  outputNames: string[];
  /** The declared type of each graph input, output and value_info entry, by name. */
  declared: Map<string, ValueInfoProto>;
  steps: Step[];
  /** Initializers a RoI step reads directly or the caller gets as an output: materialized once. */
  constants: Map<string, TensorProto>;
}

export interface SplitOptions {
  /** Recognise torchvision's exported MultiScaleRoIAlign as one stage (default true). */
  multiScale?: boolean;
}

/** Split `model` (already read) around its RoI nodes; `what` names the model in errors. */
export function splitModel(model: ModelProto, what: string, options: SplitOptions = {}): SplitModel {
  const graph = model.graph as GraphProto;
  const opset = onnxOpsetVersion(model, what);
  const initializers = new Map((graph.initializer ?? []).map((tensor) => [tensor.name ?? '', tensor]));
  const graphInputs = (graph.input ?? []).map((value) => value.name ?? '');
  const inputNames = graphInputs.filter((name) => !initializers.has(name));
  const initializerInputNames = graphInputs.filter((name) => initializers.has(name));
  const outputNames = (graph.output ?? []).map((value) => value.name ?? '');

  (graph.node ?? []).forEach((node, index) => {
    const nested = findNestedOp(node, roiOpTypes);
    if (nested)
      throw new RangeError(
        `roi-ops/onnx: ${what}: ${nodeLabel(nested)} lies inside the subgraph of ${nodeLabel(node, index)}; ` +
          'roi-ops runs RoI nodes of the main graph only',
      );
  });
  const { nodes, stages } = withStages(graph, opset, options.multiScale ?? true);
  const isRoi = (index: number) => stages.has(index);
  const needed = neededNodes(nodes, outputNames);
  const roiIndices = [...needed].filter(isRoi).sort((a, b) => a - b);
  if (roiIndices.length === 0)
    throw new RangeError(
      `roi-ops/onnx: ${what}: no RoiAlign or MaxRoiPool node (of the ONNX domain) feeds the outputs; nothing for roi-ops to run`,
    );
  for (const index of roiIndices)
    if (!stages.get(index)) stages.set(index, roiStageOf(nodes[index] as NodeProto, index, opset));
  const roiStages = stages as Map<number, Stage>;

  // Stage numbers, in topological order (a node's inputs come from graph inputs, initializers or
  // nodes already numbered; ONNX requires nodes to be listed topologically).
  const tensorStage = new Map<string, number>();
  const nodeStage = new Map<number, number>();
  for (const index of [...needed].sort((a, b) => a - b)) {
    const node = nodes[index] as NodeProto;
    let stage = 0;
    for (const name of tensorsRead(node)) {
      const made = tensorStage.get(name);
      if (made === undefined && !initializers.has(name) && !inputNames.includes(name))
        throw new RangeError(
          `roi-ops/onnx: ${what}: ${nodeLabel(node, index)} reads '${name}', which no earlier node, input or initializer provides (nodes out of order?)`,
        );
      stage = Math.max(stage, made ?? 0);
    }
    nodeStage.set(index, stage);
    for (const name of node.output ?? []) if (name !== '') tensorStage.set(name, isRoi(index) ? stage + 1 : stage);
  }

  const types = new ElementTypes(graph);
  const lastStage = Math.max(...nodeStage.values());
  const steps: Step[] = [];
  const readers = new Map<string, number[]>();
  for (const index of needed)
    for (const name of tensorsRead(nodes[index] as NodeProto)) readers.set(name, [...(readers.get(name) ?? []), index]);
  const consumers = (name: string) => readers.get(name) ?? [];
  for (let stage = 0; stage <= lastStage; stage++) {
    const partNodes = [...needed]
      .filter((index) => nodeStage.get(index) === stage && !roiStages.has(index))
      .sort((a, b) => a - b);
    if (partNodes.length > 0)
      steps.push(
        makePart(model, partNodes, nodes, stage, nodeStage, roiStages, consumers, outputNames, types, initializers),
      );
    for (const index of roiIndices)
      if (nodeStage.get(index) === stage) steps.push({ kind: 'roi-ops', stage: roiStages.get(index) as Stage });
  }

  const constants = new Map<string, TensorProto>();
  for (const step of steps)
    if (step.kind === 'roi-ops')
      for (const name of stageInputs(step.stage))
        if (initializers.has(name)) constants.set(name, initializers.get(name) as TensorProto);
  for (const name of outputNames)
    if (initializers.has(name)) constants.set(name, initializers.get(name) as TensorProto);
  return { opset, inputNames, initializerInputNames, outputNames, declared: declaredTypes(graph), steps, constants };
}

function declaredTypes(graph: GraphProto): Map<string, ValueInfoProto> {
  return new Map(
    [...(graph.input ?? []), ...(graph.value_info ?? []), ...(graph.output ?? [])].map((value) => [
      value.name ?? '',
      value,
    ]),
  );
}

/**
 * The graph's nodes with each recognised MultiScaleRoIAlign replaced by one node standing for it
 * (where its last ScatterElements was: everything it reads comes earlier), and the stages known
 * so far by node index (a RoI node's entry is filled in once the node is known to be needed).
 */
function withStages(
  graph: GraphProto,
  opset: number,
  multiScale: boolean,
): { nodes: NodeProto[]; stages: Map<number, Stage | undefined> } {
  const original = graph.node ?? [];
  const recognized = multiScale ? recognizeMultiScale(graph, opset) : [];
  const coveredBy = new Map<number, MultiScaleStage>();
  for (const stage of recognized) for (const index of stage.covered) coveredBy.set(index, stage);
  const nodes: NodeProto[] = [];
  const stages = new Map<number, Stage | undefined>();
  original.forEach((node, index) => {
    const stage = coveredBy.get(index);
    if (stage === undefined) {
      if (roiOpTypes.has(node.op_type ?? '') && isOnnxDomain(node.domain)) stages.set(nodes.length, undefined);
      nodes.push(node);
    } else if (index === stage.covered[stage.covered.length - 1]) {
      stages.set(nodes.length, stage);
      nodes.push({
        name: stage.node,
        op_type: 'MultiScaleRoIAlign',
        domain: 'roi-ops',
        input: stageInputs(stage),
        output: [stage.output],
      });
    }
  });
  return { nodes, stages };
}

function makePart(
  model: ModelProto,
  partNodes: number[],
  nodes: readonly NodeProto[],
  stage: number,
  nodeStage: Map<number, number>,
  roiStages: Map<number, Stage>,
  consumers: (name: string) => number[],
  outputNames: string[],
  types: ElementTypes,
  initializers: Map<string, TensorProto>,
): OrtPart {
  const graph = model.graph as GraphProto;
  const members = new Set(partNodes);
  const made = new Set(
    partNodes.flatMap((index) => (nodes[index] as NodeProto).output ?? []).filter((name) => name !== ''),
  );
  const read = new Set(partNodes.flatMap((index) => tensorsRead(nodes[index] as NodeProto)));
  const partInitializers = [...read].filter((name) => initializers.has(name) && !made.has(name));
  const inputs = [...read].filter((name) => !made.has(name) && !initializers.has(name));
  // A tensor leaves the part when the caller asks for it, or a node of another step reads it.
  const outputs = [...made].filter(
    (name) =>
      outputNames.includes(name) ||
      consumers(name).some((index) => !members.has(index) && (roiStages.has(index) || nodeStage.get(index) !== stage)),
  );
  const declared = declaredTypes(graph);
  const inputInfo = inputs.map((name): ValueInfoProto => {
    const known = declared.get(name);
    if (known?.type?.tensor_type?.elem_type) return { name, type: known.type };
    return { name, type: { tensor_type: { elem_type: types.of(name) } } };
  });
  // Outputs keep a declared type; without one, onnxruntime infers it.
  const outputInfo = outputs.map((name): ValueInfoProto => declared.get(name) ?? { name });
  // An initializer the model lists as a graph input too (every one before IR version 4, where
  // ONNX requires it) is listed so in the part, so onnxruntime treats it in the part as in the
  // whole model.
  const listedInitializers = (graph.input ?? []).filter((value) => partInitializers.includes(value.name ?? ''));
  const partGraph: GraphProto = {
    name: `${graph.name ?? 'graph'}_part${stage}`,
    node: partNodes.map((index) => nodes[index] as NodeProto),
    initializer: partInitializers.map((name) => initializers.get(name) as TensorProto),
    input: [...inputInfo, ...listedInitializers],
    output: outputInfo,
    value_info: (graph.value_info ?? []).filter(
      (value) => made.has(value.name ?? '') && !outputs.includes(value.name ?? ''),
    ),
  };
  return {
    kind: 'onnxruntime',
    nodes: partNodes.map((index) => (nodes[index] as NodeProto).name ?? `#${index}`),
    inputs,
    outputs,
    model: { ...model, graph: partGraph },
  };
}
