import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bvhToMotion, motionToBvh, parseBvh, quatToEulerZXY } from '../../src/motion/bvh.js';
import { getBuiltinMotion } from '../../src/motion/builtin.js';
import { createFkResult, quatForwardKinematics } from '../../src/body/fk.js';
import { quatAngle } from '../../src/core/rotation.js';
import { axisAngleToMatrix, mat3Multiply, matrixToQuat } from '../../src/core/rotation.js';
import { bodyRig } from './rig.js';
import type { Motion } from '../../src/motion/types.js';

const rs = await bodyRig();
const J = rs.skeleton.names.length;

/** A Mixamo-style T-pose skeleton (cm, Y up, facing +Z); `zUp` writes the same in a Z-up world. */
interface J_ { name: string; offset: [number, number, number]; channels: string; children: J_[]; end?: [number, number, number] }
function mixamoSkeleton(): J_ {
  const j = (name: string, offset: [number, number, number], children: J_[] = [], end?: [number, number, number], channels = 'Zrotation Xrotation Yrotation'): J_ =>
    ({ name: `mixamorig:${name}`, offset, channels, children, ...(end ? { end } : {}) });
  const arm = (S: 'Left' | 'Right', s: number): J_ =>
    j(`${S}Shoulder`, [6 * s, 14, 0], [j(`${S}Arm`, [12 * s, 0, 0], [j(`${S}ForeArm`, [27 * s, 0, 0], [j(`${S}Hand`, [25 * s, 0, 0], [], [18 * s, 0, 0])], undefined, 'Xrotation Yrotation Zrotation')])]);
  const leg = (S: 'Left' | 'Right', s: number): J_ =>
    j(`${S}UpLeg`, [9 * s, -6, 0], [j(`${S}Leg`, [0, -42, 1], [j(`${S}Foot`, [0, -42, -2], [j(`${S}ToeBase`, [0, -7, 13], [], [0, 0, 6])])])], undefined, 'Yrotation Xrotation Zrotation');
  const spine = j('Spine', [0, 10, 0], [j('Spine1', [0, 12, 0], [j('Spine2', [0, 12, 0], [j('Neck', [0, 18, 0], [j('Head', [0, 10, 2], [], [0, 18, 0])]), arm('Left', 1), arm('Right', -1)])])]);
  return { name: 'mixamorig:Hips', offset: [0, 100, 0], channels: 'Xposition Yposition Zposition Zrotation Xrotation Yrotation', children: [leg('Left', 1), leg('Right', -1), spine] };
}

function flatten(root: J_): J_[] {
  const out: J_[] = [];
  const walk = (n: J_): void => { out.push(n); n.children.forEach(walk); };
  walk(root);
  return out;
}

/** Writes BVH text; `frames` gives per frame a map joint → {channel: value}. */
function writeBvhText(root: J_, frames: Array<Record<string, Record<string, number>>>, map = (v: [number, number, number]) => v): string {
  const lines = ['HIERARCHY'];
  const emit = (n: J_, d: number, isRoot: boolean): void => {
    const p = '\t'.repeat(d);
    const ch = n.channels.split(' ');
    lines.push(`${p}${isRoot ? 'ROOT' : 'JOINT'} ${n.name}`, `${p}{`, `${p}\tOFFSET ${map(n.offset).join(' ')}`, `${p}\tCHANNELS ${ch.length} ${n.channels}`);
    n.children.forEach((c) => emit(c, d + 1, false));
    if (n.end) lines.push(`${p}\tEnd Site`, `${p}\t{`, `${p}\t\tOFFSET ${map(n.end).join(' ')}`, `${p}\t}`);
    lines.push(`${p}}`);
  };
  emit(root, 0, true);
  lines.push('MOTION', `Frames: ${frames.length}`, 'Frame Time: 0.0333333');
  const joints = flatten(root);
  for (const fr of frames) {
    const vals: number[] = [];
    for (const n of joints) {
      const short = n.name.replace('mixamorig:', '');
      for (const c of n.channels.split(' ')) {
        const dflt = short === 'Hips' && c.endsWith('position') ? root.offset['XYZ'.indexOf(c[0]!)]! : 0;
        vals.push(fr[short]?.[c] ?? dflt);
      }
    }
    lines.push(vals.join(' '));
  }
  return lines.join('\n') + '\n';
}

