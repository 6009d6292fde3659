// The values of a TensorProto (an initializer or a Constant's value), for the few element types
// the pipeline hands to roi-ops or onnxruntime itself: float32, int64, int32. Values come from
// raw_data (little-endian, copied so the typed array is aligned) or from the typed fields.
import { DataType, type TensorProto } from './onnx-proto.js';

export interface TensorValues {
  type: 'float32' | 'int64' | 'int32';
  data: Float32Array | BigInt64Array | Int32Array;
  dims: number[];
}

const layouts = {
  [DataType.FLOAT]: { type: 'float32', bytes: 4, make: (n: number) => new Float32Array(n) },
  [DataType.INT64]: { type: 'int64', bytes: 8, make: (n: number) => new BigInt64Array(n) },
  [DataType.INT32]: { type: 'int32', bytes: 4, make: (n: number) => new Int32Array(n) },
} as const;

/** The tensor's dims as numbers (a dim beyond 2^53 or negative is refused). */
export function tensorDims(tensor: TensorProto, what: string): number[] {
  return (tensor.dims ?? []).map((dim) => {
    const value = Number(dim);
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`${what}: dims holds ${String(dim)}, expected a non-negative integer`);
    return value;
  });
}

export function tensorValues(tensor: TensorProto, what: string): TensorValues {
  const layout = layouts[tensor.data_type as keyof typeof layouts];
  if (layout === undefined)
    throw new RangeError(
      `${what}: data_type ${String(tensor.data_type)} is not one of float32 (1), int64 (7), int32 (6)`,
    );
  const dims = tensorDims(tensor, what);
  const count = dims.reduce((a, b) => a * b, 1);
  const data = layout.make(count);
  if (tensor.raw_data !== undefined) {
    if (tensor.raw_data.length !== count * layout.bytes)
      throw new RangeError(
        `${what}: raw_data has ${tensor.raw_data.length} bytes, dims [${dims.join(',')}] of ${layout.type} need ${count * layout.bytes}`,
      );
    new Uint8Array(data.buffer).set(tensor.raw_data);
    if (!littleEndian) throw new RangeError(`${what}: raw_data is little-endian; this platform is not`);
    return { type: layout.type, data, dims };
  }
  const typed =
    layout.type === 'float32' ? tensor.float_data : layout.type === 'int64' ? tensor.int64_data : tensor.int32_data;
  const values = typed ?? [];
  if (values.length !== count)
    throw new RangeError(`${what}: holds ${values.length} values, dims [${dims.join(',')}] need ${count}`);
  if (data instanceof BigInt64Array) values.forEach((value, i) => (data[i] = BigInt(value)));
  else values.forEach((value, i) => (data[i] = Number(value)));
  return { type: layout.type, data, dims };
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
