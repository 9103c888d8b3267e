import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpz } from '../../src/core/npz.js';
import { getBuiltinMotion } from '../../src/motion/builtin.js';
import { motionToJson, parseMotionJson } from '../../src/motion/json.js';
import { readMotionJson, readSmplxNpz, writeMotionJson } from '../../src/motion/io.js';
import { loadMotion, saveMotion } from '../../src/motion/load.js';
import { parseSmplxJson, smplxToMotion } from '../../src/motion/smplx.js';
import { createFkResult, quatForwardKinematics } from '../../src/body/fk.js';
import { quatAngle } from '../../src/core/rotation.js';
import { SMPLX_JOINTS } from '../../src/motion/names.js';
import { bodyRig } from './rig.js';
import type { Motion } from '../../src/motion/types.js';

const rs = await bodyRig();
const J = rs.skeleton.names.length;
const dir = await mkdtemp(join(tmpdir(), 'persona-motion-'));
test.after(() => rm(dir, { recursive: true, force: true }));

function maxAngleDeg(a: Motion, b: Motion): number {
  let w = 0;
  for (let i = 0; i < a.rotations.length; i += 4) w = Math.max(w, quatAngle(a.rotations, i, b.rotations, i));
  return (w * 180) / Math.PI;
}

test('motion JSON: write → read round-trips rotations, translation, flags and skeleton', async () => {
  const m = getBuiltinMotion('squat', rs.skeleton, rs.rest);
  m.flags = new Uint8Array(m.frameCount).map((_, i) => (i % 7 === 0 ? 1 : 0));
  const path = join(dir, 'squat.json');
  await writeMotionJson(path, m, rs);
  const back = await readMotionJson(path);
  assert.equal(back.motion.name, 'squat');
  assert.equal(back.motion.frameCount, m.frameCount);
  assert.deepEqual(back.motion.jointNames, m.jointNames);
  assert.ok(maxAngleDeg(m, back.motion) < 1e-3);
  for (let i = 0; i < m.rootTranslation.length; i++) assert.ok(Math.abs(m.rootTranslation[i]! - back.motion.rootTranslation[i]!) < 1e-4);
  assert.deepEqual(Array.from(back.motion.flags!), Array.from(m.flags));
  assert.deepEqual(Array.from(back.skeleton!.skeleton.parents), Array.from(rs.skeleton.parents));
  // Loading it for the same body gives the same motion back.
  const loaded = await loadMotion(path, rs);
  assert.ok(maxAngleDeg(m, loaded) < 1e-3, `${maxAngleDeg(m, loaded)}°`);
});

test('motion JSON accepts axis-angle rotations and maps joints by name', () => {
  const v = {
    format: 'persona-motion', version: 1, name: 'bend', fps: 10, rotation: 'axis-angle',
    joints: ['lowerarm_l', 'calf_r'],
    frames: [{ r: [[0, 0, 0], [0, 0, 0]], t: [0, 0, 0] }, { r: [[0, -Math.PI / 2, 0], [Math.PI / 4, 0, 0]], t: [0, 0.1, 0] }],
  };
  const { motion } = parseMotionJson(v);
  assert.equal(motion.frameCount, 2);
  const q = Array.from(motion.rotations.subarray(8, 12)); // frame 1, joint 0
  assert.ok(Math.abs(q[0]! - Math.SQRT1_2) < 1e-6 && Math.abs(q[2]! + Math.SQRT1_2) < 1e-6);
});

test('bad motion JSON gives errors naming the field', () => {
  const ok = motionToJson(getBuiltinMotion('a-pose', rs.skeleton, rs.rest)) as Record<string, unknown>;
  const withField = (patch: (o: Record<string, any>) => void): unknown => { const o = structuredClone(ok) as Record<string, any>; patch(o); return o; };
  const cases: Array<[unknown, RegExp]> = [
    [withField((o) => { o.format = 'other'; }), /format must be "persona-motion"/],
    [withField((o) => { o.version = 9; }), /version is 9; this Persona reads up to version 1/],
    [withField((o) => { o.fps = -1; }), /fps must be a positive number/],
    [withField((o) => { o.joints[3] = 7; }), /joints\[3\] must be a non-empty string/],
    [withField((o) => { o.joints[4] = o.joints[3]; }), /joints names '.*' twice/],
    [withField((o) => { o.frames[5].r.pop(); }), new RegExp(`frames\\[5\\]\\.r has ${J - 1} rotations, expected ${J}`)],
    [withField((o) => { o.frames[2].r[1] = [1, 0, 0]; }), /frames\[2\]\.r\[1\] \(\w+\) has 3 numbers, expected 4/],
    [withField((o) => { o.frames[2].r[1] = [2, 0, 0, 0]; }), /frames\[2\]\.r\[1\] \(\w+\) is not a unit quaternion/],
    [withField((o) => { o.frames[3].t = [0, 'x', 0]; }), /frames\[3\]\.t\[1\] must be a finite number/],
    [withField((o) => { o.frameCount = 3; }), /frameCount is 3 but frames has \d+ entries/],
    [withField((o) => { o.rotation = 'euler'; }), /rotation must be "quaternion" or "axis-angle"/],
    [withField((o) => { o.skeleton = { parents: o.joints.map(() => 0), rest: o.joints.map(() => [0, 0, 0]) }; }), /skeleton\.parents\[0\] is 0; parents must be −1 or the index of an earlier joint/],
    [[1, 2], /the top level must be an object/],
  ];
  for (const [v, re] of cases) assert.throws(() => parseMotionJson(v, 'm.json'), (e: Error) => re.test(e.message) && e.message.startsWith('m.json: '), `expected ${re}`);
});

