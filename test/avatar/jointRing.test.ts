import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jointHopDistances, jointRingMask, mainJoints } from '../../src/avatar/jointRing.js';

// A chain 0-1-2-3-4-5-6 with a branch 7 off joint 1.
const parents = Int32Array.from([-1, 0, 1, 2, 3, 4, 5, 1]);

test('hop distances follow the kinematic tree', () => {
  const d = jointHopDistances(parents);
  assert.equal(d[0 * 8 + 6], 6);
  assert.equal(d[7 * 8 + 2], 2);
  assert.equal(d[7 * 8 + 6], 6);
  assert.equal(d[3 * 8 + 3], 0);
});

test('the 4-ring mask keeps joints within 4 hops of the main joint only', () => {
  const mask = jointRingMask(parents, [0, 6], [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual([...mask.subarray(0, 8)], [1, 1, 1, 1, 1, 0, 0, 1]);
  assert.deepEqual([...mask.subarray(8, 16)], [0, 0, 1, 1, 1, 1, 1, 0]);
});

test('main joint is the influence with the largest weight', () => {
  assert.deepEqual([...mainJoints([3, 5, 7, 2], [0.4, 0.6, 0.9, 0.1], 2)], [5, 7]);
});
