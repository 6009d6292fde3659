// torchvision's exported MultiScaleRoIAlign, recognised as one stage (docs/onnx.md "MultiScaleRoIAlign
// as one stage"). torch.onnx writes it as: the level of each box (LevelMapper's Sqrt/Log/Floor/Clip
// arithmetic, an int64 tensor), then per level l: the rows whose level equals l (Equal, NonZero,
// Transpose, Split/Squeeze), their boxes and batch indices gathered from the [K, 5] rois (Gather,
// If, Cast), a RoiAlign on level l's map, and a ScatterElements of its output into a zero
// [K, C, PH, PW] tensor at those rows. The stage keeps the level arithmetic in onnxruntime, so
// every box gets the exported graph's own level, and replaces everything from the row selection
// to the last ScatterElements with one roi-ops step.
import { isOnnxDomain, tensorsRead } from './graph.js';
import { AttributeType, type GraphProto, type NodeProto, type TensorProto } from './onnx-proto.js';
import { roiStageOf, type RoiAlignStage } from './roi-nodes.js';
import { tensorValues } from './tensor-data.js';

export interface MultiScaleStage {
  operator: 'multiScaleRoiAlign';
  /** The name of the last ScatterElements, which makes the stage's output. */
  node: string;
  inputs: {
    /** One feature map per level, in the order of `levelValues`. */
    features: string[];
    /** [K, 5] float rows (batchIndex, x1, y1, x2, y2), as the exported graph gathers them. */
    rois: string;
    /** [K] int64: each box's level as the exported graph computes it (LevelMapper's result minus k_min). */
    levels: string;
  };
  /** The value of `levels` that selects each feature map. */
  levelValues: number[];
  output: string;
  /** The RoiAlign node of each level, as a single-node stage would run it (their attributes differ only in spatial_scale). */
  perLevel: RoiAlignStage[];
  /** LevelMapper's constants, read from the arithmetic when it has torchvision's form (else torchvision's defaults). */
  canonicalScale: number;
  canonicalLevel: number;
  /** Indices of the nodes the stage replaces. */
  covered: number[];
  semantics: string;
}

/** Ops that only move or relabel values on the way from a tensor to where it is used. */
const plumbing = new Set(['Cast', 'Squeeze', 'Unsqueeze', 'Reshape', 'Flatten', 'Identity', 'Transpose', 'Split']);

class GraphView {
  readonly producer = new Map<string, number>();
  readonly readers = new Map<string, number[]>();
  readonly initializers: Map<string, TensorProto>;
  constructor(
    readonly graph: GraphProto,
    readonly nodes: readonly NodeProto[],
  ) {
    this.initializers = new Map((graph.initializer ?? []).map((tensor) => [tensor.name ?? '', tensor]));
    nodes.forEach((node, index) => {
      for (const name of node.output ?? []) this.producer.set(name, index);
      for (const name of tensorsRead(node)) this.readers.set(name, [...(this.readers.get(name) ?? []), index]);
    });
  }

  made(name: string): NodeProto | undefined {
    const index = this.producer.get(name);
    return index === undefined ? undefined : this.nodes[index];
  }

  /** The numbers of a constant tensor (an initializer or a Constant node's value), or undefined. */
  constant(name: string): number[] | undefined {
    let tensor = this.initializers.get(name);
    const node = this.made(name);
    if (tensor === undefined && node?.op_type === 'Constant')
      tensor = node.attribute?.find((a) => a.name === 'value')?.t;
    return tensor === undefined ? undefined : this.constantOf(tensor);
  }

  /** A tensor's numbers, or undefined for an element type tensor-data.ts does not read. */
  constantOf(tensor: TensorProto): number[] | undefined {
    try {
      return Array.from(tensorValues(tensor, tensor.name ?? 'a constant').data, Number);
    } catch {
      return undefined;
    }
  }

  intAttribute(node: NodeProto, name: string): number | undefined {
    const attribute = node.attribute?.find((a) => a.name === name && a.type === AttributeType.INT);
    return attribute?.i === undefined ? undefined : Number(attribute.i);
  }

  /** Follows a tensor back through plumbing ops (and If nodes whose branches only relabel one outer tensor). */
  source(name: string): string {
    for (let steps = 0; steps < 16; steps++) {
      const node = this.made(name);
      if (node === undefined) return name;
      if (plumbing.has(node.op_type ?? '')) name = node.input?.[0] ?? name;
      else if (node.op_type === 'If') {
        const outer = tensorsRead(node).filter((read) => read !== node.input?.[0]);
        if (outer.length !== 1) return name;
        name = outer[0] as string;
      } else return name;
    }
    return name;
  }
}

