// `roi-ops explain`: draws what roiPool or roiAlign does to one box on a small map, as an
// SVG (or prints the description with --json). The drawing is cli/explain's; this module
// only reads the command line and the map file. Option values the operators validate
// (mode, sizes, sampling ratio) are passed through, so the command refuses exactly what the
// API refuses, with the API's own message, as a usage error.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import {
  articleFigure,
  explainFigure,
  renderSvg,
  type AlignMode,
  type ExplainFigure,
  type ExplainMap,
  type ExplainRequest,
  type RoiPoolRequest,
} from './explain/index.js';
import { parseValue, stringValue } from './args.js';
import { exitStatus, UsageError, type Command, type OptionSpecs, type ParsedCommandLine } from './command.js';

type Values = ParsedCommandLine['values'];

const readOp = parseValue.choice(['roiPool', 'roiAlign'] as const);
// 'both' is the command's own: overlap and split side by side.
const readBins = parseValue.choice(['overlap', 'split', 'both'] as const);
const readExample = parseValue.choice(['article'] as const);
const readBox = parseValue.numberTuple(['x1', 'y1', 'x2', 'y2']);

const options: OptionSpecs = {
  op: { type: 'string', value: 'NAME', help: 'roiPool or roiAlign' },
  input: { type: 'string', value: 'FILE', help: 'the map: a JSON 2-D array [[v, ...], ...], at most 32x32' },
  box: { type: 'string', value: 'x1,y1,x2,y2', help: 'the box in image coordinates' },
  'spatial-scale': {
    type: 'string',
    value: 'S',
    help: 'multiplies the box (default 1; a fraction such as 1/16 is accepted)',
  },
  'output-size': { type: 'string', value: 'HxW', help: 'output bins, e.g. 2x2, 3x4, or 7 for 7x7 (default 2x2)' },
  bins: { type: 'string', value: 'KIND', help: 'roiPool: overlap (default, torchvision), split, or both side by side' },
  'sampling-ratio': {
    type: 'string',
    value: 'N',
    help: 'roiAlign: samples per bin along each axis, <= 0 adaptive (default -1)',
  },
  aligned: { type: 'boolean', help: 'roiAlign: shift the box by -0.5 pixel (pixel-centre model)' },
  mode: { type: 'string', value: 'MODE', help: 'roiAlign: avg (default), max or onnx-max' },
  example: {
    type: 'string',
    value: 'NAME',
    help: "article: the deepsense.ai article's 8x8 example, overlap and split side by\nside, checked against the golden files of the test suite",
  },
  output: { type: 'string', value: 'FILE', help: 'write the SVG (or JSON) to FILE instead of standard output' },
};

const roiPoolOnly = ['bins'] as const;
const roiAlignOnly = ['sampling-ratio', 'aligned', 'mode'] as const;
const mapOptions = ['op', 'input', 'box', 'spatial-scale', 'output-size', ...roiPoolOnly, ...roiAlignOnly] as const;

