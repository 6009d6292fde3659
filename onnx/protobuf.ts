// The protobuf wire format (https://protobuf.dev/programming-guides/encoding/), read and written
// against a schema table, for the few messages of onnx.proto the pipeline needs (onnx/onnx-proto.ts).
// Written here rather than taken from protobufjs: the format is small (varints, fixed 32/64-bit,
// length-delimited), and a reader written against ONNX's needs can bound its memory and name the
// field a malformed file breaks.
//
// Decoded messages are plain objects holding only the fields present in the bytes (proto2
// presence), keyed by the names of onnx.proto; bytes fields are views into the input (a model's
// weights are never copied); a field the schema does not know is kept, bytes as they came, in
// `unknownFields` and written back, so reading and writing a model loses nothing.

/** A message's decoded fields, by their onnx.proto names. */
export type Message = { [field: string]: unknown; unknownFields?: UnknownField[] };

/** A field the schema does not know, kept to be written back as it came. */
export interface UnknownField {
  number: number;
  wireType: WireType;
  /** The value's bytes: the varint or fixed bytes, or a length-delimited field's payload. */
  bytes: Uint8Array;
}

export type ScalarKind = 'int64' | 'uint64' | 'int32' | 'float' | 'double' | 'string' | 'bytes';

export interface FieldSpec {
  number: number;
  name: string;
  /** A scalar type, or the schema of a nested message (a function, so schemas may refer to each other). */
  kind: ScalarKind | (() => MessageSchema);
  repeated?: boolean;
  /** A repeated number field written packed (onnx.proto's `[packed = true]`); either form is read. */
  packed?: boolean;
}

export interface MessageSchema {
  name: string;
  fields: readonly FieldSpec[];
}

export enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

const wireTypeNames = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32'];

/** Messages nest at most this deep (graphs inside attributes inside graphs ...): a hostile file cannot exhaust the stack. */
export const maxNestingDepth = 64;

/** A malformed protobuf: the message names the field (its path in the message) and the byte offset. */
export class ProtobufError extends RangeError {
  override name = 'ProtobufError';
}

function wireTypeOf(kind: FieldSpec['kind']): WireType {
  switch (kind) {
    case 'float':
      return WireType.Fixed32;
    case 'double':
      return WireType.Fixed64;
    case 'int64':
    case 'uint64':
    case 'int32':
      return WireType.Varint;
    default:
      return WireType.LengthDelimited;
  }
}

const fieldMaps = new WeakMap<MessageSchema, Map<number, FieldSpec>>();
function fieldMap(schema: MessageSchema): Map<number, FieldSpec> {
  let map = fieldMaps.get(schema);
  if (map === undefined) {
    map = new Map(schema.fields.map((field) => [field.number, field]));
    fieldMaps.set(schema, map);
  }
  return map;
}

// --- Reading ---

const utf8 = new TextDecoder('utf-8', { fatal: true });
const two64 = 2n ** 64n;

class Reader {
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(path: string, offset: number, message: string): never {
    throw new ProtobufError(`${this.what}: ${path} at byte ${offset}: ${message}`);
  }

