/**
 * PERSONA's pose condition for the offset MLP: the 6D rotations of the body joints, with the
 * joints farther than `ring` steps (kinematic-tree edges) from a Gaussian's main joint set to
 * zero (code: smpl_x.get_adj_joint_mask(ring_size=4), module.get_mean_offset_offset). Because
 * the mask depends only on the main joint, it is built once per frame as a J×(B·6) table, one
 * row per possible main joint, for `PoseOffsetMlp` (condIndex = the Gaussian's main joint).
 */
import { PersonaError } from '../core/errors.js';
import type { Floats } from './types.js';

/** PERSONA's neighbourhood ring size. */
export const POSE_RING_SIZE = 4;

/**
 * J×J 0/1 mask: mask[a·J + b] = 1 when joints a and b are at most `ring` edges apart in the
 * kinematic tree given by `parents` (−1 for the root).
 */
export function jointRingMask(parents: ArrayLike<number>, ring = POSE_RING_SIZE): Uint8Array {
  const J = parents.length;
  const adj: number[][] = Array.from({ length: J }, () => []);
  for (let c = 0; c < J; c++) {
    const p = parents[c]!;
    if (p === -1) continue;
    if (!(p >= 0 && p < J)) throw new PersonaError(`jointRingMask: parent ${p} of joint ${c} is outside [0, ${J})`);
    adj[c]!.push(p);
    adj[p]!.push(c);
  }
  const mask = new Uint8Array(J * J);
  const dist = new Int32Array(J);
  for (let s = 0; s < J; s++) {
    dist.fill(-1);
    dist[s] = 0;
    const queue = [s];
    for (let q = 0; q < queue.length; q++) {
      const cur = queue[q]!;
      if (dist[cur]! <= ring) mask[s * J + cur] = 1;
      if (dist[cur]! >= ring) continue;
      for (const nb of adj[cur]!) if (dist[nb] === -1) { dist[nb] = dist[cur]! + 1; queue.push(nb); }
    }
  }
  return mask;
}

/**
 * The per-main-joint condition table (J × B·6): row m holds, for each input joint b (whose
 * skeleton index is inputJoints[b]), its 6D rotation rot6d[b·6 .. b·6+6) if
 * mask[m, inputJoints[b]] = 1, else zeros. PERSONA: inputJoints = the 21 body joints after the
 * pelvis, rot6d their 6D rotations (pytorch3d convention: the first two *rows* of R).
 */
export function poseConditionTable(rot6d: ArrayLike<number>, inputJoints: ArrayLike<number>, mask: Uint8Array, jointCount: number, out?: Floats): Floats {
  const B = inputJoints.length, D = B * 6;
  if (rot6d.length !== D) throw new PersonaError(`poseConditionTable: ${rot6d.length} values for ${B} joints × 6`);
  if (mask.length !== jointCount * jointCount) throw new PersonaError(`poseConditionTable: mask has ${mask.length} entries, need ${jointCount}²`);
  const table = out ?? new Float32Array(jointCount * D);
  if (table.length < jointCount * D) throw new PersonaError(`poseConditionTable: out holds ${table.length}, need ${jointCount * D}`);
  for (let m = 0; m < jointCount; m++)
    for (let b = 0; b < B; b++) {
      const on = mask[m * jointCount + inputJoints[b]!]!;
      for (let k = 0; k < 6; k++) table[m * D + b * 6 + k] = on ? rot6d[b * 6 + k]! : 0;
    }
  return table;
}
