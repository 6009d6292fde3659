// Box files for the command line: a [K, 4|5|6] float array as .npy, JSON rows or CSV rows.
// Rows are (x1, y1, x2, y2), (batchIndex, x1, y1, x2, y2) or a rotated box's six values; which
// one is the operator's to decide, so here only the column count is checked. Values the
// library can judge (NaN, infinities, a batch index that is not an integer) are passed on as
// written, in float64, for it to judge before it narrows them to float32: it refuses such a row
// naming it, or pools it to zeros under `invalidBoxes: 'zero'` (docs/api.md "Bad input").
import { constants as bufferConstants } from 'node:buffer';
import { extname } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';

import { formatShape, widenHalf } from '../../lib/internal.js';
import { decodeFloat64 } from './elements.js';
import { failer, readFileBytes, type ReadFileOptions } from './file-error.js';
import { parseJsonText } from './json-text.js';
import { npyLayout, parseNpy } from './npy.js';
import { printable } from '../printable.js';
import { describeJson, quote } from './quote.js';

export interface BoxesFile {
  /**
   * float32 as a float32 .npy stores it (read without another copy) or a float16 .npy widens
   * to, or float64 as the file wrote it (JSON, CSV, a float64 .npy); boxesArgument() hands
   * either to the library.
   */
  data: Float32Array | Float64Array;
  shape: [number, number];
  /** Lossy conversions made on the way in, each starting with the file name (none today). */
  notices: string[];
}

const allowedColumns = [4, 5, 6];

/**
 * Reads boxes from `path` by its extension: `.npy` (float32 or float64, 2-d), `.json` (an
 * array of rows, or {"boxes": rows}) or `.csv` (rows of numbers, an optional header line).
 * No rows give [0, 5] (with a batch index, it suits every batch size), or [0, columns] when a
 * CSV header names the columns.
 */
export async function readBoxesFile(path: string, options: ReadFileOptions = {}): Promise<BoxesFile> {
  const extension = extname(path).toLowerCase();
  const fail = failer(path);
  if (extension !== '.npy' && extension !== '.json' && extension !== '.csv') {
    fail(`unknown boxes file type ${quote(extension)}; expected .npy, .json or .csv`);
  }
  const bytes = await readFileBytes(path, options);
  if (extension === '.npy') return parseBoxesNpy(bytes, path);
  if (extension === '.json') {
    // A text longer than a string can be is refused here, not by a RangeError from the decoder.
    // (A CSV is decoded a chunk at a time, so it has no such limit.)
    if (bytes.length > bufferConstants.MAX_STRING_LENGTH) {
      fail(
        `is ${bytes.length} bytes, over the ${bufferConstants.MAX_STRING_LENGTH} characters a JSON text can hold here`,
      );
    }
    let parsed: unknown;
    try {
      parsed = await parseJsonText(new TextDecoder().decode(bytes), options.signal);
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') throw error;
      return fail(`not valid JSON (${printable((error as Error).message)})`);
    }
    const steps = boxesFromJson(parsed, path);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      await nextTurn();
      options.signal?.throwIfAborted();
    }
  }
  return readBoxesCsv(bytes, path, options.signal);
}

/** The boxes as the library takes them: a float32 tensor, or float64 rows it judges before narrowing. */
export function boxesArgument(boxes: BoxesFile): { data: Float32Array; shape: number[] } | number[][] {
  const { data, shape } = boxes;
  if (data instanceof Float32Array) return { data, shape };
  if (shape[0] === 0) return { data: new Float32Array(0), shape };
  const [rows, columns] = shape;
  // Plain loops: Array.from over a subarray per row took three times as long (2 million rows:
  // 17.9 s against 6.0 s here, on a machine under load).
  const list = new Array<number[]>(rows);
  for (let k = 0, at = 0; k < rows; k++) {
    const row = new Array<number>(columns);
    for (let j = 0; j < columns; j++) row[j] = data[at++] as number;
    list[k] = row;
  }
  return list;
}

/** Boxes from the bytes of a .npy file named `name`. */
export function parseBoxesNpy(bytes: Uint8Array, name: string): BoxesFile {
  const fail = failer(name);
  const { shape, stored, dataOffset } = npyLayout(bytes, name);
  const [rows, columns] = shape as [number, number];
  if (shape.length !== 2 || !allowedColumns.includes(columns)) {
    fail(`has shape ${formatShape(shape)}; boxes must be [K, 4], [K, 5] or [K, 6]`);
  }
  // float32 is passed as read (zero-copy); float64 and integer boxes (pixel coordinates saved
  // as int32/int64) go to the library as float64 rows, judged before it narrows them; float16
  // boxes are widened to float32, which holds every float16 value exactly.
  const data =
    stored.kind === 'float' && stored.size === 8
      ? decodeFloat64(bytes, dataOffset, rows * columns, stored.littleEndian)
      : stored.kind === 'float'
        ? (parseNpy(bytes, name).data as Float32Array)
        : stored.kind === 'float16' || stored.kind === 'bfloat16'
          ? widenHalf(parseNpy(bytes, name).data as Uint16Array, stored.kind)
          : Float64Array.from(parseNpy(bytes, name).data);
  return { data, shape: [rows, columns], notices: [] };
}

