/**
 * Sampling motions as BodyPoses, and utilities that make new motions from old ones:
 * resampling to another frame rate, concatenation, left/right mirroring.
 */
import type { BodyPose, Skeleton } from '../body/types.js';
import { PersonaError } from '../core/errors.js';
import { quatToAxisAngle, slerp } from '../core/rotation.js';
import { assignRoles, mirrorRole, type JointRole } from './names.js';
import type { Motion } from './types.js';

/** Duration of a motion in seconds ((frameCount − 1) / fps). */
export function motionDuration(motion: Motion): number {
  return (motion.frameCount - 1) / motion.fps;
}

/** Checks a motion's shapes and (unless `values: false`) its values; throws a PersonaError naming the field. */
export function validateMotion(motion: Motion, what = `motion '${motion.name}'`, options: { values?: boolean } = {}): void {
  const J = motion.jointNames.length, F = motion.frameCount;
  if (!(Number.isFinite(motion.fps) && motion.fps > 0)) throw new PersonaError(`${what}: fps must be a positive number, got ${motion.fps}`);
  if (!(Number.isInteger(F) && F >= 1)) throw new PersonaError(`${what}: frameCount must be a positive integer, got ${F}`);
  if (J === 0) throw new PersonaError(`${what}: jointNames is empty`);
  if (new Set(motion.jointNames).size !== J) throw new PersonaError(`${what}: jointNames has duplicates`);
  if (motion.rotations.length !== F * J * 4) throw new PersonaError(`${what}: rotations hold ${motion.rotations.length} numbers, expected ${F * J * 4} (frames × joints × 4)`);
  if (motion.rootTranslation.length !== F * 3) throw new PersonaError(`${what}: rootTranslation holds ${motion.rootTranslation.length} numbers, expected ${F * 3} (frames × 3)`);
  if (motion.flags && motion.flags.length !== F) throw new PersonaError(`${what}: flags hold ${motion.flags.length} entries, expected ${F}`);
  if (options.values === false) return;
  for (let i = 0; i < motion.rotations.length; i += 4) {
    const n = Math.hypot(motion.rotations[i]!, motion.rotations[i + 1]!, motion.rotations[i + 2]!, motion.rotations[i + 3]!);
    if (!(Math.abs(n - 1) < 1e-3)) {
      const f = Math.floor(i / 4 / J), j = (i / 4) % J;
      throw new PersonaError(`${what}: rotation of joint ${motion.jointNames[j]} at frame ${f} is not a unit quaternion (norm ${n})`);
    }
  }
  if (!motion.rootTranslation.every(Number.isFinite)) throw new PersonaError(`${what}: rootTranslation has non-finite values`);
}

/**
 * For each skeleton joint, the motion joint that drives it (−1: none, stays at rest): the same
 * name first, else the same canonical role (so SMPL-X-named motions drive a MakeHuman skeleton).
 * Note: matching by role does not re-align rest poses; use retargetMotion for that.
 */
export function mapMotionJoints(motion: Motion, skeleton: Skeleton): Int32Array {
  const map = new Int32Array(skeleton.names.length).fill(-1);
  const byName = new Map(motion.jointNames.map((n, i) => [n, i]));
  const mr = assignRoles(motion.jointNames).roles, sr = assignRoles(skeleton.names).roles;
  const byRole = new Map<JointRole, number>();
  mr.forEach((r, i) => { if (r) byRole.set(r, i); });
  skeleton.names.forEach((n, j) => {
    const exact = byName.get(n);
    if (exact !== undefined) map[j] = exact;
    else if (sr[j]) map[j] = byRole.get(sr[j]!) ?? -1;
  });
  if (!map.some((m) => m >= 0)) {
    throw new PersonaError(`motion '${motion.name}' shares no joint with the skeleton (motion joints: ${motion.jointNames.slice(0, 5).join(', ')}, …)`);
  }
  return map;
}

/** A prepared sampler: time (seconds) → BodyPose on one skeleton. */
export type PoseSampler = (t: number, out?: BodyPose) => BodyPose;

/**
 * Prepares sampling of `motion` on `skeleton`: times between frames are slerped, times outside
 * the clip are clamped (or wrapped with `loop`).
 */
