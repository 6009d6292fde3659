// Asserts which backend this project runs, so the JS project cannot silently test native
// code (or the reverse) if an environment variable stops working.
import { expect } from 'vitest';

import { info } from '../../lib/index.js';

const simdRank: Record<string, number> = { scalar: 0, sse2: 1, neon: 1, avx2: 2, avx512: 3 };

export function expectConfiguredBackend(): void {
  const expected = process.env.ROI_OPS_EXPECT_BACKEND;
  expect(expected === 'native' || expected === 'js').toBe(true);
  const { native, simd } = info();
  expect(native).toBe(expected === 'native');
  // A forced instruction set is a cap: the path in use is that one, or narrower on a CPU without it.
  const cap = process.env.ROI_OPS_SIMD;
  if (native && cap) expect(simdRank[simd]).toBeLessThanOrEqual(simdRank[cap] as number);
  // Set by scripts/test-emulated.sh, which runs this suite on an emulated CPU without AVX:
  // the dispatcher must have chosen what that CPU has, and this process must be the emulated one.
  const expectedSimd = process.env.ROI_OPS_EXPECT_SIMD;
  if (expectedSimd) expect(simd).toBe(expectedSimd);
  // Set by scripts/test-node-majors.sh, which runs the suites once per build of the addon
  // (ROI_OPS_ADDON_PATH): the binary in use must be that build.
  const expectedBuild = process.env.ROI_OPS_EXPECT_ADDON_BUILD;
  if (expectedBuild) expect(info().addon?.build).toBe(expectedBuild);
}