const at = (name: string): number => rs.skeleton.names.indexOf(name);
function boneDir(m: Motion, f: number, from: string, to: string): number[] {
  const fk = createFkResult(J);
  quatForwardKinematics(rs.skeleton, rs.rest, m.rotations, m.rootTranslation, fk, f * J * 4, f * 3);
  const a = at(from), b = at(to);
  const d = [0, 1, 2].map((k) => fk.positions[b * 3 + k]! - fk.positions[a * 3 + k]!);
  const n = Math.hypot(d[0]!, d[1]!, d[2]!);
  return d.map((x) => x / n);
}
function assertDir(d: number[], e: number[], tolDeg: number, what: string): void {
  const c = d[0]! * e[0]! + d[1]! * e[1]! + d[2]! * e[2]!;
  const deg = (Math.acos(Math.min(1, c)) * 180) / Math.PI;
  assert.ok(deg < tolDeg, `${what}: ${d.map((x) => x.toFixed(2)).join(',')} is ${deg.toFixed(1)}° from ${e.join(',')}`);
}

const FRAMES: Array<Record<string, Record<string, number>>> = [
  {}, // 0: T-pose
  { LeftForeArm: { Yrotation: -90 } }, // 1: left elbow bent 90°, forearm forward
  { LeftArm: { Zrotation: -90 }, RightLeg: { Xrotation: 90 } }, // 2: left arm down, right knee bent 90°
  { Hips: { Yrotation: 90, Xposition: 10, Yposition: 110 } }, // 3: body turned to face +X, hips moved 10 cm right and up
  { LeftForeArm: { Xrotation: 30, Yrotation: -60, Zrotation: 20 } }, // 4: forearm with all three channels (order X, Y, Z)
];

test('a T-pose Mixamo BVH drives the A-pose body: bones point where the BVH bones point', () => {
  const text = writeBvhText(mixamoSkeleton(), FRAMES);
  const m = bvhToMotion(parseBvh(text, 'test.bvh'), rs, { recenter: false });
  assert.equal(m.frameCount, FRAMES.length);
  assert.ok(Math.abs(m.fps - 30) < 0.01);
  // Frame 0: the body's A-pose arms are lifted into the T-pose (rest-pose alignment).
  assertDir(boneDir(m, 0, 'upperarm_l', 'lowerarm_l'), [1, 0, 0], 2, 'T-pose left upper arm');
  assertDir(boneDir(m, 0, 'lowerarm_l', 'hand_l'), [1, 0, 0], 2, 'T-pose left forearm');
  assertDir(boneDir(m, 0, 'upperarm_r', 'lowerarm_r'), [-1, 0, 0], 2, 'T-pose right upper arm');
  assertDir(boneDir(m, 0, 'thigh_l', 'calf_l'), [0, -0.999, 0.024], 3, 'T-pose left thigh');
  // Frame 1: left forearm forward; the upper arm stays out to the side.
  assertDir(boneDir(m, 1, 'lowerarm_l', 'hand_l'), [0, 0, 1], 2, 'bent left forearm');
  assertDir(boneDir(m, 1, 'upperarm_l', 'lowerarm_l'), [1, 0, 0], 2, 'left upper arm, frame 1');
  // Frame 2: left arm hangs down; right shin points backward.
  assertDir(boneDir(m, 2, 'upperarm_l', 'lowerarm_l'), [0, -1, 0], 2, 'lowered left arm');
  assertDir(boneDir(m, 2, 'calf_r', 'foot_r'), [0, 0.047, -0.999], 2, 'bent right shin');
  assertDir(boneDir(m, 2, 'upperarm_r', 'lowerarm_r'), [-1, 0, 0], 2, 'right arm untouched');
  // Frame 3: the whole body faces +X; the root moves by 10 cm × (body leg / BVH leg).
  assertDir(boneDir(m, 3, 'thigh_r', 'thigh_l'), [0, 0, -1], 2, 'hips after a 90° turn');
  const bvhLeg = Math.hypot(0, 42, 1) + Math.hypot(0, 42, 2);
  const p = (n: string): number[] => [0, 1, 2].map((k) => rs.rest[at(n) * 3 + k]!);
  const dist = (a: number[], b: number[]): number => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
  const bodyLeg = (dist(p('thigh_l'), p('calf_l')) + dist(p('calf_l'), p('foot_l')) + dist(p('thigh_r'), p('calf_r')) + dist(p('calf_r'), p('foot_r'))) / 2;
  const s = bodyLeg / bvhLeg;
  assert.ok(Math.abs(m.rootTranslation[9]! - 10 * s) < 1e-5 && Math.abs(m.rootTranslation[10]! - 10 * s) < 1e-5 && Math.abs(m.rootTranslation[11]!) < 1e-6,
    `translation ${Array.from(m.rootTranslation.subarray(9, 12))} vs ${10 * s}`);
  // Frame 4: channels compose in file order (X then Y then Z): R = Rx(30)·Ry(−60)·Rz(20).
  const d = Math.PI / 180;
  const R = mat3Multiply(mat3Multiply(axisAngleToMatrix(30 * d, 0, 0), axisAngleToMatrix(0, -60 * d, 0)), axisAngleToMatrix(0, 0, 20 * d));
  assertDir(boneDir(m, 4, 'lowerarm_l', 'hand_l'), [R[0]!, R[3]!, R[6]!], 2, 'forearm with XYZ channels');
});

