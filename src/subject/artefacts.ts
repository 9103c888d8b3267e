/**
 * Typed readers of a subject folder's artefacts, and the formats they return, for the stages that read
 * what an earlier stage wrote (so no stage imports another stage's module): `fit/body.json` (written by the
 * fit stage, read by shape, texture, generate, train) and the generated clips (recorded by the generate
 * stage in the manifest, read by train). docs/formats.md describes the files.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Camera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';
import { SUBJECT_FILES } from './files.js';
import { Subject } from './manifest.js';

/** A camera as stored in JSON (plain arrays for R and t). */
export type CameraJson = Omit<Camera, 'R' | 't'> & { R: number[]; t: number[] };

/** Fit residuals, for people and for quality checks. */
export interface FitResiduals {
  /** Mean confidence-weighted 2D keypoint error (pixels). */
  keypointPx: number;
  /** Same, as a fraction of the body's image height. */
  keypointRelative: number;
  /** IoU of the fitted silhouette with the matte. */
  silhouetteIoU: number;
  /** Per keypoint name: error in pixels (only those seen). */
  perKeypointPx?: Record<string, number>;
}

/** `fit/body.json` */
export interface BodyFit {
  format: 'persona-fit';
  formatVersion: 1;
  /** Body model kind ('makehuman' or 'smplx') and its shape-space size. */
  body: { kind: string; shapeCount: number };
  /** Shape coefficients. */
  shape: number[];
  /** Expression coefficients (may be empty). */
  expression: number[];
  /** Per-joint local axis-angle (J×3, skeleton order; joint 0 = global orientation) and root translation. */
  pose: { rotations: number[]; translation: [number, number, number] };
  camera: CameraJson;
  residuals: FitResiduals;
  /** Parts whose fit is uncertain (unseen or high residual), e.g. ["leftHand", "feet"]. */
  uncertain: string[];
  /**
   * Per body part (face, leftArm, leftHand, leftLeg, leftFoot, right…): 0 … 1, the mean over its keypoints of
   * their confidence, scaled down where the fit misses a keypoint by more than the robust scale (unseen: 0).
   */
  partConfidence?: Record<string, number>;
  /**
   * Limb segments whose depth order (which end is nearer the camera) the fit gets the other way round from
   * BlazePose's world landmarks (src/fit/depthOrder.ts); their parts are in `uncertain` and their confidence is lowered.
   */
  depthOrder?: DepthConflict[];
  /** What the photo said about the person's sex and how the shape prior used it (issue #19). */
  phenotypePrior?: PhenotypePriorRecord;
  /**
   * The photo's own expression from its face mesh (src/fit/expression.ts): named-expression weights (aa, smile);
   * null without a face. Absent in fits made before it existed. `applied`: the weights turned into `expression`
   * (unit weights) and `jaw` (radians added to the jaw joint's X rotation in `pose`).
   */
  photoExpression?: { names: string[]; weights: number[]; features: { gap: number; width: number }; applied?: Record<string, number>; jaw?: number } | null;
  /**
   * The camera's long-side field of view (degrees) and where it came from: 'given' (--fov), 'distance' (an assumed camera
   * distance and the person's size in the image, src/fit/photoCamera.ts) or 'default' (FIT_CONFIG.defaultFovDeg). Absent
   * in fits made before it existed (they assumed 55°).
   */
  fieldOfView?: { deg: number; source: 'given' | 'distance' | 'default' };
  /** How absolute scale was fixed (single-photo scale ambiguity). */
  scaleNote?: string;
  /**
   * Which start of the pose stage the fit kept (src/fit/fitImage.ts, issue #19): 'matte' (the matte from the start) or
   * 'keypointsFirst' (keypoints alone first), and the energy each reached (null: not run). Absent in older fits.
   */
  poseStart?: { used: 'matte' | 'keypointsFirst'; energies: { matte: number; keypointsFirst: number | null } };
}

/** A disagreement: the landmarks' and the fit's depth of b minus a (metres; > 0: b farther from the camera). */
export interface DepthConflict { part: string; segment: string; photo: number; fit: number }

/** What `fit/body.json` records about the shape prior (`phenotypePrior`). */
export interface PhenotypePriorRecord {
  sex: {
    /** What the photo says (face-description model), or 'unknown' (no face seen, or undecided). */
    inferred: 'male' | 'female' | 'unknown';
    /** Its confidence, 0 … 1 (2·|p − 0.5| of the model's output). */
    confidence: number;
    /** Apparent age (years) from the same model, when a face was seen. */
    age: number | null;
    /** What the fit used: the inference, the user's --sex, or neutral when unsure. */
    used: 'male' | 'female' | 'neutral';
    /** 'photo' (auto), 'user' (--sex), or 'none'. */
    source: 'photo' | 'user' | 'none';
    /**
     * Body evidence (auto only): relative data energy (keypoints + matte) of the shape fitted as a woman minus
     * as a man, over the smaller of the two (> 0: the male body explains the photo better), and the votes.
     */
    body?: {
      relativeEnergy: number; bodyVote: number; faceVote: number;
      /** The data terms of the two trial fits (keypoints, matte: model outside it, matte not covered). */
      energies?: Record<'male' | 'female', { keypoints: number; silhouetteOut: number; silhouetteIn: number }>;
    };
  };
  /** The MakeHuman gender value (0 female … 1 male) at the prior's centre. */
  gender: number;
  /** False when the body model has no semantic shape map (SMPL-X): the prior stayed neutral. */
  applied: boolean;
  note: string;
}

/** Reads `fit/body.json` of a subject (a clear error when the fit stage has not run). */
export async function readFit(subject: Subject): Promise<BodyFit> {
  const file = subject.path(SUBJECT_FILES.fit);
  if (!existsSync(file)) throw new PersonaError(`${file} is missing.`, { hint: `Run \`persona fit ${subject.dir}\` first.` });
  const fit = JSON.parse(await readFile(file, 'utf8')) as BodyFit;
  if (fit.format !== 'persona-fit') throw new PersonaError(`${file} is not a Persona fit file.`, { hint: 'Run `persona fit --force`.' });
  return fit;
}

/** The clips a subject has (from the manifest's record of the generate stage). */
export async function generatedClips(subjectDir: string): Promise<string[]> {
  const rec = await new Subject(subjectDir).stage('generate');
  return (rec?.notes?.clips as string[] | undefined) ?? [];
}
