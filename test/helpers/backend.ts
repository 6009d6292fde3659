// Asserts which backend this project runs, so the JS project cannot silently test native
// code (or the reverse) if an environment variable stops working.
import { expect } from 'vitest';

import { info } from '../../lib/index.js';

export function expectConfiguredBackend(): void {
  const expected = process.env.ROI_OPS_EXPECT_BACKEND;
  expect(expected === 'native' || expected === 'js').toBe(true);
  expect(info().native).toBe(expected === 'native');
}
