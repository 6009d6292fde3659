// `roi-ops info`: what an install problem report needs. Which backend runs and why (the addon
// file that is loaded, or the reason none is), the instruction set and threads, and the
// platform it was built for or failed on: OS, architecture, libc (a prebuild tagged glibc does
// not load on musl), Node and Node-API versions, CPU.
import { cpus, availableParallelism, release } from 'node:os';
import { resolve, sep } from 'node:path';

import { info, type SimdLevel } from '../lib/index.js';
import {
  detectLibc,
  fallbackReason,
  packageRoot,
  packageVersion,
  processReport,
  type ProcessReport,
} from '../lib/internal.js';
import { exitStatus, type Command } from './command.js';
import { table } from './format.js';

export interface InfoReport {
  version: string;
  /** info().native: whether the addon runs the kernels. */
  native: boolean;
  /** info().simd; null when no backend could be loaded (ROI_OPS_REQUIRE_NATIVE=1 and no addon). */
  simd: SimdLevel | null;
  threads: number | null;
  /** The addon file loaded in this process, or null. */
  addon: string | null;
  /** info().addon.build: 'node-api' or 'node-abi-<NODE_MODULE_VERSION>', or null. */
  addonBuild: string | null;
  /** Why the addon is not in use (ROI_OPS_FORCE_JS, or its load error), or null. */
  addonError: string | null;
  platform: NodeJS.Platform;
  arch: string;
  osRelease: string;
  /** 'glibc' or 'musl' on Linux, null elsewhere (or when neither is detected). */
  libc: 'glibc' | 'musl' | null;
  libcVersion: string | null;
  node: string;
  napi: string | null;
  cpuModel: string;
  cpus: number;
  availableParallelism: number;
  /** The ROI_OPS_* environment variables that are set: they change what loads and how. */
  environment: Record<string, string>;
}

/** The addon file this process loaded: a .node file of this package, as the OS loader lists it. */
function loadedAddon(report: ProcessReport): string | null {
  const root = resolve(packageRoot()) + sep;
  return report.sharedObjects.find((path) => path.endsWith('.node') && path.startsWith(root)) ?? null;
}

function libcOf(report: ProcessReport): Pick<InfoReport, 'libc' | 'libcVersion'> {
  const { family, version } = detectLibc(report);
  return { libc: family, libcVersion: version };
}

function backendInfo(): Pick<InfoReport, 'native' | 'simd' | 'threads' | 'addonBuild' | 'addonError'> & {
  addonPath?: string;
} {
  try {
    const runtime = info();
    return {
      native: runtime.native,
      simd: runtime.simd,
      threads: runtime.threads,
      addonBuild: runtime.addon?.build ?? null,
      addonError: fallbackReason() ?? null,
      ...(runtime.addon ? { addonPath: runtime.addon.path } : {}),
    };
  } catch (error) {
    // ROI_OPS_REQUIRE_NATIVE=1 and the addon did not load: no backend at all, which is
    // exactly what the report is for.
    return { native: false, simd: null, threads: null, addonBuild: null, addonError: (error as Error).message };
  }
}

export function collectInfo(): InfoReport {
  const { addonPath, ...backend } = backendInfo();
  const report = processReport();
  const processors = cpus();
  return {
    version: packageVersion(),
    ...backend,
    addon: addonPath ?? loadedAddon(report),
    platform: process.platform,
    arch: process.arch,
    osRelease: release(),
    ...libcOf(report),
    node: process.versions.node,
    napi: process.versions.napi ?? null,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cpus: processors.length,
    availableParallelism: availableParallelism(),
    environment: Object.fromEntries(
      Object.entries(process.env)
        .filter((entry): entry is [string, string] => entry[0].startsWith('ROI_OPS_') && entry[1] !== undefined)
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
  };
}

function formatInfo(report: InfoReport): string {
  const backend = report.native
    ? `native, ${report.simd}, ${report.threads} thread${report.threads === 1 ? '' : 's'}`
    : report.simd === null
      ? 'none loaded'
      : `JavaScript, ${report.threads} thread${report.threads === 1 ? '' : 's'} (the native addon is not in use)`;
  const environment = Object.entries(report.environment).map(([name, value]) => `${name}=${value}`);
  const rows = [
    ['roi-ops', report.version],
    ['backend', backend],
    [
      'addon',
      report.addon === null
        ? 'none loaded'
        : `${report.addon}${report.addonBuild ? ` (${report.addonBuild} build)` : ''}`,
    ],
    ...(report.addonError ?? '')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, i) => [i === 0 ? 'why' : '', line.trim()]),
    [
      'platform',
      `${report.platform} ${report.arch}, OS release ${report.osRelease}${report.libc ? `, ${report.libc}${report.libcVersion ? ` ${report.libcVersion}` : ''}` : ''}`,
    ],
    ['node', `${report.node}, Node-API ${report.napi ?? 'unknown'}`],
    [
      'cpu',
      `${report.cpuModel}, ${report.cpus} logical CPUs (${report.availableParallelism} available to this process)`,
    ],
    ['environment', environment.length > 0 ? environment.join(' ') : 'no ROI_OPS_* variable set'],
  ];
  return table(rows, () => false);
}

export const infoCommand: Command = {
  name: 'info',
  summary:
    'print the version, backend, instruction set, threads, addon file, platform,\nlibc, Node and Node-API versions and CPU (for an install problem report)',
  usage: '[--json]',
  description: [
    'Prints what an install problem report needs: the version of roi-ops, the backend that runs',
    'the kernels (native or JavaScript), its instruction set and threads, the addon file loaded',
    '(or why none loaded), the platform, architecture and libc, the Node and Node-API versions,',
    'the CPU, and the ROI_OPS_* environment variables that are set.',
  ].join('\n'),
  options: {},
  jsonHelp: 'print one JSON object (the fields of the table, for scripts)',
  positionals: { min: 0, max: 0 },
  examples: ['roi-ops info', 'roi-ops info --json', 'ROI_OPS_FORCE_JS=1 roi-ops info'],
  failure: 'ROI_OPS_REQUIRE_NATIVE=1 is set and the native addon did not load (the report is printed all the same)',
  async run({ json }) {
    const report = collectInfo();
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatInfo(report)}\n`);
    return report.simd === null ? exitStatus.failed : exitStatus.ok;
  },
};
