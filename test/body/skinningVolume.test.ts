import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSkinningVolume, sampleSkinningWeights } from '../../src/body/index.js';

/** Two "bones" of points along Y: the lower half weighted to joint 0, the upper half to joint 1. */
function twoBoneCloud(): { verts: Float32Array; skin: { influences: number; joints: Uint16Array; weights: Float32Array } } {
  const pts: number[] = [];
  const joints: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i <= 40; i++) {
    const y = i * 0.025;
    for (const [x, z] of [[0.05, 0], [-0.05, 0], [0, 0.05], [0, -0.05]] as const) {
      pts.push(x, y, z);
      joints.push(0, 1);
      const w1 = Math.min(1, Math.max(0, (y - 0.4) / 0.2));
      weights.push(1 - w1, w1);
    }
  }
  return { verts: Float32Array.from(pts), skin: { influences: 2, joints: Uint16Array.from(joints), weights: Float32Array.from(weights) } };
}

test('the diffused volume reproduces surface weights and stays a partition of unity off the surface', () => {
  const { verts, skin } = twoBoneCloud();
  const vol = buildSkinningVolume(verts, skin, 2, { voxelSize: 0.025, padding: 0.1, iterations: 40 });
  const probe = Float32Array.from([0.05, 0.1, 0, 0.05, 0.9, 0, 0.12, 0.1, 0.1, 0.15, 0.95, -0.1]);
  const w = sampleSkinningWeights(vol, probe, [0.001, 0.001, 0.01, 0.01], 2);
  const weightOf = (i: number, j: number): number => (w.joints[i * 2] === j ? w.weights[i * 2]! : w.joints[i * 2 + 1] === j ? w.weights[i * 2 + 1]! : 0);
  assert.ok(weightOf(0, 0) > 0.95, 'low surface point follows joint 0');
  assert.ok(weightOf(1, 1) > 0.95, 'high surface point follows joint 1');
  assert.ok(weightOf(2, 0) > 0.9, 'a point off the surface near the bottom follows joint 0');
  assert.ok(weightOf(3, 1) > 0.9, 'a point off the surface near the top follows joint 1');
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(w.weights[i * 2]! + w.weights[i * 2 + 1]! - 1) < 1e-5);
});

test('points flagged keepTemplate keep the template weights', () => {
  const { verts, skin } = twoBoneCloud();
  const vol = buildSkinningVolume(verts, skin, 2, { voxelSize: 0.05, iterations: 5 });
  const keep = new Uint8Array(verts.length / 3);
  keep[0] = 1;
  const w = sampleSkinningWeights(vol, verts, new Float32Array(verts.length / 3).fill(0.01), 2, { skin, keepTemplate: keep });
  assert.deepEqual([w.joints[0], w.joints[1]], [0, 1]);
  assert.deepEqual([w.weights[0], w.weights[1]], [1, 0]);
});
