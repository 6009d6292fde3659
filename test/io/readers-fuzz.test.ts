// A property-based and mutation fuzz of the command line's parsers of untrusted input (issue 16):
// parseNpy, parseSafetensors (and reading each of its tensors), the Python-literal parser of .npy
// headers, the CSV, JSON and .npy box parsers, and the manifest line parser. Inputs are the valid
// fixtures of test/fixtures/io with bytes set, inserted, deleted or cut; headers and texts built
// from the tokens that matter (brackets, quotes, names of Object.prototype, control characters,
// huge numbers); and arbitrary bytes. Every input must be accepted, or refused with the parser's
// own error (FileFormatError; SyntaxError for the literal parser; JobSpecError for a manifest
// line) whose message is one printable line of bounded length starting with the file's name;
// never another exception, and never a hang (a bound of seconds on inputs of kilobytes). The JSON
// parser that long boxes files go through (cli/io/json-text.ts) must agree with JSON.parse.
//
// ROI_OPS_READERS_FUZZ_RUNS: runs per parser (default 1000: about 2 s in all here).
// ROI_OPS_READERS_FUZZ_SECONDS: run each parser for this long instead (scripts/fuzz-cli.sh).
// ROI_OPS_FUZZ_SEED: the seed (default: random; a failure prints the seed and path to replay it,
// with ROI_OPS_FUZZ_PATH), as in test/api/api-fuzz.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, it } from 'vitest';

import { parseBoxesCsv, parseBoxesJson, parseBoxesNpy } from '../../cli/io/boxes-file.js';
import { FileFormatError } from '../../cli/io/file-error.js';
import { parseJsonIteratively } from '../../cli/io/json-text.js';
import { parseNpy } from '../../cli/io/npy.js';
import { parsePythonLiteral } from '../../cli/io/python-literal.js';
import { parseSafetensors } from '../../cli/io/safetensors.js';
import { JobSpecError } from '../../cli/job-spec.js';
import { parseManifestEntry } from '../../cli/manifest.js';
import { badRefusal, longestMessage } from './messages.js';

