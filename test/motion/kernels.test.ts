import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { axisAngleToMatrix, mat3Multiply, matrixToQuat, quatToMatrix, rotationAngleBetween } from '../../src/core/rotation.js';
import { createFkResult, quatForwardKinematics } from '../../src/body/fk.js';
import { hermite, monotoneSlopes } from '../../src/motion/keyframes.js';
import { minimalArc, qmul, qmulConjA, qrotate, quatAngle } from '../../src/core/rotation.js';
import { anglesToQuat } from '../../src/motion/anatomy.js';
import { canonicalSkeleton } from '../../src/motion/canonical.js';
import { createRetargeter, retargetMotion } from '../../src/motion/retarget.js';
import { getBuiltinMotion, getCanonicalBuiltinMotion } from '../../src/motion/builtin.js';
import { concatMotions, createPoseSampler, mirrorMotion, resampleMotion, samplePose } from '../../src/motion/sample.js';
import { bodyRig, gameEngineRig } from './rig.js';

const rng = new Rng(7);
const randQuat = (): number[] => {
  const v = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

test('quaternion helpers agree with rotation matrices', () => {
  const out = new Float64Array(4), v3 = new Float64Array(3);
  for (let i = 0; i < 50; i++) {
    const a = randQuat(), b = randQuat(), v = [rng.normal(), rng.normal(), rng.normal()];
    qmul(a, 0, b, 0, out, 0);
    assert.ok(rotationAngleBetween(quatToMatrix(out), mat3Multiply(quatToMatrix(a), quatToMatrix(b))) < 1e-6);
    qmulConjA(a, 0, b, 0, out, 0);
    const At = quatToMatrix([a[0]!, -a[1]!, -a[2]!, -a[3]!]);
    assert.ok(rotationAngleBetween(quatToMatrix(out), mat3Multiply(At, quatToMatrix(b))) < 1e-6);
    qrotate(a, 0, v, 0, v3, 0);
    const R = quatToMatrix(a);
    for (let r = 0; r < 3; r++) assert.ok(Math.abs(v3[r]! - (R[r * 3]! * v[0]! + R[r * 3 + 1]! * v[1]! + R[r * 3 + 2]! * v[2]!)) < 1e-9);
    assert.ok(Math.abs(quatAngle(a, 0, b, 0) - rotationAngleBetween(quatToMatrix(a), quatToMatrix(b))) < 1e-6);
    // Minimal arc takes v to w, with its axis perpendicular to both.
    const w = [rng.normal(), rng.normal(), rng.normal()];
    const m = minimalArc(v, w);
    qrotate(m, 0, v, 0, v3, 0);
    const nv = Math.hypot(...v), nw = Math.hypot(...w);
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(v3[k]! / nv - w[k]! / nw) < 1e-9);
    assert.ok(Math.abs(m[1] * v[0]! + m[2] * v[1]! + m[3] * v[2]!) < 1e-9);
  }
  const opp = minimalArc([1, 0, 0], [-1, 0, 0]);
  qrotate(opp, 0, [1, 0, 0], 0, v3, 0);
  assert.ok(Math.abs(v3[0]! + 1) < 1e-12);
});

test('forward kinematics matches a plain matrix implementation', () => {
  const { skeleton, rest } = canonicalSkeleton();
  const J = skeleton.names.length;
  const local = new Float64Array(J * 4);
  for (let j = 0; j < J; j++) local.set(randQuat(), j * 4);
  const t = [0.1, -0.2, 0.3];
  const fk = quatForwardKinematics(skeleton, rest, local, t, createFkResult(J));
  // Reference: 4×4-style recursion with 3×3 matrices.
  const G: Float64Array[] = [], P: number[][] = [];
  for (let j = 0; j < J; j++) {
    const R = quatToMatrix(local.subarray(j * 4, j * 4 + 4));
    const p = skeleton.parents[j]!;
    if (p < 0) { G[j] = R; P[j] = [0, 1, 2].map((k) => rest[j * 3 + k]! + t[k]!); continue; }
    G[j] = mat3Multiply(G[p]!, R);
    const off = [0, 1, 2].map((k) => rest[j * 3 + k]! - rest[p * 3 + k]!);
    P[j] = [0, 1, 2].map((r) => P[p]![r]! + G[p]![r * 3]! * off[0]! + G[p]![r * 3 + 1]! * off[1]! + G[p]![r * 3 + 2]! * off[2]!);
  }
  for (let j = 0; j < J; j++) {
    assert.ok(rotationAngleBetween(quatToMatrix(fk.globalQuats.subarray(j * 4, j * 4 + 4)), G[j]!) < 1e-6, `joint ${j} rotation`);
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(fk.positions[j * 3 + k]! - P[j]![k]!) < 1e-9, `joint ${j} position`);
  }
});

