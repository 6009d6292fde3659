// Progress of `roi-ops batch` on stderr. On a terminal: one bar redrawn in place, with the
// rate and the time left. Elsewhere (a log file, CI, a scheduler's output): plain lines, at
// most one a second, that read well in a log and never contain a carriage return. Messages
// (a failed job) go above the bar, so the bar never overwrites them; they quote manifests and
// files, so each is printed through printable() (one line, escaped, bounded).
import { formatClock } from './format.js';
import { printable } from './printable.js';

export type ProgressMode = 'bar' | 'lines' | 'none';

export interface Progress {
  /** `total` jobs are about to run; `plan` says so in words (how many, how many were done before). */
  start(total: number, plan: string): void;
  /** A job has finished, well or not. */
  jobFinished(failed: boolean): void;
  /** A line that must stay visible (an error, a notice); printed through printable(). */
  message(text: string): void;
  /** No more jobs: the last state is shown. */
  finish(): void;
}

/** Counts and rate; `now` in ms. */
class Counter {
  total = 0;
  finished = 0;
  failed = 0;
  private startedAt = 0;

  constructor(private readonly now: () => number) {}

  start(total: number): void {
    this.total = total;
    this.startedAt = this.now();
  }

  record(failed: boolean): void {
    this.finished += 1;
    if (failed) this.failed += 1;
  }

  describe(): { percent: number; rate: string; eta: string } {
    const seconds = (this.now() - this.startedAt) / 1000;
    const rate = seconds > 0 ? this.finished / seconds : 0;
    const left = this.total - this.finished;
    return {
      percent: this.total === 0 ? 100 : Math.floor((100 * this.finished) / this.total),
      rate: `${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)} jobs/s`,
      eta: left === 0 ? 'ETA 0:00' : rate > 0 ? `ETA ${formatClock(left / rate)}` : 'ETA -',
    };
  }
}

const prefix = 'roi-ops batch:';

function linesProgress(stream: NodeJS.WritableStream, now: () => number, intervalMs: number): Progress {
  const counter = new Counter(now);
  let lastLine = -Infinity;
  const line = () => {
    const { percent, rate, eta } = counter.describe();
    const failed = counter.failed > 0 ? `, ${counter.failed} failed` : '';
    stream.write(`${prefix} ${counter.finished}/${counter.total} jobs (${percent}%)${failed}, ${rate}, ${eta}\n`);
    lastLine = now();
  };
  return {
    start(total, plan) {
      counter.start(total);
      stream.write(`${plan}\n`);
    },
    jobFinished(failed) {
      counter.record(failed);
      // The first job (the run has started), then at most one line per interval, and the last.
      if (counter.finished === 1 || counter.finished === counter.total || now() - lastLine >= intervalMs) line();
    },
    message: (text) => stream.write(`${printable(text)}\n`),
    finish() {
      if (counter.finished !== counter.total && counter.finished > 0) line();
    },
  };
}

function barProgress(stream: NodeJS.WriteStream, now: () => number, intervalMs: number): Progress {
  const counter = new Counter(now);
  let lastDraw = -Infinity;
  const clear = '\r\x1b[K';
  const draw = () => {
    const { percent, rate, eta } = counter.describe();
    const failed = counter.failed > 0 ? `  ${counter.failed} failed` : '';
    const text = ` ${counter.finished}/${counter.total} ${String(percent).padStart(3)}%  ${rate}  ${eta}${failed}`;
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - text.length - 'roi-ops batch [] '.length));
    const filled = counter.total === 0 ? width : Math.round((width * counter.finished) / counter.total);
    stream.write(`${clear}roi-ops batch [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${text}`);
    lastDraw = now();
  };
  return {
    start(total, plan) {
      counter.start(total);
      stream.write(`${plan}\n`);
      draw();
    },
    jobFinished(failed) {
      counter.record(failed);
      if (counter.finished === counter.total || now() - lastDraw >= intervalMs) draw();
    },
    message(text) {
      stream.write(`${clear}${printable(text)}\n`);
      draw();
    },
    finish() {
      draw();
      stream.write('\n');
    },
  };
}

/** `mode` 'bar' redraws at most every 100 ms, 'lines' prints at most one line a second. */
export function createProgress(
  mode: ProgressMode,
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
): Progress {
  if (mode === 'bar') return barProgress(stream, now, 100);
  if (mode === 'lines') return linesProgress(stream, now, 1000);
  return { start() {}, jobFinished() {}, message: (text) => stream.write(`${printable(text)}\n`), finish() {} };
}
