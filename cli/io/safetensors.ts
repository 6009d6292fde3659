// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N,
// N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {..}},
// then the data section that the offsets index. Every entry of the header is checked when the
// file is parsed; a tensor's elements are decoded only when it is read.
import { describe } from '../../lib/internal.js';
import { decodeElements, elementCount, type LoadedTensor, type StoredElements } from './elements.js';
import { failer, readFileBytes, type ReadFileOptions } from './file-error.js';

/** The limit the reference implementation sets, so a bad length cannot make us allocate gigabytes. */
export const safetensorsMaxHeaderLength = 100_000_000;

/** One entry of the header, checked against the data section. */
export interface SafetensorInfo {
  dtype: string;
  shape: number[];
  /** Byte offsets [begin, end) within the data section. */
  dataOffsets: [number, number];
}

export interface SafetensorsTable {
  /** The file's name, as given. */
  file: string;
  /** The header's "__metadata__" (an empty object when absent). */
  metadata: Record<string, string>;
  /** Every tensor of the file, in the header's order. */
  tensors: Map<string, SafetensorInfo>;
  /**
   * Decodes one tensor: `key`, or the only one when `key` is omitted (an error listing the
   * keys otherwise). F64 becomes float32 with a notice, I64 int32 with a range check.
   */
  read(key?: string): LoadedTensor;
}

/** The size of every dtype of the format, so each entry's byte count can be checked. */
const itemSizes: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

const readable: Record<string, StoredElements> = {
  F32: { kind: 'float', size: 4, littleEndian: true, name: 'F32' },
  F64: { kind: 'float', size: 8, littleEndian: true, name: 'F64' },
  I32: { kind: 'int', size: 4, littleEndian: true, name: 'I32' },
  I64: { kind: 'int', size: 8, littleEndian: true, name: 'I64' },
};

const entryFields = ['dtype', 'shape', 'data_offsets'];

/** Reads one tensor of a .safetensors file: `key`, or the only one when `key` is omitted. */
export async function readSafetensor(path: string, key?: string, options: ReadFileOptions = {}): Promise<LoadedTensor> {
  return parseSafetensors(await readFileBytes(path, options), path).read(key);
}

/** Parses and checks the header of a .safetensors file; `name` starts every error message. */
export function parseSafetensors(bytes: Uint8Array, name: string): SafetensorsTable {
  const fail = failer(name);
  if (bytes.length < 8) fail(`truncated: ${bytes.length} bytes, shorter than the 8-byte header length`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(safetensorsMaxHeaderLength)) {
    fail(`the header length is ${headerLength} bytes, over the limit of ${safetensorsMaxHeaderLength}`);
  }
  if (headerLength > BigInt(bytes.length - 8)) {
    fail(`truncated: the header length is ${headerLength} bytes but only ${bytes.length - 8} bytes follow it`);
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (error) {
    return fail(`the header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return fail(`the header is ${describe(header)}, not a JSON object`);
  }

  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const tensors = new Map<string, SafetensorInfo>();
  for (const [key, entry] of Object.entries(header)) {
    if (key === '__metadata__') {
      if (!isRecord(entry) || !Object.values(entry).every((value) => typeof value === 'string')) {
        fail('"__metadata__" is not an object of strings');
      }
      metadata = entry as Record<string, string>;
    } else {
      tensors.set(key, checkEntry(name, `tensor ${JSON.stringify(key)}`, entry, dataLength));
    }
  }

  const read = (key?: string): LoadedTensor => {
    const keys = [...tensors.keys()];
    if (key === undefined && keys.length !== 1) {
      fail(
        keys.length === 0
          ? 'holds no tensors'
          : `holds ${keys.length} tensors (${listKeys(keys)}); name the one to read`,
      );
    }
    const chosen = key ?? (keys[0] as string);
    const info = tensors.get(chosen) ?? fail(`has no tensor ${JSON.stringify(chosen)}; it holds ${listKeys(keys)}`);
    const stored = readable[info.dtype];
    if (stored === undefined) {
      const advice =
        info.dtype === 'F16' || info.dtype === 'BF16'
          ? 'convert it to F32 first (in PyTorch: tensor.float())'
          : 'expected F32, F64, I32 or I64';
      return fail(`tensor ${JSON.stringify(chosen)} has dtype ${info.dtype}, which is not supported; ${advice}`);
    }
    return decodeElements(name, bytes, dataStart + info.dataOffsets[0], info.shape, stored);
  };
  return { file: name, metadata, tensors, read };
}

/** One header entry: exactly {dtype, shape, data_offsets}, its bytes inside the data section. */
function checkEntry(file: string, subject: string, entry: unknown, dataLength: number): SafetensorInfo {
  const fail = failer(file);
  if (!isRecord(entry)) return fail(`${subject} is ${describe(entry)}; expected {dtype, shape, data_offsets}`);
  for (const field of Object.keys(entry)) {
    if (!entryFields.includes(field))
      fail(`${subject} has an unknown field ${JSON.stringify(field)}; expected dtype, shape and data_offsets`);
  }
  for (const field of entryFields) {
    if (!(field in entry)) fail(`${subject} has no field "${field}"`);
  }
  const { dtype, shape, data_offsets: offsets } = entry;
  const itemSize = typeof dtype === 'string' ? itemSizes[dtype] : undefined;
  if (itemSize === undefined) return fail(`${subject} has an unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((dim) => typeof dim === 'number')) {
    return fail(`${subject} has shape ${JSON.stringify(shape)}; expected an array of integers`);
  }
  const count = elementCount(file, `${subject}: shape`, shape, JSON.stringify(shape));
  const shown = JSON.stringify(offsets);
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    return fail(`${subject} has data_offsets ${shown}; expected [begin, end], integers with 0 <= begin <= end`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength)
    fail(`${subject} has data_offsets ${shown}, past the end of the data section (${dataLength} bytes)`);
  if (end - begin !== count * itemSize) {
    fail(
      `${subject} has data_offsets ${shown} (${end - begin} bytes) but shape ${JSON.stringify(shape)} ${dtype} needs ${count * itemSize} bytes`,
    );
  }
  return { dtype: dtype as string, shape, dataOffsets: [begin, end] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The keys for a message, quoted; a model file may hold hundreds, so at most 20. */
function listKeys(keys: string[]): string {
  if (keys.length === 0) return 'none';
  const shown = keys.slice(0, 20).map((key) => JSON.stringify(key));
  return shown.join(', ') + (keys.length > 20 ? `, ... (${keys.length - 20} more)` : '');
}