test('monotone cubic interpolation hits the keys, never overshoots, and eases at the ends', () => {
  const t = [0, 0.4, 1.0, 1.3, 2.0], y = [0, 90, 95, 10, 10];
  const m = monotoneSlopes(t, y);
  assert.equal(m[0], 0); assert.equal(m[4], 0);
  for (let i = 0; i < t.length; i++) assert.ok(Math.abs(hermite(t, y, m, t[i]!) - y[i]!) < 1e-12);
  for (let x = 0; x <= 2; x += 0.001) {
    const v = hermite(t, y, m, x);
    let i = 0; while (i < t.length - 2 && x > t[i + 1]!) i++;
    assert.ok(v >= Math.min(y[i]!, y[i + 1]!) - 1e-9 && v <= Math.max(y[i]!, y[i + 1]!) + 1e-9, `overshoot at ${x}: ${v}`);
  }
  // A straight ramp stays straight inside.
  const r = monotoneSlopes([0, 1, 2, 3], [0, 10, 20, 30]);
  assert.ok(Math.abs(hermite([0, 1, 2, 3], [0, 10, 20, 30], r, 1.5) - 15) < 1e-12);
});

test('anatomical angles: named motions turn bones the named way on both sides', () => {
  const rot = (role: Parameters<typeof anglesToQuat>[0], a: Record<string, number>, v: number[]): number[] => {
    const o = new Float64Array(3); qrotate(anglesToQuat(role, a), 0, v, 0, o, 0); return Array.from(o).map((x) => Math.round(x * 1e6) / 1e6 + 0);
  };
  assert.deepEqual(rot('left_elbow', { flex: 90 }, [1, 0, 0]), [0, 0, 1]); // forearm forward
  assert.deepEqual(rot('right_elbow', { flex: 90 }, [-1, 0, 0]), [0, 0, 1]);
  assert.deepEqual(rot('left_shoulder', { raise: -90 }, [1, 0, 0]), [0, -1, 0]); // arm down
  assert.deepEqual(rot('right_shoulder', { raise: -90 }, [-1, 0, 0]), [0, -1, 0]);
  assert.deepEqual(rot('left_shoulder', { raise: -90, forward: 90 }, [1, 0, 0]), [0, 0, 1]); // arm forward
  assert.deepEqual(rot('left_hip', { flex: 90 }, [0, -1, 0]), [0, 0, 1]); // thigh forward
  assert.deepEqual(rot('right_hip', { abduct: 90 }, [0, -1, 0]), [-1, 0, 0]); // right leg out to the right
  assert.deepEqual(rot('left_knee', { flex: 90 }, [0, -1, 0]), [0, 0, -1]); // shin back
  assert.deepEqual(rot('pelvis', { turn: 90 }, [0, 0, 1]), [1, 0, 0]); // turn to the person's left
  assert.deepEqual(rot('spine2', { flex: 90 }, [0, 1, 0]), [0, 0, 1]); // bend forward
  assert.deepEqual(rot('left_ankle', { flex: 90 }, [0, 0, 1]), [0, 1, 0]); // toes up
  assert.deepEqual(rot('right_thumb2', { curl: 90 }, [0, 0, 1]), [0, -1, 0]); // thumb folds under the palm
  assert.throws(() => anglesToQuat('left_knee', { twist: 5 }), /left_knee \(knee\) has no angle 'twist'; it has: flex/);
});

