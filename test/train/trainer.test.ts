import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadBodyModel } from '../../src/body/model.js';
import { buildGaussianTemplate } from '../../src/avatar/buildTemplate.js';
import { trainConfig } from '../../src/train/config.js';
import { trainAvatar } from '../../src/train/trainer.js';
import { bundleFromModel } from '../../src/train/toBundle.js';
import { poseAvatarMeans } from '../../src/avatar/pose.js';
import { syntheticFrames, stripedTexture } from './fixture.js';
import { tempDir } from '../helpers.js';

const frames = syntheticFrames(3);
const template = () => buildGaussianTemplate(loadBodyModel(), { shape: [], levels: 0, texture: stripedTexture() });

test('a short training run lowers the loss and raises photo-view PSNR', async () => {
  const cfg = trainConfig('test', { avatar: { renderSize: 72 } });
  const r = await trainAvatar(template(), frames, cfg, { iterations: 30 });
  assert.equal(r.iterations, 30);
  assert.ok(r.photoPsnrAfter > r.photoPsnrBefore, `PSNR ${r.photoPsnrBefore.toFixed(2)} → ${r.photoPsnrAfter.toFixed(2)}`);
  // outside the part-boundary bands: fewer pixels (the photo has bands), so a different figure
  assert.ok(frames[0]!.boundary!.some((b) => b > 0), 'the fixture photo has boundary bands');
  assert.ok(Number.isFinite(r.photoPsnrOutsideBoundary) && r.photoPsnrOutsideBoundary !== r.photoPsnrAfter, `${r.photoPsnrOutsideBoundary} vs ${r.photoPsnrAfter}`);
});

test('the bundle poses exactly as the training model renders (refined means)', async () => {
  const cfg = trainConfig('test');
  const r = await trainAvatar(template(), frames, cfg, { iterations: 6 });
  const bundle = bundleFromModel(r.model);
  const f = frames[2]!;
  const fwd = r.model.forward(f.pose, f.camera);
  const out = new Float32Array(r.model.n * 3);
  poseAvatarMeans(bundle, f.pose.rotations, f.pose.translation, out);
  let maxErr = 0;
  for (let i = 0; i < out.length; i++) maxErr = Math.max(maxErr, Math.abs(out[i]! - fwd.refined.means[i]!));
  assert.ok(maxErr < 1e-4, `max difference ${maxErr} m`);
  let offsetMag = 0;
  for (const v of fwd.anchorOffsets) offsetMag = Math.max(offsetMag, Math.abs(v));
  assert.ok(offsetMag > 0, 'pose offsets are active');
});

test('resuming after an interrupted run continues from the checkpoint', async () => {
  const t = await tempDir();
  try {
    const cfg = trainConfig('test');
    const ck = join(t.dir, 'ck.bin');
    const a = await trainAvatar(template(), frames, cfg, { iterations: 10, checkpointPath: ck, stopAfter: 4 });
    assert.equal(a.completed, false);
    assert.equal(a.iterations, 4);
    const b = await trainAvatar(template(), frames, cfg, { iterations: 10, checkpointPath: ck, resume: true });
    assert.equal(b.completed, true);
    assert.equal(b.iterations, 10);
    // The same 10 iterations without interruption give the same parameters (deterministic).
    const c = await trainAvatar(template(), frames, cfg, { iterations: 10 });
    let maxErr = 0;
    for (let i = 0; i < c.model.offset.value.length; i++) maxErr = Math.max(maxErr, Math.abs(c.model.offset.value[i]! - b.model.offset.value[i]!));
    assert.ok(maxErr < 1e-6, `resumed run differs by ${maxErr}`);
    await rm(ck, { force: true });
  } finally {
    await t.cleanup();
  }
});

test('pose refinement moves the frames\' poses, only on the steps that see them, and survives a resume', async () => {
  const t = await tempDir();
  try {
    const cfg = trainConfig('test');
    const ck = join(t.dir, 'ck.bin');
    const a = await trainAvatar(template(), frames, cfg, { iterations: 8, poseRefinement: true, checkpointPath: ck, stopAfter: 3 });
    const b = await trainAvatar(template(), frames, cfg, { iterations: 8, poseRefinement: true, checkpointPath: ck, resume: true });
    const c = await trainAvatar(template(), frames, cfg, { iterations: 8, poseRefinement: true });
    assert.equal(a.completed, false);
    let moved = 0, diff = 0;
    for (let i = 0; i < c.photoPose.rotations.length; i++) {
      moved = Math.max(moved, Math.abs(c.photoPose.rotations[i]! - frames[0]!.pose.rotations[i]!));
      diff = Math.max(diff, Math.abs(c.photoPose.rotations[i]! - b.photoPose.rotations[i]!));
    }
    assert.ok(moved > 1e-5, 'the photo pose was refined');
    assert.ok(moved < 0.05, `a few 1e-3 steps move it a little (${moved} rad)`);
    assert.ok(diff < 1e-6, `resumed run's photo pose differs by ${diff}`);
    const off = await trainAvatar(template(), frames, cfg, { iterations: 4 });
    assert.deepEqual(Array.from(off.photoPose.rotations), Array.from(frames[0]!.pose.rotations), 'off by default: the fitted pose');
  } finally {
    await t.cleanup();
  }
});

test('the bundle offset network (frozen first layer, WASM) matches the plain reference loop', async () => {
  const { anchorPoseOffsets, anchorPoseOffsetsReference, createPoseScratch } = await import('../../src/avatar/pose.js');
  const cfg = trainConfig('test');
  const r = await trainAvatar(template(), frames, cfg, { iterations: 4 });
  const bundle = bundleFromModel(r.model);
  assert.ok(bundle.buffers.triangles && bundle.buffers.triangles.length === r.model.template.triangles.length);
  const pose = frames[3]!.pose;
  const fast = anchorPoseOffsets(bundle, pose.rotations, createPoseScratch(bundle)).slice();
  const ref = anchorPoseOffsetsReference(bundle, pose.rotations, createPoseScratch(bundle));
  let maxErr = 0, mag = 0;
  for (let i = 0; i < ref.length; i++) { maxErr = Math.max(maxErr, Math.abs(fast[i]! - ref[i]!)); mag = Math.max(mag, Math.abs(ref[i]!)); }
  assert.ok(mag > 0);
  assert.ok(maxErr < 1e-6 + 1e-4 * mag, `max difference ${maxErr} (max offset ${mag})`);
});
