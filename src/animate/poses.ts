/**
 * From motions to avatar poses: mapping a Motion's joints onto the avatar skeleton by name, sampling
 * a frame (or a time, with slerp) into J×3 axis-angle rotations + root translation, and named poses.
 */
import type { AvatarBundle } from '../avatar/bundle.js';
import { PersonaError } from '../core/errors.js';
import { MAX_ANIMATE_FRAMES } from '../motion/index.js';
import { quatToAxisAngle } from '../core/rotation.js';
import type { Motion } from '../motion/index.js';
import type { AvatarPose } from '../export/cloud.js';
import type { RestSkeleton } from '../motion/index.js';
import { listNamedExpressions, resolveExpression, type ResolvedExpression } from '../avatar/expression.js';

/** The avatar's skeleton with its rest joints, as the motion module expects. */
export function avatarRestSkeleton(avatar: AvatarBundle): RestSkeleton {
  const s = avatar.header.skeleton;
  return { skeleton: { names: [...s.names], parents: Int32Array.from(s.parents) }, rest: Float64Array.from(s.restJoints) };
}

/** A motion bound to an avatar: for each avatar joint, the motion joint index (−1 keeps rest). */
export interface BoundMotion {
  motion: Motion;
  jointMap: Int32Array;
  /** Duration in seconds (frames − 1)/fps. */
  duration: number;
  /** Face: a constant expression and the motion's expression channels, resolved on the avatar (absent: neutral). */
  face?: BoundFace;
}

/** Expression channels resolved onto an avatar's units and jaw. */
export interface BoundFace {
  constant: ResolvedExpression | null;
  /** One resolved expression per motion channel (unit weight 1). */
  channels: ResolvedExpression[];
  /** Avatar index of the `jaw` joint (−1: none). */
  jaw: number;
}

/**
 * Resolves the face of a motion on an avatar: `expression` (a named expression or unit=weight list held for
 * the whole clip) and the motion's own channels. Throws when an expression is asked of an avatar without
 * an expression basis (src/avatar/expression.ts).
 */
export function bindFace(motion: Motion, avatar: AvatarBundle, expression?: string): BoundFace | undefined {
  const constant = expression !== undefined ? resolveExpression(avatar, expression) : null;
  const channels = (motion.expressions?.names ?? []).map((n) => resolveExpression(avatar, n.includes('=') ? n : namedOrUnit(n)));
  if (!constant && channels.length === 0) return undefined;
  return { constant, channels, jaw: avatar.header.skeleton.names.indexOf('jaw') };
}

/** A channel name: a named expression as is, else a body-model unit at weight 1. */
function namedOrUnit(name: string): string {
  return listNamedExpressions().includes(name) ? name : `${name}=1`;
}

/**
 * Binds a motion (already on the avatar skeleton, e.g. from `loadMotionArg`) to the avatar by joint name.
 * Throws when no joint matches.
 */
export function bindMotion(motion: Motion, avatar: AvatarBundle, options: { expression?: string } = {}): BoundMotion {
  const names = avatar.header.skeleton.names;
  const index = new Map(motion.jointNames.map((n, i) => [n, i] as const));
  const jointMap = Int32Array.from(names, (n) => index.get(n) ?? -1);
  if (!jointMap.some((j) => j >= 0))
    throw new PersonaError(`motion "${motion.name}" shares no joint name with the avatar skeleton.`, {
      hint: 'Load the motion with loadMotionArg(arg, skeleton) so that it is retargeted onto the avatar.',
    });
  const J = motion.jointNames.length;
  if (motion.rotations.length !== motion.frameCount * J * 4 || motion.rootTranslation.length !== motion.frameCount * 3)
    throw new PersonaError(`motion "${motion.name}" has arrays that do not match its ${motion.frameCount} frames × ${J} joints.`);
  if (motion.frameCount < 1) throw new PersonaError(`motion "${motion.name}" has no frames.`);
  if (motion.expressions && motion.expressions.weights.length !== motion.frameCount * motion.expressions.names.length)
    throw new PersonaError(`motion "${motion.name}" has expression weights that do not match its ${motion.frameCount} frames × ${motion.expressions.names.length} channels.`);
  const face = bindFace(motion, avatar, options.expression);
  return { motion, jointMap, duration: (motion.frameCount - 1) / motion.fps, ...(face ? { face } : {}) };
}

/** Writes frame `f` of a bound motion into `out` (allocated when omitted). */
export function framePose(bound: BoundMotion, f: number, out?: AvatarPose): AvatarPose {
  return samplePose(bound, f / bound.motion.fps, out);
}

