// One pooling job, as `roi-ops pool` takes it from flags and `roi-ops batch` from a manifest
// line: the same fields either way (camelCase, as the library's options are named). A few
// fields name the operator and the files; every other field is an option of the operator,
// passed to the library as it came, so the library's own validation (types, ranges, unknown
// options) is the only one and its message reaches the user.
import { extname } from 'node:path';

import { describe, forwardOperators, type ForwardOperator } from '../lib/internal.js';
import { npyCannotHoldBfloat16 } from './io/npy.js';

export { forwardOperators, type ForwardOperator };

export interface JobSpec {
  op: ForwardOperator;
  /** The feature map(s): one file, or one per level (finest first) for multiScaleRoiAlign. */
  inputs: string[];
  /** The .safetensors key of each input (undefined for a .npy file). */
  keys: Array<string | undefined>;
  /** Absent only for spatialPyramidPool (whole maps). */
  boxes?: string;
  /** cropAndResize: the image of each box (default: all 0). */
  boxIndices?: string;
  /** cropAndResize's cropSize argument, as given. */
  cropSize?: unknown;
  output: string;
  /** roiPool: where to write the argmax (it asks the library for returnArgmax). */
  argmaxOutput?: string;
  /** The operator's options, as given. */
  options: Record<string, unknown>;
}

/** A job that cannot be run as written: a usage error for `pool`, a failed job for `batch`. */
export class JobSpecError extends Error {
  override name = 'JobSpecError';
}

/** The fields that are not options of the operator. */
const fileFields = ['op', 'input', 'key', 'boxes', 'boxIndices', 'cropSize', 'output', 'argmaxOutput'] as const;

/**
 * Options the command line sets itself: where results go (out, argmaxOut, returnArgmax) and
 * aborting (signal). A manifest naming them gets a message rather than a silent override.
 */
const reservedOptions: Record<string, string> = {
  out: 'the output goes to the file named by output',
  argmaxOut: 'name a file with argmaxOutput instead',
  returnArgmax: 'name a file with argmaxOutput instead',
  signal: 'roi-ops batch aborts jobs itself on SIGINT/SIGTERM',
};

/**
 * Reads the fields of a job, failing with messages that spell each field as the user wrote it.
 * Only the fields' own properties count: a manifest line is untrusted JSON, and
 * `{"op": "roiAlign"}` must not find a "constructor" or "toString" field on Object.prototype.
 */
class FieldReader {
  constructor(
    private readonly fields: Record<string, unknown>,
    readonly spelling: (field: string) => string,
  ) {}

  fail(problem: string): never {
    throw new JobSpecError(problem);
  }

  /** The field's value, undefined when it is not one of the fields' own. */
  value(field: string): unknown {
    return Object.hasOwn(this.fields, field) ? this.fields[field] : undefined;
  }

  given(field: string): boolean {
    return this.value(field) !== undefined;
  }

  /** A non-empty string, if given. */
  name(field: string, what = 'a file name'): string | undefined {
    const value = this.value(field);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '')
      this.fail(`expected ${what} for ${this.spelling(field)} but received ${describe(value)}`);
    return value;
  }

  /** One non-empty string or a list of them; [] if not given. */
  names(field: string, what = 'a file name'): string[] {
    const value = this.value(field);
    if (value === undefined) return [];
    const list: unknown[] = Array.isArray(value) ? value : [value];
    if (list.length === 0 || list.some((item) => typeof item !== 'string' || item === '')) {
      this.fail(`expected ${what} or a list of them for ${this.spelling(field)} but received ${describe(value)}`);
    }
    return list as string[];
  }

  /** The name of a .npy file to write, if given. */
  npy(field: string): string | undefined {
    const path = this.name(field);
    if (path !== undefined && extname(path).toLowerCase() !== '.npy')
      this.fail(`${this.spelling(field)} must name a .npy file, not ${JSON.stringify(path)}`);
    return path;
  }

  /**
   * Every field that is not a file field: the operator's options, as given. Built with
   * Object.fromEntries, which makes a "__proto__" field an own option (that the library
   * refuses as unknown) rather than the prototype of the options, whose fields the library
   * would then read as options.
   */
  options(): Record<string, unknown> {
    const options: Array<[string, unknown]> = [];
    for (const [field, value] of Object.entries(this.fields)) {
      if ((fileFields as readonly string[]).includes(field) || value === undefined) continue;
      if (Object.hasOwn(reservedOptions, field))
        this.fail(`${this.spelling(field)} is set by roi-ops itself: ${reservedOptions[field]}`);
      options.push([field, value]);
    }
    return Object.fromEntries(options);
  }
}

