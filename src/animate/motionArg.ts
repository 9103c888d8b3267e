/**
 * The `--motion` and `--pose` arguments: a builtin motion name or a motion file, loaded onto an avatar's
 * skeleton; and named poses (a builtin motion's frame, or `rest`).
 */
import type { AvatarBundle } from '../avatar/bundle.js';
import { PersonaError } from '../core/errors.js';
import { getBuiltinMotion, listBuiltinMotions } from '../motion/index.js';
import type { RestSkeleton } from '../motion/index.js';
import type { Motion } from '../motion/index.js';
import type { AvatarPose } from '../export/cloud.js';
import { restPose } from '../export/cloud.js';
import { avatarRestSkeleton, bindMotion, framePose } from './poses.js';
import { loadMotion, type LoadMotionOptions } from '../motion/index.js';
import { resolveExpression } from '../avatar/expression.js';

/**
 * Gives `pose` the expression `spec` (a named expression or unit=weight list, src/avatar/expression.ts):
 * unit weights in `pose.expression` and the jaw opening added to the `jaw` joint's rotation about X.
 */
export function poseWithExpression(avatar: AvatarBundle, pose: AvatarPose, spec: string): AvatarPose {
  const e = resolveExpression(avatar, spec);
  const rotations = Float64Array.from(pose.rotations);
  const jaw = avatar.header.skeleton.names.indexOf('jaw');
  if (jaw >= 0) rotations[jaw * 3] += e.jaw;
  return { ...pose, rotations, expression: e.weights };
}

/** Whether `arg` names a builtin motion. */
export function isBuiltinMotion(arg: string): boolean {
  return listBuiltinMotions().some((m) => m.name === arg);
}

/**
 * Loads a motion for `skeleton` from a builtin name or a file path (.bvh with Mixamo/CMU/generic names,
 * persona-motion or SMPL-X .json, AMASS-style .npz), retargeted onto the skeleton (src/motion/load.ts).
 * Errors name the file and, where the parser knows them, the line or field.
 */
export async function loadMotionArg(arg: string, skeleton: RestSkeleton, options: LoadMotionOptions = {}): Promise<Motion> {
  return loadMotion(arg, skeleton, options);
}

/** The frame `frame` of a motion as an avatar pose; negative counts from the end. */
export function motionFramePose(motion: Motion, avatar: AvatarBundle, frame: number): AvatarPose {
  const b = bindMotion(motion, avatar);
  const F = motion.frameCount;
  const k = frame < 0 ? F + frame : frame;
  if (!Number.isInteger(k) || k < 0 || k >= F)
    throw new PersonaError(`Frame ${frame} is outside motion "${motion.name}" (frames 0…${F - 1}).`, { exitCode: 2 });
  return framePose(b, k);
}

/**
 * A pose from the `--pose` / `--motion` + `--frame` options: `rest`; a builtin motion name with an
 * optional `@frame` (default: its middle frame), e.g. `t-pose`, `dance@45`; or a motion with `frame`.
 */
export async function resolvePose(avatar: AvatarBundle, spec: { pose?: string; motion?: string; frame?: number }): Promise<AvatarPose> {
  const rs = avatarRestSkeleton(avatar);
  if (spec.motion !== undefined) {
    if (spec.pose !== undefined) throw new PersonaError('Give either --pose or --motion with --frame, not both.', { exitCode: 2 });
    const m = await loadMotionArg(spec.motion, rs);
    return motionFramePose(m, avatar, spec.frame ?? Math.floor(m.frameCount / 2));
  }
  if (spec.frame !== undefined) throw new PersonaError('--frame needs --motion.', { exitCode: 2 });
  const name = spec.pose ?? 'rest';
  if (name === 'rest') return restPose(avatar);
  const at = name.lastIndexOf('@');
  const base = at > 0 ? name.slice(0, at) : name;
  const frame = at > 0 ? Number(name.slice(at + 1)) : undefined;
  if (at > 0 && !Number.isInteger(frame)) throw new PersonaError(`--pose ${name}: the frame after "@" must be an integer.`, { exitCode: 2 });
  if (!isBuiltinMotion(base))
    throw new PersonaError(`Unknown pose "${name}".`, {
      hint: `Use rest, or a builtin motion name (optionally name@frame): ${listBuiltinMotions().map((m) => m.name).join(', ')}; or --motion FILE --frame K.`,
      exitCode: 2,
    });
  const m = getBuiltinMotion(base, rs.skeleton, rs.rest);
  return motionFramePose(m, avatar, frame ?? Math.floor(m.frameCount / 2));
}
