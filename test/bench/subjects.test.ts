import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { PART_INDEX } from '../../src/body/types.js';
import { PersonaError } from '../../src/core/errors.js';
import { MATERIALS, evaluatePattern } from '../../src/bench/appearance.js';
import { GARMENT_CONFIG, skirtDrivers, skirtOffsets } from '../../src/bench/garments.js';
import { listSubjects, makeSubject, poseFromRecipe, SUBJECT_SPECS } from '../../src/bench/subjects.js';

const model = loadBodyModel();
const TEX = 256; // small textures keep the tests fast

test('six distinct subjects are listed; unknown ids raise PersonaError', () => {
  const list = listSubjects();
  assert.ok(list.length >= 6);
  assert.equal(new Set(list.map((s) => s.name)).size, list.length);
  assert.equal(new Set(SUBJECT_SPECS.map((s) => JSON.stringify(s.appearance))).size, list.length);
  assert.throws(() => makeSubject(99, { model }), PersonaError);
});

test('subjects differ in shape and texture', () => {
  const a = makeSubject(0, { model, textureSize: TEX }), b = makeSubject(3, { model, textureSize: TEX });
  let shapeDiff = 0;
  for (let i = 0; i < a.rest.length; i++) shapeDiff = Math.max(shapeDiff, Math.abs(a.rest[i]! - b.rest[i]!));
  assert.ok(shapeDiff > 0.02, `shape difference ${shapeDiff} m`);
  let texDiff = 0;
  for (let i = 0; i < a.texture.data.length; i++) texDiff += Math.abs(a.texture.data[i]! - b.texture.data[i]!);
  assert.ok(texDiff / a.texture.data.length > 0.05);
});

test('pose recipes aim bones at the requested world directions', () => {
  const s = makeSubject(1, { model, textureSize: TEX });
  const dir = [0.6, 0.8, 0];
  const pose = poseFromRecipe(model, s.restJoints, { rotations: [['spine_02', [0, 20, 10]]], aims: [['upperarm_l', 'lowerarm_l', dir as [number, number, number]]] });
  const posed = s.pose(pose);
  const names = model.skeleton.names;
  const a = names.indexOf('upperarm_l'), b = names.indexOf('lowerarm_l');
  const d = [0, 1, 2].map((c) => posed.joints[b * 3 + c]! - posed.joints[a * 3 + c]!);
  const n = Math.hypot(d[0]!, d[1]!, d[2]!);
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(d[c]! / n - dir[c]!) < 1e-6, `component ${c}`);
});

test('photo render: consistent mask, labels, depth, normals and joints', () => {
  const s = makeSubject(0, { model, textureSize: TEX });
  const posed = s.pose(s.photoPose());
  const W = 96, H = 144;
  const camera = s.frameCamera(posed, { width: W, height: H });
  const r = s.render(posed, camera, { supersample: 1 });
  let covered = 0;
  const materials = new Set<number>();
  for (let i = 0; i < W * H; i++) {
    if (!r.mask[i]) {
      assert.equal(r.partLabels[i], -1); assert.equal(r.materialLabels[i], -1); assert.equal(r.depth[i], Infinity);
      assert.deepEqual(Array.from(r.image.data.subarray(i * 3, i * 3 + 3)), [1, 1, 1]);
      continue;
    }
    covered++;
    materials.add(r.materialLabels[i]!);
    assert.ok(r.partLabels[i]! >= 0 && Number.isFinite(r.depth[i]!) && r.depth[i]! > 0);
    const n = r.normals.data.subarray(i * 3, i * 3 + 3);
    assert.ok(Math.abs(Math.hypot(n[0]!, n[1]!, n[2]!) - 1) < 1e-3);
    const x = i % W, y = Math.floor(i / W);
    const ray = [(x + 0.5 - camera.cx) / camera.fx, (y + 0.5 - camera.cy) / camera.fy, 1];
    assert.ok(n[0]! * ray[0]! + n[1]! * ray[1]! + n[2]! * ray[2]! < 0.05, 'normals face the camera');
  }
  const frac = covered / (W * H);
  assert.ok(frac > 0.1 && frac < 0.5, `coverage ${frac}`);
  for (const m of ['skin', 'hair', 'top', 'bottom', 'shoes']) assert.ok(materials.has(MATERIALS.indexOf(m as never)), `material ${m} visible`);
  // The framed body fits: every joint projects inside the image, the head joint onto the body.
  const head = model.skeleton.names.indexOf('head');
  for (let j = 0; j < model.skeleton.names.length; j++) {
    const u = r.joints2d[j * 2]!, v = r.joints2d[j * 2 + 1]!;
    assert.ok(u > 0 && u < W && v > 0 && v < H, `joint ${model.skeleton.names[j]} at ${u},${v}`);
  }
  const hu = Math.floor(r.joints2d[head * 2]!), hv = Math.floor(r.joints2d[head * 2 + 1]!);
  assert.equal(r.mask[hv * W + hu], 1);
  assert.ok(r.partLabels[hv * W + hu] === PART_INDEX.head || r.partLabels[hv * W + hu] === PART_INDEX.face);
  // The head is above the feet in the image (world up = image up).
  const foot = model.skeleton.names.indexOf('foot_l');
  assert.ok(r.joints2d[head * 2 + 1]! < r.joints2d[foot * 2 + 1]!);
});

