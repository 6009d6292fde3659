// ONNX's RoI nodes and the roi-ops call that computes each with the node's own semantics, per
// opset (docs/onnx.md "What roi-ops runs"). A node whose attributes roi-ops cannot honour is an
// error naming the node and the attribute: nothing falls back to onnxruntime silently.
import type { RoiAlignOptions, RoiPoolOptions } from '../lib/index.js';

import { nodeLabel } from './graph.js';
import { AttributeType, type AttributeProto, type NodeProto } from './onnx-proto.js';

/** The op types roi-ops takes over from onnxruntime. */
export const roiOpTypes: ReadonlySet<string> = new Set(['RoiAlign', 'MaxRoiPool']);

/** A RoiAlign node as a roiAlign call: X, rois [K,4], batch_indices [K] int64 -> Y [K,C,PH,PW]. */
export interface RoiAlignStage {
  operator: 'roiAlign';
  node: string;
  inputs: { features: string; rois: string; batchIndices: string };
  output: string;
  options: Required<Pick<RoiAlignOptions, 'outputSize' | 'spatialScale' | 'samplingRatio' | 'aligned' | 'mode'>>;
  /** Where the options come from: the opset, each attribute as read (defaults filled in). */
  semantics: string;
}

/**
 * A MaxRoiPool node as a roiPool call with torchvision's overlapping bins: X, rois [K,5] -> Y.
 * onnxruntime (1.20 on) starts each bin from the lowest float and gives an empty bin 0, as roiPool does.
 */
export interface MaxRoiPoolStage {
  operator: 'roiPool';
  node: string;
  inputs: { features: string; rois: string };
  output: string;
  options: Required<Pick<RoiPoolOptions, 'outputSize' | 'spatialScale' | 'bins'>>;
  semantics: string;
}

export type RoiStage = RoiAlignStage | MaxRoiPoolStage;

class AttributeReader {
  private readonly byName: Map<string, AttributeProto>;
  private readonly used = new Set<string>();
  constructor(
    private readonly node: NodeProto,
    private readonly label: string,
  ) {
    this.byName = new Map((node.attribute ?? []).map((attribute) => [attribute.name ?? '', attribute]));
  }

  private fail(name: string, expected: string, received: string): never {
    throw new RangeError(`roi-ops/onnx: ${this.label}: attribute ${name}: expected ${expected}, got ${received}`);
  }

  private get(name: string, type: number): AttributeProto | undefined {
    this.used.add(name);
    const attribute = this.byName.get(name);
    if (attribute === undefined) return undefined;
    if (attribute.ref_attr_name) this.fail(name, 'a value', `a reference to '${attribute.ref_attr_name}'`);
    const names = Object.entries(AttributeType);
    if (attribute.type !== undefined && attribute.type !== type)
      this.fail(
        name,
        `an attribute of type ${names.find(([, v]) => v === type)?.[0]}`,
        `type ${names.find(([, v]) => v === attribute.type)?.[0] ?? attribute.type}`,
      );
    return attribute;
  }

  int(name: string, fallback: number): number {
    const value = this.get(name, AttributeType.INT)?.i;
    if (value === undefined) return fallback;
    if (typeof value === 'bigint' || value < -(2 ** 31) || value >= 2 ** 31)
      this.fail(name, 'an integer in [-2^31, 2^31)', String(value));
    return value;
  }

  float(name: string, fallback: number): number {
    return this.get(name, AttributeType.FLOAT)?.f ?? fallback;
  }

  string(name: string, fallback: string): string {
    const bytes = this.get(name, AttributeType.STRING)?.s;
    return bytes === undefined ? fallback : new TextDecoder().decode(bytes);
  }

  ints(name: string): number[] | undefined {
    return this.get(name, AttributeType.INTS)?.ints?.map((value) => Number(value));
  }

  /** Refuse an attribute the node's op does not define in this opset (a typo would change nothing in ORT either). */
  rejectUnknown(opset: number): void {
    for (const name of this.byName.keys())
      if (!this.used.has(name))
        throw new RangeError(
          `roi-ops/onnx: ${this.label}: attribute '${name}' is not one of ${this.node.op_type} (opset ${opset})'s: ${[...this.used].join(', ')}`,
        );
  }
}

