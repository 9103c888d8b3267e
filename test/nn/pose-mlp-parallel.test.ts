/**
 * Row-parallel PoseOffsetMlp (chunks of rows on the worker pool) against one thread: output and dL/dfeat
 * bit-identical, parameter gradients equal to float32 rounding and repeatable.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { PoseOffsetMlp, rowChunks, setNnTaskRunner, setNnThreads, Triplane } from '../../src/nn/index.js';
import { runTasks, shutdownRasterWorkers } from '../../src/splat/index.js';

after(() => { setNnTaskRunner(null); setNnThreads(undefined); shutdownRasterWorkers(); });

const featDim = 24, condDim = 18, m = 7, n = 6151; // n: not a multiple of 4 (ragged GEMM tail)

function run(threads: number): { out: Float32Array; dFeat: Float32Array; grads: Float32Array[] } {
  setNnThreads(threads);
  setNnTaskRunner(threads > 1 ? runTasks : null);
  const mlp = new PoseOffsetMlp({ featDim, condDim, hidden: [32, 32, 32], groups: 4, rng: new Rng(3), dtype: Float32Array });
  const rng = new Rng(9);
  const feat = Float32Array.from({ length: n * featDim }, () => rng.uniform(-1, 1));
  const cond = Float32Array.from({ length: m * condDim }, () => rng.uniform(-1, 1));
  const idx = Uint16Array.from({ length: n }, () => Math.floor(rng.next() * m));
  const dOut = Float32Array.from({ length: n * 3 }, () => rng.uniform(-1, 1));
  const out = Float32Array.from(mlp.forward(feat, cond, idx, n, m));
  const dFeat = new Float32Array(n * featDim);
  mlp.zeroGrad();
  mlp.backward(feat, cond, idx, dOut, n, m, dFeat);
  return { out, dFeat, grads: mlp.params().map((p) => Float32Array.from(p.grad)) };
}

test('rowChunks: chunks start at multiples of 4 and cover the rows', () => {
  assert.deepEqual(rowChunks(6151, 2), [0, 3076, 6151]);
  assert.deepEqual(rowChunks(10, 3), [0, 4, 8, 10]);
});

test('PoseOffsetMlp on 2 and 3 threads equals 1 thread (output, dFeat exact; gradients to rounding); repeatable', () => {
  const one = run(1);
  for (const t of [2, 3]) {
    const par = run(t);
    assert.deepEqual(par.out, one.out, `output, ${t} threads`);
    assert.deepEqual(par.dFeat, one.dFeat, `dFeat, ${t} threads`);
    for (let k = 0; k < one.grads.length; k++) {
      const a = one.grads[k]!, b = par.grads[k]!;
      let scale = 0;
      for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]!));
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-4 * scale, `param ${k}[${i}]: ${b[i]} vs ${a[i]} (${t} threads)`);
    }
    const again = run(t);
    assert.deepEqual(again.grads, par.grads, `repeatable, ${t} threads`);
  }
});

test('the triplane samples by point ranges and scatters its gradient by channel ranges on the pool, bit-identical to one thread', () => {
  const n = 5003, rng = new Rng(12);
  const pts = Float32Array.from({ length: 3 * n }, () => rng.uniform(-1.1, 1.1)); // some outside the cube (zero padding)
  const dFeat = Float32Array.from({ length: n * 3 * 6 }, () => rng.uniform(-1, 1));
  const planes = Float32Array.from({ length: 3 * 12 * 12 * 6 }, () => rng.uniform(-1, 1));
  const runs = [1, 2].map((threads) => {
    setNnThreads(threads);
    setNnTaskRunner(threads > 1 ? runTasks : null);
    const tp = new Triplane({ channels: 6, resolution: 12, extent: 2 });
    tp.planes.set(planes);
    const taps = tp.taps(pts, n, [0, 0, 0]);
    const out = new Float32Array(n * tp.featDim); // not shared: the pool's result is copied back
    tp.sample(taps, out);
    tp.zeroGrad();
    tp.backward(taps, dFeat);
    tp.backward(taps, dFeat); // accumulates
    return { out, grad: Float32Array.from(tp.grad) };
  });
  assert.ok(runs[0]!.out.some((v) => v !== 0) && runs[0]!.grad.some((v) => v !== 0));
  assert.deepEqual(runs[1]!.out, runs[0]!.out);
  assert.deepEqual(runs[1]!.grad, runs[0]!.grad);
});
