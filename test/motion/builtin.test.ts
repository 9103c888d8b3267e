import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBuiltinMotion, getCanonicalBuiltinMotion, getTrainingMotion, listBuiltinMotions } from '../../src/motion/builtin.js';
import { canonicalSkeleton } from '../../src/motion/canonical.js';
import { sampleClip } from '../../src/motion/keyframes.js';
import { NEUTRAL_POSE } from '../../src/motion/library.js';
import { createRetargeter, retargetFrame } from '../../src/motion/retarget.js';
import { createFkResult, quatForwardKinematics } from '../../src/body/fk.js';
import { assignRoles } from '../../src/motion/names.js';
import { qrotate, quatAngle } from '../../src/core/rotation.js';
import { MAX_FRAME_STEP_DEG, MOTION_FPS } from '../../src/motion/config.js';
import { bodyRig } from './rig.js';
import type { Motion } from '../../src/motion/types.js';

const REQUIRED = ['turnaround', 'dance', 'punch-kick', 'walk', 'arms-up', 'squat', 'a-pose', 't-pose'];
const rs = await bodyRig();
const J = rs.skeleton.names.length;
const motions: Motion[] = listBuiltinMotions().map((m) => getBuiltinMotion(m.name, rs.skeleton, rs.rest));
const roles = assignRoles(rs.skeleton.names).roles;
const at = (r: string): number => roles.indexOf(r as never);

test('the library has the required motions, 2–6 s at 30 fps', () => {
  const names = listBuiltinMotions().map((m) => m.name);
  for (const r of REQUIRED) assert.ok(names.includes(r), `missing ${r}`);
  for (const m of motions) {
    assert.equal(m.fps, MOTION_FPS);
    const seconds = (m.frameCount - 1) / m.fps;
    assert.ok(seconds >= 2 && seconds <= 6, `${m.name}: ${seconds} s`);
    assert.deepEqual(m.jointNames, rs.skeleton.names);
    assert.equal(m.rotations.length, m.frameCount * J * 4);
    assert.equal(m.rootTranslation.length, m.frameCount * 3);
  }
});

test('every builtin motion is finite with unit quaternions', () => {
  for (const m of motions) {
    for (let i = 0; i < m.rotations.length; i += 4) {
      const n = Math.hypot(m.rotations[i]!, m.rotations[i + 1]!, m.rotations[i + 2]!, m.rotations[i + 3]!);
      assert.ok(Math.abs(n - 1) < 1e-5, `${m.name}: quaternion ${i / 4} has norm ${n}`);
    }
    assert.ok(m.rootTranslation.every(Number.isFinite), `${m.name}: translation not finite`);
  }
});

test('no joint flips or root jumps: per-frame rotation steps (global and local) and root steps are bounded', () => {
  const fkA = createFkResult(J), fkB = createFkResult(J);
  for (const m of motions) {
    let worst = 0, where = '';
    for (let f = 1; f < m.frameCount; f++) {
      quatForwardKinematics(rs.skeleton, rs.rest, m.rotations, m.rootTranslation, fkA, (f - 1) * J * 4, (f - 1) * 3);
      quatForwardKinematics(rs.skeleton, rs.rest, m.rotations, m.rootTranslation, fkB, f * J * 4, f * 3);
      for (let j = 0; j < J; j++) {
        const local = quatAngle(m.rotations, ((f - 1) * J + j) * 4, m.rotations, (f * J + j) * 4);
        const global = quatAngle(fkA.globalQuats, j * 4, fkB.globalQuats, j * 4);
        const step = Math.max(local, global) * 180 / Math.PI;
        if (step > worst) { worst = step; where = `${rs.skeleton.names[j]} at frame ${f}`; }
      }
    }
    assert.ok(worst < MAX_FRAME_STEP_DEG, `${m.name}: ${worst.toFixed(1)}° step (${where})`);
    // The root moves no faster than a brisk walk (5 cm per frame = 1.5 m/s).
    for (let f = 1; f < m.frameCount; f++) {
      const d = Math.hypot(...[0, 1, 2].map((k) => m.rootTranslation[f * 3 + k]! - m.rootTranslation[(f - 1) * 3 + k]!));
      assert.ok(d < 0.05, `${m.name}: root jumps ${d.toFixed(3)} m at frame ${f}`);
    }
  }
});