/** The map file: a JSON array of equally long rows of numbers. */
function readMap(file: string): ExplainMap {
  if (file.endsWith('.npy')) throw new UsageError(`--input ${file}: only JSON maps ([[v, ...], ...]) are read`);
  let rows: unknown;
  try {
    rows = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--input ${file}: ${(error as Error).message}`);
  }
  const width = Array.isArray(rows) && Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : 0;
  const valid =
    Array.isArray(rows) &&
    width > 0 &&
    rows.every((row) => Array.isArray(row) && row.length === width && row.every((v) => typeof v === 'number'));
  if (!valid) throw new UsageError(`--input ${file}: expected a 2-D JSON array of numbers, rows of equal length`);
  const grid = rows as number[][];
  return { height: grid.length, width, values: grid.flat() };
}

/** The value of `name` read by `parse`, or `fallback` when the option is not given. */
function option<T>(values: Values, name: string, parse: (flag: string, text: string) => T, fallback: T): T {
  const text = stringValue(values, name);
  return text === undefined ? fallback : parse(name, text);
}

function requests(values: Values): ExplainRequest[] {
  const opText = stringValue(values, 'op');
  if (opText === undefined) throw new UsageError('missing --op (roiPool or roiAlign), or pass --example article');
  const op = readOp('op', opText);
  const foreign = (op === 'roiPool' ? roiAlignOnly : roiPoolOnly).find((name) => values[name] !== undefined);
  if (foreign) throw new UsageError(`--${foreign} does not apply to ${op}`);
  const input = stringValue(values, 'input');
  if (input === undefined) throw new UsageError('missing --input FILE (a JSON 2-D array)');
  const box = stringValue(values, 'box');
  if (box === undefined) throw new UsageError('missing --box x1,y1,x2,y2');
  const common = {
    map: readMap(input),
    box: readBox('box', box) as [number, number, number, number],
    outputSize: option(values, 'output-size', parseValue.size, 2),
    spatialScale: option(values, 'spatial-scale', parseValue.number, 1),
  };
  if (op === 'roiAlign') {
    return [
      {
        op,
        ...common,
        // Whether it is an integer is roiAlignSync's to say, as for roi-ops pool.
        samplingRatio: option(values, 'sampling-ratio', parseValue.number, -1),
        aligned: values.aligned === true,
        // Unchecked here on purpose: roiAlignSync refuses an unknown mode with its own message.
        mode: (stringValue(values, 'mode') ?? 'avg') as AlignMode,
      },
    ];
  }
  const bins = option(values, 'bins', readBins, 'overlap');
  return (bins === 'both' ? (['overlap', 'split'] as const) : [bins]).map((b): RoiPoolRequest => ({
    op,
    ...common,
    bins: b,
  }));
}

function figureFor(values: Values): ExplainFigure {
  const example = stringValue(values, 'example');
  if (example === undefined) return explainFigure(requests(values));
  readExample('example', example);
  const extra = mapOptions.find((name) => values[name] !== undefined);
  if (extra)
    throw new UsageError(`--example article takes no --${extra} (its map, box and options are the golden files')`);
  return articleFigure();
}

/**
 * Writes the figure to `path`, creating its directory as pool and batch do. A file that cannot
 * be written is a one-line failure naming it and the reason (the system's code), not Node's
 * raw error.
 */
function writeDocument(path: string, document: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, document);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`cannot write --output ${path} (${code})`, { cause: error });
  }
}

export const explainCommand: Command = {
  name: 'explain',
  summary: 'draw what roiPool or roiAlign does to one box on a small map, as an SVG',
  usage:
    '--op roiPool|roiAlign --input MAP.json --box x1,y1,x2,y2 [options]\n       roi-ops explain --example article [--output FILE] [--json]',
  description: [
    'Draws what an operator does to one box on a small single-channel map, as a standalone SVG:',
    'the map with its values, the box before and after scaling and rounding, the bins, the',
    'sampling points (roiAlign), the pixel each max came from, and the output. The output and',
    "the argmax are the kernel's (the public API); the geometry is the JavaScript backend's own",
    'code (lib/reference), not a second implementation.',
  ].join('\n'),
  options,
  jsonHelp: 'print the description that the SVG is drawn from, as JSON',
  positionals: { min: 0, max: 0 },
  examples: [
    'roi-ops explain --example article --output explain-article.svg',
    'roi-ops explain --op roiAlign --input map.json --box 0.6,1.2,5.3,4.9 --output-size 2x2 \\\n' +
      '      --sampling-ratio 2 --aligned --output align.svg',
    'roi-ops explain --op roiPool --input map.json --box 0,16,80,64 --spatial-scale 1/16 --bins both',
  ],
  failure: 'the article example disagrees with its golden files, or the output cannot be written',
  notes: [
    'An option value the operator refuses (an output size of 0, an unknown --mode, a box',
    "needing too many samples to draw) is a usage error too, with the library's message.",
    '',
    'PNG is not offered: roi-ops would need a rasterizer of its own, and adds no dependency for',
    'one. Convert the SVG with any tool you have (rsvg-convert, Inkscape, a browser).',
  ].join('\n'),
  async run({ values, json }) {
    let figure: ExplainFigure;
    try {
      figure = figureFor(values);
    } catch (error) {
      // The operators' TypeErrors and RangeErrors (an outputSize of 0, an unknown mode, a box
      // needing too many samples) are about what was typed here: usage errors.
      // cli/explain's own refusals start with "explain: ", which the command's prefix already says.
      if (error instanceof TypeError || error instanceof RangeError)
        throw new UsageError(error.message.replace(/^explain: /, ''));
      throw error;
    }
    const document = json ? `${JSON.stringify(figure, null, 2)}\n` : renderSvg(figure);
    const output = stringValue(values, 'output');
    if (output === undefined) process.stdout.write(document);
    else writeDocument(output, document);
    const failed = (figure.checks ?? []).filter((c) => !c.outputMatches || !c.argmaxMatches);
    for (const c of failed)
      process.stderr.write(`roi-ops explain: the kernel's output or argmax differs from ${c.file}\n`);
    return failed.length > 0 ? exitStatus.failed : exitStatus.ok;
  },
};
