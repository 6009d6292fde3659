// A property-based fuzz of the public API (fast-check; docs/design.md "Robustness"). For every operator, in its
// Sync and its async form, on arbitrary calls (test/helpers/fuzz-calls.ts: valid ones and ones
// with a field broken): the call either returns what docs/api.md "Operators" documents — a tensor of the
// documented shape (test/helpers/fuzz-oracle.ts), data of that many elements, written into
// `out` when given — or throws (rejects with) a TypeError or RangeError whose message starts
// with the function's name and names an argument or option; nothing else, and never a crash
// or a hang. A call built valid must succeed. The two forms agree: the same shape and
// bit-identical data, or the same error; an aborted signal rejects with its reason.
// A valid forward call with a 16-bit map or outputDtype (docs/api.md "16-bit feature maps")
// equals, bit for bit, the float32 call on the map widened by this test (test/helpers/fuzz-half.ts,
// from the formats' definitions), its result rounded to nearest-even by the test when 16-bit.
//
// ROI_OPS_FUZZ_RUNS: runs per operator (default below, sized for CI: this file runs in six
// projects). ROI_OPS_FUZZ_SEED: the seed (default: random; a failure prints the seed and path
// to replay it, with ROI_OPS_FUZZ_PATH). ROI_OPS_FUZZ_STATS=1 prints what the runs did.
import { types } from 'node:util';

import fc from 'fast-check';
import { describe, it } from 'vitest';

import * as api from '../../lib/index.js';
import { backwardOperators } from '../../lib/operators.js';
import { maxTypedArrayLength } from '../../lib/validate.js';
import { expectConfiguredBackend } from '../helpers/backend.js';
import { float32Bits, isFloat16Array, narrowHalf, widenHalf, type HalfType } from '../helpers/fuzz-half.js';
import {
  fuzzCalls,
  operatorNames,
  optionsIndex,
  specs,
  type FuzzCall,
  type OperatorName,
} from '../helpers/fuzz-calls.js';
import { documentedLength, documentedOutput, Undocumented } from '../helpers/fuzz-oracle.js';
import { dimsOf, product } from '../helpers/fuzz-values.js';

