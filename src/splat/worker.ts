/**
 * Worker entry of the rasterizer pool: runs one band of the forward or backward kernel (TypeScript or
 * WebAssembly) on shared memory, then signals completion through an Int32Array control block (pool.ts).
 */
import { parentPort } from 'node:worker_threads';
import { backwardBand, forwardBand, type BackwardBand, type ForwardBand } from './kernel.js';
import { instantiateKernels, type KernelExports } from './workspace.js';
import { chainRange, type ChainJob } from './chain.js';
import { projectRange, type ProjectJob } from './projectRange.js';

interface Job {
  type: 'job';
  engine: 'js' | 'wasm';
  kind: 'forward' | 'backward' | 'chain' | 'project';
  slot: number;
  ctrl: SharedArrayBuffer;
  errors: SharedArrayBuffer;
  args?: ForwardBand | BackwardBand | ChainJob | ProjectJob;
  wsId?: number;
  params?: number;
  init?: { memory: WebAssembly.Memory; module: WebAssembly.Module };
}

const instances = new Map<number, KernelExports>();

/** A function of an ES module run on this worker (pool.ts `runTasks`). */
interface Task {
  type: 'task';
  slot: number;
  ctrl: SharedArrayBuffer;
  errors: SharedArrayBuffer;
  module: string;
  fn: string;
  args: unknown;
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

function signal(ctrlBuf: SharedArrayBuffer, errors: SharedArrayBuffer, slot: number, err: unknown): void {
  const ctrl = new Int32Array(ctrlBuf);
  if (err !== undefined) {
    const text = new TextEncoder().encode(String(err instanceof Error ? err.stack ?? err.message : err)).subarray(0, 1023);
    const view = new Uint8Array(errors, slot * 1024, 1024);
    view.fill(0);
    view.set(text);
  }
  Atomics.store(ctrl, slot * 2, err === undefined ? 1 : 2);
  Atomics.notify(ctrl, slot * 2);
}

async function runTask(task: Task): Promise<void> {
  try {
    let mod = modules.get(task.module);
    if (!mod) modules.set(task.module, (mod = import(task.module) as Promise<Record<string, unknown>>));
    const f = (await mod)[task.fn];
    if (typeof f !== 'function') throw new Error(`${task.module} has no function ${task.fn}`);
    (f as (a: unknown) => void)(task.args);
    signal(task.ctrl, task.errors, task.slot, undefined);
  } catch (err) {
    signal(task.ctrl, task.errors, task.slot, err ?? new Error('task failed'));
  }
}

parentPort?.on('message', (msg: Job | Task | { type: 'release'; wsId: number }) => {
  if (msg.type === 'release') {
    instances.delete(msg.wsId);
    return;
  }
  if (msg.type === 'task') {
    void runTask(msg);
    return;
  }
  const job = msg;
  const ctrl = new Int32Array(job.ctrl);
  let status = 1;
  try {
    let result = 0;
    if (job.engine === 'js') {
      if (job.kind === 'forward') result = forwardBand(job.args as ForwardBand);
      else if (job.kind === 'chain') chainRange(job.args as ChainJob);
      else if (job.kind === 'project') projectRange(job.args as ProjectJob);
      else backwardBand(job.args as BackwardBand);
    } else {
      if (job.init) instances.set(job.wsId!, instantiateKernels(job.init.memory, job.init.module));
      const ex = instances.get(job.wsId!);
      if (!ex) throw new Error(`no kernels for workspace ${job.wsId}`);
      if (job.kind === 'forward') result = ex.forwardBand(job.params!);
      else ex.backwardBand(job.params!);
    }
    ctrl[job.slot * 2 + 1] = result;
  } catch (err) {
    status = 2;
    const text = new TextEncoder().encode(String(err instanceof Error ? err.stack ?? err.message : err)).subarray(0, 1023);
    const view = new Uint8Array(job.errors, job.slot * 1024, 1024);
    view.fill(0);
    view.set(text);
  }
  Atomics.store(ctrl, job.slot * 2, status);
  Atomics.notify(ctrl, job.slot * 2);
});