function requireInputs(node: NodeProto, label: string, count: number): string[] {
  const inputs = node.input ?? [];
  if (inputs.length !== count || inputs.some((name) => name === ''))
    throw new RangeError(`roi-ops/onnx: ${label}: expected ${count} inputs, got [${inputs.join(', ')}]`);
  if ((node.output ?? []).length !== 1 || node.output?.[0] === '')
    throw new RangeError(`roi-ops/onnx: ${label}: expected 1 output, got [${(node.output ?? []).join(', ')}]`);
  return inputs;
}

function positive(label: string, name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value))
    throw new RangeError(`roi-ops/onnx: ${label}: attribute ${name}: expected a positive finite number, got ${value}`);
  return value;
}

/** The roi-ops call for a RoiAlign or MaxRoiPool node of the default domain under `opset`. */
export function roiStageOf(node: NodeProto, index: number, opset: number): RoiStage {
  const label = nodeLabel(node, index);
  const attributes = new AttributeReader(node, label);
  const name = node.name ?? `#${index}`;
  if (node.op_type === 'MaxRoiPool') {
    const [features, rois] = requireInputs(node, label, 2) as [string, string];
    const pooled = attributes.ints('pooled_shape');
    if (pooled === undefined || pooled.length !== 2 || pooled.some((v) => !Number.isSafeInteger(v) || v < 1))
      throw new RangeError(
        `roi-ops/onnx: ${label}: attribute pooled_shape: expected two integers >= 1, got ${pooled ? `[${pooled.join(',')}]` : 'none'}`,
      );
    const spatialScale = positive(label, 'spatial_scale', attributes.float('spatial_scale', 1));
    attributes.rejectUnknown(opset);
    return {
      operator: 'roiPool',
      node: name,
      inputs: { features, rois },
      output: node.output?.[0] as string,
      options: { outputSize: pooled as [number, number], spatialScale, bins: 'overlap' },
      semantics: `MaxRoiPool: pooled_shape [${pooled.join(',')}], spatial_scale ${spatialScale}; roiPool with overlapping bins`,
    };
  }
  const [features, rois, batchIndices] = requireInputs(node, label, 3) as [string, string, string];
  const modeName = attributes.string('mode', 'avg');
  if (modeName !== 'avg' && modeName !== 'max')
    throw new RangeError(`roi-ops/onnx: ${label}: attribute mode: expected 'avg' or 'max', got '${modeName}'`);
  const outputHeight = attributes.int('output_height', 1);
  const outputWidth = attributes.int('output_width', 1);
  if (outputHeight < 1 || outputWidth < 1)
    throw new RangeError(
      `roi-ops/onnx: ${label}: attributes output_height, output_width: expected integers >= 1, got ${outputHeight}, ${outputWidth}`,
    );
  const samplingRatio = attributes.int('sampling_ratio', 0);
  if (samplingRatio < 0)
    throw new RangeError(
      `roi-ops/onnx: ${label}: attribute sampling_ratio: expected an integer >= 0 (0 = adaptive), got ${samplingRatio}`,
    );
  const spatialScale = positive(label, 'spatial_scale', attributes.float('spatial_scale', 1));
  // Opset 10 has no coordinate_transformation_mode and behaves as 'output_half_pixel'; from
  // opset 16 the attribute exists and defaults to 'half_pixel'.
  let transform = 'output_half_pixel';
  if (opset >= 16) {
    transform = attributes.string('coordinate_transformation_mode', 'half_pixel');
    if (transform !== 'half_pixel' && transform !== 'output_half_pixel')
      throw new RangeError(
        `roi-ops/onnx: ${label}: attribute coordinate_transformation_mode: expected 'half_pixel' or 'output_half_pixel', got '${transform}'`,
      );
  }
  attributes.rejectUnknown(opset);
  const mode = modeName === 'max' ? 'onnx-max' : 'avg';
  return {
    operator: 'roiAlign',
    node: name,
    inputs: { features, rois, batchIndices },
    output: node.output?.[0] as string,
    options: {
      outputSize: [outputHeight, outputWidth],
      spatialScale,
      samplingRatio,
      aligned: transform === 'half_pixel',
      mode,
    },
    semantics:
      `RoiAlign (opset ${opset}): mode ${modeName}, coordinate_transformation_mode ${transform}, ` +
      `sampling_ratio ${samplingRatio}${samplingRatio === 0 ? ' (adaptive)' : ''}; ` +
      `roiAlign with aligned ${transform === 'half_pixel'}, mode '${mode}'`,
  };
}
