import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { getBuiltinMotion, restSkeletonOf } from '../../src/motion/index.js';
import type { Motion } from '../../src/motion/types.js';
import { estimateUp, fitPlane, levelMotion, rotationBetween, symmetricEigen } from '../../src/capture/ground.js';
import { smoothRootDepth } from '../../src/capture/convert.js';
import { detectContacts, placeOnFloor } from '../../src/capture/contacts.js';
import { torsoPitch } from '../../src/capture/metrics.js';

const rs = restSkeletonOf(loadBodyModel());
const copy = (m: Motion): Motion => ({ ...m, rotations: m.rotations.slice(), rootTranslation: m.rootTranslation.slice() });
const mean = (x: ArrayLike<number>): number => Array.from(x).reduce((a, b) => a + b, 0) / x.length;

test('symmetricEigen and fitPlane: eigenpairs of a known matrix; a tilted plane is recovered, a line is refused', () => {
  const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]));
  assert.deepEqual(values.map((v) => Number(v.toFixed(9))), [1, 3, 5]);
  assert.ok(Math.abs(Math.abs(vectors[0]!) - Math.SQRT1_2) < 1e-9 && Math.abs(vectors[6]!) < 1e-9);
  const n = [0, Math.cos(0.3), Math.sin(0.3)]; // floor seen by a camera pitched 0.3 rad down
  const pts: number[][] = [];
  for (let i = 0; i < 40; i++) {
    const a = (i % 8) * 0.3 - 1, b = Math.floor(i / 8) * 0.8 - 6; // x across, z along the view
    // points x·e1 + z·e2 − 1.6 n on the plane n·p = −1.6, with ±1 cm noise
    const e2 = [0, -n[2]!, n[1]!];
    pts.push([a, e2[1]! * b - 1.6 * n[1]! + 0.01 * Math.sin(i), e2[2]! * b - 1.6 * n[2]!]);
  }
  const p = fitPlane(pts, 0.25)!;
  assert.ok(p, 'plane found');
  assert.ok(Math.acos(p.normal[0] * n[0]! + p.normal[1] * n[1]! + p.normal[2] * n[2]!) < 0.01, `normal ${p.normal}`);
  assert.ok(Math.abs(p.d + 1.6) < 0.02, `offset ${p.d}`);
  assert.equal(fitPlane(pts.map((q) => [0, q[1]!, q[2]!]), 0.25), null);
  const R = rotationBetween([0, Math.cos(0.3), Math.sin(0.3)], [0, 1, 0]);
  assert.ok(Math.abs(R[4]! * Math.cos(0.3) + R[5]! * Math.sin(0.3) - 1) < 1e-12);
});

test('a walk seen by a tilted camera: posture finds the tilt, levelling makes it upright again', () => {
  const walk = getBuiltinMotion('walk', rs.skeleton, rs.rest);
  const truth = torsoPitch(walk, rs);
  // Tilt the walk as a camera pitched 20° down (and rolled 5°) would see it: up leans towards +Z.
  const tilted = copy(walk);
  const up = [Math.sin(0.087), Math.cos(0.35), Math.sin(0.35)], n = Math.hypot(up[0]!, up[1]!, up[2]!);
  // levelMotion turns `v` onto +Y; for v = u mirrored about Y that is the turn taking +Y onto u (same axis and angle)
  levelMotion(tilted, rs, [-up[0]! / n, up[1]! / n, -up[2]! / n]);
  // (the walk turns, so the world tilt shows as pitch where it faces the camera: compare frame by frame)
  const leaning = torsoPitch(tilted, rs);
  assert.ok(leaning[0]! - truth[0]! > 15, `the tilted walk leans forward (${leaning[0]!.toFixed(1)}° vs ${truth[0]!.toFixed(1)}°)`);
  const g = estimateUp(tilted, rs);
  assert.equal(g.source, 'posture');
  // (the posture estimate leaves a dead zone of CAPTURE_CONFIG.postureDeadZoneDeg = 3° of the tilt)
  assert.ok(Math.abs(g.pitchDeg - 20) < 5 && Math.abs(Math.abs(g.rollDeg) - 5) < 3, `tilt found: pitch ${g.pitchDeg.toFixed(1)}°, roll ${g.rollDeg.toFixed(1)}°`);
  levelMotion(tilted, rs, g.up);
  const after = torsoPitch(tilted, rs);
  const worst = Math.max(...Array.from(after, (x, f) => Math.abs(x - truth[f]!)));
  assert.ok(worst < 5, `levelled: torso pitch within ${worst.toFixed(1)}° of the truth on every frame (mean ${mean(after).toFixed(1)}° vs ${mean(truth).toFixed(1)}°)`);
});

test('depth smoothing removes distance jitter and keeps fast sideways motion; contacts use image speed', () => {
  const walk = getBuiltinMotion('walk', rs.skeleton, rs.rest);
  const F = walk.frameCount, root = rs.skeleton.parents.indexOf(-1), r0 = rs.rest.subarray(root * 3, root * 3 + 3);
  const m = copy(walk);
  // Put the walk 5 m in front of a camera at the origin, add ±8 cm distance jitter along the ray.
  for (let f = 0; f < F; f++) {
    const p = [r0[0]! + m.rootTranslation[f * 3]!, r0[1]! + m.rootTranslation[f * 3 + 1]!, r0[2]! + m.rootTranslation[f * 3 + 2]! - 5];
    const d = Math.hypot(p[0]!, p[1]!, p[2]!), k = 1 + (0.08 * (f % 2 ? 1 : -1)) / d;
    for (let c = 0; c < 3; c++) m.rootTranslation[f * 3 + c] = p[c]! * k - r0[c]!;
  }
  const jitter = (x: Float32Array): number => { let s = 0; for (let f = 1; f < F - 1; f++) s += Math.abs(x[(f + 1) * 3 + 2]! - 2 * x[f * 3 + 2]! + x[(f - 1) * 3 + 2]!); return s / (F - 2); };
  const before = jitter(m.rootTranslation);
  smoothRootDepth(m, r0, 7);
  const after = jitter(m.rootTranslation), truthJ = jitter(walk.rootTranslation);
  assert.ok(after < 0.25 * before, `depth jitter ${(100 * before).toFixed(1)} → ${(100 * after).toFixed(1)} cm/frame² (truth ${(100 * truthJ).toFixed(1)})`);
  // contacts: with feet lifted noisily but still in the image, image speed keeps the planted foot down
  const planted = copy(walk);
  placeOnFloor(planted, rs);
  const noImage = detectContacts(planted, rs, { contactSpeed: 0 }), withImage = detectContacts(planted, rs, { contactSpeed: 0, imageSpeed: new Float64Array(F * 2).fill(0.05) });
  assert.equal(noImage.reduce((a, b) => a + b, 0), 0);
  assert.ok(withImage.reduce((a, b) => a + b, 0) > F / 2, 'image-slow, low feet are in contact');
});