test('every builtin motion starts and ends in the neutral pose, close to the body rest pose', () => {
  const neutral = sampleClip({ name: 'n', description: '', fps: 30, neutral: NEUTRAL_POSE, keys: [{ t: 0, note: '' }, { t: 1, note: '' }] });
  const rt = createRetargeter(canonicalSkeleton(), rs);
  const q = new Float64Array(J * 4);
  retargetFrame(rt, neutral.rotations, q);
  for (let j = 0; j < J; j++) {
    const deg = quatAngle(q, j * 4, [1, 0, 0, 0], 0) * 180 / Math.PI;
    assert.ok(deg < 35, `neutral ${rs.skeleton.names[j]} is ${deg.toFixed(1)}° from rest`);
  }
  for (const m of motions) {
    for (const f of [0, m.frameCount - 1]) {
      for (let j = 0; j < J; j++) {
        const deg = quatAngle(m.rotations, (f * J + j) * 4, q, j * 4) * 180 / Math.PI;
        assert.ok(deg < 0.05, `${m.name} frame ${f} ${rs.skeleton.names[j]}: ${deg}° from neutral`);
      }
      const t = Math.hypot(m.rootTranslation[f * 3]!, m.rootTranslation[f * 3 + 2]!);
      // Planted feet may carry the body a little (the walk travels on purpose).
      if (m.name !== 'walk') assert.ok(t < 0.2, `${m.name} frame ${f}: root ${t.toFixed(3)} m from the start`);
    }
  }
});

test('knees and elbows bend the anatomical way in every frame', () => {
  const fk = createFkResult(J);
  const u = [0, 0, 0], w = [0, 0, 0], axis = new Float64Array(3);
  const sub = (a: number, b: number, o: number[]): void => { for (let k = 0; k < 3; k++) o[k] = fk.positions[a * 3 + k]! - fk.positions[b * 3 + k]!; };
  const crossDot = (a: number[], b: number[], n: ArrayLike<number>): number =>
    ((a[1]! * b[2]! - a[2]! * b[1]!) * n[0]! + (a[2]! * b[0]! - a[0]! * b[2]!) * n[1]! + (a[0]! * b[1]! - a[1]! * b[0]!) * n[2]!) /
    (Math.hypot(a[0]!, a[1]!, a[2]!) * Math.hypot(b[0]!, b[1]!, b[2]!));
  // Elbow hinge at rest: the MakeHuman rest elbow is bent, so the rest hinge is well defined.
  const hinge = (s: string): Float64Array => {
    const sh = at(`${s}_shoulder`), el = at(`${s}_elbow`), wr = at(`${s}_wrist`);
    const a = [0, 1, 2].map((k) => rs.rest[el * 3 + k]! - rs.rest[sh * 3 + k]!);
    const b = [0, 1, 2].map((k) => rs.rest[wr * 3 + k]! - rs.rest[el * 3 + k]!);
    const n = Float64Array.from([a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!]);
    const l = Math.hypot(...n); return n.map((x) => x / l);
  };
  const hinges = { left: hinge('left'), right: hinge('right') };
  for (const m of motions) {
    for (let f = 0; f < m.frameCount; f++) {
      quatForwardKinematics(rs.skeleton, rs.rest, m.rotations, m.rootTranslation, fk, f * J * 4, f * 3);
      for (const s of ['left', 'right'] as const) {
        const hip = at(`${s}_hip`), knee = at(`${s}_knee`), ankle = at(`${s}_ankle`);
        sub(knee, hip, u); sub(ankle, knee, w);
        qrotate(fk.globalQuats, hip * 4, [1, 0, 0], 0, axis, 0);
        assert.ok(crossDot(u, w, axis) > -0.05, `${m.name} frame ${f}: ${s} knee hyperextends`);
        const sh = at(`${s}_shoulder`), el = at(`${s}_elbow`), wr = at(`${s}_wrist`);
        sub(el, sh, u); sub(wr, el, w);
        qrotate(fk.globalQuats, sh * 4, hinges[s], 0, axis, 0);
        assert.ok(crossDot(u, w, axis) > -0.05, `${m.name} frame ${f}: ${s} elbow bends backward`);
      }
    }
  }
});

