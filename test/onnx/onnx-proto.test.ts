// The ONNX protobuf reader and writer (onnx/protobuf.ts, onnx/onnx-proto.ts): models written by
// other tools come back byte for byte, a written model runs in onnxruntime-node as the original
// does, and a malformed file is a ProtobufError naming the field and the byte, never a crash or a
// huge allocation.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ort } from '../helpers/onnxruntime.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { AttributeType, DataType, readModel, writeModel, type ModelProto } from '../../onnx/onnx-proto.js';
import { decodeMessage, encodeMessage, maxNestingDepth, ProtobufError, WireType } from '../../onnx/protobuf.js';
import { GraphBuilder } from '../helpers/onnx-builder.js';

const benchModels = join(import.meta.dirname, '../../bench/models');
const fixtureModels = join(import.meta.dirname, '../fixtures/onnx');
const modelFiles = [
  ...readdirSync(benchModels).map((file) => join(benchModels, file)),
  ...(existsSync(fixtureModels) ? readdirSync(fixtureModels) : [])
    .filter((file) => file.endsWith('.onnx'))
    .map((file) => join(fixtureModels, file)),
].filter((file) => file.endsWith('.onnx'));

/** Protobuf bytes from parts: numbers are single bytes, arrays are spread. */
const bytesOf = (...parts: (number | number[] | Uint8Array)[]) =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'number' ? [part] : [...part])));
const varint = (value: number) => {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return out;
};
const lengthDelimited = (field: number, payload: Uint8Array | number[]) => [
  ...varint(field * 8 + 2),
  ...varint(payload.length),
  ...payload,
];

