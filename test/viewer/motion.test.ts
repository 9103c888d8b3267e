import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisAngleToQuat, quatToAxisAngle, slerp } from '../../src/core/rotation.js';
import type { Motion } from '../../src/motion/types.js';
import { bindMotion, framePosition, motionDuration, samplePose } from '../../src/viewer/motionPlayer.js';
import { motionFromJson, motionToJson } from '../../src/viewer/motionJson.js';
import { importMotionFile } from '../../src/viewer/motionImport.js';
import { builtinMotionFiles } from '../../src/viewer/motions.js';
import { syntheticAvatar } from '../../src/viewer/syntheticAvatar.js';

function twoJointMotion(): Motion {
  const q0 = axisAngleToQuat(0, 0, 0), q1 = axisAngleToQuat(0, 0, 1.2), q2 = axisAngleToQuat(0.4, 0, 0);
  return {
    name: 'test', fps: 10, frameCount: 2, jointNames: ['elbow', 'extra'],
    rotations: Float32Array.from([...q0, ...q2, ...q1, ...q2]),
    rootTranslation: Float32Array.from([0, 0, 0, 1, 0, 0]),
  };
}

test('bindMotion maps joints by name; samplePose slerps between frames and loops', () => {
  const b = bindMotion(twoJointMotion(), ['root', 'elbow']);
  assert.equal(b.matchedJoints, 1);
  assert.equal(motionDuration(b), 0.2);
  const rot = new Float64Array(6), tr = new Float64Array(3);
  samplePose(b, 0.05, rot, tr); // halfway between frames 0 and 1
  assert.deepEqual(Array.from(rot.subarray(0, 3)), [0, 0, 0]); // unmatched joint stays at rest
  const ref = quatToAxisAngle(slerp(axisAngleToQuat(0, 0, 0), axisAngleToQuat(0, 0, 1.2), 0.5));
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(rot[3 + c]! - ref[c]!) < 1e-6);
  assert.ok(Math.abs(rot[5]! - 0.6) < 1e-6);
  assert.ok(Math.abs(tr[0]! - 0.5) < 1e-6);
  // time 0.15 s: between the last frame and (looping) the first
  const fp = framePosition(b, 0.15);
  assert.equal(fp.f0, 1);
  assert.equal(fp.f1, 0);
  assert.ok(Math.abs(fp.alpha - 0.5) < 1e-9);
  samplePose(b, 0.2, rot, tr); // wraps to frame 0
  assert.ok(Math.abs(rot[5]!) < 1e-6 && Math.abs(tr[0]!) < 1e-6);
});

test('bindMotion rejects motions that do not fit', () => {
  assert.throws(() => bindMotion(twoJointMotion(), ['a', 'b']), /drives none of the avatar's joints/);
  assert.throws(() => bindMotion({ ...twoJointMotion(), rotations: new Float32Array(3) }, ['elbow']), /rotations has 3 values/);
  assert.throws(() => bindMotion({ ...twoJointMotion(), fps: 0 }, ['elbow']), /fps must be positive/);
  assert.throws(() => bindMotion({ ...twoJointMotion(), rotations: new Float32Array(16) }, ['elbow']), /not a quaternion/);
});

test('motion JSON round-trips and malformed JSON gives a clear error', () => {
  const m = twoJointMotion();
  const back = motionFromJson(JSON.parse(motionToJson(m)));
  assert.equal(back.name, 'test');
  assert.equal(back.frameCount, 2);
  assert.deepEqual(back.jointNames, m.jointNames);
  for (let i = 0; i < m.rotations.length; i++) assert.ok(Math.abs(back.rotations[i]! - m.rotations[i]!) < 1e-6);
  assert.throws(() => motionFromJson({ fps: 30, frameCount: 1, jointNames: ['a'], rotations: [1, 0, 0] }), /rotations has 3 values/);
  assert.throws(() => motionFromJson({ fps: -1, jointNames: ['a'], rotations: [1, 0, 0, 0] }), /fps must be positive/);
  assert.throws(() => motionFromJson({ fps: 30, jointNames: 'a', rotations: [] }), /jointNames/);
});

test('builtin motions are pre-exported for the avatar skeleton and bind to it', () => {
  const avatar = syntheticAvatar({ gaussians: 200, anchors: 0 });
  const { files, index, skipped } = builtinMotionFiles(avatar.header);
  assert.deepEqual(skipped, []);
  assert.ok(index.length >= 3);
  const list = JSON.parse(files.get('/motions/index.json')!) as { motions: Array<{ name: string; file: string }> };
  assert.equal(list.motions.length, index.length);
  const dance = list.motions.find((m) => m.name === 'dance')!;
  const m = motionFromJson(JSON.parse(files.get(`/motions/${dance.file}`)!));
  const bound = bindMotion(m, avatar.header.skeleton.names);
  assert.equal(bound.matchedJoints, avatar.header.skeleton.names.length);
  // it moves: some joint rotates by more than 10° over the clip
  const rot = new Float64Array(bound.jointCount * 3), tr = new Float64Array(3), rot2 = new Float64Array(bound.jointCount * 3);
  samplePose(bound, 0, rot, tr);
  samplePose(bound, motionDuration(bound) / 2, rot2, tr);
  let most = 0;
  for (let i = 0; i < rot.length; i++) most = Math.max(most, Math.abs(rot[i]! - rot2[i]!));
  assert.ok(most > 0.17, `largest change ${most}`);
});

test('a dropped JSON motion with SMPL-X names is retargeted; unknown formats are refused', () => {
  const avatar = syntheticAvatar({ gaussians: 200, anchors: 0 });
  const q = axisAngleToQuat(0, 0, -1);
  const json = JSON.stringify({ name: 'wave', fps: 30, frameCount: 1, jointNames: ['left_shoulder'], rotations: [...q], rootTranslation: [0, 0, 0] });
  const m = importMotionFile('wave.json', json, avatar.header);
  assert.equal(m.jointNames.length, avatar.header.skeleton.names.length);
  const b = bindMotion(m, avatar.header.skeleton.names);
  const rot = new Float64Array(b.jointCount * 3), tr = new Float64Array(3);
  samplePose(b, 0, rot, tr);
  const ls = avatar.header.skeleton.names.indexOf('left_shoulder');
  assert.ok(Math.abs(rot[ls * 3 + 2]! + 1) < 1e-3, `left shoulder z rotation ${rot[ls * 3 + 2]}`);
  assert.throws(() => importMotionFile('x.fbx', '', avatar.header), /unsupported motion file/);
  assert.throws(() => importMotionFile('x.json', '{', avatar.header), /not valid JSON/);
  assert.throws(() => importMotionFile('x.json', JSON.stringify({ fps: 30, jointNames: ['foo'], rotations: [1, 0, 0, 0] }), avatar.header), /neither the avatar's nor SMPL-X/);
});