function integerFromEnvironment(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name}=${text}: expected an integer`);
  return value;
}

// 1,000 runs per operator: about 6 s per project here (2 shared cores), 15,000 calls of each form.
const runs = integerFromEnvironment('ROI_OPS_FUZZ_RUNS', 1000);
const seed = integerFromEnvironment('ROI_OPS_FUZZ_SEED', (Date.now() ^ (Math.random() * 2 ** 31)) | 0);
const path = process.env.ROI_OPS_FUZZ_PATH || undefined;
const stats = process.env.ROI_OPS_FUZZ_STATS === '1';
const project =
  process.env.ROI_OPS_FORCE_JS === '1'
    ? 'js'
    : process.env.ROI_OPS_SIMD
      ? `native-${process.env.ROI_OPS_SIMD}`
      : 'native';

/** A legal output larger than this is not run (it would be slow, or gigabytes: docs/api.md "Bad input" allows up to the engine's limit). */
const largestRunOutput = 2 ** 20;
/**
 * A refusal taking longer than this did work before refusing (refusals are up front), and a
 * valid call built here (small: well under 1 ms) taking longer did work it should not. A call
 * that one corrupted value made extreme but legal (a box just inside maxSamplesPerRoi's 2^24
 * samples) may take longer: that is work the API allows, and vitest's timeout still catches a hang.
 */
const slowCallMs = 5_000;

type Operator = (...args: unknown[]) => unknown;
const functions = api as unknown as Record<string, Operator>;

type Outcome = { kind: 'returned'; value: unknown } | { kind: 'threw'; error: unknown };

/** What a returned tensor held when it came back (an `out` is overwritten by the next call). */
interface Snapshot {
  shape: unknown;
  bytes: Uint8Array;
  argmax: Uint8Array | null;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return Uint8Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
}

/**
 * On the JavaScript backend a NaN's bit pattern (sign, payload) is the engine's: ECMAScript lets
 * it store any NaN into a typed array, and V8's pattern changes as it optimizes a kernel (the
 * same call gives another NaN once warm). There a NaN is compared as a NaN, each one rewritten to
 * one pattern; the native paths are compared bit for bit, NaNs included (docs/api.md
 * "Instruction sets").
 */
function comparableBytes(view: ArrayBufferView, dtype: 'float32' | HalfType | 'int32'): Uint8Array {
  const bytes = bytesOf(view);
  if (project !== 'js' || dtype === 'int32') return bytes;
  // Each format's exponent field and its quiet NaN: all exponent bits set and a nonzero fraction is a NaN.
  const [words, exponent, quiet] =
    dtype === 'float32'
      ? [new Uint32Array(bytes.buffer), 0x7f800000, 0x7fc00000]
      : dtype === 'float16'
        ? [new Uint16Array(bytes.buffer), 0x7c00, 0x7e00]
        : [new Uint16Array(bytes.buffer), 0x7f80, 0x7fc0];
  const fraction = exponent === 0x7f800000 ? 0x7fffff : exponent === 0x7c00 ? 0x3ff : 0x7f;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as number;
    if ((word & exponent) === exponent && (word & fraction) !== 0) words[i] = quiet;
  }
  return bytes;
}

function snapshot(value: unknown): Snapshot {
  const { shape, data, argmax, dtype } = value as {
    shape: unknown;
    data: Float32Array;
    argmax?: Int32Array;
    dtype?: HalfType | 'float32';
  };
  return {
    shape: Array.isArray(shape) ? [...shape] : shape,
    bytes: comparableBytes(data, dtype ?? 'float32'),
    argmax: argmax ? bytesOf(argmax) : null,
  };
}

class Violation extends Error {}

function check(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new Violation(message());
}

function describeError(error: unknown): string {
  return error instanceof Error
    ? `${error.constructor.name}: ${error.message}`
    : `a thrown ${typeof error} ${String(error)}`;
}

const sameDims = (a: unknown, b: number[]) =>
  Array.isArray(a) && a.length === b.length && a.every((d, i) => d === b[i]);
const sameBytes = (a: Uint8Array | null, b: Uint8Array | null) =>
  a === null || b === null ? a === b : Buffer.compare(a, b) === 0;

/** A returned value must be what docs/api.md documents for these arguments. */
function checkReturned(op: OperatorName, fn: string, args: unknown[], value: unknown): void {
  let documented;
  try {
    documented = documentedOutput(op, args);
  } catch (error) {
    if (error instanceof Undocumented) throw new Violation(`${fn} returned although ${error.message}`);
    throw error;
  }
  const { shape, dtype } = documented;
  const result = value as { data?: unknown; shape?: unknown; argmax?: unknown; dtype?: unknown } | null;
  check(typeof result === 'object' && result !== null, () => `${fn} returned ${String(value)}, not a tensor`);
  const options = (args[optionsIndex(op)] ?? {}) as { out?: unknown; argmaxOut?: unknown };
  check(result.dtype === dtype, () => `${fn} returned dtype ${String(result.dtype)}, not ${dtype}`);
  if (dtype === 'float32')
    check(types.isFloat32Array(result.data), () => `${fn} returned data that is not a Float32Array`);
  else if (isFloat16Array(options.out))
    check(result.data === options.out, () => `${fn} did not return its Float16Array options.out as its data`);
  else check(types.isUint16Array(result.data), () => `${fn} returned ${dtype} data that is not a Uint16Array`);
  check(
    sameDims(result.shape, shape),
    () => `${fn} returned shape ${JSON.stringify(result.shape)}, docs/api.md documents [${shape}]`,
  );
  check(
    (result.data as Float32Array).length === product(shape),
    () => `${fn} returned ${(result.data as Float32Array).length} elements for shape [${shape}]`,
  );
  if (ArrayBuffer.isView(options.out))
    check(result.data === options.out, () => `${fn} did not return options.out as its data`);
  if (op !== 'roiPool') return;
  if (!documented.argmax) {
    check(result.argmax === undefined, () => `${fn} returned an argmax without returnArgmax`);
    return;
  }
  check(types.isInt32Array(result.argmax), () => `${fn} returned no Int32Array argmax with returnArgmax: true`);
  check(
    result.argmax.length === product(shape),
    () => `${fn} returned an argmax of ${(result.argmax as Int32Array).length} elements`,
  );
  if (types.isInt32Array(options.argmaxOut))
    check(result.argmax === options.argmaxOut, () => `${fn} did not return options.argmaxOut`);
}

/** A refusal must be a TypeError or RangeError that starts with the function's name and names what was wrong. */
function checkThrown(op: OperatorName, fn: string, args: unknown[], error: unknown): void {
  check(
    error instanceof TypeError || error instanceof RangeError,
    () => `${fn} threw ${describeError(error)}, not a TypeError or RangeError`,
  );
  const { message } = error;
  check(message.startsWith(`${fn}: `), () => `${fn} threw a message that does not start with "${fn}: ": ${message}`);
  const options = args[optionsIndex(op)];
  const names = [...specs[op].params, ...Object.keys(specs[op].options), 'output', 'signal'];
  if (typeof options === 'object' && options !== null) names.push(...Object.keys(options));
  const rest = message.slice(fn.length + 2);
  check(
    names.some((name) => rest.includes(name)),
    () => `${fn} threw a message that names no argument or option: ${message}`,
  );
  check(
    message.length <= 1000,
    () => `${fn} threw a message of ${message.length} characters (values must be described briefly)`,
  );
}

/** The error the async form throws for one the Sync form threw: the same but for the function's name and `signal` among the options. */
function sameRefusal(op: OperatorName, syncError: unknown, asyncError: unknown): boolean {
  if (
    !(syncError instanceof Error) ||
    !(asyncError instanceof Error) ||
    syncError.constructor !== asyncError.constructor
  )
    return false;
  const expected = syncError.message.replaceAll(`${op}Sync`, op);
  return asyncError.message === expected || asyncError.message.replace(/, signal$/, '') === expected;
}

function settleSync(call: () => unknown): Outcome {
  try {
    return { kind: 'returned', value: call() };
  } catch (error) {
    return { kind: 'threw', error };
  }
}

/** The async form's arguments: the Sync form's, with the chosen signal added to a plain options object. */
function asyncArguments(call: FuzzCall): {
  args: unknown[];
  signal: unknown;
  kind: FuzzCall['signal']['kind'];
  started: () => void;
} {
  const { signal: choice } = call;
  const none = { args: call.args, signal: undefined, kind: 'none' as const, started: () => {} };
  if (choice.kind === 'none') return none;
  const at = optionsIndex(call.op);
  const options = call.args[at];
  // Only spatialPyramidPool and cropAndResize may omit their options; then the async form gets { signal }.
  const omittable = call.op === 'spatialPyramidPool' || call.op === 'cropAndResize';
  const plain =
    (options === undefined && omittable) ||
    (typeof options === 'object' &&
      options !== null &&
      [Object.prototype, null].includes(Object.getPrototypeOf(options)));
  if (!plain) return none;
  const controller = new AbortController();
  const abort = () =>
    choice.kind === 'aborted' && choice.reason !== undefined ? controller.abort(choice.reason) : controller.abort();
  if (choice.kind === 'aborted' && choice.when === 'before') abort();
  const signal = choice.kind === 'wrong' ? choice.value : controller.signal;
  const args = specs[call.op].params.map((_, i) => call.args[i]);
  args[at] = { ...(options as object | undefined), signal };
  // 'running': aborted once the call has started (validated, and queued on the backend).
  const started = choice.kind === 'aborted' && choice.when === 'running' ? abort : () => {};
  return { args, signal, kind: choice.kind, started };
}

interface Tally {
  valid: number;
  returned: number;
  refused: number;
  aborted: number;
  /** Valid calls with a 16-bit map or output compared with the float32 call on the widened maps. */
  widened: number;
}

/**
 * Whether any typed array reachable from `value` is a view of a resizable (not shared)
 * ArrayBuffer, which async calls refuse (docs/api.md "Tensors": it could shrink while the call runs).
 */
function usesResizableMemory(value: unknown, depth = 0): boolean {
  if (ArrayBuffer.isView(value)) {
    return !(value.buffer instanceof SharedArrayBuffer) && (value.buffer as { resizable?: boolean }).resizable === true;
  }
  if (depth > 4 || typeof value !== 'object' || value === null) return false;
  return Object.values(value).some((item) => usesResizableMemory(item, depth + 1));
}

/** The async form's documented refusal of a resizable buffer, which its Sync twin accepts. */
function refusedAsResizable(op: string, error: unknown): boolean {
  return (
    error instanceof TypeError &&
    error.message.startsWith(`${op}: `) &&
    error.message.includes('is resizable, so it could shrink while the async call runs')
  );
}

type Half = { bits: Uint16Array; type: HalfType };

/** A feature map's 16-bit patterns and format, or null for a float32 map. */
function halfOf(map: unknown): Half | null {
  const { data, dtype, type } = map as { data: ArrayBufferView & { length: number }; dtype?: string; type?: string };
  if (isFloat16Array(data))
    return { bits: new Uint16Array(data.buffer, data.byteOffset, data.length), type: 'float16' };
  if (!types.isUint16Array(data)) return null;
  return { bits: data, type: (dtype ?? type) as HalfType };
}

/** The maps of a forward call: multiScaleRoiAlign's levels, else its first argument. */
const mapsOf = (op: OperatorName, args: unknown[]): unknown[] =>
  op === 'multiScaleRoiAlign' ? (args[0] as unknown[]) : [args[0]];

/**
 * A valid forward call with a 16-bit map or outputDtype returned `value`: it must equal the float32
 * call on each map widened here (a new tensor, in the same layout), into a new output, bit for bit
 * (argmax too); a 16-bit result must be that call's result rounded here to nearest-even.
 */
function checkAgainstWidened(op: OperatorName, args: unknown[], value: unknown, tally: Tally): void {
  const at = optionsIndex(op);
  const options = (args[at] ?? {}) as Record<string, unknown>;
  const dtype = (options.outputDtype ?? 'float32') as 'float32' | HalfType;
  const maps = mapsOf(op, args);
  const halves = maps.map(halfOf);
  if (dtype === 'float32' && halves.every((h) => h === null)) return;
  tally.widened++;
  const widened = maps.map((map, i) => {
    const half = halves[i];
    return half ? { data: widenHalf(half.bits, half.type), shape: [...(dimsOf(map) as number[])] } : map;
  });
  const { out: _out, argmaxOut: _argmaxOut, outputDtype: _dtype, ...float32Options } = options;
  const float32Args = [...specs[op].params.map((_, i) => args[i])];
  float32Args[0] = op === 'multiScaleRoiAlign' ? widened : widened[0];
  float32Args[at] = float32Options;
  const syncName = `${op}Sync`;
  const reference = (functions[syncName] as Operator)(...float32Args) as { data: Float32Array; argmax?: Int32Array };
  const result = value as { data: ArrayBufferView; argmax?: Int32Array };
  const what = `${syncName} with ${halves.map((h) => h?.type ?? 'float32').join(', ')} map(s), outputDtype ${dtype}`;
  const expected = dtype === 'float32' ? reference.data : narrowHalf(reference.data, dtype);
  const got = dtype === 'float32' ? result.data : halfOf({ data: result.data, dtype })!.bits;
  const [a, b] = [comparableBytes(got, dtype), comparableBytes(expected, dtype)];
  check(sameBytes(a, b), () => {
    const width = dtype === 'float32' ? 4 : 2;
    const word = (bytes: Uint8Array, k: number) =>
      bytes
        .slice(k * width, (k + 1) * width)
        .reduceRight((hex, byte) => hex + byte.toString(16).padStart(2, '0'), '0x');
    let k = 0;
    while (word(a, k) === word(b, k)) k++;
    return (
      `${what} differs from the float32 call on the maps widened by the test, first at element ${k}: ` +
      `${word(a, k)}, expected ${word(b, k)} (the float32 call's ${float32Bits(reference.data[k] as number).toString(16)})`
    );
  });
  if (reference.argmax)
    check(
      sameBytes(bytesOf(result.argmax!), bytesOf(reference.argmax)),
      () => `${what}: argmax differs from the float32 call on the widened maps`,
    );
}

