/**
 * Back-to-front ordering of skinned Gaussians for alpha blending, without posing them on the CPU.
 * View depth is linear in the skinned position, and LBS weights sum to 1, so the depth of a skinned
 * Gaussian is Σ_k w_k · (d_k · [x; 1]) with one 4-vector d_k = (camera depth row) · A_k per joint.
 * That costs K multiply-adds of 4 per Gaussian instead of a full LBS. Pose-driven offsets (a few cm)
 * are left out of the sort key. The sort is a 16-bit counting sort (two passes, no comparisons).
 */

/** Number of depth buckets of the counting sort (16-bit keys). */
export const DEPTH_BUCKETS = 65536;

/** Reusable scratch for `sortByDepth`. */
export interface SortScratch {
  depth: Float32Array; // N
  keys: Uint16Array; // N
  counts: Uint32Array; // DEPTH_BUCKETS
  rows: Float64Array; // J×4
}

/** Allocates scratch for N Gaussians on J joints. */
export function createSortScratch(n: number, j: number): SortScratch {
  return { depth: new Float32Array(n), keys: new Uint16Array(n), counts: new Uint32Array(DEPTH_BUCKETS), rows: new Float64Array(j * 4) };
}

/**
 * Per-joint depth rows: d_j = r · A_j (+ r_t on the last component), with `depthRow` = (r_x, r_y, r_z, r_t)
 * giving the distance in front of the camera for a world point, and `skin` the J×12 (3×4 row-major) skinning
 * matrices from `skinningMatrices`.
 */
export function jointDepthRows(skin: ArrayLike<number>, depthRow: ArrayLike<number>, out: Float64Array): Float64Array {
  const J = skin.length / 12;
  const rx = depthRow[0]!, ry = depthRow[1]!, rz = depthRow[2]!, rt = depthRow[3]!;
  for (let j = 0; j < J; j++) {
    const g = j * 12;
    for (let c = 0; c < 4; c++) out[j * 4 + c] = rx * skin[g + c]! + ry * skin[g + 4 + c]! + rz * skin[g + 8 + c]!;
    out[j * 4 + 3] += rt;
  }
  return out;
}

/**
 * Writes into `order` (N) the Gaussian indices sorted far → near (back-to-front) by skinned depth.
 * `means` N×3 canonical positions, `skinJoints`/`skinWeights` N×K. Returns the depth range [min, max].
 */
export function sortByDepth(
  means: Float32Array, skinJoints: Uint16Array, skinWeights: Float32Array, k: number,
  skin: ArrayLike<number>, depthRow: ArrayLike<number>, order: Uint32Array, scratch: SortScratch,
): [number, number] {
  const n = means.length / 3;
  const rows = jointDepthRows(skin, depthRow, scratch.rows);
  const depth = scratch.depth;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = means[i * 3]!, y = means[i * 3 + 1]!, z = means[i * 3 + 2]!;
    let d = 0;
    for (let q = 0; q < k; q++) {
      const w = skinWeights[i * k + q]!;
      if (w === 0) continue;
      const r = skinJoints[i * k + q]! * 4;
      d += w * (rows[r]! * x + rows[r + 1]! * y + rows[r + 2]! * z + rows[r + 3]!);
    }
    depth[i] = d;
    const df = depth[i]!; // the stored (float32) value, so keys below stay in range
    if (df < lo) lo = df;
    if (df > hi) hi = df;
  }
  const counts = scratch.counts;
  counts.fill(0);
  const keys = scratch.keys;
  const scale = hi > lo ? (DEPTH_BUCKETS - 1) / (hi - lo) : 0;
  for (let i = 0; i < n; i++) {
    // far first: key 0 is the farthest
    const b = Math.floor((depth[i]! - lo) * scale);
    const key = (DEPTH_BUCKETS - 1) - (b < 0 ? 0 : b > DEPTH_BUCKETS - 1 ? DEPTH_BUCKETS - 1 : b);
    keys[i] = key;
    counts[key]!++;
  }
  let sum = 0;
  for (let b = 0; b < DEPTH_BUCKETS; b++) {
    const c = counts[b]!;
    counts[b] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) order[counts[keys[i]!]!++] = i;
  return [lo, hi];
}
