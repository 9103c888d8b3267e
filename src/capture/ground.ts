/**
 * Which way is up: a camera that looks down on a person makes the fitted body lean towards it
 * (the fit's world is the camera's), and a tilted camera is not a leaning person. Capture
 * estimates the gravity direction in the camera's world and turns the motion so that it points
 * up (+Y); the camera is turned with it, so the replay from the capture camera is unchanged.
 *
 * Two estimates (docs/capture.md):
 * 1. Ground plane: the lowest foot points of the frames where a foot is planted lie on the floor.
 *    When they spread over enough depth and width, the plane through them (least squares, with
 *    one round of outlier rejection) gives the floor normal and the camera height.
 * 2. Posture: otherwise, people stand, walk and dance upright on average: the median direction
 *    from the ankles' midpoint to the neck over the clip is taken as up (as it is in the rest pose),
 *    less a dead zone of CAPTURE_CONFIG.postureDeadZoneDeg (a clip's own average lean).
 * The correction is a tilt only (pitch and roll of the camera; no turn about the vertical) and is
 * bounded by CAPTURE_CONFIG.maxCameraTiltDeg.
 */
import { quatMultiply, type Quat } from '../core/rotation.js';
import type { RestSkeleton } from '../motion/index.js';
import { createFkResult, quatForwardKinematics } from '../body/index.js';
import { assignRoles } from '../motion/index.js';
import type { Motion } from '../motion/index.js';
import { CAPTURE_CONFIG } from './config.js';

type Vec3 = [number, number, number];

/** What the ground estimate found. */
export interface GroundEstimate {
  /** Up (unit) in the fit's camera world, before levelling. */
  up: Vec3;
  /** The camera's tilt that was removed: pitch (positive: looking down) and roll (degrees). */
  pitchDeg: number;
  rollDeg: number;
  /** How up was found. */
  source: 'ground-plane' | 'posture' | 'none';
  /** Camera height above the floor (m), when the ground plane was found. */
  cameraHeight: number | null;
}

const norm = (v: number[]): Vec3 => { const n = Math.hypot(v[0]!, v[1]!, v[2]!) || 1; return [v[0]! / n, v[1]! / n, v[2]! / n]; };
const deg = (r: number): number => (r * 180) / Math.PI;

/** Minimal rotation (3×3 row-major) taking unit vector a onto unit vector b. */
export function rotationBetween(a: Vec3, b: Vec3): Float64Array {
  const v = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const c = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const k = 1 / (1 + c);
  const [x, y, z] = v as Vec3;
  // Rodrigues in the form R = I + [v]× + [v]×² / (1 + c)
  return Float64Array.from([
    1 - k * (y * y + z * z), -z + k * x * y, y + k * x * z,
    z + k * x * y, 1 - k * (x * x + z * z), -x + k * y * z,
    -y + k * x * z, x + k * y * z, 1 - k * (x * x + y * y),
  ]);
}

/** Rotation matrix → unit quaternion [w, x, y, z]. */
function matToQuat(R: Float64Array): Quat {
  const w = Math.sqrt(Math.max(0, 1 + R[0]! + R[4]! + R[8]!)) / 2;
  if (w > 1e-6) return [w, (R[7]! - R[5]!) / (4 * w), (R[2]! - R[6]!) / (4 * w), (R[3]! - R[1]!) / (4 * w)];
  // 180° rotations do not occur here (tilts are bounded); fall back to identity
  return [1, 0, 0, 0];
}

/** Per frame (good frames only): the ankles' midpoint → neck direction, and the lowest foot points on planted frames. */
function bodyUpSamples(motion: Motion, rs: RestSkeleton, skip?: Uint8Array): { ups: Vec3[]; rest: Vec3 } {
  const roles = assignRoles(rs.skeleton.names).roles;
  const la = roles.indexOf('left_ankle'), ra = roles.indexOf('right_ankle'), nk = roles.indexOf('neck');
  const ups: Vec3[] = [];
  const dir = (P: ArrayLike<number>): Vec3 => norm([0, 1, 2].map((c) => P[nk * 3 + c]! - (P[la * 3 + c]! + P[ra * 3 + c]!) / 2));
  const rest = dir(rs.rest);
  if (la < 0 || ra < 0 || nk < 0) return { ups, rest };
  const J = rs.skeleton.names.length, fk = createFkResult(J);
  for (let f = 0; f < motion.frameCount; f++) {
    if (skip?.[f]) continue;
    quatForwardKinematics(rs.skeleton, rs.rest, motion.rotations, motion.rootTranslation, fk, f * J * 4, f * 3);
    ups.push(dir(fk.positions));
  }
  return { ups, rest };
}

