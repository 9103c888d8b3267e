/**
 * Generators of pose-rich training video (PERSONA §3.1): (photo, fit, texture, motion, camera) →
 * frames, masks and per-frame body parameters. The paper's generator is MimicMotion (video diffusion on
 * a GPU); ours are `builtin` (the person's own textured body, re-posed — identity and pose, no cloth
 * dynamics) and `frames:<dir>` (frames made by any image-animation model, re-fitted).
 */
import type { BodyPose } from '../body/index.js';
import type { CameraJson } from '../fit/types.js';

/** One generated frame's parameters (`generated/<clip>/poses.json`). */
export interface GeneratedFramePose {
  /** Frame file name under `frames/` (and `masks/`). */
  file: string;
  /** Time in the clip (seconds). */
  time: number;
  pose: { rotations: number[]; translation: [number, number, number] };
  camera: CameraJson;
}

/** `generated/<clip>/poses.json` */
export interface GeneratedClipFile {
  format: 'persona-generated-clip';
  formatVersion: 1;
  clip: string;
  generator: string;
  /** What the generator is and is not (shown to users, kept for provenance). */
  note: string;
  shape: number[];
  frames: GeneratedFramePose[];
  /** SHA-256 over the frames' and masks' PNG files in order (builtin clips): frames re-rendered in the same poses (a changed
   * renderer) change this file, so the train stage, which hashes it, trains again. */
  framesDigest?: string;
}

/** Helpers to convert stored poses. */
export function poseFromJson(p: GeneratedFramePose['pose']): BodyPose {
  return { rotations: Float64Array.from(p.rotations), translation: [...p.translation] as [number, number, number] };
}
