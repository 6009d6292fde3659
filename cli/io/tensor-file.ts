// One entry point for a tensor argument of the command line: the reader is chosen by the
// file's extension. Every failure is a FileFormatError (./file-error.ts) naming the file.
import { extname } from 'node:path';

import { invalidType, read, readOptions } from '../../lib/internal.js';
import type { LoadedTensor } from './elements.js';
import { failer, type ReadFileOptions } from './file-error.js';
import { readNpy } from './npy.js';
import { readSafetensor } from './safetensors.js';

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
  const { key, ...reading } = readOptions('readTensorFile', options, optionTable) as TensorFileOptions;
  const extension = extname(path).toLowerCase();
  if (extension === '.safetensors') return readSafetensor(path, key, reading);
  const fail = failer(path);
  if (extension !== '.npy')
    fail(`unknown tensor file type ${JSON.stringify(extension)}; expected .npy or .safetensors`);
  // A key that a .npy file cannot use would be silently ignored; say so instead.
  if (key !== undefined)
    fail(`a key (${JSON.stringify(key)}) selects a tensor of a .safetensors file; a .npy file holds one array`);
  return readNpy(path, reading);
}