/** The value a node compares against: `Equal(x, c)` with c a one-element constant. */
function equalityWith(view: GraphView, node: NodeProto | undefined): { tensor: string; value: number } | undefined {
  if (node?.op_type !== 'Equal' || node.input?.length !== 2) return undefined;
  const [a, b] = node.input as [string, string];
  const [tensor, constant] = view.constant(b)?.length === 1 ? [a, view.constant(b)] : [b, view.constant(a)];
  if (constant?.length !== 1) return undefined;
  // The levels tensor as it is compared (no Cast stripped: a cast may truncate).
  return { tensor, value: constant[0] as number };
}

/**
 * Every exported MultiScaleRoIAlign of the graph. A pattern that is not matched in full (another
 * reader of one of its tensors, attributes that differ beyond spatial_scale, a missing piece) is
 * not recognised, and its RoiAlign nodes run one by one as single-node stages.
 */
export function recognizeMultiScale(graph: GraphProto, opset: number): MultiScaleStage[] {
  const nodes = graph.node ?? [];
  const view = new GraphView(graph, nodes);
  const stages: MultiScaleStage[] = [];
  const outputs = new Set((graph.output ?? []).map((value) => value.name ?? ''));
  nodes.forEach((node, index) => {
    if (node.op_type !== 'ScatterElements' || (view.intAttribute(node, 'axis') ?? 0) !== 0) return;
    const base = view.made(node.input?.[0] ?? '');
    if (base?.op_type !== 'ConstantOfShape') return;
    // Zeros: ConstantOfShape's default, or a value tensor holding 0.
    const value = base.attribute?.find((a) => a.name === 'value')?.t;
    if (value && view.constantOf(value)?.join() !== '0') return;
    // The chain S_0 = Scatter(zeros, ...), S_l = Scatter(S_{l-1}, ...), each read only by the next.
    const chain = [index];
    for (;;) {
      const last = nodes[chain[chain.length - 1] as number] as NodeProto;
      const readers = view.readers.get(last.output?.[0] ?? '') ?? [];
      const next = readers.length === 1 ? nodes[readers[0] as number] : undefined;
      if (
        next?.op_type !== 'ScatterElements' ||
        next.input?.[0] !== last.output?.[0] ||
        outputs.has(last.output?.[0] ?? '')
      )
        break;
      if ((view.intAttribute(next, 'axis') ?? 0) !== 0) return;
      chain.push(readers[0] as number);
    }
    const stage = matchChain(view, chain, opset);
    if (stage) stages.push(stage);
  });
  return stages;
}

