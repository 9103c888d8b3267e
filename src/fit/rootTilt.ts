/**
 * A prior on the photo fit's root: the pelvis stands upright in the camera's vertical plane unless the photo says otherwise
 * (docs/fit.md, *The pelvis stands upright*). One front view hardly sees the pelvis tilt forward or sideways — the hips'
 * rotations undo it for the keypoints and the silhouette — and the pose prior, which penalises every joint but the root,
 * pushed the legs' flexion into a free root: on the six synthetic subjects (pelvis upright in truth) the fitted pelvis
 * leaned 4–9° forward and 3–5° sideways, every one of them, and the clothed proxy, unposed through that pelvis, carried the
 * tilt into its skirt. Upside down the prior is zero too (a handstand is not pulled over); lying down it costs `weight`.
 * Used in the photo fit's pose and shape stages only (fitImage.ts).
 */
import { axisAngleToMatrix, axisAngleToMatrixDerivatives } from '../core/rotation.js';

const R = new Float64Array(9), dR = new Float64Array(27);

/**
 * Energy weight·(u_x² + u_z²) of the root's up axis u = R(r)·ŷ leaving the vertical (the fit's world is the camera's: x
 * right, y up, z towards the camera); adds its gradient with respect to the root's axis-angle rot[0..2] into grad[0..2].
 */
export function rootTiltEnergy(rot: ArrayLike<number>, weight: number, grad: Float64Array): number {
  if (weight === 0) return 0;
  axisAngleToMatrix(rot[0]!, rot[1]!, rot[2]!, R);
  axisAngleToMatrixDerivatives(rot[0]!, rot[1]!, rot[2]!, dR);
  // u = column 1 of R (row-major): u_x = R[1], u_z = R[7]
  const ux = R[1]!, uz = R[7]!;
  for (let i = 0; i < 3; i++) grad[i] += 2 * weight * (ux * dR[i * 9 + 1]! + uz * dR[i * 9 + 7]!);
  return weight * (ux * ux + uz * uz);
}
