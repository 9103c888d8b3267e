import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { animateAvatar, turntable } from '../../src/animate/animate.js';
import { AvatarRenderer } from '../../src/animate/renderer.js';
import { Bounds, cameraAt } from '../../src/animate/cameras.js';
import { bindMotion, framePose, outputFrameCount, samplePose } from '../../src/animate/poses.js';
import { ffmpegAvailable, gifDelayCs, openSink, sinkKindFor } from '../../src/animate/sinks.js';
import { restPose } from '../../src/export/cloud.js';
import { projectPoint } from '../../src/core/camera.js';
import { axisAngleToQuat } from '../../src/core/rotation.js';
import { createImage } from '../../src/core/image.js';
import { PersonaError } from '../../src/core/errors.js';
import type { Motion } from '../../src/motion/types.js';
import { tempDir } from '../helpers.js';
import { fixtureAvatar, FIXTURE_JOINTS } from '../export/fixture.js';

const avatar = fixtureAvatar();
const names = FIXTURE_JOINTS.map(([n]) => n);
const L_SHOULDER = names.indexOf('left_shoulder');
const L_WRIST = names.indexOf('left_wrist');

/** A motion on the fixture skeleton: the left shoulder turns about +z from 0 to `end` radians over F frames. */
function armMotion(F: number, end: number, fps = 30): Motion {
  const J = names.length;
  const rotations = new Float32Array(F * J * 4);
  for (let f = 0; f < F; f++) {
    for (let j = 0; j < J; j++) rotations[(f * J + j) * 4] = 1;
    const q = axisAngleToQuat(0, 0, (end * f) / Math.max(F - 1, 1));
    rotations.set(q, (f * J + L_SHOULDER) * 4);
  }
  return { name: 'arm', fps, frameCount: F, jointNames: [...names], rotations, rootTranslation: new Float32Array(F * 3) };
}

test('framePose maps motion joints by name and samplePose slerps between frames', () => {
  const b = bindMotion(armMotion(3, Math.PI / 2), avatar);
  const p1 = framePose(b, 1);
  assert.ok(Math.abs(p1.rotations[L_SHOULDER * 3 + 2]! - Math.PI / 4) < 1e-6);
  assert.equal(p1.rotations[0], 0);
  const mid = samplePose(b, 0.5 / 30);
  assert.ok(Math.abs(mid.rotations[L_SHOULDER * 3 + 2]! - Math.PI / 8) < 1e-6, 'slerp halfway between frame 0 and 1');
  assert.equal(outputFrameCount(b, 30), 3);
  assert.equal(outputFrameCount(b, 15), 2);
});

test('bad motions give clear errors', () => {
  const m = armMotion(2, 1);
  assert.throws(() => bindMotion({ ...m, jointNames: m.jointNames.map((n) => `x_${n}`) }, avatar), (e: unknown) => e instanceof PersonaError && /shares no joint name/.test(e.message));
  assert.throws(() => bindMotion({ ...m, frameCount: 5 }, avatar), /do not match its 5 frames/);
});

test('renderer: a posed arm is drawn where its joints project, and gone from where it was', () => {
  const r = new AvatarRenderer(avatar, { threads: 1 });
  const pose = restPose(avatar);
  const bounds = new Bounds().add(avatar.buffers.means as Float32Array);
  const cam = cameraAt('front', { bounds }, 0, 1, { width: 128, height: 128 });
  const alphaAt = (img: { data: Float32Array; width: number }, p: { u: number; v: number }): number => img.data[(Math.floor(p.v) * img.width + Math.floor(p.u)) * 4 + 3]!;
  const rest = r.render(pose, cam, 'transparent');
  const rj = avatar.header.skeleton.restJoints;
  const wristRest = projectPoint(cam, rj[L_WRIST * 3]! - 0.05, rj[L_WRIST * 3 + 1]!, rj[L_WRIST * 3 + 2]!);
  assert.ok(alphaAt(rest, wristRest) > 0.5, 'arm visible at rest');
  assert.ok(wristRest.u > 64, 'the person faces the camera, so their left arm is on the image right');
  pose.rotations[L_SHOULDER * 3 + 2] = -Math.PI / 2; // arm down
  const down = r.render(pose, cam, 'transparent');
  assert.ok(alphaAt(down, wristRest) < 0.05, 'arm gone from its rest place');
  const sx = rj[L_SHOULDER * 3]!, sy = rj[L_SHOULDER * 3 + 1]!;
  const wristDown = projectPoint(cam, sx, sy - (rj[L_WRIST * 3]! - sx) + 0.05, 0);
  assert.ok(alphaAt(down, wristDown) > 0.5, 'arm drawn hanging down');
  // RGBA over white equals the white-background render
  const white = r.render(pose, cam, [1, 1, 1]);
  let maxErr = 0;
  for (let p = 0; p < 128 * 128; p++) {
    const a = down.data[p * 4 + 3]!;
    for (let c = 0; c < 3; c++) maxErr = Math.max(maxErr, Math.abs(down.data[p * 4 + c]! * a + (1 - a) - white.data[p * 3 + c]!));
  }
  assert.ok(maxErr < 1e-4, `compositing over white matches (max ${maxErr})`);
});

