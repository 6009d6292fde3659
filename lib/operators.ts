// The operator registry of the TypeScript side: every operator and direction, once. The
// backends' tables ({ [Op in Operator]: ... }), the addon's names (`<op>Sync`, `<op>Async`),
// the command line's operator list and the tests' lists derive from it; native/ops.def is the
// C++ side's registry, and a test holds the two (and the wire table) to the same names.

/** The forward operators, in the order the command line lists them. */
export const forwardOperators = [
  'roiPool',
  'roiAlign',
  'psRoiPool',
  'psRoiAlign',
  'roiAlignRotated',
  'multiScaleRoiAlign',
  'spatialPyramidPool',
  'cropAndResize',
  'preciseRoiPool',
] as const;

/** The backward passes (each the gradient of the forward operator its name starts with). */
export const backwardOperators = [
  'roiPoolBackward',
  'roiAlignBackward',
  'psRoiPoolBackward',
  'psRoiAlignBackward',
  'roiAlignRotatedBackward',
  'preciseRoiPoolBackward',
] as const;

export const operators = [...forwardOperators, ...backwardOperators] as const;

export type ForwardOperator = (typeof forwardOperators)[number];
export type BackwardOperator = (typeof backwardOperators)[number];
export type Operator = (typeof operators)[number];
