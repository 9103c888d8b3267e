/**
 * Worker entry of the rasterizer pool: runs one band of the forward or backward kernel (TypeScript or
 * WebAssembly) on shared memory, then signals completion through an Int32Array control block (pool.ts).
 */
import { parentPort } from 'node:worker_threads';
import { backwardBand, forwardBand, type BackwardBand, type ForwardBand } from './kernel.js';
import { instantiateKernels, type KernelExports } from './workspace.js';
import { chainRange, type ChainJob } from './chain.js';

interface Job {
  type: 'job';
  engine: 'js' | 'wasm';
  kind: 'forward' | 'backward' | 'chain';
  slot: number;
  ctrl: SharedArrayBuffer;
  errors: SharedArrayBuffer;
  args?: ForwardBand | BackwardBand | ChainJob;
  wsId?: number;
  params?: number;
  init?: { memory: WebAssembly.Memory; module: WebAssembly.Module };
}

const instances = new Map<number, KernelExports>();

parentPort?.on('message', (msg: Job | { type: 'release'; wsId: number }) => {
  if (msg.type === 'release') {
    instances.delete(msg.wsId);
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
