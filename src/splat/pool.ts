/**
 * A small pool of worker threads for the rasterizer. The calling thread posts one band to each worker,
 * runs band 0 itself, then blocks on Atomics.wait until every worker has flagged completion, so the
 * public API stays synchronous. Workers are unref'd (they never keep the process alive).
 */
import { Worker } from 'node:worker_threads';
import { PersonaError } from '../core/errors.js';
import { WORKER_TIMEOUT_MS } from './config.js';
import { backwardBand, forwardBand, type BackwardBand, type ForwardBand } from './kernel.js';

const MAX_WORKERS = 31;
let workers: Worker[] = [];
const ctrlBuffer = new SharedArrayBuffer(8 * MAX_WORKERS);
const ctrl = new Int32Array(ctrlBuffer); // per worker: [status, result]
const errorBuffer = new SharedArrayBuffer(1024 * MAX_WORKERS);

function ensureWorkers(n: number): void {
  while (workers.length < n) {
    const w = new Worker(new URL('./worker.js', import.meta.url));
    w.unref();
    workers.push(w);
  }
}

/** Runs `bands[0]` here and the others on workers; returns the sum of the forward results (pairs). */
export function runBands(kind: 'forward', bands: ForwardBand[]): number;
export function runBands(kind: 'backward', bands: BackwardBand[]): number;
export function runBands(kind: 'forward' | 'backward', bands: Array<ForwardBand | BackwardBand>): number {
  const n = bands.length;
  if (n - 1 > MAX_WORKERS) throw new PersonaError(`splat: at most ${MAX_WORKERS + 1} threads are supported`);
  ensureWorkers(n - 1);
  for (let i = 1; i < n; i++) {
    Atomics.store(ctrl, (i - 1) * 2, 0);
    ctrl[(i - 1) * 2 + 1] = 0;
    workers[i - 1]!.postMessage({ kind, slot: i - 1, ctrl: ctrlBuffer, errors: errorBuffer, args: bands[i] });
  }
  let total = 0;
  let failure: unknown;
  try {
    if (kind === 'forward') total += forwardBand(bands[0] as ForwardBand);
    else backwardBand(bands[0] as BackwardBand);
  } catch (err) {
    failure = err;
  }
  for (let i = 1; i < n; i++) {
    const res = Atomics.wait(ctrl, (i - 1) * 2, 0, WORKER_TIMEOUT_MS);
    if (res === 'timed-out') {
      // A stuck worker cannot be reused safely: drop the pool.
      shutdownRasterWorkers();
      throw new PersonaError(`splat: worker ${i} did not finish within ${WORKER_TIMEOUT_MS / 1000} s`, {
        hint: 'run with threads: 1 to rasterize on the calling thread, and report this as a bug',
      });
    }
    const status = Atomics.load(ctrl, (i - 1) * 2);
    if (status === 2) {
      const bytes = new Uint8Array(errorBuffer, (i - 1) * 1024, 1024);
      const end = bytes.indexOf(0);
      failure ??= new Error(`splat worker failed: ${new TextDecoder().decode(bytes.slice(0, end < 0 ? 1024 : end))}`);
    } else total += ctrl[(i - 1) * 2 + 1]!;
  }
  if (failure) throw failure;
  return total;
}

/** Terminates the rasterizer's worker threads (they are recreated on demand). */
export function shutdownRasterWorkers(): void {
  for (const w of workers) void w.terminate();
  workers = [];
}
