// Turns an ExplainFigure into one standalone SVG document: panels side by side under a
// title and notes, and a legend of the marks the panels use. Standalone means nothing is
// fetched: no fonts (generic families only), no scripts, no external images or styles.
import { escapeXml, tag, text, textWidth } from './markup.js';
import { binColor, drawPanel, fonts, heatColor } from './panel.js';
import type { ExplainFigure, ExplainPanel } from './types.js';

const margin = 24;
const gap = 56;
const lineStep = 18;

interface LegendItem {
  swatch: string;
  label: string;
}

const swatchWidth = 30;

/** A swatch drawn in a 30x16 box at (x, y). */
function swatch(kind: string, x: number, y: number): string {
  const rect = (attributes: Record<string, string | number>) =>
    tag('rect', { x: x + 3, y: y + 2, width: swatchWidth - 6, height: 12, ...attributes });
  switch (kind) {
    case 'scaled':
      return rect({ fill: 'none', stroke: '#444', 'stroke-width': 1.5, 'stroke-dasharray': '6 4' });
    case 'solid':
      return rect({ fill: 'none', stroke: '#111', 'stroke-width': 2.5 });
    case 'bin':
      return rect({ fill: binColor(0), 'fill-opacity': 0.16, stroke: binColor(0), 'stroke-width': 2 });
    case 'argmax':
      return tag('rect', { x: x + 8, y, width: 16, height: 16, fill: 'none', stroke: binColor(1), 'stroke-width': 4 });
    case 'corner':
      return tag('rect', {
        x: x + 8,
        y,
        width: 16,
        height: 16,
        fill: 'none',
        stroke: binColor(1),
        'stroke-width': 4,
        'stroke-dasharray': '5 3',
      });
    case 'sample':
      return tag('circle', { cx: x + swatchWidth / 2, cy: y + 8, r: 4.5, fill: binColor(2), stroke: 'white' });
    case 'outside':
      return tag('circle', { cx: x + swatchWidth / 2, cy: y + 8, r: 4.5, fill: 'white', stroke: '#777' });
    default:
      return [
        tag('circle', { cx: x + swatchWidth / 2, cy: y + 8, r: 4.5, fill: binColor(2), stroke: 'white' }),
        tag('circle', { cx: x + swatchWidth / 2, cy: y + 8, r: 8, fill: 'none', stroke: '#111', 'stroke-width': 2 }),
      ].join('');
  }
}

/** The marks the figure's panels use, and only those. */
function legendItems(panels: ExplainPanel[]): LegendItem[] {
  const has = (test: (p: ExplainPanel) => boolean) => panels.some(test);
  const items: LegendItem[] = [
    { swatch: 'scaled', label: 'box × spatialScale (coordinate c is the centre of pixel c)' },
  ];
  if (has((p) => p.op === 'roiPool'))
    items.push({ swatch: 'solid', label: 'roiPool: the rounded box, whole pixels, inclusive' });
  if (has((p) => p.op === 'roiAlign')) items.push({ swatch: 'solid', label: 'roiAlign: the region the bins tile' });
  items.push({ swatch: 'bin', label: 'a bin; its output cell has the same colour' });
  if (has((p) => p.op === 'roiPool'))
    items.push({ swatch: 'argmax', label: "the pixel a bin's max came from (the kernel's argmax)" });
  if (has((p) => p.op === 'roiAlign')) {
    items.push({ swatch: 'sample', label: 'a sample point (bilinear, from its 4 neighbours)' });
    if (has((p) => p.op === 'roiAlign' && p.bins.some((b) => b.samples.some((s) => !s.inside)))) {
      items.push({ swatch: 'outside', label: 'a sample outside the map: worth 0' });
    }
    if (has((p) => p.op === 'roiAlign' && p.options.mode !== 'avg'))
      items.push({ swatch: 'winner', label: 'the sample a max came from' });
    if (has((p) => p.op === 'roiAlign' && p.options.mode === 'onnx-max'))
      items.push({ swatch: 'corner', label: 'onnx-max: the winning weighted corner' });
  }
  items.push({
    swatch: 'heat',
    label: 'map cells: darker for larger values; long numbers shortened (exact in --json)',
  });
  return items;
}