test('retargeting onto the same skeleton changes nothing; alignments are identity', () => {
  const c = canonicalSkeleton();
  const rt = createRetargeter(c, c);
  for (let j = 0; j < rt.alignment.length / 4; j++) assert.ok(quatAngle(rt.alignment, j * 4, [1, 0, 0, 0], 0) < 1e-9);
  const m = getCanonicalBuiltinMotion('dance');
  const r = retargetMotion(m, c, c);
  for (let i = 0; i < m.rotations.length; i += 4) assert.ok(quatAngle(m.rotations, i, r.rotations, i) < 1e-5);
});

test('motions work on a rig with a floor-level root bone: the pelvis carries the body orientation', async () => {
  const body = await bodyRig(), rig = gameEngineRig();
  const a = getBuiltinMotion('turnaround', body.skeleton, body.rest), b = getBuiltinMotion('turnaround', rig.skeleton, rig.rest);
  const root = rig.skeleton.names.indexOf('Root');
  assert.equal(rig.skeleton.parents[root], -1);
  const pa = body.skeleton.names.indexOf('pelvis'), pb = rig.skeleton.names.indexOf('pelvis');
  const Ja = body.skeleton.names.length, Jb = rig.skeleton.names.length;
  for (let f = 0; f < a.frameCount; f += 10) {
    assert.ok(quatAngle(b.rotations, (f * Jb + root) * 4, [1, 0, 0, 0], 0) < 1e-6);
    assert.ok(quatAngle(a.rotations, (f * Ja + pa) * 4, b.rotations, (f * Jb + pb) * 4) < 0.01);
  }
  // Halfway through the turn the body faces −Z.
  const half = Math.round(2.2 * 30);
  const fwd = new Float64Array(3);
  qrotate(a.rotations, (half * Ja + pa) * 4, [0, 0, 1], 0, fwd, 0);
  assert.ok(fwd[2]! < -0.99, `forward at half turn: ${Array.from(fwd)}`);
});

test('samplePose slerps between frames and maps SMPL-X names onto the body', async () => {
  const body = await bodyRig();
  const canon = getCanonicalBuiltinMotion('arms-up');
  const sampler = createPoseSampler(canon, body.skeleton);
  const J = canon.jointNames.length;
  const ls = canon.jointNames.indexOf('left_shoulder'), bl = body.skeleton.names.indexOf('upperarm_l');
  const p = sampler(10.5 / 30);
  const expect = [10, 11].map((f) => canon.rotations.subarray((f * J + ls) * 4, (f * J + ls) * 4 + 4));
  const R = axisAngleToMatrix(p.rotations[bl * 3]!, p.rotations[bl * 3 + 1]!, p.rotations[bl * 3 + 2]!);
  const q = matrixToQuat(R);
  const a0 = quatAngle(q, 0, expect[0]!, 0), a1 = quatAngle(q, 0, expect[1]!, 0);
  assert.ok(Math.abs(a0 - a1) < 1e-4 && a0 > 0, `halfway: ${a0} vs ${a1}`);
  // Clamped outside the clip; joints the motion lacks (eyes) stay at rest.
  const end = samplePose(canon, 99, body.skeleton);
  const eye = body.skeleton.names.indexOf('eye_l');
  assert.deepEqual(Array.from(end.rotations.subarray(eye * 3, eye * 3 + 3)), [0, 0, 0]);
  assert.throws(() => createPoseSampler({ ...canon, jointNames: canon.jointNames.map((n) => `x${n}`) }, body.skeleton), /shares no joint/);
});

