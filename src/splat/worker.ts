/**
 * Worker entry of the rasterizer pool: runs one band of the forward or backward kernel on buffers that
 * live in SharedArrayBuffers, then signals completion through an Int32Array control block (see pool.ts).
 */
import { parentPort } from 'node:worker_threads';
import { backwardBand, forwardBand, type BackwardBand, type ForwardBand } from './kernel.js';

interface Job {
  kind: 'forward' | 'backward';
  slot: number;
  ctrl: SharedArrayBuffer;
  errors: SharedArrayBuffer;
  args: ForwardBand | BackwardBand;
}

parentPort?.on('message', (job: Job) => {
  const ctrl = new Int32Array(job.ctrl);
  let status = 1;
  try {
    if (job.kind === 'forward') ctrl[job.slot * 2 + 1] = forwardBand(job.args as ForwardBand);
    else backwardBand(job.args as BackwardBand);
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