export function createPoseSampler(motion: Motion, skeleton: Skeleton, options: { loop?: boolean } = {}): PoseSampler {
  validateMotion(motion, undefined, { values: false });
  const map = mapMotionJoints(motion, skeleton);
  const J = motion.jointNames.length, Js = skeleton.names.length, F = motion.frameCount;
  const duration = motionDuration(motion);
  return (t: number, out?: BodyPose): BodyPose => {
    const pose = out ?? { rotations: new Float64Array(Js * 3), translation: [0, 0, 0] };
    if (pose.rotations.length !== Js * 3) throw new PersonaError(`samplePose: output holds ${pose.rotations.length / 3} joints, skeleton has ${Js}`);
    let x = options.loop && duration > 0 ? ((t % duration) + duration) % duration : Math.min(Math.max(t, 0), duration);
    if (!Number.isFinite(x)) x = 0;
    const fpos = x * motion.fps;
    const f0 = Math.min(F - 1, Math.floor(fpos)), f1 = Math.min(F - 1, f0 + 1), a = fpos - f0;
    for (let j = 0; j < Js; j++) {
      const m = map[j]!;
      if (m < 0) { pose.rotations[j * 3] = 0; pose.rotations[j * 3 + 1] = 0; pose.rotations[j * 3 + 2] = 0; continue; }
      const o0 = (f0 * J + m) * 4, o1 = (f1 * J + m) * 4;
      const q = a > 0 ? slerp(motion.rotations.subarray(o0, o0 + 4), motion.rotations.subarray(o1, o1 + 4), a) : motion.rotations.subarray(o0, o0 + 4);
      const aa = quatToAxisAngle(q);
      pose.rotations[j * 3] = aa[0]; pose.rotations[j * 3 + 1] = aa[1]; pose.rotations[j * 3 + 2] = aa[2];
    }
    const T = motion.rootTranslation;
    for (let k = 0; k < 3; k++) pose.translation[k] = T[f0 * 3 + k]! * (1 - a) + T[f1 * 3 + k]! * a;
    return pose;
  };
}

/** The pose of `motion` at time `t` (seconds) on `skeleton` (prepare a sampler for many calls). */
export function samplePose(motion: Motion, t: number, skeleton: Skeleton): BodyPose {
  return createPoseSampler(motion, skeleton)(t);
}

/** The pose of frame `frame` of `motion` on `skeleton`. */
export function framePose(motion: Motion, frame: number, skeleton: Skeleton): BodyPose {
  if (!(Number.isInteger(frame) && frame >= 0 && frame < motion.frameCount)) {
    throw new PersonaError(`motion '${motion.name}' has frames 0…${motion.frameCount - 1}, asked for ${frame}`);
  }
  return createPoseSampler(motion, skeleton)(frame / motion.fps);
}

/** The motion resampled at `fps` (slerp between frames; the duration is kept, rounded to whole frames). */
export function resampleMotion(motion: Motion, fps: number): Motion {
  if (!(Number.isFinite(fps) && fps > 0)) throw new PersonaError(`resampleMotion: fps must be positive, got ${fps}`);
  validateMotion(motion);
  const J = motion.jointNames.length;
  const F = Math.max(1, Math.round(motionDuration(motion) * fps) + 1);
  const rotations = new Float32Array(F * J * 4), rootTranslation = new Float32Array(F * 3);
  const flags = motion.flags ? new Uint8Array(F) : undefined;
  for (let f = 0; f < F; f++) {
    const fpos = Math.min(motion.frameCount - 1, (f / fps) * motion.fps);
    const f0 = Math.floor(fpos), f1 = Math.min(motion.frameCount - 1, f0 + 1), a = fpos - f0;
    for (let j = 0; j < J; j++) {
      const o0 = (f0 * J + j) * 4, o1 = (f1 * J + j) * 4;
      rotations.set(slerp(motion.rotations.subarray(o0, o0 + 4), motion.rotations.subarray(o1, o1 + 4), a), (f * J + j) * 4);
    }
    for (let k = 0; k < 3; k++) rootTranslation[f * 3 + k] = motion.rootTranslation[f0 * 3 + k]! * (1 - a) + motion.rootTranslation[f1 * 3 + k]! * a;
    if (flags) flags[f] = motion.flags![a < 0.5 ? f0 : f1]!;
  }
  return { name: motion.name, fps, frameCount: F, jointNames: [...motion.jointNames], rotations, rootTranslation, ...(flags ? { flags } : {}) };
}

/**
 * Plays motions one after another (all on the same joints; frame rates are matched to the
 * first). Each clip's root path continues horizontally from where the previous one ended;
 * `blendFrames` transition frames slerp from one clip's last pose to the next clip's first.
 */
