// Owns the progress bar of `burrow userfile upload|get`: bytes done of the
// total, rate in MB/s and time left, redrawn on one stderr line at most ten
// times a second, and only when stderr is a terminal (otherwise nothing is
// written, so piped output and tests see only the command's own lines).

export interface Progress {
  /** Adds bytes done. */
  add(bytes: number): void;
  /** Clears the bar's line (call before printing the command's own line). */
  done(): void;
}

const redrawMs = 100;

function mib(n: number): string {
  return (n / (1024 * 1024)).toFixed(1);
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The bar's text for `done` of `total` bytes after `elapsedMs` (width = columns available). */
export function renderProgress(label: string, done: number, total: number, elapsedMs: number, width: number): string {
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const left = rate > 0 ? (total - done) / rate : Infinity;
  const pct = total > 0 ? Math.min(1, done / total) : 1;
  const tail = ` ${mib(done)}/${mib(total)} MiB ${(rate / 1e6).toFixed(1)} MB/s ${duration(left)} left`;
  const head = `${label} `;
  const barWidth = Math.max(10, Math.min(40, width - head.length - tail.length - 2));
  const filled = Math.round(pct * barWidth);
  let line = `${head}[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`;
  if (line.length > width) line = line.slice(0, Math.max(0, width));
  return line;
}

export function startProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { add: () => {}, done: () => {} };
  const started = performance.now();
  let done = 0;
  let last = 0;
  let shown = false;
  const draw = () => {
    const width = (stream.columns || 80) - 1;
    stream.write(`\r${renderProgress(label, done, total, performance.now() - started, width)}`);
    shown = true;
  };
  return {
    add(bytes) {
      done += bytes;
      const now = performance.now();
      if (now - last >= redrawMs) {
        last = now;
        draw();
      }
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
