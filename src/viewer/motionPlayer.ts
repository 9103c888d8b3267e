/**
 * Playing a Motion (src/motion/types.ts) on an avatar skeleton: joints matched by name (the motion must
 * already be on the avatar's skeleton — builtin motions are made for it, dropped files are retargeted first),
 * then sampled at any time with slerp between neighbouring frames into the avatar's pose (J×3 axis-angle +
 * root translation, the BodyPose convention). Pure TS for the page.
 */
import type { Motion } from '../motion/types.js';
import { PersonaError } from '../core/errors.js';
import { quatToAxisAngle, slerp } from '../core/rotation.js';

/** A motion laid out in the avatar's joint order. */
export interface BoundMotion {
  name: string;
  fps: number;
  frameCount: number;
  /** frames×J×4 quaternions [w,x,y,z] in avatar joint order (identity for joints the motion lacks). */
  quats: Float32Array;
  /** frames×3 root translation. */
  translation: Float32Array;
  /** How many avatar joints the motion drives. */
  matchedJoints: number;
  jointCount: number;
  /** The motion's expression channels (names, frames×C weights), when it has them. */
  expressions?: { names: string[]; weights: Float32Array };
}

/** Duration in seconds of a bound motion (at least one frame long). */
export function motionDuration(m: BoundMotion): number {
  return Math.max(1, m.frameCount) / m.fps;
}

/** Checks a motion's arrays and reorders it onto `skeletonNames`. Fails if it drives none of the joints. */
export function bindMotion(motion: Motion, skeletonNames: readonly string[]): BoundMotion {
  const F = motion.frameCount, Jm = motion.jointNames.length, J = skeletonNames.length;
  if (!Number.isInteger(F) || F < 1) throw new PersonaError(`motion "${motion.name}": frameCount must be a positive integer (got ${F}).`);
  if (!(motion.fps > 0)) throw new PersonaError(`motion "${motion.name}": fps must be positive (got ${motion.fps}).`);
  if (motion.rotations.length !== F * Jm * 4) throw new PersonaError(`motion "${motion.name}": rotations has ${motion.rotations.length} values, expected ${F}×${Jm}×4.`);
  if (motion.rootTranslation.length !== F * 3) throw new PersonaError(`motion "${motion.name}": rootTranslation has ${motion.rootTranslation.length} values, expected ${F}×3.`);
  const index = new Map(skeletonNames.map((n, j) => [n, j] as const));
  const src = new Int32Array(J).fill(-1);
  let matched = 0;
  for (let m = 0; m < Jm; m++) {
    const j = index.get(motion.jointNames[m]!);
    if (j !== undefined && src[j] === -1) { src[j] = m; matched++; }
  }
  if (matched === 0)
    throw new PersonaError(`motion "${motion.name}" drives none of the avatar's joints (motion joints: ${motion.jointNames.slice(0, 5).join(', ')}…).`, {
      hint: 'Retarget the motion onto the avatar skeleton first (BVH files are retargeted when dropped on the page).',
    });
  const quats = new Float32Array(F * J * 4);
  for (let f = 0; f < F; f++) {
    for (let j = 0; j < J; j++) {
      const o = (f * J + j) * 4, m = src[j]!;
      if (m < 0) { quats[o] = 1; continue; }
      const s = (f * Jm + m) * 4;
      const w = motion.rotations[s]!, x = motion.rotations[s + 1]!, y = motion.rotations[s + 2]!, z = motion.rotations[s + 3]!;
      const n = Math.hypot(w, x, y, z);
      if (!(n > 1e-8) || !Number.isFinite(n)) throw new PersonaError(`motion "${motion.name}": rotation of joint ${motion.jointNames[m]} at frame ${f} is not a quaternion.`);
      quats[o] = w / n; quats[o + 1] = x / n; quats[o + 2] = y / n; quats[o + 3] = z / n;
    }
  }
  let expressions: BoundMotion['expressions'];
  if (motion.expressions && motion.expressions.names.length > 0) {
    const C = motion.expressions.names.length;
    if (motion.expressions.weights.length !== F * C) throw new PersonaError(`motion "${motion.name}": expression weights have ${motion.expressions.weights.length} values, expected ${F}×${C}.`);
    expressions = { names: [...motion.expressions.names], weights: Float32Array.from(motion.expressions.weights) };
  }
  return { name: motion.name, fps: motion.fps, frameCount: F, quats, translation: Float32Array.from(motion.rootTranslation), matchedJoints: matched, jointCount: J, ...(expressions ? { expressions } : {}) };
}

/** The expression-channel weights at time `t` (seconds, looping; linear between frames) into `out` (C); false without channels. */
export function sampleExpression(m: BoundMotion, t: number, out: Float64Array): boolean {
  if (!m.expressions) return false;
  const { f0, f1, alpha } = framePosition(m, t);
  const C = m.expressions.names.length, w = m.expressions.weights;
  for (let c = 0; c < C; c++) out[c] = (1 - alpha) * w[f0 * C + c]! + alpha * w[f1 * C + c]!;
  return true;
}

/** Frame position of time `t` seconds in a looping motion: the two frames and the blend between them. */
export function framePosition(m: BoundMotion, t: number): { f0: number; f1: number; alpha: number } {
  const F = m.frameCount;
  if (F === 1) return { f0: 0, f1: 0, alpha: 0 };
  const u = (((t * m.fps) % F) + F) % F;
  const f0 = Math.floor(u);
  return { f0, f1: (f0 + 1) % F, alpha: u - f0 };
}

/** Samples the pose at time `t` (seconds, looping): writes J×3 axis-angle to `rotations` and the root translation. */
export function samplePose(m: BoundMotion, t: number, rotations: Float64Array, translation: Float64Array): void {
  const { f0, f1, alpha } = framePosition(m, t);
  const J = m.jointCount;
  const a = [0, 0, 0, 0], b = [0, 0, 0, 0];
  for (let j = 0; j < J; j++) {
    const o0 = (f0 * J + j) * 4, o1 = (f1 * J + j) * 4;
    for (let c = 0; c < 4; c++) { a[c] = m.quats[o0 + c]!; b[c] = m.quats[o1 + c]!; }
    const q = alpha === 0 ? a : slerp(a, b, alpha);
    const r = quatToAxisAngle(q);
    rotations[j * 3] = r[0]; rotations[j * 3 + 1] = r[1]; rotations[j * 3 + 2] = r[2];
  }
  for (let c = 0; c < 3; c++) translation[c] = (1 - alpha) * m.translation[f0 * 3 + c]! + alpha * m.translation[f1 * 3 + c]!;
}

/** The pose of one whole frame (no interpolation), as `samplePose` at that frame's time. */
export function framePose(m: BoundMotion, f: number, rotations: Float64Array, translation: Float64Array): void {
  samplePose(m, f / m.fps, rotations, translation);
}