test('resample, concat and mirror', async () => {
  const body = await bodyRig();
  const walk = getBuiltinMotion('walk', body.skeleton, body.rest);
  const r = resampleMotion(walk, 60);
  assert.equal(r.frameCount, (walk.frameCount - 1) * 2 + 1);
  const J = walk.jointNames.length;
  for (let f = 0; f < walk.frameCount; f += 7) {
    for (let j = 0; j < J; j++) assert.ok(quatAngle(walk.rotations, (f * J + j) * 4, r.rotations, (2 * f * J + j) * 4) < 1e-5);
  }
  const squat = getBuiltinMotion('squat', body.skeleton, body.rest);
  const c = concatMotions([walk, squat], { blendFrames: 5 });
  assert.equal(c.frameCount, walk.frameCount + squat.frameCount + 5);
  const last = (walk.frameCount - 1) * 3, first = (walk.frameCount + 5) * 3;
  assert.ok(Math.abs(c.rootTranslation[first]! - walk.rootTranslation[last]!) < 1e-6, 'path continues in x');
  assert.ok(Math.abs(c.rootTranslation[first + 2]! - walk.rootTranslation[last + 2]!) < 1e-6, 'path continues in z');
  assert.throws(() => concatMotions([walk, getCanonicalBuiltinMotion('walk')]), /different joints/);
  // Mirroring twice is the identity; mirrored left knee = original right knee.
  const m = mirrorMotion(squat), mm = mirrorMotion(m);
  for (let i = 0; i < squat.rotations.length; i += 4) assert.ok(quatAngle(squat.rotations, i, mm.rotations, i) < 1e-6);
  const lk = body.skeleton.names.indexOf('calf_l'), rk = body.skeleton.names.indexOf('calf_r');
  const f = 50;
  const o = m.rotations.subarray((f * J + lk) * 4), s = squat.rotations.subarray((f * J + rk) * 4);
  assert.ok(Math.abs(o[0]! - s[0]!) < 1e-6 && Math.abs(o[1]! - s[1]!) < 1e-6 && Math.abs(o[2]! + s[2]!) < 1e-6 && Math.abs(o[3]! + s[3]!) < 1e-6);
});

test('wrist alignment lines up the palms when a rig’s hand rests rolled about the forearm', () => {
  const c = canonicalSkeleton();
  const names = c.skeleton.names, J = names.length;
  const rest = Float64Array.from(c.rest);
  const w = names.indexOf('left_wrist'), mid = names.indexOf('left_middle1');
  const axis = [0, 1, 2].map((k) => rest[mid * 3 + k]! - rest[w * 3 + k]!);
  const n = Math.hypot(...axis);
  const R = axisAngleToMatrix(...(axis.map((x) => (x / n) * (60 * Math.PI / 180)) as [number, number, number]));
  names.forEach((name, j) => {
    if (!/^left_(index|middle|ring|pinky|thumb)\d$/.test(name)) return;
    const d = [0, 1, 2].map((k) => rest[j * 3 + k]! - rest[w * 3 + k]!);
    for (let r = 0; r < 3; r++) rest[j * 3 + r] = rest[w * 3 + r]! + R[r * 3]! * d[0]! + R[r * 3 + 1]! * d[1]! + R[r * 3 + 2]! * d[2]!;
  });
  const rolled = { skeleton: c.skeleton, rest };
  const m = retargetMotion(getCanonicalBuiltinMotion('t-pose'), c, rolled);
  const f = 30; // held T-pose
  const fk = quatForwardKinematics(rolled.skeleton, rest, m.rotations, m.rootTranslation, createFkResult(J), f * J * 4, f * 3);
  const ref = quatForwardKinematics(c.skeleton, c.rest, getCanonicalBuiltinMotion('t-pose').rotations, null, createFkResult(J), f * J * 4);
  const across = (P: Float64Array): number[] => {
    const a = names.indexOf('left_index1'), b = names.indexOf('left_pinky1');
    const v = [0, 1, 2].map((k) => P[b * 3 + k]! - P[a * 3 + k]!); const l = Math.hypot(...v); return v.map((x) => x / l);
  };
  const u = across(fk.positions), v = across(ref.positions);
  const deg = Math.acos(Math.min(1, u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!)) * 180 / Math.PI;
  assert.ok(deg < 1, `palm across-direction off by ${deg.toFixed(2)}°`);
});

