// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N,
// N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {..}},
// then the data section that the offsets index. Every entry of the header is checked when the
// file is parsed, and the entries must tile the data section exactly, as the reference
// implementation requires (no overlap, no gap, nothing after the last tensor); a tensor's
// elements are decoded only when it is read. The header's names are untrusted: they are looked up
// in Maps (a dtype "constructor" is unknown, not Object's constructor) and quoted when shown.
import { decodeElements, elementCount, type LoadedTensor, type StoredElements, type TensorLayout } from './elements.js';
import { failer } from './file-error.js';
import { printable } from '../printable.js';
import { describeJson, quote } from './quote.js';

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
   * keys otherwise). F64 becomes float32 with a notice, I64 int32 with a range check, F16 and
   * BF16 stay 16-bit patterns (a view of the file's bytes when aligned).
   */
  read(key?: string): LoadedTensor;
  /** Where `key` (or the only tensor) is, as read() chooses it and checks its dtype, nothing decoded. */
  locate(key?: string): TensorLayout;
}

/** The size of every dtype of the format, so each entry's byte count can be checked. */
const itemSizes = new Map<string, number>(
  Object.entries({
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
  }),
);

const readable = new Map<string, StoredElements>([
  ['F16', { kind: 'float16', size: 2, littleEndian: true, name: 'F16' }],
  ['BF16', { kind: 'bfloat16', size: 2, littleEndian: true, name: 'BF16' }],
  ['F32', { kind: 'float', size: 4, littleEndian: true, name: 'F32' }],
  ['F64', { kind: 'float', size: 8, littleEndian: true, name: 'F64' }],
  ['I32', { kind: 'int', size: 4, littleEndian: true, name: 'I32' }],
  ['I64', { kind: 'int', size: 8, littleEndian: true, name: 'I64' }],
]);

const entryFields = ['dtype', 'shape', 'data_offsets'];

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
    return fail(`the header is not valid JSON (${printable((error as Error).message)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return fail(`the header is ${describeJson(header)}, not a JSON object`);
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
      tensors.set(key, checkEntry(name, `tensor ${quote(key)}`, entry, dataLength));
    }
  }
  checkTiling(name, tensors, dataLength);

  const locate = (key?: string): TensorLayout => {
    const keys = [...tensors.keys()];
    if (key === undefined && keys.length !== 1) {
      fail(
        keys.length === 0
          ? 'holds no tensors'
          : `holds ${keys.length} tensors (${listKeys(keys)}); name the one to read`,
      );
    }
    const chosen = key ?? (keys[0] as string);
    const info = tensors.get(chosen) ?? fail(`has no tensor ${quote(chosen)}; it holds ${listKeys(keys)}`);
    const stored = readable.get(info.dtype);
    if (stored === undefined) {
      return fail(
        `tensor ${quote(chosen)} has dtype ${info.dtype}, which is not supported; expected F16, BF16, F32, F64, I32 or I64`,
      );
    }
    return { shape: info.shape, stored, dataOffset: dataStart + info.dataOffsets[0] };
  };
  const read = (key?: string): LoadedTensor => {
    const { shape, stored, dataOffset } = locate(key);
    return decodeElements(name, bytes, dataOffset, shape, stored);
  };
  return { file: name, metadata, tensors, read, locate };
}

/** One header entry: exactly {dtype, shape, data_offsets}, its bytes inside the data section. */
function checkEntry(file: string, subject: string, entry: unknown, dataLength: number): SafetensorInfo {
  const fail = failer(file);
  if (!isRecord(entry)) return fail(`${subject} is ${describeJson(entry)}; expected {dtype, shape, data_offsets}`);
  for (const field of Object.keys(entry)) {
    if (!entryFields.includes(field))
      fail(`${subject} has an unknown field ${quote(field)}; expected dtype, shape and data_offsets`);
  }
  for (const field of entryFields) {
    if (!Object.hasOwn(entry, field)) fail(`${subject} has no field "${field}"`);
  }
  const { dtype, shape, data_offsets: offsets } = entry;
  const itemSize = typeof dtype === 'string' ? itemSizes.get(dtype) : undefined;
  if (itemSize === undefined) {
    const shownType = typeof dtype === 'string' ? quote(dtype) : describeJson(dtype);
    return fail(`${subject} has an unknown dtype ${shownType}; expected one of ${[...itemSizes.keys()].join(', ')}`);
  }
  if (!Array.isArray(shape)) return fail(`${subject} has shape ${describeJson(shape)}; expected an array of integers`);
  const notNumber = shape.findIndex((dim) => typeof dim !== 'number');
  if (notNumber >= 0) {
    return fail(
      `${subject} has a shape whose dimension ${notNumber} is ${describeJson(shape[notNumber])}; expected an array of integers`,
    );
  }
  const count = elementCount(file, `${subject}: shape`, shape, printable(JSON.stringify(shape), 80));
  const shown =
    Array.isArray(offsets) && offsets.length <= 2 ? printable(JSON.stringify(offsets), 80) : describeJson(offsets);
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
      `${subject} has data_offsets ${shown} (${end - begin} bytes) but shape ${printable(JSON.stringify(shape), 80)} ${dtype} needs ${count * itemSize} bytes`,
    );
  }
  return { dtype: dtype as string, shape, dataOffsets: [begin, end] };
}

/**
 * The tensors, in the order of their offsets, must cover the data section exactly: each begins
 * where the one before it ends, the last ends at the end of the file. (Bytes no tensor claims
 * could hide anything; two tensors sharing bytes make a write to one change the other.)
 */
function checkTiling(file: string, tensors: Map<string, SafetensorInfo>, dataLength: number): void {
  const fail = failer(file);
  const byOffset = [...tensors].sort(
    ([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1],
  );
  let covered = 0;
  let previous = '';
  for (const [key, { dataOffsets }] of byOffset) {
    const [begin, end] = dataOffsets;
    if (begin < covered) {
      fail(
        `tensor ${quote(key)} has data_offsets [${begin},${end}], overlapping tensor ${previous} (up to ${covered}); tensors must not share bytes`,
      );
    }
    if (begin > covered) {
      fail(
        `tensor ${quote(key)} has data_offsets [${begin},${end}], leaving bytes ${covered} to ${begin} of the data section to no tensor`,
      );
    }
    covered = end;
    previous = quote(key);
  }
  if (covered !== dataLength) {
    fail(
      `${dataLength - covered} trailing bytes: the tensors end at byte ${covered} of the data section, which is ${dataLength} bytes`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The keys for a message, quoted; a model file may hold hundreds, so at most 20. */
function listKeys(keys: string[]): string {
  if (keys.length === 0) return 'none';
  const shown = keys.slice(0, 20).map((key) => quote(key, 40));
  return shown.join(', ') + (keys.length > 20 ? `, ... (${keys.length - 20} more)` : '');
}
