/**
 * The body's collision shape: one capsule per bone, rigid on its joint.
 *
 * Why capsules (not a distance field): the body is posed by linear blend skinning every substep, and a
 * signed distance field of the posed mesh would have to be rebuilt per frame (a 13k-vertex mesh into a
 * grid fine enough for 1 cm skirts costs more than the whole cloth solve), while a capsule per bone is
 * posed by the bone's rigid transform and queried in closed form. Limbs and torso segments are close to
 * capsules; the error is at joints (skinning bulges) and the chest, which the collision margin absorbs.
 *
 * Fitting (rest pose, shaped body): the vertices whose largest skinning weight belongs to joint j; their
 * principal axis (power iteration on the covariance); end points at quantiles of the projections; radius
 * a quantile of the distances from the axis (config.ts). The radius is then shrunk (bounded below) so that
 * no free particle of the simulated surface starts inside.
 */
import type { SkinWeights } from '../body/index.js';
import { SIM_CONFIG } from './config.js';
import { segmentDistance } from './geometry.js';

/** Capsules in the rest pose: C of them, each rigid on one joint. */
export interface CapsuleSet {
  /** C joint indices. */
  joints: Int32Array;
  /** C×6 rest end points (a, b). */
  ends: Float64Array;
  /** C radii (m). */
  radii: Float64Array;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const x = q * (sorted.length - 1), i = Math.floor(x), f = x - i;
  return i + 1 < sorted.length ? sorted[i]! * (1 - f) + sorted[i + 1]! * f : sorted[i]!;
}

/** Fits one capsule per joint that dominates at least `minVertices` body vertices. */
export function fitCapsules(restVertices: ArrayLike<number>, skin: SkinWeights, jointCount: number, cfg = SIM_CONFIG.capsules): CapsuleSet {
  const V = restVertices.length / 3, K = skin.influences;
  const owner = new Int32Array(V);
  const counts = new Int32Array(jointCount);
  for (let i = 0; i < V; i++) {
    let best = -1, bw = -1;
    for (let k = 0; k < K; k++) { const w = skin.weights[i * K + k]!; if (w > bw) { bw = w; best = skin.joints[i * K + k]!; } }
    owner[i] = best; if (best >= 0) counts[best]!++;
  }
  const joints: number[] = [], ends: number[] = [], radii: number[] = [];
  for (let j = 0; j < jointCount; j++) {
    const n = counts[j]!;
    if (n < cfg.minVertices) continue;
    let mx = 0, my = 0, mz = 0;
    for (let i = 0; i < V; i++) if (owner[i] === j) { mx += restVertices[i * 3]!; my += restVertices[i * 3 + 1]!; mz += restVertices[i * 3 + 2]!; }
    mx /= n; my /= n; mz /= n;
    const C = new Float64Array(9);
    for (let i = 0; i < V; i++) {
      if (owner[i] !== j) continue;
      const d = [restVertices[i * 3]! - mx, restVertices[i * 3 + 1]! - my, restVertices[i * 3 + 2]! - mz];
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) C[a * 3 + b]! += d[a]! * d[b]!;
    }
    // Principal axis by power iteration, started from the covariance's largest column (deterministic).
    let col = 0;
    for (let a = 1; a < 3; a++) if (C[a * 4]! > C[col * 4]!) col = a;
    let ax = C[col]!, ay = C[3 + col]!, az = C[6 + col]!;
    for (let it = 0; it < 60; it++) {
      const nx = C[0]! * ax + C[1]! * ay + C[2]! * az, ny = C[3]! * ax + C[4]! * ay + C[5]! * az, nz = C[6]! * ax + C[7]! * ay + C[8]! * az;
      const l = Math.hypot(nx, ny, nz) || 1;
      ax = nx / l; ay = ny / l; az = nz / l;
    }
    const proj = new Float64Array(n), dist = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < V; i++) {
      if (owner[i] !== j) continue;
      const dx = restVertices[i * 3]! - mx, dy = restVertices[i * 3 + 1]! - my, dz = restVertices[i * 3 + 2]! - mz;
      const s = dx * ax + dy * ay + dz * az;
      proj[k] = s; dist[k] = Math.hypot(dx - s * ax, dy - s * ay, dz - s * az); k++;
    }
    proj.sort(); dist.sort();
    const r = quantile(dist, cfg.radiusQuantile);
    // The capsule's round caps reach r beyond the end points: pull them in so the caps end at the quantiles.
    let s0 = quantile(proj, cfg.extentQuantiles[0]) + r, s1 = quantile(proj, cfg.extentQuantiles[1]) - r;
    if (s0 > s1) s0 = s1 = (s0 + s1) / 2;
    if (r < cfg.minRadius) continue;
    joints.push(j);
    ends.push(mx + s0 * ax, my + s0 * ay, mz + s0 * az, mx + s1 * ax, my + s1 * ay, mz + s1 * az);
    radii.push(r);
  }
  return { joints: Int32Array.from(joints), ends: Float64Array.from(ends), radii: Float64Array.from(radii) };
}

/**
 * Shrinks each capsule so that none of `points` (N×3, rest positions of free particles) lies within
 * radius + margin, but not below `minRadiusFraction` of its fitted radius. Returns a new set.
 */
export function clearRestPoints(set: CapsuleSet, points: ArrayLike<number>, margin: number, minFraction = SIM_CONFIG.capsules.minRadiusFraction): CapsuleSet {
  const radii = Float64Array.from(set.radii), tmp = new Float64Array(3);
  for (let c = 0; c < radii.length; c++) {
    let r = radii[c]!;
    for (let i = 0; i < points.length / 3; i++) {
      const d = segmentDistance(points[i * 3]!, points[i * 3 + 1]!, points[i * 3 + 2]!, set.ends, c * 6, tmp);
      if (d - margin < r) r = d - margin;
    }
    radii[c] = Math.max(r, set.radii[c]! * minFraction);
  }
  return { joints: set.joints, ends: set.ends, radii };
}

/** Poses the capsule end points (C×6) by the joints' skinning transforms (J×12, 3×4 row-major) plus a translation. */
export function poseCapsules(set: CapsuleSet, skinTransforms: Float64Array, translation: ArrayLike<number>, out: Float64Array): void {
  for (let c = 0; c < set.joints.length; c++) {
    const m = set.joints[c]! * 12;
    for (let e = 0; e < 2; e++) {
      const o = c * 6 + e * 3, x = set.ends[o]!, y = set.ends[o + 1]!, z = set.ends[o + 2]!;
      for (let a = 0; a < 3; a++) out[o + a] = skinTransforms[m + a * 4]! * x + skinTransforms[m + a * 4 + 1]! * y + skinTransforms[m + a * 4 + 2]! * z + skinTransforms[m + a * 4 + 3]! + translation[a]!;
    }
  }
}
