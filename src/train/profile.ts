/**
 * Where a training run's time goes: wall time per phase of each iteration (forward, losses, the wait for the
 * background regularizers, backward, Adam, log, preview, checkpoint) and the CPU time of every thread of the
 * process over the run (Linux /proc; empty elsewhere). The trainer always keeps one (a few `performance.now()`
 * calls per iteration); the train stage writes its summary into the manifest's notes, and bench:train prints
 * it (issue #23: the demo's step cost more than bench:train's).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) of each thread of this process, by thread id (Linux /proc; empty elsewhere). */
export function threadCpuSeconds(): Map<string, { name: string; s: number }> {
  const out = new Map<string, { name: string; s: number }>();
  let tids: string[] = [];
  try { tids = readdirSync('/proc/self/task'); } catch { return out; }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      out.set(tid, { name, s: (Number(f[11]) + Number(f[12])) / 100 }); // utime, stime in clock ticks (USER_HZ = 100)
    } catch { /* the thread ended */ }
  }
  return out;
}

/** Summary of a run (JSON-friendly). */
export interface TrainProfileSummary {
  iterations: number;
  /** Wall seconds of the loop. */
  seconds: number;
  /** Total wall seconds per phase over the run. */
  phaseSeconds: Record<string, number>;
  /** Median wall ms of a whole iteration, by frame kind. */
  medianIterationMs: Record<string, number>;
  /** CPU seconds of the main thread and of all other threads (workers, GC, compiler) over the loop; null off Linux. */
  cpu: { mainSeconds: number; otherSeconds: number; coresBusy: number } | null;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Accumulates phase times: `begin()` at the start of an iteration, `lap(name)` after each phase, `end(kind)`. */
export class TrainProfile {
  readonly phaseMs: Record<string, number> = {};
  private readonly iterationMs: Record<string, number[]> = {};
  private last = 0;
  private iterStart = 0;
  private t0 = 0;
  private cpu0 = new Map<string, { name: string; s: number }>();
  private iterations = 0;

  /** Starts the clock of the whole run (and reads the threads' CPU times). */
  start(): void {
    this.t0 = performance.now();
    this.cpu0 = threadCpuSeconds();
  }

  begin(): void {
    this.iterStart = this.last = performance.now();
  }

  lap(name: string): void {
    const t = performance.now();
    this.phaseMs[name] = (this.phaseMs[name] ?? 0) + t - this.last;
    this.last = t;
  }

  end(kind: string): void {
    (this.iterationMs[kind] ??= []).push(performance.now() - this.iterStart);
    this.iterations++;
  }

  summary(): TrainProfileSummary {
    const seconds = (performance.now() - this.t0) / 1000;
    const cpu1 = threadCpuSeconds();
    let main = 0, other = 0;
    for (const [tid, v] of cpu1) {
      const d = v.s - (this.cpu0.get(tid)?.s ?? 0);
      if (tid === String(process.pid)) main += d; else other += d;
    }
    const r3 = (x: number): number => Math.round(x * 1000) / 1000;
    const phaseSeconds: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.phaseMs)) phaseSeconds[k] = r3(v / 1000);
    const medianIterationMs: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.iterationMs)) medianIterationMs[k] = Math.round(median(v) * 10) / 10;
    return {
      iterations: this.iterations, seconds: r3(seconds), phaseSeconds, medianIterationMs,
      cpu: cpu1.size ? { mainSeconds: r3(main), otherSeconds: r3(other), coresBusy: Math.round(((main + other) / Math.max(seconds, 1e-9)) * 100) / 100 } : null,
    };
  }
}