/** Component-wise median of unit vectors, renormalised. */
function medianDirection(vs: Vec3[]): Vec3 {
  const med = (k: number): number => { const s = vs.map((v) => v[k]).sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
  return norm([med(0), med(1), med(2)]);
}

/**
 * Least-squares plane through points (N×3): returns the unit normal pointing towards +Y of the
 * camera world and the offset d (n·x = d), or null when the points do not span two directions by
 * at least `minSpread` metres (standard deviation along the plane's two axes).
 */
export function fitPlane(points: number[][], minSpread: number): { normal: Vec3; d: number; rms: number } | null {
  const n = points.length;
  if (n < 6) return null;
  const c = [0, 0, 0];
  for (const p of points) for (let k = 0; k < 3; k++) c[k] += p[k]! / n;
  const C = new Float64Array(9);
  for (const p of points) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) C[i * 3 + j] += ((p[i]! - c[i]!) * (p[j]! - c[j]!)) / n;
  const { values, vectors } = symmetricEigen(C);
  // values ascending: the smallest is the normal; the two others are the spread along the plane
  if (Math.sqrt(Math.max(0, values[1]!)) < minSpread) return null;
  let normal = norm([vectors[0]!, vectors[3]!, vectors[6]!]);
  if (normal[1] < 0) normal = [-normal[0], -normal[1], -normal[2]];
  const d = normal[0] * c[0]! + normal[1] * c[1]! + normal[2] * c[2]!;
  return { normal, d, rms: Math.sqrt(Math.max(0, values[0]!)) };
}

/** Eigen-decomposition of a symmetric 3×3 matrix by Jacobi rotations: values ascending, vectors as columns. */
export function symmetricEigen(M: Float64Array): { values: number[]; vectors: Float64Array } {
  const A = Float64Array.from(M), V = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) off += A[p * 3 + q]! ** 2;
    if (off < 1e-30) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = A[p * 3 + q]!;
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (A[q * 3 + q]! - A[p * 3 + p]!) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const cs = 1 / Math.sqrt(t * t + 1), sn = t * cs;
      for (let k = 0; k < 3; k++) { // A ← Jᵀ A J
        const akp = A[k * 3 + p]!, akq = A[k * 3 + q]!;
        A[k * 3 + p] = cs * akp - sn * akq; A[k * 3 + q] = sn * akp + cs * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = A[p * 3 + k]!, aqk = A[q * 3 + k]!;
        A[p * 3 + k] = cs * apk - sn * aqk; A[q * 3 + k] = sn * apk + cs * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = V[k * 3 + p]!, vkq = V[k * 3 + q]!;
        V[k * 3 + p] = cs * vkp - sn * vkq; V[k * 3 + q] = sn * vkp + cs * vkq;
      }
    }
  }
  const order = [0, 1, 2].sort((a, b) => A[a * 4]! - A[b * 4]!);
  const vectors = new Float64Array(9);
  order.forEach((col, i) => { for (let r = 0; r < 3; r++) vectors[r * 3 + i] = V[r * 3 + col]!; });
  return { values: order.map((i) => A[i * 4]!), vectors };
}

/**
 * Estimates up in the fit's camera world (see the module comment). `floorPoints`: the lowest foot
 * points of planted feet (camera world), if known; `skip` marks frames to leave out (lost ones).
 */
