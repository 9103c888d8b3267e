import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { Mlp } from '../../src/nn/mlp.js';
import { PoseOffsetMlp } from '../../src/nn/pose-mlp.js';
import { checkGradient, dot, randArray } from './fd.js';

/** Plain reference forward of an Mlp from its parameters (no caching, float64). */
function referenceMlp(mlp: Mlp, x: Float64Array, n: number): Float64Array {
  let a = x, width = mlp.inDim;
  const L = mlp.hidden.length;
  for (let k = 0; k <= L; k++) {
    const lin = mlp.layers[k]!;
    const out = new Float64Array(n * lin.outDim);
    for (let r = 0; r < n; r++)
      for (let o = 0; o < lin.outDim; o++) {
        let s = lin.bias![o]!;
        for (let i = 0; i < width; i++) s += a[r * width + i]! * lin.weight[o * width + i]!;
        out[r * lin.outDim + o] = s;
      }
    if (k < L) {
      const gn = mlp.norms[k];
      const C = lin.outDim;
      if (gn) {
        const cg = C / gn.groups;
        for (let r = 0; r < n; r++)
          for (let g = 0; g < gn.groups; g++) {
            let m = 0, v = 0;
            for (let j = 0; j < cg; j++) m += out[r * C + g * cg + j]!;
            m /= cg;
            for (let j = 0; j < cg; j++) v += (out[r * C + g * cg + j]! - m) ** 2;
            v /= cg;
            for (let j = 0; j < cg; j++) {
              const c = g * cg + j;
              out[r * C + c] = ((out[r * C + c]! - m) / Math.sqrt(v + gn.eps)) * gn.gamma[c]! + gn.beta[c]!;
            }
          }
      }
      for (let i = 0; i < out.length; i++) out[i] = Math.max(0, out[i]!);
    }
    a = out;
    width = lin.outDim;
  }
  return a;
}

function perturbNorms(mlp: Mlp, rng: Rng): void {
  for (const gn of mlp.norms)
    for (let c = 0; c < gn.channels; c++) {
      gn.gamma[c] = rng.uniform(0.5, 1.5);
      gn.beta[c] = rng.uniform(-0.3, 0.3);
    }
}

for (const [groups, hidden] of [[4, [8, 12, 8]], [0, [8, 12, 8]], [4, [8, 8]], [4, [12]], [0, [8, 8]]] as [number, number[]][]) {
  test(`Mlp (groups=${groups}, hidden ${hidden.join('-')}): forward matches reference; backward matches finite differences`, () => {
    const rng = new Rng(20 + groups + hidden.length);
    const n = 6, inDim = 7, outDim = 3;
    const mlp = new Mlp({ inDim, outDim, hidden, groups, rng, dtype: Float64Array });
    perturbNorms(mlp, rng);
    const x = randArray(rng, n * inDim), proj = randArray(rng, n * outDim);
    const y = mlp.forward(x, n);
    const ref = referenceMlp(mlp, x, n);
    for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(y[i]! - ref[i]!) < 1e-12);
    mlp.zeroGrad();
    const dx = new Float64Array(n * inDim);
    mlp.backward(x, proj, n, dx);
    const loss = () => dot(referenceMlp(mlp, x, n), proj);
    checkGradient('dx', x, dx, loss, { samples: 42 });
    for (const p of mlp.params()) checkGradient(p.name, p.value, Float64Array.from(p.grad), loss, { samples: 15 });
  });
}

test('Mlp: buffers grow and shrink across calls of different n without changing results', () => {
  const rng = new Rng(30);
  const mlp = new Mlp({ inDim: 5, outDim: 3, hidden: [8, 8], groups: 4, rng, dtype: Float64Array });
  const xs = randArray(rng, 3 * 5), xl = randArray(rng, 50 * 5);
  const small1 = Float64Array.from(mlp.forward(xs, 3));
  mlp.forward(xl, 50);
  const small2 = Float64Array.from(mlp.forward(xs, 3));
  assert.deepEqual(small1, small2);
  assert.equal(mlp.parameterCount(), 5 * 8 + 8 + 16 + 8 * 8 + 8 + 16 + 8 * 3 + 3);
});

