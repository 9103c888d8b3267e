import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symmetricEigen, solveSpd } from '../../src/body/linalg.js';
import { macroFactorWeights, macroTargetWeights, parseMacroTargetFile } from '../../src/body/phenotype.js';
import { forwardKinematics, linearBlendSkinning } from '../../src/body/skinning.js';
import { axisAngleToMatrix } from '../../src/core/rotation.js';
import { Rng } from '../../src/core/rng.js';

test('symmetricEigen: A·v = λ·v, orthonormal vectors, descending values', () => {
  const rng = new Rng(2), n = 12;
  const B = Float64Array.from({ length: n * n }, () => rng.normal());
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < n; k++) s += B[i * n + k]! * B[j * n + k]!; A[i * n + j] = s; }
  const { values, vectors } = symmetricEigen(A, n);
  for (let k = 0; k < n; k++) {
    if (k > 0) assert.ok(values[k - 1]! >= values[k]!);
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += A[i * n + j]! * vectors[j * n + k]!;
      assert.ok(Math.abs(av - values[k]! * vectors[i * n + k]!) < 1e-8);
    }
    for (let l = 0; l < n; l++) { let d = 0; for (let i = 0; i < n; i++) d += vectors[i * n + k]! * vectors[i * n + l]!; assert.ok(Math.abs(d - (k === l ? 1 : 0)) < 1e-10); }
  }
});

test('solveSpd solves A·X = B for several right-hand sides', () => {
  const A = Float64Array.from([4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2]);
  const B = Float64Array.from([1, 0, 2, 1, 3, -1]);
  const X = solveSpd(A, B, 3, 2);
  for (let c = 0; c < 2; c++) for (let i = 0; i < 3; i++) {
    let s = 0; for (let k = 0; k < 3; k++) s += A[i * 3 + k]! * X[k * 2 + c]!;
    assert.ok(Math.abs(s - B[i * 2 + c]!) < 1e-12);
  }
});

test('MakeHuman macro factor weights: each group sums to 1 and hits the anchors', () => {
  const rng = new Rng(4);
  for (let t = 0; t < 50; t++) {
    const p = { gender: rng.next(), age: rng.next(), muscle: rng.next(), weight: rng.next(), height: rng.next(), proportions: rng.next() };
    const w = macroFactorWeights(p);
    const sum = (ks: string[]): number => ks.reduce((s, k) => s + w[k]!, 0);
    assert.ok(Math.abs(sum(['female', 'male']) - 1) < 1e-12);
    assert.ok(Math.abs(sum(['baby', 'child', 'young', 'old']) - 1) < 1e-12);
    assert.ok(Math.abs(sum(['minmuscle', 'averagemuscle', 'maxmuscle']) - 1) < 1e-12);
    assert.ok(Math.abs(sum(['african', 'asian', 'caucasian']) - 1) < 1e-12);
    assert.ok(w.minheight! * w.maxheight! === 0);
  }
  const a = macroFactorWeights({ age: 0.1875, muscle: 1, height: 0.5, proportions: 1 });
  assert.equal(a.child, 1); assert.equal(a.maxmuscle, 1); assert.equal(a.minheight, 0); assert.equal(a.maxheight, 0); assert.equal(a.idealproportions, 1);
  const t = parseMacroTargetFile('height/female-young-averagemuscle-minweight-maxheight.target.gz')!;
  assert.deepEqual(t.factors, ['female', 'young', 'averagemuscle', 'minweight', 'maxheight']);
  assert.equal(parseMacroTargetFile('macro.json'), undefined);
  const [tw] = macroTargetWeights([t], { gender: 0.25, age: 0.5, muscle: 0.5, weight: 0.25, height: 0.75 });
  assert.ok(Math.abs(tw! - 0.75 * 1 * 1 * 0.5 * 0.5) < 1e-12);
});

test('linearBlendSkinning matches a plain per-vertex blended-matrix reference', () => {
  const rng = new Rng(8);
  const J = 5, V = 40, K = 3;
  const parents = Int32Array.from([-1, 0, 1, 1, 3]);
  const restJ = Float64Array.from({ length: J * 3 }, () => rng.uniform(-1, 1));
  const R = new Float64Array(J * 9);
  for (let j = 0; j < J; j++) R.set(axisAngleToMatrix(rng.normal(), rng.normal(), rng.normal()), j * 9);
  const G = new Float64Array(J * 12), A = new Float64Array(J * 12);
  forwardKinematics(parents, restJ, R, G, A);
  // Reference FK with 4×4 matrices.
  const M: number[][][] = [];
  for (let j = 0; j < J; j++) {
    const p = parents[j]!;
    const t = p < 0 ? [restJ[j * 3]!, restJ[j * 3 + 1]!, restJ[j * 3 + 2]!] : [0, 1, 2].map((c) => restJ[j * 3 + c]! - restJ[p * 3 + c]!);
    const L = [[R[j * 9]!, R[j * 9 + 1]!, R[j * 9 + 2]!, t[0]!], [R[j * 9 + 3]!, R[j * 9 + 4]!, R[j * 9 + 5]!, t[1]!], [R[j * 9 + 6]!, R[j * 9 + 7]!, R[j * 9 + 8]!, t[2]!], [0, 0, 0, 1]];
    M.push(p < 0 ? L : [0, 1, 2, 3].map((a) => [0, 1, 2, 3].map((b) => [0, 1, 2, 3].reduce((s, k) => s + M[p]![a]![k]! * L[k]![b]!, 0))));
  }
  const rest = Float32Array.from({ length: V * 3 }, () => rng.uniform(-1, 1));
  const joints = new Uint16Array(V * K), weights = new Float32Array(V * K);
  for (let v = 0; v < V; v++) { let s = 0; for (let k = 0; k < K; k++) { joints[v * K + k] = rng.int(J); weights[v * K + k] = rng.next(); s += weights[v * K + k]!; } for (let k = 0; k < K; k++) weights[v * K + k]! /= s; }
  const out = new Float64Array(V * 3);
  linearBlendSkinning(rest, { influences: K, joints, weights }, A, [0.5, -0.25, 1], out);
  for (let v = 0; v < V; v++) {
    const x = [rest[v * 3]!, rest[v * 3 + 1]!, rest[v * 3 + 2]!];
    const ref = [0.5, -0.25, 1];
    for (let k = 0; k < K; k++) {
      const j = joints[v * K + k]!, w = weights[v * K + k]!;
      const y = [0, 1, 2].map((c) => x[c]! - restJ[j * 3 + c]!);
      for (let a = 0; a < 3; a++) ref[a]! += w * (M[j]![a]![0]! * y[0]! + M[j]![a]![1]! * y[1]! + M[j]![a]![2]! * y[2]! + M[j]![a]![3]!);
    }
    for (let a = 0; a < 3; a++) assert.ok(Math.abs(out[v * 3 + a]! - ref[a]!) < 1e-9);
  }
});
