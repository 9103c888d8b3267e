/**
 * Builtin motions: keyframed clips (library.ts) sampled on the canonical skeleton and
 * retargeted onto a body skeleton, with feet kept on the floor.
 */
import type { Skeleton } from '../body/index.js';
import { PersonaError } from '../core/errors.js';
import { canonicalSkeleton, type RestSkeleton } from './canonical.js';
import { groundMotion } from './ground.js';
import { clipSupport, sampleClip } from './keyframes.js';
import { BUILTIN_CLIPS } from './library.js';
import { retargetMotion } from './retarget.js';
import type { Motion } from './types.js';
import { TRAINING_MOTIONS } from './config.js';
import { concatMotions } from './sample.js';

/** Name and one-line description of each builtin motion. */
export function listBuiltinMotions(): Array<{ name: string; description: string; duration: number }> {
  return BUILTIN_CLIPS.map((c) => ({ name: c.name, description: c.description, duration: c.keys[c.keys.length - 1]!.t }));
}

const canonicalCache = new Map<string, Motion>();

/** A builtin motion on the canonical SMPL-X-named T-pose skeleton (not grounded). */
export function getCanonicalBuiltinMotion(name: string): Motion {
  const def = BUILTIN_CLIPS.find((c) => c.name === name);
  if (!def) {
    throw new PersonaError(`unknown builtin motion '${name}'`, {
      hint: `choose one of: ${BUILTIN_CLIPS.map((c) => c.name).join(', ')}, or give a .json, .bvh or .npz motion file`,
    });
  }
  let m = canonicalCache.get(name);
  if (!m) { m = sampleClip(def); canonicalCache.set(name, m); }
  return m;
}

/**
 * A builtin motion on a body skeleton (`rest`: J×3 rest joint positions, metres, Y up,
 * facing +Z). Joints are matched by name (SMPL-X, MakeHuman game_engine, Mixamo, … names);
 * rotations are rest-aligned to the body's own rest pose; the root moves so the feet stay on
 * the floor (and, for stepping motions, do not slide).
 */
export function getBuiltinMotion(name: string, skeleton: Skeleton, rest: ArrayLike<number>): Motion {
  const def = BUILTIN_CLIPS.find((c) => c.name === name);
  const canonical = getCanonicalBuiltinMotion(name);
  const target: RestSkeleton = { skeleton, rest: Float64Array.from(rest) };
  const m = retargetMotion(canonical, canonicalSkeleton(), target);
  if (def!.ground !== false) {
    groundMotion(m, target, def!.plantFeet === true, clipSupport(def!, m.frameCount), Math.round((def!.smoothPath ?? 0) * m.fps));
  }
  return m;
}

/**
 * The training-video motion: TRAINING_MOTIONS played one after another on the body skeleton
 * (each starts and ends in the neutral pose, so the joins are seamless).
 */
export function getTrainingMotion(skeleton: Skeleton, rest: ArrayLike<number>, names: readonly string[] = TRAINING_MOTIONS): Motion {
  return concatMotions(names.map((n) => getBuiltinMotion(n, skeleton, rest)), { name: 'training' });
}
