// roi-ops: the RoI pooling family for Node.js. Named exports only.
export {
  preciseRoiPoolBackward,
  preciseRoiPoolBackwardSync,
  psRoiAlignBackward,
  psRoiAlignBackwardSync,
  psRoiPoolBackward,
  psRoiPoolBackwardSync,
  roiAlignBackward,
  roiAlignBackwardSync,
  roiAlignRotatedBackward,
  roiAlignRotatedBackwardSync,
  roiPoolBackward,
  roiPoolBackwardSync,
} from './ops/backward.js';
export { cropAndResize, cropAndResizeSync } from './ops/crop-and-resize.js';
export { multiScaleRoiAlign, multiScaleRoiAlignSync } from './ops/multi-scale.js';
export { preciseRoiPool, preciseRoiPoolSync } from './ops/precise-roi-pool.js';
export { psRoiAlign, psRoiAlignSync, psRoiPool, psRoiPoolSync } from './ops/ps-roi.js';
export { roiAlignRotated, roiAlignRotatedSync } from './ops/roi-align-rotated.js';
export { roiAlign, roiAlignSync } from './ops/roi-align.js';
export { roiPool, roiPoolSync } from './ops/roi-pool.js';
export { spatialPyramidPool, spatialPyramidPoolSync } from './ops/spatial-pyramid.js';
export { getNumThreads, info, setNumThreads } from './runtime.js';
export type {
  AsyncOptions,
  BackwardOptions,
  Boxes,
  BoxRows,
  CropAndResizeOptions,
  ForwardAsync,
  ForwardSync,
  InvalidBoxPolicy,
  Layout,
  MultiScaleRoiAlignOptions,
  OrtTensorLike,
  PreciseRoiPoolBackwardOptions,
  PreciseRoiPoolOptions,
  PsRoiAlignBackwardOptions,
  PsRoiAlignOptions,
  PsRoiPoolBackwardOptions,
  PsRoiPoolOptions,
  RoiAlignBackwardOptions,
  RoiAlignOptions,
  RoiAlignRotatedBackwardOptions,
  RoiAlignRotatedOptions,
  RoiPoolBackwardOptions,
  RoiPoolOptions,
  RoiPoolResult,
  RuntimeInfo,
  Shape,
  SimdLevel,
  SpatialPyramidPoolOptions,
  Tensor,
  Tensor16,
  TensorLike,
} from './types.js';
