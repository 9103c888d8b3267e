/**
 * The fit stage: `perception/keypoints.json` + `perception/mask.png` → `fit/body.json` and
 * `fit/overlay.png` (the fitted mesh over the photo | a side view), warning about uncertain parts.
 */
import { writeJsonAtomic } from '../core/atomic.js';
import { createImage, readImage, writePng, type FloatImage } from '../core/image.js';
import { lookAtCamera } from '../core/camera.js';
import { Subject, SUBJECT_FILES, readFit, stageContext, type StageContextOptions } from '../subject/index.js';
import { BodyPoser } from '../body/index.js';
import type { ArrayBodyModel } from '../body/index.js';
import { readPerception } from '../perceive/index.js';
import { renderShaded, contactSheet } from '../render/index.js';
import { FIT_CONFIG } from './config.js';
import { fitImage, type FitOptions } from './fitImage.js';
import { cameraFromJson, fitPose, type BodyFit } from './types.js';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { PersonaError } from '../core/errors.js';

/** Options of the fit stage. */
export interface FitStageOptions extends FitOptions, StageContextOptions {}

/** The fitted mesh shaded over the photo (60 % blend) and a side view of it (camera 90° around the body). */
export function fitViews(photo: FloatImage, fit: BodyFit, body: ArrayBodyModel): { over: FloatImage; side: FloatImage } {
  const cam = cameraFromJson(fit.camera);
  const posed = new BodyPoser(body).forward({ shape: fit.shape, pose: fitPose(fit) });
  const verts = Float32Array.from(posed.vertices);
  const shaded = renderShaded(verts, body.triangles, cam, {});
  const over = createImage(photo.width, photo.height, 3);
  for (let p = 0; p < photo.width * photo.height; p++) {
    const a = 0.6 * shaded.alpha[p]!;
    for (let c = 0; c < 3; c++) over.data[p * 3 + c] = photo.data[p * 3 + c]! * (1 - a) + shaded.image.data[p * shaded.image.channels + c]! * a;
  }
  let cx = 0, cy = 0, cz = 0;
  const V = verts.length / 3;
  for (let v = 0; v < V; v++) { cx += verts[v * 3]!; cy += verts[v * 3 + 1]!; cz += verts[v * 3 + 2]!; }
  cx /= V; cy /= V; cz /= V;
  const sideCam = lookAtCamera([cx + 3.2, cy, cz], [cx, cy, cz], { width: Math.round(photo.height * 0.6), height: photo.height, fovYDeg: 40 });
  const side = renderShaded(verts, body.triangles, sideCam, { background: [1, 1, 1] }).image;
  return { over, side };
}

/** The fitted mesh shaded over the photo, and a side view of it. */
export function fitOverlay(photo: FloatImage, fit: BodyFit, body: ArrayBodyModel): FloatImage {
  const { over, side } = fitViews(photo, fit, body);
  return contactSheet([over, side], { columns: 2, labels: ['fit over photo', 'side view'] });
}

/** Runs (or skips) the fit stage. */
export async function runFitStage(subjectDir: string, options: FitStageOptions = {}): Promise<{ ran: boolean; fit: BodyFit }> {
  const ctx = stageContext(subjectDir, options);
  const subject = new Subject(subjectDir);
  let fit: BodyFit | undefined;
  const iterationScale = options.iterationScale ?? ctx.quality().fit.iterationScale;
  const outcome = await subject.runStage(
    'fit',
    {
      version: 8, // 4: depthOrder (per-limb depth-ordering check, issue #19); 5: the photo’s expression applied (issue #25); 6: the pose stage from two starts (issue #19, dynamic poses); 7: hand vertices weigh their area in the silhouette term (vertexWeights.ts); 8: the photo's field of view from an assumed camera distance (photoCamera.ts)
      inputs: { keypoints: SUBJECT_FILES.keypoints, mask: SUBJECT_FILES.mask },
      options: { body: ctx.bodySpec, fovDeg: options.fovDeg ?? null, iterationScale, sex: options.sex ?? 'auto' },
      outputs: [SUBJECT_FILES.fit, SUBJECT_FILES.fitOverlay],
      force: ctx.force,
    },
    async () => {
      const body = ctx.body();
      const perception = await readPerception(subjectDir);
      const t0 = Date.now();
      fit = fitImage(perception, body, { ...options, iterationScale });
      const seconds = (Date.now() - t0) / 1000;
      await writeJsonAtomic(subject.path(SUBJECT_FILES.fit), fit);
      const photo = await readImage(subject.path(SUBJECT_FILES.image), 3);
      await writePng(subject.path(SUBJECT_FILES.fitOverlay), fitOverlay(photo, fit, body));
      if (fit.uncertain.length > 0) ctx.progress?.warn(`fit: uncertain parts: ${fit.uncertain.join(', ')} (unseen or high residual)`);
      if (fit.phenotypePrior) ctx.progress?.info(`fit: ${fit.phenotypePrior.note}`);
      if (fit.fieldOfView?.source === 'distance')
        ctx.progress?.info(`fit: field of view ${fit.fieldOfView.deg.toFixed(0)}° on the long side, from the person's size at a ${FIT_CONFIG.photoDistance} m camera distance (pass --fov if you know it)`);
      return { seconds, fieldOfView: fit.fieldOfView ?? null, keypointPx: fit.residuals.keypointPx, silhouetteIoU: fit.residuals.silhouetteIoU, uncertain: fit.uncertain, sex: fit.phenotypePrior?.sex.used ?? null, sexInferred: fit.phenotypePrior?.sex.inferred ?? null, sexConfidence: fit.phenotypePrior?.sex.confidence ?? null };
    },
  );
  return { ran: outcome.ran, fit: fit ?? (await readFit(subject)) };
}
