/** Face painted when the face is not seen, and unseen hands kept in skin colour (issue #19). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSubject } from '../../src/bench/subjects.js';
import { BodyPoser } from '../../src/body/skinning.js';
import { PART_INDEX } from '../../src/body/types.js';
import { lookAtCamera, projectPoint } from '../../src/core/camera.js';
import { createImage } from '../../src/core/image.js';
import { rasterizeMesh, rasterizeUvSpace } from '../../src/render/index.js';
import { unwrapTexture } from '../../src/texture/unwrap.js';
import { faceFeatures, skinLike, unseenHands } from '../../src/texture/face.js';
import type { Perception } from '../../src/perceive/types.js';

const SIZE = 512;

/** Subject ben (id 1) posed with `rotations` (joint name → axis-angle), a front camera, and a flat photo coloured by `colour(x, y, image row of the neck, part seen there)`. */
function scene(rotations: Record<string, [number, number, number]>, colour: (u: number, v: number, headY: number, part: number) => number[]) {
  const s = makeSubject(1, { textureSize: 256 });
  const body = s.model;
  const J = body.skeleton.names.length;
  const rot = new Float64Array(J * 3);
  for (const [n, r] of Object.entries(rotations)) rot.set(r, body.skeleton.names.indexOf(n) * 3);
  const posed = new BodyPoser(body).forward({ shape: s.shape, pose: { rotations: rot, translation: [0, 0, 0] } });
  const verts = Float32Array.from(posed.vertices);
  const camera = lookAtCamera([0, 0.9, 3.2], [0, 0.9, 0], { width: 256, height: 384, fovYDeg: 40 });
  const view = rasterizeMesh(verts, body.triangles, camera);
  const photo = createImage(256, 384, 3);
  const matte = new Float32Array(256 * 384);
  // image row of the neck joint: the head above it (for the skin/dress split)
  const neck = body.skeleton.names.indexOf('neck_01');
  const hy = projectPoint(camera, posed.joints[neck * 3]!, posed.joints[neck * 3 + 1]!, posed.joints[neck * 3 + 2]!).v;
  for (let p = 0; p < 256 * 384; p++) {
    if (view.triangleId[p]! < 0) continue;
    matte[p] = 1;
    photo.data.set(colour(p % 256, Math.floor(p / 256), hy, body.partLabels[body.triangles[view.triangleId[p]! * 3]!]!), p * 3);
  }
  return { s, body, posed, verts, camera, photo, matte };
}

/** Texels of one part in the UV map. */
function partTexels(body: ReturnType<typeof makeSubject>['model'], part: number): number[] {
  const uv = rasterizeUvSpace(body.cornerUvs, SIZE, SIZE);
  const out: number[] = [];
  for (let q = 0; q < SIZE * SIZE; q++) {
    const f = uv.triangleId[q]!;
    if (f < 0) continue;
    if (body.partLabels[body.triangles[f * 3]!] === part) out.push(q);
  }
  return out;
}

test('a synthetic subject facing down (no face in the photo) gets eyes and lips in the texture, in its skin tone', () => {
  const skinTone = [0.55, 0.38, 0.3];
  // head bowed 60° (rotation about +X tips the head forward), the photo shows only hair-brown on the head
  // (hair-brown above the neck; bare skin below it, where the seen hands give the skin tone)
  const { body, posed, verts, camera, photo, matte } = scene({ neck_01: [0.5, 0, 0], head: [0.55, 0, 0] }, (_u, v, neckRow) => (v < neckRow ? [0.3, 0.2, 0.12] : skinTone));
  const r = unwrapTexture({
    posedVertices: verts, triangles: body.triangles, cornerUvs: body.cornerUvs, partLabels: body.partLabels, camera, photo, matte, size: SIZE,
    face: { features: faceFeatures(body, posed.vertices, posed.joints), foundInPhoto: false },
  });
  assert.equal(r.facePainted, true);
  const lum = (q: number) => (r.texture.data[q * 3]! + r.texture.data[q * 3 + 1]! + r.texture.data[q * 3 + 2]!) / 3;
  const eyes = partTexels(body, PART_INDEX.eyes);
  assert.ok(eyes.length > 50, `eye texels ${eyes.length}`);
  const dark = eyes.filter((q) => lum(q) < 0.15).length, white = eyes.filter((q) => lum(q) > 0.8).length;
  assert.ok(dark > 0, 'pupils and irises on the eyeballs');
  assert.ok(white > dark, 'white sclera around them');
  const face = partTexels(body, PART_INDEX.face);
  const lips = face.filter((q) => { const t = r.texture.data; return t[q * 3]! > t[q * 3 + 1]! * 1.8 && t[q * 3]! > 0.35; }).length;
  assert.ok(lips > 5, `lip texels ${lips}`);
  // the skin tone comes from the seen hands, not from the hair where the fit puts the face
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(r.skin[c]! - skinTone[c]!) < 0.03, `skin ${r.skin}`);
  const skinLike = face.filter((q) => Math.abs(r.texture.data[q * 3]! - r.skin[0]) < 0.02 && Math.abs(r.texture.data[q * 3 + 1]! - r.skin[1]) < 0.02).length;
  assert.ok(skinLike > 0.6 * face.length, `skin texels ${skinLike}/${face.length}`);
});

