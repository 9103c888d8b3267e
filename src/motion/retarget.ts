/**
 * Retargeting a motion from one skeleton to another with rest-pose alignment.
 *
 * Both skeletons use the world-aligned rest convention (SMPL, BVH): local rotations are
 * identity at rest, and the global rotation of joint j is G_j = G_parent · R_j. Their rest
 * poses differ (a T-pose BVH or SMPL-X vs the A-pose MakeHuman mesh). For each target joint
 * j matched to a source joint s we want the posed bone to point where the source bone points:
 * G_t(j) · d_t(j) = G_s(s) · d_s(s), with d the rest bone directions. With an alignment A_j
 * such that A_j · d_t(j) = d_s(s), G_t(j) = G_s(s) · A_j does it, and the local rotation is
 * R_t(j) = G_t(parent)⁻¹ · G_t(j). A_j is built down the chain as
 * A_j = MinimalArc(A_parent · d_t → d_s) · A_parent, so the alignment adds no twist about the
 * bone relative to the parent; at the wrists a roll about the bone then lines up the palms
 * (index → little-finger knuckle direction). Axial joints (pelvis, spine, neck, head) keep A_j = A_parent:
 * their rest directions are a matter of rig design, not of pose. Unmatched target joints keep
 * their rest local rotation (identity). The root translation is scaled by the leg-length ratio.
 */
import type { Skeleton } from '../body/types.js';
import { PersonaError } from '../core/errors.js';
import { assignRoles, boneAcrossRoles, boneEndRole, stripNamespace, type JointRole } from './names.js';
import { legLength, type RestSkeleton } from './canonical.js';
import { quatGlobalRotations } from '../body/fk.js';
import { minimalArc, qmul, qmulConjA, qnormalize, qrotate } from '../core/rotation.js';
import type { Motion } from './types.js';

/** A prepared mapping from a source skeleton to a target skeleton. */
export interface Retargeter {
  source: RestSkeleton;
  target: RestSkeleton;
  /** For each target joint, the matched source joint index, or −1. */
  sourceOf: Int32Array;
  /** Jt×4 rest alignments A_j (global, [w, x, y, z]). */
  alignment: Float64Array;
  /** Target leg length / source leg length (1 when either is unknown). */
  translationScale: number;
  /** Roles assigned to the target joints (null where unknown). */
  targetRoles: Array<JointRole | null>;
}

/** Checks that a skeleton and its rest joints are consistent; throws a PersonaError naming the problem. */
export function validateRestSkeleton(rs: RestSkeleton, what = 'skeleton'): void {
  const { names, parents } = rs.skeleton;
  if (names.length !== parents.length) throw new PersonaError(`${what}: ${names.length} names but ${parents.length} parents`);
  if (names.length === 0) throw new PersonaError(`${what}: no joints`);
  if (rs.rest.length !== names.length * 3) {
    throw new PersonaError(`${what}: rest joints hold ${rs.rest.length} numbers, expected ${names.length * 3} (J×3)`);
  }
  for (let j = 0; j < parents.length; j++) {
    const p = parents[j]!;
    if (p >= j || (p < 0 && p !== -1)) {
      throw new PersonaError(`${what}: joint ${j} (${names[j]}) has parent ${p}; parents must precede their children`);
    }
  }
}

function matchJoints(source: RestSkeleton, target: RestSkeleton): { sourceOf: Int32Array; sr: Array<JointRole | null>; tr: Array<JointRole | null> } {
  const sr = assignRoles(source.skeleton.names).roles;
  const tr = assignRoles(target.skeleton.names).roles;
  const byRole = new Map<JointRole, number>();
  sr.forEach((r, i) => { if (r) byRole.set(r, i); });
  const byName = new Map<string, number>();
  source.skeleton.names.forEach((n, i) => { if (!sr[i]) byName.set(stripNamespace(n).toLowerCase(), i); });
  const sourceOf = new Int32Array(target.skeleton.names.length).fill(-1);
  target.skeleton.names.forEach((n, j) => {
    const r = tr[j];
    if (r) sourceOf[j] = byRole.get(r) ?? -1;
    else sourceOf[j] = byName.get(stripNamespace(n).toLowerCase()) ?? -1;
  });
  return { sourceOf, sr, tr };
}