test('loadMotion: builtins by name, unknown specs and extensions give clear errors', async () => {
  const a = await loadMotion('walk', rs);
  assert.equal(a.name, 'walk');
  const b = await loadMotion('walk', rs, { fps: 15 });
  assert.equal(b.fps, 15);
  assert.equal(b.frameCount, Math.round(((a.frameCount - 1) / 30) * 15) + 1);
  await assert.rejects(loadMotion('nope', rs), /neither a builtin motion nor an existing file/);
  const txt = join(dir, 'm.txt');
  await writeFile(txt, 'x');
  await assert.rejects(loadMotion(txt, rs), /unknown extension '\.txt'/);
  const bvh = join(dir, 'w.bvh');
  await saveMotion(bvh, a, rs);
  const c = await loadMotion(bvh, rs, { keepStart: true });
  assert.ok(maxAngleDeg(a, c) < 0.01);
});

/** An AMASS-like sequence: frame 0 standing (Z-up world), 1: left elbow bent 90°, 2: right hip flexed 90°, 3: moved 0.2 m along world +Y. */
function amassArrays(width: 165 | 156): { poses: Float64Array; trans: Float64Array } {
  const F = 4, Jn = width / 3;
  const poses = new Float64Array(F * width), trans = new Float64Array(F * 3);
  const names: readonly string[] = width === 165 ? SMPLX_JOINTS : [...SMPLX_JOINTS.slice(0, 22), ...SMPLX_JOINTS.slice(25)];
  const set = (f: number, joint: string, v: number[]): void => { poses.set(v, f * width + names.indexOf(joint) * 3); };
  for (let f = 0; f < F; f++) { set(f, 'pelvis', [Math.PI / 2, 0, 0]); trans.set([0.3, -0.1, 0.95], f * 3); }
  set(1, 'left_elbow', [0, -Math.PI / 2, 0]);
  set(2, 'right_hip', [-Math.PI / 2, 0, 0]);
  trans.set([0.3, 0.1, 0.95], 9);
  assert.equal(names.length, Jn);
  return { poses, trans };
}

function dirOf(m: Motion, f: number, a: string, b: string): number[] {
  const fk = createFkResult(J);
  quatForwardKinematics(rs.skeleton, rs.rest, m.rotations, m.rootTranslation, fk, f * J * 4, f * 3);
  const ia = rs.skeleton.names.indexOf(a), ib = rs.skeleton.names.indexOf(b);
  const d = [0, 1, 2].map((k) => fk.positions[ib * 3 + k]! - fk.positions[ia * 3 + k]!);
  const n = Math.hypot(d[0]!, d[1]!, d[2]!);
  return d.map((x) => x / n);
}
const near = (d: number[], e: number[], deg: number, what: string): void => {
  const a = (Math.acos(Math.min(1, d[0]! * e[0]! + d[1]! * e[1]! + d[2]! * e[2]!)) * 180) / Math.PI;
  assert.ok(a < deg, `${what}: ${d.map((x) => x.toFixed(2))} is ${a.toFixed(1)}° from ${e}`);
};

for (const width of [165, 156] as const) {
  test(`AMASS-style npz (poses F×${width}, Z-up) maps onto the body with rest-pose alignment`, async () => {
    const { poses, trans } = amassArrays(width);
    const path = join(dir, `amass${width}.npz`);
    await writeFile(path, encodeNpz({ poses: { data: poses, shape: [4, width] }, trans: { data: trans, shape: [4, 3] }, mocap_framerate: { data: Float64Array.of(60), shape: [] }, gender: { data: ['neutral'], shape: [] } }));
    const seq = readSmplxNpz(path);
    assert.equal(seq.fps, 60);
    assert.equal(seq.parts.hands, true);
    assert.equal(seq.parts.face, width === 165);
    const m = smplxToMotion(seq, rs);
    // Frame 0: upright, T-pose arms (SMPL-X rest) on the A-pose body.
    near(dirOf(m, 0, 'spine_01', 'spine_03'), [0, 1, 0], 8, 'upright spine');
    near(dirOf(m, 0, 'upperarm_l', 'lowerarm_l'), [1, 0, 0], 2, 'T-pose left arm');
    near(dirOf(m, 0, 'thigh_r', 'thigh_l'), [1, 0, 0], 2, 'facing +Z');
    // Frame 1: left forearm forward. Frame 2: right thigh forward.
    near(dirOf(m, 1, 'lowerarm_l', 'hand_l'), [0, 0, 1], 2, 'bent left elbow');
    near(dirOf(m, 2, 'thigh_r', 'calf_r'), [0, 0, 1], 6, 'flexed right hip');
    // Frame 3: +0.2 m along AMASS +Y = backward in our world (the body faced −Y there), scaled by leg length.
    assert.ok(Math.abs(m.rootTranslation[0]!) < 1e-6 && Math.abs(m.rootTranslation[2]!) < 1e-6, 'recentred');
    assert.ok(m.rootTranslation[11]! < -0.1 && m.rootTranslation[11]! > -0.3, `z ${m.rootTranslation[11]}`);
    assert.ok(Math.abs(m.rootTranslation[9]!) < 1e-6 && Math.abs(m.rootTranslation[10]!) < 1e-6);
  });
}

