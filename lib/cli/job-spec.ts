// One pooling job, as `roi-ops pool` takes it from flags and `roi-ops batch` from a manifest
// line: the same fields either way (camelCase, as the library's options are named). A few
// fields name the operator and the files; every other field is an option of the operator,
// passed to the library as it came, so the library's own validation (types, ranges, unknown
// options) is the only one and its message reaches the user.
import { extname } from 'node:path';

import { describe } from '../errors.js';

/** Every forward operator of API.md. */
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

export type ForwardOperator = (typeof forwardOperators)[number];

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
 * Reads a job from `fields`. `spelling` names a field as the user wrote it in messages
 * (`--argmax-output` for pool, `argmaxOutput` for a manifest line).
 */
export function readJobSpec(fields: Record<string, unknown>, spelling: (field: string) => string): JobSpec {
  const fail = (problem: string): never => {
    throw new JobSpecError(problem);
  };
  const fileName = (field: string): string | undefined => {
    const value = fields[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') fail(`expected a file name for ${spelling(field)} but received ${describe(value)}`);
    return value as string;
  };
  const fileNames = (field: string): string[] => {
    const value = fields[field];
    if (value === undefined) return [];
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || list.some((item) => typeof item !== 'string' || item === '')) {
      fail(`expected a file name or a list of them for ${spelling(field)} but received ${describe(value)}`);
    }
    return list as string[];
  };
  const npyFile = (field: string): string | undefined => {
    const path = fileName(field);
    if (path !== undefined && extname(path).toLowerCase() !== '.npy') fail(`${spelling(field)} must name a .npy file, not ${JSON.stringify(path)}`);
    return path;
  };

  const op = fields.op;
  if (op === undefined) fail(`missing ${spelling('op')}: the operator to run (${forwardOperators.join(', ')})`);
  if (!forwardOperators.includes(op as ForwardOperator)) {
    fail(`unknown operator ${describe(op)} for ${spelling('op')}; expected one of ${forwardOperators.join(', ')}`);
  }
  const operator = op as ForwardOperator;

  const inputs = fileNames('input');
  if (inputs.length === 0) fail(`missing ${spelling('input')}: the feature map file (.npy or .safetensors)`);
  if (operator !== 'multiScaleRoiAlign' && inputs.length > 1) {
    fail(`${operator} takes one ${spelling('input')}, not ${inputs.length} (several are the levels of multiScaleRoiAlign)`);
  }
  const givenKeys = fileNames('key');
  if (givenKeys.length > 1 && givenKeys.length !== inputs.length) {
    fail(`${spelling('key')} is given ${givenKeys.length} times for ${inputs.length} inputs; give it once (for every input) or once per input`);
  }
  const keys = inputs.map((_, i) => (givenKeys.length > 1 ? givenKeys[i] : givenKeys[0]));

  const boxes = fileName('boxes');
  if (boxes === undefined && operator !== 'spatialPyramidPool') fail(`missing ${spelling('boxes')}: the boxes file (.npy, .json or .csv)`);
  const output = npyFile('output');
  if (output === undefined) fail(`missing ${spelling('output')}: the .npy file to write`);
  const argmaxOutput = npyFile('argmaxOutput');
  if (argmaxOutput !== undefined && operator !== 'roiPool') fail(`${spelling('argmaxOutput')} is for roiPool, not ${operator}`);
  const boxIndices = fileName('boxIndices');
  for (const field of ['boxIndices', 'cropSize']) {
    if (fields[field] !== undefined && operator !== 'cropAndResize') fail(`${spelling(field)} is for cropAndResize, not ${operator}`);
  }
  if (argmaxOutput !== undefined && argmaxOutput === output) fail(`${spelling('argmaxOutput')} and ${spelling('output')} name the same file`);

  const options: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) {
    if ((fileFields as readonly string[]).includes(field) || value === undefined) continue;
    const reserved = reservedOptions[field];
    if (reserved !== undefined) fail(`${spelling(field)} is set by roi-ops itself: ${reserved}`);
    options[field] = value;
  }
  return {
    op: operator,
    inputs,
    keys,
    ...(boxes === undefined ? {} : { boxes }),
    ...(boxIndices === undefined ? {} : { boxIndices }),
    ...(fields.cropSize === undefined ? {} : { cropSize: fields.cropSize }),
    output: output as string,
    ...(argmaxOutput === undefined ? {} : { argmaxOutput }),
    options,
  };
}

/** The files a job writes, output first. */
export function jobOutputs(spec: JobSpec): string[] {
  return spec.argmaxOutput === undefined ? [spec.output] : [spec.output, spec.argmaxOutput];
}