test('a Z-up BVH imports like the Y-up one', () => {
  const zup = (v: [number, number, number]): [number, number, number] => [v[0], -v[2], v[1]];
  const y = bvhToMotion(parseBvh(writeBvhText(mixamoSkeleton(), [{}, { LeftArm: { Zrotation: -90 } }])), rs, { recenter: false });
  // In the Z-up file, our Z axis is its −Y: a rotation of −90° about our Z is +90° about its Y.
  const zFrames: Array<Record<string, Record<string, number>>> = [{ Hips: { Yposition: 0, Zposition: 100 } }, { Hips: { Yposition: 0, Zposition: 100 }, LeftArm: { Yrotation: 90 } }];
  const z = bvhToMotion(parseBvh(writeBvhText(mixamoSkeleton(), zFrames, zup)), rs, { recenter: false });
  for (let i = 0; i < y.rotations.length; i += 4) assert.ok(quatAngle(y.rotations, i, z.rotations, i) < 1e-4, `rotation ${i / 4} (${rs.skeleton.names[(i / 4) % J]}): ${quatAngle(y.rotations, i, z.rotations, i)}`);
  assertDir(boneDir(z, 1, 'upperarm_l', 'lowerarm_l'), [0, -1, 0], 2, 'Z-up lowered arm');
});

test('BVH export → import round-trips a builtin motion on the body skeleton', () => {
  const m = getBuiltinMotion('punch-kick', rs.skeleton, rs.rest);
  const text = motionToBvh(m, rs);
  assert.match(text, /^HIERARCHY\nROOT /);
  const back = bvhToMotion(parseBvh(text), rs, { recenter: false });
  assert.deepEqual(back.jointNames, m.jointNames);
  assert.equal(back.frameCount, m.frameCount);
  assert.ok(Math.abs(back.fps - m.fps) < 1e-4);
  let worst = 0;
  for (let i = 0; i < m.rotations.length; i += 4) worst = Math.max(worst, quatAngle(m.rotations, i, back.rotations, i));
  assert.ok(worst * 180 / Math.PI < 0.01, `worst rotation error ${worst * 180 / Math.PI}°`);
  for (let i = 0; i < m.rootTranslation.length; i++) assert.ok(Math.abs(m.rootTranslation[i]! - back.rootTranslation[i]!) < 1e-5);
});

test('ZXY Euler decomposition inverts composition, including near gimbal lock', () => {
  const d = Math.PI / 180;
  for (const [z, x, y] of [[10, 20, 30], [-170, 45, 100], [0, 90, 0], [33, -89.9999, 12], [0, 0, 0], [179, -30, -179]]) {
    const R = mat3Multiply(mat3Multiply(axisAngleToMatrix(0, 0, z! * d), axisAngleToMatrix(x! * d, 0, 0)), axisAngleToMatrix(0, y! * d, 0));
    const q = matrixToQuat(R);
    const e = quatToEulerZXY(q);
    const R2 = mat3Multiply(mat3Multiply(axisAngleToMatrix(0, 0, e[0] * d), axisAngleToMatrix(e[1] * d, 0, 0)), axisAngleToMatrix(0, e[2] * d, 0));
    assert.ok(quatAngle(q, 0, matrixToQuat(R2), 0) < 1e-6, `${z},${x},${y} → ${e}`);
  }
});

