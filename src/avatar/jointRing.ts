/**
 * Joint neighbourhoods for the pose-driven offsets. PERSONA feeds each Gaussian only the rotations of
 * joints within 4 hops (in the kinematic tree) of the Gaussian's main joint (argmax skinning weight);
 * the other joints' 6D inputs are zeroed, which helps the MLP generalise to unseen poses
 * (PERSONA_RELEASE avatar/common/nets/module.py, get_mean_offset_offset: "4-ring joints").
 */

/** Number of kinematic-tree hops that make a joint part of a neighbourhood (PERSONA: 4). */
export const JOINT_RING_HOPS = 4;

/** Hop distance between every pair of joints in the tree (J×J, row-major). */
export function jointHopDistances(parents: ArrayLike<number>): Int32Array {
  const J = parents.length;
  const adj: number[][] = Array.from({ length: J }, () => []);
  for (let j = 0; j < J; j++) {
    const p = parents[j]!;
    if (p >= 0) { adj[j]!.push(p); adj[p]!.push(j); }
  }
  const dist = new Int32Array(J * J).fill(-1);
  for (let s = 0; s < J; s++) {
    const queue = [s];
    dist[s * J + s] = 0;
    for (let q = 0; q < queue.length; q++) {
      const u = queue[q]!;
      for (const v of adj[u]!) if (dist[s * J + v]! < 0) { dist[s * J + v] = dist[s * J + u]! + 1; queue.push(v); }
    }
  }
  return dist;
}

/**
 * For each row with main joint `mainJoint[i]`, a 0/1 mask over `inputJoints` (indices into the skeleton)
 * marking those within `hops` of it. Returns rows×P.
 */
export function jointRingMask(
  parents: ArrayLike<number>,
  mainJoint: ArrayLike<number>,
  inputJoints: ArrayLike<number>,
  hops = JOINT_RING_HOPS,
): Uint8Array {
  const J = parents.length, P = inputJoints.length, n = mainJoint.length;
  const dist = jointHopDistances(parents);
  const mask = new Uint8Array(n * P);
  for (let i = 0; i < n; i++) {
    const m = mainJoint[i]!;
    for (let p = 0; p < P; p++) {
      const d = dist[m * J + inputJoints[p]!]!;
      mask[i * P + p] = d >= 0 && d <= hops ? 1 : 0;
    }
  }
  return mask;
}

/** Index of the largest weight among each vertex's K influences (its main joint). */
export function mainJoints(joints: ArrayLike<number>, weights: ArrayLike<number>, influences: number): Int32Array {
  const n = weights.length / influences;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < influences; k++) if (weights[i * influences + k]! > weights[i * influences + best]!) best = k;
    out[i] = joints[i * influences + best]!;
  }
  return out;
}