test('hands and feet stay clear of the torso and legs do not cross', () => {
  const fk = createFkResult(J);
  const axial = ['pelvis', 'spine1', 'spine2', 'spine3', 'neck', 'head'].map(at).filter((j) => j >= 0);
  const segDist = (p: number, a: number, b: number): number => {
    const P = fk.positions;
    const d = [0, 1, 2].map((k) => P[b * 3 + k]! - P[a * 3 + k]!), e = [0, 1, 2].map((k) => P[p * 3 + k]! - P[a * 3 + k]!);
    const t = Math.max(0, Math.min(1, (d[0]! * e[0]! + d[1]! * e[1]! + d[2]! * e[2]!) / (d[0]! ** 2 + d[1]! ** 2 + d[2]! ** 2)));
    return Math.hypot(e[0]! - t * d[0]!, e[1]! - t * d[1]!, e[2]! - t * d[2]!);
  };
  let closest = Infinity, who = '';
  for (const m of motions) {
    for (let f = 0; f < m.frameCount; f++) {
      quatForwardKinematics(rs.skeleton, rs.rest, m.rotations, m.rootTranslation, fk, f * J * 4, f * 3);
      for (const r of ['left_wrist', 'right_wrist', 'left_ankle', 'right_ankle', 'left_knee', 'right_knee']) {
        for (let i = 0; i + 1 < axial.length; i++) {
          const d = segDist(at(r), axial[i]!, axial[i + 1]!);
          if (d < closest) { closest = d; who = `${m.name} frame ${f} ${r}`; }
        }
      }
      // Legs: in the pelvis frame, the left ankle stays on the left of the right ankle.
      const x = new Float64Array(3);
      qrotate(fk.globalQuats, at('pelvis') * 4, [1, 0, 0], 0, x, 0);
      const la = at('left_ankle'), ra = at('right_ankle');
      const sep = [0, 1, 2].reduce((s, k) => s + (fk.positions[la * 3 + k]! - fk.positions[ra * 3 + k]!) * x[k]!, 0);
      assert.ok(sep > 0.05, `${m.name} frame ${f}: ankles cross (${sep.toFixed(3)} m apart)`);
    }
  }
  assert.ok(closest > 0.08, `closest limb end to the spine: ${closest.toFixed(3)} m (${who})`);
});

test('canonical clips are cached and unknown names give a clear error', () => {
  assert.equal(getCanonicalBuiltinMotion('dance'), getCanonicalBuiltinMotion('dance'));
  assert.throws(() => getBuiltinMotion('moonwalk', rs.skeleton, rs.rest), /unknown builtin motion 'moonwalk'/);
});

test('the training motion plays dance, turnaround and punch-kick back to back without a jump', () => {
  const t = getTrainingMotion(rs.skeleton, rs.rest);
  const parts = ['dance', 'turnaround', 'punch-kick'].map((n) => motions.find((m) => m.name === n)!);
  assert.equal(t.frameCount, parts.reduce((s, m) => s + m.frameCount, 0));
  let worst = 0;
  for (let f = 1; f < t.frameCount; f++) for (let j = 0; j < J; j++) worst = Math.max(worst, quatAngle(t.rotations, ((f - 1) * J + j) * 4, t.rotations, (f * J + j) * 4));
  assert.ok(worst * 180 / Math.PI < MAX_FRAME_STEP_DEG);
  for (let f = 1; f < t.frameCount; f++) {
    const d = Math.hypot(t.rootTranslation[f * 3]! - t.rootTranslation[f * 3 - 3]!, t.rootTranslation[f * 3 + 2]! - t.rootTranslation[f * 3 - 1]!);
    assert.ok(d < 0.05, `root jumps ${d.toFixed(3)} m at frame ${f}`);
  }
});
