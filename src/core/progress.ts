import cliProgress from 'cli-progress';

/** How progress is shown: a bar on a TTY, plain lines otherwise, nothing, or JSON lines. */
export type ProgressMode = 'auto' | 'bar' | 'plain' | 'quiet' | 'json';

/** Extra figures shown beside a progress bar (loss terms, frames/s…). */
export type ProgressFields = Record<string, number | string>;

/** Progress of one long task: `update` as work is done, `done` when it ends. */
export interface TaskProgress {
  update(done: number, fields?: ProgressFields): void;
  done(summary?: string): void;
}

/**
 * Reports progress of long work to people (stderr) or machines (JSON lines on stdout).
 * One reporter is made by the CLI from `--quiet` / `--log-json` and passed down.
 */
export class Progress {
  readonly mode: Exclude<ProgressMode, 'auto'>;
  private readonly write: (line: string) => void;
  readonly warnings: string[] = [];

  constructor(mode: ProgressMode = 'auto', write?: (line: string) => void) {
    this.mode = mode === 'auto' ? (process.stderr.isTTY ? 'bar' : 'plain') : mode;
    this.write = write ?? ((line) => (this.mode === 'json' ? process.stdout : process.stderr).write(line + '\n'));
  }

  /** A reporter that prints nothing (library default). */
  static silent(): Progress {
    return new Progress('quiet', () => {});
  }

  /** An informational line (hidden by --quiet). */
  info(message: string): void {
    if (this.mode === 'quiet') return;
    this.emit({ type: 'info', message }, message);
  }

  /** A warning: always shown, and kept for the final summary. */
  warn(message: string): void {
    this.warnings.push(message);
    if (this.mode === 'json') this.emit({ type: 'warning', message }, '');
    else this.write(`warning: ${message}`);
  }

  /** Starts a task of `total` units named `name`. */
  task(name: string, total: number): TaskProgress {
    const start = Date.now();
    const eta = (done: number): number => (done > 0 ? ((Date.now() - start) / done) * (total - done) / 1000 : NaN);
    const fmt = (f?: ProgressFields): string =>
      f ? Object.entries(f).map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : v}`).join(' ') : '';
    if (this.mode === 'bar') {
      const bar = new cliProgress.SingleBar(
        { format: `${name} [{bar}] {value}/{total} {percentage}% eta {eta_formatted} {fields}`, stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { fields: '' });
      return {
        update: (done, fields) => bar.update(done, { fields: fmt(fields) }),
        done: (summary) => {
          bar.update(total);
          bar.stop();
          if (summary) this.write(`${name}: ${summary}`);
        },
      };
    }
    if (this.mode === 'json') {
      this.emit({ type: 'start', task: name, total }, '');
      return {
        update: (done, fields) => this.emit({ type: 'progress', task: name, done, total, etaSeconds: eta(done), ...fields }, ''),
        done: (summary) => this.emit({ type: 'done', task: name, seconds: (Date.now() - start) / 1000, summary }, ''),
      };
    }
    if (this.mode === 'quiet') return { update: () => {}, done: () => {} };
    // plain: a line at most every 2 s, and at the end
    let last = 0;
    return {
      update: (done, fields) => {
        const now = Date.now();
        if (now - last < 2000 && done < total) return;
        last = now;
        const e = eta(done);
        this.write(`${name}: ${done}/${total}${Number.isFinite(e) ? ` eta ${e.toFixed(0)}s` : ''} ${fmt(fields)}`.trimEnd());
      },
      done: (summary) => this.write(`${name}: done in ${((Date.now() - start) / 1000).toFixed(1)}s${summary ? ` — ${summary}` : ''}`),
    };
  }

  private emit(obj: Record<string, unknown>, human: string): void {
    if (this.mode === 'json') this.write(JSON.stringify({ time: new Date().toISOString(), ...obj }));
    else if (human) this.write(human);
  }
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(4);
}
