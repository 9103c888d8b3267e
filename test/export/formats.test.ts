import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeIO } from '@gltf-transform/core';
import sharp from 'sharp';
import { avatarCloud, restPose, type GaussianCloud } from '../../src/export/cloud.js';
import { encodeGaussianPly, decodeGaussianPly, readPly, INRIA_PROPERTIES } from '../../src/export/ply.js';
import { encodeSplatFormat, decodeSplatFormat } from '../../src/export/splatFormats.js';
import { avatarGlb, floorOrigin, topInfluences } from '../../src/export/glb.js';
import { EXPORT_CONFIG } from '../../src/export/config.js';
import { PersonaError } from '../../src/core/errors.js';
import { fixtureAvatar } from './fixture.js';

const avatar = fixtureAvatar();
const cloud = avatarCloud(avatar);

/** For each Gaussian of `b`, the index of the nearest mean in `a` (brute force; small clouds). */
function match(a: GaussianCloud, b: GaussianCloud): { index: Int32Array; maxDist: number } {
  const index = new Int32Array(b.count);
  let maxDist = 0;
  for (let i = 0; i < b.count; i++) {
    let best = Infinity, bj = -1, bestPos = 0;
    for (let j = 0; j < a.count; j++) {
      const d = (a.means[j * 3]! - b.means[i * 3]!) ** 2 + (a.means[j * 3 + 1]! - b.means[i * 3 + 1]!) ** 2 + (a.means[j * 3 + 2]! - b.means[i * 3 + 2]!) ** 2;
      // colour enters the match weakly, so coincident Gaussians of different bones pair up correctly
      let dc = 0;
      for (let c = 0; c < 3; c++) dc += (0.01 * (a.colors[j * 3 + c]! - b.colors[i * 3 + c]!)) ** 2;
      if (d + dc < best) { best = d + dc; bj = j; bestPos = d; }
    }
    index[i] = bj;
    maxDist = Math.max(maxDist, Math.sqrt(bestPos));
  }
  return { index, maxDist };
}

function maxColorError(a: GaussianCloud, b: GaussianCloud, index: Int32Array): number {
  let e = 0;
  for (let i = 0; i < b.count; i++) for (let c = 0; c < 3; c++) e = Math.max(e, Math.abs(a.colors[index[i]! * 3 + c]! - b.colors[i * 3 + c]!));
  return e;
}

test('PLY: INRIA layout, header and values as the 3DGS convention', () => {
  const bytes = encodeGaussianPly(cloud);
  const [vertex] = readPly(bytes);
  assert.equal(vertex!.name, 'vertex');
  assert.equal(vertex!.count, cloud.count);
  assert.deepEqual([...vertex!.columns.keys()], [...INRIA_PROPERTIES]);
  const i = 7;
  const col = (n: string) => vertex!.columns.get(n)![i]!;
  assert.ok(Math.abs(col('x') - cloud.means[i * 3]!) < 1e-7);
  assert.ok(Math.abs(0.5 + EXPORT_CONFIG.SH_C0 * col('f_dc_1') - cloud.colors[i * 3 + 1]!) < 1e-6);
  assert.ok(Math.abs(Math.exp(col('scale_2')) - 0.012) < 1e-6);
  assert.equal(col('rot_0'), 1);
  assert.equal(col('rot_1'), 0);
  assert.ok(col('opacity') > 13 && col('opacity') < 14.5, `logit of clamped opacity 1, got ${col('opacity')}`);
  assert.equal(col('nx'), 0);
});

test('PLY: decode(encode(cloud)) is the cloud', () => {
  const back = decodeGaussianPly(encodeGaussianPly(cloud));
  assert.equal(back.count, cloud.count);
  for (let i = 0; i < cloud.count * 3; i++) {
    assert.ok(Math.abs(back.means[i]! - cloud.means[i]!) < 1e-7);
    assert.ok(Math.abs(back.colors[i]! - cloud.colors[i]!) < 1e-6);
    assert.ok(Math.abs(back.scales[i]! - cloud.scales[i]!) < 1e-8);
  }
});

