// Generated from lib/backend/wire.ts by scripts/generate-wire.ts: do not edit.
// Each operator's arguments by name as the positional array its binding takes. Written out
// property by property because a loop over the names would cost about 0.3-0.8 us a call
// (keyed loads of changing names), a few percent of a tiny call.
import type { Operator } from '../operators.js';
import type { WireArguments } from './wire.js';

const order: { [Op in Operator]: (n: WireArguments<Op>) => unknown[] } = {
  roiPool: (n: WireArguments<'roiPool'>): unknown[] => [n.input, n.inputType, n.batch, n.channels, n.height, n.width, n.layout, n.rois, n.roiCount, n.out, n.outputType, n.argmax, n.pooledHeight, n.pooledWidth, n.spatialScale, n.bins, n.threads],
  roiAlign: (n: WireArguments<'roiAlign'>): unknown[] => [n.input, n.inputType, n.batch, n.channels, n.height, n.width, n.layout, n.rois, n.roiCount, n.out, n.outputType, n.pooledHeight, n.pooledWidth, n.spatialScale, n.samplingRatio, n.aligned, n.mode, n.maxSamplesPerRoi, n.threads],
  psRoiPool: (n: WireArguments<'psRoiPool'>): unknown[] => [n.input, n.inputType, n.batch, n.channels, n.height, n.width, n.layout, n.rois, n.roiCount, n.out, n.outputType, n.pooledHeight, n.pooledWidth, n.spatialScale, n.threads],
  psRoiAlign: (n: WireArguments<'psRoiAlign'>): unknown[] => [n.input, n.inputType, n.batch, n.channels, n.height, n.width, n.layout, n.rois, n.roiCount, n.out, n.outputType, n.pooledHeight, n.pooledWidth, n.spatialScale, n.samplingRatio, n.maxSamplesPerRoi, n.threads],
  roiAlignRotated: (n: WireArguments<'roiAlignRotated'>): unknown[] => [n.input, n.inputType, n.batch, n.channels, n.height, n.width, n.layout, n.rois, n.roiCount, n.out, n.outputType, n.pooledHeight, n.pooledWidth, n.spatialScale, n.samplingRatio, n.aligned, n.clockwise, n.maxSamplesPerRoi, n.threads],
  multiScaleRoiAlign: (n: WireArguments<'multiScaleRoiAlign'>): unknown[] => [n.levels, n.inputType, n.batch, n.channels, n.levelSizes, n.layout, n.scales, n.rois, n.roiCount, n.roiLevels, n.out, n.outputType, n.pooledHeight, n.pooledWidth, n.samplingRatio, n.aligned, n.maxSamplesPerRoi, n.threads],
  spatialPyramidPool: (n: WireArguments<'spatialPyramidPool'>): unknown[] => [n.input, n.inputType, n.batch, n.channels, n.height, n.width, n.layout, n.rois, n.roiCount, n.out, n.outputType, n.levels, n.spatialScale, n.mode, n.threads],
  cropAndResize: (n: WireArguments<'cropAndResize'>): unknown[] => [n.input, n.inputType, n.batch, n.channels, n.height, n.width, n.layout, n.rois, n.roiCount, n.boxIndices, n.out, n.outputType, n.cropHeight, n.cropWidth, n.method, n.extrapolationValue, n.threads],
  preciseRoiPool: (n: WireArguments<'preciseRoiPool'>): unknown[] => [n.input, n.inputType, n.batch, n.channels, n.height, n.width, n.layout, n.rois, n.roiCount, n.out, n.outputType, n.pooledHeight, n.pooledWidth, n.spatialScale, n.threads],
  roiPoolBackward: (n: WireArguments<'roiPoolBackward'>): unknown[] => [n.gradInput, n.batch, n.channels, n.height, n.width, n.layout, n.rois, n.roiCount, n.gradOutput, n.argmax, n.pooledHeight, n.pooledWidth, n.threads],
  roiAlignBackward: (n: WireArguments<'roiAlignBackward'>): unknown[] => [n.gradInput, n.batch, n.channels, n.height, n.width, n.layout, n.rois, n.roiCount, n.gradOutput, n.input, n.pooledHeight, n.pooledWidth, n.spatialScale, n.samplingRatio, n.aligned, n.mode, n.maxSamplesPerRoi, n.threads],
  psRoiPoolBackward: (n: WireArguments<'psRoiPoolBackward'>): unknown[] => [n.gradInput, n.batch, n.channels, n.height, n.width, n.layout, n.rois, n.roiCount, n.gradOutput, n.pooledHeight, n.pooledWidth, n.spatialScale, n.threads],
  psRoiAlignBackward: (n: WireArguments<'psRoiAlignBackward'>): unknown[] => [n.gradInput, n.batch, n.channels, n.height, n.width, n.layout, n.rois, n.roiCount, n.gradOutput, n.pooledHeight, n.pooledWidth, n.spatialScale, n.samplingRatio, n.maxSamplesPerRoi, n.threads],
  roiAlignRotatedBackward: (n: WireArguments<'roiAlignRotatedBackward'>): unknown[] => [n.gradInput, n.batch, n.channels, n.height, n.width, n.layout, n.rois, n.roiCount, n.gradOutput, n.pooledHeight, n.pooledWidth, n.spatialScale, n.samplingRatio, n.aligned, n.clockwise, n.maxSamplesPerRoi, n.threads],
  preciseRoiPoolBackward: (n: WireArguments<'preciseRoiPoolBackward'>): unknown[] => [n.gradInput, n.batch, n.channels, n.height, n.width, n.layout, n.rois, n.roiCount, n.gradOutput, n.pooledHeight, n.pooledWidth, n.spatialScale, n.threads],
};

/** The positional array a binding takes, from its arguments by name. */
export function positional<Op extends Operator>(op: Op, named: WireArguments<Op>): unknown[] {
  return order[op](named);
}