/** The pose at time `t` seconds (clamped to the clip), slerping between neighbouring frames. */
export function samplePose(bound: BoundMotion, t: number, out?: AvatarPose): AvatarPose {
  const { motion, jointMap } = bound;
  const Ja = jointMap.length, Jm = motion.jointNames.length;
  const pose = out ?? { rotations: new Float64Array(Ja * 3), translation: [0, 0, 0] };
  const x = Math.min(Math.max(t * motion.fps, 0), motion.frameCount - 1);
  const f0 = Math.floor(x), f1 = Math.min(f0 + 1, motion.frameCount - 1), a = x - f0;
  const R = motion.rotations;
  for (let j = 0; j < Ja; j++) {
    const m = jointMap[j]!;
    if (m < 0) { pose.rotations[j * 3] = pose.rotations[j * 3 + 1] = pose.rotations[j * 3 + 2] = 0; continue; }
    const o0 = (f0 * Jm + m) * 4, o1 = (f1 * Jm + m) * 4;
    let w = R[o0]!, qx = R[o0 + 1]!, qy = R[o0 + 2]!, qz = R[o0 + 3]!;
    if (a > 0 && f1 !== f0) {
      let w1 = R[o1]!, x1 = R[o1 + 1]!, y1 = R[o1 + 2]!, z1 = R[o1 + 3]!;
      let dot = w * w1 + qx * x1 + qy * y1 + qz * z1;
      if (dot < 0) { w1 = -w1; x1 = -x1; y1 = -y1; z1 = -z1; dot = -dot; }
      let s0 = 1 - a, s1 = a;
      if (dot < 0.9995) {
        const th = Math.acos(dot), st = Math.sin(th);
        s0 = Math.sin((1 - a) * th) / st; s1 = Math.sin(a * th) / st;
      }
      w = s0 * w + s1 * w1; qx = s0 * qx + s1 * x1; qy = s0 * qy + s1 * y1; qz = s0 * qz + s1 * z1;
      const n = Math.hypot(w, qx, qy, qz) || 1;
      w /= n; qx /= n; qy /= n; qz /= n;
    }
    const aa = quatToAxisAngle([w, qx, qy, qz]);
    pose.rotations[j * 3] = aa[0]; pose.rotations[j * 3 + 1] = aa[1]; pose.rotations[j * 3 + 2] = aa[2];
  }
  const T = motion.rootTranslation;
  for (let c = 0; c < 3; c++) pose.translation[c] = (1 - a) * T[f0 * 3 + c]! + a * T[f1 * 3 + c]!;
  if (bound.face) applyFace(bound.face, motion, f0, f1, a, pose);
  return pose;
}

/**
 * Writes the expression of time (f0, f1, a) into `pose`: unit weights = constant + Σ_c w_c(t)·channel_c,
 * and the jaw opening (same sum of the expressions' jaw angles) added to the jaw's rotation about X.
 */
function applyFace(face: BoundFace, motion: Motion, f0: number, f1: number, a: number, pose: AvatarPose): void {
  const E = face.constant?.weights.length ?? face.channels[0]?.weights.length ?? 0;
  const w = pose.expression && pose.expression.length === E ? pose.expression : (pose.expression = new Float64Array(E));
  if (face.constant) w.set(face.constant.weights); else w.fill(0);
  let jaw = face.constant?.jaw ?? 0;
  const ex = motion.expressions;
  if (ex) {
    const C = ex.names.length;
    for (let c = 0; c < C; c++) {
      const s = (1 - a) * ex.weights[f0 * C + c]! + a * ex.weights[f1 * C + c]!;
      if (s === 0) continue;
      const ch = face.channels[c]!;
      for (let k = 0; k < E; k++) w[k] += s * ch.weights[k]!;
      jaw += s * ch.jaw;
    }
  }
  if (face.jaw >= 0 && jaw !== 0) pose.rotations[face.jaw * 3] += jaw;
}

/** Number of output frames when a clip is played at `fps` (the clip's own frame count at its own rate). */
export function outputFrameCount(bound: BoundMotion, fps: number): number {
  const frames = Math.abs(fps - bound.motion.fps) < 1e-9 ? bound.motion.frameCount : Math.max(1, Math.round(bound.duration * fps) + 1);
  if (!(frames <= MAX_ANIMATE_FRAMES))
    throw new PersonaError(`Motion "${bound.motion.name}" would make ${frames} frames at ${fps} fps, more than the ${MAX_ANIMATE_FRAMES} one animation may have.`, {
      hint: 'Lower --fps, or cut the motion into shorter clips.',
    });
  return frames;
}