/** The rotation about axis n taking a's component across n onto b's (null if either is parallel to n). */
function rollAbout(n: Float64Array, a: Float64Array, b: Float64Array): [number, number, number, number] | null {
  const nn = Math.hypot(n[0]!, n[1]!, n[2]!);
  const ux = n[0]! / nn, uy = n[1]! / nn, uz = n[2]! / nn;
  const da = a[0]! * ux + a[1]! * uy + a[2]! * uz, db = b[0]! * ux + b[1]! * uy + b[2]! * uz;
  const ax = a[0]! - da * ux, ay = a[1]! - da * uy, az = a[2]! - da * uz;
  const bx = b[0]! - db * ux, by = b[1]! - db * uy, bz = b[2]! - db * uz;
  if (Math.hypot(ax, ay, az) < 1e-9 || Math.hypot(bx, by, bz) < 1e-9) return null;
  const sin = (ay * bz - az * by) * ux + (az * bx - ax * bz) * uy + (ax * by - ay * bx) * uz;
  const cos = ax * bx + ay * by + az * bz;
  const half = Math.atan2(sin, cos) / 2, s = Math.sin(half);
  return [Math.cos(half), ux * s, uy * s, uz * s];
}

/** Prepares retargeting from `source` to `target` (both with rest joints in the same world frame: Y up, facing +Z). */
export function createRetargeter(source: RestSkeleton, target: RestSkeleton): Retargeter {
  validateRestSkeleton(source, 'source skeleton');
  validateRestSkeleton(target, 'target skeleton');
  const { sourceOf, sr, tr } = matchJoints(source, target);
  if (!sourceOf.some((s) => s >= 0)) {
    throw new PersonaError(
      `no joint of the motion's skeleton (${source.skeleton.names.slice(0, 6).join(', ')}, …) matches the body skeleton`,
      { hint: 'use joint names from SMPL-X, Mixamo, CMU, MakeHuman game_engine or common BVH conventions' },
    );
  }
  const Jt = target.skeleton.names.length;
  const A = new Float64Array(Jt * 4);
  const srcIndex = new Map<JointRole, number>(), tgtIndex = new Map<JointRole, number>();
  sr.forEach((r, i) => { if (r) srcIndex.set(r, i); });
  tr.forEach((r, i) => { if (r) tgtIndex.set(r, i); });
  const dt = new Float64Array(3), ds = new Float64Array(3), ct = new Float64Array(3), cs = new Float64Array(3);
  for (let j = 0; j < Jt; j++) {
    const p = target.skeleton.parents[j]!;
    if (p < 0) A.set([1, 0, 0, 0], j * 4);
    else A.set(A.subarray(p * 4, p * 4 + 4), j * 4);
    const r = tr[j];
    const end = r ? boneEndRole(r) : null;
    const s = sourceOf[j]!;
    if (!r || !end || s < 0) continue;
    const te = tgtIndex.get(end), se = srcIndex.get(end);
    if (te === undefined || se === undefined) continue;
    for (let k = 0; k < 3; k++) {
      dt[k] = target.rest[te * 3 + k]! - target.rest[j * 3 + k]!;
      ds[k] = source.rest[se * 3 + k]! - source.rest[s * 3 + k]!;
    }
    qrotate(A, j * 4, dt, 0, dt, 0);
    const m = minimalArc(dt, ds);
    qmul(m, 0, A, j * 4, A, j * 4);
    qnormalize(A, j * 4);
    // Roll about the bone (wrists: the palm), where both rests show it.
    const across = boneAcrossRoles(r);
    if (!across) continue;
    const ta = tgtIndex.get(across[0]), tb = tgtIndex.get(across[1]), sa = srcIndex.get(across[0]), sb = srcIndex.get(across[1]);
    if (ta === undefined || tb === undefined || sa === undefined || sb === undefined) continue;
    for (let k = 0; k < 3; k++) {
      ct[k] = target.rest[tb * 3 + k]! - target.rest[ta * 3 + k]!;
      cs[k] = source.rest[sb * 3 + k]! - source.rest[sa * 3 + k]!;
    }
    qrotate(A, j * 4, ct, 0, ct, 0);
    const twist = rollAbout(ds, ct, cs);
    if (twist) { qmul(twist, 0, A, j * 4, A, j * 4); qnormalize(A, j * 4); }
  }
  const ls = legLength(source.rest, sr), lt = legLength(target.rest, tr);
  const translationScale = Number.isFinite(ls) && Number.isFinite(lt) && ls > 0 ? lt / ls : 1;
  return { source, target, sourceOf, alignment: A, translationScale, targetRoles: tr };
}

