// Draws one ExplainPanel: the map with its values, the box before and after scaling and
// rounding (or the aligned shift), the bins, the argmax cells or the sample points, the
// output, and one line per bin saying how its value came about. It only places what the
// description holds: every coordinate below is one of the description's numbers.
//
// Coordinates: the kernels put pixel k's value at coordinate k (roi_pool rounds a corner
// to a pixel index; the bilinear rule reads pixel k exactly at k), so a coordinate c is
// drawn at the centre of cell c, c + 0.5 cells from the map's edge, and a pixel range
// [start, end) covers cells start..end-1.
import { numberText, pixelRangeText, shortNumberText } from './format.js';
import { tag, text, textWidth, wrapItems } from './markup.js';
import type {
  AlignBinDescription,
  Corners,
  ExplainPanel,
  PoolBinDescription,
  RoiAlignPanel,
  RoiPoolPanel,
} from './types.js';

/** Bin colours: distinguishable, dark enough for thin lines on white (Tableau 10). */
const palette = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#17becf',
  '#8c564b',
  '#e377c2',
  '#bcbd22',
  '#7f7f7f',
];
export const binColor = (index: number): string => palette[index % palette.length] as string;

export const fonts = { title: 16, line: 13, small: 11, output: 15 } as const;
const lineStep = 18;
/** Cells farther than this outside the map are not drawn (a far box or sample is clipped). */
const overhang = 3;
/** At most this many per-bin lines; the rest are in the description (--json). */
const maxBinLines = 16;
const maxLineChars = 64;

export interface DrawnPanel {
  width: number;
  height: number;
  markup: string;
}

