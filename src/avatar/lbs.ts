/**
 * Linear blend skinning of points by per-joint 3×4 skinning matrices (from `skinningMatrices` in
 * pose.ts), and its backward pass with respect to the canonical points. Pure TypeScript (browser-safe).
 * Forward: x' = Σ_k w_k (A_k · [x; 1]);  backward: dL/dx = Σ_k w_k A_kᵀ[:3,:3] · dL/dx'.
 */

/** Skins N points: `points` N×3 canonical → `out` N×3 posed. */
export function skinPoints(
  points: ArrayLike<number>,
  joints: ArrayLike<number>,
  weights: ArrayLike<number>,
  influences: number,
  skin: Float64Array,
  out: Float32Array | Float64Array,
): void {
  const n = points.length / 3, K = influences;
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
    out[i * 3] = ox; out[i * 3 + 1] = oy; out[i * 3 + 2] = oz;
  }
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