test('naming families: Mixamo, CMU, generic BVH and MakeHuman names map to the right roles', async () => {
  const { assignRoles } = await import('../../src/motion/names.js');
  const cmu = ['Hips', 'LHipJoint', 'LeftUpLeg', 'LeftLeg', 'LeftFoot', 'LeftToeBase', 'RHipJoint', 'RightUpLeg', 'RightLeg', 'RightFoot', 'RightToeBase',
    'LowerBack', 'Spine', 'Spine1', 'Neck', 'Neck1', 'Head', 'LeftShoulder', 'LeftArm', 'LeftForeArm', 'LeftHand', 'LeftFingerBase', 'LeftHandIndex1', 'LThumb',
    'RightShoulder', 'RightArm', 'RightForeArm', 'RightHand', 'RightFingerBase', 'RightHandIndex1', 'RThumb'];
  const a = assignRoles(cmu);
  assert.equal(a.family, 'cmu');
  const role = (names: string[], r: ReturnType<typeof assignRoles>, n: string): string | null => r.roles[names.indexOf(n)]!;
  assert.equal(role(cmu, a, 'Spine'), 'spine2');
  assert.equal(role(cmu, a, 'LThumb'), 'left_thumb1');
  assert.equal(role(cmu, a, 'Neck1'), null);
  const mixamo = ['Hips', 'Spine', 'Spine1', 'Spine2', 'Neck', 'Head', 'LeftShoulder', 'LeftArm', 'LeftForeArm', 'LeftHand', 'LeftHandThumb1', 'LeftHandIndex1', 'LeftUpLeg', 'LeftLeg', 'LeftFoot', 'LeftToeBase'].map((n) => `mixamorig:${n}`);
  const b = assignRoles(mixamo);
  assert.equal(b.family, 'mixamo');
  assert.equal(role(mixamo, b, 'mixamorig:Spine'), 'spine1');
  assert.equal(role(mixamo, b, 'mixamorig:LeftHandThumb1'), 'left_thumb1');
  const poser = ['hip', 'abdomen', 'chest', 'neck', 'head', 'lCollar', 'lShldr', 'lForeArm', 'lHand', 'rThigh', 'rShin', 'rFoot'];
  const c = assignRoles(poser);
  assert.deepEqual(c.roles, ['pelvis', 'spine1', 'spine3', 'neck', 'head', 'left_collar', 'left_shoulder', 'left_elbow', 'left_wrist', 'right_hip', 'right_knee', 'right_ankle']);
  const body = await bodyRig();
  const d = assignRoles(body.skeleton.names);
  assert.equal(d.family, 'game_engine');
  assert.ok(d.roles.filter((r) => r !== null).length === body.skeleton.names.length, 'every body joint has a role');
});

test('builtins on an SMPL-X-named T-pose body (the canonical skeleton) are the clips themselves, grounded', () => {
  const c = canonicalSkeleton();
  const J = c.skeleton.names.length;
  for (const name of ['squat', 'walk']) {
    const m = getBuiltinMotion(name, c.skeleton, c.rest), clip = getCanonicalBuiltinMotion(name);
    for (let i = 0; i < m.rotations.length; i += 4) assert.ok(quatAngle(m.rotations, i, clip.rotations, i) < 1e-4);
    // Grounded: the lowest ankle/ball stays at the rest floor height.
    const fk = createFkResult(J);
    const feet = ['left_ankle', 'right_ankle', 'left_foot', 'right_foot'].map((n) => c.skeleton.names.indexOf(n));
    const floor = Math.min(...feet.map((j) => c.rest[j * 3 + 1]!));
    for (let f = 0; f < m.frameCount; f += 5) {
      quatForwardKinematics(c.skeleton, c.rest, m.rotations, m.rootTranslation, fk, f * J * 4, f * 3);
      const lo = Math.min(...feet.map((j) => fk.positions[j * 3 + 1]!));
      assert.ok(lo >= floor - 0.03 && lo <= floor + 0.01, `${name} frame ${f}: lowest foot joint at ${lo.toFixed(3)}, floor ${floor}`);
    }
  }
});
