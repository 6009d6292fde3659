// `roi-ops explain`: the description is checked against the kernel (every drawn bin gives
// the kernel's output) and against the golden files (the article example), and the SVG
// against the description (one mark per sample and per argmax, the values as text). The
// command line is the built roi-ops binary in its own process (test/helpers/cli.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { formatHelp, shortUsage } from '../../cli/args.js';
import { explainCommand } from '../../cli/explain.js';
import {
  articleFigure,
  explain,
  explainFigure,
  renderSvg,
  type ExplainPanel,
  type ExplainRequest,
  type RoiAlignPanel,
  type RoiPoolPanel,
} from '../../cli/explain/index.js';
import { numberText, shortNumberText } from '../../cli/explain/format.js';
import { ensureBuilt, root, runCli, temporaryDirectory } from '../helpers/cli.js';
import { goldenCases } from '../helpers/golden.js';

const f = Math.fround;

// A 6x7 map with distinct, irregular values (and one tie, 0.5 twice) for the general cases.
const map = {
  height: 6,
  width: 7,
  values: Array.from({ length: 42 }, (_, i) => ((i * 37) % 23) / 10 - 0.4 + (i === 30 ? 0.3 : 0)),
};

const poolRequests: ExplainRequest[] = [
  { op: 'roiPool', map, box: [0, 1, 5, 4], outputSize: 2 },
  { op: 'roiPool', map, box: [0, 1, 5, 4], outputSize: [2, 3], bins: 'split' },
  { op: 'roiPool', map, box: [1.4, 0.6, 13, 9.6], outputSize: [3, 2], spatialScale: 0.5 },
  // Off the map on the right and below: some bins are clipped, some empty.
  { op: 'roiPool', map, box: [5, 4, 12, 10], outputSize: 3 },
];

const alignRequests: ExplainRequest[] = [
  { op: 'roiAlign', map, box: [0.6, 1.2, 5.3, 4.9], outputSize: 2, samplingRatio: 2, aligned: true },
  { op: 'roiAlign', map, box: [0.6, 1.2, 5.3, 4.9], outputSize: [2, 3], samplingRatio: -1 },
  { op: 'roiAlign', map, box: [-2, -1.5, 9, 7.5], outputSize: 3, samplingRatio: 2, aligned: true, mode: 'avg' },
  { op: 'roiAlign', map, box: [1, 1, 10, 8], outputSize: 2, samplingRatio: 3, spatialScale: 0.6, mode: 'max' },
  { op: 'roiAlign', map, box: [-1, 1.2, 5.3, 6.5], outputSize: [2, 3], mode: 'onnx-max' },
  { op: 'roiAlign', map, box: [0, 0, 3, 3], outputSize: 1, samplingRatio: 2, aligned: true, mode: 'max' },
];

/** The sum of the drawn samples in the kernel's order and float32 arithmetic, over their count. */
function meanOfSamples(values: number[]): number {
  let sum = 0;
  for (const v of values) sum = f(sum + v);
  return values.length === 0 ? 0 : f(sum / values.length);
}

