import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mainJoints, poseInputJoints } from '../../src/avatar/model.js';
import { loadBodyModel } from '../../src/body/model.js';

test('main joint is the influence with the largest weight', () => {
  assert.deepEqual([...mainJoints([3, 5, 7, 2], [0.4, 0.6, 0.9, 0.1], 2)], [5, 7]);
});

test('the pose input joints are the 21 body joints: no root, fingers, eyes or jaw', () => {
  const body = loadBodyModel();
  const names = poseInputJoints(body.skeleton.names, body.skeleton.parents).map((j) => body.skeleton.names[j]);
  assert.equal(names.length, 21);
  assert.ok(names.includes('hand_l') && names.includes('head') && names.includes('ball_r'));
  assert.ok(!names.some((n) => /pelvis|index|thumb|eye|jaw/.test(n!)));
});
