// roi-ops explain as a library: explain() describes what an operator does to one box on a
// small map (plain data), explainFigure() puts descriptions side by side, renderSvg() draws
// a figure, articleFigure() is the deepsense.ai example checked against its golden files.
import { explain } from './describe.js';
import type { ExplainFigure, ExplainRequest } from './types.js';

export { articleFigure, articleGoldenFiles } from './article.js';
export { explain, explainLimits } from './describe.js';
export { numberText } from './format.js';
export { renderSvg } from './svg.js';
export type * from './types.js';

/** One panel per request, side by side, under `title` (by default the operator and the map's size). */
export function explainFigure(requests: ExplainRequest[], title?: string): ExplainFigure {
  const panels = requests.map((request) => explain(request));
  const first = requests[0];
  const ops = [...new Set(requests.map((r) => r.op))].join(' and ');
  return {
    title: title ?? (first ? `${ops} on a ${first.map.height}×${first.map.width} map` : 'roi-ops explain'),
    notes: [],
    panels,
  };
}