  /** A varint as a bigint (up to 10 bytes, 64 bits). */
  varint(at: number, end: number, path: string): [bigint, number] {
    let value = 0n;
    let shift = 0n;
    for (let i = at; ; i++) {
      if (i >= end) this.fail(path, at, 'the varint runs past the end of its message (truncated file?)');
      if (i - at >= 10) this.fail(path, at, 'a varint longer than 10 bytes');
      const byte = this.bytes[i] as number;
      value |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) return [value & (two64 - 1n), i + 1];
    }
  }

  /** A varint that must be a length or count: a number, at most what is left of the message. */
  length(at: number, end: number, path: string): [number, number] {
    const [value, next] = this.varint(at, end, path);
    if (value > BigInt(end - next))
      this.fail(path, at, `a length of ${value} bytes, but only ${end - next} remain in its message`);
    return [Number(value), next];
  }

  message(schema: MessageSchema, start: number, end: number, path: string, depth: number): Message {
    if (depth > maxNestingDepth) this.fail(path, start, `messages nested deeper than ${maxNestingDepth}`);
    const fields = fieldMap(schema);
    const out: Message = {};
    let at = start;
    while (at < end) {
      const [key, afterKey] = this.varint(at, end, `${path} (a field key)`);
      const number = Number(key >> 3n);
      const wireType = Number(key & 7n) as WireType;
      if (number === 0 || key >> 3n > 0x1fffffffn) this.fail(path, at, `an invalid field number ${key >> 3n}`);
      const spec = fields.get(number);
      const fieldPath = spec === undefined ? `${path}.<field ${number}>` : `${path}.${spec.name}`;
      if (wireType > WireType.Fixed32 || wireType === WireType.StartGroup || wireType === WireType.EndGroup)
        this.fail(fieldPath, at, `wire type ${wireType} (${wireTypeNames[wireType] ?? 'invalid'}) is not supported`);
      if (spec === undefined) {
        at = this.unknown(out, number, wireType, afterKey, end, fieldPath);
        continue;
      }
      at = this.field(out, spec, wireType, afterKey, end, fieldPath, depth);
    }
    return out;
  }

  private unknown(out: Message, number: number, wireType: WireType, at: number, end: number, path: string): number {
    let from = at;
    let to: number;
    if (wireType === WireType.Varint) to = this.varint(at, end, path)[1];
    else if (wireType === WireType.LengthDelimited) {
      const [length, next] = this.length(at, end, path);
      from = next;
      to = next + length;
    } else {
      to = at + (wireType === WireType.Fixed64 ? 8 : 4);
      if (to > end) this.fail(path, at, 'a fixed-size value runs past the end of its message (truncated file?)');
    }
    (out.unknownFields ??= []).push({ number, wireType, bytes: this.bytes.subarray(from, to) });
    return to;
  }

  private field(
    out: Message,
    spec: FieldSpec,
    wireType: WireType,
    at: number,
    end: number,
    path: string,
    depth: number,
  ): number {
    const expected = wireTypeOf(spec.kind);
    const numeric = typeof spec.kind === 'string' && expected !== WireType.LengthDelimited;
    if (spec.repeated && numeric && wireType === WireType.LengthDelimited) {
      const [length, next] = this.length(at, end, path);
      const values = (out[spec.name] ??= []) as unknown[];
      for (let p = next; p < next + length;) {
        const [value, after] = this.scalar(spec.kind as ScalarKind, expected, p, next + length, path);
        values.push(value);
        p = after;
      }
      return next + length;
    }
    if (wireType !== expected)
      this.fail(
        path,
        at,
        `expected wire type ${expected} (${wireTypeNames[expected]}), got ${wireType} (${wireTypeNames[wireType]})`,
      );
    let value: unknown;
    let next: number;
    if (typeof spec.kind === 'function') {
      const [length, start] = this.length(at, end, path);
      value = this.message(spec.kind(), start, start + length, path, depth + 1);
      next = start + length;
    } else [value, next] = this.scalar(spec.kind, expected, at, end, path);
    if (spec.repeated) ((out[spec.name] ??= []) as unknown[]).push(value);
    else out[spec.name] = value; // proto2: the last occurrence of a singular field wins.
    return next;
  }

  private scalar(kind: ScalarKind, wireType: WireType, at: number, end: number, path: string): [unknown, number] {
    switch (wireType) {
      case WireType.Fixed32:
        if (at + 4 > end) this.fail(path, at, 'a float runs past the end of its message (truncated file?)');
        return [this.view.getFloat32(at, true), at + 4];
      case WireType.Fixed64:
        if (at + 8 > end) this.fail(path, at, 'a double runs past the end of its message (truncated file?)');
        return [this.view.getFloat64(at, true), at + 8];
      case WireType.Varint: {
        const [raw, next] = this.varint(at, end, path);
        return [integerValue(kind, raw, () => this.fail(path, at, `${raw} does not fit an ${kind}`)), next];
      }
      default: {
        const [length, start] = this.length(at, end, path);
        const bytes = this.bytes.subarray(start, start + length);
        if (kind === 'bytes') return [bytes, start + length];
        try {
          return [utf8.decode(bytes), start + length];
        } catch {
          return this.fail(path, at, 'a string that is not valid UTF-8');
        }
      }
    }
  }
}

