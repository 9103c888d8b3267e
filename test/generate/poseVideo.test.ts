import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPoint, lookAtCamera } from '../../src/core/camera.js';
import { readImage, createImage } from '../../src/core/image.js';
import { makeSubject } from '../../src/bench/subjects.js';
import { cameraFromJson, cameraToJson, type BodyFit } from '../../src/fit/types.js';
import { placedMotion } from '../../src/generate/builtin.js';
import { letterboxCamera, letterboxImage } from '../../src/generate/letterbox.js';
import { exportPoseVideo, POSE_VIDEO, poseKeypoints2d, drawOpenPose } from '../../src/generate/poseVideo.js';
import { BodyPoser } from '../../src/body/skinning.js';

/** The synthetic subject's own shape, pose and camera, as a fit. */
function groundTruthFit() {
  const s = makeSubject(3, { textureSize: 256 });
  const { posed, camera, render } = s.photo({ supersample: 1 });
  const fit: BodyFit = {
    format: 'persona-fit', formatVersion: 1, body: { kind: s.model.kind, shapeCount: s.shape.length }, shape: Array.from(s.shape), expression: [],
    pose: { rotations: Array.from(posed.pose.rotations), translation: posed.pose.translation }, camera: cameraToJson(camera),
    residuals: { keypointPx: 0, keypointRelative: 0, silhouetteIoU: 1 }, uncertain: [],
  };
  return { s, fit, render, camera };
}

test('letterboxCamera: a point projects where the letterboxed photo shows it', () => {
  const cam = lookAtCamera([0.3, 1.2, 3], [0, 0.9, 0], { width: 512, height: 768, fovYDeg: 35 });
  const lb = letterboxCamera(cam, 576, 1024);
  // 512×768 into 576×1024: scale 1.125, 864 px tall, centred (80 px bands)
  for (const X of [[0, 1, 0], [0.2, 0.1, 0.3], [-0.4, 1.7, -0.1]]) {
    const a = projectPoint(cam, X[0]!, X[1]!, X[2]!), b = projectPoint(lb, X[0]!, X[1]!, X[2]!);
    assert.ok(Math.abs(b.u - a.u * 1.125) < 1e-9 && Math.abs(b.v - (a.v * 1.125 + 80)) < 1e-9);
  }
  const img = createImage(512, 768, 3, 0.5);
  const boxed = letterboxImage(img, 576, 1024, [1, 1, 1]);
  assert.equal(boxed.data[(40 * 576 + 100) * 3], 1, 'padding band');
  assert.ok(Math.abs(boxed.data[(500 * 576 + 100) * 3]! - 0.5) < 1e-6, 'photo inside');
});

test('pose-video exporter writes the expected frame count at 576×1024, aligned to the photo, with the reference image', async () => {
  const { s, fit, render } = groundTruthFit();
  const dir = await mkdtemp(join(tmpdir(), 'persona-posevideo-'));
  try {
    const fps = 2; // the real default is 30; fewer frames keep the test fast
    const m = await exportPoseVideo({ body: s.model, fit, photo: render.image, matte: render.alpha, motions: ['punch-kick'], outDir: dir, fps, mp4: false });
    const expected = Math.round(placedMotion(s.model, fit.shape, { rotations: Float64Array.from(fit.pose.rotations), translation: fit.pose.translation }, 'punch-kick').duration * fps);
    assert.ok(expected >= 4);
    assert.equal(m.clips[0]!.frames, expected);
    const files = (await readdir(join(dir, 'punch-kick'))).filter((f) => f.endsWith('.png')).sort();
    assert.equal(files.length, expected);
    assert.equal(files[0], '0000.png');
    const frame = await readImage(join(dir, 'punch-kick', files[1]!), 3);
    assert.equal(frame.width, POSE_VIDEO.width); assert.equal(frame.height, POSE_VIDEO.height);
    const ref = await readImage(join(dir, 'reference.png'), 3);
    assert.equal(ref.width, 576); assert.equal(ref.height, 1024);
    const json = JSON.parse(await readFile(join(dir, 'pose-video.json'), 'utf8'));
    assert.equal(json.fps, fps); assert.equal(json.width, 576);
    // skeleton on black: mostly black, coloured where the limbs are; the neck point is drawn
    let lit = 0;
    for (let p = 0; p < 576 * 1024; p++) if (frame.data[p * 3]! + frame.data[p * 3 + 1]! + frame.data[p * 3 + 2]! > 0.3) lit++;
    assert.ok(lit > 2000 && lit < 0.1 * 576 * 1024, `lit pixels ${lit}`);
    // alignment: the skeleton of the photo pose, drawn in the frame, covers the photo person's shoulders in the reference
    const kp = poseKeypoints2d(s.model, new BodyPoser(s.model), fit.shape, { rotations: Float64Array.from(fit.pose.rotations), translation: fit.pose.translation }, letterboxCamera(cameraFromJson(fit.camera), 576, 1024));
    for (const i of [2, 5, 8, 11]) { // shoulders and hips lie on the person: not white in the reference
      const x = Math.round(kp.body[i * 2]!), y = Math.round(kp.body[i * 2 + 1]!);
      const v = ref.data[(y * 576 + x) * 3]! + ref.data[(y * 576 + x) * 3 + 1]! + ref.data[(y * 576 + x) * 3 + 2]!;
      assert.ok(v < 2.9, `keypoint ${i} at (${x}, ${y}) is on the background of the reference`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('drawOpenPose colours the neck–shoulder limbs and draws 21 hand points per hand', () => {
  const { s, fit, camera } = groundTruthFit();
  const kp = poseKeypoints2d(s.model, new BodyPoser(s.model), fit.shape, { rotations: Float64Array.from(fit.pose.rotations), translation: fit.pose.translation }, camera);
  assert.equal(kp.body.length, 36);
  assert.equal(kp.hands.length, 2);
  assert.equal(kp.hands[0]!.length, 42);
  const img = createImage(camera.width, camera.height, 3);
  drawOpenPose(img, kp);
  // midway along neck → right shoulder: OpenPose's first limb colour (red)
  const x = Math.round((kp.body[2]! + kp.body[4]!) / 2), y = Math.round((kp.body[3]! + kp.body[5]!) / 2);
  const o = (y * img.width + x) * 3;
  assert.ok(img.data[o]! > 0.4 && img.data[o + 1]! < 0.2 && img.data[o + 2]! < 0.2, `pixel ${Array.from(img.data.subarray(o, o + 3))}`);
});