function matchChain(view: GraphView, chain: number[], opset: number): MultiScaleStage | undefined {
  const { nodes } = view;
  const features: string[] = [];
  const levelValues: number[] = [];
  const perLevel: RoiAlignStage[] = [];
  let rois: string | undefined;
  let levels: string | undefined;
  for (const index of chain) {
    const scatter = nodes[index] as NodeProto;
    const [, indices = '', updates = ''] = scatter.input ?? [];
    // The updates: a RoiAlign's output (through a Cast to float).
    const roiIndex = view.producer.get(view.source(updates));
    const roiNode = roiIndex === undefined ? undefined : nodes[roiIndex];
    if (roiNode?.op_type !== 'RoiAlign' || !isOnnxDomain(roiNode.domain)) return undefined;
    // The rows: Expand(Reshape(selection, [-1, 1, 1, 1]), shape) of the selection nonzero(levels == l).
    const expand = view.made(indices);
    const selection = expand?.op_type === 'Expand' ? view.source(expand.input?.[0] ?? '') : undefined;
    const nonZero = selection === undefined ? undefined : view.made(selection);
    if (nonZero?.op_type !== 'NonZero') return undefined;
    const equality = equalityWith(view, view.made(view.source(nonZero.input?.[0] ?? '')));
    if (equality === undefined || (levels !== undefined && equality.tensor !== levels)) return undefined;
    levels = equality.tensor;
    // The RoiAlign's boxes: Gather(Gather(rois5, selection, axis 0), [1, 2, 3, 4], axis 1); its batch
    // indices: column 0 of the same gathered rows.
    const [feature = '', boxes = '', batch = ''] = roiNode.input ?? [];
    const boxColumns = view.made(boxes);
    const rows = view.made(boxColumns?.input?.[0] ?? '');
    if (
      boxColumns?.op_type !== 'Gather' ||
      view.intAttribute(boxColumns, 'axis') !== 1 ||
      view.constant(boxColumns.input?.[1] ?? '')?.join() !== '1,2,3,4' ||
      rows?.op_type !== 'Gather' ||
      (view.intAttribute(rows, 'axis') ?? 0) !== 0 ||
      view.source(rows.input?.[1] ?? '') !== selection
    )
      return undefined;
    if (rois !== undefined && rows.input?.[0] !== rois) return undefined;
    rois = rows.input?.[0] as string;
    const batchColumn = view.made(view.source(batch));
    if (
      batchColumn?.op_type !== 'Gather' ||
      view.intAttribute(batchColumn, 'axis') !== 1 ||
      batchColumn.input?.[0] !== boxColumns.input?.[0] ||
      view.constant(batchColumn.input?.[1] ?? '')?.join() !== '0'
    )
      return undefined;
    features.push(feature);
    levelValues.push(equality.value);
    perLevel.push(roiStageOf(roiNode, roiIndex as number, opset) as RoiAlignStage);
  }
  if (rois === undefined || levels === undefined) return undefined;
  const first = perLevel[0] as RoiAlignStage;
  const same = (stage: RoiAlignStage) =>
    JSON.stringify({ ...stage.options, spatialScale: 0 }) === JSON.stringify({ ...first.options, spatialScale: 0 });
  if (!perLevel.every(same)) return undefined;

  // The nodes replaced: everything the last ScatterElements depends on, back to the stage's inputs.
  const last = nodes[chain[chain.length - 1] as number] as NodeProto;
  const stops = new Set([...features, rois, levels]);
  const covered = new Set<number>();
  const pending = [last.output?.[0] as string];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (stops.has(name)) continue;
    const index = view.producer.get(name);
    if (index === undefined) {
      if (view.initializers.has(name)) continue;
      return undefined; // a graph input the stage would need beyond its own: not this pattern
    }
    if (covered.has(index)) continue;
    covered.add(index);
    pending.push(...tensorsRead(nodes[index] as NodeProto));
  }
  // Nothing outside may read a tensor made inside, except the final output; a Constant node
  // another part also reads simply stays in onnxruntime.
  const graphOutputs = new Set((view.graph.output ?? []).map((value) => value.name ?? ''));
  for (const index of [...covered])
    for (const name of nodes[index]?.output ?? []) {
      if (name === last.output?.[0]) continue;
      const readOutside =
        graphOutputs.has(name) || (view.readers.get(name) ?? []).some((reader) => !covered.has(reader));
      if (!readOutside) continue;
      if (nodes[index]?.op_type === 'Constant') covered.delete(index);
      else return undefined;
    }
  const { canonicalScale, canonicalLevel } = levelMapperConstants(view, levels);
  const name = last.name ?? `#${chain[chain.length - 1]}`;
  return {
    operator: 'multiScaleRoiAlign',
    node: name,
    inputs: { features, rois, levels },
    levelValues,
    output: last.output?.[0] as string,
    perLevel,
    canonicalScale,
    canonicalLevel,
    covered: [...covered].sort((a, b) => a - b),
    semantics:
      `torchvision MultiScaleRoIAlign over ${features.length} levels (scales ${perLevel.map((s) => s.options.spatialScale).join(', ')}; ` +
      `RoiAlign nodes ${perLevel.map((s) => `'${s.node}'`).join(', ')}; ${covered.size} nodes replaced): ` +
      `each box's level as the graph computes it; one multiScaleRoiAlign call (canonical scale ${canonicalScale}, level ${canonicalLevel}) ` +
      `when roi-ops assigns every box the same level, else one roiAlign per level; ${first.semantics}`,
  };
}

/**
 * canonical_scale and canonical_level from LevelMapper's arithmetic, which torch.onnx writes as
 * floor(log(sqrt(area) / scale) / log(2) + level + eps): the constant divisor right after the Sqrt
 * and the first constant added after the Log. torchvision's defaults (224, 4) otherwise; either way
 * the levels are checked box by box before they are used.
 */
function levelMapperConstants(view: GraphView, levels: string): { canonicalScale: number; canonicalLevel: number } {
  let canonicalScale = 224;
  let canonicalLevel = 4;
  const seen = new Set<string>();
  const pending = [levels];
  const visited: NodeProto[] = [];
  while (pending.length > 0 && visited.length < 64) {
    const node = view.made(pending.pop() as string);
    if (node === undefined || seen.has(node.name ?? '')) continue;
    seen.add(node.name ?? '');
    visited.push(node);
    pending.push(...(node.input ?? []));
  }
  const scalar = (name: string | undefined) => {
    const values = name === undefined ? undefined : view.constant(name);
    return values?.length === 1 ? values[0] : undefined;
  };
  for (const node of visited) {
    if (node.op_type === 'Div' && view.made(node.input?.[0] ?? '')?.op_type === 'Sqrt')
      canonicalScale = scalar(node.input?.[1]) ?? canonicalScale;
    if (node.op_type === 'Add') {
      const from = view.made(node.input?.[0] ?? '');
      if (from?.op_type === 'Div' && view.made(from.input?.[0] ?? '')?.op_type === 'Log')
        canonicalLevel = scalar(node.input?.[1]) ?? canonicalLevel;
    }
  }
  return { canonicalScale, canonicalLevel };
}