describe('explain(): the drawn numbers give the kernel output', () => {
  it.each(poolRequests.map((r, i) => [i, r] as const))(
    'roiPool case %i: the value at the drawn argmax cell is the output',
    (_, request) => {
      const panel = explain(request) as RoiPoolPanel;
      const [PH, PW] = panel.outputSize;
      expect(panel.bins).toHaveLength(PH * PW);
      for (const bin of panel.bins) {
        expect(bin.value).toBe(panel.output[bin.row * PW + bin.column]);
        if (bin.from === null) {
          expect(bin.argmax).toBe(-1);
          expect(bin.value).toBe(0); // only empty bins here (no NaN in the map)
          expect(bin.rows[1] <= bin.rows[0] || bin.columns[1] <= bin.columns[0]).toBe(true);
          continue;
        }
        const [row, column] = bin.from;
        expect(row * map.width + column).toBe(bin.argmax);
        expect(panel.map.values[bin.argmax]).toBe(bin.value);
        // The drawn cell lies in the drawn bin.
        expect(row >= bin.rows[0] && row < bin.rows[1] && column >= bin.columns[0] && column < bin.columns[1]).toBe(
          true,
        );
      }
    },
  );

  it('roiPool: the off-map case has clipped and empty bins', () => {
    const panel = explain(poolRequests[3] as ExplainRequest) as RoiPoolPanel;
    expect(panel.bins.some((b) => b.from === null)).toBe(true);
    expect(panel.bins.some((b) => b.from !== null)).toBe(true);
    expect(Math.max(...panel.bins.map((b) => b.rows[1]))).toBeLessThanOrEqual(map.height);
  });

  it.each(alignRequests.map((r, i) => [i, r] as const))(
    'roiAlign case %i: the drawn samples pool to the output',
    (_, request) => {
      const panel = explain(request) as RoiAlignPanel;
      const [PH, PW] = panel.outputSize;
      const [gh, gw] = panel.grid;
      for (const bin of panel.bins) {
        expect(bin.value).toBe(panel.output[bin.row * PW + bin.column]);
        expect(bin.samples).toHaveLength(gh * gw);
        const values = bin.samples.map((s) => s.value);
        for (const s of bin.samples) {
          // A sample lies in its bin, and a sample outside the map has no taps and is worth 0.
          expect(s.y >= bin.y[0] && s.y <= bin.y[1] && s.x >= bin.x[0] && s.x <= bin.x[1]).toBe(true);
          if (!s.inside) expect([s.taps.length, s.value]).toEqual([0, 0]);
          else expect(s.taps).toHaveLength(4);
        }
        if (panel.options.mode === 'avg') {
          expect(meanOfSamples(values)).toBe(bin.value);
          expect(bin.winner).toBe(-1);
        } else {
          expect(values[bin.winner]).toBe(bin.value);
          expect(Math.max(...values)).toBe(bin.value);
        }
        if (panel.options.mode === 'onnx-max') {
          const tap = bin.samples[bin.winner]?.taps[bin.winnerCorner];
          expect(tap).toBeDefined();
          const pixel = panel.map.values[(tap?.row as number) * map.width + (tap?.column as number)] as number;
          expect(f((tap?.weight as number) * pixel)).toBe(bin.value);
        }
        if (panel.options.mode === 'avg' || panel.options.mode === 'max') {
          // A sample's value is its bilinear value: the weighted sum of its drawn taps.
          for (const s of bin.samples.filter((x) => x.inside)) {
            const weighted = s.taps.map((t) =>
              f(t.weight * (panel.map.values[t.row * map.width + t.column] as number)),
            );
            expect(
              f(f(f(weighted[0] as number) + (weighted[1] as number)) + (weighted[2] as number)) +
                (weighted[3] as number),
            ).toBeCloseTo(s.value, 6);
          }
        }
      }
      expect(PH * PW).toBe(panel.bins.length);
    },
  );

  it('roiAlign: the bilinear sample and 4x4 map numbers (the [-1, 0] snap) through the description', () => {
    const panel = explain({
      op: 'roiAlign',
      map: { height: 4, width: 4, values: Array.from({ length: 16 }, (_, i) => i) },
      box: [0, 0, 2, 2],
      outputSize: 2,
      samplingRatio: 2,
      aligned: true,
    });
    expect(panel.output).toEqual([0.625, 1.5, 4.125, 5]);
    expect(panel.bins[0]?.samples.map((s) => [s.y, s.x, s.value])).toEqual([
      [-0.25, -0.25, 0],
      [-0.25, 0.25, 0.25],
      [0.25, -0.25, 1],
      [0.25, 0.25, 1.25],
    ]);
    expect(panel.region).toEqual({ x1: -0.5, y1: -0.5, x2: 1.5, y2: 1.5 });
  });

  it('refuses what it cannot draw, naming the limit', () => {
    const big = { height: 40, width: 4, values: new Array(160).fill(0) };
    expect(() => explain({ op: 'roiPool', map: big, box: [0, 0, 1, 1], outputSize: 2 })).toThrow(
      'explain: expected an integer in [1, 32] for map.height but received 40 (number)',
    );
    expect(() =>
      explain({ op: 'roiPool', map: { height: 2, width: 2, values: [1, 2, 3] }, box: [0, 0, 1, 1], outputSize: 2 }),
    ).toThrow('explain: map.values has 3 values, a 2x2 map needs 4');
    expect(() => explain({ op: 'roiAlign', map, box: [0, 0, 500, 500], outputSize: 4 })).toThrow(
      'explain: 4x4 bins of 125x125 samples are too many to draw (at most 4096); pass a smaller samplingRatio',
    );
    expect(() => explain({ op: 'roiPool', map, box: [0, 0, 1, 1], outputSize: 0 })).toThrow(RangeError);
  });
});

