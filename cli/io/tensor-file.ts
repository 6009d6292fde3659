// One entry point for a tensor argument of the command line: the reader is chosen by the
// file's extension. Every failure is a FileFormatError (./file-error.ts) naming the file.
import { extname } from 'node:path';

import { invalidType, read, readOptions, widenHalf } from '../../lib/internal.js';
import { decodeElements, decodeFloat64, type LoadedTensor, type TensorLayout } from './elements.js';
import { failer, readFileBytes, type ReadFileOptions } from './file-error.js';
import { npyLayout } from './npy.js';
import { quote } from './quote.js';
import { parseSafetensors } from './safetensors.js';

export interface TensorFileOptions extends ReadFileOptions {
  /** The tensor to read from a .safetensors file holding several. */
  key?: string;
}

const optionTable = {
  key: {
    read: (fn: string, argument: string, value: unknown): string => {
      if (typeof value !== 'string') throw invalidType(fn, argument, 'a string', value);
      return value;
    },
  },
  signal: {
    read: (fn: string, argument: string, value: unknown): AbortSignal => {
      if (!(value instanceof AbortSignal)) throw invalidType(fn, argument, 'an AbortSignal', value);
      return value;
    },
  },
  maxInputBytes: { read: read.integer(0) },
};

/** Reads the tensor in `path`: a .npy file, or one tensor (`key`) of a .safetensors file. */
export async function readTensorFile(path: string, options: TensorFileOptions = {}): Promise<LoadedTensor> {
  const { bytes, layout } = await readLayout('readTensorFile', path, options);
  return decodeElements(path, bytes, layout.dataOffset, layout.shape, layout.stored);
}

/**
 * Reads indices (cropAndResize's box indices) from `path` as readTensorFile finds them: integers
 * as int32, and floats as the numbers the file holds (16-bit ones widened, exactly), float64
 * ones not narrowed to float32, so the library judges 0.9999999999 as written (not an integer)
 * rather than as float32's 1.
 */
export async function readIndicesFile(path: string, options: TensorFileOptions = {}): Promise<Int32Array | number[]> {
  const { bytes, layout } = await readLayout('readIndicesFile', path, options);
  const { shape, stored, dataOffset } = layout;
  if (stored.kind === 'float' && stored.size === 8) {
    const count = shape.reduce((a, b) => a * b, 1);
    return Array.from(decodeFloat64(bytes, dataOffset, count, stored.littleEndian));
  }
  const { data, dtype } = decodeElements(path, bytes, dataOffset, shape, stored);
  if (dtype === 'float16' || dtype === 'bfloat16') return Array.from(widenHalf(data as Uint16Array, dtype));
  return data instanceof Int32Array ? data : Array.from(data);
}

/** The bytes of `path` and where its tensor is, by the file's extension. */
async function readLayout(
  fn: string,
  path: string,
  options: TensorFileOptions,
): Promise<{ bytes: Uint8Array; layout: TensorLayout }> {
  const { key, ...reading } = readOptions(fn, options, optionTable) as TensorFileOptions;
  const extension = extname(path).toLowerCase();
  const fail = failer(path);
  if (extension !== '.npy' && extension !== '.safetensors') {
    fail(`unknown tensor file type ${quote(extension)}; expected .npy or .safetensors`);
  }
  // A key that a .npy file cannot use would be silently ignored; say so instead.
  if (extension === '.npy' && key !== undefined) {
    fail(`a key (${quote(key)}) selects a tensor of a .safetensors file; a .npy file holds one array`);
  }
  const bytes = await readFileBytes(path, reading);
  const layout = extension === '.npy' ? npyLayout(bytes, path) : parseSafetensors(bytes, path).locate(key);
  return { bytes, layout };
}
