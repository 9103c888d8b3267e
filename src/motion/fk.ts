/**
 * Forward kinematics of joints in the BodyModel pose convention (src/body/types.ts):
 * G_j = G_parent(j) · R_j, P_j = P_parent(j) + G_parent(j) · (J_j − J_parent(j)), and the root
 * at J_root + translation. Used for grounding, retargeting, stick figures and tests.
 */
import type { Skeleton } from '../body/types.js';
import { qmul, qrotate } from './quat.js';

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

const tmp = new Float64Array(3);

/**
 * Forward kinematics. `localQuats` is J×4 (at `quatOffset`, in floats), `rest` J×3,
 * `translation` the root translation (3 at `transOffset`) or null. Writes into `out`.
 */
export function forwardKinematics(
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
      tmp[0] = rest[j * 3]! - rest[p * 3]!;
      tmp[1] = rest[j * 3 + 1]! - rest[p * 3 + 1]!;
      tmp[2] = rest[j * 3 + 2]! - rest[p * 3 + 2]!;
      qrotate(G, p * 4, tmp, 0, tmp, 0);
      P[j * 3] = P[p * 3]! + tmp[0]!;
      P[j * 3 + 1] = P[p * 3 + 1]! + tmp[1]!;
      P[j * 3 + 2] = P[p * 3 + 2]! + tmp[2]!;
    }
  }
  return out;
}

/** Global rotations only (J×4) of local rotations; no positions. */
export function globalRotations(
  parents: Int32Array, localQuats: ArrayLike<number>, out: Float64Array, quatOffset = 0,
): Float64Array {
  for (let j = 0; j < parents.length; j++) {
    const p = parents[j]!;
    if (p < 0) for (let k = 0; k < 4; k++) out[j * 4 + k] = localQuats[quatOffset + j * 4 + k]!;
    else qmul(out, p * 4, localQuats, quatOffset + j * 4, out, j * 4);
  }
  return out;
}
