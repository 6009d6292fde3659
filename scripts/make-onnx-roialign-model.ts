// Writes the one-node ONNX models (a single RoiAlign, opset 16) that the onnxruntime-node
// contender of the benchmark runs: one file per distinct RoiAlign attribute set among the
// benchmark's roiAlign workloads, into bench/models/; and, for W1's set, a float16 variant
// whose X is float16, cast to float before the RoiAlign (bench/half-maps.ts; onnxruntime's CPU
// RoiAlign has no float16 kernel, so this is what a float16 export runs).
// Run: npx tsx scripts/make-onnx-roialign-model.ts
//
// No ONNX tooling is available here (no python `onnx`, no protobufjs at run time), and the model
// is tiny, so the protobuf is encoded by hand below. Field numbers are those of onnx/onnx.proto
// (IR version 8, the one that goes with opset 16). The files are deterministic byte for byte.
//
// Inputs X [N,C,H,W] float, rois [num_rois,4] float (x1, y1, x2, y2 in image coordinates),
// batch_indices [num_rois] int64 (X float16 in the float16 variant, Cast to float as X_float);
// output Y [num_rois,C,output_height,output_width] float
// (docs/semantics.md "The three modes"). roi-ops maps onto the attributes as:
//   aligned true / false -> coordinate_transformation_mode 'half_pixel' / 'output_half_pixel'
//   samplingRatio <= 0 (adaptive) -> sampling_ratio 0 (ONNX's adaptive; onnxruntime rejects < 0)
//   mode 'avg' -> 'avg'; 'onnx-max' -> 'max'; roi-ops 'max' (mmcv) has no ONNX equivalent.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  modelDirectory,
  modelFileName,
  onnxAttributes,
  type OnnxInputType,
  type OnnxRoiAlignAttributes,
} from '../bench/onnx-models.js';
import type { Workload } from '../bench/workloads.js';
import type { RoiAlignOptions } from '../lib/index.js';

// --- A minimal protobuf writer: varints, length-delimited fields and fixed32 floats. ---

const wireType = { varint: 0, fixed32: 5, lengthDelimited: 2 } as const;

class ProtoMessage {
  private readonly parts: number[] = [];

