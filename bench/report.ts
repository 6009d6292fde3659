// Renders a benchmark run (bench/run.ts) as Markdown tables and as an SVG bar chart of the median
// time per workload and contender on a log scale. The SVG is written by hand: no chart library.

import type { Agreement, ContenderInfo, OnnxDetectorsSection, Report, Result } from './types.js';

/** The machine's thread-pool round trip (bench/threadpool-round-trip.ts), when the run measured it. */
function roundTripText(roundTrip: unknown): string {
  const { median, min } = (roundTrip ?? {}) as { median?: number; min?: number };
  if (median === undefined || min === undefined) return '';
  return `, Node thread-pool round trip (awaited crypto.pbkdf2 of 1 iteration) ${formatMs(median)} ms median, ${formatMs(min)} ms min`;
}

export function formatMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(1);
  if (ms >= 10) return ms.toFixed(2);
  if (ms >= 1) return ms.toFixed(3);
  return ms.toPrecision(3);
}

const formatDiff = (value: number): string => (value === 0 ? '0' : value.toExponential(1));

function formatAgreement(a: Agreement | undefined): string {
  if (!a) return '';
  const verdict = a.withinTolerance === undefined ? '' : a.withinTolerance ? ' ✓' : ' ✗ over 1e-4';
  const yardstick = a.referenceBackend === 'JavaScript' ? ' vs roi-ops JavaScript' : '';
  const relative = `${formatDiff(a.maxAbsDiff)} (rel ${formatDiff(a.relativeDiff)})${verdict}${yardstick}`;
  if (a.rows === 'all') return relative;
  return `${relative} on ${a.comparedRois}/${a.totalRois} interior RoIs; ${formatDiff(a.allRoisMaxAbsDiff ?? Number.NaN)} on all`;
}

function resultFor(report: Report, workload: string, contender: string): Result | undefined {
  return report.results.find((r) => r.workload === workload && r.contender === contender);
}

function summaryCell(result: Result | undefined): string {
  if (!result) return '—';
  if (result.status === 'skipped') return 'skipped';
  if (result.status === 'error') return 'error';
  const ratio = result.ratio === undefined ? '' : ` (${result.ratio.toFixed(2)}×)`;
  return `${formatMs(result.medianMs as number)}${ratio}`;
}

const formatQuartiles = (q: { median: number; q1: number; q3: number } | undefined): string =>
  q ? `${formatMs(q.median)} (${formatMs(q.q1)}..${formatMs(q.q3)})` : '';

/** The section "ONNX detectors end to end": one row per model and thread count. */
function onnxDetectorsMarkdown(section: OnnxDetectorsSection | undefined): string[] {
  if (!section) return [];
  return [
    '## ONNX detectors end to end',
    '',
    `Whole model in onnxruntime-node against roi-ops/onnx's pipeline, median ms per run (quartiles). Models: ${section.models}.`,
    '',
    '| detector | model | threads | whole model ms | pipeline ms | speed-up | largest output difference | runs | plan |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...section.results.map((r) => {
      const head = `| ${r.detector} | ${r.model} | ${r.threads}`;
      if (r.status !== 'ok') return `${head} | ${r.status} | ${r.reason ?? ''} | | | | |`;
      const difference =
        r.largestDifference === undefined
          ? ''
          : Number.isFinite(r.largestDifference)
            ? formatDiff(r.largestDifference)
            : 'dims differ';
      return `${head} | ${formatQuartiles(r.wholeModelMs)} | ${formatQuartiles(r.pipelineMs)} | ${r.speedup?.toFixed(2)}× | ${difference} | ${r.runs ?? ''} | \`${r.plan ?? ''}\` |`;
    }),
    '',
  ];
}