function integerFromEnvironment(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name}=${text}: expected an integer`);
  return value;
}

const seconds = integerFromEnvironment('ROI_OPS_READERS_FUZZ_SECONDS', 0);
const runs = seconds > 0 ? Number.MAX_SAFE_INTEGER : integerFromEnvironment('ROI_OPS_READERS_FUZZ_RUNS', 1000);
const seed = integerFromEnvironment('ROI_OPS_FUZZ_SEED', (Date.now() ^ (Math.random() * 2 ** 31)) | 0);
const path = process.env.ROI_OPS_FUZZ_PATH || undefined;
/** Far above any real parse of these inputs (kilobytes: well under 10 ms), far below a hang. */
const slowParseMs = 5_000;

const fixtureDir = join(import.meta.dirname, '..', 'fixtures', 'io');
const fixtures = (extension: string) =>
  readdirSync(fixtureDir)
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => new Uint8Array(readFileSync(join(fixtureDir, name))));

// ---- inputs -------------------------------------------------------------------------------

type Edit = { kind: 'set' | 'insert' | 'delete' | 'cut' | 'repeat'; at: number; byte: number; length: number };

const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('set', 'insert', 'delete', 'cut', 'repeat'),
  at: fc.nat(),
  byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x00, 0x0a, 0x1b, 0x22, 0x27, 0x5b, 0x7b, 0xff)),
  length: fc.integer({ min: 1, max: 64 }),
});

/** `bytes` with `edits` applied, each at a position taken modulo the current length. */
function mutate(bytes: Uint8Array, edits: Edit[]): Uint8Array {
  let result = Array.from(bytes);
  for (const { kind, at, byte, length } of edits) {
    const i = result.length === 0 ? 0 : at % (result.length + (kind === 'insert' ? 1 : 0));
    if (kind === 'set' && result.length > 0) result[i] = byte;
    else if (kind === 'insert') result.splice(i, 0, byte);
    else if (kind === 'delete') result.splice(i, length);
    else if (kind === 'cut') result = result.slice(0, i);
    else if (kind === 'repeat') result.splice(i, 0, ...result.slice(i, i + length));
  }
  return Uint8Array.from(result);
}

const mutated = (seeds: Uint8Array[]) =>
  fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { maxLength: 6 })).map(([bytes, edits]) => mutate(bytes, edits));

/** Text made of tokens that steer a parser into its corners. */
const tokens = (extra: string[]) =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          ...extra,
          ' ',
          ',',
          '\n',
          '\r\n',
          '"',
          "'",
          '\\',
          '\u0000',
          '\u001b[2J',
          '\u2028',
          '\u202e',
          '\uFEFF',
          'constructor',
          '__proto__',
          'toString',
          'nan',
          '-inf',
          '1e999',
          '99999999999999999999999',
          '-1',
          '0.99999999',
        ),
        fc.string({ maxLength: 4 }),
        fc.integer().map(String),
        fc.double().map(String),
      ),
      { maxLength: 60 },
    )
    .map((parts) => parts.join(''));

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/** A .npy file around `header` (its length field as written, or as fuzzed), `data` after it. */
function npyFile(header: string, version: number, data: Uint8Array): Uint8Array {
  const text = Buffer.from(header, version === 3 ? 'utf8' : 'latin1');
  const field = version === 1 ? 2 : 4;
  const bytes = new Uint8Array(8 + field + text.length + data.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(bytes.buffer);
  if (field === 2) view.setUint16(8, Math.min(text.length, 0xffff), true);
  else view.setUint32(8, text.length, true);
  bytes.set(text, 8 + field);
  bytes.set(data, 8 + field + text.length);
  return bytes;
}

const npyHeaders = fc.oneof(
  tokens([
    '{',
    '}',
    '(',
    ')',
    '[',
    ']',
    ':',
    "'descr'",
    "'shape'",
    "'fortran_order'",
    "'<f4'",
    "'float32'",
    'True',
    'False',
    'None',
    'L',
  ]),
  fc
    .record({
      descr: fc.oneof(
        fc.constantFrom('<f4', '>f8', 'float32', 'd', 'q', '<i8', '|O', '<U3', 'constructor', '__proto__', '\u001b'),
        fc.string({ maxLength: 8 }),
      ),
      fortran: fc.constantFrom('False', 'True', '0', 'None'),
      shape: fc.array(fc.oneof(fc.integer({ min: -2, max: 6 }), fc.constantFrom(2 ** 31, 2 ** 53, 10 ** 30)), {
        maxLength: 4,
      }),
      extra: fc.constantFrom('', ", 'x': 1", ", '__proto__': {}", ", 'descr': '<i4'"),
    })
    .map(
      ({ descr, fortran, shape, extra }) =>
        `{'descr': ${JSON.stringify(descr)}, 'fortran_order': ${fortran}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''})${extra}}`,
    ),
);

const npyInputs = fc.oneof(
  mutated(fixtures('.npy')),
  fc
    .tuple(npyHeaders, fc.constantFrom(1, 2, 3), fc.uint8Array({ maxLength: 64 }))
    .map(([header, version, data]) => npyFile(header, version, data)),
  fc.uint8Array({ maxLength: 64 }),
);

/** A .safetensors file around a header text, `data` after it. */
function safetensorsFile(header: string, data: Uint8Array): Uint8Array {
  const text = utf8(header);
  const bytes = new Uint8Array(8 + text.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(text.length), true);
  bytes.set(text, 8);
  bytes.set(data, 8 + text.length);
  return bytes;
}

const safetensorsEntry = fc.record(
  {
    dtype: fc.oneof(fc.constantFrom('F32', 'F64', 'I32', 'I64', 'BF16', 'constructor', '__proto__'), fc.jsonValue()),
    shape: fc.oneof(fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 }), fc.jsonValue()),
    data_offsets: fc.oneof(
      fc.tuple(fc.integer({ min: -1, max: 40 }), fc.integer({ min: -1, max: 40 })),
      fc.jsonValue(),
    ),
  },
  { requiredKeys: [] },
);

const safetensorsInputs = fc.oneof(
  mutated(fixtures('.safetensors')),
  fc
    .tuple(
      fc.dictionary(
        fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__metadata__', '__proto__', 'constructor')),
        safetensorsEntry,
        {
          maxKeys: 4,
        },
      ),
      fc.uint8Array({ maxLength: 48 }),
    )
    .map(([header, data]) => safetensorsFile(JSON.stringify(header), data)),
  fc
    .tuple(
      tokens(['{', '}', '[', ']', ':', '"dtype"', '"shape"', '"data_offsets"', '"F32"', '"__metadata__"']),
      fc.uint8Array({ maxLength: 16 }),
    )
    .map(([header, data]) => safetensorsFile(header, data)),
  fc.uint8Array({ maxLength: 64 }),
);

const csvInputs = fc.oneof(
  mutated(fixtures('.csv')).map((bytes) => new TextDecoder().decode(bytes)),
  tokens(['x1', 'y1', 'batch_index', '"0"', '""', '1.5e3', '.5', '+', 'e', 'Infinity', '\t', ';']),
);

const jsonInputs = fc.oneof(
  mutated(fixtures('.json')).map((bytes) => new TextDecoder().decode(bytes)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .tuple(
      fc.array(fc.array(fc.oneof(fc.double(), fc.constant(null), fc.jsonValue()), { maxLength: 7 }), { maxLength: 4 }),
      fc.boolean(),
    )
    .map(([rows, wrapped]) => JSON.stringify(wrapped ? { boxes: rows, scores: [] } : rows)),
  tokens(['[', ']', '{', '}', ':', '"boxes"', 'null', 'true']),
);

const manifestLines = fc.oneof(
  fc
    .record(
      {
        op: fc.oneof(
          fc.constantFrom('roiAlign', 'roiPool', 'multiScaleRoiAlign', 'constructor', '__proto__'),
          fc.jsonValue(),
        ),
        input: fc.oneof(fc.constantFrom('map.npy', '../x.npy', '/abs.npy', 'a\u001bb.npy'), fc.jsonValue()),
        boxes: fc.oneof(fc.constantFrom('b.json', 'b.csv'), fc.jsonValue()),
        output: fc.oneof(fc.constantFrom('o.npy', '../o.npy', '/o.npy', 'x/../../o.npy', ''), fc.jsonValue()),
        outputSize: fc.oneof(fc.integer({ min: -1, max: 9 }), fc.jsonValue()),
        constructor: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    .map((fields) => JSON.stringify(fields)),
  tokens(['{', '}', '[', ']', ':', '"op"', '"input"', '"output"', '"roiAlign"', 'null']),
  fc.jsonValue().map((value) => JSON.stringify(value)),
);

// ---- the property ---------------------------------------------------------------------------

/**
 * Runs `parse`; a refusal must be an `Expected`, and well formed: about `file` (badRefusal), one
 * bounded line (`'line'`), or anything (`'any'`); nothing may take long.
 */
function check(parse: () => unknown, Expected: new (...args: never[]) => Error, file: string): void {
  const started = performance.now();
  try {
    parse();
  } catch (error) {
    if (!(error instanceof Expected)) {
      throw new Error(`threw ${String((error as Error)?.stack ?? error)}, not a ${Expected.name}`);
    }
    const notOneLine = error.message.length > longestMessage || /[\n\r]/.test(error.message);
    const problem =
      file === 'any'
        ? undefined
        : file === 'line'
          ? notOneLine
            ? `not one bounded line: ${JSON.stringify(error.message.slice(0, 200))}`
            : undefined
          : badRefusal(error, file);
    if (problem !== undefined) throw new Error(`a bad refusal: ${problem}`);
  }
  const ms = performance.now() - started;
  if (ms > slowParseMs) throw new Error(`took ${ms.toFixed(0)} ms`);
}

const targets: Array<[string, fc.Arbitrary<unknown>, (input: never) => void]> = [
  ['parseNpy', npyInputs, (bytes: Uint8Array) => check(() => parseNpy(bytes, 'f.npy'), FileFormatError, 'f.npy')],
  [
    'parseSafetensors and every read',
    safetensorsInputs,
    (bytes: Uint8Array) =>
      check(
        () => {
          const table = parseSafetensors(bytes, 'f.safetensors');
          for (const key of [...table.tensors.keys(), undefined, 'constructor', '__proto__']) {
            check(() => table.read(key), FileFormatError, 'f.safetensors');
          }
        },
        FileFormatError,
        'f.safetensors',
      ),
  ],
  ['parsePythonLiteral', npyHeaders, (text: string) => check(() => parsePythonLiteral(text), SyntaxError, 'line')],
  ['parseBoxesCsv', csvInputs, (text: string) => check(() => parseBoxesCsv(text, 'b.csv'), FileFormatError, 'b.csv')],
  [
    'parseBoxesJson',
    jsonInputs,
    (text: string) => check(() => parseBoxesJson(text, 'b.json'), FileFormatError, 'b.json'),
  ],
  [
    'parseBoxesNpy',
    npyInputs,
    (bytes: Uint8Array) => check(() => parseBoxesNpy(bytes, 'b.npy'), FileFormatError, 'b.npy'),
  ],
  [
    'parseJsonIteratively (as JSON.parse)',
    fc.oneof(jsonInputs, manifestLines),
    (text: string) => {
      const outcome = (parse: (text: string) => unknown) => {
        try {
          return JSON.stringify(parse(text));
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          return 'refused';
        }
      };
      const [expected, got] = [outcome(JSON.parse), outcome(parseJsonIteratively)];
      if (got !== expected) throw new Error(`JSON.parse gives ${expected}, parseJsonIteratively ${got}`);
    },
  ],
  [
    'parseManifestEntry',
    manifestLines,
    // The manifest's messages are the batch runner's to bound and escape when it prints them
    // (cli/batch.ts; JSON.parse quotes a CR of a CRLF line); here: its own error only, no hang.
    (text: string) => check(() => parseManifestEntry({ line: 1, index: 0, text }), JobSpecError, 'any'),
  ],
];

describe(`the readers under fuzzing (ROI_OPS_FUZZ_SEED=${seed}, ${seconds > 0 ? `${seconds} s` : `${runs} runs`} per parser)`, () => {
  it.each(targets)(
    '%s accepts its input or refuses it with its own one-line error',
    (name, inputs, property) => {
      const details = fc.check(
        fc.property(inputs, (input) => property(input as never)),
        {
          numRuns: runs,
          seed,
          path,
          ...(seconds > 0 ? { interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false } : {}),
        },
      );
      if (seconds > 0) console.log(`readers-fuzz ${name}: ${details.numRuns} inputs in ${seconds} s (seed ${seed})`);
      if (details.failed) {
        const replay =
          `ROI_OPS_FUZZ_SEED=${details.seed} ROI_OPS_FUZZ_PATH=${details.counterexamplePath} ` +
          `npx vitest run test/io/readers-fuzz.test.ts -t '${name} accepts'`;
        const error =
          details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        throw new Error(`${error}\n\n${fc.defaultReportMessage(details)}\n\nReplay: ${replay}`);
      }
    },
    Math.max(60_000, seconds * 1000 + 60_000),
  );
});
