import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { jointRingMask, poseConditionTable } from '../../src/nn/pose-condition.js';
import { PoseOffsetMlp } from '../../src/nn/pose-mlp.js';
import { randArray } from './fd.js';

// A chain 0-1-2-3-4-5-6 with a branch 2-7.
const PARENTS = [-1, 0, 1, 2, 3, 4, 5, 2];

test('jointRingMask: joints within 4 tree edges, symmetric', () => {
  const J = PARENTS.length, m = jointRingMask(PARENTS);
  const at = (a: number, b: number) => m[a * J + b];
  assert.equal(at(0, 4), 1);
  assert.equal(at(0, 5), 0);
  assert.equal(at(7, 5), 1); // 7-2-3-4-5: 4 edges
  assert.equal(at(7, 6), 0); // 5 edges
  for (let a = 0; a < J; a++) for (let b = 0; b < J; b++) assert.equal(at(a, b), at(b, a));
  assert.equal(jointRingMask(PARENTS, 0).reduce((s, v) => s + v, 0), J);
  assert.throws(() => jointRingMask([-1, 5]), /outside/);
});

test('poseConditionTable zeroes joints outside the main joint’s ring', () => {
  const J = PARENTS.length, mask = jointRingMask(PARENTS, 1);
  const inputs = [1, 6]; // two input joints
  const rot = Float32Array.from({ length: 12 }, (_, i) => i + 1);
  const t = poseConditionTable(rot, inputs, mask, J);
  assert.deepEqual([...t.subarray(0, 12)], [1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0]); // main joint 0: joint 1 near, 6 far
  assert.deepEqual([...t.subarray(5 * 12, 6 * 12)], [0, 0, 0, 0, 0, 0, 7, 8, 9, 10, 11, 12]); // main joint 5
});

test('PoseOffsetMlp.forwardFrozen equals forward', () => {
  const rng = new Rng(70);
  const n = 90, F = 12, P = 12, M = 8;
  const pm = new PoseOffsetMlp({ featDim: F, condDim: P, hidden: [16, 16], groups: 4, rng });
  const feat = Float32Array.from(randArray(rng, n * F)), cond = Float32Array.from(randArray(rng, M * P));
  const g = Int32Array.from({ length: n }, () => rng.int(M));
  const a = Float32Array.from(pm.forward(feat, cond, g, n, M));
  pm.freezeFeatures(feat, n);
  const b = pm.forwardFrozen(cond, g, M);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-6);
});
