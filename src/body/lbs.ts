/**
 * Linear blend skinning, the one home of it: points by per-joint 3×4 skinning matrices (from
 * `forwardKinematics` in fk.ts, or `skinningMatrices` in src/avatar/pose.ts), and its backward passes with
 * respect to the canonical points and to the pose. Pure TypeScript (browser-safe: the viewer bundles it).
 * Forward: x' = Σ_k w_k (A_k · [x; 1]) + t;  backward: dL/dx = Σ_k w_k A_kᵀ[:3,:3] · dL/dx'.
 */
import type { SkinWeights } from './types.js';

/**
 * Skins N points: `points` N×3 canonical → `out` N×3 posed, plus `translation` (3) when given. (The sum
 * is never −0, so adding a zero translation leaves every bit as it was.)
 */
export function skinPoints(
  points: ArrayLike<number>,
  joints: ArrayLike<number>,
  weights: ArrayLike<number>,
  influences: number,
  skin: Float64Array,
  out: Float32Array | Float64Array,
  translation?: ArrayLike<number>,
): void {
  const n = points.length / 3, K = influences;
  const tx = translation ? translation[0]! : 0, ty = translation ? translation[1]! : 0, tz = translation ? translation[2]! : 0;
  for (let i = 0; i < n; i++) {
    const x = points[i * 3]!, y = points[i * 3 + 1]!, z = points[i * 3 + 2]!;
    let ox = 0, oy = 0, oz = 0;
    for (let k = 0; k < K; k++) {
      const w = weights[i * K + k]!;
      if (w === 0) continue;
      const g = joints[i * K + k]! * 12;
      ox += w * (skin[g]! * x + skin[g + 1]! * y + skin[g + 2]! * z + skin[g + 3]!);
      oy += w * (skin[g + 4]! * x + skin[g + 5]! * y + skin[g + 6]! * z + skin[g + 7]!);
      oz += w * (skin[g + 8]! * x + skin[g + 9]! * y + skin[g + 10]! * z + skin[g + 11]!);
    }
    out[i * 3] = ox + tx; out[i * 3 + 1] = oy + ty; out[i * 3 + 2] = oz + tz;
  }
}

/** Linear blend skinning of V×3 rest vertices with J×12 skinning transforms plus translation. */
export function linearBlendSkinning(rest: ArrayLike<number>, skin: SkinWeights, transforms: Float64Array, translation: ArrayLike<number>, out: Float64Array | Float32Array): void {
  skinPoints(rest, skin.joints, skin.weights, skin.influences, transforms, out, translation);
}

/** Backward of `skinPoints`: accumulates dL/dpoints (N×3) from dL/dout (N×3). */
export function skinPointsBackward(
  dOut: ArrayLike<number>,
  joints: ArrayLike<number>,
  weights: ArrayLike<number>,
  influences: number,
  skin: Float64Array,
  dPoints: Float32Array | Float64Array,
): void {
  const n = dOut.length / 3, K = influences;
  for (let i = 0; i < n; i++) {
    const gx = dOut[i * 3]!, gy = dOut[i * 3 + 1]!, gz = dOut[i * 3 + 2]!;
    if (gx === 0 && gy === 0 && gz === 0) continue;
    let dx = 0, dy = 0, dz = 0;
    for (let k = 0; k < K; k++) {
      const w = weights[i * K + k]!;
      if (w === 0) continue;
      const g = joints[i * K + k]! * 12;
      dx += w * (skin[g]! * gx + skin[g + 4]! * gy + skin[g + 8]! * gz);
      dy += w * (skin[g + 1]! * gx + skin[g + 5]! * gy + skin[g + 9]! * gz);
      dz += w * (skin[g + 2]! * gx + skin[g + 6]! * gy + skin[g + 10]! * gz);
    }
    dPoints[i * 3]! += dx; dPoints[i * 3 + 1]! += dy; dPoints[i * 3 + 2]! += dz;
  }
}

/**
 * Backward of `skinPoints` with respect to the pose (per-frame pose refinement): with the skinning matrix
 * A_j = [Rg_j | tg_j − Rg_j·J_j + t], a skinned point is x' = Σ_k w_k (Rg_k (x − J_k) + tg_k) + t, so
 * dRg_j += Σ w g (x − J_j)ᵀ, dtg_j += Σ w g and dt += Σ w g. Accumulates into `dRg` (J×9), `dtg` (J×3)
 * and `dTranslation` (3); `kinematicChainBackward` (body/fk.ts) takes them on to the joint rotations.
 */
export function skinPointsPoseBackward(
  dOut: ArrayLike<number>,
  points: ArrayLike<number>,
  joints: ArrayLike<number>,
  weights: ArrayLike<number>,
  influences: number,
  restJoints: ArrayLike<number>,
  dRg: Float64Array,
  dtg: Float64Array,
  dTranslation: Float64Array,
): void {
  const n = dOut.length / 3, K = influences;
  for (let i = 0; i < n; i++) {
    const gx = dOut[i * 3]!, gy = dOut[i * 3 + 1]!, gz = dOut[i * 3 + 2]!;
    if (gx === 0 && gy === 0 && gz === 0) continue;
    const x = points[i * 3]!, y = points[i * 3 + 1]!, z = points[i * 3 + 2]!;
    for (let k = 0; k < K; k++) {
      const w = weights[i * K + k]!;
      if (w === 0) continue;
      const j = joints[i * K + k]!, r = j * 9;
      const wx = w * gx, wy = w * gy, wz = w * gz;
      const px = x - restJoints[j * 3]!, py = y - restJoints[j * 3 + 1]!, pz = z - restJoints[j * 3 + 2]!;
      dRg[r]! += wx * px; dRg[r + 1]! += wx * py; dRg[r + 2]! += wx * pz;
      dRg[r + 3]! += wy * px; dRg[r + 4]! += wy * py; dRg[r + 5]! += wy * pz;
      dRg[r + 6]! += wz * px; dRg[r + 7]! += wz * py; dRg[r + 8]! += wz * pz;
      dtg[j * 3]! += wx; dtg[j * 3 + 1]! += wy; dtg[j * 3 + 2]! += wz;
      dTranslation[0]! += wx; dTranslation[1]! += wy; dTranslation[2]! += wz;
    }
  }
}
