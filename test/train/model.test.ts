import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mainJoints, poseInputJoints } from '../../src/train/model.js';
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

test('two subdivision levels: every Gaussian is an affine combination of ≤ 4 base vertices', async () => {
  const { composeSubdivisionWeights } = await import('../../src/avatar/buildTemplate.js');
  const { subdivide } = await import('../../src/body/subdivide.js');
  const body = loadBodyModel();
  const { model, steps } = subdivide(body, 2);
  const map = composeSubdivisionWeights(steps, body.vertexCount);
  assert.equal(map.anchors.length / map.perRow, model.vertexCount);
  assert.ok(map.perRow <= 4);
  // the composed weights reproduce the subdivided template from the base template
  let maxErr = 0;
  for (let v = 0; v < model.vertexCount; v += 97) {
    let w = 0;
    const p = [0, 0, 0];
    for (let m = 0; m < map.perRow; m++) {
      const a = map.anchors[v * map.perRow + m]!, x = map.weights[v * map.perRow + m]!;
      w += x;
      for (let c = 0; c < 3; c++) p[c] += x * body.template[a * 3 + c]!;
    }
    assert.ok(Math.abs(w - 1) < 1e-6);
    for (let c = 0; c < 3; c++) maxErr = Math.max(maxErr, Math.abs(p[c]! - model.template[v * 3 + c]!));
  }
  assert.ok(maxErr < 1e-5, `max error ${maxErr}`);
});
