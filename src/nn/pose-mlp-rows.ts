/**
 * Worker side of the row-parallel `PoseOffsetMlp` (pose-mlp.ts): each worker keeps a twin of the network
 * (same shape) whose weights are refreshed from shared memory at every forward, runs the forward on its rows
 * (keeping the activations for the backward), and on the backward writes its rows of dL/dfeat and its
 * partial parameter gradients to shared memory. Loaded by URL by the pool's workers.
 */
import { PoseOffsetMlp } from './pose-mlp.js';

/** Shape of the network (to build a twin). */
export interface PoseMlpSpec {
  featDim: number;
  condDim: number;
  outDim: number;
  hidden: number[];
  groups: number;
}

/** One chunk of rows. Arrays except `cond` are views on SharedArrayBuffers. */
export interface PoseMlpRowsJob {
  kind: 'forward' | 'backward';
  /** Identifies the network (one twin per network per worker). */
  id: number;
  spec: PoseMlpSpec;
  /** All parameter values, concatenated in `params()` order (forward). */
  params: Float32Array;
  feat: Float32Array;
  cond: Float32Array;
  condIndex: Int32Array;
  n: number;
  m: number;
  /** forward: the chunk's output rows. */
  out: Float32Array;
  /** backward: the chunk's dL/dout rows, its dL/dfeat rows (or null) and its parameter gradients. */
  dOut: Float32Array;
  dFeat: Float32Array | null;
  grads: Float32Array;
}

const twins = new Map<number, PoseOffsetMlp>();

/** Runs one chunk (see the module comment). */
export function poseMlpRows(job: PoseMlpRowsJob): void {
  let twin = twins.get(job.id);
  if (!twin) {
    twin = new PoseOffsetMlp({ ...job.spec, dtype: Float32Array });
    twins.set(job.id, twin);
  }
  const params = twin.params();
  if (job.kind === 'forward') {
    let o = 0;
    for (const p of params) { p.value.set(job.params.subarray(o, o + p.value.length)); o += p.value.length; }
    job.out.set(twin.forward(job.feat, job.cond, job.condIndex, job.n, job.m).subarray(0, job.n * job.spec.outDim));
    return;
  }
  twin.zeroGrad();
  twin.backward(job.feat, job.cond, job.condIndex, job.dOut, job.n, job.m, job.dFeat);
  let o = 0;
  for (const p of params) { job.grads.set(p.grad, o); o += p.grad.length; }
}