test('GIF delays accumulate the centisecond rounding, so every clip keeps its duration', () => {
  for (const fps of [30, 24, 25, 15, 12, 60, 29.97]) {
    let total = 0;
    const frames = Math.round(fps * 10);
    for (let k = 0; k < frames; k++) {
      const d = gifDelayCs(k, fps);
      assert.ok(Math.abs(d - 100 / fps) < 1, `${fps} fps frame ${k}: ${d} cs`);
      total += d;
      assert.ok(Math.abs(total - (100 * (k + 1)) / fps) <= 0.5, `${fps} fps: end of frame ${k} at ${total} cs`);
    }
  }
  assert.deepEqual(Array.from({ length: 6 }, (_, k) => gifDelayCs(k, 30)), [3, 4, 3, 3, 4, 3]);
  assert.deepEqual(Array.from({ length: 3 }, (_, k) => gifDelayCs(k, 25)), [4, 4, 4]);
});

test('animating a 30-frame motion writes 30 PNG frames and a 30-frame GIF', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const m = armMotion(30, -1.2);
    const r = await animateAvatar(avatar, m, { out: join(dir, 'frames') + '/', size: 64, camera: 'orbit' });
    assert.equal(r.frames, 30);
    const files = (await readdir(join(dir, 'frames'))).sort();
    assert.equal(files.length, 30);
    assert.equal(files[0], 'frame_00000.png');
    const meta = await sharp(join(dir, 'frames', files[29]!)).metadata();
    assert.equal(meta.width, 64);
    await animateAvatar(avatar, m, { out: join(dir, 'a.gif'), size: 64, background: 'transparent' });
    const gif = await sharp(join(dir, 'a.gif'), { pages: -1 }).metadata();
    assert.equal(gif.pages, 30);
    assert.equal(gif.format, 'gif');
    // frame delays keep the clip's duration: 30 frames at 30 fps last exactly one second
    assert.deepEqual(gif.delay?.slice(0, 6), [30, 40, 30, 30, 40, 30], `delays (ms) ${gif.delay?.join(',')}`);
    assert.equal(gif.delay!.reduce((a, b) => a + b, 0), 1000);
    assert.deepEqual((await readdir(dir)).sort(), ['a.gif', 'frames'], 'no temporary files left behind');
  } finally {
    await cleanup();
  }
});

test('frames rendered on two threads are the frames of one thread, in order (odd frame counts too)', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const m = armMotion(7, -1.2);
    const one = await animateAvatar(avatar, m, { out: join(dir, 'one') + '/', size: 48, camera: 'orbit', frameThreads: 1 });
    const two = await animateAvatar(avatar, m, { out: join(dir, 'two') + '/', size: 48, camera: 'orbit', frameThreads: 2 });
    assert.equal(two.frames, 7);
    const files = (await readdir(join(dir, 'one'))).sort();
    assert.deepEqual((await readdir(join(dir, 'two'))).sort(), files);
    const distinct = new Set<string>();
    for (const f of files) {
      const a = await readFile(join(dir, 'one', f)), b = await readFile(join(dir, 'two', f));
      assert.ok(a.equals(b), `${f} differs between one and two threads`);
      distinct.add(a.toString('base64'));
    }
    assert.equal(distinct.size, 7, 'the orbit makes every frame different, so a swapped frame would show');
    assert.ok(one.perFrame.rasterMs > 0 && two.perFrame.rasterMs > 0);
  } finally {
    await cleanup();
  }
});