test('PoseOffsetMlp equals the plain Mlp on [feature, condition[g(n)]] and its gradients', () => {
  const rng = new Rng(40);
  const n = 11, F = 6, P = 5, M = 3, H = [8, 8, 8];
  const pm = new PoseOffsetMlp({ featDim: F, condDim: P, hidden: H, groups: 4, rng, dtype: Float64Array });
  for (const gn of pm.trunk.norms) for (let c = 0; c < gn.channels; c++) gn.beta[c] = rng.uniform(-0.3, 0.3);
  const dense = new Mlp({ inDim: F + P, outDim: 3, hidden: H, groups: 4, dtype: Float64Array });
  // Copy weights: dense first layer = [W_f | W_c]; everything else equal.
  const l0 = pm.trunk.layers[0]!, d0 = dense.layers[0]!;
  for (let o = 0; o < 8; o++) {
    for (let i = 0; i < F; i++) d0.weight[o * (F + P) + i] = l0.weight[o * F + i]!;
    for (let i = 0; i < P; i++) d0.weight[o * (F + P) + F + i] = pm.condLinear.weight[o * P + i]!;
    d0.bias![o] = l0.bias![o]!;
  }
  for (let k = 1; k < dense.layers.length; k++) {
    dense.layers[k]!.weight.set(pm.trunk.layers[k]!.weight);
    dense.layers[k]!.bias!.set(pm.trunk.layers[k]!.bias!);
  }
  for (let k = 0; k < dense.norms.length; k++) {
    dense.norms[k]!.gamma.set(pm.trunk.norms[k]!.gamma);
    dense.norms[k]!.beta.set(pm.trunk.norms[k]!.beta);
  }
  const feat = randArray(rng, n * F), cond = randArray(rng, M * P), proj = randArray(rng, n * 3);
  const gIdx = Int32Array.from({ length: n }, (_, i) => i % M);
  const x = new Float64Array(n * (F + P));
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < F; i++) x[r * (F + P) + i] = feat[r * F + i]!;
    for (let i = 0; i < P; i++) x[r * (F + P) + F + i] = cond[gIdx[r]! * P + i]!;
  }
  const y1 = Float64Array.from(pm.forward(feat, cond, gIdx, n, M));
  const y2 = dense.forward(x, n);
  for (let i = 0; i < y1.length; i++) assert.ok(Math.abs(y1[i]! - y2[i]!) < 1e-12);
  pm.zeroGrad();
  dense.zeroGrad();
  const dFeat = new Float64Array(n * F), dx = new Float64Array(n * (F + P));
  pm.backward(feat, cond, gIdx, proj, n, M, dFeat);
  dense.backward(x, proj, n, dx);
  for (let r = 0; r < n; r++) for (let i = 0; i < F; i++) assert.ok(Math.abs(dFeat[r * F + i]! - dx[r * (F + P) + i]!) < 1e-12);
  for (let o = 0; o < 8; o++)
    for (let i = 0; i < P; i++) assert.ok(Math.abs(pm.condLinear.gradWeight[o * P + i]! - d0.gradWeight[o * (F + P) + F + i]!) < 1e-12);
  // And a direct finite-difference check of the condition weight gradient.
  const loss = () => dot(pm.forward(feat, cond, gIdx, n, M), proj);
  checkGradient('W_cond', pm.condLinear.weight, Float64Array.from(pm.condLinear.gradWeight), loss);
  assert.throws(() => pm.forward(feat, cond, Int32Array.from({ length: n }, () => M), n, M), /outside/);
});

test('float32 PoseOffsetMlp (WASM SIMD path) agrees with its float64 twin', () => {
  const rng = new Rng(60);
  const n = 203, F = 96, P = 126, M = 9;
  const m64 = new PoseOffsetMlp({ featDim: F, condDim: P, hidden: [128, 128, 128], groups: 4, rng, dtype: Float64Array });
  const m32 = new PoseOffsetMlp({ featDim: F, condDim: P, hidden: [128, 128, 128], groups: 4, dtype: Float32Array });
  const p64 = m64.params(), p32 = m32.params();
  for (let i = 0; i < p64.length; i++) {
    p32[i]!.value.set(p64[i]!.value);
    p64[i]!.value.set(p32[i]!.value); // identical float32-representable weights
  }
  const feat = randArray(rng, n * F).map(Math.fround), cond = randArray(rng, M * P).map(Math.fround);
  const dOut = randArray(rng, n * 3).map(Math.fround);
  const g = Int32Array.from({ length: n }, () => rng.int(M));
  const y64 = Float64Array.from(m64.forward(feat, cond, g, n, M));
  const y32 = m32.forward(Float32Array.from(feat), Float32Array.from(cond), g, n, M);
  for (let i = 0; i < y64.length; i++) assert.ok(Math.abs(y32[i]! - y64[i]!) < 1e-4 * (1 + Math.abs(y64[i]!)), `y[${i}]`);
  m64.zeroGrad();
  m32.zeroGrad();
  const d64 = new Float64Array(n * F), d32 = new Float32Array(n * F);
  m64.backward(feat, cond, g, dOut, n, M, d64);
  m32.backward(Float32Array.from(feat), Float32Array.from(cond), g, Float32Array.from(dOut), n, M, d32);
  for (let i = 0; i < d64.length; i++) assert.ok(Math.abs(d32[i]! - d64[i]!) < 1e-4 * (1 + Math.abs(d64[i]!)), `dFeat[${i}]`);
  for (let k = 0; k < p64.length; k++) {
    const a = p32[k]!.grad, b = p64[k]!.grad;
    let scale = 0;
    for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
    for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-4 * (1 + scale), `${p64[k]!.name}[${i}]`);
  }
});
