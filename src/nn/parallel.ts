/**
 * Row-parallel execution for the neural-net kit. The kit has no threads of its own: a caller that owns a
 * worker pool (the trainer, with the rasterizer's pool: splat `runTasks`) installs it with
 * `setNnTaskRunner`; without one everything runs on the calling thread. PERSONA_NN_THREADS=1 or
 * `setNnThreads(1)` also keeps it on one thread (benchmarks compare both).
 */
import { availableParallelism } from 'node:os';
import { PersonaError } from '../core/errors.js';

/** Runs fn(args[k]) of module `module` on worker k (k ≥ 1) and local(args[0]) here; blocks until done. */
export type TaskRunner = <A>(module: string, fn: string, args: A[], local: (arg: A) => void) => void;

let runner: TaskRunner | null = null;
const envThreads = typeof process !== 'undefined' ? Number(process.env.PERSONA_NN_THREADS) : NaN;
let threads: number | undefined = Number.isInteger(envThreads) && envThreads >= 1 ? envThreads : undefined;

/** Rows per thread below which a layer stays on one thread (the copies to shared memory would dominate). */
export const MIN_ROWS_PER_THREAD = 2048;

/** Installs (or removes, with null) the worker-pool runner. */
export function setNnTaskRunner(r: TaskRunner | null): void {
  runner = r;
}

/** Threads for row-parallel layers (undefined: min(2, cores)). */
export function setNnThreads(n: number | undefined): void {
  if (n !== undefined && !(Number.isInteger(n) && n >= 1)) throw new PersonaError(`nn threads must be a positive integer, got ${n}`);
  threads = n;
}

/** The runner, or null when there is none. */
export function nnTaskRunner(): TaskRunner | null {
  return runner;
}

/** Threads to use for n rows: 1 without a runner or for small n. */
export function rowThreads(n: number): number {
  if (!runner) return 1;
  const t = threads ?? Math.min(2, availableParallelism());
  return Math.max(1, Math.min(t, Math.floor(n / MIN_ROWS_PER_THREAD)));
}

/** Row boundaries of `t` chunks of n rows, each (but the last) a multiple of 4 rows (the GEMM's row block). */
export function rowChunks(n: number, t: number): number[] {
  const b = [0];
  for (let k = 1; k < t; k++) b.push(Math.min(n, Math.round((n * k) / t / 4) * 4));
  b.push(n);
  return b;
}
