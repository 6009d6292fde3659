// `npm run bench`: times every workload on each contender available today, each contender
// in its own process (so one's JIT and caches do not help another), and writes the medians
// and ratios to bench/results/. Measures; never asserts.
// Usage: npm run bench [-- --quick] [-- --only W1,W4]
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { join } from 'node:path';

import { info } from '../lib/index.js';
import { workloads } from './workloads.js';

interface Measurement {
  workload: string;
  contender: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

const contenders = [
  { id: 'roi-ops native sync', env: {}, form: 'sync' },
  { id: 'roi-ops native async', env: {}, form: 'async' },
  { id: 'roi-ops JavaScript', env: { ROI_OPS_FORCE_JS: '1' }, form: 'sync' },
] as const;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');

function measureInChild(contender: (typeof contenders)[number], workload: string): Measurement {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'measure.ts'), workload, contender.form, quick ? 'quick' : 'full'],
    { env: { ...process.env, ...contender.env }, encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`${contender.id} on ${workload} failed:\n${child.stderr}`);
  return { ...JSON.parse(child.stdout), contender: contender.id, workload };
}

const selected = workloads().filter((w) => !only || only.includes(w.id));
const results: Measurement[] = [];
for (const workload of selected) {
  for (const contender of contenders) {
    const m = measureInChild(contender, workload.id);
    results.push(m);
    console.log(`${workload.id} ${contender.id.padEnd(22)} median ${m.medianMs.toFixed(3)} ms (min ${m.minMs.toFixed(3)}, max ${m.maxMs.toFixed(3)}, ${m.runs} runs)`);
  }
}

const machine = { cpu: cpus()[0]?.model, cores: cpus().length, platform: `${platform()} ${release()}`, node: process.version, roiOps: info() };
const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
const lines = [
  `# roi-ops benchmark`,
  '',
  `Command: \`${command}\`. Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.platform}, Node ${machine.node}, roi-ops ${machine.roiOps.version} (${machine.roiOps.simd}).`,
  '',
  '| workload | contender | median ms | min..max ms | vs native sync |',
  '|---|---|---|---|---|',
  ...results.map((m) => {
    const base = results.find((r) => r.workload === m.workload && r.contender === 'roi-ops native sync');
    const ratio = base ? (m.medianMs / base.medianMs).toFixed(2) : '';
    return `| ${m.workload} | ${m.contender} | ${m.medianMs.toFixed(3)} | ${m.minMs.toFixed(3)}..${m.maxMs.toFixed(3)} | ${ratio}x |`;
  }),
];
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'latest.json'), `${JSON.stringify({ command, machine, workloads: selected.map((w) => ({ id: w.id, description: w.description })), results }, null, 2)}\n`);
writeFileSync(join(dir, 'latest.md'), `${lines.join('\n')}\n`);
console.log(`\nwrote ${join(dir, 'latest.json')} and latest.md`);
