import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AvatarBundle } from '../../src/avatar/bundle.js';
import { poseAvatarMeans, skinningMatrices } from '../../src/avatar/pose.js';
import { rebasePose, tPoseRest, tPoseRotations } from '../../src/export/tpose.js';
import { fixtureAvatar } from './fixture.js';

/** The avatar re-posed by `rot` and that pose taken as its rest (LBS, no offsets). */
function withRest(avatar: AvatarBundle, rot: Float64Array): AvatarBundle {
  const sk = avatar.header.skeleton, J = sk.names.length;
  const means = poseAvatarMeans(avatar, rot, [0, 0, 0], new Float32Array(avatar.header.gaussianCount * 3), undefined, { poseOffsets: false });
  const world = new Float64Array(J * 12), skin = new Float64Array(J * 12);
  skinningMatrices(sk.parents, sk.restJoints, rot, [0, 0, 0], world, skin);
  const restJoints = Array.from({ length: J * 3 }, (_, i) => world[Math.floor(i / 3) * 12 + (i % 3) * 4 + 3]!);
  return { header: { ...avatar.header, skeleton: { ...sk, restJoints } }, buffers: { ...avatar.buffers, means } };
}

const base = fixtureAvatar();
const names = base.header.skeleton.names;
const idx = (n: string): number => names.indexOf(n);
// an A-pose: upper arms 40° down, forearms a further 15°
const aRot = new Float64Array(names.length * 3);
aRot[idx('left_shoulder') * 3 + 2] = -0.7; aRot[idx('right_shoulder') * 3 + 2] = 0.7;
aRot[idx('left_elbow') * 3 + 2] = -0.26; aRot[idx('right_elbow') * 3 + 2] = 0.26;
const aPose = withRest(base, aRot);

test('T-pose rest: arms of an A-posed avatar come out straight and level', () => {
  const t = tPoseRest(aPose);
  const J = t.restJoints;
  for (const side of ['left', 'right'] as const) {
    const s = idx(`${side}_shoulder`), e = idx(`${side}_elbow`), w = idx(`${side}_wrist`);
    for (const [a, b] of [[s, e], [e, w]] as const) {
      const d = [J[b * 3]! - J[a * 3]!, J[b * 3 + 1]! - J[a * 3 + 1]!, J[b * 3 + 2]! - J[a * 3 + 2]!];
      const n = Math.hypot(d[0]!, d[1]!, d[2]!);
      assert.ok(Math.abs(d[0]! / n - (side === 'left' ? 1 : -1)) < 1e-9, `${side} bone ${names[a]}→${names[b]} along ±X: ${d}`);
    }
    // matches the original T-posed fixture
    assert.ok(Math.abs(J[w * 3 + 1]! - base.header.skeleton.restJoints[w * 3 + 1]!) < 1e-9);
  }
  // an avatar already in a T-pose is left as it is
  const none = tPoseRotations(names, base.header.skeleton.restJoints);
  assert.ok(none.every((x) => Math.abs(x) < 1e-9));
});

test('rebasePose: posing the T-pose rest with the rebased pose moves the mesh exactly as the original pose did', () => {
  const t = tPoseRest(aPose);
  const tAvatar: AvatarBundle = { header: { ...aPose.header, skeleton: { ...aPose.header.skeleton, restJoints: Array.from(t.restJoints) } }, buffers: { ...aPose.buffers, means: t.positions } };
  const pose = new Float64Array(names.length * 3);
  for (let i = 0; i < pose.length; i++) pose[i] = 0.4 * Math.sin(i * 1.7);
  const n = aPose.header.gaussianCount;
  const want = poseAvatarMeans(aPose, pose, [0.1, 0, 0], new Float32Array(n * 3), undefined, { poseOffsets: false });
  const got = poseAvatarMeans(tAvatar, rebasePose(pose, t.rotations, aPose.header.skeleton.parents), [0.1, 0, 0], new Float32Array(n * 3), undefined, { poseOffsets: false });
  let err = 0;
  for (let i = 0; i < n * 3; i++) err = Math.max(err, Math.abs(want[i]! - got[i]!));
  assert.ok(err < 1e-5, `max difference ${err} m`);
});
