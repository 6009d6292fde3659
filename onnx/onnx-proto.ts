// The messages of onnx/onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that a
// model file holds, as schema tables for onnx/protobuf.ts and as TypeScript types. Field names
// and numbers are onnx.proto's own, so a field here can be looked up there by name. Fields this
// table leaves out (training_info, sparse tensors, quantization annotations, ...) are kept as
// unknown fields and written back unchanged; the pipeline never needs to look inside them.
import { decodeMessage, encodeMessage, ProtobufError, type FieldSpec, type MessageSchema } from './protobuf.js';

/** An int64 value: a number when it is exact as one, else a bigint (INT64_MAX in a Slice, say). */
export type Int64 = number | bigint;

export interface StringStringEntryProto {
  key?: string;
  value?: string;
}

export interface OperatorSetIdProto {
  domain?: string;
  version?: Int64;
}

export interface TensorProto {
  dims?: Int64[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  string_data?: Uint8Array[];
  int64_data?: Int64[];
  name?: string;
  doc_string?: string;
  raw_data?: Uint8Array;
  external_data?: StringStringEntryProto[];
  data_location?: number;
  double_data?: number[];
  uint64_data?: Int64[];
}

export interface TensorShapeProto {
  dim?: { dim_value?: Int64; dim_param?: string; denotation?: string }[];
}

export interface TypeProto {
  tensor_type?: { elem_type?: number; shape?: TensorShapeProto };
  denotation?: string;
}

export interface ValueInfoProto {
  name?: string;
  type?: TypeProto;
  doc_string?: string;
}

export interface AttributeProto {
  name?: string;
  ref_attr_name?: string;
  doc_string?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  tp?: TypeProto;
  floats?: number[];
  ints?: Int64[];
  strings?: Uint8Array[];
  tensors?: TensorProto[];
  graphs?: GraphProto[];
  type_protos?: TypeProto[];
}

export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  overload?: string;
  attribute?: AttributeProto[];
  doc_string?: string;
}

export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  doc_string?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

export interface FunctionProto {
  name?: string;
  input?: string[];
  output?: string[];
  attribute?: string[];
  attribute_proto?: AttributeProto[];
  node?: NodeProto[];
  doc_string?: string;
  opset_import?: OperatorSetIdProto[];
  domain?: string;
  overload?: string;
  value_info?: ValueInfoProto[];
}

