/**
 * Forward kinematics, the one home of it (browser-safe: no Node imports; the viewer bundles it through
 * src/avatar/pose.ts and src/motion/retarget.ts). Two forms of the same chain: on 3×3 matrices with the
 * skinning transforms and the analytic backward (posing, fitting, training), and on quaternions (motions:
 * G_j = G_parent(j) · R_j, P_j = P_parent(j) + G_parent(j) · (J_j − J_parent(j)), the root at J_root + translation).
 */
import type { Skeleton } from './types.js';
import { axisAngleToMatrixDerivatives, qmul, qrotate } from '../core/rotation.js';

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

/**
 * Backward of {@link forwardKinematics} through the chain, children before parents: from dL/dRg (J×9,
 * gradients of the global rotations) and dL/dtg (J×3, of the global translations) to dL/d(axis-angle of
 * every joint) (J×3). `dRg` and `dtg` are consumed (parents accumulate their children's parts); when
 * `dRestJoints` is given, the rest-joint gradients are accumulated into it (shape gradients).
 */
export function kinematicChainBackward(
  parents: ArrayLike<number>,
  restJoints: ArrayLike<number>,
  localRotations: Float64Array,
  globals: Float64Array,
  rotations: ArrayLike<number>,
  dRg: Float64Array,
  dtg: Float64Array,
  dRestJoints: Float64Array | null = null,
): Float64Array {
  const J = parents.length, rj = restJoints, G = globals, R = localRotations;
  const pose = new Float64Array(J * 3), dRl = new Float64Array(9), dR = new Float64Array(27);
  for (let j = J - 1; j >= 0; j--) {
    const p = parents[j]!, r = j * 9;
    if (p < 0) {
      for (let k = 0; k < 9; k++) dRl[k] = dRg[r + k]!;
      if (dRestJoints) for (let a = 0; a < 3; a++) dRestJoints[j * 3 + a]! += dtg[j * 3 + a]!;
    } else {
      const q = p * 12, pr = p * 9;
      // Rg_j = Rg_p R_j ⇒ dR_j = Rg_pᵀ dRg_j ; dRg_p += dRg_j R_jᵀ
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
        dRl[a * 3 + b] = G[q + a]! * dRg[r + b]! + G[q + 4 + a]! * dRg[r + 3 + b]! + G[q + 8 + a]! * dRg[r + 6 + b]!;
        dRg[pr + a * 3 + b]! += dRg[r + a * 3]! * R[r + b * 3]! + dRg[r + a * 3 + 1]! * R[r + b * 3 + 1]! + dRg[r + a * 3 + 2]! * R[r + b * 3 + 2]!;
      }
      // tg_j = Rg_p (J_j − J_p) + tg_p
      const dx = rj[j * 3]! - rj[p * 3]!, dy = rj[j * 3 + 1]! - rj[p * 3 + 1]!, dz = rj[j * 3 + 2]! - rj[p * 3 + 2]!;
      for (let a = 0; a < 3; a++) {
        const g = dtg[j * 3 + a]!;
        dRg[pr + a * 3]! += g * dx; dRg[pr + a * 3 + 1]! += g * dy; dRg[pr + a * 3 + 2]! += g * dz;
        dtg[p * 3 + a]! += g;
      }
      if (dRestJoints)
        for (let b = 0; b < 3; b++) {
          const d = G[q + b]! * dtg[j * 3]! + G[q + 4 + b]! * dtg[j * 3 + 1]! + G[q + 8 + b]! * dtg[j * 3 + 2]!;
          dRestJoints[j * 3 + b]! += d; dRestJoints[p * 3 + b]! -= d;
        }
    }
    axisAngleToMatrixDerivatives(rotations[j * 3]!, rotations[j * 3 + 1]!, rotations[j * 3 + 2]!, dR);
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let k = 0; k < 9; k++) s += dRl[k]! * dR[i * 9 + k]!;
      pose[j * 3 + i] = s;
    }
  }
  return pose;
}

/** Global joint rotations and positions of one posed frame. */
export interface FkResult {
  /** J×4 global rotations [w, x, y, z]. */
  globalQuats: Float64Array;
  /** J×3 posed joint positions. */
  positions: Float64Array;
}

/** Allocates FK outputs for `jointCount` joints. */
export function createFkResult(jointCount: number): FkResult {
  return { globalQuats: new Float64Array(jointCount * 4), positions: new Float64Array(jointCount * 3) };
}

const tmpQ = new Float64Array(3);

/**
 * Forward kinematics on quaternions (motions, grounding, retargeting, stick figures). `localQuats` is J×4 (at `quatOffset`, in floats), `rest` J×3,
 * `translation` the root translation (3 at `transOffset`) or null. Writes into `out`.
 */
export function quatForwardKinematics(
  skeleton: Skeleton,
  rest: ArrayLike<number>,
  localQuats: ArrayLike<number>,
  translation: ArrayLike<number> | null,
  out: FkResult,
  quatOffset = 0,
  transOffset = 0,
): FkResult {
  const { parents } = skeleton;
  const G = out.globalQuats, P = out.positions;
  for (let j = 0; j < parents.length; j++) {
    const p = parents[j]!;
    if (p < 0) {
      for (let k = 0; k < 4; k++) G[j * 4 + k] = localQuats[quatOffset + j * 4 + k]!;
      for (let k = 0; k < 3; k++) P[j * 3 + k] = rest[j * 3 + k]! + (translation ? translation[transOffset + k]! : 0);
    } else {
      qmul(G, p * 4, localQuats, quatOffset + j * 4, G, j * 4);
      tmpQ[0] = rest[j * 3]! - rest[p * 3]!;
      tmpQ[1] = rest[j * 3 + 1]! - rest[p * 3 + 1]!;
      tmpQ[2] = rest[j * 3 + 2]! - rest[p * 3 + 2]!;
      qrotate(G, p * 4, tmpQ, 0, tmpQ, 0);
      P[j * 3] = P[p * 3]! + tmpQ[0]!;
      P[j * 3 + 1] = P[p * 3 + 1]! + tmpQ[1]!;
      P[j * 3 + 2] = P[p * 3 + 2]! + tmpQ[2]!;
    }
  }
  return out;
}

/** Global rotations only (J×4) of local rotations; no positions. */
export function quatGlobalRotations(
  parents: Int32Array, localQuats: ArrayLike<number>, out: Float64Array, quatOffset = 0,
): Float64Array {
  for (let j = 0; j < parents.length; j++) {
    const p = parents[j]!;
    if (p < 0) for (let k = 0; k < 4; k++) out[j * 4 + k] = localQuats[quatOffset + j * 4 + k]!;
    else qmul(out, p * 4, localQuats, quatOffset + j * 4, out, j * 4);
  }
  return out;
}