/** The property: one call, Sync then async. */
async function checkCall(call: FuzzCall, tally: Tally): Promise<void> {
  const { op, args } = call;
  const length = documentedLength(op, args);
  fc.pre(length === null || length <= largestRunOutput || length > maxTypedArrayLength);

  const syncName = `${op}Sync`;
  const started = performance.now();
  const sync = settleSync(() => (functions[syncName] as Operator)(...args));
  const ms = performance.now() - started;
  const legalButLarge = call.corruption !== null && sync.kind === 'returned';
  check(legalButLarge || ms < slowCallMs, () => `${syncName} took ${Math.round(ms)} ms`);
  if (sync.kind === 'returned') checkReturned(op, syncName, args, sync.value);
  else checkThrown(op, syncName, args, sync.error);
  if (call.corruption === null && sync.kind === 'returned' && !(backwardOperators as readonly string[]).includes(op))
    checkAgainstWidened(op, args, sync.value, tally);
  if (call.corruption === null)
    check(
      sync.kind === 'returned',
      () => `${syncName} refused a valid call: ${describeError((sync as { error: unknown }).error)}`,
    );
  const before = sync.kind === 'returned' ? snapshot(sync.value) : null;

  const { args: asyncArgs, signal, kind, started: callStarted } = asyncArguments(call);
  let promise: unknown;
  try {
    promise = (functions[op] as Operator)(...asyncArgs);
  } catch (error) {
    throw new Violation(`${op} threw synchronously instead of rejecting: ${describeError(error)}`);
  }
  callStarted();
  check(promise instanceof Promise, () => `${op} did not return a Promise`);
  const settled: Outcome = await promise.then(
    (value) => ({ kind: 'returned' as const, value }),
    (error: unknown) => ({ kind: 'threw' as const, error }),
  );

  tally.valid += call.corruption === null ? 1 : 0;
  tally[sync.kind === 'returned' ? 'returned' : 'refused']++;
  if (settled.kind === 'threw' && refusedAsResizable(op, settled.error)) {
    check(
      usesResizableMemory(asyncArgs),
      () => `${op} refused a resizable buffer that no argument holds: ${describeError(settled.error)}`,
    );
    return;
  }
  if (kind === 'aborted') {
    // docs/api.md "Bad input": an aborted call rejects with the signal's reason (a call that is also malformed may be refused as such first).
    const reason = (signal as AbortSignal).reason;
    check(settled.kind === 'threw', () => `${op} with an aborted signal resolved`);
    const error = (settled as { error: unknown }).error;
    if (error !== reason) {
      check(
        sync.kind === 'threw' && sameRefusal(op, sync.error, error),
        () => `${op} with an aborted signal rejected with ${describeError(error)}, not its reason`,
      );
      checkThrown(op, op, asyncArgs, error);
    }
    tally.aborted++;
    return;
  }
  if (settled.kind === 'threw') checkThrown(op, op, asyncArgs, settled.error);
  else checkReturned(op, op, asyncArgs, settled.value);
  if (kind === 'wrong') {
    // A signal that is not an AbortSignal is refused, naming it (unless something else is refused first, as the Sync form does).
    check(settled.kind === 'threw', () => `${op} accepted options.signal = ${String(signal)}`);
    const error = (settled as { error: unknown }).error;
    if (error instanceof TypeError && error.message.includes('options.signal')) return;
  }
  if (sync.kind === 'returned') {
    check(
      settled.kind === 'returned',
      () => `${syncName} returned but ${op} rejected: ${describeError((settled as { error: unknown }).error)}`,
    );
    const after = snapshot(settled.value);
    check(
      JSON.stringify(after.shape) === JSON.stringify(before?.shape) &&
        sameBytes(after.bytes, before?.bytes ?? null) &&
        sameBytes(after.argmax, before?.argmax ?? null),
      () => {
        const [a, b] = [before?.bytes ?? new Uint8Array(0), after.bytes];
        let i = 0;
        while (i < a.length && a[i] === b[i]) i++;
        const at = (bytes: Uint8Array) => Buffer.from(bytes.subarray(i & ~3, (i & ~3) + 4)).toString('hex');
        return `${syncName} and ${op} returned different results (first at byte ${i}: ${at(a)} and ${at(b)})`;
      },
    );
  } else {
    check(settled.kind === 'threw', () => `${syncName} threw ${describeError(sync.error)} but ${op} resolved`);
    check(
      sameRefusal(op, sync.error, (settled as { error: unknown }).error),
      () =>
        `${syncName} threw ${describeError(sync.error)} but ${op} rejected with ${describeError((settled as { error: unknown }).error)}`,
    );
  }
}