export function concatMotions(motions: Motion[], options: { name?: string; blendFrames?: number } = {}): Motion {
  if (motions.length === 0) throw new PersonaError('concatMotions: no motions given');
  const first = motions[0]!;
  const names = first.jointNames, J = names.length, fps = first.fps;
  const clips = motions.map((m, i) => {
    if (m.jointNames.length !== J || m.jointNames.some((n, k) => n !== names[k])) {
      throw new PersonaError(`concatMotions: motion ${i} ('${m.name}') has different joints from '${first.name}'; retarget both onto one skeleton first`);
    }
    return m.fps === fps ? m : resampleMotion(m, fps);
  });
  const blend = Math.max(0, Math.round(options.blendFrames ?? 0));
  const total = clips.reduce((s, m) => s + m.frameCount, 0) + blend * (clips.length - 1);
  const rotations = new Float32Array(total * J * 4), rootTranslation = new Float32Array(total * 3);
  const anyFlags = clips.some((m) => m.flags);
  const flags = anyFlags ? new Uint8Array(total) : undefined;
  let f = 0;
  const offset = [0, 0, 0];
  clips.forEach((m, i) => {
    if (i > 0) {
      const prev = clips[i - 1]!;
      const lp = (prev.frameCount - 1) * 3;
      // Continue the horizontal path: this clip's first frame sits where the previous one ended.
      offset[0] = rootTranslation[(f - 1) * 3]! - m.rootTranslation[0]!;
      offset[2] = rootTranslation[(f - 1) * 3 + 2]! - m.rootTranslation[2]!;
      for (let b = 1; b <= blend; b++, f++) {
        const a = b / (blend + 1);
        for (let j = 0; j < J; j++) {
          const o0 = ((prev.frameCount - 1) * J + j) * 4, o1 = j * 4;
          rotations.set(slerp(prev.rotations.subarray(o0, o0 + 4), m.rotations.subarray(o1, o1 + 4), a), (f * J + j) * 4);
        }
        rootTranslation[f * 3] = rootTranslation[(f - 1) * 3]!;
        rootTranslation[f * 3 + 1] = prev.rootTranslation[lp + 1]! * (1 - a) + m.rootTranslation[1]! * a;
        rootTranslation[f * 3 + 2] = rootTranslation[(f - 1) * 3 + 2]!;
        if (flags) flags[f] = 1;
      }
    }
    rotations.set(m.rotations, f * J * 4);
    for (let k = 0; k < m.frameCount; k++) {
      rootTranslation[(f + k) * 3] = m.rootTranslation[k * 3]! + offset[0]!;
      rootTranslation[(f + k) * 3 + 1] = m.rootTranslation[k * 3 + 1]!;
      rootTranslation[(f + k) * 3 + 2] = m.rootTranslation[k * 3 + 2]! + offset[2]!;
      if (flags && m.flags) flags[f + k] = m.flags[k]!;
    }
    f += m.frameCount;
  });
  return { name: options.name ?? clips.map((m) => m.name).join('+'), fps, frameCount: total, jointNames: [...names], rotations, rootTranslation, ...(flags ? { flags } : {}) };
}

/**
 * The left/right mirror image of a motion (reflection x → −x): left and right joints swap
 * (by canonical role), each rotation q = [w, x, y, z] becomes [w, x, −y, −z], and the root
 * moves to −x. Valid for skeletons whose rest pose is left/right symmetric.
 */
export function mirrorMotion(motion: Motion): Motion {
  validateMotion(motion);
  const J = motion.jointNames.length, F = motion.frameCount;
  const roles = assignRoles(motion.jointNames).roles;
  const byRole = new Map<JointRole, number>();
  roles.forEach((r, i) => { if (r) byRole.set(r, i); });
  const src = motion.jointNames.map((n, j) => {
    const r = roles[j];
    if (r) return byRole.get(mirrorRole(r)) ?? j;
    // Unknown names: swap common side markers.
    const swapped = n.replace(/(^|[_.\s-])([lLrR])($|[_.\s-])/, (_m, a: string, s: string, b: string) => a + ({ l: 'r', L: 'R', r: 'l', R: 'L' } as Record<string, string>)[s]! + b)
      .replace(/Left|Right/, (s) => (s === 'Left' ? 'Right' : 'Left'));
    const k = motion.jointNames.indexOf(swapped);
    return k >= 0 ? k : j;
  });
  const rotations = new Float32Array(F * J * 4), rootTranslation = new Float32Array(F * 3);
  for (let f = 0; f < F; f++) {
    for (let j = 0; j < J; j++) {
      const i = (f * J + src[j]!) * 4, o = (f * J + j) * 4;
      rotations[o] = motion.rotations[i]!;
      rotations[o + 1] = motion.rotations[i + 1]!;
      rotations[o + 2] = -motion.rotations[i + 2]!;
      rotations[o + 3] = -motion.rotations[i + 3]!;
    }
    rootTranslation[f * 3] = -motion.rootTranslation[f * 3]!;
    rootTranslation[f * 3 + 1] = motion.rootTranslation[f * 3 + 1]!;
    rootTranslation[f * 3 + 2] = motion.rootTranslation[f * 3 + 2]!;
  }
  return { ...motion, name: `${motion.name}-mirrored`, jointNames: [...motion.jointNames], rotations, rootTranslation, ...(motion.flags ? { flags: motion.flags.slice() } : {}) };
}
