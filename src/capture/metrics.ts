/**
 * Accuracy figures of a captured motion against ground truth (tests and bench/capture.ts):
 * limb direction error, elbow/knee flexion error, and foot skating.
 */
import type { RestSkeleton } from '../motion/canonical.js';
import { createFkResult, forwardKinematics } from '../motion/fk.js';
import { footPoints } from '../motion/ground.js';
import { assignRoles, type JointRole } from '../motion/names.js';
import type { Motion } from '../motion/types.js';

/** The limbs scored: [name, proximal role, distal role]. */
export const SCORED_LIMBS: ReadonlyArray<readonly [string, JointRole, JointRole]> = [
  ['leftUpperArm', 'left_shoulder', 'left_elbow'], ['leftForearm', 'left_elbow', 'left_wrist'],
  ['rightUpperArm', 'right_shoulder', 'right_elbow'], ['rightForearm', 'right_elbow', 'right_wrist'],
  ['leftThigh', 'left_hip', 'left_knee'], ['leftShin', 'left_knee', 'left_ankle'],
  ['rightThigh', 'right_hip', 'right_knee'], ['rightShin', 'right_knee', 'right_ankle'],
];

/** The joints whose flexion is scored: [name, upper limb index, lower limb index] in SCORED_LIMBS. */
const FLEXIONS: ReadonlyArray<readonly [string, number, number]> = [['leftElbow', 0, 1], ['rightElbow', 2, 3], ['leftKnee', 4, 5], ['rightKnee', 6, 7]];

/** Errors of a captured motion against the truth (degrees). */
export interface AngleErrors {
  /** Mean angle between captured and true limb directions (world frame) over the scored limbs and frames. */
  meanLimbDeg: number;
  /** Per limb name: mean direction error. */
  perLimbDeg: Record<string, number>;
  /** Mean error of the elbow and knee flexion angles (angle between the two segments). */
  meanFlexionDeg: number;
  /** Number of (frame, limb) pairs scored. */
  scored: number;
}

function limbDirections(motion: Motion, rs: RestSkeleton): Float64Array {
  const roles = assignRoles(rs.skeleton.names).roles;
  const idx = (r: JointRole): number => roles.indexOf(r);
  const J = rs.skeleton.names.length, F = motion.frameCount, L = SCORED_LIMBS.length;
  const fk = createFkResult(J);
  const out = new Float64Array(F * L * 3);
  for (let f = 0; f < F; f++) {
    forwardKinematics(rs.skeleton, rs.rest, motion.rotations, motion.rootTranslation, fk, f * J * 4, f * 3);
    SCORED_LIMBS.forEach(([, a, b], l) => {
      const i = idx(a), k = idx(b);
      const d = [0, 1, 2].map((c) => fk.positions[k * 3 + c]! - fk.positions[i * 3 + c]!);
      const n = Math.hypot(d[0]!, d[1]!, d[2]!) || 1;
      for (let c = 0; c < 3; c++) out[(f * L + l) * 3 + c] = d[c]! / n;
    });
  }
  return out;
}

const angleDeg = (a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number): number =>
  (Math.acos(Math.max(-1, Math.min(1, a[ao]! * b[bo]! + a[ao + 1]! * b[bo + 1]! + a[ao + 2]! * b[bo + 2]!))) * 180) / Math.PI;

/**
 * Limb direction and flexion errors of `captured` (on `rsCaptured`) against `truth` (on
 * `rsTruth`; same frame count and world axes). `visible(f, limb)` chooses the pairs scored
 * (e.g. limbs whose end keypoints the camera sees); default all.
 */
export function angleErrors(captured: Motion, rsCaptured: RestSkeleton, truth: Motion, rsTruth: RestSkeleton, visible: (frame: number, limb: number) => boolean = () => true): AngleErrors {
  const F = Math.min(captured.frameCount, truth.frameCount), L = SCORED_LIMBS.length;
  const a = limbDirections(captured, rsCaptured), b = limbDirections(truth, rsTruth);
  const sum = new Float64Array(L), cnt = new Float64Array(L);
  let fsum = 0, fcnt = 0;
  for (let f = 0; f < F; f++) {
    for (let l = 0; l < L; l++) {
      if (!visible(f, l)) continue;
      sum[l] += angleDeg(a, (f * L + l) * 3, b, (f * L + l) * 3);
      cnt[l]++;
    }
    for (const [, u, w] of FLEXIONS) {
      if (!visible(f, u) || !visible(f, w)) continue;
      const fa = angleDeg(a, (f * L + u) * 3, a, (f * L + w) * 3), fb = angleDeg(b, (f * L + u) * 3, b, (f * L + w) * 3);
      fsum += Math.abs(fa - fb); fcnt++;
    }
  }
  const perLimbDeg: Record<string, number> = {};
  let total = 0, n = 0;
  SCORED_LIMBS.forEach(([name], l) => { if (cnt[l]! > 0) { perLimbDeg[name] = sum[l]! / cnt[l]!; total += sum[l]!; n += cnt[l]!; } });
  return { meanLimbDeg: n > 0 ? total / n : NaN, perLimbDeg, meanFlexionDeg: fcnt > 0 ? fsum / fcnt : NaN, scored: n };
}

/**
 * Foot skating: the mean horizontal speed (m/s) of a foot's lowest point (ankle, ball or heel,
 * the one lowest at the earlier frame) over consecutive frames where `contacts` (F×2) holds
 * that foot down at both. NaN when no foot is ever in contact for two frames.
 */
export function footSkating(motion: Motion, rs: RestSkeleton, contacts: Uint8Array): number {
  const pts = footPoints(motion, rs);
  if (!pts) return NaN;
  const F = motion.frameCount;
  let sum = 0, n = 0;
  const at = (f: number, s: number, k: number, c: number): number => pts[((f * 2 + s) * 3 + k) * 3 + c]!;
  for (let f = 1; f < F; f++) for (let s = 0; s < 2; s++) {
    if (!contacts[f * 2 + s] || !contacts[(f - 1) * 2 + s]) continue;
    let k = 0;
    for (let q = 1; q < 3; q++) if (at(f - 1, s, q, 1) < at(f - 1, s, k, 1)) k = q;
    sum += Math.hypot(at(f, s, k, 0) - at(f - 1, s, k, 0), at(f, s, k, 2) - at(f - 1, s, k, 2)) * motion.fps;
    n++;
  }
  return n > 0 ? sum / n : NaN;
}
