// `roi-ops explain`: draws what roiPool or roiAlign does to one box on a small map, as an
// SVG (or prints the description with --json). The drawing is lib/explain's; this module
// only reads the command line and the map file. Option values the operators validate
// (mode, bins, sampling ratio, sizes) are passed through, so the command refuses exactly
// what the API refuses, with the API's own message.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import {
  articleFigure,
  explainFigure,
  renderSvg,
  type AlignMode,
  type ExplainFigure,
  type ExplainMap,
  type ExplainRequest,
  type RoiPoolRequest,
} from '../explain/index.js';

export const explainHelp = `Usage: roi-ops explain --op roiPool|roiAlign --input MAP.json --box x1,y1,x2,y2 [options]
       roi-ops explain --example article [--output FILE.svg] [--json]

Draws what an operator does to one box on a small single-channel map, as a standalone SVG:
the map with its values, the box before and after scaling and rounding, the bins, the
sampling points (roiAlign), the pixel each max came from, and the output. The output and
the argmax are the kernel's (the public API); the geometry is the JavaScript backend's own
code (lib/reference), not a second implementation.

Options:
  --op NAME             roiPool or roiAlign
  --input FILE          the map: a JSON 2-D array [[v, ...], ...], at most 32x32
  --box x1,y1,x2,y2     the box in image coordinates
  --spatial-scale S     multiplies the box (default 1; a fraction such as 1/16 is accepted)
  --output-size HxW     output bins, e.g. 2x2, 3x4, or 7 for 7x7 (default 2x2)
  --bins MODE           roiPool: overlap (default, torchvision), split, or both side by side
  --sampling-ratio N    roiAlign: samples per bin along each axis, <= 0 adaptive (default -1)
  --aligned             roiAlign: shift the box by -0.5 pixel (pixel-centre model)
  --mode MODE           roiAlign: avg (default), max or onnx-max
  --example article     the deepsense.ai article's 8x8 example, overlap and split side by
                        side, checked against the golden files of the test suite
  --output FILE         write the SVG (or JSON) to FILE instead of standard output
  --json                print the description that the SVG is drawn from, as JSON
  -h, --help            show this help

PNG is not offered: roi-ops would need a rasterizer of its own, and adds no dependency for
one. Convert the SVG with any tool you have (rsvg-convert, Inkscape, a browser).

Exit status: 0 on success, 1 if the article example disagrees with its golden files (or the
output cannot be written), 2 for a usage error (including options the operator refuses).`;

/** A wrong command line: exit status 2. */
class UsageError extends Error {}

/** Where the command writes; the tests pass their own. */
export interface ExplainIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: ExplainIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const options = {
  help: { type: 'boolean', short: 'h' },
  op: { type: 'string' },
  input: { type: 'string' },
  box: { type: 'string' },
  'spatial-scale': { type: 'string' },
  'output-size': { type: 'string' },
  bins: { type: 'string' },
  'sampling-ratio': { type: 'string' },
  aligned: { type: 'boolean' },
  mode: { type: 'string' },
  example: { type: 'string' },
  output: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

const roiPoolOnly = ['bins'] as const;
const roiAlignOnly = ['sampling-ratio', 'aligned', 'mode'] as const;
const mapOptions = ['op', 'input', 'box', 'spatial-scale', 'output-size', ...roiPoolOnly, ...roiAlignOnly] as const;

/** A number as typed on a command line: a decimal, or a fraction a/b (1/16 for stride 16). */
function readNumber(option: string, textValue: string): number {
  const fraction = /^([^/]+)\/([^/]+)$/.exec(textValue);
  const value = fraction ? Number(fraction[1]) / Number(fraction[2]) : Number(textValue);
  if (textValue.trim() === '' || !Number.isFinite(value)) {
    throw new UsageError(`roi-ops explain: expected a number for --${option} but received ${JSON.stringify(textValue)}`);
  }
  return value;
}

function readBox(textValue: string): [number, number, number, number] {
  const parts = textValue.split(',');
  const numbers = parts.map((part) => (part.trim() === '' ? NaN : Number(part)));
  if (parts.length !== 4 || !numbers.every(Number.isFinite)) {
    throw new UsageError(`roi-ops explain: expected four numbers x1,y1,x2,y2 for --box but received ${JSON.stringify(textValue)}`);
  }
  return numbers as [number, number, number, number];
}

function readOutputSize(textValue: string): [number, number] {
  const match = /^(\d+)(?:x(\d+))?$/.exec(textValue);
  if (!match) throw new UsageError(`roi-ops explain: expected HxW (for example 2x2) or N for --output-size but received ${JSON.stringify(textValue)}`);
  const height = Number(match[1]);
  return [height, match[2] === undefined ? height : Number(match[2])];
}

function readInteger(option: string, textValue: string): number {
  if (!/^-?\d+$/.test(textValue)) throw new UsageError(`roi-ops explain: expected an integer for --${option} but received ${JSON.stringify(textValue)}`);
  return Number(textValue);
}

/** The map file: a JSON array of equally long rows of numbers. */
function readMap(file: string): ExplainMap {
  if (file.endsWith('.npy')) throw new UsageError(`roi-ops explain: --input ${file}: only JSON maps ([[v, ...], ...]) are read`);
  let rows: unknown;
  try {
    rows = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`roi-ops explain: --input ${file}: ${(error as Error).message}`);
  }
  const width = Array.isArray(rows) && Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : 0;
  const valid =
    Array.isArray(rows) &&
    width > 0 &&
    rows.every((row) => Array.isArray(row) && row.length === width && row.every((v) => typeof v === 'number'));
  if (!valid) throw new UsageError(`roi-ops explain: --input ${file}: expected a 2-D JSON array of numbers, rows of equal length`);
  const grid = rows as number[][];
  return { height: grid.length, width, values: grid.flat() };
}

