import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packBuffers } from '../../src/avatar/bundle.js';
import { anchorPoseOffsets, createPoseScratch, poseAvatarMeans, skinningMatrices } from '../../src/avatar/pose.js';
import { Rng } from '../../src/core/rng.js';
import { PersonaError } from '../../src/core/errors.js';
import { viewAvatarBundle } from '../../src/viewer/bundleView.js';
import { packAnchorOffsets, packSplatTexture, shaderReferencePosition, splatLayout } from '../../src/viewer/splatTexture.js';
import { createSortScratch, sortByDepth } from '../../src/viewer/depthSort.js';
import { syntheticAvatar } from '../../src/bench/syntheticAvatar.js';

function randomPose(J: number, rng: Rng, amount = 0.6): { rot: Float64Array; trans: Float64Array } {
  const rot = new Float64Array(J * 3);
  for (let i = 0; i < rot.length; i++) rot[i] = (rng.next() - 0.5) * 2 * amount;
  return { rot, trans: new Float64Array([0.1, -0.05, 0.2]) };
}

/** The bytes of a bundle as the page receives them (avatar.bin in a fresh ArrayBuffer). */
function asFetched(bundle: ReturnType<typeof syntheticAvatar>): ArrayBuffer {
  const bin = packBuffers(bundle);
  return bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
}

test('viewAvatarBundle reads what writeAvatarBundle packs, and rejects damaged input with clear errors', () => {
  const b = syntheticAvatar({ gaussians: 500, anchors: 10, hidden: [16, 16] });
  const header = JSON.parse(JSON.stringify(b.header));
  const v = viewAvatarBundle(header, asFetched(b));
  for (const name of Object.keys(b.buffers)) assert.deepEqual(Array.from(v.buffers[name]!), Array.from(b.buffers[name]!), name);
  const bin = asFetched(b);
  assert.throws(() => viewAvatarBundle(header, bin.slice(0, bin.byteLength - 8)), (e: unknown) => e instanceof PersonaError && /truncated/.test(e.message));
  assert.throws(() => viewAvatarBundle({ ...header, formatVersion: 2 }, bin), /format version 2/);
  assert.throws(() => viewAvatarBundle({ ...header, format: 'x' }, bin), /not a Persona avatar/);
  const bad = JSON.parse(JSON.stringify(header));
  bad.skeleton.names = bad.skeleton.names.slice(0, 3);
  assert.throws(() => viewAvatarBundle(bad, bin), /skeleton is incomplete/);
  const noMeans = JSON.parse(JSON.stringify(header));
  delete noMeans.buffers.means;
  assert.throws(() => viewAvatarBundle(noMeans, bin), /"means" is missing/);
});

test('the packed texture + shader math reproduce poseAvatarMeans (LBS with pose offsets) exactly', () => {
  const b = syntheticAvatar({ gaussians: 800, anchors: 20, hidden: [32, 32] });
  const h = b.header;
  const J = h.skeleton.names.length, K = h.skinInfluences, M = h.poseOffsets!.anchorsPerGaussian;
  const rng = new Rng(3);
  const { rot, trans } = randomPose(J, rng);
  const expected = poseAvatarMeans(b, rot, trans, new Float32Array(h.gaussianCount * 3));
  const { layout, data } = packSplatTexture(b);
  assert.equal(layout.rowTexels % layout.stride, 0);
  assert.ok(layout.width * layout.height >= h.gaussianCount * layout.stride);
  const scratch = createPoseScratch(b);
  skinningMatrices(h.skeleton.parents, h.skeleton.restJoints, rot, trans, scratch.world, scratch.skin);
  const anchorTex = packAnchorOffsets(anchorPoseOffsets(b, rot, scratch));
  let maxErr = 0;
  for (let i = 0; i < h.gaussianCount; i++) {
    const p = shaderReferencePosition(layout, data, scratch.skin, anchorTex, i, K, M);
    for (let c = 0; c < 3; c++) maxErr = Math.max(maxErr, Math.abs(p[c]! - expected[i * 3 + c]!));
  }
  assert.ok(maxErr < 1e-5, `max error ${maxErr}`);
  // The offsets really move Gaussians (so the check above covers the anchor path).
  const noOff = poseAvatarMeans(b, rot, trans, new Float32Array(h.gaussianCount * 3), undefined, { poseOffsets: false });
  let moved = 0;
  for (let i = 0; i < noOff.length; i++) moved = Math.max(moved, Math.abs(noOff[i]! - expected[i]!));
  assert.ok(moved > 1e-4, `pose offsets move Gaussians by ${moved}`);
});