test('a high-resolution face shows eyes and lips for face detectors', () => {
  const s = makeSubject(2, { model, textureSize: 512 });
  const posed = s.pose(s.photoPose());
  const r = s.render(posed, s.frameCamera(posed, { width: 256, height: 384 }), { supersample: 1 });
  const count = (m: string) => r.materialLabels.filter((x) => x === MATERIALS.indexOf(m as never)).length;
  assert.ok(count('eyes') > 0 && count('lips') > 0 && count('brows') > 0, `eyes ${count('eyes')} lips ${count('lips')} brows ${count('brows')}`);
});

test('skirt offsets vanish at rest, grow smoothly with leg swing and spread, and keep the waist fixed', () => {
  const s = makeSubject(2, { model, textureSize: TEX });
  assert.ok(s.skirt, 'subject 2 wears a skirt');
  const names = model.skeleton.names;
  const drivers = (recipe: Parameters<typeof s.poseFromRecipe>[0]) => skirtDrivers(names, s.restJoints, s.pose(s.poseFromRecipe(recipe)).globals);
  const rest = drivers({});
  const off0 = skirtOffsets(s.skirt!.mesh, rest);
  assert.ok(off0.every((v) => Math.abs(v) < 1e-9));
  const kick = (z: number) => drivers({ aims: [['thigh_l', 'calf_l', [0.1, -1, z]]] });
  const d = kick(0.8);
  assert.ok(d.swingL > 0.5 && Math.abs(d.swingR) < 1e-9);
  const off = skirtOffsets(s.skirt!.mesh, d);
  const m = s.skirt!.mesh;
  let hemMax = 0;
  for (let k = 0; k < m.hem.length; k++) {
    const mag = Math.hypot(off[k * 3]!, off[k * 3 + 1]!, off[k * 3 + 2]!);
    if (m.hem[k] === 0) assert.equal(mag, 0, 'waist ring stays put');
    if (m.hem[k] === 1) hemMax = Math.max(hemMax, mag);
  }
  assert.ok(hemMax > 0.03, `hem moves ${hemMax} m`);
  // Smooth (Lipschitz) in the driving angle: a small change of pose → a proportionally small change.
  const a = skirtOffsets(m, kick(0.4)), b = skirtOffsets(m, kick(0.41));
  let dmax = 0;
  for (let i = 0; i < a.length; i++) dmax = Math.max(dmax, Math.abs(a[i]! - b[i]!));
  const c = GARMENT_CONFIG.skirt;
  assert.ok(dmax > 0 && dmax < 0.02 * (c.A_swing + 2 * c.A_flare), `step ${dmax}`);
  // With deformation the kicked hem is further forward than with LBS alone.
  const pose = s.poseFromRecipe({ aims: [['thigh_l', 'calf_l', [0.1, -0.4, 1]]] });
  const on = s.pose(pose).skirt!, off2 = s.pose(pose, { deform: false }).skirt!;
  let dz = 0;
  for (let k = 0; k < m.hem.length; k++) if (m.hem[k] === 1) dz += on[k * 3 + 2]! - off2[k * 3 + 2]!;
  assert.ok(dz > 0);
});

