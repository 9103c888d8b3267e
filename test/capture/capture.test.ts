import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createImage, writePng, type FloatImage } from '../../src/core/image.js';
import { loadBodyModel } from '../../src/body/model.js';
import { loadMotion, readMotionJson, restSkeletonOf } from '../../src/motion/index.js';
import { renderCaptureClip } from '../../src/bench/captureClip.js';
import { angleErrors, footSkating, SCORED_LIMBS } from '../../src/capture/metrics.js';
import { detectContacts, placeOnFloor } from '../../src/capture/contacts.js';
import { captureImages } from '../../src/capture/capture.js';
import { runCli, tempDir } from '../helpers.js';

const FPS = 10, FRAMES = 16, BLANK = 8;

test('from-video on a synthetic clip (frames folder): joint angles within 15°, contact feet drift < 2 cm/s, a lost frame flagged, JSON + BVH load', async () => {
  const clip = renderCaptureClip({ motion: 'punch-kick', start: 1, fps: FPS, frames: FRAMES, size: 320, supersample: 1 });
  const t = await tempDir();
  try {
    const dir = join(t.dir, 'frames');
    await mkdir(dir);
    // Frame BLANK shows nobody: it must be filled and flagged.
    for (let f = 0; f < FRAMES; f++) await writePng(join(dir, `frame${f + 1}.png`), f === BLANK ? createImage(320, 320, 3, 1) : clip.images[f]!);
    const out = join(t.dir, 'motion.json'), bvh = join(t.dir, 'motion.bvh'), report = join(t.dir, 'report.json');
    const r = runCli(['motion', 'from-video', dir, '--out', out, '--bvh', bvh, '--fps', String(FPS), '--fov', String(clip.fovDeg), '--report', report], { timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /1 lost frame/);
    const file = await readMotionJson(out);
    const m = file.motion, rs = file.skeleton!;
    assert.equal(m.frameCount, FRAMES);
    assert.equal(m.fps, FPS);
    assert.deepEqual(Array.from(m.flags!), Array.from({ length: FRAMES }, (_, f) => (f === BLANK ? 1 : 0)));
    const rep = JSON.parse(await readFile(report, 'utf8')) as { perFrame: Array<{ lost: string | null }> };
    assert.equal(rep.perFrame[BLANK]!.lost, 'no-person');

    const L = SCORED_LIMBS.length;
    const e = angleErrors(m, rs, clip.truth, clip.skeleton, (f, l) => f !== BLANK && clip.limbVisible[f * L + l] === 1);
    const limbs = Object.entries(e.perLimbDeg).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
    console.log(`capture: mean limb direction error ${e.meanLimbDeg.toFixed(1)}° (${limbs}); flexion ${e.meanFlexionDeg.toFixed(1)}°`);
    assert.ok(e.scored > FRAMES * 4, `scored ${e.scored} limb-frames`);
    assert.ok(e.meanLimbDeg < 15, `mean limb error ${e.meanLimbDeg.toFixed(1)}°`);

    // Foot skating where the true foot is planted (strict truth contacts), in the captured motion.
    const truth = { ...clip.truth, rootTranslation: clip.truth.rootTranslation.slice() };
    placeOnFloor(truth, clip.skeleton);
    const planted = detectContacts(truth, clip.skeleton, { contactSpeed: 0.1, contactHeight: 0.03 });
    const skate = footSkating(m, rs, planted), truthSkate = footSkating(truth, clip.skeleton, planted);
    console.log(`capture: contact-foot drift ${(100 * skate).toFixed(2)} cm/s (truth ${(100 * truthSkate).toFixed(2)} cm/s) over ${planted.reduce((a, b) => a + b, 0)} planted foot-frames`);
    assert.ok(planted.reduce((a, b) => a + b, 0) >= 8, 'the clip has planted feet');
    assert.ok(skate < 0.02, `contact-foot drift ${(100 * skate).toFixed(2)} cm/s`);

    // The files drive other bodies: JSON retargets onto the mean-shape body, BVH imports back.
    const mean = restSkeletonOf(loadBodyModel());
    const onMean = await loadMotion(out, mean);
    assert.equal(onMean.frameCount, FRAMES);
    const fromBvh = await loadMotion(bvh, mean);
    assert.equal(fromBvh.frameCount, FRAMES);
  } finally { await t.cleanup(); }
});

test('from-video on frames with nobody in them fails with a clear message', async () => {
  const t = await tempDir();
  try {
    for (let f = 0; f < 2; f++) await writePng(join(t.dir, `f${f}.png`), createImage(160, 160, 3, 1));
    const r = runCli(['motion', 'from-video', t.dir, '--out', join(t.dir, 'm.json')], { timeoutMs: 120_000 });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No person found in any of the 2 frames/);
    const bad = runCli(['motion', 'from-video', t.dir, '--out', join(t.dir, 'm.bvh')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--out must be a \.json file/);
  } finally { await t.cleanup(); }
});

test('a larger second person walking in does not take over the capture', async () => {
  const N = 10, W = 600, H = 360;
  const a = renderCaptureClip({ motion: 'punch-kick', start: 1, fps: FPS, frames: N, size: 320, supersample: 1 });
  const b = renderCaptureClip({ subject: 3, motion: 'dance', start: 0, fps: FPS, frames: N, size: 360, supersample: 1 });
  const paste = (dst: FloatImage, src: FloatImage, ox: number, oy: number): void => {
    for (let y = 0; y < src.height; y++) for (let x = 0; x < src.width; x++) {
      const i = (y * src.width + x) * 3, X = x + ox, Y = y + oy;
      if (src.data[i]! + src.data[i + 1]! + src.data[i + 2]! > 2.97 || X < 0 || X >= W || Y < 0 || Y >= H) continue;
      for (let c = 0; c < 3; c++) dst.data[(Y * W + X) * 3 + c] = src.data[i + c]!;
    }
  };
  const frames = Array.from({ length: N }, (_, f) => {
    const img = createImage(W, H, 3, 1);
    if (f >= 3) paste(img, b.images[f]!, W - Math.min(300, (f - 2) * 60), 0); // B (taller, nearer) enters from the right
    paste(img, a.images[f]!, 20, 40);
    return img;
  });
  const r = await captureImages(frames, FPS, { fovDeg: a.fovDeg });
  assert.equal(r.frames.filter((f) => f.lost).length, 0);
  const T = r.motion.rootTranslation;
  for (let f = 1; f < N; f++) assert.ok(Math.abs(T[f * 3]! - T[(f - 1) * 3]!) < 0.2, `root jumps sideways at frame ${f}`);
  const L = SCORED_LIMBS.length;
  const e = angleErrors(r.motion, r.skeleton, a.truth, a.skeleton, (f, l) => a.limbVisible[f * L + l] === 1);
  assert.ok(e.meanLimbDeg < 15, `still person A: mean limb error ${e.meanLimbDeg.toFixed(1)}°`);
});