function requests(values: Values): ExplainRequest[] {
  const op = values.op;
  if (op === undefined) throw new UsageError('roi-ops explain: missing --op (roiPool or roiAlign), or pass --example article');
  if (op !== 'roiPool' && op !== 'roiAlign') throw new UsageError(`roi-ops explain: unknown op ${JSON.stringify(op)}; expected roiPool or roiAlign`);
  const foreign = (op === 'roiPool' ? roiAlignOnly : roiPoolOnly).find((name) => values[name] !== undefined);
  if (foreign) throw new UsageError(`roi-ops explain: --${foreign} does not apply to ${op}`);
  if (values.input === undefined) throw new UsageError('roi-ops explain: missing --input FILE (a JSON 2-D array)');
  if (values.box === undefined) throw new UsageError('roi-ops explain: missing --box x1,y1,x2,y2');
  const common = {
    map: readMap(values.input),
    box: readBox(values.box),
    outputSize: readOutputSize(values['output-size'] ?? '2x2'),
    spatialScale: values['spatial-scale'] === undefined ? 1 : readNumber('spatial-scale', values['spatial-scale']),
  };
  if (op === 'roiAlign') {
    return [
      {
        op,
        ...common,
        samplingRatio: values['sampling-ratio'] === undefined ? -1 : readInteger('sampling-ratio', values['sampling-ratio']),
        aligned: values.aligned ?? false,
        // Unchecked here on purpose: roiAlignSync refuses an unknown mode with its own message.
        mode: (values.mode ?? 'avg') as AlignMode,
      },
    ];
  }
  const bins = values.bins ?? 'overlap';
  // 'both' is the command's; any other value goes to roiPoolSync, which names the valid ones.
  return (bins === 'both' ? ['overlap', 'split'] : [bins]).map((b) => ({ op, ...common, bins: b as RoiPoolRequest['bins'] }));
}

function figureFor(values: Values): ExplainFigure {
  if (values.example === undefined) return explainFigure(requests(values));
  if (values.example !== 'article') throw new UsageError(`roi-ops explain: unknown example ${JSON.stringify(values.example)}; expected article`);
  const extra = mapOptions.find((name) => values[name] !== undefined);
  if (extra) throw new UsageError(`roi-ops explain: --example article takes no --${extra} (its map, box and options are the golden files')`);
  return articleFigure();
}

function run(argv: string[], io: ExplainIo): number {
  let values: Values;
  try {
    ({ values } = parseArgs({ args: argv, options, allowPositionals: false, strict: true }));
  } catch (error) {
    // parseArgs names the option ("Unknown option '--x'"); keep its words.
    throw new UsageError(`roi-ops explain: ${(error as Error).message}`);
  }
  if (values.help) {
    io.stdout(`${explainHelp}\n`);
    return 0;
  }
  let figure: ExplainFigure;
  try {
    figure = figureFor(values);
  } catch (error) {
    // The operators' TypeErrors and RangeErrors (an outputSize of 0, an unknown mode, a box
    // needing too many samples) are about what was typed here: usage errors.
    // lib/explain's own refusals start with "explain: ", which this prefix already says.
    if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(`roi-ops explain: ${error.message.replace(/^explain: /, '')}`);
    throw error;
  }
  const document = values.json ? `${JSON.stringify(figure, null, 2)}\n` : renderSvg(figure);
  if (values.output === undefined) io.stdout(document);
  else writeFileSync(values.output, document);
  const failed = (figure.checks ?? []).filter((c) => !c.outputMatches || !c.argmaxMatches);
  for (const c of failed) io.stderr(`roi-ops explain: the kernel's output or argmax differs from ${c.file}\n`);
  return failed.length > 0 ? 1 : 0;
}

/** Runs `roi-ops explain` with the arguments after the command name; resolves to the exit status. */
export async function explainCommand(argv: string[], io: ExplainIo = processIo): Promise<number> {
  try {
    return run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n(roi-ops explain --help lists the options)\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`${message.startsWith('roi-ops') ? message : `roi-ops explain: ${message}`}\n`);
    return 1;
  }
}