/** An int64 / uint64 / int32 from its 64 raw bits: a number when exact, else a bigint (int64, uint64 only). */
function integerValue(kind: ScalarKind, raw: bigint, tooLarge: () => never): number | bigint {
  const value = kind === 'uint64' ? raw : BigInt.asIntN(64, raw);
  if (kind === 'int32' && (value < -(2n ** 31n) || value >= 2n ** 31n)) tooLarge();
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Decode `bytes` as a message of `schema`; `what` names the file or buffer in error messages. */
export function decodeMessage(bytes: Uint8Array, schema: MessageSchema, what: string): Message {
  return new Reader(bytes, what).message(schema, 0, bytes.length, schema.name, 0);
}

// --- Writing ---

// Fields are written in field-number order, as protobuf's own serializers do, so a model written
// by them comes back byte for byte.
const numberOrders = new WeakMap<MessageSchema, readonly FieldSpec[]>();
function inNumberOrder(schema: MessageSchema): readonly FieldSpec[] {
  let order = numberOrders.get(schema);
  if (order === undefined) {
    order = [...schema.fields].sort((a, b) => a.number - b.number);
    numberOrders.set(schema, order);
  }
  return order;
}

const utf8Encoder = new TextEncoder();

function varintSize(value: bigint): number {
  let size = 1;
  while (value >= 0x80n) {
    value >>= 7n;
    size++;
  }
  return size;
}

/** The 64 bits a varint carries for an integer value (negative numbers as two's complement, 10 bytes). */
function varintBits(value: unknown, path: string): bigint {
  if (typeof value === 'bigint') return BigInt.asUintN(64, value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt.asUintN(64, BigInt(value));
  throw new TypeError(`encodeMessage: ${path}: expected an integer, got ${String(value)}`);
}

/**
 * The message's bytes in one pass over a size table: every nested message's size is computed
 * once, then the bytes are written into one buffer (bytes fields, such as raw_data, copied once).
 */
export function encodeMessage(message: Message, schema: MessageSchema): Uint8Array {
  const sizes = new Map<Message, number>();
  const strings = new Map<string, Uint8Array>();
  const encodeString = (text: string) => {
    let bytes = strings.get(text);
    if (bytes === undefined) strings.set(text, (bytes = utf8Encoder.encode(text)));
    return bytes;
  };

  const scalarSize = (kind: ScalarKind, value: unknown, path: string): number => {
    switch (kind) {
      case 'float':
        return 4;
      case 'double':
        return 8;
      case 'string':
        return lengthDelimitedSize(encodeString(value as string).length);
      case 'bytes':
        return lengthDelimitedSize((value as Uint8Array).length);
      default:
        return varintSize(varintBits(value, path));
    }
  };
  const lengthDelimitedSize = (length: number) => varintSize(BigInt(length)) + length;
  const keySize = (spec: FieldSpec, wireType: WireType) => varintSize(BigInt(spec.number * 8 + wireType));

  const sizeOf = (msg: Message, msgSchema: MessageSchema, path: string): number => {
    let size = 0;
    for (const spec of inNumberOrder(msgSchema)) {
      const value = msg[spec.name];
      if (value === undefined) continue;
      const values = spec.repeated ? (value as unknown[]) : [value];
      const fieldPath = `${path}.${spec.name}`;
      if (typeof spec.kind === 'function') {
        const nested = spec.kind();
        for (const item of values) {
          const inner = sizeOf(item as Message, nested, fieldPath);
          sizes.set(item as Message, inner);
          size += keySize(spec, WireType.LengthDelimited) + lengthDelimitedSize(inner);
        }
      } else if (spec.packed) {
        if (values.length === 0) continue;
        let payload = 0;
        for (const item of values) payload += scalarSize(spec.kind, item, fieldPath);
        size += keySize(spec, WireType.LengthDelimited) + lengthDelimitedSize(payload);
      } else {
        for (const item of values)
          size += keySize(spec, wireTypeOf(spec.kind)) + scalarSize(spec.kind, item, fieldPath);
      }
    }
    for (const field of msg.unknownFields ?? []) {
      size += varintSize(BigInt(field.number * 8 + field.wireType));
      size +=
        field.wireType === WireType.LengthDelimited ? lengthDelimitedSize(field.bytes.length) : field.bytes.length;
    }
    return size;
  };

  const total = sizeOf(message, schema, schema.name);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  const writeVarint = (value: bigint) => {
    while (value >= 0x80n) {
      out[at++] = Number(value & 0x7fn) | 0x80;
      value >>= 7n;
    }
    out[at++] = Number(value);
  };
  const writeKey = (number: number, wireType: WireType) => writeVarint(BigInt(number * 8 + wireType));
  const writeBytes = (bytes: Uint8Array) => {
    writeVarint(BigInt(bytes.length));
    out.set(bytes, at);
    at += bytes.length;
  };
  const writeScalar = (kind: ScalarKind, value: unknown, path: string) => {
    switch (kind) {
      case 'float':
        view.setFloat32(at, value as number, true);
        at += 4;
        return;
      case 'double':
        view.setFloat64(at, value as number, true);
        at += 8;
        return;
      case 'string':
        return writeBytes(encodeString(value as string));
      case 'bytes':
        return writeBytes(value as Uint8Array);
      default:
        return writeVarint(varintBits(value, path));
    }
  };
  const write = (msg: Message, msgSchema: MessageSchema, path: string) => {
    for (const spec of inNumberOrder(msgSchema)) {
      const value = msg[spec.name];
      if (value === undefined) continue;
      const values = spec.repeated ? (value as unknown[]) : [value];
      const fieldPath = `${path}.${spec.name}`;
      if (typeof spec.kind === 'function') {
        const nested = spec.kind();
        for (const item of values) {
          writeKey(spec.number, WireType.LengthDelimited);
          writeVarint(BigInt(sizes.get(item as Message) as number));
          write(item as Message, nested, fieldPath);
        }
      } else if (spec.packed) {
        if (values.length === 0) continue;
        let payload = 0;
        for (const item of values) payload += scalarSize(spec.kind, item, fieldPath);
        writeKey(spec.number, WireType.LengthDelimited);
        writeVarint(BigInt(payload));
        for (const item of values) writeScalar(spec.kind, item, fieldPath);
      } else {
        for (const item of values) {
          writeKey(spec.number, wireTypeOf(spec.kind));
          writeScalar(spec.kind, item, fieldPath);
        }
      }
    }
    for (const field of msg.unknownFields ?? []) {
      writeKey(field.number, field.wireType);
      if (field.wireType === WireType.LengthDelimited) writeBytes(field.bytes);
      else {
        out.set(field.bytes, at);
        at += field.bytes.length;
      }
    }
  };
  write(message, schema, schema.name);
  if (at !== total) throw new Error(`encodeMessage: wrote ${at} bytes of the ${total} computed`);
  return out;
}
