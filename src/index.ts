/**
 * Persona as a library: `import { create, loadAvatar, loadMotion, animateAvatar, exportAvatar } from 'persona-avatar'`.
 *
 * The same functions the `persona` command runs, re-exported (thin wrappers, no logic of their own):
 * the whole pipeline (`create`), each cached stage on a subject folder (`ingest` … `train`), and what
 * to do with a finished avatar (load it, drive it with a motion, render or export it). Every function
 * reports bad input as a {@link PersonaError} (message + hint) and writes its files atomically.
 * Long-running functions take an optional `progress` ({@link Progress}); the default prints nothing.
 */
import { create as runCreate, type CreateOptions, type CreateSummary } from './pipeline/create.js';
import { ingest as runIngest, type IngestOptions, type IngestResult } from './ingest/ingest.js';
import { perceiveSubject, type PerceiveStageOptions, type PerceiveStageResult } from './perceive/index.js';
import { runFitStage, type FitStageOptions } from './fit/stage.js';
import type { BodyFit } from './fit/types.js';
import { runTextureStage, type TextureStageOptions } from './texture/stage.js';
import { runGenerateStage, type GenerateStageOptions } from './generate/stage.js';
import { runTrainStage, type TrainStageOptions } from './train/index.js';
import type { TrainResult } from './train/index.js';
import { loadAvatar as loadBundle, type AvatarBundle } from './avatar/bundle.js';
import { animateAvatar as runAnimate, type AnimateOptions, type AnimateResult } from './animate/animate.js';
import { avatarRestSkeleton } from './animate/poses.js';
import { resolvePose } from './animate/motionArg.js';
import { exportAvatar as runExport, EXPORT_FORMATS, type ExportFormat, type ExportOptions } from './export/export.js';
import type { AvatarPose } from './export/cloud.js';
import { loadMotion as loadMotionOn, type LoadMotionOptions } from './motion/index.js';
import { listBuiltinMotions } from './motion/index.js';
import type { RestSkeleton } from './motion/index.js';
import type { Motion } from './motion/index.js';
import { PRESET_NAMES, QUALITY, type PresetName, type QualityPreset } from './subject/index.js';

export { PersonaError } from './core/errors.js';
export { Progress, type ProgressMode } from './core/progress.js';
export { packageVersion as version } from './core/version.js';
export { EXPORT_FORMATS, PRESET_NAMES, QUALITY, listBuiltinMotions, resolvePose };
export type {
  AnimateOptions, AnimateResult, AvatarBundle, AvatarPose, BodyFit, CreateOptions, CreateSummary, ExportFormat, ExportOptions,
  FitStageOptions, GenerateStageOptions, IngestOptions, IngestResult, LoadMotionOptions, Motion, PerceiveStageOptions,
  PerceiveStageResult, PresetName, QualityPreset, RestSkeleton, TextureStageOptions, TrainResult, TrainStageOptions,
};

/**
 * The whole pipeline: one photo → an animatable avatar in `out` (the subject folder), plus a turntable
 * sheet and a dance GIF unless `noPreview`. Stages are cached in the folder: calling it again resumes
 * (training from its last checkpoint). `quality`: 'test' (seconds, for CI) | 'fast' | 'standard' | 'high', a row
 * of `QUALITY` (every stage's sizes; docs/cli.md).
 * Returns where everything is and how long each stage took.
 */
export function create(photo: string, out: string, options: CreateOptions = {}): Promise<CreateSummary> {
  return runCreate(photo, out, options);
}

/** Stage 1: decodes, validates, orients and stores the photo in `subjectDir/input/` (skipped when unchanged). */
export function ingest(photo: string, subjectDir: string, options: IngestOptions = {}): Promise<IngestResult> {
  return runIngest(photo, subjectDir, options);
}

/** Stage 2: finds the person (body, face and hand keypoints, matte) → `subjectDir/perception/`. */
export function perceive(subjectDir: string, options: PerceiveStageOptions = {}): Promise<PerceiveStageResult> {
  return perceiveSubject(subjectDir, options);
}

/** Stage 3: fits the body model (camera, pose, shape) to the perception → `subjectDir/fit/body.json`. */
export function fit(subjectDir: string, options: FitStageOptions = {}): Promise<{ ran: boolean; fit: BodyFit }> {
  return runFitStage(subjectDir, options);
}

/** Stage 4: unwraps the photo onto the body's UV map → `subjectDir/texture/`. */
export function texture(subjectDir: string, options: TextureStageOptions = {}): Promise<{ ran: boolean; seenFraction?: number }> {
  return runTextureStage(subjectDir, options);
}

/** Stage 5: makes the pose-rich training video of the person → `subjectDir/generated/<clip>/`. */
export function generate(subjectDir: string, options: GenerateStageOptions = {}): Promise<{ ran: boolean; clips: string[]; frames: number }> {
  return runGenerateStage(subjectDir, options);
}

/** Stage 6: trains the PERSONA avatar on the photo and generated frames → `subjectDir/avatar/` (resumes). */
export function train(subjectDir: string, options: TrainStageOptions = {}): Promise<{ ran: boolean; result?: TrainResult; notes?: Record<string, unknown> }> {
  return runTrainStage(subjectDir, options);
}

/** Loads a trained avatar: an avatar folder (`avatar.json` + `avatar.bin`), e.g. `CreateSummary.avatar`. */
export function loadAvatar(dir: string): Promise<AvatarBundle> {
  return loadBundle(dir);
}

/**
 * Loads a motion for an avatar (or any body skeleton): a builtin name (`listBuiltinMotions()`: dance,
 * walk, …) or a file — `.bvh` (Mixamo/CMU/generic names), persona-motion or SMPL-X `.json`, AMASS-style
 * `.npz` — retargeted onto the avatar's skeleton.
 */
export function loadMotion(spec: string, target: AvatarBundle | RestSkeleton, options: LoadMotionOptions = {}): Promise<Motion> {
  const skeleton = 'header' in target ? avatarRestSkeleton(target) : target;
  return loadMotionOn(spec, skeleton, options);
}

/**
 * Renders `motion` on `avatar` into `options.out`: a `.gif`, an `.mp4` (ffmpeg: the one `npm install`
 * brings unless PERSONA_FFMPEG or PATH names one) or a folder ending in `/` for PNG frames.
 */
export function animateAvatar(avatar: AvatarBundle, motion: Motion, options: AnimateOptions): Promise<AnimateResult> {
  return runAnimate(avatar, motion, options);
}

/**
 * Writes the avatar (at rest, or in `options.pose`: see {@link resolvePose}) as `ply`, `spz`, `sog`,
 * `splat` (Gaussian splats) or `glb` (mesh; `rigged` for a skinned one). Returns the bytes written.
 */
export function exportAvatar(avatar: AvatarBundle, out: string, options: ExportOptions): Promise<number> {
  return runExport(avatar, out, options);
}