export function renderMarkdown(report: Report): string {
  const { machine, versions } = report;
  const lines: string[] = [
    '# roi-ops benchmark',
    '',
    `Command: \`${report.command}\` (${report.mode} mode: each contender timed for up to ${report.mode === 'quick' ? 1 : 3} s per workload, at least 3 calls after a warm-up of a tenth of that), ${report.date}, ${Math.round(report.durationSeconds)} s in all.`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores (SIMD flags: ${machine.simdFlags.join(' ') || 'none reported'}), ${machine.os}, UV_THREADPOOL_SIZE ${machine.uvThreadpoolSize ?? 'unset'}${roundTripText(machine.threadpoolRoundTripMs)}${machine.loadAverage1m ? `, 1-minute load average ${machine.loadAverage1m.atStart} before the run` : ''}.`,
    '',
    `Versions: ${Object.entries(versions)
      .map(([name, version]) => `${name} ${version}`)
      .join('; ')}.`,
    '',
    `## Median milliseconds per call (time ÷ ${report.baseline}, same run)`,
    '',
    `| contender | ${report.workloads.map((w) => w.id).join(' | ')} |`,
    `|---|${report.workloads.map(() => '---:').join('|')}|`,
    ...report.contenders.map(
      (c) => `| ${c.id} | ${report.workloads.map((w) => summaryCell(resultFor(report, w.id, c.id))).join(' | ')} |`,
    ),
    '',
    '— : the contender has no such operator. ',
    '',
    ...(report.targets
      ? [
          '## Targets',
          '',
          '| target | required | measured | met |',
          '|---|---|---|---|',
          ...report.targets.map(
            (t) => `| ${t.target} | ${t.required} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'yes' : 'no'} |`,
          ),
          '',
          ...report.targets.filter((t) => t.met === false).map((t) => `- **${t.target}** is missed: ${t.boundBy}`),
          '',
        ]
      : []),
    ...onnxDetectorsMarkdown(report.onnxDetectors),
    '## Workloads',
    '',
    ...report.workloads.flatMap((w) => {
      const rows = report.contenders
        .map((c) => resultFor(report, w.id, c.id))
        .filter((r): r is Result => r !== undefined);
      return [
        `### ${w.id}: ${w.description} (${w.op}, ${w.rois} RoIs)`,
        '',
        `| contender | median ms | min..max ms | runs | RoIs/s | ÷ baseline | max abs diff vs roi-ops |`,
        '|---|---:|---|---:|---:|---:|---|',
        ...rows.map((r) => {
          if (r.status !== 'ok') return `| ${r.contender} | ${r.status} | ${r.reason ?? ''} | | | | |`;
          const median = r.medianMs as number;
          return `| ${r.contender} | ${formatMs(median)} | ${formatMs(r.minMs as number)}..${formatMs(r.maxMs as number)} | ${r.runs} | ${Math.round((w.rois * 1000) / median).toLocaleString('en-US')} | ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`} | ${formatAgreement(r.agreement) || (r.reason ?? '')} |`;
        }),
        '',
      ];
    }),
    '## Contenders',
    '',
    ...report.contenders.map((c) => `- **${c.id}**: ${c.description}`),
    '',
    '## Notes',
    '',
    ...report.notes.map((n) => `- ${n}`),
    '',
  ];
  return lines.join('\n');
}

// --- SVG: one group of horizontal bars per workload, one bar per contender, log-scale time. ---

const familyColors: Record<ContenderInfo['family'], string[]> = {
  'roi-ops': ['#0d2f66', '#1f4e96', '#2f63b0', '#3b75c4', '#5a8fd6', '#80abe6', '#a7c4ee'],
  onnxruntime: ['#2e7d32', '#66bb6a'],
  tfjs: ['#e65100', '#ffa040'],
  torchvision: ['#b71c1c', '#e57373'],
  detectron2: ['#6a1b9a'],
};

/** 0.01, 0.1, 1, 10, 100, 1000, 10000: exact decimal labels for the decade grid lines. */
const decadeLabel = (decade: number): string =>
  decade < 0 ? `0.${'0'.repeat(-decade - 1)}1` : `1${'0'.repeat(decade)}`;

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface OnnxBarGroup {
  title: string;
  /** A bar per side and thread count; `ms` undefined for a row that did not run (`note` says why). */
  bars: Array<{ label: string; ms?: number; note: string; color: string }>;
}

/** The ONNX detectors as bar groups: per model, the whole model and the pipeline at each thread count. */
function onnxDetectorBars(section: OnnxDetectorsSection | undefined): OnnxBarGroup[] {
  const groups = new Map<string, OnnxBarGroup>();
  for (const r of section?.results ?? []) {
    const title = `${r.detector}: ${r.model} end to end`;
    const group = groups.get(title) ?? { title, bars: [] };
    groups.set(title, group);
    const threads = `${r.threads} thread${r.threads > 1 ? 's' : ''}`;
    const shade = r.threads > 1 ? 1 : 0;
    if (r.status !== 'ok' || !r.wholeModelMs || !r.pipelineMs) {
      group.bars.push({ label: `${threads}`, note: r.reason ?? r.status, color: '' });
      continue;
    }
    group.bars.push(
      {
        label: `onnxruntime whole model, ${threads}`,
        ms: r.wholeModelMs.median,
        note: '',
        color: familyColors.onnxruntime[shade] as string,
      },
      {
        label: `roi-ops/onnx pipeline, ${threads}`,
        ms: r.pipelineMs.median,
        note: ` (${r.speedup?.toFixed(2)}× faster)`,
        color: familyColors['roi-ops'][shade] as string,
      },
    );
  }
  return [...groups.values()];
}

export function renderSvg(report: Report): string {
  const colorOf = new Map<string, string>();
  const used = new Map<string, number>();
  for (const c of report.contenders) {
    const index = used.get(c.family) ?? 0;
    used.set(c.family, index + 1);
    const palette = familyColors[c.family];
    colorOf.set(c.id, palette[Math.min(index, palette.length - 1)] as string);
  }

  const measured = report.results.filter((r) => r.status === 'ok' && r.medianMs !== undefined && r.medianMs > 0);
  const onnxBars = onnxDetectorBars(report.onnxDetectors);
  const times = [
    ...measured.map((r) => r.medianMs as number),
    ...onnxBars.flatMap((group) => group.bars.flatMap((bar) => (bar.ms === undefined ? [] : [bar.ms]))),
  ];
  const lowDecade = Math.floor(Math.log10(Math.min(...times, 1)));
  const highDecade = Math.ceil(Math.log10(Math.max(...times, 10)));

  const width = 960;
  const labelWidth = 250;
  const valueWidth = 80;
  const plotLeft = labelWidth;
  const plotWidth = width - labelWidth - valueWidth - 20;
  const barHeight = 14;
  const barGap = 4;
  const groupHeader = 24;
  const groupGap = 14;
  const top = 64;
  const x = (ms: number) => plotLeft + ((Math.log10(ms) - lowDecade) / (highDecade - lowDecade)) * plotWidth;

  const body: string[] = [];
  let y = top;
  for (const w of report.workloads) {
    const bars = report.contenders
      .map((c) => ({ c, r: resultFor(report, w.id, c.id) }))
      .filter(({ r }) => r && r.status !== 'error' && (r.status === 'skipped' || r.medianMs));
    if (bars.length === 0) continue;
    body.push(`<text x="8" y="${y + 16}" class="group">${escapeXml(`${w.id}: ${w.description}`)}</text>`);
    y += groupHeader;
    for (const { c, r } of bars) {
      const label = `<text x="${plotLeft - 8}" y="${y + barHeight - 3}" class="label" text-anchor="end">${escapeXml(c.id)}</text>`;
      if (r?.status === 'skipped') {
        body.push(
          label,
          `<text x="${plotLeft + 4}" y="${y + barHeight - 3}" class="skipped">${escapeXml(r.reason ?? 'skipped')}</text>`,
        );
      } else {
        const median = r?.medianMs as number;
        const end = x(median);
        const ratio = r?.ratio === undefined ? '' : ` (${r.ratio.toFixed(2)}×)`;
        body.push(
          label,
          `<rect x="${plotLeft}" y="${y}" width="${Math.max(1, end - plotLeft).toFixed(1)}" height="${barHeight}" fill="${colorOf.get(c.id)}"><title>${escapeXml(`${w.id} ${c.id}: ${formatMs(median)} ms${ratio}`)}</title></rect>`,
          `<text x="${(end + 4).toFixed(1)}" y="${y + barHeight - 3}" class="value">${formatMs(median)} ms${ratio}</text>`,
        );
      }
      y += barHeight + barGap;
    }
    y += groupGap;
  }
  for (const group of onnxBars) {
    body.push(`<text x="8" y="${y + 16}" class="group">${escapeXml(group.title)}</text>`);
    y += groupHeader;
    for (const bar of group.bars) {
      body.push(
        `<text x="${plotLeft - 8}" y="${y + barHeight - 3}" class="label" text-anchor="end">${escapeXml(bar.label)}</text>`,
      );
      if (bar.ms === undefined) {
        body.push(`<text x="${plotLeft + 4}" y="${y + barHeight - 3}" class="skipped">${escapeXml(bar.note)}</text>`);
      } else {
        const end = x(bar.ms);
        body.push(
          `<rect x="${plotLeft}" y="${y}" width="${Math.max(1, end - plotLeft).toFixed(1)}" height="${barHeight}" fill="${bar.color}"><title>${escapeXml(`${group.title}, ${bar.label}: ${formatMs(bar.ms)} ms${bar.note}`)}</title></rect>`,
          `<text x="${(end + 4).toFixed(1)}" y="${y + barHeight - 3}" class="value">${escapeXml(`${formatMs(bar.ms)} ms${bar.note}`)}</text>`,
        );
      }
      y += barHeight + barGap;
    }
    y += groupGap;
  }
  const bottom = y;
  const height = bottom + 40;

  const axis: string[] = [];
  for (let decade = lowDecade; decade <= highDecade; decade++) {
    const gx = x(10 ** decade).toFixed(1);
    axis.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${bottom}" class="grid"/>`);
    axis.push(`<text x="${gx}" y="${bottom + 16}" class="tick" text-anchor="middle">${decadeLabel(decade)}</text>`);
    if (decade < highDecade) {
      for (const minor of [2, 3, 5]) {
        const mx = x(minor * 10 ** decade).toFixed(1);
        axis.push(`<line x1="${mx}" y1="${top - 6}" x2="${mx}" y2="${bottom}" class="minor"/>`);
      }
    }
  }

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    '<style>',
    '  .title { font-size: 16px; font-weight: bold; } .subtitle { font-size: 11px; fill: #555; }',
    '  .group { font-size: 13px; font-weight: bold; } .label, .value { font-size: 11px; } .value { fill: #333; }',
    '  .skipped { font-size: 11px; fill: #888; font-style: italic; } .tick { font-size: 11px; fill: #555; }',
    '  .grid { stroke: #bbb; stroke-width: 1; } .minor { stroke: #e4e4e4; stroke-width: 1; }',
    '</style>',
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="8" y="22" class="title">roi-ops benchmark: median milliseconds per call (log scale, shorter is faster)</text>`,
    `<text x="8" y="40" class="subtitle">${escapeXml(`(×: time ÷ ${report.baseline}) · ${report.command} · ${report.date} · ${report.machine.cpu}, ${report.machine.cores} cores · Node ${report.versions.node ?? ''}`)}</text>`,
    ...axis,
    ...body,
    `<text x="${plotLeft + plotWidth / 2}" y="${bottom + 32}" class="tick" text-anchor="middle">milliseconds per call (log scale)</text>`,
    '</svg>',
    '',
  ].join('\n');
}
