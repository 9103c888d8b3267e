import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { Linear } from '../../src/nn/linear.js';
import { GroupNorm, groupNormAffineRelu } from '../../src/nn/groupnorm.js';
import { reluBackward, reluForward, sigmoidBackward, sigmoidForward } from '../../src/nn/activations.js';
import { PersonaError } from '../../src/core/errors.js';
import { checkGradient, dot, randArray } from './fd.js';

test('Linear: forward is x·Wᵀ+b and backward matches finite differences (float64)', () => {
  const rng = new Rng(10);
  const n = 9, K = 6, O = 5;
  const lin = new Linear(K, O, { rng, dtype: Float64Array });
  const x = randArray(rng, n * K), proj = randArray(rng, n * O);
  const y = new Float64Array(n * O);
  const loss = () => {
    lin.forward(x, n, y);
    return dot(y, proj);
  };
  loss();
  assert.ok(Math.abs(y[0]! - (lin.bias![0]! + dot(x.subarray(0, K), lin.weight.subarray(0, K)))) < 1e-12);
  lin.zeroGrad();
  const dx = new Float64Array(n * K);
  lin.backward(x, proj, n, dx);
  const gw = Float64Array.from(lin.gradWeight), gb = Float64Array.from(lin.gradBias!);
  checkGradient('dW', lin.weight, gw, loss);
  checkGradient('db', lin.bias!, gb, loss);
  checkGradient('dx', x, dx, loss);
  // backward accumulates
  lin.backward(x, proj, n, null);
  assert.ok(Math.abs(lin.gradWeight[3]! - 2 * gw[3]!) < 1e-12);
});

test('Linear: PyTorch-style init bound and bad sizes', () => {
  const lin = new Linear(64, 8, { rng: new Rng(1) });
  const bound = 1 / 8;
  assert.ok(lin.weight.every((v) => Math.abs(v) <= bound));
  assert.ok(Math.max(...lin.weight.map(Math.abs)) > 0.9 * bound);
  assert.throws(() => new Linear(0, 3), PersonaError);
  assert.throws(() => lin.forward(new Float32Array(10), 2, new Float32Array(16)), /need 2×64/);
});

test('GroupNorm: per-row, per-group statistics, γ/β applied; matches a plain reference', () => {
  const rng = new Rng(11);
  const n = 3, C = 8, G = 4;
  const gn = new GroupNorm(C, G, { dtype: Float64Array });
  for (let c = 0; c < C; c++) {
    gn.gamma[c] = rng.uniform(0.5, 1.5);
    gn.beta[c] = rng.uniform(-0.5, 0.5);
  }
  const x = randArray(rng, n * C, -2, 3);
  const y = new Float64Array(n * C);
  gn.forward(x, y, n, new Float64Array(n * G));
  for (let r = 0; r < n; r++)
    for (let g = 0; g < G; g++) {
      const vals = [0, 1].map((j) => x[r * C + g * 2 + j]!);
      const mean = (vals[0]! + vals[1]!) / 2;
      const v = ((vals[0]! - mean) ** 2 + (vals[1]! - mean) ** 2) / 2;
      for (let j = 0; j < 2; j++) {
        const c = g * 2 + j;
        const ref = ((vals[j]! - mean) / Math.sqrt(v + 1e-5)) * gn.gamma[c]! + gn.beta[c]!;
        assert.ok(Math.abs(y[r * C + c]! - ref) < 1e-12);
      }
    }
});

