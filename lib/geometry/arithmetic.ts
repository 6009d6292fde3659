// The arithmetic of every kernel of roi-ops: float32, in the reference libraries' order.
// `f` (Math.fround) after each operation reproduces it exactly, because a double result of
// two float32 operands rounds to the same float32. For finite-difference gradient checks
// the reference kernels also run in float64 (`precision: 'float64'`): the same expressions
// with the rounding replaced by the identity. Plus the two integer conversions the
// geometry shares.
import type { Precision } from '../model.js';

export const f = Math.fround;

/** Applied after every arithmetic operation of a kernel: Math.fround, or nothing in float64. */
export type Rounding = (value: number) => number;

const exact: Rounding = (value) => value;

export function rounding(precision: Precision | undefined): Rounding {
  return precision === 'float64' ? exact : f;
}

/** Scaled coordinates are clamped to +-2^40 before integer use, as the native kernels do. */
const coordinateLimit = 2 ** 40;
export function clampCoordinate(v: number): number {
  return Math.min(Math.max(v, -coordinateLimit), coordinateLimit);
}

/** C's round(): half away from zero (not Math.round, which rounds -2.5 to -2). */
export function roundHalfAway(v: number): number {
  return Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
}
