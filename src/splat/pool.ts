/**
 * A small pool of worker threads for the rasterizer. The calling thread posts one band to each worker,
 * runs band 0 itself, then blocks on Atomics.wait until every worker has flagged completion, so the
 * public API stays synchronous. Workers are unref'd (they never keep the process alive). For the
 * WebAssembly engine each worker instantiates the kernels once per workspace memory.
 */
import { Worker } from 'node:worker_threads';
import { PersonaError } from '../core/errors.js';
import { WORKER_TIMEOUT_MS } from './config.js';
import { backwardBand, forwardBand, type BackwardBand, type ForwardBand } from './kernel.js';
import { getKernelModule, type RasterWorkspace } from './workspace.js';
import { chainRange, type ChainJob } from './chain.js';
import { projectRange, type ProjectJob } from './projectRange.js';

/** Bands for the TypeScript kernels: one argument object per band. */
export interface JsBands {
  engine: 'js';
  kind: 'forward' | 'backward' | 'chain' | 'project';
  bands: Array<ForwardBand | BackwardBand | ChainJob | ProjectJob>;
}
/** Bands for the WebAssembly kernels: one parameter-block pointer per band in the workspace memory. */
export interface WasmBands {
  engine: 'wasm';
  kind: 'forward' | 'backward';
  workspace: RasterWorkspace;
  params: number[];
}

const MAX_WORKERS = 31;
interface PoolWorker {
  worker: Worker;
  /** Workspace ids whose memory this worker has instantiated. */
  known: Set<number>;
}
let workers: PoolWorker[] = [];
const ctrlBuffer = new SharedArrayBuffer(8 * MAX_WORKERS);
const ctrl = new Int32Array(ctrlBuffer); // per worker: [status, result]
const errorBuffer = new SharedArrayBuffer(1024 * MAX_WORKERS);

/** Tells workers to drop their instance of a workspace that was garbage-collected. */
const released = new FinalizationRegistry<number>((id) => {
  for (const w of workers) if (w.known.delete(id)) w.worker.postMessage({ type: 'release', wsId: id });
});
const registered = new WeakSet<RasterWorkspace>();

function ensureWorkers(n: number): void {
  while (workers.length < n) {
    const worker = new Worker(new URL('./worker.js', import.meta.url));
    worker.unref();
    workers.push({ worker, known: new Set() });
  }
}

function runLocal(job: JsBands | WasmBands, k: number): number {
  if (job.engine === 'js') {
    if (job.kind === 'chain') return chainRange(job.bands[k] as ChainJob), 0;
    if (job.kind === 'project') return projectRange(job.bands[k] as ProjectJob), 0;
    return job.kind === 'forward' ? forwardBand(job.bands[k] as ForwardBand) : (backwardBand(job.bands[k] as BackwardBand), 0);
  }
  const ex = job.workspace.exports();
  return job.kind === 'forward' ? ex.forwardBand(job.params[k]!) : (ex.backwardBand(job.params[k]!), 0);
}

/** Runs band 0 here and the others on workers; returns the sum of the kernels' results (forward: pairs). */
export function runBands(job: JsBands | WasmBands): number {
  const n = job.engine === 'js' ? job.bands.length : job.params.length;
  if (n === 1) return runLocal(job, 0);
  if (n - 1 > MAX_WORKERS) throw new PersonaError(`splat: at most ${MAX_WORKERS + 1} threads are supported`);
  ensureWorkers(n - 1);
  for (let i = 1; i < n; i++) {
    const pw = workers[i - 1]!;
    Atomics.store(ctrl, (i - 1) * 2, 0);
    ctrl[(i - 1) * 2 + 1] = 0;
    const base = { type: 'job', kind: job.kind, slot: i - 1, ctrl: ctrlBuffer, errors: errorBuffer };
    if (job.engine === 'js') {
      pw.worker.postMessage({ ...base, engine: 'js', args: job.bands[i] });
    } else {
      const ws = job.workspace;
      let init: { memory: WebAssembly.Memory; module: WebAssembly.Module } | undefined;
      if (!pw.known.has(ws.id)) {
        init = { memory: ws.memory, module: getKernelModule() };
        pw.known.add(ws.id);
        if (!registered.has(ws)) { registered.add(ws); released.register(ws, ws.id); }
      }
      pw.worker.postMessage({ ...base, engine: 'wasm', wsId: ws.id, params: job.params[i], init });
    }
  }
  let failure: unknown;
  let total = 0;
  try {
    total += runLocal(job, 0);
  } catch (err) {
    failure = err;
  }
  return total + awaitWorkers(n, failure);
}