test('groupNormAffineRelu in place on one row (the browser pose offsets) gives the bits of GroupNorm.normalizeAffineRelu', () => {
  const rng = new Rng(12);
  const C = 16, G = 4;
  const gn = new GroupNorm(C, G); // float32, one row: the plain-loop path
  for (let c = 0; c < C; c++) {
    gn.gamma[c] = rng.uniform(0.5, 1.5);
    gn.beta[c] = rng.uniform(-0.5, 0.5);
  }
  const x = Float32Array.from(randArray(rng, C, -2, 3));
  const y = new Float32Array(C);
  gn.normalizeAffineRelu(Float32Array.from(x), new Float32Array(G), y, 1);
  const row = Float32Array.from(x);
  groupNormAffineRelu(row, null, row, 1, C, G, gn.gamma, gn.beta);
  assert.deepEqual([...row], [...y]);
  assert.ok(y.some((v) => v === 0) && y.some((v) => v > 0), 'the ReLU clips some channels and passes others');
  // The old per-row loop of src/avatar/pose.ts (z > 0 ? z : 0, (y − μ)²), bit for bit.
  const old = Float32Array.from(x);
  for (let g = 0; g < G; g++) {
    let mean = 0;
    for (let i = g * 4; i < (g + 1) * 4; i++) mean += old[i]!;
    mean /= 4;
    let v = 0;
    for (let i = g * 4; i < (g + 1) * 4; i++) v += (old[i]! - mean) ** 2;
    const inv = 1 / Math.sqrt(v / 4 + 1e-5);
    for (let i = g * 4; i < (g + 1) * 4; i++) {
      const z = (old[i]! - mean) * inv * gn.gamma[i]! + gn.beta[i]!;
      old[i] = z > 0 ? z : 0;
    }
  }
  assert.deepEqual([...row], [...old]);
});

test('GroupNorm: backward matches finite differences (float64)', () => {
  const rng = new Rng(12);
  const n = 5, C = 12, G = 3;
  const gn = new GroupNorm(C, G, { dtype: Float64Array });
  for (let c = 0; c < C; c++) {
    gn.gamma[c] = rng.uniform(0.5, 1.5);
    gn.beta[c] = rng.uniform(-0.5, 0.5);
  }
  const x = randArray(rng, n * C), proj = randArray(rng, n * C);
  const y = new Float64Array(n * C), rstd = new Float64Array(n * G);
  const loss = () => {
    gn.forward(x, y, n, rstd);
    return dot(y, proj);
  };
  // saved state for backward
  const xhat = Float64Array.from(x);
  gn.normalizeInPlace(xhat, rstd, n);
  gn.zeroGrad();
  const dx = new Float64Array(n * C);
  gn.backward(proj, xhat, rstd, n, dx);
  checkGradient('dx', x, dx, loss, { samples: 60 });
  checkGradient('dγ', gn.gamma, Float64Array.from(gn.gradGamma), loss);
  checkGradient('dβ', gn.beta, Float64Array.from(gn.gradBeta), loss);
  assert.throws(() => new GroupNorm(10, 4), PersonaError);
});

test('ReLU and sigmoid backward match finite differences', () => {
  const rng = new Rng(13);
  const len = 50;
  const x = randArray(rng, len, -2, 2), proj = randArray(rng, len);
  const y = new Float64Array(len), dx = new Float64Array(len);
  const lossRelu = () => {
    reluForward(x, y, len);
    return dot(y, proj);
  };
  lossRelu();
  reluBackward(y, proj, dx, len);
  checkGradient('relu', x, dx, lossRelu, { samples: len });
  const lossSig = () => {
    sigmoidForward(x, y, len);
    return dot(y, proj);
  };
  lossSig();
  sigmoidBackward(y, proj, dx, len);
  checkGradient('sigmoid', x, dx, lossSig, { samples: len });
});

test('GroupNorm.normalizeAffineRelu equals normalizeInPlace + affine(relu)', () => {
  const rng = new Rng(14);
  const n = 7, C = 16, G = 4;
  const gn = new GroupNorm(C, G, { dtype: Float64Array });
  for (let c = 0; c < C; c++) {
    gn.gamma[c] = rng.uniform(0.5, 1.5);
    gn.beta[c] = rng.uniform(-0.5, 0.5);
  }
  const x = randArray(rng, n * C);
  const a = Float64Array.from(x), b = Float64Array.from(x);
  const ra = new Float64Array(n * G), rb = new Float64Array(n * G);
  const ya = new Float64Array(n * C), yb = new Float64Array(n * C);
  gn.normalizeInPlace(a, ra, n);
  gn.affine(a, ya, n, true);
  gn.normalizeAffineRelu(b, rb, yb, n);
  assert.deepEqual(b, a);
  assert.deepEqual(rb, ra);
  for (let i = 0; i < ya.length; i++) assert.ok(Math.abs(ya[i]! - yb[i]!) < 1e-15);
  assert.ok(ya.some((v) => v === 0) && ya.every((v) => v >= 0));
});