/**
 * Rows of numbers, all of one length, each named in messages by `where(number)` ("row 3",
 * "line 7"), built only for a message: a 2-million-row file builds no 2 million strings.
 */
class BoxRows {
  // A growing Float64Array, not a number[]: 12 million values of a 100 MB CSV as one array of
  // doubles, no per-element boxing, no copy at the end but the final slice.
  private values = new Float64Array(1024);
  private length = 0;
  private columns = 0;
  private first = '';
  readonly fail: (problem: string) => never;

  constructor(file: string) {
    this.fail = failer(file);
  }

  /** Starts a row of `length` values. */
  row(where: (number: number) => string, number: number, length: number): void {
    if (this.columns === 0) {
      if (!allowedColumns.includes(length)) this.fail(`${where(number)} has ${values(length)}; expected 4, 5 or 6`);
      this.columns = length;
      this.first = where(number);
    } else if (length !== this.columns) {
      this.fail(`${where(number)} has ${values(length)} but ${this.first} has ${this.columns}`);
    }
  }

  /** One value of the current row: any number, NaN and infinities included (the library judges them). */
  value(value: number): void {
    if (this.length === this.values.length) {
      const larger = new Float64Array(this.values.length * 2);
      larger.set(this.values);
      this.values = larger;
    }
    this.values[this.length++] = value;
  }

  result(): BoxesFile {
    const columns = this.columns || 5;
    return { data: this.values.slice(0, this.length), shape: [this.length / columns, columns], notices: [] };
  }
}

const rowName = (number: number) => `row ${number}`;
const lineName = (number: number) => `line ${number}`;
const headerName = (number: number) => `the header (line ${number})`;

/** What a generator of boxesFromJson's kind returns, run without pausing. */
function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

function values(count: number): string {
  return count === 1 ? '1 value' : `${count} values`;
}

/**
 * Boxes from the text of a JSON file named `name`. JSON has no NaN: null, which JSON.stringify
 * writes for NaN and the infinities, is read as NaN, an invalid value for the library to judge.
 */
export function parseBoxesJson(text: string, name: string): BoxesFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return failer(name)(`not valid JSON (${printable((error as Error).message)})`);
  }
  return runToEnd(boxesFromJson(parsed, name));
}

/** Rows of a JSON file checked between two turns of the event loop (2 million take seconds). */
const jsonRowsPerTurn = 1 << 16;

/** Boxes from the parsed JSON of a file named `name`, pausing (yield) every jsonRowsPerTurn rows. */
function* boxesFromJson(parsed: unknown, name: string): Generator<void, BoxesFile> {
  const rows = new BoxRows(name);
  const { fail } = rows;
  const expected = 'expected an array of rows [[x1, y1, x2, y2], ...] or {"boxes": rows}';
  let list = parsed;
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    // Other keys are allowed: a detector's dump may carry scores and labels too.
    if (!Object.hasOwn(parsed, 'boxes')) fail(`holds an object without "boxes"; ${expected}`);
    list = (parsed as { boxes: unknown }).boxes;
    if (!Array.isArray(list)) fail(`"boxes" is ${describeJson(list)}; ${expected}`);
  }
  if (!Array.isArray(list)) fail(`holds ${describeJson(parsed)}; ${expected}`);
  const rowList = list as unknown[];
  for (let r = 0; r < rowList.length; r++) {
    if (r % jsonRowsPerTurn === jsonRowsPerTurn - 1) yield;
    const row = rowList[r] as unknown[];
    if (!Array.isArray(row)) fail(`row ${r + 1} is ${describeJson(row)}; expected an array of 4, 5 or 6 numbers`);
    rows.row(rowName, r + 1, row.length);
    for (let c = 0; c < row.length; c++) {
      const value: unknown = row[c];
      if (value === null) rows.value(NaN);
      else if (typeof value === 'number') rows.value(value);
      else fail(`row ${r + 1} column ${c + 1} is ${describeJson(value)}; expected a number (or null for NaN)`);
    }
  }
  return rows.result();
}