test('the SMPL-X JSON forms give the same motion as the npz', async () => {
  const { poses, trans } = amassArrays(165);
  const rowsOf = (a: Float64Array, w: number): number[][] => Array.from({ length: a.length / w }, (_, f) => Array.from(a.subarray(f * w, (f + 1) * w)));
  const columns = parseSmplxJson({ poses: rowsOf(poses, 165), trans: rowsOf(trans, 3), mocap_framerate: 60, gender: 'female' });
  const frames = parseSmplxJson({
    fps: 60,
    frames: rowsOf(poses, 165).map((p, f) => ({
      global_orient: p.slice(0, 3), body_pose: p.slice(3, 66), jaw_pose: p.slice(66, 69), leye_pose: p.slice(69, 72), reye_pose: p.slice(72, 75),
      left_hand_pose: p.slice(75, 120), right_hand_pose: p.slice(120, 165), transl: Array.from(trans.subarray(f * 3, f * 3 + 3)),
    })),
  });
  const path = join(dir, 'amass165.npz');
  await writeFile(path, encodeNpz({ poses: { data: poses, shape: [4, 165] }, trans: { data: trans, shape: [4, 3] }, mocap_framerate: { data: Float64Array.of(60), shape: [] } }));
  const ref = smplxToMotion(readSmplxNpz(path), rs);
  for (const seq of [columns, frames]) {
    assert.equal(seq.fps, 60);
    const m = smplxToMotion(seq, rs);
    assert.ok(maxAngleDeg(ref, m) < 1e-6);
    for (let i = 0; i < m.rootTranslation.length; i++) assert.ok(Math.abs(ref.rootTranslation[i]! - m.rootTranslation[i]!) < 1e-6);
  }
  // And through loadMotion (JSON detection by content).
  const jp = join(dir, 'seq.json');
  await writeFile(jp, JSON.stringify({ poses: rowsOf(poses, 165), trans: rowsOf(trans, 3), mocap_framerate: 60 }));
  assert.ok(maxAngleDeg(ref, await loadMotion(jp, rs)) < 1e-6);
});

test('bad SMPL-X parameters give errors naming the field', () => {
  assert.throws(() => parseSmplxJson({ poses: [[0, 0, 0]] }, 's.json'), /s\.json: poses has 3 values per frame, expected 165 or 156 or 72 or 66/);
  assert.throws(() => parseSmplxJson({ poses: [new Array(165).fill(0)], trans: [[0, 0]] }, 's.json'), /trans has 2 values per frame, expected 3/);
  assert.throws(() => parseSmplxJson({ poses: [new Array(165).fill(0)], trans: [[0, 0, 0], [0, 0, 0]] }, 's.json'), /trans has 2 frames, but the poses have 1/);
  assert.throws(() => parseSmplxJson({ global_orient: [[0, 0, 0]], left_hand_pose: [new Array(12).fill(0)] }, 's.json'), /left_hand_pose has 12 values per frame: PCA hand components are not supported/);
  assert.throws(() => parseSmplxJson({ frames: [{ global_orient: [0, 0, 0] }, {}] }, 's.json'), /frames\[1\]\.global_orient is missing/);
  assert.throws(() => parseSmplxJson({ betas: [1, 2] }, 's.json'), /has none of poses/);
  assert.throws(() => parseSmplxJson({ poses: [new Array(165).fill(0)], mocap_framerate: -5 }, 's.json'), /mocap_framerate must be a positive number/);
});

test('a persona-motion JSON in SMPL-X names without a skeleton is retargeted from the canonical T-pose', async () => {
  const { getCanonicalBuiltinMotion } = await import('../../src/motion/builtin.js');
  const canon = getCanonicalBuiltinMotion('t-pose');
  const path = join(dir, 'canon.json');
  await writeMotionJson(path, canon);
  const m = await loadMotion(path, rs);
  assert.deepEqual(m.jointNames, rs.skeleton.names);
  // Held T-pose: the A-pose body's left upper arm is horizontal.
  near(dirOf(m, 30, 'upperarm_l', 'lowerarm_l'), [1, 0, 0], 2, 'T-pose from canonical JSON');
});