describe(`the public API under fuzzing (ROI_OPS_FUZZ_SEED=${seed}, ${runs} runs per operator)`, () => {
  it('runs on the configured backend', () => expectConfiguredBackend());

  it.each(operatorNames)(
    '%s and its Sync twin return the documented shape or refuse with a TypeError or RangeError, alike',
    async (op) => {
      const tally: Tally = { valid: 0, returned: 0, refused: 0, aborted: 0, widened: 0 };
      const started = performance.now();
      const details = await fc.check(
        fc.asyncProperty(fuzzCalls(op, documentedLength), (call) => checkCall(call, tally)),
        { numRuns: runs, seed, path, timeout: 10_000 },
      );
      if (stats) {
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        console.log(
          `api-fuzz ${project} ${op}: ${details.numRuns} runs in ${seconds} s (${tally.valid} built valid, ${details.numSkips} skipped as too large); ` +
            `Sync: ${tally.returned} returned, ${tally.refused} refused; async: the same, ${tally.aborted} of them aborted; ` +
            `${tally.widened} 16-bit calls equal to float32 on the widened maps`,
        );
      }
      if (details.failed) {
        const replay =
          `ROI_OPS_FUZZ_SEED=${details.seed} ROI_OPS_FUZZ_PATH=${details.counterexamplePath} ROI_OPS_FUZZ_RUNS=${runs} ` +
          `npx vitest run --project ${project} test/api/api-fuzz.test.ts -t '${op} and'`;
        const error =
          details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        throw new Error(`${error}\n\n${await fc.asyncDefaultReportMessage(details)}\n\nReplay: ${replay}`);
      }
    },
    Math.max(60_000, runs * 20),
  ); // a long run (npm run fuzz:api) needs more than vitest's 60 s per operator
});
