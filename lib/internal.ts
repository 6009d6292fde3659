// The internal entry: what the command line (cli/) needs of the library beyond its public
// API (lib/index.ts), in one place, so the CLI imports the library through these two files
// only (test/structure/module-layout.test.ts holds that). Nothing here is part of the public
// contract; each group says which part of the CLI uses it and why.

// The package's own files and version (`roi-ops info`, `--version`, the demo sample, explain's example).
export { packageRoot, packageVersion, packageProgram } from './package.js';

// One error shape for the whole package: the CLI's file readers report as the library does.
export { describe, formatCount, formatShape, invalidType, invalidValue, rangeError } from './errors.js';

// The operator registry: `pool --op` and batch jobs take any forward operator.
export { forwardOperators, type ForwardOperator } from './operators.js';

// The option tables and readers, reused by the CLI's file formats for their own options.
export { maxTypedArrayLength, read, readOptions } from './validate.js';

// The CLI's readers: a float16 boxes file is widened to float32 exactly as a 16-bit map is.
export { widen as widenHalf } from './reference/half.js';

// `roi-ops info`: which binary was chosen or why none, and what decides it.
export { fallbackReason } from './backend/index.js';
export { detectLibc, processReport, type ProcessReport } from './backend/platform.js';

// `roi-ops demo`: the same validated job run on the JavaScript kernels beside the addon,
// to show both backends agree on one call.
export { createJsBackend } from './backend/js.js';
export type { Jobs, Operator } from './backend/types.js';
export type { Prepare } from './ops/operator.js';
export { prepareMultiScaleRoiAlign } from './ops/multi-scale.js';
export { prepareRoiAlign } from './ops/roi-align.js';
export { prepareRoiPool } from './ops/roi-pool.js';

// roi-ops/onnx (onnx/): checks torchvision's level assignment, as an exported graph computed it,
// against roi-ops' own before it runs one multiScaleRoiAlign call for all levels.
export { mapLevels } from './geometry/levels.js';

// `roi-ops explain`: the bin and sample geometry the kernels use, so the figures draw the
// numbers that are computed, not a copy of the rules.
export {
  binEdge,
  forEachCorner,
  poolAlignBin,
  sampleCoordinate,
  type AxisTap,
  type PooledBin,
} from './reference/bilinear.js';
export { alignSamples } from './reference/roi-align.js';
export type { AlignMode } from './model.js';
export { f } from './geometry/arithmetic.js';
export { alignGeometry } from './geometry/align.js';
export { poolBinEdges, roundedBox, scaledBox, type BinRange } from './geometry/pool-bins.js';
