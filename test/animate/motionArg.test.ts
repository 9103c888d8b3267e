import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMotionArg, motionFramePose, resolvePose } from '../../src/animate/motionArg.js';
import { avatarRestSkeleton } from '../../src/animate/poses.js';
import { animateAvatar } from '../../src/animate/animate.js';
import { skinningMatrices } from '../../src/avatar/pose.js';
import { PersonaError } from '../../src/core/errors.js';
import { tempDir } from '../helpers.js';
import { fixtureAvatar, FIXTURE_JOINTS } from '../export/fixture.js';

const avatar = fixtureAvatar();
const names = FIXTURE_JOINTS.map(([n]) => n);
const rest = FIXTURE_JOINTS.map(([, , p]) => p);

/** Mixamo names (with the `mixamorig:` prefix) for the fixture joints, parent first. */
const MIXAMO: Record<string, string> = {
  pelvis: 'Hips', left_hip: 'LeftUpLeg', right_hip: 'RightUpLeg', spine1: 'Spine', left_knee: 'LeftLeg', right_knee: 'RightLeg',
  spine2: 'Spine1', left_ankle: 'LeftFoot', right_ankle: 'RightFoot', spine3: 'Spine2', neck: 'Neck', left_collar: 'LeftShoulder',
  right_collar: 'RightShoulder', head: 'Head', left_shoulder: 'LeftArm', right_shoulder: 'RightArm', left_elbow: 'LeftForeArm',
  right_elbow: 'RightForeArm', left_wrist: 'LeftHand', right_wrist: 'RightHand',
};

/**
 * A BVH (centimetres, ZXY channels) of the fixture skeleton; `frames[f][joint]` = [z, x, y] degrees. The root's
 * OFFSET is its rest position and its position channels repeat it (src/motion reads translation = channels − OFFSET).
 */
function writeTestBvh(frames: Array<Record<string, [number, number, number]>>): string {
  const children = (p: number): number[] => FIXTURE_JOINTS.map(([, q], j) => (q === p ? j : -1)).filter((j) => j >= 0);
  const order: number[] = [];
  const lines: string[] = ['HIERARCHY'];
  const emit = (j: number, depth: number): void => {
    order.push(j);
    const pad = '  '.repeat(depth);
    const p = FIXTURE_JOINTS[j]![1];
    const off = p < 0 ? [0, 1, 2].map((c) => rest[0]![c]! * 100) : [0, 1, 2].map((c) => (rest[j]![c]! - rest[p]![c]!) * 100);
    lines.push(`${pad}${p < 0 ? 'ROOT' : 'JOINT'} mixamorig:${MIXAMO[names[j]!]}`, `${pad}{`, `${pad}  OFFSET ${off.map((v) => v.toFixed(4)).join(' ')}`);
    lines.push(`${pad}  CHANNELS ${p < 0 ? '6 Xposition Yposition Zposition ' : '3 '}Zrotation Xrotation Yrotation`);
    const kids = children(j);
    for (const k of kids) emit(k, depth + 1);
    if (kids.length === 0) lines.push(`${pad}  End Site`, `${pad}  {`, `${pad}    OFFSET 0 5 0`, `${pad}  }`);
    lines.push(`${pad}}`);
  };
  emit(0, 0);
  lines.push('MOTION', `Frames: ${frames.length}`, `Frame Time: ${(1 / 30).toFixed(7)}`);
  for (const fr of frames) {
    const vals: number[] = [];
    for (const j of order) {
      if (FIXTURE_JOINTS[j]![1] < 0) vals.push(rest[0]![0]! * 100, rest[0]![1]! * 100, rest[0]![2]! * 100);
      vals.push(...(fr[MIXAMO[names[j]!]!] ?? [0, 0, 0]));
    }
    lines.push(vals.map((v) => v.toFixed(4)).join(' '));
  }
  return lines.join('\n') + '\n';
}

/** World joint positions of the avatar skeleton under a pose. */
function worldJoints(pose: { rotations: Float64Array; translation: [number, number, number] }): number[][] {
  const J = names.length;
  const world = new Float64Array(J * 12), skin = new Float64Array(J * 12);
  skinningMatrices(avatar.header.skeleton.parents, avatar.header.skeleton.restJoints, pose.rotations, pose.translation, world, skin);
  return names.map((_, j) => [world[j * 12 + 3]! + pose.translation[0], world[j * 12 + 7]! + pose.translation[1], world[j * 12 + 11]! + pose.translation[2]]);
}

const close = (a: number[], b: number[], tol: number, what: string): void => {
  const d = Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
  assert.ok(d < tol, `${what}: ${a.map((v) => v.toFixed(3))} vs ${b.map((v) => v.toFixed(3))} (${d.toFixed(4)} m)`);
};