test('PLY: truncated or foreign files give clear errors', () => {
  const bytes = encodeGaussianPly(cloud);
  assert.throws(() => readPly(bytes.subarray(0, bytes.length - 10), 'x.ply'), (e: unknown) => e instanceof PersonaError && /x\.ply is truncated/.test(e.message));
  assert.throws(() => readPly(new TextEncoder().encode('hello'), 'y.ply'), /y\.ply is not a PLY file/);
  const noRot = new TextEncoder().encode('ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nend_header\n1\n');
  assert.throws(() => decodeGaussianPly(noRot, 'z.ply'), /z\.ply lacks property "f_dc_0"/);
});

test('PLY read by @playcanvas/splat-transform: same count, positions and colours', async () => {
  const back = await decodeSplatFormat(encodeGaussianPly(cloud), 'ply');
  assert.equal(back.count, cloud.count);
  for (let i = 0; i < cloud.count * 3; i++) {
    assert.ok(Math.abs(back.means[i]! - cloud.means[i]!) < 1e-6, `mean ${i}`);
    assert.ok(Math.abs(back.colors[i]! - cloud.colors[i]!) < 1e-5, `colour ${i}`);
  }
});

for (const [format, posTol, colTol] of [['spz', 2e-3, 1 / 64], ['sog', 5e-3, 1 / 64], ['splat', 1e-6, 1 / 200]] as const) {
  test(`${format.toUpperCase()} export opens in @playcanvas/splat-transform with the same Gaussians (within quantisation)`, async () => {
    const bytes = await encodeSplatFormat(cloud, format);
    assert.ok(bytes.length > 0);
    const back = await decodeSplatFormat(bytes, format);
    assert.equal(back.count, cloud.count);
    const { index, maxDist } = match(cloud, back);
    assert.ok(maxDist < posTol, `positions within ${posTol} m (max ${maxDist})`);
    const ce = maxColorError(cloud, back, index);
    assert.ok(ce < colTol, `colours within ${colTol} (max ${ce})`);
    // every Gaussian is matched once (no duplicates, none lost)
    assert.equal(new Set(index).size, cloud.count);
    for (let i = 0; i < back.count; i++) assert.ok(Math.abs(back.scales[i * 3]! - 0.012) < 0.012 * 0.05, `scale ${back.scales[i * 3]}`);
  });
}

test('GLB (baked): gltf-transform reads back the posed mesh with vertex colours', async () => {
  const pose = restPose(avatar);
  pose.rotations[16 * 3 + 2] = Math.PI / 2; // left elbow bends
  const glb = await avatarGlb(avatar, { pose, texture: false });
  const doc = await new NodeIO().readBinary(glb);
  const prim = doc.getRoot().listMeshes()[0]!.listPrimitives()[0]!;
  const pos = prim.getAttribute('POSITION')!.getArray() as Float32Array;
  const posed = avatarCloud(avatar, pose).means;
  assert.equal(pos.length, posed.length);
  // the origin is on the floor between the feet: the fixture's ankles are at x = ±0.1, z = 0; its lowest ring of vertices at y = 0.08
  const o = floorOrigin(avatar);
  assert.ok(Math.abs(o[0]) < 1e-9 && Math.abs(o[2]) < 1e-9 && Math.abs(o[1] + 0.08) < 1e-6, `origin ${o}`);
  for (let i = 0; i < pos.length; i++) assert.ok(Math.abs(pos[i]! - posed[i]! - o[i % 3]!) < 1e-6);
  assert.equal(prim.getIndices()!.getCount(), (avatar.buffers.triangles as Uint32Array).length);
  assert.equal(prim.getAttribute('COLOR_0')!.getCount(), avatar.header.gaussianCount);
  assert.equal(doc.getRoot().listSkins().length, 0);
});

