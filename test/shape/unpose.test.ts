/** Unposing the proxy (proxy.ts unposeVertices, shape stage 19): exact where the proxy hugs the body or the blend is near a
 * rotation; a loose vertex in a sharp bend is not flung out of it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unposeVertices } from '../../src/shape/index.js';
import type { SkinWeights } from '../../src/body/index.js';

/** Row-major 3×4 transforms of two joints about the X axis through the origin (the bend): joint 0 the identity, joint 1 a rotation by `deg`. */
function transforms(deg: number): Float64Array {
  const c = Math.cos((deg * Math.PI) / 180), s = Math.sin((deg * Math.PI) / 180);
  return Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, c, -s, 0, 0, s, c, 0]);
}

/** Forward linear blend skinning of rest points. */
function pose(rest: ArrayLike<number>, skin: SkinWeights, A: Float64Array): Float32Array {
  const out = new Float32Array(rest.length), K = skin.influences;
  for (let v = 0; v < rest.length / 3; v++)
    for (let k = 0; k < K; k++) {
      const w = skin.weights[v * K + k]!, o = skin.joints[v * K + k]! * 12;
      for (let r = 0; r < 3; r++) out[v * 3 + r]! += w * (A[o + r * 4]! * rest[v * 3]! + A[o + r * 4 + 1]! * rest[v * 3 + 1]! + A[o + r * 4 + 2]! * rest[v * 3 + 2]! + A[o + r * 4 + 3]!);
    }
  return out;
}

/** Two-joint weights moving from joint 0 to joint 1 over n vertices. */
function ramp(n: number): SkinWeights {
  const joints = new Uint16Array(n * 2), weights = new Float32Array(n * 2);
  for (let v = 0; v < n; v++) { const t = v / (n - 1); joints.set([0, 1], v * 2); weights.set([1 - t, t], v * 2); }
  return { influences: 2, joints, weights };
}

test('a surface that skinning made comes back exactly where it hugs the body (a 60° bend), and where loose if the bend is gentle (30°)', () => {
  const n = 21, skin = ramp(n);
  const rest = new Float32Array(n * 3);
  for (let v = 0; v < n; v++) rest.set([0.02, -0.05, 0.1 * (v / (n - 1) - 0.5)], v * 3);
  for (const [deg, looseness] of [[60, 0], [30, 1]] as const) {
    const A = transforms(deg), back = new Float32Array(rest.length);
    unposeVertices(pose(rest, skin, A).map((x, i) => x + (i % 3 === 0 ? 0.1 : 0)), skin, A, [0.1, 0, 0], back, new Float32Array(n).fill(looseness));
    for (let i = 0; i < rest.length; i++) assert.ok(Math.abs(back[i]! - rest[i]!) < 1e-5, `${deg}°, looseness ${looseness}, coordinate ${i}: ${back[i]} vs ${rest[i]}`);
  }
});

test('loose cloth in the pit of a 120° bend stays as near the bend as it is and joins its neighbours, where the exact inverse flings it out', () => {
  // cloth bunched in the pit: an arc 4 cm from the bend's axis inside the 120° bend, its weights moving from one bone to the other
  const n = 41, skin = ramp(n), deg = 120;
  const posed = new Float32Array(n * 3);
  // joint 0's bone points along −Y, joint 1's (rotated by 120° about X) along (0, −cos 120°, −sin 120°)·(−1)…: the pit lies between
  // the bones' directions, −Y and R(−Y)
  const a0 = -Math.PI / 2, a1 = a0 + (deg * Math.PI) / 180;
  for (let v = 0; v < n; v++) { const t = v / (n - 1), ang = a0 + t * (a1 - a0); posed.set([0, 0.04 * Math.cos(ang), 0.04 * Math.sin(ang)], v * 3); }
  const A = transforms(deg);
  const loose = new Float32Array(n * 3), exact = new Float32Array(n * 3);
  unposeVertices(posed, skin, A, [0, 0, 0], loose, new Float32Array(n).fill(1));
  // the exact inverse of the blended matrix, by hand: M = (1 − t) I + t R about X, on (y, z)
  const c = Math.cos((deg * Math.PI) / 180), s = Math.sin((deg * Math.PI) / 180);
  for (let v = 0; v < n; v++) {
    const t = v / (n - 1), m00 = 1 - t + t * c, m01 = -t * s, m10 = t * s, m11 = 1 - t + t * c, det = m00 * m11 - m01 * m10;
    const y = posed[v * 3 + 1]!, z = posed[v * 3 + 2]!;
    exact.set([0, (m11 * y - m01 * z) / det, (-m10 * y + m00 * z) / det], v * 3);
  }
  const fromAxis = (p: Float32Array, v: number) => Math.hypot(p[v * 3 + 1]!, p[v * 3 + 2]!);
  let farLoose = 0, farExact = 0, stepLoose = 0, stepPosed = 0;
  for (let v = 0; v < n; v++) {
    farLoose = Math.max(farLoose, fromAxis(loose, v) / 0.04); farExact = Math.max(farExact, fromAxis(exact, v) / 0.04);
    if (v > 0) {
      stepLoose = Math.max(stepLoose, Math.hypot(loose[v * 3 + 1]! - loose[v * 3 - 2]!, loose[v * 3 + 2]! - loose[v * 3 - 1]!));
      stepPosed = Math.max(stepPosed, Math.hypot(posed[v * 3 + 1]! - posed[v * 3 - 2]!, posed[v * 3 + 2]! - posed[v * 3 - 1]!));
    }
  }
  assert.ok(farLoose <= 1.1, `loose: hardly farther from the axis than in the photo (the ends of the arc, nearly one bone, are partly inverted exactly) (× ${farLoose.toFixed(3)})`);
  assert.ok(farExact > 1.9, `the exact inverse: × ${farExact.toFixed(2)}`);
  assert.ok(stepLoose < 3 * stepPosed, `neighbours stay neighbours: largest step ${(stepLoose * 1000).toFixed(1)} mm (photo ${(stepPosed * 1000).toFixed(1)} mm)`);
});

test('even where the proxy hugs the body, a degenerate blend (a 150° crease) does not fling a vertex out', () => {
  const n = 41, skin = ramp(n), deg = 150;
  const posed = new Float32Array(n * 3);
  const a0 = -Math.PI / 2, a1 = a0 + (deg * Math.PI) / 180;
  for (let v = 0; v < n; v++) { const t = v / (n - 1), ang = a0 + t * (a1 - a0); posed.set([0, 0.02 * Math.cos(ang), 0.02 * Math.sin(ang)], v * 3); }
  const out = new Float32Array(n * 3);
  unposeVertices(posed, skin, transforms(deg), [0, 0, 0], out, new Float32Array(n).fill(0));
  let far = 0;
  for (let v = 0; v < n; v++) far = Math.max(far, Math.hypot(out[v * 3 + 1]!, out[v * 3 + 2]!) / 0.02);
  assert.ok(far < 1.3, `× ${far.toFixed(2)} (the exact inverse: 1/cos 75° = 3.9×)`);
});