test('loose sleeves move only the sleeve band, and only when the arm leaves its rest angle', () => {
  const s = makeSubject(3, { model, textureSize: TEX });
  assert.ok(s.sleeves && s.sleeves.vertices.length > 50);
  const restPosed = s.pose(s.poseFromRecipe({}));
  const lbsOnly = s.pose(s.poseFromRecipe({}), { deform: false });
  for (let i = 0; i < restPosed.body.length; i++) assert.ok(Math.abs(restPosed.body[i]! - lbsOnly.body[i]!) < 1e-9);
  const up = s.poseFromRecipe({ aims: [['upperarm_l', 'lowerarm_l', [0.5, 0.85, 0]]] });
  const a = s.pose(up), b = s.pose(up, { deform: false });
  const band = new Set(s.sleeves!.vertices);
  let moved = 0;
  for (let v = 0; v < model.vertexCount; v++) {
    const d = Math.hypot(a.body[v * 3]! - b.body[v * 3]!, a.body[v * 3 + 1]! - b.body[v * 3 + 1]!, a.body[v * 3 + 2]! - b.body[v * 3 + 2]!);
    if (!band.has(v)) assert.ok(d < 1e-9, `vertex ${v} outside the band moved`);
    else if (d > 0.005) moved++;
  }
  assert.ok(moved > 20, `${moved} sleeve vertices moved`);
});

test('patterns: stripes alternate with the period', () => {
  const out = [0, 0, 0];
  const p = { kind: 'stripes' as const, colors: [[1, 0, 0], [0, 0, 1]] as [[number, number, number], [number, number, number]], period: 0.1, direction: 'horizontal' as const };
  evaluatePattern(p, [0, 0.025, 0], out); const a = [...out];
  evaluatePattern(p, [0, 0.075, 0], out); const b = [...out];
  evaluatePattern(p, [0, 0.125, 0], out);
  assert.notDeepEqual(a, b);
  assert.deepEqual(a, out);
});

test('ground-truth BlazePose keypoints land on the right features', async () => {
  const { GT_BODY_KEYPOINTS } = await import('../../src/bench/keypoints.js');
  const s = makeSubject(0, { model, textureSize: TEX });
  const posed = s.pose(s.photoPose());
  const W = 256, H = 384;
  const r = s.render(posed, s.frameCamera(posed, { width: W, height: H }), { supersample: 1 });
  assert.equal(r.keypoints2d.length, 33 * 2);
  const at = (name: string) => { const k = GT_BODY_KEYPOINTS.indexOf(name as never); return [r.keypoints2d[k * 2]!, r.keypoints2d[k * 2 + 1]!, r.keypointVisible[k]!]; };
  const material = (name: string) => { const [u, v] = at(name); return MATERIALS[r.materialLabels[Math.floor(v!) * W + Math.floor(u!)]!]; };
  const near = (name: string, want: string) => {
    const [u, v] = at(name);
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (MATERIALS[r.materialLabels[(Math.floor(v!) + dy) * W + Math.floor(u!) + dx]!] === want) return true;
    return false;
  };
  assert.ok(near('leftEye', 'eyes') && near('rightEye', 'eyes'), `eyes: ${material('leftEye')}, ${material('rightEye')}`);
  for (const n of ['nose', 'leftEye', 'rightEye', 'mouthLeft', 'mouthRight', 'leftShoulder', 'leftWrist', 'leftKnee']) assert.equal(at(n)[2], 1, `${n} visible`);
  // Front view: the person's left appears on the image's right; eyes above the mouth above the shoulders.
  assert.ok(at('leftShoulder')[0]! > at('rightShoulder')[0]!);
  assert.ok(at('leftEye')[0]! > at('rightEye')[0]! && at('mouthLeft')[0]! > at('mouthRight')[0]!);
  assert.ok(at('leftEye')[1]! < at('mouthLeft')[1]! && at('mouthLeft')[1]! < at('leftShoulder')[1]!);
  assert.ok(at('leftHip')[1]! < at('leftKnee')[1]! && at('leftKnee')[1]! < at('leftAnkle')[1]! && at('leftAnkle')[1]! < at('leftFootIndex')[1]!);
  // Mouth corners lie next to lip pixels.
  for (const n of ['mouthLeft', 'mouthRight']) {
    const [u, v] = at(n);
    let lips = false;
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) if (MATERIALS[r.materialLabels[(Math.floor(v!) + dy) * W + Math.floor(u!) + dx]!] === 'lips') lips = true;
    assert.ok(lips, `${n} next to the lips`);
  }
});