export interface ModelProto {
  ir_version?: Int64;
  opset_import?: OperatorSetIdProto[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: Int64;
  doc_string?: string;
  graph?: GraphProto;
  metadata_props?: StringStringEntryProto[];
  functions?: FunctionProto[];
}

/** TensorProto.DataType values (onnx.proto), by name. */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

/** AttributeProto.AttributeType values (onnx.proto), by name. */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

const f = (number: number, name: string, kind: FieldSpec['kind'], more: Partial<FieldSpec> = {}): FieldSpec => ({
  number,
  name,
  kind,
  ...more,
});
const repeated = { repeated: true };
const packed = { repeated: true, packed: true };

export const stringStringEntrySchema: MessageSchema = {
  name: 'StringStringEntryProto',
  fields: [f(1, 'key', 'string'), f(2, 'value', 'string')],
};

export const operatorSetIdSchema: MessageSchema = {
  name: 'OperatorSetIdProto',
  fields: [f(1, 'domain', 'string'), f(2, 'version', 'int64')],
};

export const tensorSchema: MessageSchema = {
  name: 'TensorProto',
  fields: [
    f(1, 'dims', 'int64', repeated),
    f(2, 'data_type', 'int32'),
    f(4, 'float_data', 'float', packed),
    f(5, 'int32_data', 'int32', packed),
    f(6, 'string_data', 'bytes', repeated),
    f(7, 'int64_data', 'int64', packed),
    f(8, 'name', 'string'),
    f(12, 'doc_string', 'string'),
    f(9, 'raw_data', 'bytes'),
    f(13, 'external_data', () => stringStringEntrySchema, repeated),
    f(14, 'data_location', 'int32'),
    f(10, 'double_data', 'double', packed),
    f(11, 'uint64_data', 'uint64', packed),
  ],
};

const dimensionSchema: MessageSchema = {
  name: 'TensorShapeProto.Dimension',
  fields: [f(1, 'dim_value', 'int64'), f(2, 'dim_param', 'string'), f(3, 'denotation', 'string')],
};

const tensorShapeSchema: MessageSchema = {
  name: 'TensorShapeProto',
  fields: [f(1, 'dim', () => dimensionSchema, repeated)],
};

const tensorTypeSchema: MessageSchema = {
  name: 'TypeProto.Tensor',
  fields: [f(1, 'elem_type', 'int32'), f(2, 'shape', () => tensorShapeSchema)],
};

// sequence_type (4), map_type (5), optional_type (9) and sparse_tensor_type (8) stay unknown
// fields: kept and written back, never interpreted.
export const typeSchema: MessageSchema = {
  name: 'TypeProto',
  fields: [f(1, 'tensor_type', () => tensorTypeSchema), f(6, 'denotation', 'string')],
};

export const valueInfoSchema: MessageSchema = {
  name: 'ValueInfoProto',
  fields: [f(1, 'name', 'string'), f(2, 'type', () => typeSchema), f(3, 'doc_string', 'string')],
};

export const attributeSchema: MessageSchema = {
  name: 'AttributeProto',
  fields: [
    f(1, 'name', 'string'),
    f(21, 'ref_attr_name', 'string'),
    f(13, 'doc_string', 'string'),
    f(20, 'type', 'int32'),
    f(2, 'f', 'float'),
    f(3, 'i', 'int64'),
    f(4, 's', 'bytes'),
    f(5, 't', () => tensorSchema),
    f(6, 'g', () => graphSchema),
    f(14, 'tp', () => typeSchema),
    f(7, 'floats', 'float', repeated),
    f(8, 'ints', 'int64', repeated),
    f(9, 'strings', 'bytes', repeated),
    f(10, 'tensors', () => tensorSchema, repeated),
    f(11, 'graphs', () => graphSchema, repeated),
    f(15, 'type_protos', () => typeSchema, repeated),
  ],
};

export const nodeSchema: MessageSchema = {
  name: 'NodeProto',
  fields: [
    f(1, 'input', 'string', repeated),
    f(2, 'output', 'string', repeated),
    f(3, 'name', 'string'),
    f(4, 'op_type', 'string'),
    f(7, 'domain', 'string'),
    f(8, 'overload', 'string'),
    f(5, 'attribute', () => attributeSchema, repeated),
    f(6, 'doc_string', 'string'),
  ],
};

export const graphSchema: MessageSchema = {
  name: 'GraphProto',
  fields: [
    f(1, 'node', () => nodeSchema, repeated),
    f(2, 'name', 'string'),
    f(5, 'initializer', () => tensorSchema, repeated),
    f(10, 'doc_string', 'string'),
    f(11, 'input', () => valueInfoSchema, repeated),
    f(12, 'output', () => valueInfoSchema, repeated),
    f(13, 'value_info', () => valueInfoSchema, repeated),
  ],
};

export const functionSchema: MessageSchema = {
  name: 'FunctionProto',
  fields: [
    f(1, 'name', 'string'),
    f(4, 'input', 'string', repeated),
    f(5, 'output', 'string', repeated),
    f(6, 'attribute', 'string', repeated),
    f(11, 'attribute_proto', () => attributeSchema, repeated),
    f(7, 'node', () => nodeSchema, repeated),
    f(8, 'doc_string', 'string'),
    f(9, 'opset_import', () => operatorSetIdSchema, repeated),
    f(10, 'domain', 'string'),
    f(13, 'overload', 'string'),
    f(12, 'value_info', () => valueInfoSchema, repeated),
  ],
};

export const modelSchema: MessageSchema = {
  name: 'ModelProto',
  fields: [
    f(1, 'ir_version', 'int64'),
    f(8, 'opset_import', () => operatorSetIdSchema, repeated),
    f(2, 'producer_name', 'string'),
    f(3, 'producer_version', 'string'),
    f(4, 'domain', 'string'),
    f(5, 'model_version', 'int64'),
    f(6, 'doc_string', 'string'),
    f(7, 'graph', () => graphSchema),
    f(14, 'metadata_props', () => stringStringEntrySchema, repeated),
    f(25, 'functions', () => functionSchema, repeated),
  ],
};

/** TensorProto.DataLocation.EXTERNAL: the values are in another file. */
const externalDataLocation = 1;

/**
 * A model's bytes as a ModelProto. `what` names the source in errors (a path, or 'the model bytes').
 * A malformed file is a ProtobufError naming the field and byte; a model whose weights live in
 * external files is refused (the pipeline holds the whole model in memory to split it).
 */
export function readModel(bytes: Uint8Array, what: string): ModelProto {
  const model = decodeMessage(bytes, modelSchema, what) as ModelProto;
  if (model.graph === undefined) throw new ProtobufError(`${what}: ModelProto.graph is missing: not an ONNX model?`);
  for (const tensor of model.graph.initializer ?? []) {
    if (tensor.data_location === externalDataLocation || (tensor.external_data?.length ?? 0) > 0)
      throw new RangeError(
        `${what}: initializer '${tensor.name ?? ''}' keeps its data in an external file; roi-ops/onnx reads ` +
          'single-file models only (save the model without external data, as onnx.save(model, path) does for models under 2 GB)',
      );
  }
  return model;
}

/** A ModelProto's bytes (fields in onnx.proto's order, unknown fields after the known ones). */
export function writeModel(model: ModelProto): Uint8Array {
  return encodeMessage(model as Record<string, unknown>, modelSchema);
}
