// The element type of each tensor that crosses a cut of the graph: the sub-model that receives it
// must declare it as a typed input (onnxruntime infers the types of outputs, not of inputs, and
// onnxruntime-node before 1.22 cannot be asked what a session outputs). A type the model declares
// (graph inputs and outputs, value_info, initializers) is used as it is; otherwise it follows from
// the producing node by the few rules below, and a tensor no rule covers is an error naming it.
import { isOnnxDomain } from './graph.js';
import { DataType, type GraphProto, type NodeProto, type TypeProto } from './onnx-proto.js';

/** Ops whose outputs have the element type of their first input. */
const sameAsFirstInput = new Set(
  (
    'Abs Add AveragePool BatchNormalization Ceil Clip Concat Conv ConvTranspose Div Dropout Elu Exp Expand Flatten ' +
    'Floor Gather GatherElements GatherND Gemm GlobalAveragePool GlobalMaxPool HardSigmoid Identity LeakyRelu Log ' +
    'LogSoftmax MatMul Max MaxPool MaxRoiPool Min Mod Mul Neg Pad Pow Range ReduceMax ReduceMean ReduceMin ReduceProd ' +
    'ReduceSum Relu Reshape Resize RoiAlign Round ScatterElements ScatterND Sigmoid Slice Softmax Split Sqrt Squeeze ' +
    'Sub Sum Tanh Tile Transpose Unsqueeze Upsample HardSwish Erf Reciprocal Sign Sin Cos'
  ).split(' '),
);
const int64Outputs = new Set(['Shape', 'Size', 'NonZero', 'NonMaxSuppression', 'ArgMax', 'ArgMin']);
const boolOutputs = new Set([
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'Not',
  'And',
  'Or',
  'Xor',
  'IsNaN',
  'IsInf',
]);

/** The element type (TensorProto.DataType) of every tensor of the graph that can be told, by name. */
export class ElementTypes {
  private readonly known = new Map<string, number>();
  private readonly producer = new Map<string, NodeProto>();

  constructor(private readonly graph: GraphProto) {
    const declare = (name: string | undefined, type: TypeProto | undefined) => {
      const elem = type?.tensor_type?.elem_type;
      if (name && elem) this.known.set(name, elem);
    };
    for (const value of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.value_info ?? [])])
      declare(value.name, value.type);
    for (const tensor of graph.initializer ?? [])
      if (tensor.name && tensor.data_type) this.known.set(tensor.name, tensor.data_type);
    for (const node of graph.node ?? []) for (const name of node.output ?? []) this.producer.set(name, node);
  }

  /** The element type of `name`, or an Error saying why it cannot be told. */
  of(name: string, depth = 0): number {
    const known = this.known.get(name);
    if (known !== undefined) return known;
    const node = this.producer.get(name);
    const unknown = (why: string) =>
      new RangeError(
        `roi-ops/onnx: cannot tell the element type of tensor '${name}', which crosses the split (${why}); ` +
          'give it a value_info entry (onnx.shape_inference.infer_shapes adds them)',
      );
    if (node === undefined) throw unknown('no node makes it');
    if (depth > 10_000) throw unknown('its chain of producers is too long');
    const type = this.rule(node, name, depth);
    if (type === undefined) throw unknown(`no rule for op ${node.op_type ?? '?'} of node '${node.name ?? ''}'`);
    this.known.set(name, type);
    return type;
  }

  private rule(node: NodeProto, name: string, depth: number): number | undefined {
    if (!isOnnxDomain(node.domain)) return undefined;
    const op = node.op_type ?? '';
    const attribute = (key: string) => node.attribute?.find((a) => a.name === key);
    const first = () => (node.input?.[0] ? this.of(node.input[0], depth + 1) : undefined);
    if (op === 'Cast') return Number(attribute('to')?.i);
    if (op === 'CastLike') return node.input?.[1] ? this.of(node.input[1], depth + 1) : undefined;
    if (op === 'Where') return node.input?.[1] ? this.of(node.input[1], depth + 1) : undefined;
    if (op === 'MaxPool' && node.output?.[1] === name) return DataType.INT64; // its Indices
    if (op === 'TopK') return node.output?.[1] === name ? DataType.INT64 : first();
    if (op === 'Constant') {
      const value = node.attribute?.[0];
      if (value?.t) return value.t.data_type;
      if (value?.name === 'value_float' || value?.name === 'value_floats') return DataType.FLOAT;
      if (value?.name === 'value_int' || value?.name === 'value_ints') return DataType.INT64;
      return undefined;
    }
    if (op === 'ConstantOfShape') return attribute('value')?.t?.data_type ?? DataType.FLOAT;
    if (int64Outputs.has(op)) return DataType.INT64;
    if (boolOutputs.has(op)) return DataType.BOOL;
    if (sameAsFirstInput.has(op)) return first();
    return undefined;
  }
}
