/**
 * Accuracy figures of a captured motion against ground truth (tests and bench/capture.ts):
 * limb direction error, elbow/knee flexion error, and foot skating.
 */
import type { RestSkeleton } from '../motion/index.js';
import { createFkResult, quatForwardKinematics } from '../body/index.js';
import { footPoints } from '../motion/index.js';
import { assignRoles, type JointRole } from '../motion/index.js';
import type { Motion } from '../motion/index.js';

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
    quatForwardKinematics(rs.skeleton, rs.rest, motion.rotations, motion.rootTranslation, fk, f * J * 4, f * 3);
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

/**
 * Torso pitch per frame (degrees): the angle of the hips-centre → neck vector from world up (+Y),
 * signed positive when the torso leans towards the person's facing direction (forward =
 * (left hip − right hip) × up) and negative when it leans back. The sideways part is ignored.
 */
export function torsoPitch(motion: Motion, rs: RestSkeleton): Float64Array {
  const roles = assignRoles(rs.skeleton.names).roles;
  const L = roles.indexOf('left_hip'), R = roles.indexOf('right_hip'), N = roles.indexOf('neck');
  const F = motion.frameCount, out = new Float64Array(F).fill(NaN);
  if (L < 0 || R < 0 || N < 0) return out;
  const J = rs.skeleton.names.length, fk = createFkResult(J), P = fk.positions;
  for (let f = 0; f < F; f++) {
    quatForwardKinematics(rs.skeleton, rs.rest, motion.rotations, motion.rootTranslation, fk, f * J * 4, f * 3);
    const sx = P[L * 3]! - P[R * 3]!, sz = P[L * 3 + 2]! - P[R * 3 + 2]!;
    // forward = side × up = (−sz, 0, sx)·… for up = +Y: (sx, sy, sz) × (0, 1, 0) = (−sz, 0, sx)
    const fn = Math.hypot(sz, sx) || 1, fx = -sz / fn, fz = sx / fn;
    const tx = P[N * 3]! - (P[L * 3]! + P[R * 3]!) / 2, ty = P[N * 3 + 1]! - (P[L * 3 + 1]! + P[R * 3 + 1]!) / 2, tz = P[N * 3 + 2]! - (P[L * 3 + 2]! + P[R * 3 + 2]!) / 2;
    out[f] = (Math.atan2(tx * fx + tz * fz, ty) * 180) / Math.PI;
  }
  return out;
}

/**
 * Jitter: the mean magnitude of joint acceleration (m/s², second differences of the body joints'
 * world positions, fingers excluded) over interior frames. Real motion has some; fit noise adds
 * much more at high frame rates.
 */
export function jointJitter(motion: Motion, rs: RestSkeleton): number {
  const roles = assignRoles(rs.skeleton.names).roles;
  const joints = roles.map((r, j) => (r && SMPLX_BODY.has(r) ? j : -1)).filter((j) => j >= 0);
  const F = motion.frameCount, J = rs.skeleton.names.length;
  if (F < 3 || joints.length === 0) return NaN;
  const fk = createFkResult(J), pos = new Float64Array(F * joints.length * 3);
  for (let f = 0; f < F; f++) {
    quatForwardKinematics(rs.skeleton, rs.rest, motion.rotations, motion.rootTranslation, fk, f * J * 4, f * 3);
    joints.forEach((j, i) => { for (let c = 0; c < 3; c++) pos[(f * joints.length + i) * 3 + c] = fk.positions[j * 3 + c]!; });
  }
  let sum = 0, n = 0;
  const K = joints.length * 3;
  for (let f = 1; f < F - 1; f++) for (let i = 0; i < joints.length; i++) {
    const o = f * K + i * 3;
    const ax = pos[o + K]! - 2 * pos[o]! + pos[o - K]!, ay = pos[o + K + 1]! - 2 * pos[o + 1]! + pos[o - K + 1]!, az = pos[o + K + 2]! - 2 * pos[o + 2]! + pos[o - K + 2]!;
    sum += Math.hypot(ax, ay, az) * motion.fps * motion.fps; n++;
  }
  return sum / n;
}

/** The 22 body joints of SMPL-X (no fingers, jaw or eyes). */
const SMPLX_BODY: ReadonlySet<JointRole> = new Set<JointRole>([
  'pelvis', 'left_hip', 'right_hip', 'spine1', 'left_knee', 'right_knee', 'spine2', 'left_ankle', 'right_ankle', 'spine3', 'left_foot', 'right_foot',
  'neck', 'left_collar', 'right_collar', 'head', 'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist',
]);

/** Horizontal root speed per frame (m/s; central differences, one-sided at the ends). */
export function rootSpeed(motion: Motion): Float64Array {
  const F = motion.frameCount, T = motion.rootTranslation, out = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    const a = Math.max(0, f - 1), b = Math.min(F - 1, f + 1);
    out[f] = b > a ? (Math.hypot(T[b * 3]! - T[a * 3]!, T[b * 3 + 2]! - T[a * 3 + 2]!) * motion.fps) / (b - a) : 0;
  }
  return out;
}