function heatSwatch(x: number, y: number): string {
  return [0, 0.5, 1]
    .map((t, i) =>
      tag('rect', {
        x: x + 3 + i * 8,
        y: y + 2,
        width: 8,
        height: 12,
        fill: heatColor(t),
        stroke: '#c8c8c8',
        'stroke-width': 0.5,
      }),
    )
    .join('');
}

/** Lays the legend out in rows no wider than `width`; returns its markup and height. */
function drawLegend(
  items: LegendItem[],
  left: number,
  top: number,
  width: number,
): { markup: string[]; height: number } {
  const out = [text('Legend', { x: left, y: top + 12, 'font-size': fonts.line, 'font-weight': 'bold', fill: '#222' })];
  let x = left;
  let y = top + 24;
  for (const item of items) {
    const itemWidth = swatchWidth + 6 + textWidth(item.label, fonts.line) + 24;
    if (x > left && x + itemWidth > left + width) {
      x = left;
      y += 24;
    }
    out.push(item.swatch === 'heat' ? heatSwatch(x, y) : swatch(item.swatch, x, y));
    out.push(text(item.label, { x: x + swatchWidth + 6, y: y + 12, 'font-size': fonts.line, fill: '#333' }));
    x += itemWidth;
  }
  return { markup: out, height: y + 20 - top };
}

/** The figure as a standalone SVG document (UTF-8). */
export function renderSvg(figure: ExplainFigure): string {
  const drawn = figure.panels.map((panel, i) => drawPanel(panel, `panel-${i}`));
  const titleTop = margin + 18;
  const panelsTop = titleTop + 12 + figure.notes.length * lineStep + 20;
  const panelsWidth = drawn.reduce((sum, p) => sum + p.width, 0) + gap * Math.max(0, drawn.length - 1);
  const contentWidth = Math.max(
    panelsWidth,
    textWidth(figure.title, 18),
    ...figure.notes.map((n) => textWidth(n, fonts.line)),
    560,
  );
  const panelsHeight = Math.max(0, ...drawn.map((p) => p.height));
  const legend = drawLegend(legendItems(figure.panels), margin, panelsTop + panelsHeight + 28, contentWidth);
  const width = Math.ceil(contentWidth + 2 * margin);
  const height = Math.ceil(panelsTop + panelsHeight + 28 + legend.height + margin);

  const body: string[] = [
    tag('title', {}, escapeXml(figure.title)),
    tag(
      'desc',
      {},
      escapeXml(["Drawn by roi-ops explain from the kernels' output and geometry.", ...figure.notes].join(' ')),
    ),
    tag('rect', { x: 0, y: 0, width, height, fill: 'white' }),
    text(figure.title, { x: margin, y: titleTop, 'font-size': 18, 'font-weight': 'bold', fill: '#111' }),
    ...figure.notes.map((note, i) =>
      text(note, {
        class: 'note',
        x: margin,
        y: titleTop + 8 + (i + 1) * lineStep,
        'font-size': fonts.line,
        fill: '#333',
      }),
    ),
  ];
  let x = margin;
  for (const panel of drawn) {
    body.push(tag('g', { class: 'panel', transform: `translate(${x} ${panelsTop})` }, panel.markup));
    x += panel.width + gap;
  }
  body.push(...legend.markup);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    tag(
      'svg',
      {
        xmlns: 'http://www.w3.org/2000/svg',
        width,
        height,
        viewBox: `0 0 ${width} ${height}`,
        'font-family': 'DejaVu Sans, Helvetica, Arial, sans-serif',
      },
      ['', ...body, ''],
    ),
    '',
  ].join('\n');
}
