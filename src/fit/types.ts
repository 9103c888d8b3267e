/**
 * The result of fitting the body model to one photo (`fit/body.json`) or to a frame of a sequence.
 * Shared by fitting, texture unwrap, the training-video generators and training.
 */
import type { Camera } from '../core/camera.js';
import type { BodyPose } from '../body/index.js';
import type { PhenotypePriorRecord } from './phenotypePrior.js';
import type { DepthConflict } from './depthOrder.js';

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
   * BlazePose's world landmarks (depthOrder.ts); their parts are in `uncertain` and their confidence is lowered.
   */
  depthOrder?: DepthConflict[];
  /** What the photo said about the person's sex and how the shape prior used it (issue #19). */
  phenotypePrior?: PhenotypePriorRecord;
  /** How absolute scale was fixed (single-photo scale ambiguity). */
  scaleNote?: string;
}

/** Converts a stored camera to the runtime Camera. */
export function cameraFromJson(c: CameraJson): Camera {
  return { R: Float64Array.from(c.R), t: Float64Array.from(c.t), fx: c.fx, fy: c.fy, cx: c.cx, cy: c.cy, width: c.width, height: c.height };
}

/** Converts a runtime Camera to JSON. */
export function cameraToJson(c: Camera): CameraJson {
  return { R: Array.from(c.R), t: Array.from(c.t), fx: c.fx, fy: c.fy, cx: c.cx, cy: c.cy, width: c.width, height: c.height };
}

/** The fit's pose as a BodyPose. */
export function fitPose(fit: BodyFit): BodyPose {
  return { rotations: Float64Array.from(fit.pose.rotations), translation: [...fit.pose.translation] as [number, number, number] };
}
