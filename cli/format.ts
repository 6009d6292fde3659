// Text the commands print: aligned tables, durations and sizes.

/**
 * Rows of cells as aligned columns, two spaces apart. By default the first column is text
 * (left-aligned) and the others numbers (right-aligned); `rightAligned` says otherwise.
 */
export function table(rows: string[][], rightAligned: (column: number) => boolean = (column) => column > 0): string {
  const widths = (rows[0] as string[]).map((_, c) => Math.max(...rows.map((row) => (row[c] as string).length)));
  return rows
    .map((row) =>
      row
        .map((cell, c) => (rightAligned(c) ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Milliseconds for a one-line report: 0.042 ms, 3.21 ms, 1234 ms. */
export function formatMs(ms: number): string {
  return `${ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(0)} ms`;
}

/** A duration as a clock: 0:07, 12:34, 1:02:03 (for progress and ETA). */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A run's length: 0.4 s, 12.3 s, then as a clock (1:02, 1:02:03). */
export function formatDuration(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(1)} s` : formatClock(seconds);
}

/** `3 jobs`, `1 job`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** A size in bytes for a message: 512 bytes, 2.0 KiB, 10.0 MiB, 4.00 GiB (powers of 1024). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] =
    bytes < 2 ** 20 ? [bytes / 2 ** 10, 'KiB'] : bytes < 2 ** 30 ? [bytes / 2 ** 20, 'MiB'] : [bytes / 2 ** 30, 'GiB'];
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ${unit}`;
}
