import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { subdivide, subdivideOnce } from '../../src/body/subdivide.js';
import { BodyPoser } from '../../src/body/skinning.js';
import { namedPose } from '../../src/body/poses.js';
import { PART_INDEX } from '../../src/body/types.js';

const m = loadBodyModel();
const one = subdivideOnce(m);
const s = one.model;

test('one level: V + E vertices, 4F triangles, originals keep their indices', () => {
  const F = m.triangles.length / 3;
  assert.equal(s.triangles.length / 3, 4 * F);
  const edges = new Set<string>();
  for (let f = 0; f < F; f++) for (let e = 0; e < 3; e++) { const a = m.triangles[f * 3 + e]!, b = m.triangles[f * 3 + ((e + 1) % 3)]!; edges.add(`${Math.min(a, b)},${Math.max(a, b)}`); }
  assert.equal(s.vertexCount, m.vertexCount + edges.size);
  for (let i = 0; i < m.template.length; i++) assert.equal(s.template[i], m.template[i]);
});

test('attributes carry over: positions, bases, weights, parts, UVs, mirror', () => {
  const V = m.vertexCount, K = m.skinning.influences;
  const hand = PART_INDEX.leftHand;
  let handMids = 0;
  for (let i = V; i < s.vertexCount; i++) {
    const a = one.parents[i * 2]!, b = one.parents[i * 2 + 1]!;
    for (let c = 0; c < 3; c++) {
      assert.ok(Math.abs(s.template[i * 3 + c]! - 0.5 * (m.template[a * 3 + c]! + m.template[b * 3 + c]!)) < 1e-6);
      const k = 2, o = k * V * 3, o2 = k * s.vertexCount * 3;
      assert.ok(Math.abs(s.shapeBasis[o2 + i * 3 + c]! - 0.5 * (m.shapeBasis[o + a * 3 + c]! + m.shapeBasis[o + b * 3 + c]!)) < 1e-6);
    }
    // A vertex between two hand vertices is a hand vertex.
    if (m.partLabels[a] === hand && m.partLabels[b] === hand) { assert.equal(s.partLabels[i], hand); handMids++; }
    if (m.partLabels[a] === m.partLabels[b]) assert.equal(s.partLabels[i], m.partLabels[a]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += s.skinning.weights[i * K + k]!;
    assert.ok(Math.abs(sum - 1) < 1e-5);
    // Weight of each endpoint's main joint is carried (at least half of it).
    const ja = m.skinning.joints[a * K]!, wa = m.skinning.weights[a * K]!;
    let w = 0;
    for (let k = 0; k < K; k++) if (s.skinning.joints[i * K + k] === ja) w += s.skinning.weights[i * K + k]!;
    assert.ok(w >= 0.5 * wa - 1e-3);
    // The mirror of a midpoint is the midpoint of the mirrored edge.
    const mi = s.mirror![i]!;
    assert.ok(mi >= 0);
    assert.ok(Math.abs(s.template[i * 3]! + s.template[mi * 3]!) < 1e-3);
  }
  assert.ok(handMids > 1000);
  for (const u of s.cornerUvs) assert.ok(u >= 0 && u <= 1);
});

test('a posed subdivided body equals the subdivided posed body away from blending (same joints)', () => {
  const beta = m.semanticShape({ gender: 0.3 });
  const pose = namedPose(m, 'walk');
  const coarse = new BodyPoser(m).forward({ shape: beta, pose });
  const fine = new BodyPoser(s).forward({ shape: beta, pose });
  for (let i = 0; i < coarse.joints.length; i++) assert.ok(Math.abs(coarse.joints[i]! - fine.joints[i]!) < 1e-9);
  for (let i = 0; i < m.template.length; i++) assert.ok(Math.abs(coarse.vertices[i]! - fine.vertices[i]!) < 1e-9);
});

test('two levels', () => {
  const two = subdivide(m, 2);
  assert.equal(two.steps.length, 2);
  assert.equal(two.model.triangles.length, m.triangles.length * 16);
  assert.throws(() => subdivide(m, 5), /levels/);
});
