import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisAngleToQuat, quatToAxisAngle, slerp } from '../../src/core/rotation.js';
import type { Motion } from '../../src/motion/types.js';
import { bindMotion, framePosition, motionDuration, samplePose } from '../../src/viewer/motionPlayer.js';
import { motionToJson, parseMotionJson } from '../../src/motion/json.js';
import { importMotionFile } from '../../src/viewer/motionImport.js';
import { builtinMotionFiles } from '../../src/viewer/motions.js';
import { syntheticAvatar } from '../../src/bench/syntheticAvatar.js';

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

test('builtin motions are pre-exported for the avatar skeleton and bind to it', () => {
  const avatar = syntheticAvatar({ gaussians: 200, anchors: 0 });
  const { files, index, skipped } = builtinMotionFiles(avatar.header);
  assert.deepEqual(skipped, []);
  assert.ok(index.length >= 3);
  const list = JSON.parse(files.get('/motions/index.json')!) as { motions: Array<{ name: string; file: string }> };
  assert.equal(list.motions.length, index.length);
  const dance = list.motions.find((m) => m.name === 'dance')!;
  const m = parseMotionJson(JSON.parse(files.get(`/motions/${dance.file}`)!)).motion;
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

const jointRotation = (m: Motion, names: readonly string[], joint: string, t = 0): number[] => {
  const b = bindMotion(m, names);
  const rot = new Float64Array(b.jointCount * 3), tr = new Float64Array(3);
  samplePose(b, t, rot, tr);
  const j = names.indexOf(joint);
  return Array.from(rot.subarray(j * 3, j * 3 + 3));
};

test('a dropped persona-motion JSON with SMPL-X names is retargeted; bad files are refused with clear errors', () => {
  const avatar = syntheticAvatar({ gaussians: 200, anchors: 0 });
  const names = avatar.header.skeleton.names;
  const q = axisAngleToQuat(0, 0, -1);
  const one = { name: 'wave', fps: 30, frameCount: 1, jointNames: ['left_shoulder'], rotations: Float32Array.from(q), rootTranslation: new Float32Array(3) };
  const m = importMotionFile('wave.json', JSON.stringify(motionToJson(one)), avatar.header);
  assert.equal(m.jointNames.length, names.length);
  const r = jointRotation(m, names, 'left_shoulder');
  assert.ok(Math.abs(r[2]! + 1) < 1e-3, `left shoulder z rotation ${r[2]}`);
  assert.throws(() => importMotionFile('x.fbx', '', avatar.header), /unsupported motion file/);
  assert.throws(() => importMotionFile('x.json', '{', avatar.header), /not valid JSON/);
  const foreign = { ...one, jointNames: ['foo'] };
  assert.throws(() => importMotionFile('x.json', JSON.stringify(motionToJson(foreign)), avatar.header), /neither the avatar's nor SMPL-X/);
  assert.throws(() => importMotionFile('x.json', JSON.stringify({ format: 'persona-motion', version: 1, fps: 30, joints: ['a'], frames: [] }), avatar.header), /frames/);
});

test('a dropped BVH (Mixamo-style names, centimetres) is parsed and retargeted onto the avatar', () => {
  const avatar = syntheticAvatar({ gaussians: 200, anchors: 0 });
  const names = avatar.header.skeleton.names;
  // T-pose rig in cm: hips → spine → left arm along +x; frame 1 bends the left forearm 90° about Z.
  const bvh = `HIERARCHY
ROOT Hips
{
  OFFSET 0 95 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
  JOINT Spine
  {
    OFFSET 0 10 0
    CHANNELS 3 Zrotation Xrotation Yrotation
    JOINT LeftArm
    {
      OFFSET 18 35 0
      CHANNELS 3 Zrotation Xrotation Yrotation
      JOINT LeftForeArm
      {
        OFFSET 26 0 0
        CHANNELS 3 Zrotation Xrotation Yrotation
        End Site
        {
          OFFSET 25 0 0
        }
      }
    }
  }
  JOINT LeftUpLeg
  {
    OFFSET 9 -7 0
    CHANNELS 3 Zrotation Xrotation Yrotation
    JOINT LeftLeg
    {
      OFFSET 0 -39 0
      CHANNELS 3 Zrotation Xrotation Yrotation
      End Site
      {
        OFFSET 0 -41 0
      }
    }
  }
}
MOTION
Frames: 2
Frame Time: 0.0333333
0 95 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
0 95 0 0 0 0 0 0 0 0 0 0 90 0 0 0 0 0 0 0 0
`;
  const m = importMotionFile('clip.bvh', bvh, avatar.header);
  assert.equal(m.name, 'clip');
  assert.equal(m.frameCount, 2);
  assert.ok(Math.abs(m.fps - 30) < 0.01);
  const rest = jointRotation(m, names, 'left_elbow', 0);
  assert.ok(Math.hypot(...rest) < 1e-3, `frame 0 is the rest pose (${rest})`);
  const bent = jointRotation(m, names, 'left_elbow', 1 / m.fps);
  assert.ok(Math.abs(Math.hypot(...bent) - Math.PI / 2) < 0.02, `frame 1 bends the elbow 90° (${bent})`);
  assert.throws(() => importMotionFile('bad.bvh', 'HIERARCHY\nROOT', avatar.header));
});

test('every builtin motion retargets onto the default body model skeleton and drives all of its joints', async () => {
  const { loadBodyModel } = await import('../../src/body/model.js');
  const body = loadBodyModel();
  const avatar = syntheticAvatar({ gaussians: 50, anchors: 0 });
  const header = {
    ...avatar.header,
    skeleton: { names: [...body.skeleton.names], parents: Array.from(body.skeleton.parents), restJoints: Array.from(body.jointPositions(body.template)) },
  };
  const { files, index, skipped } = builtinMotionFiles(header);
  assert.deepEqual(skipped, []);
  for (const entry of index) {
    const m = parseMotionJson(JSON.parse(files.get(`/motions/${entry.file}`)!)).motion;
    const bound = bindMotion(m, header.skeleton.names);
    assert.equal(bound.matchedJoints, header.skeleton.names.length, entry.name);
  }
});