/**
 * `roi-align` and `roi_align` (torchvision's spelling) -> `roiAlign`: the command line takes an
 * operator's name as the API spells it, in kebab-case or in snake_case.
 */
function camelCase(name: string): string {
  return name.replace(/[-_]([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function readOperator(read: FieldReader): ForwardOperator {
  const op = read.name('op', 'an operator name');
  if (op === undefined)
    read.fail(`missing ${read.spelling('op')}: the operator to run (${forwardOperators.join(', ')})`);
  const name = camelCase(op);
  if (!forwardOperators.includes(name as ForwardOperator)) {
    read.fail(
      `unknown operator ${describe(op)} for ${read.spelling('op')}; expected one of ${forwardOperators.join(', ')} (or roi-align, roi_align)`,
    );
  }
  return name as ForwardOperator;
}

/**
 * The most levels a multiScaleRoiAlign job takes. A feature pyramid has 4 to 6 (P2-P5, P2-P6,
 * P3-P7); a list of hundreds is a mistake or an attack on memory (a short manifest line naming
 * one large map a thousand times), refused before anything is read.
 */
export const maxLevels = 16;

/** The input files and their .safetensors keys (one key for all inputs, or one each). */
function readInputs(read: FieldReader, op: ForwardOperator): Pick<JobSpec, 'inputs' | 'keys'> {
  const inputs = read.names('input');
  if (inputs.length === 0) read.fail(`missing ${read.spelling('input')}: the feature map file (.npy or .safetensors)`);
  if (op !== 'multiScaleRoiAlign' && inputs.length > 1) {
    read.fail(
      `${op} takes one ${read.spelling('input')}, not ${inputs.length} (several are the levels of multiScaleRoiAlign)`,
    );
  }
  if (inputs.length > maxLevels) {
    read.fail(
      `multiScaleRoiAlign takes at most ${maxLevels} levels (one ${read.spelling('input')} each), not ${inputs.length}; feature pyramids have 4 to 6`,
    );
  }
  const keys = read.names('key', 'a tensor name');
  if (keys.length > 1 && keys.length !== inputs.length) {
    read.fail(
      `${read.spelling('key')} is given ${keys.length} times for ${inputs.length} inputs; give it once (for every input) or once per input`,
    );
  }
  return { inputs, keys: inputs.map((_, i) => (keys.length > 1 ? keys[i] : keys[0])) };
}

/**
 * Reads a job from `fields`. `spelling` names a field as the user wrote it in messages
 * (`--argmax-output` for pool, `"argmaxOutput"` for a manifest line).
 */
export function readJobSpec(fields: Record<string, unknown>, spelling: (field: string) => string): JobSpec {
  const read = new FieldReader(fields, spelling);
  const op = readOperator(read);
  const { inputs, keys } = readInputs(read, op);
  const boxes = read.name('boxes');
  if (boxes === undefined && op !== 'spatialPyramidPool')
    read.fail(`missing ${spelling('boxes')}: the boxes file (.npy, .json or .csv)`);
  const output = read.npy('output');
  if (output === undefined) return read.fail(`missing ${spelling('output')}: the .npy file to write`);
  // The library computes a bfloat16 output, but the output is a .npy file.
  if (read.value('outputDtype') === 'bfloat16') {
    read.fail(
      `${spelling('outputDtype')} bfloat16 cannot be written: ${npyCannotHoldBfloat16}; use float16, or float32 (the default)`,
    );
  }
  const argmaxOutput = read.npy('argmaxOutput');
  if (argmaxOutput !== undefined && op !== 'roiPool')
    read.fail(`${spelling('argmaxOutput')} is for roiPool, not ${op}`);
  for (const field of ['boxIndices', 'cropSize']) {
    if (read.given(field) && op !== 'cropAndResize') read.fail(`${spelling(field)} is for cropAndResize, not ${op}`);
  }
  const boxIndices = read.name('boxIndices');
  return {
    op,
    inputs,
    keys,
    ...(boxes === undefined ? {} : { boxes }),
    ...(boxIndices === undefined ? {} : { boxIndices }),
    ...(read.given('cropSize') ? { cropSize: read.value('cropSize') } : {}),
    output,
    ...(argmaxOutput === undefined ? {} : { argmaxOutput }),
    options: read.options(),
  };
}

/** The files a job writes, output first. */
export function jobOutputs(spec: JobSpec): string[] {
  return spec.argmaxOutput === undefined ? [spec.output] : [spec.output, spec.argmaxOutput];
}
