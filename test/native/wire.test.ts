// The wire and the operator registries hold together: native/addon/wire.h and
// lib/backend/wire-order.ts are what scripts/generate-wire.ts makes of lib/backend/wire.ts (run
// it after editing the table), native/ops.def lists the operators of lib/operators.ts, lib/index.ts exports each of them
// (async and Sync), and the addon exports exactly their Sync and Async bindings besides its
// runtime functions.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { addonPath } from '../../lib/backend/native.js';
import { packageRoot } from '../../lib/package.js';
import * as api from '../../lib/index.js';
import { wire } from '../../lib/backend/wire.js';
import { operators } from '../../lib/operators.js';
import { wireHeader, wireHeaderPath, wireOrder, wireOrderPath } from '../../scripts/generate-wire.js';

const root = packageRoot();

describe('the wire schema and the operator registries', () => {
  it('keeps native/addon/wire.h and lib/backend/wire-order.ts generated from lib/backend/wire.ts (npx tsx scripts/generate-wire.ts)', () => {
    expect(readFileSync(join(root, wireHeaderPath), 'utf8')).toBe(wireHeader());
    expect(readFileSync(join(root, wireOrderPath), 'utf8')).toBe(wireOrder());
  });

  it('lists the same operators in lib/operators.ts, lib/backend/wire.ts and native/ops.def', () => {
    const opsDef = readFileSync(join(root, 'native/ops.def'), 'utf8');
    const listed = [...opsDef.matchAll(/^ROIOPS_OPERATOR\((\w+), (\w+)\)$/gm)].map((line) => line[1]);
    expect(listed).toEqual([...operators]);
    expect(Object.keys(wire)).toEqual([...operators]);
  });

  it('has lib/index.ts export every operator of lib/operators.ts, async and Sync', () => {
    const exported = new Set(Object.keys(api));
    expect(operators.flatMap((op) => [op, `${op}Sync`]).filter((name) => !exported.has(name))).toEqual([]);
  });

  it('has the addon export every operator, sync and async, and its runtime functions', () => {
    const binding = createRequire(import.meta.url)(addonPath()) as Record<string, unknown>;
    const runtime = ['simdLevel', 'setNumThreads', 'getNumThreads', 'addonBuild', 'setInitialNumThreads'];
    const expected = [...operators.flatMap((op) => [`${op}Sync`, `${op}Async`]), ...runtime];
    expect(Object.keys(binding).sort()).toEqual(expected.sort());
  });
});