// What Python's float() reads for the special values (numpy.savetxt writes nan, inf and -inf).
const special = /^[+-]?(?:nan|inf|infinity)$/i;
// A column name: a letter or underscore, then letters, digits, '_', '.', '-' or spaces.
const columnName = /^[A-Za-z_][\w .-]*$/;

/** A field without its CSV quotes ("" inside stands for one "), and without spaces around it. */
function unquote(field: string): string {
  const trimmed = field.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replaceAll('""', '"');
  }
  return trimmed;
}

// The characters of a decimal number as numpy.savetxt or a spreadsheet writes it. Made of these,
// what Number() reads is a decimal (sign, digits, point, exponent; no hexadecimal, no "Infinity",
// no spaces) and the rest is NaN. One character class is linear in the field: the former pattern,
// \d+\.?\d*, tried every split of a run of digits (44 s for a 400 KB field).
const decimalCharacters = /^[\d+\-.eE]+$/;

/** The number a CSV field holds, or undefined. */
function csvNumber(field: string): number | undefined {
  // The common case first, cheaply: Number() parses, one character class checks the grammar.
  if (decimalCharacters.test(field)) {
    const value = Number(field);
    return Number.isNaN(value) ? undefined : value;
  }
  if (special.test(field)) {
    if (/nan/i.test(field)) return NaN;
    return field.startsWith('-') ? -Infinity : Infinity;
  }
  return undefined;
}

/** The rows of a CSV file, fed one line at a time. */
class CsvBoxes {
  readonly rows: BoxRows;
  private seenFirst = false;

  constructor(private readonly name: string) {
    this.rows = new BoxRows(name);
  }

  /** Line `number` (1-based), without its line break. */
  line(text: string, number: number): void {
    if (text.trim() === '') return;
    const fields = text.split(',');
    for (let i = 0; i < fields.length; i++) fields[i] = unquote(fields[i] as string);
    if (fields.length === 1 && /[;\t]/.test(text)) {
      this.rows.fail(`line ${number} has no comma; fields are separated by commas, not semicolons or tabs`);
    }
    // The first line is a header when every field is a column name (x1, batch_index), never
    // when one is a number, nan, inf or empty: numpy.savetxt's rows (a NaN row first too) and
    // quoted numbers ("0","1",...) are rows. The header counts the columns too, so a file of
    // "x1;y1;x2;y2" is refused, not read as a header and no boxes.
    const first = !this.seenFirst;
    this.seenFirst = true;
    if (first && fields.every((field) => columnName.test(field) && !special.test(field))) {
      if (!allowedColumns.includes(fields.length)) {
        this.rows.fail(
          `line ${number} is read as a header (every field is a name) but has ${fields.length} fields; expected 4, 5 or 6 comma-separated names`,
        );
      }
      this.rows.row(headerName, number, fields.length);
      return;
    }
    this.rows.row(lineName, number, fields.length);
    fields.forEach((field, c) => {
      const value = csvNumber(field);
      if (value === undefined) {
        this.rows.fail(`line ${number} column ${c + 1} is ${quote(field)}; expected a number (or nan, inf)`);
      }
      this.rows.value(value);
    });
  }
}

/** Boxes from the text of a CSV file named `name`, all at once (the fuzz's entry point). */
export function parseBoxesCsv(text: string, name: string): BoxesFile {
  const csv = new CsvBoxes(name);
  // (A leading byte order mark, which spreadsheets write, is dropped as TextDecoder drops it.)
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((line, i) => csv.line(line.endsWith('\r') ? line.slice(0, -1) : line, i + 1));
  return csv.rows.result();
}

/** Bytes decoded and parsed per turn of the event loop: ~0.1 s of work on a slow core. */
const csvChunkBytes = 2 ** 20;

/**
 * Boxes from the bytes of a CSV file, a chunk at a time, yielding to the event loop between
 * chunks and checking `signal` there: a 100 MB file must not hold off SIGTERM for seconds.
 */
async function readBoxesCsv(bytes: Uint8Array, name: string, signal?: AbortSignal): Promise<BoxesFile> {
  const csv = new CsvBoxes(name);
  const decoder = new TextDecoder();
  let pending = '';
  let number = 0;
  for (let start = 0; start < bytes.length || start === 0; start += csvChunkBytes) {
    const end = Math.min(bytes.length, start + csvChunkBytes);
    const text = pending + decoder.decode(bytes.subarray(start, end), { stream: end < bytes.length });
    const lines = text.split('\n');
    // The last piece may be a line the next chunk completes.
    pending = end < bytes.length ? (lines.pop() as string) : '';
    for (const line of lines) csv.line(line.endsWith('\r') ? line.slice(0, -1) : line, ++number);
    if (end >= bytes.length) break;
    await nextTurn();
    signal?.throwIfAborted();
  }
  return csv.rows.result();
}
