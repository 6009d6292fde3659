// Hand-built ONNX graphs for the tests of roi-ops/onnx: a few calls describe the inputs,
// initializers, nodes and outputs, and the model is written by roi-ops' own protobuf writer (whose
// output onnxruntime-node loads, test/onnx/onnx-proto.test.ts checks that first).
import {
  AttributeType,
  DataType,
  writeModel,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from '../../onnx/onnx-proto.js';

/** An attribute value: an integer (INT), { float } (FLOAT), a string (STRING), integers (INTS), { floats } (FLOATS), a tensor. */
export type AttributeValue =
  number | { float: number } | string | number[] | { floats: number[] } | { tensor: TensorProto };

function attributeOf(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: value.floats };
  return { name, type: AttributeType.TENSOR, t: value.tensor };
}

/** A tensor proto holding `data` (float32, int64 or int32) as raw_data, or as the typed field with `typedField`. */
export function tensorProto(
  name: string,
  data: Float32Array | BigInt64Array | Int32Array,
  dims: number[],
  typedField = false,
): TensorProto {
  const dataType =
    data instanceof Float32Array ? DataType.FLOAT : data instanceof BigInt64Array ? DataType.INT64 : DataType.INT32;
  if (!typedField)
    return { name, dims, data_type: dataType, raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  if (data instanceof Float32Array) return { name, dims, data_type: dataType, float_data: [...data] };
  if (data instanceof BigInt64Array) return { name, dims, data_type: dataType, int64_data: [...data].map(Number) };
  return { name, dims, data_type: dataType, int32_data: [...data] };
}

export class GraphBuilder {
  readonly graph: GraphProto = { name: 'test', node: [], initializer: [], input: [], output: [] };

  input(name: string, elemType: number, dims?: (number | string)[]): this {
    this.graph.input?.push({ name, type: tensorType(elemType, dims) });
    return this;
  }

  initializer(name: string, data: Float32Array | BigInt64Array | Int32Array, dims: number[], typedField = false): this {
    this.graph.initializer?.push(tensorProto(name, data, dims, typedField));
    return this;
  }

  node(
    opType: string,
    inputs: string[],
    outputs: string[],
    attributes: Record<string, AttributeValue> = {},
    name?: string,
  ): this {
    const node: NodeProto = {
      input: inputs,
      output: outputs,
      name: name ?? `${opType.toLowerCase()}_${this.graph.node?.length}`,
      op_type: opType,
      attribute: Object.entries(attributes).map(([key, value]) => attributeOf(key, value)),
    };
    this.graph.node?.push(node);
    return this;
  }

  /** A graph output; without elemType it is declared untyped (onnxruntime infers it). */
  output(name: string, elemType?: number, dims?: (number | string)[]): this {
    this.graph.output?.push(elemType === undefined ? { name } : { name, type: tensorType(elemType, dims) });
    return this;
  }

  model(opset: number, irVersion = opset >= 21 ? 10 : 8): ModelProto {
    return {
      ir_version: irVersion,
      producer_name: 'roi-ops test',
      opset_import: [{ domain: '', version: opset }],
      graph: this.graph,
    };
  }

  bytes(opset: number, irVersion?: number): Uint8Array {
    return writeModel(this.model(opset, irVersion));
  }
}

function tensorType(elemType: number, dims?: (number | string)[]) {
  return {
    tensor_type: {
      elem_type: elemType,
      ...(dims && {
        shape: { dim: dims.map((dim) => (typeof dim === 'number' ? { dim_value: dim } : { dim_param: dim })) },
      }),
    },
  };
}