test('an upright face found in the photo is not painted', () => {
  const { body, posed, verts, camera, photo, matte } = scene({}, () => [0.7, 0.5, 0.4]);
  const r = unwrapTexture({
    posedVertices: verts, triangles: body.triangles, cornerUvs: body.cornerUvs, partLabels: body.partLabels, camera, photo, matte, size: SIZE,
    face: { features: faceFeatures(body, posed.vertices, posed.joints), foundInPhoto: true },
  });
  assert.equal(r.facePainted, false);
  const eyes = partTexels(body, PART_INDEX.eyes);
  assert.equal(eyes.filter((q) => r.texture.data[q * 3]! < 0.15).length, 0);
});

test('a hand the photo does not show (in a pocket) keeps the skin colour instead of the dress print', () => {
  const skin = [0.8, 0.6, 0.5], print = [0.1, 0.6, 0.2];
  // skin above the neck, a green dress print everywhere below (where the fitted hands hang)
  const { body, verts, camera, photo, matte, posed } = scene({}, (_u, v, neckRow) => (v < neckRow ? skin : print));
  const base = { posedVertices: verts, triangles: body.triangles, cornerUvs: body.cornerUvs, partLabels: body.partLabels, camera, photo, matte, size: SIZE, face: { features: faceFeatures(body, posed.vertices, posed.joints), foundInPhoto: true } };
  const hand = partTexels(body, PART_INDEX.leftHand);
  const meanGreenExcess = (t: Float32Array) => hand.reduce((s, q) => s + t[q * 3 + 1]! - t[q * 3]!, 0) / hand.length;
  const naive = unwrapTexture({ ...base, handColourCheck: false, seenHandFill: false });
  assert.ok(meanGreenExcess(naive.texture.data) > 0.2, `without occlusion evidence the hand takes the print (${meanGreenExcess(naive.texture.data).toFixed(2)})`);
  const aware = unwrapTexture({ ...base, hiddenParts: [PART_INDEX.leftHand] });
  assert.ok(aware.handsPainted.includes(PART_INDEX.leftHand));
  assert.ok(!aware.handsCovered.includes(PART_INDEX.leftHand), 'unseen by perception, not by the colour check');
  // (texels on the wrist seam may belong to the forearm in the unwrap's labelling)
  const skinTexels = hand.filter((q) => [0, 1, 2].every((c) => Math.abs(aware.texture.data[q * 3 + c]! - aware.skin[c]!) < 0.03)).length;
  assert.ok(skinTexels > 0.95 * hand.length, `skin texels ${skinTexels}/${hand.length}`);
  assert.ok(Math.abs(aware.skin[0] - skin[0]!) < 0.05 && Math.abs(aware.skin[1] - skin[1]!) < 0.05, `skin from the seen face ${aware.skin}`);
});

test('a hand perception calls seen (a guessed hand in a dress pocket) but whose photo colour is the print keeps the skin colour', () => {
  const skin = [0.8, 0.6, 0.5], print = [0.1, 0.6, 0.2];
  const { body, verts, camera, photo, matte, posed } = scene({}, (_u, v, neckRow) => (v < neckRow ? skin : print));
  // no hiddenParts: BlazePose and the hand model reported both hands (woman-print-dress: confidence ≥ 0.5)
  const r = unwrapTexture({ posedVertices: verts, triangles: body.triangles, cornerUvs: body.cornerUvs, partLabels: body.partLabels, camera, photo, matte, size: SIZE, face: { features: faceFeatures(body, posed.vertices, posed.joints), foundInPhoto: true } });
  assert.deepEqual([...r.handsCovered].sort(), [PART_INDEX.leftHand, PART_INDEX.rightHand].sort());
  assert.deepEqual([...r.handsPainted].sort(), [...r.handsCovered].sort());
  for (const h of [PART_INDEX.leftHand, PART_INDEX.rightHand]) {
    const hand = partTexels(body, h);
    const skinTexels = hand.filter((q) => [0, 1, 2].every((c) => Math.abs(r.texture.data[q * 3 + c]! - skin[c]!) < 0.05)).length;
    assert.ok(skinTexels > 0.95 * hand.length, `part ${h}: skin texels ${skinTexels}/${hand.length}`);
  }
});

