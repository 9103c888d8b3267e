/**
 * The benchmark's generate stage: instead of the `builtin` generator, writes clips of a synthetic
 * subject with simulated video-diffusion artefacts (generated.ts) into a subject folder, in the same
 * layout and manifest record as src/generate/stage.ts, so that the normal train stage trains on them.
 *
 * Frames are rendered by the ground-truth photo camera (resized to the clip size) in the drifted pose.
 * The poses written are what a per-frame pose tracker would report, never the rendered pose: the driving
 * motion (before the clip's pose drift) on the fitted body's skeleton and shape, placed at the fit's
 * translation with the subject's root orientation turned into the fit world (the rotation between the
 * fit camera and the photo camera) — so they carry the fit's shape/scale error and the clip's pose drift,
 * but not the fit's root-orientation error (3–31° on the six subjects, which an image-based tracker would
 * not repeat on every frame).
 */
import { rm } from 'node:fs/promises';
import type { Camera } from '../core/camera.js';
import { fitLongSide, resizeCamera } from '../core/camera.js';
import { createImage, writePng } from '../core/image.js';
import { writeJsonAtomic } from '../core/atomic.js';
import { PersonaError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import type { ArrayBodyModel } from '../body/index.js';
import type { BodyPose } from '../body/index.js';
import { Subject, SUBJECT_FILES, clipFiles, readFit } from '../subject/index.js';
import { cameraFromJson, cameraToJson, fitPose, type BodyFit } from '../fit/types.js';
import { restSkeletonOf, getBuiltinMotion, createPoseSampler, listBuiltinMotions } from '../motion/index.js';
import { placeMotionPose } from '../generate/place.js';
import { axisAngleToMatrix, mat3Multiply, mat3Transpose, matrixToAxisAngle } from '../core/rotation.js';
import type { GeneratedClipFile } from '../generate/types.js';
import { resolveBody } from '../body/index.js';
import { renderSyntheticClip, type DiffusionArtefacts } from './generated.js';
import type { SyntheticSubject } from './subjects.js';

/** Shown in poses.json and the manifest. */
export const SYNTHETIC_NOTE =
  'synthetic generator (benchmark): the ground-truth synthetic subject with garment deformation, rendered with simulated diffusion artefacts (pose drift, colour drift, blur, changed face detail); poses are the driving motion on the fitted body, rooted like the truth in the fit world (tracker-like, misaligned by the drift)';

/** Options of {@link runSyntheticGenerateStage}. */
export interface SyntheticGenerateOptions {
  motions: string[];
  framesPerClip: number;
  /** Long side of the clip frames (pixels). */
  size: number;
  seed?: number;
  artefacts?: Partial<DiffusionArtefacts>;
  supersample?: number;
  force?: boolean;
  progress?: Progress;
}

/**
 * The fit-frame pose that a tracker would report for time `time` of a builtin motion: the motion sampled
 * on the fitted body's rest skeleton and placed on the fit's root (the builtin generator's convention).
 */
export function trackerPoses(body: ArrayBodyModel, fit: BodyFit, motionName: string, times: number[], root?: ArrayLike<number>): BodyPose[] {
  const rest = restSkeletonOf(body, fit.shape);
  const motion = getBuiltinMotion(motionName, rest.skeleton, rest.rest);
  const sample = createPoseSampler(motion, body.skeleton);
  const base = fitPose(fit);
  if (root) for (let c = 0; c < 3; c++) base.rotations[c] = root[c]!;
  return times.map((t) => placeMotionPose(sample(t), base));
}

/** Rotation from fit-world to subject-world directions, from the two photo cameras: W = R_photoᵀ·R_fit (3×3 row-major). */
export function fitToTruth(fit: BodyFit, photoCamera: Camera): number[] {
  return Array.from(mat3Multiply(mat3Transpose(photoCamera.R), fit.camera.R));
}

/**
 * The subject's true photo root orientation expressed in the fit world (axis-angle): Wᵀ·R_root. The fit's
 * own root can be off by tens of degrees (compensated by its spine and hips on the photo); a pose tracker
 * run on each frame would not carry that error into every frame, so the clips are rooted by this instead.
 */
export function truthRootInFit(synthetic: SyntheticSubject, fit: BodyFit, photoCamera: Camera): [number, number, number] {
  const W = fitToTruth(fit, photoCamera), r = synthetic.photoPose().rotations;
  return matrixToAxisAngle(mat3Multiply(mat3Transpose(W), axisAngleToMatrix(r[0]!, r[1]!, r[2]!)));
}

/**
 * Writes `generated/<motion>/frames|masks|poses.json` for every motion and records the clips in the
 * manifest's `generate` stage (cached like every stage: same fit, texture and options → skipped).
 * `photoCamera` is the ground-truth camera of the subject's photo.
 */
export async function runSyntheticGenerateStage(
  subjectDir: string, synthetic: SyntheticSubject, photoCamera: Camera, o: SyntheticGenerateOptions,
): Promise<{ ran: boolean; clips: string[]; frames: number }> {
  const known = new Set(listBuiltinMotions().map((m) => m.name));
  for (const m of o.motions) if (!known.has(m)) throw new PersonaError(`unknown motion "${m}"`, { hint: `builtin motions: ${[...known].join(', ')}` });
  if (!(Number.isInteger(o.framesPerClip) && o.framesPerClip >= 1)) throw new PersonaError(`framesPerClip must be a positive integer, got ${o.framesPerClip}`);
  const subject = new Subject(subjectDir);
  const generator = `synthetic:${synthetic.spec.name}`;
  const outcome = await subject.runStage(
    'generate',
    {
      version: 2,
      inputs: { fit: SUBJECT_FILES.fit, texture: SUBJECT_FILES.texture },
      options: { generator, poses: 'driving pose, truth root in the fit world', motions: o.motions, framesPerClip: o.framesPerClip, size: o.size, seed: o.seed ?? 1, artefacts: o.artefacts ?? 'default', supersample: o.supersample ?? 2 },
      outputs: o.motions.map((m) => clipFiles(m).poses),
      force: o.force,
    },
    async () => {
      const fit = await readFit(subject);
      const body = resolveBody('default');
      const fitCam = cameraFromJson(fit.camera);
      const dims = fitLongSide(fitCam.width, fitCam.height, o.size);
      const camFit = resizeCamera(fitCam, dims.width, dims.height);
      const camTruth = resizeCamera(photoCamera, dims.width, dims.height);
      const task = o.progress?.task('generate (synthetic)', o.motions.length * o.framesPerClip);
      let done = 0;
      for (const motion of o.motions) {
        const files = clipFiles(motion);
        await rm(subject.path(files.dir), { recursive: true, force: true });
        const clip = renderSyntheticClip(synthetic, {
          motion, frames: o.framesPerClip, width: dims.width, height: dims.height, camera: camTruth,
          artefacts: o.artefacts, seed: o.seed ?? 1, supersample: o.supersample ?? 2, withTruth: false,
        });
        const poses = trackerPoses(body, fit, motion, clip.frames.map((f) => f.time), truthRootInFit(synthetic, fit, photoCamera));
        const record: GeneratedClipFile = { format: 'persona-generated-clip', formatVersion: 1, clip: motion, generator, note: SYNTHETIC_NOTE, shape: fit.shape, frames: [] };
        for (let k = 0; k < clip.frames.length; k++) {
          const f = clip.frames[k]!;
          const file = `${String(k).padStart(4, '0')}.png`;
          const mask = createImage(dims.width, dims.height, 1);
          mask.data.set(f.alpha);
          await writePng(subject.path(files.frame(file)), f.image);
          await writePng(subject.path(files.mask(file)), mask);
          const p = poses[k]!;
          record.frames.push({ file, time: f.time, pose: { rotations: Array.from(p.rotations), translation: p.translation }, camera: cameraToJson(camFit) });
          task?.update(++done, { clip: motion });
        }
        await writeJsonAtomic(subject.path(files.poses), record); // last: a clip is complete only when it exists
      }
      task?.done(`${o.motions.length} clips × ${o.framesPerClip} frames (synthetic, with artefacts)`);
      return { clips: o.motions, frames: o.motions.length * o.framesPerClip, generator, note: SYNTHETIC_NOTE };
    },
  );
  const clips = (outcome.record.notes?.clips as string[] | undefined) ?? o.motions;
  return { ran: outcome.ran, clips, frames: (outcome.record.notes?.frames as number | undefined) ?? 0 };
}
