import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBodyModel } from '../../src/body/model.js';
import { resizeCamera } from '../../src/core/camera.js';
import { createImage, writePng } from '../../src/core/image.js';
import { writeJsonAtomic } from '../../src/core/atomic.js';
import { resizeImage } from '../../src/render/index.js';
import { cameraToJson, type BodyFit } from '../../src/fit/types.js';
import { SUBJECT_FILES, clipFiles } from '../../src/subject/files.js';
import { Subject } from '../../src/subject/manifest.js';
import { generatedClips } from '../../src/subject/artefacts.js';
import type { GeneratedClipFile } from '../../src/generate/types.js';
import { runTrainStage } from '../../src/train/stage.js';
import { loadAvatar } from '../../src/avatar/bundle.js';
import { makeSubject } from '../../src/bench/subjects.js';
import { runSyntheticGenerateStage } from '../../src/bench/generateStage.js';
import { buildTestViews, evaluateAvatar, FrozenAvatar, heldOutPoses, refineRoot, regionMasks } from '../../src/bench/evaluate.js';
import { fitPose } from '../../src/fit/types.js';

const body = loadBodyModel();

/**
 * A tiny subject folder as ingest/perceive/fit/texture would leave it, with the ground truth as the "fit"
 * (photo pose, photo camera) so that no perception runs in the test.
 */
async function tinySubjectFolder(dir: string) {
  const synthetic = makeSubject(0, { model: body, textureSize: 128 });
  const posed = synthetic.pose(synthetic.photoPose());
  const camera = synthetic.frameCamera(posed, { width: 64, height: 96 });
  const r = synthetic.render(posed, camera, { supersample: 1, background: [1, 1, 1] });
  await writePng(join(dir, SUBJECT_FILES.image), r.image);
  const mask = createImage(64, 96, 1);
  mask.data.set(r.alpha);
  await writePng(join(dir, SUBJECT_FILES.mask), mask);
  await writePng(join(dir, SUBJECT_FILES.texture), resizeImage(synthetic.texture, 64, 64));
  const pose = synthetic.photoPose();
  const fit: BodyFit = {
    format: 'persona-fit', formatVersion: 1, body: { kind: 'makehuman', shapeCount: synthetic.shape.length }, shape: Array.from(synthetic.shape), expression: [],
    pose: { rotations: Array.from(pose.rotations), translation: pose.translation }, camera: cameraToJson(camera),
    residuals: { keypointPx: 0, keypointRelative: 0, silhouetteIoU: 1 }, uncertain: [],
  };
  await writeJsonAtomic(join(dir, SUBJECT_FILES.fit), fit);
  return { synthetic, camera, fit, truth: r };
}

test('the synthetic generator writes a subject folder that the train stage accepts; evaluation scores it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'persona-bench-test-'));
  try {
    const { synthetic, camera, fit, truth } = await tinySubjectFolder(dir);
    const opts = { motions: ['dance'], framesPerClip: 2, size: 48, supersample: 1 };
    const gen = await runSyntheticGenerateStage(dir, synthetic, camera, opts);
    assert.equal(gen.ran, true);
    assert.deepEqual(gen.clips, ['dance']);
    assert.deepEqual(await generatedClips(dir), ['dance']);
    const record = JSON.parse(await readFile(join(dir, clipFiles('dance').poses), 'utf8')) as GeneratedClipFile;
    assert.equal(record.format, 'persona-generated-clip');
    assert.equal(record.frames.length, 2);
    assert.match(record.generator, /^synthetic:/);
    for (const f of record.frames) {
      assert.ok(existsSync(join(dir, clipFiles('dance').frame(f.file))) && existsSync(join(dir, clipFiles('dance').mask(f.file))));
      assert.equal(f.camera.width, 32); // long side 48 on a 64×96 photo
      assert.equal(f.camera.height, 48);
      // the reported pose is the tracker-like pose on the fit: its root translation is the fit's plus the motion's
      assert.equal(f.pose.rotations.length, fit.pose.rotations.length);
    }
    // cached: a second call with the same options does not render again
    assert.equal((await runSyntheticGenerateStage(dir, synthetic, camera, opts)).ran, false);
    const trained = await runTrainStage(dir, { quality: 'test', iterations: 3 });
    assert.equal(trained.ran, true);
    assert.equal(trained.notes?.frames, 3); // photo + 2 generated frames
    const manifest = await new Subject(dir).readManifest();
    assert.equal(manifest.stages.generate?.status, 'done');
    assert.equal(manifest.stages.train?.status, 'done');

    // evaluation on one held-out pose and the photo view returns finite scores
    const avatar = await loadAvatar(join(dir, SUBJECT_FILES.avatarDir));
    const poses = heldOutPoses(synthetic, { motions: ['dance'], framesPerClip: 2 }, ['walk'], 1);
    assert.deepEqual(poses.map((p) => p.heldOut), ['time', 'motion']);
    const views = buildTestViews(synthetic, body, fit, camera, poses.slice(1), [0], { width: 32, height: 48 });
    const photo = { image: truth.image, alpha: truth.alpha, regions: regionMasks(truth) };
    const ev = evaluateAvatar(synthetic, body, avatar, fit, views, photo, { refine: { evaluations: 6, size: 32 } });
    assert.equal(ev.views.length, 1);
    for (const s of [ev.photo, ev.views[0]!.raw, ev.views[0]!.refined]) {
      assert.ok(Number.isFinite(s.psnr) && s.psnr > 0, `psnr ${s.psnr}`);
      assert.ok(s.ssim > -1 && s.ssim <= 1 && s.iou >= 0 && s.iou <= 1);
    }
    // the refinement never lowers the soft IoU it optimises, and recovers a known root shift of the frozen avatar
    const frozen = new FrozenAvatar(avatar);
    frozen.pose(fitPose(fit));
    const cam = resizeCamera(camera, 48, 72);
    const shifted = frozen.render(cam, [0, 0, 0, 0.04, -0.03, 0]).alpha;
    const ref = refineRoot(frozen, cam, shifted, { evaluations: 80, size: 72 });
    assert.ok(ref.iouAfter >= ref.iouBefore);
    assert.ok(ref.iouAfter > 0.9, `IoU after ${ref.iouAfter}`);
    assert.ok(Math.abs(ref.correction[3]! - 0.04) < 0.015 && Math.abs(ref.correction[4]! + 0.03) < 0.015, `correction ${ref.correction.join(', ')}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
