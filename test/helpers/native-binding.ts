// The raw native bindings, called positionally (bypassing the TypeScript validation) with
// arguments given by name (lib/backend/wire.ts orders them), and the checks every entry point gets: a well-formed call computes, sync and async; each refusal
// is the same RangeError or TypeError from the Sync and the Async entry (never a crash); and
// an async call whose abort flag is raised rejects with an AbortError.
import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import { addonPath, settlement } from '../../lib/backend/native.js';
import { wire, type WireArguments } from '../../lib/backend/wire.js';
import { positional } from '../../lib/backend/wire-order.js';
import type { Operator } from '../../lib/operators.js';

type Fn = (...args: unknown[]) => unknown;
const binding = createRequire(import.meta.url)(addonPath()) as Record<string, Fn>;

/** Calls the raw binding `name` (e.g. 'psRoiAlignSync') with positional arguments. */
export function callBinding(name: string, ...args: unknown[]): unknown {
  const fn = binding[name];
  if (!fn) throw new Error(`the addon has no ${name}`);
  return fn(...args);
}

/**
 * Calls the raw Async binding `name` (e.g. 'roiAlignAsync') with positional arguments (its
 * abort flag last) and its settle callback, and gives the promise that callback settles.
 * A refusal of the arguments throws here, as the binding does.
 */
export function callBindingAsync(name: string, ...args: unknown[]): Promise<void> {
  const { settle, settled } = settlement();
  callBinding(name, ...args, settle);
  return settled;
}

/** Some of an operator's arguments, by name. */
export type Overrides = Readonly<Record<string, unknown>>;

/** The positional arguments of `op`'s binding, from all of them by name. */
export function argsOf<Op extends Operator>(op: Op, named: WireArguments<Op>): unknown[] {
  return positional(op, named);
}

/** The positional arguments of `op`'s binding, from `args` with the arguments `overrides` names replaced. */
export function withArgs<Op extends Operator>(op: Op, args: WireArguments<Op>, overrides: Overrides): unknown[] {
  const unknown = Object.keys(overrides).filter((name) => !(name in wire[op]));
  if (unknown.length > 0) throw new Error(`${op} takes no argument ${unknown.join(', ')}`);
  return positional(op, { ...args, ...overrides } as WireArguments<Op>);
}

/**
 * A refusal: what is wrong, the arguments (by name) that make it so, and the exact error (a
 * string is the message of a RangeError after the entry's name: `<name>: <message>`).
 */
export type Refusal = readonly [what: string, overrides: Overrides, error: string | RangeError | TypeError];

export interface BindingEntry<Op extends Operator> {
  /** The entry point without its Sync/Async suffix. */
  name: Op;
  /** A well-formed call's arguments by name (the Async entry takes an abort flag and its settle function after them). */
  args: WireArguments<Op>;
  refusals: readonly Refusal[];
}

/** The checks of one raw entry point (`<name>Sync` and `<name>Async`), and `more` in the same describe block. */
export function describeBinding<Op extends Operator>(
  { name, args: named, refusals }: BindingEntry<Op>,
  more?: () => void,
): void {
  const args = argsOf(name, named);
  describe(`${name} binding`, () => {
    it('computes with well-formed arguments, sync and async', async () => {
      expect(() => callBinding(`${name}Sync`, ...args)).not.toThrow();
      await expect(callBindingAsync(`${name}Async`, ...args, new Int32Array(1))).resolves.toBeUndefined();
    });

    it.each(refusals)('refuses %s, sync and async', async (_, overrides, expected) => {
      const error = typeof expected === 'string' ? new RangeError(`${name}: ${expected}`) : expected;
      const bad = withArgs(name, named, overrides);
      expect(() => callBinding(`${name}Sync`, ...bad)).toThrow(error);
      // Argument types are checked before the promise exists (a throw), lengths by the kernel (a rejection).
      await expect(
        Promise.resolve().then(() => callBindingAsync(`${name}Async`, ...bad, new Int32Array(1))),
      ).rejects.toThrow(error);
    });

    it('rejects with an AbortError when the abort flag is raised', async () => {
      await expect(callBindingAsync(`${name}Async`, ...args, new Int32Array([1]))).rejects.toMatchObject({
        code: 'ABORT_ERR',
        message: 'The operation was aborted',
      });
    });

    more?.();
  });
}
