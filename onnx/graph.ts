// What the pipeline needs to know about an ONNX graph's wiring: which node makes each tensor,
// which tensors a node reads (including those its subgraphs read from the enclosing graph), the
// opset a node is bound to, and which nodes the outputs actually need.
import type { AttributeProto, GraphProto, ModelProto, NodeProto } from './onnx-proto.js';

/** The node's name for messages: its own name, else its op type and position (in its graph, when known). */
export function nodeLabel(node: NodeProto, index?: number): string {
  if (node.name) return `${node.op_type ?? '?'} node '${node.name}'`;
  return index === undefined ? `an unnamed ${node.op_type ?? '?'} node` : `${node.op_type ?? '?'} node #${index}`;
}

/** True for the default ONNX domain ('' and 'ai.onnx' name the same one). */
export function isOnnxDomain(domain: string | undefined): boolean {
  return domain === undefined || domain === '' || domain === 'ai.onnx';
}

/** The version of the default ONNX opset the model imports (a node binds to it). */
export function onnxOpsetVersion(model: ModelProto, what: string): number {
  const entry = (model.opset_import ?? []).find((opset) => isOnnxDomain(opset.domain));
  if (entry === undefined || entry.version === undefined)
    throw new RangeError(`${what}: ModelProto.opset_import has no entry for the ONNX domain ('' or 'ai.onnx')`);
  return Number(entry.version);
}

function subgraphsOf(node: NodeProto): GraphProto[] {
  return (node.attribute ?? []).flatMap((attribute: AttributeProto) => [
    ...(attribute.g ? [attribute.g] : []),
    ...(attribute.graphs ?? []),
  ]);
}

/**
 * The tensors a node reads: its inputs ('' marks an omitted optional input and is skipped) and
 * every name its subgraphs (If, Loop, Scan bodies) read from the enclosing scopes, since a part
 * holding the node must receive those too.
 */
export function tensorsRead(node: NodeProto): string[] {
  const read = new Set((node.input ?? []).filter((name) => name !== ''));
  for (const graph of subgraphsOf(node)) for (const name of outerNamesOf(graph)) read.add(name);
  return [...read];
}

/** The names a (sub)graph reads that it does not define itself. */
function outerNamesOf(graph: GraphProto): Set<string> {
  const defined = new Set<string>([
    ...(graph.input ?? []).map((value) => value.name ?? ''),
    ...(graph.initializer ?? []).map((tensor) => tensor.name ?? ''),
  ]);
  const outer = new Set<string>();
  for (const node of graph.node ?? []) {
    for (const name of tensorsRead(node)) if (!defined.has(name)) outer.add(name);
    for (const name of node.output ?? []) defined.add(name);
  }
  for (const value of graph.output ?? []) if (value.name && !defined.has(value.name)) outer.add(value.name);
  return outer;
}

/** True when some node's subgraph holds a node of one of these op types (a RoI node the split cannot reach). */
export function findNestedOp(node: NodeProto, opTypes: ReadonlySet<string>): NodeProto | undefined {
  for (const graph of subgraphsOf(node))
    for (const inner of graph.node ?? []) {
      if (opTypes.has(inner.op_type ?? '') && isOnnxDomain(inner.domain)) return inner;
      const deeper = findNestedOp(inner, opTypes);
      if (deeper) return deeper;
    }
  return undefined;
}

/** The producer of every tensor a node makes, by name. */
export function producers(nodes: readonly NodeProto[]): Map<string, number> {
  const made = new Map<string, number>();
  nodes.forEach((node, index) => {
    for (const name of node.output ?? []) if (name !== '') made.set(name, index);
  });
  return made;
}

/** The indices of the nodes the named outputs depend on (a node nothing needs is left out of every part). */
export function neededNodes(nodes: readonly NodeProto[], outputs: readonly string[]): Set<number> {
  const made = producers(nodes);
  const needed = new Set<number>();
  const pending = [...outputs];
  while (pending.length > 0) {
    const index = made.get(pending.pop() as string);
    if (index === undefined || needed.has(index)) continue;
    needed.add(index);
    pending.push(...tensorsRead(nodes[index] as NodeProto));
  }
  return needed;
}