test('MP4 via ffmpeg (the npm-installed one unless PERSONA_FFMPEG or PATH has one)', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const out = join(dir, 'a.mp4');
    assert.ok(ffmpegAvailable(), 'no ffmpeg: run `npm install` (it brings one), or set PERSONA_FFMPEG');
    await animateAvatar(avatar, armMotion(12, 1), { out, size: 66 });
    const head = (await readFile(out)).subarray(4, 8).toString('latin1');
    assert.equal(head, 'ftyp');
    await assert.rejects(animateAvatar(avatar, armMotion(3, 1), { out: join(dir, 'b.mp4'), background: 'transparent' }), /cannot carry transparency/);
  } finally {
    await cleanup();
  }
});

test('sinks are atomic: an aborted GIF, MP4 or frame folder leaves nothing', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const kinds = ['x.gif', 'frames/', 'x.mp4'];
    for (const name of kinds) {
      const sink = await openSink(join(dir, name), { width: 16, height: 16, fps: 10, transparent: false });
      await sink.add(createImage(16, 16, 3, 0.5));
      await sink.abort();
    }
    assert.deepEqual(await readdir(dir), []);
    const gif = await openSink(join(dir, 'y.gif'), { width: 16, height: 16, fps: 10, transparent: false });
    await assert.rejects(gif.add(createImage(8, 8, 3)), /frame is 8×8/);
    assert.throws(() => sinkKindFor('a.avi'), /unknown extension/);
  } finally {
    await cleanup();
  }
});

test('turntable contact sheet has one cell per view', async () => {
  const sheet = await turntable(avatar, restPose(avatar), { views: 4, size: 48, columns: 4, labels: false });
  assert.equal(sheet.channels, 3);
  assert.ok(sheet.width >= 4 * 48 && sheet.height >= 48 && sheet.height < 2 * 48 + 40);
});

test('fast forward renderer equals the float64 reference renderer of src/splat on random isotropic Gaussians', async () => {
  const { FastSplatRenderer } = await import('../../src/splat/fast.js');
  const { referenceRender } = await import('../../src/splat/reference.js');
  const { lookAtCamera } = await import('../../src/core/camera.js');
  const N = 1500;
  const means = new Float32Array(N * 3), scales = new Float32Array(N), colors = new Float32Array(N * 3), opacities = new Float32Array(N);
  let s = 7;
  const rnd = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < N; i++) {
    for (let c = 0; c < 3; c++) { means[i * 3 + c] = rnd() - 0.5; colors[i * 3 + c] = rnd(); }
    scales[i] = 0.004 + 0.02 * rnd();
    opacities[i] = 0.2 + 0.8 * rnd();
  }
  means[0] = NaN; // culled by both
  scales[1] = 0; // culled by both
  const cam = lookAtCamera([0.4, 0.3, 2.2], [0, 0, 0], { width: 72, height: 60, fovYDeg: 45 });
  const bg = [0.1, 0.6, 0.9];
  const fast = new FastSplatRenderer().render({ count: N, means, scales, colors, opacities }, cam, bg);
  const ref = referenceRender({ count: N, means, scales, opacities, features: colors, channels: 3 }, cam, { background: bg });
  let e = 0, ea = 0;
  for (let i = 0; i < ref.image.length; i++) e = Math.max(e, Math.abs(ref.image[i]! - fast.image[i]!));
  for (let i = 0; i < ref.alpha.length; i++) ea = Math.max(ea, Math.abs(ref.alpha[i]! - fast.alpha[i]!));
  assert.equal(fast.visible, N - 2 - 0, 'all but the NaN and zero-scale Gaussians are in view');
  assert.ok(e < 5e-3 && ea < 1e-4, `colour diff ${e}, alpha diff ${ea} (float32 vs float64)`);
});
