/**
 * Re-posing the rest pose into a T-pose for rigged exports (VRM requires one; many retargeters expect it).
 * The body's own rest is an A-pose. Each upper arm is turned (smallest rotation) so the shoulder→elbow
 * bone points straight out sideways (+X on the left, −X on the right; the person faces +Z), and each
 * forearm so elbow→wrist does too. The mesh follows by linear blend skinning without pose offsets (a
 * rest pose is a bind pose: no pose-dependent deformation is baked in), and the new joint positions come
 * from forward kinematics.
 */
import type { AvatarBundle } from '../avatar/bundle.js';
import { createPoseScratch, poseAvatarMeans, skinningMatrices } from '../avatar/pose.js';
import { axisAngleToMatrix, mat3Multiply, mat3Transpose, matrixToAxisAngle } from '../core/rotation.js';
import { assignRoles } from '../motion/index.js';

type V3 = [number, number, number];
const sub = (a: ArrayLike<number>, i: number, j: number): V3 => [a[i * 3]! - a[j * 3]!, a[i * 3 + 1]! - a[j * 3 + 1]!, a[i * 3 + 2]! - a[j * 3 + 2]!];

/** Axis-angle of the smallest rotation taking direction a onto direction b. */
export function alignRotation(a: V3, b: V3): V3 {
  const na = Math.hypot(...a), nb = Math.hypot(...b);
  const u = a.map((x) => x / na) as V3, v = b.map((x) => x / nb) as V3;
  const c: V3 = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
  const sin = Math.hypot(...c), cos = u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
  const angle = Math.atan2(sin, cos);
  if (sin < 1e-12) return cos > 0 ? [0, 0, 0] : [0, 0, Math.PI]; // opposite: any perpendicular axis (Z: arms lie in the XY plane)
  return [(c[0] / sin) * angle, (c[1] / sin) * angle, (c[2] / sin) * angle];
}

/** J×3 axis-angle rotations (SMPL convention, world-aligned rest frames) that put the arms out straight. */
export function tPoseRotations(names: readonly string[], restJoints: ArrayLike<number>): Float64Array {
  const { roles } = assignRoles(names);
  const rot = new Float64Array(names.length * 3);
  for (const [side, out] of [['left', 1], ['right', -1]] as const) {
    const s = roles.indexOf(`${side}_shoulder`), e = roles.indexOf(`${side}_elbow`), w = roles.indexOf(`${side}_wrist`);
    if (s < 0 || e < 0) continue;
    const target: V3 = [out, 0, 0];
    const rs = alignRotation(sub(restJoints, e, s), target);
    rot.set(rs, s * 3);
    if (w < 0) continue;
    // the elbow's local rotation L acts after the shoulder's world rotation W: want W·L·d = t, so L·d = Wᵀ·t
    const W = axisAngleToMatrix(rs[0], rs[1], rs[2]);
    const local: V3 = [W[0]! * out, W[1]! * out, W[2]! * out]; // Wᵀ·(±1,0,0) = ± first row of W
    rot.set(alignRotation(sub(restJoints, w, e), local), e * 3);
  }
  return rot;
}

/** The avatar's rest mesh and joints re-posed into the T-pose (see the module comment). */
export function tPoseRest(avatar: AvatarBundle): { positions: Float32Array; restJoints: Float64Array; rotations: Float64Array } {
  const sk = avatar.header.skeleton;
  const J = sk.names.length;
  const rotations = tPoseRotations(sk.names, sk.restJoints);
  const scratch = createPoseScratch(avatar);
  const positions = poseAvatarMeans(avatar, rotations, [0, 0, 0], new Float32Array(avatar.header.gaussianCount * 3), scratch, { poseOffsets: false });
  const world = new Float64Array(J * 12), skin = new Float64Array(J * 12);
  skinningMatrices(sk.parents, sk.restJoints, rotations, [0, 0, 0], world, skin);
  const restJoints = new Float64Array(J * 3);
  for (let j = 0; j < J; j++) for (let a = 0; a < 3; a++) restJoints[j * 3 + a] = world[j * 12 + a * 4 + 3]!;
  return { positions, restJoints, rotations };
}

/**
 * A pose re-expressed on the T-pose rest, so the mesh moves exactly as before: with T_j the world rotation
 * of joint j in the T-pose, the new local rotation is L'_j = T_parent · L_j · T_jᵀ (then the new world
 * rotation W'_j = W_j · T_jᵀ undoes the T-pose before applying the motion). The root translation is kept.
 */
export function rebasePose(rotations: ArrayLike<number>, tpose: ArrayLike<number>, parents: ArrayLike<number>): Float64Array {
  const J = parents.length;
  const T = new Float64Array(J * 9);
  const tmp = new Float64Array(9);
  for (let j = 0; j < J; j++) {
    const R = axisAngleToMatrix(tpose[j * 3]!, tpose[j * 3 + 1]!, tpose[j * 3 + 2]!, tmp);
    const p = parents[j]!;
    if (p < 0) T.set(R, j * 9);
    else T.set(mat3Multiply(T.subarray(p * 9, p * 9 + 9), R), j * 9);
  }
  const out = new Float64Array(J * 3);
  for (let j = 0; j < J; j++) {
    const L = axisAngleToMatrix(rotations[j * 3]!, rotations[j * 3 + 1]!, rotations[j * 3 + 2]!);
    const p = parents[j]!;
    const left = p < 0 ? L : mat3Multiply(T.subarray(p * 9, p * 9 + 9), L);
    out.set(matrixToAxisAngle(mat3Multiply(left, mat3Transpose(T.subarray(j * 9, j * 9 + 9)))), j * 3);
  }
  return out;
}