export function estimateUp(motion: Motion, rs: RestSkeleton, options: { floorPoints?: number[][]; skip?: Uint8Array } = {}): GroundEstimate {
  const { ups, rest } = bodyUpSamples(motion, rs, options.skip);
  const maxTilt = (CAPTURE_CONFIG.maxCameraTiltDeg * Math.PI) / 180;
  let up: Vec3 | null = null, source: GroundEstimate['source'] = 'none', cameraHeight: number | null = null;
  const plane = options.floorPoints ? robustPlane(options.floorPoints) : null;
  if (plane && Math.acos(Math.min(1, plane.normal[1])) <= maxTilt) {
    up = plane.normal; source = 'ground-plane'; cameraHeight = -plane.d; // the camera sits at the origin
  } else if (ups.length >= 3) {
    // Posture: the body's median up maps to the rest pose's own (upright) direction.
    const body = medianDirection(ups);
    const toRest = rotationBetween(rest, [0, 1, 0]);
    up = norm([0, 1, 2].map((i) => toRest[i * 3]! * body[0] + toRest[i * 3 + 1]! * body[1] + toRest[i * 3 + 2]! * body[2])); // rest's lean removed
    const tilt = Math.acos(Math.min(1, up[1])), dead = (CAPTURE_CONFIG.postureDeadZoneDeg * Math.PI) / 180;
    if (tilt > maxTilt) up = null;
    else if (tilt <= dead) up = null;
    else {
      // Remove the tilt beyond the dead zone only: real motions lean by a few degrees on average (a lunge, a bow).
      const k = Math.sin(tilt - dead) / Math.sin(tilt), h = Math.sin(dead) / Math.sin(tilt); // slerp from +Y to up at (tilt − dead)
      up = norm([k * up[0], h + k * up[1], k * up[2]]);
      source = 'posture';
    }
  }
  if (!up) return { up: [0, 1, 0], pitchDeg: 0, rollDeg: 0, source: 'none', cameraHeight: null };
  // The fit's world: camera at the origin looking down −Z. Up leaning towards +Z (the camera) means
  // the camera looks down on the scene.
  return { up, pitchDeg: deg(Math.atan2(up[2], up[1])), rollDeg: deg(Math.atan2(-up[0], up[1])), source, cameraHeight };
}

/** Plane through the points, refitted once without the points farther than 3 rms (and at least 3 cm). */
function robustPlane(points: number[][]): { normal: Vec3; d: number } | null {
  const minSpread = CAPTURE_CONFIG.groundPlaneMinSpread;
  const first = fitPlane(points, minSpread);
  if (!first) return null;
  const tol = Math.max(0.03, 3 * first.rms);
  const kept = points.filter((p) => Math.abs(first.normal[0] * p[0]! + first.normal[1] * p[1]! + first.normal[2] * p[2]! - first.d) <= tol);
  return fitPlane(kept, minSpread) ?? first;
}

/**
 * Turns the whole motion (root orientation and root path) by the rotation taking `up` to +Y, in
 * place, and returns that rotation (3×3 row-major) so that cameras can be turned with it
 * (R_camera ← R_camera · Gᵀ).
 */
export function levelMotion(motion: Motion, rs: RestSkeleton, up: Vec3): Float64Array {
  const G = rotationBetween(norm(up), [0, 1, 0]);
  const q = matToQuat(G);
  const J = motion.jointNames.length, F = motion.frameCount, R = motion.rotations, T = motion.rootTranslation;
  const root = rs.skeleton.parents.indexOf(-1);
  const r0 = [rs.rest[root * 3]!, rs.rest[root * 3 + 1]!, rs.rest[root * 3 + 2]!];
  const rootName = rs.skeleton.names[root]!, m = motion.jointNames.indexOf(rootName);
  for (let f = 0; f < F; f++) {
    if (m >= 0) {
      const o = (f * J + m) * 4;
      const r = quatMultiply(q, [R[o]!, R[o + 1]!, R[o + 2]!, R[o + 3]!]);
      for (let k = 0; k < 4; k++) R[o + k] = r[k]!;
    }
    const P = [r0[0]! + T[f * 3]!, r0[1]! + T[f * 3 + 1]!, r0[2]! + T[f * 3 + 2]!];
    for (let i = 0; i < 3; i++) T[f * 3 + i] = G[i * 3]! * P[0]! + G[i * 3 + 1]! * P[1]! + G[i * 3 + 2]! * P[2]! - r0[i]!;
  }
  return G;
}