test('GLB texture: UVs into a baked atlas whose texel at each corner is that vertex\'s colour; vertex colours kept as _COLOR_0', async () => {
  const doc = await new NodeIO().readBinary(await avatarGlb(avatar, { rigged: true }));
  const prim = doc.getRoot().listMeshes()[0]!.listPrimitives()[0]!;
  const F = (avatar.buffers.triangles as Uint32Array).length / 3;
  const uv = prim.getAttribute('TEXCOORD_0')!.getArray() as Float32Array;
  assert.equal(uv.length, F * 6);
  assert.equal(prim.getAttribute('COLOR_0'), null, 'COLOR_0 would multiply the texture');
  const vc = prim.getAttribute('_COLOR_0')!.getArray() as Float32Array;
  assert.equal(prim.getAttribute('JOINTS_0')!.getCount(), F * 3);
  const image = prim.getMaterial()!.getBaseColorTexture()!.getImage()!;
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const tri = avatar.buffers.triangles as Uint32Array;
  const colors = avatar.buffers.colors as Float32Array;
  for (const corner of [0, 1, 2, 3 * 17 + 1, 3 * (F - 1) + 2]) {
    const x = Math.floor(uv[corner * 2]! * info.width), y = Math.floor(uv[corner * 2 + 1]! * info.height);
    const v = tri[corner]!;
    for (let k = 0; k < 3; k++) {
      assert.ok(Math.abs(data[(y * info.width + x) * info.channels + k]! / 255 - colors[v * 3 + k]!) < 1 / 255 + 1e-6, `corner ${corner} channel ${k}`);
      assert.ok(vc[corner * 3 + k]! <= colors[v * 3 + k]! + 1e-6, 'linear vertex colour');
    }
  }
});

test('GLB (rigged): skin with joint hierarchy and a motion as animation', async () => {
  const pose = restPose(avatar);
  pose.rotations[16 * 3 + 2] = 0.5;
  const poses = [restPose(avatar), pose, restPose(avatar)];
  const glb = await avatarGlb(avatar, { rigged: true, pose, animation: { name: 'wave', fps: 30, poses } });
  const doc = await new NodeIO().readBinary(glb);
  const skin = doc.getRoot().listSkins()[0]!;
  assert.equal(skin.listJoints().length, avatar.header.skeleton.names.length);
  const elbow = skin.listJoints()[16]!;
  assert.equal(elbow.getName(), 'lowerarm_l', 'UE mannequin names by default');
  const q = elbow.getRotation();
  assert.ok(Math.abs(q[2] - Math.sin(0.25)) < 1e-6 && Math.abs(q[3] - Math.cos(0.25)) < 1e-6);
  // local translation = rest offset from the parent (left_shoulder)
  const t = elbow.getTranslation();
  assert.ok(Math.abs(t[0] - 0.26) < 1e-6 && Math.abs(t[1]) < 1e-6);
  // the world matrix of the elbow under this pose maps its rest position to its posed position
  const prim = doc.getRoot().listMeshes()[0]!.listPrimitives()[0]!;
  const w = prim.getAttribute('WEIGHTS_0')!.getArray() as Float32Array;
  for (let v = 0; v < w.length / 4; v++) assert.ok(Math.abs(w[v * 4]! + w[v * 4 + 1]! + w[v * 4 + 2]! + w[v * 4 + 3]! - 1) < 1e-6);
  const anim = doc.getRoot().listAnimations()[0]!;
  assert.equal(anim.getName(), 'wave');
  assert.equal(anim.listChannels().length, avatar.header.skeleton.names.length + 1);
  assert.equal(anim.listSamplers()[0]!.getInput()!.getCount(), 3);
});

test('GLB without triangles writes a point primitive', async () => {
  const glb = await avatarGlb(fixtureAvatar({ withTriangles: false }));
  const doc = await new NodeIO().readBinary(glb);
  assert.equal(doc.getRoot().listMeshes()[0]!.listPrimitives()[0]!.getMode(), 0);
});

test('topInfluences keeps the largest weights and renormalises', () => {
  const r = topInfluences(Uint16Array.from([1, 2, 3, 4, 5, 6]), Float32Array.from([0.1, 0.3, 0.05, 0.25, 0.2, 0.1]), 6, 4);
  assert.deepEqual([...r.joints], [2, 4, 5, 1]);
  const sum = 0.3 + 0.25 + 0.2 + 0.1;
  assert.ok(Math.abs(r.weights[0]! - 0.3 / sum) < 1e-6);
  assert.ok(Math.abs(r.weights[3]! - 0.1 / sum) < 1e-6);
});
