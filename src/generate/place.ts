/**
 * Placing a motion frame where the photo's person stands: the fit's global rotation R_f and translation
 * t_f are applied on top of the motion's root, so that x = R_f·(x_motion − J_root) + J_root + t_f:
 * root rotation R_f·R_m, translation R_f·t_m + t_f (the other joints keep the motion's rotations).
 */
import { axisAngleToMatrix, mat3Multiply, matrixToAxisAngle } from '../core/rotation.js';
import type { BodyPose } from '../body/index.js';

/** The motion pose placed in the fit's world frame. */
export function placeMotionPose(motionPose: BodyPose, fitPose: BodyPose): BodyPose {
  const rotations = Float64Array.from(motionPose.rotations);
  const Rf = axisAngleToMatrix(fitPose.rotations[0]!, fitPose.rotations[1]!, fitPose.rotations[2]!);
  const Rm = axisAngleToMatrix(motionPose.rotations[0]!, motionPose.rotations[1]!, motionPose.rotations[2]!);
  const root = matrixToAxisAngle(mat3Multiply(Rf, Rm));
  rotations[0] = root[0]; rotations[1] = root[1]; rotations[2] = root[2];
  const tm = motionPose.translation, tf = fitPose.translation;
  const translation: [number, number, number] = [0, 1, 2].map((a) => Rf[a * 3]! * tm[0] + Rf[a * 3 + 1]! * tm[1] + Rf[a * 3 + 2]! * tm[2] + tf[a]!) as [number, number, number];
  return { rotations, translation };
}
