/** Forward kinematics (browser-safe: no Node imports; the viewer bundles it through src/avatar/pose.ts). */

/**
 * Forward kinematics: global transforms (J×12, 3×4 row-major) and skinning transforms from
 * rest joints and local rotation matrices (J×9).
 */
export function forwardKinematics(parents: Int32Array, restJoints: ArrayLike<number>, localRotations: Float64Array, globals: Float64Array, skinTransforms: Float64Array): void {
  const J = parents.length;
  for (let j = 0; j < J; j++) {
    const p = parents[j]!;
    const R = localRotations, r = j * 9, g = j * 12;
    const jx = restJoints[j * 3]!, jy = restJoints[j * 3 + 1]!, jz = restJoints[j * 3 + 2]!;
    if (p < 0) {
      for (let a = 0; a < 3; a++) {
        globals[g + a * 4] = R[r + a * 3]!; globals[g + a * 4 + 1] = R[r + a * 3 + 1]!; globals[g + a * 4 + 2] = R[r + a * 3 + 2]!;
      }
      globals[g + 3] = jx; globals[g + 7] = jy; globals[g + 11] = jz;
    } else {
      const q = p * 12;
      const dx = jx - restJoints[p * 3]!, dy = jy - restJoints[p * 3 + 1]!, dz = jz - restJoints[p * 3 + 2]!;
      for (let a = 0; a < 3; a++) {
        const ga0 = globals[q + a * 4]!, ga1 = globals[q + a * 4 + 1]!, ga2 = globals[q + a * 4 + 2]!;
        for (let b = 0; b < 3; b++) globals[g + a * 4 + b] = ga0 * R[r + b]! + ga1 * R[r + 3 + b]! + ga2 * R[r + 6 + b]!;
        globals[g + a * 4 + 3] = ga0 * dx + ga1 * dy + ga2 * dz + globals[q + a * 4 + 3]!;
      }
    }
    for (let a = 0; a < 3; a++) {
      const g0 = globals[g + a * 4]!, g1 = globals[g + a * 4 + 1]!, g2 = globals[g + a * 4 + 2]!;
      skinTransforms[g + a * 4] = g0; skinTransforms[g + a * 4 + 1] = g1; skinTransforms[g + a * 4 + 2] = g2;
      skinTransforms[g + a * 4 + 3] = globals[g + a * 4 + 3]! - (g0 * jx + g1 * jy + g2 * jz);
    }
  }
}