interface View {
  /** Cell size in px. */
  cell: number;
  /** The drawn window in cells (edge units), the map being [0, W] x [0, H]. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  left: number;
  top: number;
}

const X = (v: View, edge: number) => v.left + (edge - v.x0) * v.cell;
const Y = (v: View, edge: number) => v.top + (edge - v.y0) * v.cell;

/** Where the kernel's coordinates and ranges need room: the box corners and the sample points. */
function extents(panel: ExplainPanel): { xs: number[]; ys: number[] } {
  const xs = [panel.scaledBox.x1, panel.scaledBox.x2].map((c) => c + 0.5);
  const ys = [panel.scaledBox.y1, panel.scaledBox.y2].map((c) => c + 0.5);
  if (panel.op === 'roiPool') {
    xs.push(panel.roundedBox.x1, panel.roundedBox.x2 + 1);
    ys.push(panel.roundedBox.y1, panel.roundedBox.y2 + 1);
  } else {
    xs.push(panel.region.x1 + 0.5, panel.region.x2 + 0.5);
    ys.push(panel.region.y1 + 0.5, panel.region.y2 + 0.5);
    for (const bin of panel.bins) {
      for (const s of bin.samples) {
        xs.push(s.x + 0.5);
        ys.push(s.y + 0.5);
      }
    }
  }
  return { xs, ys };
}

function view(panel: ExplainPanel, left: number, top: number): View {
  const { height: H, width: W } = panel.map;
  const cell = Math.max(32, Math.min(56, Math.floor(448 / Math.max(H, W))));
  const { xs, ys } = extents(panel);
  const finite = (values: number[]) => values.filter(Number.isFinite);
  // Whole cells, so the grid lines of the window continue the map's.
  const low = (values: number[]) => Math.max(-overhang, Math.floor(Math.min(0, ...finite(values))));
  const high = (values: number[], size: number) =>
    Math.min(size + overhang, Math.ceil(Math.max(size, ...finite(values))));
  return { cell, x0: low(xs), x1: high(xs, W), y0: low(ys), y1: high(ys, H), left, top };
}

// ---------------------------------------------------------------------------------------
// Text

/** Geometry in the header: short (float32 noise such as 0.100000024 hides the picture); exact in --json. */
const coordinate = (value: number) => shortNumberText(value, 6);
const corners = (c: Corners) => `(${[c.x1, c.y1, c.x2, c.y2].map(coordinate).join(', ')})`;

function headerLines(panel: ExplainPanel): string[] {
  const lines = [
    `box ${corners(panel.box)} × spatialScale ${numberText(panel.options.spatialScale)} = ${corners(panel.scaledBox)}`,
  ];
  if (panel.op === 'roiPool') {
    const r = panel.roundedBox;
    lines.push(`rounded (half away from zero), inclusive: columns ${r.x1}–${r.x2}, rows ${r.y1}–${r.y2}`);
    const rows = panel.bins.filter((b) => b.column === 0).map((b) => pixelRangeText(b.rows));
    const columns = panel.bins.filter((b) => b.row === 0).map((b) => pixelRangeText(b.columns));
    lines.push(...wrapItems('rows of the bins: ', rows, ' | ', maxLineChars));
    lines.push(...wrapItems('columns of the bins: ', columns, ' | ', maxLineChars));
    return lines;
  }
  const { region: g, options: o } = panel;
  const tiled = `x ${coordinate(g.x1)} to ${coordinate(g.x2)}, y ${coordinate(g.y1)} to ${coordinate(g.y2)}`;
  lines.push(
    o.aligned ? `aligned: shifted by −0.5, the bins tile ${tiled}` : `the bins tile ${tiled} (each side at least 1)`,
  );
  const size = `${coordinate(panel.binSize[1])} × ${coordinate(panel.binSize[0])}`;
  const ratio = o.samplingRatio > 0 ? `samplingRatio ${o.samplingRatio}` : 'adaptive: ceil(box / bins)';
  lines.push(`bins of ${size} pixels (w × h), ${panel.grid[0]}×${panel.grid[1]} samples each (${ratio})`);
  lines.push(
    o.mode === 'avg'
      ? "mode 'avg': each output is the mean of its bin's samples"
      : o.mode === 'max'
        ? "mode 'max': each output is its bin's largest sample"
        : "mode 'onnx-max': each output is the largest weighted corner w·v",
  );
  return lines;
}

function poolBinLine(bin: PoolBinDescription, map: RoiPoolPanel['map']): string {
  const where = `(${bin.row},${bin.column}) rows ${pixelRangeText(bin.rows)} × columns ${pixelRangeText(bin.columns)}`;
  if (bin.from === null)
    return `${where}: ${bin.rows[1] <= bin.rows[0] || bin.columns[1] <= bin.columns[0] ? 'empty bin' : 'all NaN'} → ${numberText(bin.value)}`;
  const [row, column] = bin.from;
  return `${where}: max ${numberText(map.values[bin.argmax] as number)} at (${row},${column}), index ${bin.argmax}`;
}

function alignBinLine(bin: AlignBinDescription, panel: RoiAlignPanel): string {
  const where = `(${bin.row},${bin.column})`;
  const n = bin.samples.length;
  if (n === 0) return `${where} no samples → 0`;
  const mode = panel.options.mode;
  if (mode === 'avg') {
    const terms = bin.samples.map((s) => numberText(s.value));
    const sum = n <= 4 ? `(${terms.join(' + ')}) / ${n}` : `mean of ${n} samples`;
    return `${where} ${sum} = ${numberText(bin.value)}`;
  }
  const won = bin.samples[bin.winner];
  if (!won) return `${where} no sample beat the start value → ${numberText(bin.value)}`;
  if (mode === 'max')
    return `${where} largest of ${n} samples: ${numberText(won.value)}, sample ${bin.winner + 1} at (${numberText(won.y)}, ${numberText(won.x)})`;
  const tap = won.taps[bin.winnerCorner];
  if (!tap) return `${where} largest weighted corner ${numberText(won.value)}`;
  const pixel = panel.map.values[tap.row * panel.map.width + tap.column] as number;
  return `${where} largest w·v: ${numberText(tap.weight)} × ${numberText(pixel)} at (${tap.row},${tap.column}), sample ${bin.winner + 1}`;
}

function binLines(panel: ExplainPanel): string[] {
  const lines =
    panel.op === 'roiPool'
      ? panel.bins.map((b) => poolBinLine(b, panel.map))
      : panel.bins.map((b) => alignBinLine(b, panel));
  if (lines.length <= maxBinLines) return lines;
  return [...lines.slice(0, maxBinLines), `… ${lines.length - maxBinLines} more bins in the description (--json)`];
}

// ---------------------------------------------------------------------------------------
// The map and what lies on it

/** A light grey-blue ramp, darker for larger values (t in [0, 1]): black values stay readable on it. */
export const heatColor = (t: number): string => `hsl(210, 35%, ${Math.round(98 - 26 * t)}%)`;

/**
 * The map: its cells (drawn under the bins and boxes) and its values (drawn over them, so a
 * box edge through a pixel centre passes under the digits rather than striking them out).
 */
function mapCells(panel: ExplainPanel, v: View): { cells: string[]; values: string[] } {
  const { height: H, width: W, values } = panel.map;
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const font = v.cell >= 48 ? 14 : v.cell >= 40 ? 12 : fonts.small;
  const room = Math.floor(v.cell / (font * 0.6));
  const cells: string[] = [];
  const texts: string[] = [];
  for (let h = 0; h < H; h++) {
    for (let w = 0; w < W; w++) {
      const value = values[h * W + w] as number;
      const t = Number.isFinite(value) && hi > lo ? (value - lo) / (hi - lo) : 0;
      cells.push(
        tag('rect', {
          x: X(v, w),
          y: Y(v, h),
          width: v.cell,
          height: v.cell,
          fill: heatColor(t),
          stroke: '#c8c8c8',
          'stroke-width': 0.5,
        }),
      );
      // In the cell's lower half: the centre is where box edges and sample dots land.
      texts.push(
        text(shortNumberText(value, room), {
          class: 'map-value',
          x: X(v, w + 0.5),
          y: Y(v, h + 0.5) + font * 0.95,
          'font-size': font,
          'text-anchor': 'middle',
          fill: '#222',
        }),
      );
    }
  }
  // Indices outside the drawn window (left of and above it), so a box off the map does not cover them.
  for (let w = 0; w < W; w++)
    cells.push(
      text(String(w), {
        x: X(v, w + 0.5),
        y: Y(v, v.y0) - 6,
        'font-size': fonts.small,
        'text-anchor': 'middle',
        fill: '#777',
      }),
    );
  for (let h = 0; h < H; h++)
    cells.push(
      text(String(h), {
        x: X(v, v.x0) - 6,
        y: Y(v, h + 0.5) + 4,
        'font-size': fonts.small,
        'text-anchor': 'end',
        fill: '#777',
      }),
    );
  cells.push(
    tag('rect', {
      x: X(v, 0),
      y: Y(v, 0),
      width: W * v.cell,
      height: H * v.cell,
      fill: 'none',
      stroke: '#888',
      'stroke-width': 1,
    }),
  );
  return { cells, values: texts };
}

/** A rectangle between edge coordinates, inset by `inset` px (so neighbouring outlines stay apart). */
function box(
  v: View,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  inset: number,
  attributes: Record<string, string | number>,
): string {
  const width = Math.max(0, (x1 - x0) * v.cell - 2 * inset);
  const height = Math.max(0, (y1 - y0) * v.cell - 2 * inset);
  return tag('rect', { x: X(v, x0) + inset, y: Y(v, y0) + inset, width, height, ...attributes });
}

function binRects(panel: ExplainPanel, v: View): string[] {
  const out: string[] = [];
  panel.bins.forEach((bin, index) => {
    const color = binColor(index);
    const [x0, x1, y0, y1] =
      panel.op === 'roiPool'
        ? [...(bin as PoolBinDescription).columns, ...(bin as PoolBinDescription).rows]
        : [
            (bin as AlignBinDescription).x[0] + 0.5,
            (bin as AlignBinDescription).x[1] + 0.5,
            (bin as AlignBinDescription).y[0] + 0.5,
            (bin as AlignBinDescription).y[1] + 0.5,
          ];
    const data = `${bin.row},${bin.column}`;
    out.push(
      box(v, x0 as number, y0 as number, x1 as number, y1 as number, 3, {
        class: 'bin',
        'data-bin': data,
        fill: color,
        'fill-opacity': 0.16,
        stroke: color,
        'stroke-width': 2,
      }),
    );
  });
  return out;
}

function boxOutlines(panel: ExplainPanel, v: View): string[] {
  const s = panel.scaledBox;
  const dashed = box(v, s.x1 + 0.5, s.y1 + 0.5, s.x2 + 0.5, s.y2 + 0.5, 0, {
    class: 'scaled-box',
    fill: 'none',
    stroke: '#444',
    'stroke-width': 1.5,
    'stroke-dasharray': '6 4',
  });
  const r = panel.op === 'roiPool' ? panel.roundedBox : panel.region;
  const solid =
    panel.op === 'roiPool'
      ? box(v, r.x1, r.y1, r.x2 + 1, r.y2 + 1, 0, {
          class: 'rounded-box',
          fill: 'none',
          stroke: '#111',
          'stroke-width': 2.5,
        })
      : box(v, r.x1 + 0.5, r.y1 + 0.5, r.x2 + 0.5, r.y2 + 0.5, 0, {
          class: 'region',
          fill: 'none',
          stroke: '#111',
          'stroke-width': 2.5,
        });
  return [solid, dashed];
}

/** roiPool: each bin's argmax cell, outlined in the bin's colour; a cell two bins chose gets nested outlines. */
function argmaxCells(panel: RoiPoolPanel, v: View): string[] {
  const seen = new Map<number, number>();
  const out: string[] = [];
  panel.bins.forEach((bin, index) => {
    if (bin.from === null) return;
    const [row, column] = bin.from;
    const earlier = seen.get(bin.argmax) ?? 0;
    seen.set(bin.argmax, earlier + 1);
    const color = binColor(index);
    out.push(
      box(v, column, row, column + 1, row + 1, 2 + 4.5 * earlier, {
        class: 'argmax',
        'data-bin': `${bin.row},${bin.column}`,
        'data-cell': `${row},${column}`,
        fill: 'none',
        stroke: color,
        'stroke-width': 4,
      }),
    );
  });
  return out;
}

/** roiAlign: a dot per sample (hollow when outside the map), a ring round each winner, and onnx-max's winning corner. */
function samplePoints(panel: RoiAlignPanel, v: View): string[] {
  const radius = Math.max(2.5, Math.min(4.5, v.cell * 0.09));
  const out: string[] = [];
  panel.bins.forEach((bin, index) => {
    const color = binColor(index);
    const data = `${bin.row},${bin.column}`;
    bin.samples.forEach((s, i) => {
      const at = { cx: X(v, s.x + 0.5), cy: Y(v, s.y + 0.5) };
      out.push(
        tag('circle', {
          class: 'sample',
          'data-bin': data,
          ...at,
          r: radius,
          fill: s.inside ? color : 'white',
          stroke: s.inside ? 'white' : '#777',
          'stroke-width': 1,
        }),
      );
      if (i === bin.winner)
        out.push(
          tag('circle', {
            class: 'winner',
            'data-bin': data,
            ...at,
            r: radius + 3.5,
            fill: 'none',
            stroke: '#111',
            'stroke-width': 2,
          }),
        );
    });
    const tap = bin.samples[bin.winner]?.taps[bin.winnerCorner];
    if (tap) {
      out.push(
        box(v, tap.column, tap.row, tap.column + 1, tap.row + 1, 2, {
          class: 'argmax',
          'data-bin': data,
          'data-cell': `${tap.row},${tap.column}`,
          fill: 'none',
          stroke: color,
          'stroke-width': 4,
          'stroke-dasharray': '5 3',
        }),
      );
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------
// The output

function outputNote(panel: ExplainPanel, index: number): string {
  if (panel.op === 'roiPool') {
    const from = (panel.bins[index] as PoolBinDescription).from;
    return from ? `from (${from[0]},${from[1]})` : 'no pixel';
  }
  const bin = panel.bins[index] as AlignBinDescription;
  if (panel.options.mode === 'avg') return `mean of ${bin.samples.length}`;
  return bin.winner >= 0 ? `sample ${bin.winner + 1}` : 'no sample';
}

function outputGrid(
  panel: ExplainPanel,
  left: number,
  top: number,
): { markup: string[]; width: number; height: number } {
  const [PH, PW] = panel.outputSize;
  const cell = 80;
  const out = [
    text(`output (${panel.backend} kernel)`, {
      x: left,
      y: top - 8,
      'font-size': fonts.line,
      'font-weight': 'bold',
      fill: '#222',
    }),
  ];
  for (let ph = 0; ph < PH; ph++) {
    for (let pw = 0; pw < PW; pw++) {
      const index = ph * PW + pw;
      const color = binColor(index);
      const x = left + pw * cell;
      const y = top + ph * cell;
      out.push(
        tag('rect', {
          x: x + 2,
          y: y + 2,
          width: cell - 4,
          height: cell - 4,
          fill: color,
          'fill-opacity': 0.16,
          stroke: color,
          'stroke-width': 2,
        }),
      );
      out.push(
        text(shortNumberText(panel.output[index] as number, 7), {
          class: 'output-value',
          'data-bin': `${ph},${pw}`,
          x: x + cell / 2,
          y: y + cell / 2,
          'font-size': fonts.output,
          'font-weight': 'bold',
          'text-anchor': 'middle',
          fill: '#111',
        }),
      );
      out.push(
        text(outputNote(panel, index), {
          x: x + cell / 2,
          y: y + cell / 2 + 18,
          'font-size': fonts.small,
          'text-anchor': 'middle',
          fill: '#444',
        }),
      );
    }
  }
  const width = Math.max(PW * cell, textWidth(`output (${panel.backend} kernel)`, fonts.line));
  return { markup: out, width, height: PH * cell };
}

// ---------------------------------------------------------------------------------------

/** Draws `panel` with its top-left corner at (0, 0); `id` names its clip path (unique in the figure). */
export function drawPanel(panel: ExplainPanel, id: string): DrawnPanel {
  const header = headerLines(panel);
  const out = [
    text(panel.title, { x: 0, y: fonts.title, 'font-size': fonts.title, 'font-weight': 'bold', fill: '#111' }),
  ];
  header.forEach((line, i) =>
    out.push(text(line, { x: 0, y: fonts.title + 8 + (i + 1) * lineStep, 'font-size': fonts.line, fill: '#333' })),
  );
  const gridTop = fonts.title + 8 + header.length * lineStep + 30;
  const v = view(panel, 26, gridTop);
  const mapRight = X(v, v.x1);
  const mapBottom = Y(v, v.y1);

  const grid = mapCells(panel, v);
  out.push(...grid.cells);
  const clip = `clip-${id}`;
  out.push(
    tag(
      'clipPath',
      { id: clip },
      tag('rect', { x: X(v, v.x0), y: Y(v, v.y0), width: mapRight - X(v, v.x0), height: mapBottom - Y(v, v.y0) }),
    ),
  );
  const overlay = [
    ...binRects(panel, v),
    ...boxOutlines(panel, v),
    ...(panel.op === 'roiPool' ? argmaxCells(panel, v) : []),
  ];
  out.push(tag('g', { 'clip-path': `url(#${clip})` }, overlay));
  out.push(...grid.values);
  // Sample dots go over the digits: they are the point of a roiAlign picture.
  if (panel.op === 'roiAlign') out.push(tag('g', { 'clip-path': `url(#${clip})` }, samplePoints(panel, v)));

  const output = outputGrid(panel, mapRight + 40, gridTop + 12);
  out.push(...output.markup);

  const lines = binLines(panel);
  const linesTop = Math.max(mapBottom, gridTop + 12 + output.height) + 28;
  lines.forEach((line, i) => {
    const y = linesTop + i * lineStep;
    // A swatch for each bin's line, none for the "… more bins" line.
    if (i < Math.min(panel.bins.length, maxBinLines))
      out.push(tag('rect', { x: 0, y: y - 10, width: 10, height: 10, fill: binColor(i), 'fill-opacity': 0.7 }));
    out.push(text(line, { class: 'bin-line', x: 16, y, 'font-size': fonts.line, fill: '#222' }));
  });

  const textRight = Math.max(
    textWidth(panel.title, fonts.title),
    ...header.map((l) => textWidth(l, fonts.line)),
    ...lines.map((l) => 16 + textWidth(l, fonts.line)),
  );
  return {
    width: Math.ceil(Math.max(mapRight + 40 + output.width, textRight)),
    height: Math.ceil(linesTop + (lines.length - 1) * lineStep + 8),
    markup: out.join('\n'),
  };
}