test('bad BVH files give errors naming the line', () => {
  const good = writeBvhText(mixamoSkeleton(), [{}, {}]);
  const lines = good.split('\n');
  const bad = (edit: (l: string[]) => void): string => { const l = [...lines]; edit(l); return l.join('\n'); };
  assert.throws(() => parseBvh(good.replace('MOTION', 'MOTON'), 'x.bvh'), /x\.bvh: line \d+: no MOTION section/);
  const chLine = lines.findIndex((l) => l.includes('CHANNELS 3 Zrotation'));
  assert.throws(() => parseBvh(bad((l) => { l[chLine] = l[chLine]!.replace('Zrotation', 'Wrotation'); }), 'x.bvh'),
    new RegExp(`line ${chLine + 1}: unknown channel 'Wrotation'`));
  const last = lines.length - 2;
  assert.throws(() => parseBvh(bad((l) => { l[last] = l[last]!.split(' ').slice(1).join(' '); }), 'x.bvh'),
    new RegExp(`line ${last + 1}: frame 1 has \\d+ values, expected \\d+`));
  assert.throws(() => parseBvh(bad((l) => { l[last] = l[last]!.replace(/^\S+/, 'abc'); }), 'x.bvh'), new RegExp(`line ${last + 1}: frame 1, value 1 is 'abc'`));
  assert.throws(() => parseBvh(bad((l) => { l.splice(last, 1); }), 'x.bvh'), /header says 2 frames but the file has 1/);
  const offLine = lines.findIndex((l) => l.includes('OFFSET'));
  assert.throws(() => parseBvh(bad((l) => { l[offLine] = l[offLine]!.replace(/OFFSET \S+/, 'OFFSET q'); }), 'x.bvh'), new RegExp(`line ${offLine + 1}: expected an OFFSET x, got 'q'`));
  assert.throws(() => parseBvh(bad((l) => { l.splice(l.indexOf('MOTION') + 1, 1); }), 'x.bvh'), /expected 'Frames: <count>'/);
});

test('Mixamo finger curls reach the body model’s finger joints (index and little finger of the left hand)', () => {
  // The Mixamo skeleton with the left hand's index and little fingers (T-pose: fingers along +X, palm down).
  const root = mixamoSkeleton();
  const hand = flatten(root).find((n) => n.name === 'mixamorig:LeftHand')!;
  const finger = (name: string, z: number): J_ => ({
    name: `mixamorig:LeftHand${name}1`, offset: [9, 0, z], channels: 'Zrotation Xrotation Yrotation',
    children: [{ name: `mixamorig:LeftHand${name}2`, offset: [4, 0, 0], channels: 'Zrotation Xrotation Yrotation',
      children: [{ name: `mixamorig:LeftHand${name}3`, offset: [3, 0, 0], channels: 'Zrotation Xrotation Yrotation', children: [], end: [2.5, 0, 0] }] }],
  });
  hand.children = [finger('Index', 2.5), finger('Pinky', -2.5)];
  delete hand.end;
  // Frame 0: open hand; frame 1: the index finger curled 30° at each of its three joints (towards the palm, −Z rotation), the little finger open.
  const curl = { Zrotation: -30 };
  const m = bvhToMotion(parseBvh(writeBvhText(root, [{}, { LeftHandIndex1: curl, LeftHandIndex2: curl, LeftHandIndex3: curl }]), 'fingers.bvh'), rs, { recenter: false });
  const angleDeg = (a: number[], b: number[]): number => (Math.acos(Math.min(1, a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!)) * 180) / Math.PI;
  // The finger joints move: index_03's local rotation is the 30° curl; its middle phalanx turns by the 60° of the first two joints.
  const j3 = at('index_03_l');
  const open = [0, 1, 2, 3].map((k) => m.rotations[(0 * J + j3) * 4 + k]!), curled = [0, 1, 2, 3].map((k) => m.rotations[(1 * J + j3) * 4 + k]!);
  const rel = 2 * Math.acos(Math.min(1, Math.abs(open[0]! * curled[0]! + open[1]! * curled[1]! + open[2]! * curled[2]! + open[3]! * curled[3]!))) * 180 / Math.PI;
  assert.ok(Math.abs(rel - 30) < 3, `index_03_l turned by ${rel.toFixed(1)}°`);
  const mid0 = boneDir(m, 0, 'index_02_l', 'index_03_l'), mid1 = boneDir(m, 1, 'index_02_l', 'index_03_l');
  const bend = angleDeg(mid0, mid1);
  assert.ok(Math.abs(bend - 60) < 5, `middle phalanx bent by ${bend.toFixed(1)}°`);
  assert.ok(mid1[1]! < -0.6, `curled towards the palm (down): ${mid1.map((x) => x.toFixed(2)).join(',')}`);
  // The open hand points its fingers along the T-pose arm, and the little finger does not follow the index.
  assertDir(mid0, [1, 0, 0], 15, 'open index finger');
  assert.ok(angleDeg(boneDir(m, 0, 'pinky_02_l', 'pinky_03_l'), boneDir(m, 1, 'pinky_02_l', 'pinky_03_l')) < 1, 'little finger unchanged');
  console.log(`BVH fingers: index_03_l local turn ${rel.toFixed(1)}°, middle phalanx bend ${bend.toFixed(1)}° (truth 30°, 60°); open finger ${angleDeg(mid0, [1, 0, 0]).toFixed(1)}° from +X`);
});