/**
 * Runs `fn(args[k])` of the ES module at URL `module` for k ≥ 1 on the pool's workers (each imports the module
 * once) and `local(args[0])` on the calling thread, then blocks until all are done. Arguments travel by
 * structured clone, so typed arrays on SharedArrayBuffers are shared (results come back through them).
 * Used by CPU work outside the rasterizer (the training losses' image bands).
 */
export function runTasks<A>(module: string, fn: string, args: A[], local: (arg: A) => void): void {
  const n = args.length;
  if (n === 0) return;
  if (n === 1) return local(args[0]!);
  if (n - 1 > MAX_WORKERS) throw new PersonaError(`splat: at most ${MAX_WORKERS + 1} threads are supported`);
  ensureWorkers(n - 1);
  for (let i = 1; i < n; i++) {
    Atomics.store(ctrl, (i - 1) * 2, 0);
    ctrl[(i - 1) * 2 + 1] = 0;
    workers[i - 1]!.worker.postMessage({ type: 'task', slot: i - 1, ctrl: ctrlBuffer, errors: errorBuffer, module, fn, args: args[i] });
  }
  let failure: unknown;
  try {
    local(args[0]!);
  } catch (err) {
    failure = err;
  }
  awaitWorkers(n, failure);
}

/** A task started with `startBackgroundTask`; `wait()` blocks until it is done (and rethrows its failure). */
export interface BackgroundTask {
  wait(): void;
}
let background: Worker | null = null;
let backgroundPending = false;
const bgCtrlBuffer = new SharedArrayBuffer(8);
const bgCtrl = new Int32Array(bgCtrlBuffer);
const bgErrors = new SharedArrayBuffer(1024);

/**
 * Starts `fn(arg)` of the ES module at URL `module` on a worker of its own (not one of `runTasks`'), so the
 * calling thread can go on — including with `runTasks` — and collect it later with `wait()`. One at a time.
 * Used by the trainer to compute the regularizers while the losses run (src/train/regularizers.ts).
 */
export function startBackgroundTask<A>(module: string, fn: string, arg: A): BackgroundTask {
  if (backgroundPending) throw new PersonaError('splat: a background task is already running', { hint: 'wait() for it first' });
  if (!background) {
    background = new Worker(new URL('./worker.js', import.meta.url));
    background.unref();
  }
  Atomics.store(bgCtrl, 0, 0);
  backgroundPending = true;
  background.postMessage({ type: 'task', slot: 0, ctrl: bgCtrlBuffer, errors: bgErrors, module, fn, args: arg });
  let done = false;
  return {
    wait(): void {
      if (done) return;
      done = true;
      const res = Atomics.wait(bgCtrl, 0, 0, WORKER_TIMEOUT_MS);
      backgroundPending = false;
      if (res === 'timed-out') {
        void background?.terminate();
        background = null;
        throw new PersonaError(`splat: a background task did not finish within ${WORKER_TIMEOUT_MS / 1000} s`, { hint: 'report this as a bug' });
      }
      if (Atomics.load(bgCtrl, 0) === 2) {
        const bytes = new Uint8Array(bgErrors, 0, 1024);
        const end = bytes.indexOf(0);
        throw new Error(`background task failed: ${new TextDecoder().decode(bytes.slice(0, end < 0 ? 1024 : end))}`);
      }
    },
  };
}

/** Waits for workers 1…n−1; returns the sum of their integer results or throws the first failure. */
function awaitWorkers(n: number, localFailure: unknown): number {
  let total = 0;
  let failure = localFailure;
  for (let i = 1; i < n; i++) {
    const res = Atomics.wait(ctrl, (i - 1) * 2, 0, WORKER_TIMEOUT_MS);
    if (res === 'timed-out') {
      shutdownRasterWorkers(); // a stuck worker cannot be reused safely
      throw new PersonaError(`splat: worker ${i} did not finish within ${WORKER_TIMEOUT_MS / 1000} s`, {
        hint: 'pass threads: 1 to rasterize on the calling thread, and report this as a bug',
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
  for (const w of workers) void w.worker.terminate();
  workers = [];
  if (background && !backgroundPending) {
    void background.terminate();
    background = null;
  }
}