describe('the article example', () => {
  const figure = articleFigure();
  const golden = Object.fromEntries(goldenCases(['example_deepsense']).map((c) => [c.name, c]));

  it('reproduces both golden files: output and argmax', () => {
    const [overlap, split] = figure.panels as [RoiPoolPanel, RoiPoolPanel];
    expect(overlap.options.bins).toBe('overlap');
    expect(split.options.bins).toBe('split');
    for (const [panel, name] of [
      [overlap, 'example_deepsense_roi_pool'],
      [split, 'example_deepsense_split'],
    ] as const) {
      const c = golden[name];
      expect(c).toBeDefined();
      expect(panel.output).toEqual(Array.from(c?.expected.data ?? []));
      expect(panel.bins.map((b) => b.argmax)).toEqual(Array.from(c?.expectedArgmax?.data ?? []));
      expect(panel.map.values).toEqual(Array.from(c?.input.data ?? []));
      expect(panel.box).toEqual({ x1: 0, y1: 3, x2: 6, y2: 7 });
    }
    // docs/semantics.md "The deepsense.ai 8×8 example", in words: torchvision 0.85 0.96 / 0.97 0.96, the article 0.85 0.84 / 0.97 0.96.
    expect(overlap.output).toEqual([0.85, 0.96, 0.97, 0.96].map(f));
    expect(split.output).toEqual([0.85, 0.84, 0.97, 0.96].map(f));
    expect(overlap.bins.map((b) => b.argmax)).toEqual([24, 46, 58, 46]);
    expect(split.bins.map((b) => b.argmax)).toEqual([24, 27, 58, 46]);
    expect(figure.checks?.every((c) => c.outputMatches && c.argmaxMatches)).toBe(true);
  });

  it('draws the overlap: neighbouring bins share row 5 and column 3, the split bins do not', () => {
    const [overlap, split] = figure.panels as [RoiPoolPanel, RoiPoolPanel];
    expect(overlap.bins.map((b) => [b.rows, b.columns])).toEqual([
      [
        [3, 6],
        [0, 4],
      ],
      [
        [3, 6],
        [3, 7],
      ],
      [
        [5, 8],
        [0, 4],
      ],
      [
        [5, 8],
        [3, 7],
      ],
    ]);
    expect(split.bins.map((b) => [b.rows, b.columns])).toEqual([
      [
        [3, 5],
        [0, 3],
      ],
      [
        [3, 5],
        [3, 7],
      ],
      [
        [5, 8],
        [0, 3],
      ],
      [
        [5, 8],
        [3, 7],
      ],
    ]);
  });

  it('the committed docs/explain-article.svg is what the renderer draws now', () => {
    // Regenerate with: npx tsup && node dist/cli.js explain --example article --output docs/explain-article.svg
    expect(readFileSync(join(root, 'docs', 'explain-article.svg'), 'utf8')).toBe(renderSvg(figure));
  });
});

describe('numbers in the picture', () => {
  it('are the shortest decimal of the float32, shortened only to fit a cell', () => {
    expect([f(0.85), f(0.1), 1 / 3, -2.5, -0, 1e-7, NaN, -Infinity, -1e-7].map(numberText)).toEqual([
      '0.85',
      '0.1',
      '0.33333333',
      '−2.5',
      '0',
      '1e-7',
      'NaN',
      '−∞',
      '−1e-7',
    ]);
    expect(shortNumberText(f(0.6063752), 7)).toBe('0.6064');
    expect(shortNumberText(1.00523, 4)).toBe('1.01');
    expect(shortNumberText(-2.9826, 4)).toBe('−3');
    expect(shortNumberText(f(0.85), 4)).toBe('0.85');
  });
});

