/**
 * The frame a splat file is written in. PERSONA avatars are Y-up (metres, facing +Z, glTF/three.js
 * convention). 3DGS tools expect the COLMAP/OpenCV capture frame the INRIA PLY comes from: X right, Y down,
 * Z forward — SuperSplat, Spark, gaussian-splats-3d and splat-transform show such files upright only after a
 * 180° turn about X (their documented loading recipe), so the splat exports apply that turn by default.
 * `up: 'y'` keeps the avatar's Y-up frame (for readers that follow SPZ's stated RUB frame, or for three.js
 * scenes that load raw values with no turn).
 */
import type { GaussianCloud } from './cloud.js';

/** Which way the person's head points in the written file: `-y` (3DGS capture frame, Y down) or `y`. */
export type SplatUp = 'y' | '-y';
export const SPLAT_UPS: readonly SplatUp[] = ['-y', 'y'];
/** Default for PLY, SPZ, SOG and .splat: the frame 3DGS viewers expect (see the module comment). */
export const DEFAULT_SPLAT_UP: SplatUp = '-y';

/**
 * The cloud turned into the `up` frame. For `-y`: the 180° rotation about X, R = diag(1, −1, −1), applied to
 * the means and composed onto each Gaussian's rotation (q' = q_x(180°)·q, so each covariance R·Σ·Rᵀ turns
 * with the body). Degree-0 colours are view-independent, so nothing else changes (no higher SH are written).
 */
export function cloudInFrame(cloud: GaussianCloud, up: SplatUp): GaussianCloud {
  if (up === 'y') return cloud;
  const n = cloud.count;
  const means = new Float32Array(n * 3);
  const rotations = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    means[i * 3] = cloud.means[i * 3]!;
    means[i * 3 + 1] = -cloud.means[i * 3 + 1]!;
    means[i * 3 + 2] = -cloud.means[i * 3 + 2]!;
    const w = cloud.rotations[i * 4]!, x = cloud.rotations[i * 4 + 1]!, y = cloud.rotations[i * 4 + 2]!, z = cloud.rotations[i * 4 + 3]!;
    // (0, 1, 0, 0) ⊗ (w, x, y, z), Hamilton product, [w, x, y, z] order
    rotations[i * 4] = -x;
    rotations[i * 4 + 1] = w;
    rotations[i * 4 + 2] = -z;
    rotations[i * 4 + 3] = y;
  }
  return { ...cloud, means, rotations };
}
