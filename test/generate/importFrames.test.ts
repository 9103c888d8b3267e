import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPoint } from '../../src/core/camera.js';
import { readImage, writePng } from '../../src/core/image.js';
import { writeJsonAtomic } from '../../src/core/atomic.js';
import { makeSubject } from '../../src/bench/subjects.js';
import { BodyPoser } from '../../src/body/skinning.js';
import { bodyAnchors } from '../../src/fit/fitImage.js';
import { cameraFromJson, cameraToJson, type BodyFit } from '../../src/fit/types.js';
import { placedMotion } from '../../src/generate/builtin.js';
import { letterboxCamera } from '../../src/generate/letterbox.js';
import { runGenerateStage } from '../../src/generate/stage.js';
import { generatedClips } from '../../src/subject/artefacts.js';
import { poseFromJson, type GeneratedClipFile } from '../../src/generate/types.js';

test('frames:<dir> imports an external model\'s frames: masks from the matte, poses re-fitted with the subject\'s shape', async () => {
  const s = makeSubject(0, { textureSize: 512 });
  const { posed, camera } = s.photo({ supersample: 1 });
  const dir = await mkdtemp(join(tmpdir(), 'persona-import-'));
  try {
    const subjectDir = join(dir, 'subject');
    const fit: BodyFit = {
      format: 'persona-fit', formatVersion: 1, body: { kind: s.model.kind, shapeCount: s.shape.length }, shape: Array.from(s.shape), expression: [],
      pose: { rotations: Array.from(posed.pose.rotations), translation: posed.pose.translation }, camera: cameraToJson(camera),
      residuals: { keypointPx: 0, keypointRelative: 0, silhouetteIoU: 1 }, uncertain: [],
    };
    await writeJsonAtomic(join(subjectDir, 'fit', 'body.json'), fit);
    // the "model output": the subject dancing, framed like the exported pose video (letterboxed photo camera)
    const W = 288, H = 512;
    const frameCam = letterboxCamera(camera, W, H);
    const placed = placedMotion(s.model, s.shape, posed.pose, 'dance');
    await mkdir(join(dir, 'out', 'dance'), { recursive: true });
    const truths = [];
    for (const [k, t] of [0.3, 0.6].entries()) {
      const p = s.pose(placed.poseAt(t * placed.duration));
      const r = s.render(p, frameCam, { supersample: 2, background: [1, 1, 1] });
      await writePng(join(dir, 'out', 'dance', `${k}.png`), r.image);
      truths.push(r);
    }
    const res = await runGenerateStage(subjectDir, { generator: `frames:${join(dir, 'out')}`, framesPerClip: 12, size: 512 });
    assert.deepEqual(res.clips, ['dance']);
    assert.equal(res.frames, 2);
    assert.deepEqual(await generatedClips(subjectDir), ['dance']);
    const clip = JSON.parse(await readFile(join(subjectDir, 'generated', 'dance', 'poses.json'), 'utf8')) as GeneratedClipFile;
    assert.equal(clip.frames.length, 2);
    assert.deepEqual(clip.shape, fit.shape);
    const poser = new BodyPoser(s.model), anchors = bodyAnchors(s.model);
    for (let k = 0; k < 2; k++) {
      const f = clip.frames[k]!;
      const cam = cameraFromJson(f.camera);
      assert.equal(cam.width, W); assert.equal(cam.height, H);
      // mask: the perception matte agrees with the true silhouette
      const mask = await readImage(join(subjectDir, 'generated', 'dance', 'masks', f.file), 1);
      let inter = 0, uni = 0;
      for (let p = 0; p < W * H; p++) { const a = mask.data[p]! >= 0.5, b = truths[k]!.mask[p] === 1; if (a && b) inter++; if (a || b) uni++; }
      assert.ok(inter / uni > 0.85, `mask IoU ${(inter / uni).toFixed(3)}`);
      // pose: the re-fitted body's shoulders, hips, knees and ankles land near the truth
      const body = poser.forward({ shape: clip.shape, pose: poseFromJson(f.pose) });
      let err = 0, n = 0;
      for (const q of [11, 12, 23, 24, 25, 26, 27, 28]) {
        const a = anchors[q]!, src = a.kind === 'joint' ? body.joints : body.vertices;
        const pr = projectPoint(cam, src[a.index * 3]!, src[a.index * 3 + 1]!, src[a.index * 3 + 2]!);
        err += Math.hypot(pr.u - truths[k]!.keypoints2d[q * 2]!, pr.v - truths[k]!.keypoints2d[q * 2 + 1]!); n++;
      }
      assert.ok(err / n < 0.05 * H, `frame ${k}: mean keypoint error ${(err / n).toFixed(1)} px`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
