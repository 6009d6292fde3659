// What decides whether a binary fits this machine, for the loader's messages and `roi-ops
// info`: the platform, architecture, C library (a prebuild tagged glibc does not load on musl,
// nor on a glibc older than the one it was built against), Node and Node-API versions.

/** The parts of Node's diagnostic report read here. */
export interface ProcessReport {
  header: { glibcVersionRuntime?: string };
  sharedObjects: string[];
}

/** Node's diagnostic report: the libc it runs on, and the shared objects really loaded. */
export function processReport(): ProcessReport {
  // Collecting network interfaces can be slow and says nothing here (Node >= 20.13).
  (process.report as { excludeNetwork?: boolean }).excludeNetwork = true;
  return process.report.getReport() as unknown as ProcessReport;
}

export interface Libc {
  /** 'glibc' or 'musl' on Linux; null elsewhere, or on a Linux whose libc is neither. */
  family: 'glibc' | 'musl' | null;
  /** glibc's version (Node reports it); null for musl, which does not say. */
  version: string | null;
}

/**
 * The C library this Node runs on, found as detect-libc finds it without running a program:
 * a glibc build of Node reports glibcVersionRuntime; a musl one has loaded ld-musl / libc.musl.
 */
export function detectLibc(report: ProcessReport = processReport()): Libc {
  if (process.platform !== 'linux') return { family: null, version: null };
  const glibc = report.header.glibcVersionRuntime;
  if (glibc) return { family: 'glibc', version: glibc };
  if (report.sharedObjects.some((path) => path.includes('ld-musl-') || path.includes('libc.musl-'))) {
    return { family: 'musl', version: null };
  }
  return { family: null, version: null };
}

/** 'glibc 2.36', 'musl', 'not applicable (darwin)' or 'unknown'. */
export function describeLibc(libc: Libc): string {
  if (process.platform !== 'linux') return `not applicable (${process.platform})`;
  if (libc.family === null) return 'unknown (neither glibc nor musl detected)';
  return libc.version === null ? libc.family : `${libc.family} ${libc.version}`;
}