test('a seen hand in the skin tone (darker in shade) is sampled from the photo, not painted', () => {
  const skin = [0.8, 0.6, 0.5];
  // the body below the neck in the same skin, 30 % darker (shading): the hands are seen and skin-coloured
  const { body, verts, camera, photo, matte, posed } = scene({}, (_u, v, neckRow) => (v < neckRow ? skin : skin.map((c) => c * 0.7)));
  const r = unwrapTexture({ posedVertices: verts, triangles: body.triangles, cornerUvs: body.cornerUvs, partLabels: body.partLabels, camera, photo, matte, size: SIZE, face: { features: faceFeatures(body, posed.vertices, posed.joints), foundInPhoto: true } });
  assert.deepEqual(r.handsCovered, []);
  assert.deepEqual(r.handsPainted, []);
  // the seen front of the hand keeps the photo's (darker) colour
  const hand = partTexels(body, PART_INDEX.leftHand);
  const dark = hand.filter((q) => Math.abs(r.texture.data[q * 3]! - 0.56) < 0.03).length;
  assert.ok(dark > 0.3 * hand.length, `photo-coloured hand texels ${dark}/${hand.length}`);
});

test('a seen hand whose photo pixels are partly a navy hat behind it keeps only its skin, and its unseen side takes that skin, not its atlas neighbours', () => {
  const skin = [0.8, 0.6, 0.5], navy = [0.1, 0.11, 0.16];
  // skin on the head and on the hands' pixels, except bands 8 rows tall in every 24 across the hands (a hat behind them); navy elsewhere
  const { body, verts, camera, photo, matte, posed } = scene({}, (_u, v, neckRow, part) => (v < neckRow || ((part === PART_INDEX.leftHand || part === PART_INDEX.rightHand) && v % 24 >= 8) ? skin : navy));
  const base = { posedVertices: verts, triangles: body.triangles, cornerUvs: body.cornerUvs, partLabels: body.partLabels, camera, photo, matte, size: SIZE, face: { features: faceFeatures(body, posed.vertices, posed.joints), foundInPhoto: true } };
  const before = unwrapTexture({ ...base, seenHandFill: false });
  const after = unwrapTexture(base);
  assert.deepEqual(after.handsPainted, [], 'both hands are seen and mostly skin: sampled, not painted');
  for (const h of [PART_INDEX.leftHand, PART_INDEX.rightHand]) {
    const hand = partTexels(body, h);
    const dist = (t: Float32Array, q: number) => Math.hypot(t[q * 3]! - skin[0]!, t[q * 3 + 1]! - skin[1]!, t[q * 3 + 2]! - skin[2]!);
    const mean = (t: Float32Array) => hand.reduce((a, q) => a + dist(t, q), 0) / hand.length;
    const far = (t: Float32Array) => hand.filter((q) => dist(t, q) > 0.15).length;
    // (what remains far: texels blending skin and hat at the bands' edges, kept as skin and spread by the fill)
    assert.ok(mean(before.texture.data) > 0.2 && mean(after.texture.data) < 0.12, `part ${h}: mean distance from the skin ${mean(before.texture.data).toFixed(3)} → ${mean(after.texture.data).toFixed(3)}`);
    assert.ok(far(after.texture.data) < 0.5 * far(before.texture.data), `part ${h}: texels far from the skin ${far(before.texture.data)} → ${far(after.texture.data)} of ${hand.length}`);
  }
  assert.ok(after.handLeaks > 0 && before.handLeaks === 0, `leaks ${after.handLeaks}`);
});

test('skinLike: the same chromaticity in shade is skin; print green and a white cuff are not', () => {
  const skin = [0.8, 0.6, 0.5];
  assert.equal(skinLike([0.56, 0.42, 0.35], skin), true);
  assert.equal(skinLike([0.1, 0.6, 0.2], skin), false);
  assert.equal(skinLike([0.95, 0.95, 0.95], skin), false);
  assert.equal(skinLike([0.08, 0.06, 0.05], skin), false); // far too dark: a pocket's shadow
  // a face lit warmer than the hands (woman-red-dress-jump): the pale hand is still skin by the locus
  const warmFace = [0.43, 0.23, 0.16];
  assert.equal(skinLike([0.8, 0.6, 0.5], warmFace), true);
  assert.equal(skinLike([0.8, 0.6, 0.5], null), true);
  // a tone outside the locus counts only near the face's own tone
  const greyish = [0.5, 0.47, 0.45];
  assert.equal(skinLike(greyish, null), false);
  assert.equal(skinLike(greyish, [0.52, 0.49, 0.46]), true);
  // a red dress is not skin
  assert.equal(skinLike([0.7, 0.1, 0.12], skin), false);
});

test('unseenHands: a hand with unseen keypoints and no hand landmarks is unseen', () => {
  const kp = Array.from({ length: 33 }, () => [0, 0, 0.9] as [number, number, number]);
  for (const k of [15, 17, 19, 21]) kp[k] = [0, 0, 0.1]; // left wrist, pinky, index, thumb
  const p = { body: { keypoints: kp }, hands: { left: null, right: null } } as unknown as Perception;
  assert.deepEqual(unseenHands(p), [PART_INDEX.leftHand]);
  const seen = { ...p, hands: { left: { score: 0.9 }, right: null } } as unknown as Perception;
  assert.deepEqual(unseenHands(seen), []);
});