test('splatLayout packs K influences and M anchors in groups of four texels', () => {
  const L = splatLayout(10, 5, 3);
  assert.equal(L.skinTexels, 2);
  assert.equal(L.anchorTexels, 1);
  assert.equal(L.stride, 2 + 4 + 2);
  assert.equal(L.anchorWeightTexel, L.stride - 1);
  const L0 = splatLayout(10, 4, 0);
  assert.equal(L0.stride, 4);
});

test('sortByDepth orders skinned Gaussians far to near, matching a full LBS + comparison sort', () => {
  const b = syntheticAvatar({ gaussians: 3000, anchors: 0 });
  const h = b.header;
  const J = h.skeleton.names.length;
  const rng = new Rng(11);
  const { rot, trans } = randomPose(J, rng, 0.8);
  const scratch = createPoseScratch(b);
  skinningMatrices(h.skeleton.parents, h.skeleton.restJoints, rot, trans, scratch.world, scratch.skin);
  const posed = poseAvatarMeans(b, rot, trans, new Float32Array(h.gaussianCount * 3), scratch);
  // camera at (1, 1.5, 3) looking along -z-ish: depth = f · (p − e)
  const e = [1, 1.5, 3];
  let f = [-0.3, -0.1, -1];
  const fl = Math.hypot(f[0]!, f[1]!, f[2]!);
  f = f.map((x) => x / fl);
  const depthRow = [f[0]!, f[1]!, f[2]!, -(f[0]! * e[0]! + f[1]! * e[1]! + f[2]! * e[2]!)];
  const depth = (i: number): number => f[0]! * posed[i * 3]! + f[1]! * posed[i * 3 + 1]! + f[2]! * posed[i * 3 + 2]! + depthRow[3]!;
  const order = new Uint32Array(h.gaussianCount);
  const [lo, hi] = sortByDepth(b.buffers.means as Float32Array, b.buffers.skinJoints as Uint16Array, b.buffers.skinWeights as Float32Array,
    h.skinInfluences, scratch.skin, depthRow, order, createSortScratch(h.gaussianCount, J));
  // a permutation
  assert.equal(new Set(order).size, h.gaussianCount);
  // the linear depth formula equals the depth of the fully skinned point
  let minD = Infinity, maxD = -Infinity;
  for (let i = 0; i < h.gaussianCount; i++) { minD = Math.min(minD, depth(i)); maxD = Math.max(maxD, depth(i)); }
  assert.ok(Math.abs(lo - minD) < 1e-5 && Math.abs(hi - maxD) < 1e-5, `range ${lo}..${hi} vs ${minD}..${maxD}`);
  // non-increasing depth along the order, up to one 16-bit bucket
  const bucket = (hi - lo) / 65535;
  for (let r = 1; r < order.length; r++) assert.ok(depth(order[r]!) <= depth(order[r - 1]!) + bucket * 1.01, `rank ${r}`);
  // and the same order as a comparison sort on the exact depth, up to ties within a bucket
  const ref = Array.from({ length: h.gaussianCount }, (_, i) => i).sort((a, c) => depth(c) - depth(a));
  let far = 0;
  for (let r = 0; r < order.length; r++) far = Math.max(far, Math.abs(depth(order[r]!) - depth(ref[r]!)));
  assert.ok(far <= bucket * 1.01, `max depth mismatch ${far}`);
});

test('offset baking goes coarse to fine over every frame once, and the playhead blends the nearest baked frames', async () => {
  const { bakeOrder, bracket } = await import('../../src/viewer/offsetSchedule.js');
  const order = Array.from(bakeOrder(20));
  assert.deepEqual(order.slice(0, 3), [0, 8, 16]);
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  assert.deepEqual(Array.from(bakeOrder(5, 3)).sort(), [0, 1, 2, 3, 4]);
  assert.equal(bakeOrder(5, 3)[0], 3);
  const baked = new Set([0, 8, 16]);
  const is = (f: number): boolean => baked.has(f);
  assert.equal(bracket(() => false, 20, 3), null);
  assert.deepEqual(bracket(is, 20, 8), { lo: 8, hi: 8, w: 0 });
  const b = bracket(is, 20, 10)!;
  assert.equal(b.lo, 8); assert.equal(b.hi, 16); assert.ok(Math.abs(b.w - 0.25) < 1e-12);
  const wrap = bracket(is, 20, 18)!; // between 16 and (looping) 0: 2 of 4 frames
  assert.equal(wrap.lo, 16); assert.equal(wrap.hi, 0); assert.ok(Math.abs(wrap.w - 0.5) < 1e-12);
  const frac = bracket(is, 20, 8.5)!;
  assert.equal(frac.lo, 8); assert.ok(Math.abs(frac.w - 0.5 / 8) < 1e-12);
  assert.deepEqual(bracket((f) => f === 4, 20, 10), { lo: 4, hi: 4, w: 0 });
});