  /** A non-negative integer field (int32, int64, enum) as a varint. */
  int(field: number, value: number): this {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`field ${field}: only non-negative integers are encoded, got ${value}`);
    this.key(field, wireType.varint);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, wireType.fixed32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.parts.push(...bytes);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, value: ProtoMessage): this {
    return this.bytes(field, value.encode());
  }

  encode(): Uint8Array {
    return Uint8Array.from(this.parts);
  }

  private bytes(field: number, value: Uint8Array): this {
    this.key(field, wireType.lengthDelimited);
    this.varint(value.length);
    this.parts.push(...value);
    return this;
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  private varint(value: number): void {
    // Division, not bit shifts: int64 values above 2^31 must survive.
    while (value >= 0x80) {
      this.parts.push((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    this.parts.push(value);
  }
}

// --- onnx.proto, the few messages and fields a one-node model needs. ---

const TensorElementType = { FLOAT: 1, INT64: 7, FLOAT16: 10 } as const;
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3 } as const;

/** Dimensions: a number is a fixed size, a string a symbolic one (any size at run time). */
function valueInfo(name: string, elementType: number, dims: (number | string)[]): ProtoMessage {
  const shape = new ProtoMessage();
  for (const dim of dims) {
    // TensorShapeProto.dim (1) -> Dimension { dim_value (1) | dim_param (2) }
    shape.message(1, typeof dim === 'number' ? new ProtoMessage().int(1, dim) : new ProtoMessage().string(2, dim));
  }
  // TypeProto.tensor_type (1) -> TypeProto.Tensor { elem_type (1), shape (2) }
  const tensorType = new ProtoMessage().int(1, elementType).message(2, shape);
  // ValueInfoProto { name (1), type (2) }
  return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
}

// AttributeProto { name (1), f (2), i (3), s (4), type (20) }
const attribute = {
  float: (name: string, value: number) =>
    new ProtoMessage().string(1, name).float(2, value).int(20, AttributeType.FLOAT),
  int: (name: string, value: number) => new ProtoMessage().string(1, name).int(3, value).int(20, AttributeType.INT),
  string: (name: string, value: string) =>
    new ProtoMessage().string(1, name).string(4, value).int(20, AttributeType.STRING),
};

/** The serialized ModelProto of one RoiAlign node (after a Cast of a float16 X to float, for `input` float16). */
export function roiAlignModel(a: OnnxRoiAlignAttributes, input: OnnxInputType = 'float32'): Uint8Array {
  const half = input === 'float16';
  // NodeProto { input (1), output (2), name (3), op_type (4), attribute (5) }
  const cast = new ProtoMessage()
    .string(1, 'X')
    .string(2, 'X_float')
    .string(3, 'cast')
    .string(4, 'Cast')
    .message(5, attribute.int('to', TensorElementType.FLOAT));
  const node = new ProtoMessage()
    .string(1, half ? 'X_float' : 'X')
    .string(1, 'rois')
    .string(1, 'batch_indices')
    .string(2, 'Y')
    .string(3, 'roi_align')
    .string(4, 'RoiAlign')
    .message(5, attribute.string('coordinate_transformation_mode', a.coordinateTransformationMode))
    .message(5, attribute.string('mode', a.mode))
    .message(5, attribute.int('output_height', a.outputHeight))
    .message(5, attribute.int('output_width', a.outputWidth))
    .message(5, attribute.int('sampling_ratio', a.samplingRatio))
    .message(5, attribute.float('spatial_scale', a.spatialScale));
  // GraphProto { node (1), name (2), input (11), output (12) }
  const graph = new ProtoMessage();
  if (half) graph.message(1, cast);
  graph
    .message(1, node)
    .string(2, 'roi_align')
    .message(11, valueInfo('X', half ? TensorElementType.FLOAT16 : TensorElementType.FLOAT, ['N', 'C', 'H', 'W']))
    .message(11, valueInfo('rois', TensorElementType.FLOAT, ['num_rois', 4]))
    .message(11, valueInfo('batch_indices', TensorElementType.INT64, ['num_rois']))
    .message(12, valueInfo('Y', TensorElementType.FLOAT, ['num_rois', 'C', a.outputHeight, a.outputWidth]));
  // ModelProto { ir_version (1), producer_name (2), graph (7), opset_import (8) }
  // OperatorSetIdProto { domain (1) = '' (the default ai.onnx domain, omitted), version (2) }
  return new ProtoMessage()
    .int(1, 8)
    .string(2, 'roi-ops scripts/make-onnx-roialign-model.ts')
    .message(7, graph)
    .message(8, new ProtoMessage().int(2, 16))
    .encode();
}

export interface ContenderModel {
  name: string;
  attributes: OnnxRoiAlignAttributes;
  input: OnnxInputType;
}

/**
 * The models the contenders run: one per distinct RoiAlign attribute set among the roiAlign
 * workloads, and W1's with a float16 X too (bench/half-maps.ts runs W1, and W1's map with one
 * RoI, with a float16 map).
 */
export function contenderModels(list: readonly Workload[]): ContenderModel[] {
  const models = new Map<string, ContenderModel>();
  for (const workload of list) {
    if (workload.op !== 'roiAlign') continue;
    const attributes = onnxAttributes(workload.options as RoiAlignOptions);
    if (!attributes) continue;
    const inputs: OnnxInputType[] = workload.id === 'W1' ? ['float32', 'float16'] : ['float32'];
    for (const input of inputs) {
      const name = modelFileName(attributes, input);
      if (!models.has(name)) models.set(name, { name, attributes, input });
    }
  }
  return [...models.values()];
}

async function main(): Promise<void> {
  const { workloads } = await import('../bench/workloads.js');
  mkdirSync(modelDirectory, { recursive: true });
  for (const { name, attributes, input } of contenderModels(workloads())) {
    const bytes = roiAlignModel(attributes, input);
    writeFileSync(join(modelDirectory, name), bytes);
    console.log(`wrote bench/models/${name} (${bytes.length} bytes)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