// ---------------------------------------------------------------------------------------
// The SVG

/** A minimal well-formedness check: one root, every tag closed in order, entities escaped, quoted attributes. */
function checkXml(svg: string): void {
  const body = svg.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const tagPattern = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let match = tagPattern.exec(body); match; match = tagPattern.exec(body)) {
    const between = body.slice(last, match.index);
    expect(between, `stray markup before ${match[0]}`).not.toMatch(/[<>]/);
    expect(between).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
    last = match.index + match[0].length;
    const [, closing, name, , selfClosing] = match;
    if (closing) {
      expect(stack.pop(), `</${name}> closes the wrong element`).toBe(name);
    } else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name as string);
    } else if (stack.length === 0) {
      roots++;
    }
  }
  expect(body.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  expect(body.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
}

const count = (svg: string, pattern: RegExp) => (svg.match(pattern) ?? []).length;

/** The texts of elements with class `name`, in document order. */
function classTexts(svg: string, name: string): string[] {
  return [...svg.matchAll(new RegExp(`<text class="${name}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1] as string);
}

describe('renderSvg', () => {
  it('the article figure: well-formed, standalone, its outputs as text, one outline per argmax', () => {
    const figure = articleFigure();
    const svg = renderSvg(figure);
    checkXml(svg);
    expect(svg).not.toMatch(/<script|<image|<style|@import|href=|url\((?!#)/);
    expect(classTexts(svg, 'output-value')).toEqual(['0.85', '0.96', '0.97', '0.96', '0.85', '0.84', '0.97', '0.96']);
    const argmax = [...svg.matchAll(/class="argmax" data-bin="(\d,\d)" data-cell="(\d,\d)"/g)].map(
      (m) => `${m[1]}@${m[2]}`,
    );
    expect(argmax).toEqual(['0,0@3,0', '0,1@5,6', '1,0@7,2', '1,1@5,6', '0,0@3,0', '0,1@3,3', '1,0@7,2', '1,1@5,6']);
    // The map's 64 values, twice, and the notes saying the golden files agree.
    expect(classTexts(svg, 'map-value')).toHaveLength(128);
    expect(classTexts(svg, 'map-value').slice(0, 8)).toEqual([
      '0.88',
      '0.44',
      '0.14',
      '0.16',
      '0.37',
      '0.77',
      '0.96',
      '0.27',
    ]);
    expect(classTexts(svg, 'note').filter((n) => n.includes('equal the file')).length).toBe(2);
    expect(svg).toContain('Legend');
  });

  it.each(alignRequests.map((r, i) => [i, r] as const))(
    'roiAlign case %i: one marker per sample point, a ring per max',
    (_, request) => {
      const panel = explain(request) as RoiAlignPanel;
      const svg = renderSvg({ title: 'test', notes: [], panels: [panel] });
      checkXml(svg);
      const [PH, PW] = panel.outputSize;
      const [gh, gw] = panel.grid;
      expect(count(svg, /<circle class="sample"/g)).toBe(PH * PW * gh * gw);
      expect(count(svg, /<circle class="winner"/g)).toBe(panel.options.mode === 'avg' ? 0 : PH * PW);
      expect(count(svg, /class="argmax"/g)).toBe(panel.options.mode === 'onnx-max' ? PH * PW : 0);
      expect(classTexts(svg, 'output-value')).toHaveLength(PH * PW);
    },
  );

  it('several panels side by side get their own clip paths, and text is escaped', () => {
    const figure = explainFigure(poolRequests.slice(0, 2), 'a <title> & "quotes"');
    const svg = renderSvg(figure);
    checkXml(svg);
    expect(svg).toContain('a &lt;title&gt; &amp; &quot;quotes&quot;');
    expect(count(svg, /<clipPath id="clip-panel-\d"/g)).toBe(2);
    expect(count(svg, /<g class="panel"/g)).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------
// The command

const dir = temporaryDirectory('explain');
const file = (name: string) => join(dir, name);
const command = (...argv: string[]) => runCli(['explain', ...argv], { cwd: dir });

const rows = Array.from({ length: map.height }, (_, h) => map.values.slice(h * map.width, (h + 1) * map.width));

beforeAll(() => {
  ensureBuilt();
  writeFileSync(file('map.json'), JSON.stringify(rows));
  writeFileSync(file('ragged.json'), '[[1, 2], [3]]');
}, 120_000);

describe('roi-ops explain', () => {
  it('--example article prints the SVG and exits 0', () => {
    const result = command('--example', 'article');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(renderSvg(articleFigure()));
  });

  it('--example article --json prints the article figure', () => {
    const result = command('--example', 'article', '--json');
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(JSON.stringify(articleFigure())));
  });

  it('--example article writes the SVG to --output', () => {
    const result = command('--example', 'article', '--output', 'article.svg');
    expect([result.status, result.stdout, result.stderr]).toEqual([0, '', '']);
    expect(readFileSync(file('article.svg'), 'utf8')).toBe(renderSvg(articleFigure()));
  });

  it('a map file, a box and options: the same figure as the library call', () => {
    const result = command(
      '--op',
      'roiAlign',
      '--input',
      'map.json',
      '--box',
      '0.6,1.2,5.3,4.9',
      '--output-size',
      '2x3',
      '--sampling-ratio',
      '2',
      '--aligned',
      '--mode',
      'max',
      '--json',
    );
    expect(result.status, result.stderr).toBe(0);
    const expected = explainFigure([
      {
        op: 'roiAlign',
        map: { ...map, values: rows.flat() },
        box: [0.6, 1.2, 5.3, 4.9],
        outputSize: [2, 3],
        samplingRatio: 2,
        aligned: true,
        mode: 'max',
      },
    ]);
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('--bins both draws overlap and split side by side; --spatial-scale takes a fraction', () => {
    const result = command(
      '--op',
      'roiPool',
      '--input',
      'map.json',
      '--box',
      '0,16,80,64',
      '--spatial-scale',
      '1/16',
      '--bins',
      'both',
      '--json',
    );
    expect(result.status, result.stderr).toBe(0);
    const figure = JSON.parse(result.stdout) as { panels: ExplainPanel[] };
    expect(figure.panels.map((p) => (p as RoiPoolPanel).options.bins)).toEqual(['overlap', 'split']);
    expect(figure.panels.map((p) => p.options.spatialScale)).toEqual([0.0625, 0.0625]);
    expect((figure.panels[0] as RoiPoolPanel).roundedBox).toEqual({ x1: 0, y1: 1, x2: 5, y2: 4 });
  });

  it('--help prints the help, which shows an example and says PNG is not offered', () => {
    const result = command('--help');
    expect([result.status, result.stdout, result.stderr]).toEqual([0, `${formatHelp(explainCommand)}\n`, '']);
    expect(result.stdout).toContain('PNG is not offered');
    expect(result.stdout).toContain('\nExamples:\n  roi-ops explain --example article');
  });

  it('roi-ops --help lists it', () => {
    const result = runCli(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\n {2}explain +draw what roiPool or roiAlign does/);
  });

  it.each([
    [
      ['--op', 'roiPol', '--input', 'm.json', '--box', '0,0,1,1'],
      'roi-ops explain: expected one of roiPool, roiAlign for --op but received "roiPol"',
    ],
    [
      ['--op', 'roiPooling', '--input', 'map.json', '--box', '0,0,1,1'],
      'roi-ops explain: expected one of roiPool, roiAlign for --op but received "roiPooling"',
    ],
    [
      ['--op', 'roiPool', '--input', 'map.json', '--box', '0,0,2'],
      'roi-ops explain: expected 4 comma-separated numbers x1,y1,x2,y2 for --box but received "0,0,2"',
    ],
    [
      ['--op', 'roiPool', '--input', 'map.json', '--box', '0,0,a,2'],
      'roi-ops explain: expected 4 comma-separated numbers x1,y1,x2,y2 for --box but received "0,0,a,2"',
    ],
    [['--op', 'roiPool', '--input', 'map.json'], 'roi-ops explain: missing --box x1,y1,x2,y2'],
    [
      ['--input', 'map.json', '--box', '0,0,1,1'],
      'roi-ops explain: missing --op (roiPool or roiAlign), or pass --example article',
    ],
    [
      ['--op', 'roiPool', '--input', 'map.json', '--box', '0,0,1,1', '--mode', 'max'],
      'roi-ops explain: --mode does not apply to roiPool',
    ],
    [
      ['--op', 'roiAlign', '--input', 'map.json', '--box', '0,0,1,1', '--bins', 'split'],
      'roi-ops explain: --bins does not apply to roiAlign',
    ],
    [
      ['--op', 'roiPool', '--input', 'map.json', '--box', '0,0,1,1', '--output-size', '2by2'],
      'roi-ops explain: expected a size N or HxW (like 7 or 7x7) for --output-size but received "2by2"',
    ],
    [
      ['--op', 'roiPool', '--input', 'map.json', '--box', '0,0,1,1', '--output-size', '0'],
      'roi-ops explain: roiPoolSync: expected an integer >= 1 for options.outputSize but received 0 (number)',
    ],
    [
      ['--op', 'roiAlign', '--input', 'map.json', '--box', '0,0,1,1', '--mode', 'mean'],
      "roi-ops explain: roiAlignSync: expected one of 'avg', 'max', 'onnx-max' for options.mode but received \"mean\" (string)",
    ],
    [
      ['--op', 'roiAlign', '--input', 'map.json', '--box', '0,0,1,1', '--sampling-ratio', '1.5'],
      'roi-ops explain: roiAlignSync: expected an integer for options.samplingRatio but received 1.5 (number)',
    ],
    [
      ['--op', 'roiPool', '--input', 'map.json', '--box', '0,0,1,1', '--bins', 'disjoint'],
      'roi-ops explain: expected one of overlap, split, both for --bins but received "disjoint"',
    ],
    [
      ['--op', 'roiPool', '--input', 'map.json', '--box', '0,0,1,1', '--spatial-scale', 'x'],
      'roi-ops explain: expected a number (like 0.0625 or 1/16) for --spatial-scale but received "x"',
    ],
    [['--example', 'paper'], 'roi-ops explain: expected one of article for --example but received "paper"'],
    [
      ['--example', 'article', '--op', 'roiPool'],
      "roi-ops explain: --example article takes no --op (its map, box and options are the golden files')",
    ],
    [['--frobnicate'], "roi-ops explain: Unknown option '--frobnicate'"],
    [
      ['--op', 'roiPool', '--input', 'map.npy', '--box', '0,0,1,1'],
      'roi-ops explain: --input map.npy: only JSON maps ([[v, ...], ...]) are read',
    ],
    [
      ['--op', 'roiPool', '--input', 'ragged.json', '--box', '0,0,1,1'],
      'roi-ops explain: --input ragged.json: expected a 2-D JSON array of numbers, rows of equal length',
    ],
  ])('%j is a usage error (exit 2)', (argv, message) => {
    const result = command(...argv);
    expect([result.status, result.stdout]).toEqual([2, '']);
    // parseArgs adds advice to its own message ("Unknown option '--x'. To specify ..."): the message's first sentence is ours to check.
    const [first] = result.stderr.split('\n\n');
    expect(first?.startsWith(message), result.stderr).toBe(true);
    expect(first?.slice(message.length)).toMatch(/^(\..*)?$/s);
    expect(result.stderr.endsWith(`\n\n${shortUsage(explainCommand)}\n`)).toBe(true);
  });

  it('--output creates its directory; an output that cannot be written is a failure (exit 1) naming it', () => {
    const nested = join('no-such-directory', 'deeper', 'article.svg');
    const created = command('--example', 'article', '--output', nested);
    expect([created.status, created.stderr]).toEqual([0, '']);
    expect(readFileSync(file(nested), 'utf8')).toContain('<svg ');
    // A directory where the file should go.
    const result = command('--example', 'article', '--output', 'no-such-directory');
    expect([result.status, result.stdout]).toEqual([1, '']);
    expect(result.stderr).toBe('roi-ops explain: cannot write --output no-such-directory (EISDIR)\n');
  });
});
