import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAvatarBundle } from '../../src/avatar/bundle.js';
import { poseAvatarMeans, skinningMatrices } from '../../src/avatar/pose.js';
import { skinPoints, skinPointsBackward } from '../../src/body/lbs.js';
import { Rng } from '../../src/core/rng.js';

/** Two joints: root at the origin, child at (0,1,0). Gaussian 0 follows the root, 1 the child. */
function tinyAvatar() {
  return createAvatarBundle(
    {
      gaussianCount: 2,
      body: { kind: 'test', shape: [], subdivisionLevels: 0 },
      skeleton: { names: ['root', 'child'], parents: [-1, 0], restJoints: [0, 0, 0, 0, 1, 0] },
      skinInfluences: 1,
      poseOffsets: null,
    },
    {
      means: { data: Float32Array.from([0.5, 0, 0, 0, 2, 0]), shape: [2, 3] },
      scales: { data: Float32Array.from([0.01, 0.01]), shape: [2] },
      colors: { data: new Float32Array(6).fill(0.5), shape: [2, 3] },
      opacities: { data: Float32Array.from([1, 1]), shape: [2] },
      parts: { data: new Uint8Array(2), shape: [2] },
      skinJoints: { data: Uint16Array.from([0, 1]), shape: [2, 1] },
      skinWeights: { data: Float32Array.from([1, 1]), shape: [2, 1] },
    },
  );
}

function close(a: ArrayLike<number>, b: number[], tol = 1e-6): void {
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < tol, `index ${i}: ${a[i]} vs ${b[i]}`);
}

test('identity pose leaves the avatar at rest; translation moves it', () => {
  const av = tinyAvatar();
  const out = new Float32Array(6);
  poseAvatarMeans(av, new Float64Array(6), [0, 0, 0], out);
  close(out, [0.5, 0, 0, 0, 2, 0]);
  poseAvatarMeans(av, new Float64Array(6), [1, 2, 3], out);
  close(out, [1.5, 2, 3, 1, 4, 3]);
});

test('rotating the child joint swings only its Gaussian about the joint', () => {
  const av = tinyAvatar();
  const out = new Float32Array(6);
  // +90° about Z at the child joint: (0,1,0) above the joint goes to (−1,0,0) relative.
  poseAvatarMeans(av, Float64Array.from([0, 0, 0, 0, 0, Math.PI / 2]), [0, 0, 0], out);
  close(out, [0.5, 0, 0, -1, 1, 0]);
  // +90° about Z at the root carries the child along.
  poseAvatarMeans(av, Float64Array.from([0, 0, Math.PI / 2, 0, 0, 0]), [0, 0, 0], out);
  close(out, [0, 0.5, 0, -2, 0, 0]);
});

test('LBS backward matches finite differences', () => {
  const rng = new Rng(5);
  const parents = [-1, 0, 1];
  const rest = [0, 0, 0, 0, 0.5, 0, 0.1, 1, 0];
  const rot = Float64Array.from({ length: 9 }, () => rng.uniform(-1, 1));
  const world = new Float64Array(36), skin = new Float64Array(36);
  skinningMatrices(parents, rest, rot, [0.1, 0.2, 0.3], world, skin);
  const n = 4, K = 2;
  const pts = Float64Array.from({ length: n * 3 }, () => rng.uniform(-1, 1));
  const joints = Uint16Array.from([0, 1, 1, 2, 2, 0, 0, 2]);
  const weights = Float64Array.from([0.3, 0.7, 0.5, 0.5, 1, 0, 0.9, 0.1]);
  const g = Float64Array.from({ length: n * 3 }, () => rng.normal());
  const loss = (p: Float64Array): number => {
    const o = new Float64Array(n * 3);
    skinPoints(p, joints, weights, K, skin, o);
    return o.reduce((s, v, i) => s + v * g[i]!, 0);
  };
  const grad = new Float64Array(n * 3);
  skinPointsBackward(g, joints, weights, K, skin, grad);
  for (let i = 0; i < n * 3; i++) {
    const p = Float64Array.from(pts); p[i]! += 1e-6;
    const m = Float64Array.from(pts); m[i]! -= 1e-6;
    const fd = (loss(p) - loss(m)) / 2e-6;
    assert.ok(Math.abs(fd - grad[i]!) < 1e-6, `coordinate ${i}`);
  }
});