describe('ONNX models read and written', () => {
  it('finds the models to round-trip', () => {
    expect(modelFiles.length).toBeGreaterThanOrEqual(3);
  });

  it.each(modelFiles)('%s comes back byte for byte', (file) => {
    const bytes = readFileSync(file);
    const model = readModel(bytes, file);
    expect(model.graph?.node?.length).toBeGreaterThan(0);
    expect(Buffer.from(writeModel(model)).equals(bytes)).toBe(true);
  });

  it('writes a model onnxruntime-node runs as it runs the original', async () => {
    const file = join(benchModels, 'roi-align-7x7-scale0.25-sr0-half_pixel-avg.onnx');
    const original = readFileSync(file);
    const model = readModel(original, file);
    // Change what a reader could get wrong: the node and graph renamed, an attribute rewritten.
    model.graph!.name = 'renamed';
    const written = writeModel(model);
    const feeds = {
      X: new ort.Tensor(
        'float32',
        Float32Array.from({ length: 2 * 3 * 16 * 16 }, (_, i) => Math.sin(i)),
        [2, 3, 16, 16],
      ),
      rois: new ort.Tensor('float32', Float32Array.from([0, 0, 30, 40, 8, 4, 60, 60, 1.5, 2.5, 3.5, 64]), [3, 4]),
      batch_indices: new ort.Tensor('int64', BigInt64Array.from([0n, 1n, 1n]), [3]),
    };
    const [a, b] = await Promise.all([
      ort.InferenceSession.create(original).then((s) => s.run(feeds)),
      ort.InferenceSession.create(written).then((s) => s.run(feeds)),
    ]);
    expect(b.Y!.dims).toEqual([3, 3, 7, 7]);
    expect(
      Buffer.from((b.Y!.data as Float32Array).buffer).equals(Buffer.from((a.Y!.data as Float32Array).buffer)),
    ).toBe(true);
  });

  it('keeps fields it does not know, in place of meaning, and writes them back', async () => {
    const graph = new GraphBuilder()
      .input('X', DataType.FLOAT, [2])
      .node('Relu', ['X'], ['Y'])
      .output('Y', DataType.FLOAT);
    const known = graph.bytes(13);
    // ModelProto field 20 (training_info, not in the table) as a length-delimited blob, and a
    // varint field 99 inside the first node.
    const extra = bytesOf(lengthDelimited(20, [0x0a, 0x00]), varint(99 * 8 + 0), 5);
    const model = readModel(bytesOf(known, extra), 'with unknown fields');
    expect(model.graph?.node?.[0]?.op_type).toBe('Relu');
    expect((model as ModelProto & { unknownFields?: unknown[] }).unknownFields).toEqual([
      { number: 20, wireType: WireType.LengthDelimited, bytes: Uint8Array.from([0x0a, 0x00]) },
      { number: 99, wireType: WireType.Varint, bytes: Uint8Array.from([5]) },
    ]);
    expect(Buffer.from(writeModel(model)).equals(Buffer.from(bytesOf(known, extra)))).toBe(true);
  });

  it('reads int64 values beyond 2^53 as bigints and negative ones as numbers, and writes them back', () => {
    const graph = new GraphBuilder()
      .input('X', DataType.FLOAT, [4])
      .node('Slice', ['X', 's', 'e'], ['Y'])
      .initializer('s', BigInt64Array.from([1n]), [1], true)
      .initializer('e', BigInt64Array.from([9223372036854775807n]), [1])
      .output('Y', DataType.FLOAT);
    graph.graph.node![0]!.attribute = [
      { name: 'big', type: AttributeType.INTS, ints: [2n ** 63n - 1n, -1, -(2n ** 63n), 2 ** 53 - 1] },
    ];
    const bytes = graph.bytes(13);
    const model = readModel(bytes, 'int64');
    expect(model.graph?.node?.[0]?.attribute?.[0]?.ints).toEqual([2n ** 63n - 1n, -1, -(2n ** 63n), 2 ** 53 - 1]);
    expect(model.graph?.initializer?.[0]?.int64_data).toEqual([1]);
    expect(Buffer.from(writeModel(model)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('reads repeated numbers packed or not, whichever the writer chose', () => {
    // TensorProto: dims 2 and 3, once unpacked (two varint fields) and once packed.
    const schemaRead = (bytes: Uint8Array) => readModel(bytesOf(lengthDelimited(7, lengthDelimited(5, bytes))), 'dims');
    const unpacked = schemaRead(bytesOf(0x08, 2, 0x08, 3));
    const packed = schemaRead(bytesOf(lengthDelimited(1, [2, 3])));
    expect(unpacked.graph?.initializer?.[0]?.dims).toEqual([2, 3]);
    expect(packed.graph?.initializer?.[0]?.dims).toEqual([2, 3]);
  });
});

describe('a malformed model file', () => {
  const valid = new GraphBuilder()
    .input('X', DataType.FLOAT, [1, 2])
    .initializer('w', Float32Array.from([1, 2]), [1, 2])
    .node('Add', ['X', 'w'], ['Y'])
    .output('Y', DataType.FLOAT)
    .bytes(13);

  it('is refused at every point it can be cut, with the field and byte named', () => {
    let refused = 0;
    for (let length = 0; length < valid.length; length++) {
      try {
        readModel(valid.subarray(0, length), 'cut.onnx');
      } catch (error) {
        expect(error).toBeInstanceOf(ProtobufError);
        expect((error as Error).message).toMatch(/^cut\.onnx: ModelProto(.*? at byte \d+: |\.graph is missing)/);
        refused++;
      }
    }
    // A cut between two top-level fields leaves a shorter, well-formed message; every other cut is refused.
    expect(refused).toBeGreaterThan(valid.length - 4);
  });

  it('names a varint of more than 10 bytes', () => {
    expect(() => readModel(bytesOf(0x08, new Array(11).fill(0xff), 0x01), 'm.onnx')).toThrow(
      'm.onnx: ModelProto.ir_version at byte 1: a varint longer than 10 bytes',
    );
  });

  it('names a field sent with the wrong wire type', () => {
    expect(() => readModel(bytesOf(7 * 8 + 0, 1), 'm.onnx')).toThrow(
      'm.onnx: ModelProto.graph at byte 1: expected wire type 2 (length-delimited), got 0 (varint)',
    );
    expect(() => readModel(bytesOf(lengthDelimited(7, bytesOf(2 * 8 + 5, 0, 0, 0, 0))), 'm.onnx')).toThrow(
      'm.onnx: ModelProto.graph.name at byte 3: expected wire type 2 (length-delimited), got 5 (fixed32)',
    );
  });

  it('refuses a length longer than what is left before allocating anything', () => {
    const huge = bytesOf(7 * 8 + 2, varint(2 ** 40));
    expect(() => readModel(huge, 'm.onnx')).toThrow(
      'm.onnx: ModelProto.graph at byte 1: a length of 1099511627776 bytes, but only 0 remain in its message',
    );
    // Inside a nested message, the bound is that message's own end.
    const nested = bytesOf(lengthDelimited(7, [...varint(5 * 8 + 2), ...varint(100), 0, 0]));
    expect(() => readModel(nested, 'm.onnx')).toThrow(
      'm.onnx: ModelProto.graph.initializer at byte 3: a length of 100 bytes, but only 2 remain in its message',
    );
  });

  it('refuses groups, field number 0 and strings that are not UTF-8', () => {
    expect(() => readModel(bytesOf(6 * 8 + 3), 'm.onnx')).toThrow(
      'm.onnx: ModelProto.doc_string at byte 0: wire type 3 (start-group) is not supported',
    );
    expect(() => readModel(bytesOf(0x00, 0x00), 'm.onnx')).toThrow(
      'm.onnx: ModelProto at byte 0: an invalid field number 0',
    );
    expect(() => readModel(bytesOf(lengthDelimited(2, [0xff, 0xfe])), 'm.onnx')).toThrow(
      'm.onnx: ModelProto.producer_name at byte 1: a string that is not valid UTF-8',
    );
  });

  it('refuses messages nested deeper than the bound, without exhausting the stack', () => {
    // graph { node { attribute { g { node { ... } } } } }, one level more than allowed.
    let inner: number[] = [];
    for (let level = 0; level < maxNestingDepth; level++)
      inner = lengthDelimited(1, lengthDelimited(5, lengthDelimited(6, inner)));
    expect(() => readModel(bytesOf(lengthDelimited(7, inner)), 'deep.onnx')).toThrow(
      new RegExp(
        `^deep\\.onnx: ModelProto(\\.graph\\.node\\.attribute\\.g)+.* at byte \\d+: messages nested deeper than ${maxNestingDepth}$`,
      ),
    );
  });

  it('refuses an int32 field holding a value beyond 32 bits', () => {
    const tensor = bytesOf(lengthDelimited(7, lengthDelimited(5, [2 * 8 + 0, ...varint(2 ** 33)])));
    expect(() => readModel(tensor, 'm.onnx')).toThrow(
      'm.onnx: ModelProto.graph.initializer.data_type at byte 5: 8589934592 does not fit an int32',
    );
  });

  it('refuses a model whose weights are in external files, naming the initializer', () => {
    const model = new GraphBuilder().input('X', DataType.FLOAT, [2]).node('Relu', ['X'], ['Y']).output('Y').model(13);
    model.graph!.initializer = [
      {
        name: 'weights',
        dims: [2],
        data_type: DataType.FLOAT,
        data_location: 1,
        external_data: [{ key: 'location', value: 'w.bin' }],
      },
    ];
    expect(() => readModel(writeModel(model), 'ext.onnx')).toThrow(
      "ext.onnx: initializer 'weights' keeps its data in an external file; roi-ops/onnx reads single-file models only",
    );
  });

  it('says when the bytes hold no graph', () => {
    expect(() => readModel(bytesOf(0x08, 8), 'empty.onnx')).toThrow(
      'empty.onnx: ModelProto.graph is missing: not an ONNX model?',
    );
  });
});

describe('the wire codec on its own', () => {
  it('writes fields in number order and reads them back', () => {
    const schema = {
      name: 'M',
      fields: [
        { number: 3, name: 'c', kind: 'double' as const },
        { number: 1, name: 'a', kind: 'float' as const, repeated: true, packed: true },
        { number: 2, name: 'b', kind: 'uint64' as const },
      ],
    };
    const bytes = encodeMessage({ c: 0.1, a: [1.5, -2], b: 2n ** 64n - 1n }, schema);
    expect(bytes[0]).toBe(0x0a); // field 1 first, packed
    expect(decodeMessage(bytes, schema, 'm')).toEqual({ a: [1.5, -2], b: 2n ** 64n - 1n, c: 0.1 });
  });
});

describe('damaged model files (fast-check)', () => {
  const valid = new GraphBuilder()
    .input('X', DataType.FLOAT, ['N', 3])
    .initializer('w', Float32Array.from([1, 2, 3]), [1, 3])
    .initializer('k', BigInt64Array.from([-1n, 2n ** 40n]), [2], true)
    .node('Add', ['X', 'w'], ['Y'], { alpha: { float: 0.5 }, tag: 'x', ints: [-3, 4] })
    .output('Y', DataType.FLOAT)
    .bytes(16);

  it('are read into a model that writes back and reads the same, or refused with a ProtobufError', () => {
    const damage = fc.oneof(
      fc.record({
        kind: fc.constant('flip' as const),
        at: fc.nat(valid.length - 1),
        value: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat(valid.length - 1), value: fc.constant(0) }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(valid.length),
        value: fc.integer({ min: 0, max: 255 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(damage, { minLength: 1, maxLength: 4 }), (damages) => {
        let bytes = Uint8Array.from(valid);
        for (const { kind, at, value } of damages) {
          const where = Math.min(at, bytes.length);
          if (kind === 'flip' && where < bytes.length) bytes[where] = value;
          else if (kind === 'cut') bytes = bytes.slice(0, where);
          else if (kind === 'insert')
            bytes = Uint8Array.from([...bytes.subarray(0, where), value, ...bytes.subarray(where)]);
        }
        let model: ModelProto;
        try {
          model = readModel(bytes, 'damaged.onnx');
        } catch (error) {
          // ProtobufError, or the RangeError of an initializer that now claims external data.
          expect(error).toBeInstanceOf(RangeError);
          expect((error as Error).message).toMatch(/^damaged\.onnx: /);
          return;
        }
        const again = readModel(writeModel(model), 'written.onnx');
        expect(again).toEqual(model);
      }),
      { numRuns: 2000, seed: 15 },
    );
  });
});
