// How `roi-ops demo` times a call and compares two outputs: the median of repeated calls, and
// the largest difference with the golden vectors' tolerance (test/fixtures/golden/README.md).
import { performance } from 'node:perf_hooks';

/** The golden vectors' tolerance for operators that sum (RoIAlign: the backends may sum in another order). */
export const alignTolerance = { atol: 1e-5, rtol: 1e-4 } as const;
/** roiPool only selects values: exact. */
export const exact = { atol: 0, rtol: 0 } as const;

/**
 * Median wall time in ms of `repeat` calls. The caller has already run `work` once, so
 * neither the addon's first load nor the JIT's warm-up is counted.
 */
export function medianMs(repeat: number, work: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 === 1 ? (times[mid] as number) : ((times[mid - 1] as number) + (times[mid] as number)) / 2;
}

export interface Agreement {
  /** max |roiOps - js| over all outputs. */
  maxAbsDiff: number;
  /** maxAbsDiff / max |js|: the difference relative to the output's scale. */
  relativeDiff: number;
  /** Outputs outside |a - e| <= atol + rtol·|e|. */
  outsideTolerance: number;
  /** roiPool only: argmax entries that differ (argmax must be exact). */
  argmaxMismatches?: number;
}

export function agreement(
  actual: Float32Array,
  expected: Float32Array,
  tolerance: { atol: number; rtol: number },
): Agreement {
  let maxAbsDiff = 0;
  let maxAbs = 0;
  let outsideTolerance = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const diff = Math.abs(a - e);
    // NaN compares false, so a NaN on either side (but not both) counts as a disagreement.
    if (!(diff <= tolerance.atol + tolerance.rtol * Math.abs(e)) && !(Number.isNaN(a) && Number.isNaN(e)))
      outsideTolerance++;
    if (diff > maxAbsDiff) maxAbsDiff = diff;
    if (Math.abs(e) > maxAbs) maxAbs = Math.abs(e);
  }
  return { maxAbsDiff, relativeDiff: maxAbs > 0 ? maxAbsDiff / maxAbs : maxAbsDiff, outsideTolerance };
}

export function countMismatches(a: Int32Array, b: Int32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}
