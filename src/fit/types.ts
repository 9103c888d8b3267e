/**
 * The result of fitting the body model to one photo (`fit/body.json`) or to a frame of a sequence.
 * Shared by fitting, texture unwrap, the training-video generators and training.
 */
import type { Camera } from '../core/camera.js';
import type { BodyPose } from '../body/index.js';
import type { BodyFit, CameraJson } from '../subject/index.js';

export type { CameraJson, FitResiduals, BodyFit } from '../subject/index.js';

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
