// roi-ops: the RoI pooling family for Node.js. Named exports only.
export { roiAlign, roiAlignSync } from './ops/roi-align.js';
export { roiPool, roiPoolSync } from './ops/roi-pool.js';
export { getNumThreads, info, setNumThreads } from './runtime.js';
export type {
  AsyncOptions,
  Boxes,
  InvalidBoxPolicy,
  Layout,
  RoiAlignOptions,
  RoiPoolOptions,
  RoiPoolResult,
  RuntimeInfo,
  Shape,
  SimdLevel,
  Tensor,
  TensorLike,
} from './types.js';