/** Scratch buffers for retargetFrame. */
export interface RetargetScratch { gs: Float64Array; gt: Float64Array }

/** Allocates scratch buffers for a retargeter. */
export function createRetargetScratch(rt: Retargeter): RetargetScratch {
  return { gs: new Float64Array(rt.source.skeleton.names.length * 4), gt: new Float64Array(rt.target.skeleton.names.length * 4) };
}

/**
 * Retargets one frame: source local quaternions (Js×4 at `srcOffset`) → target local
 * quaternions (Jt×4 written at `outOffset`).
 */
export function retargetFrame(
  rt: Retargeter, srcLocal: ArrayLike<number>, out: Float32Array | Float64Array,
  scratch: RetargetScratch = createRetargetScratch(rt), srcOffset = 0, outOffset = 0,
): void {
  const { gs, gt } = scratch;
  quatGlobalRotations(rt.source.skeleton.parents, srcLocal, gs, srcOffset);
  const parents = rt.target.skeleton.parents, A = rt.alignment;
  for (let j = 0; j < parents.length; j++) {
    const p = parents[j]!, s = rt.sourceOf[j]!;
    if (s >= 0) qmul(gs, s * 4, A, j * 4, gt, j * 4);
    else if (p >= 0) gt.set(gt.subarray(p * 4, p * 4 + 4), j * 4);
    else gt.set([1, 0, 0, 0], j * 4);
    const o = outOffset + j * 4;
    if (p >= 0) qmulConjA(gt, p * 4, gt, j * 4, out, o);
    else for (let k = 0; k < 4; k++) out[o + k] = gt[j * 4 + k]!;
    if (out[o]! < 0) for (let k = 0; k < 4; k++) out[o + k] = -out[o + k]!;
  }
}

/**
 * Retargets a whole motion recorded on `source` (whose joint names are `motion.jointNames`,
 * in the same order as source.skeleton.names) onto `target`.
 */
export function retargetMotion(motion: Motion, source: RestSkeleton, target: RestSkeleton): Motion {
  const names = source.skeleton.names;
  if (motion.jointNames.length !== names.length || motion.jointNames.some((n, i) => n !== names[i])) {
    throw new PersonaError(`retargetMotion: motion '${motion.name}' joints do not match its source skeleton`);
  }
  const rt = createRetargeter(source, target);
  const F = motion.frameCount, Js = names.length, Jt = target.skeleton.names.length;
  const rotations = new Float32Array(F * Jt * 4);
  const scratch = createRetargetScratch(rt);
  const frame = new Float64Array(Jt * 4);
  for (let f = 0; f < F; f++) {
    retargetFrame(rt, motion.rotations, frame, scratch, f * Js * 4, 0);
    rotations.set(frame, f * Jt * 4);
  }
  const rootTranslation = new Float32Array(F * 3);
  for (let i = 0; i < F * 3; i++) rootTranslation[i] = motion.rootTranslation[i]! * rt.translationScale;
  return {
    name: motion.name, fps: motion.fps, frameCount: F, jointNames: [...target.skeleton.names], rotations, rootTranslation,
    ...(motion.flags ? { flags: motion.flags.slice() } : {}),
  };
}