test('a Mixamo BVH written by the test drives the expected joints through the animate loading path', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'wave.bvh');
    await writeFile(path, writeTestBvh([
      {},
      { LeftForeArm: [90, 0, 0] }, // left elbow about +z: the forearm turns from +x to +y
      { RightArm: [0, 0, 90], LeftUpLeg: [0, -90, 0] }, // right shoulder +90° about y: the arm (−x) turns to +z; left hip −90° about x: the thigh (−y) turns to +z
    ]));
    const m = await loadMotionArg(path, avatarRestSkeleton(avatar));
    assert.equal(m.frameCount, 3);
    const j = (n: string): number => names.indexOf(n);
    const r = rest;
    // frame 0: rest
    const w0 = worldJoints(motionFramePose(m, avatar, 0));
    close(w0[j('left_wrist')]!, r[j('left_wrist')]!, 0.01, 'rest wrist');
    // frame 1: the left wrist is straight above the left elbow, the right arm is unchanged
    const w1 = worldJoints(motionFramePose(m, avatar, 1));
    const elbow = w1[j('left_elbow')]!;
    close(elbow, r[j('left_elbow')]!, 0.01, 'elbow stays');
    close(w1[j('left_wrist')]!, [elbow[0]!, elbow[1]! + 0.25, elbow[2]!], 0.02, 'wrist above the elbow');
    close(w1[j('right_wrist')]!, r[j('right_wrist')]!, 0.01, 'right wrist unchanged');
    // frame 2: the right arm points forward (+z), the left knee swings forward
    const w2 = worldJoints(motionFramePose(m, avatar, 2));
    const sh = w2[j('right_shoulder')]!;
    close(w2[j('right_wrist')]!, [sh[0]!, sh[1]!, sh[2]! + 0.51], 0.03, 'right arm forward');
    assert.ok(w2[j('left_knee')]![2]! > 0.3, `left knee forward (z = ${w2[j('left_knee')]![2]})`);
    close(w2[j('left_wrist')]!, r[j('left_wrist')]!, 0.01, 'left arm back at rest');
    // and the whole animate path renders one frame per BVH frame
    const out = join(dir, 'frames') + '/';
    const res = await animateAvatar(avatar, m, { out, size: 48 });
    assert.equal(res.frames, 3);
    assert.equal((await readdir(join(dir, 'frames'))).length, 3);
  } finally {
    await cleanup();
  }
});

test('bad motion arguments and files give clear errors naming the file and line', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const rs = avatarRestSkeleton(avatar);
    await assert.rejects(loadMotionArg('no-such-motion', rs), (e: unknown) => e instanceof PersonaError && /neither a builtin motion nor an existing file/.test(e.message));
    const bad = join(dir, 'bad.bvh');
    await writeFile(bad, 'HIERARCHY\nROOT Hips\n{\n  OFFSET 0 0 0\n  CHANNELS 2 Xrotation\n}\nMOTION\nFrames: 1\nFrame Time: 0.03\n0 0\n');
    await assert.rejects(loadMotionArg(bad, rs), (e: unknown) => e instanceof PersonaError && e.message.includes(bad) && /line \d+/.test(e.message));
    const badJson = join(dir, 'bad.json');
    await writeFile(badJson, '{"format": "persona-motion", "formatVersion": 1');
    await assert.rejects(loadMotionArg(badJson, rs), (e: unknown) => e instanceof PersonaError && e.message.includes(badJson));
    await assert.rejects(resolvePose(avatar, { pose: 'dance@x' }), /must be an integer/);
    await assert.rejects(resolvePose(avatar, { pose: 'cartwheel' }), /Unknown pose "cartwheel"/);
    await assert.rejects(resolvePose(avatar, { motion: 'dance', frame: 100000 }), /outside motion "dance"/);
  } finally {
    await cleanup();
  }
});

test('named poses: rest is all zeros; a builtin name gives its middle frame, name@K frame K', async () => {
  const restP = await resolvePose(avatar, { pose: 'rest' });
  assert.ok(restP.rotations.every((v) => v === 0));
  const tpose = await resolvePose(avatar, { pose: 't-pose' });
  // a t-pose holds the arms horizontal, as the fixture's rest
  const w = worldJoints(tpose);
  for (const side of ['left', 'right'])
    assert.ok(Math.abs(w[names.indexOf(`${side}_wrist`)]![1]! - w[names.indexOf(`${side}_shoulder`)]![1]!) < 0.05, `${side} arm horizontal`);
  const d0 = await resolvePose(avatar, { pose: 'dance@0' });
  const d1 = await resolvePose(avatar, { motion: 'dance', frame: 0 });
  assert.deepEqual([...d0.rotations], [...d1.rotations]);
});
