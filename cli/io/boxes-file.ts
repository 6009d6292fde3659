// Box files for the command line: a [K, 4|5|6] float array as .npy, JSON rows or CSV rows.
// Rows are (x1, y1, x2, y2), (batchIndex, x1, y1, x2, y2) or a rotated box's six values; which
// one is the operator's to decide, so here only the column count is checked.
import { extname } from 'node:path';

import { describe, formatShape } from '../../lib/internal.js';
import { failer, readFileBytes, type ReadFileOptions } from './file-error.js';
import { readNpy } from './npy.js';

export interface BoxesFile {
  data: Float32Array;
  shape: [number, number];
  /** Lossy conversions made on the way in (a float64 .npy), each starting with the file name. */
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
  if (extension === '.npy') return boxesFromNpy(path, options);
  if (extension === '.json' || extension === '.csv') {
    // (TextDecoder drops a byte order mark, which spreadsheets put before a CSV's header.)
    const text = new TextDecoder().decode(await readFileBytes(path, options));
    const rows = new BoxRows(path);
    if (extension === '.json') rowsFromJson(path, text, rows);
    else rowsFromCsv(path, text, rows);
    return rows.result();
  }
  return failer(path)(`unknown boxes file type ${JSON.stringify(extension)}; expected .npy, .json or .csv`);
}

async function boxesFromNpy(path: string, options: ReadFileOptions): Promise<BoxesFile> {
  const fail = failer(path);
  const { data, shape, notices } = await readNpy(path, options);
  if (!(data instanceof Float32Array)) {
    return fail('holds integers; boxes must be float32 or float64');
  }
  const [rows, columns] = shape as [number, number];
  if (shape.length !== 2 || !allowedColumns.includes(columns)) {
    fail(`has shape ${formatShape(shape)}; boxes must be [K, 4], [K, 5] or [K, 6]`);
  }
  return { data, shape: [rows, columns], notices };
}

/** Rows of numbers, each `where` (a 1-based row or line) as it is added, all of one length. */
class BoxRows {
  private readonly values: number[] = [];
  private columns = 0;
  private first = '';
  private readonly fail: (problem: string) => never;

  constructor(file: string) {
    this.fail = failer(file);
  }

  /** Starts a row of `length` values. */
  row(where: string, length: number): void {
    if (this.columns === 0) {
      if (!allowedColumns.includes(length)) this.fail(`${where} has ${values(length)}; expected 4, 5 or 6`);
      this.columns = length;
      this.first = where;
    } else if (length !== this.columns) {
      this.fail(`${where} has ${values(length)} but ${this.first} has ${this.columns}`);
    }
  }

  /** One value of the current row; `shown` is how the file wrote it, for the message. */
  value(where: string, value: number, shown: string): void {
    if (!Number.isFinite(value)) this.fail(`${where} is ${shown}; expected a finite number`);
    if (!Number.isFinite(Math.fround(value))) this.fail(`${where} is ${shown}, beyond float32's range`);
    this.values.push(value);
  }

  result(): BoxesFile {
    const columns = this.columns || 5;
    return { data: Float32Array.from(this.values), shape: [this.values.length / columns, columns], notices: [] };
  }
}

function values(count: number): string {
  return count === 1 ? '1 value' : `${count} values`;
}

function rowsFromJson(path: string, text: string, rows: BoxRows): void {
  const fail = failer(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`not valid JSON (${(error as Error).message})`);
  }
  const expected = 'expected an array of rows [[x1, y1, x2, y2], ...] or {"boxes": rows}';
  let list = parsed;
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    // Other keys are allowed: a detector's dump may carry scores and labels too.
    if (!('boxes' in parsed)) fail(`holds an object without "boxes"; ${expected}`);
    list = (parsed as { boxes: unknown }).boxes;
    if (!Array.isArray(list)) fail(`"boxes" is ${describe(list)}; ${expected}`);
  }
  if (!Array.isArray(list)) fail(`holds ${describe(parsed)}; ${expected}`);
  (list as unknown[]).forEach((row, r) => {
    if (!Array.isArray(row)) fail(`row ${r + 1} is ${describe(row)}; expected an array of 4, 5 or 6 numbers`);
    rows.row(`row ${r + 1}`, (row as unknown[]).length);
    (row as unknown[]).forEach((value, c) => {
      const where = `row ${r + 1} column ${c + 1}`;
      if (typeof value !== 'number') fail(`${where} is ${describe(value)}; expected a finite number`);
      rows.value(where, value as number, String(value));
    });
  });
}

// A decimal number as numpy.savetxt or a spreadsheet writes it; anything else (nan, inf, 0x10,
// an empty field) is refused rather than guessed at.
const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function rowsFromCsv(path: string, text: string, rows: BoxRows): void {
  let seenFirst = false;
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const fields = line.split(',').map((field) => field.trim());
    // The first line is a header of column names when none of its fields is a number. It
    // counts the columns too, so a file of "1;2;3;4" is refused, not read as a header and no boxes.
    const isHeader = !seenFirst && !fields.some((field) => decimal.test(field));
    seenFirst = true;
    if (isHeader) {
      if (!allowedColumns.includes(fields.length)) {
        failer(path)(
          `line ${index + 1} is read as a header (no field is a number) but has ${fields.length} fields; expected 4, 5 or 6 comma-separated names`,
        );
      }
      rows.row(`the header (line ${index + 1})`, fields.length);
      return;
    }
    rows.row(`line ${index + 1}`, fields.length);
    fields.forEach((field, c) => {
      rows.value(`line ${index + 1} column ${c + 1}`, decimal.test(field) ? Number(field) : NaN, JSON.stringify(field));
    });
  });
}
