/**
 * One entry point for every motion source: a builtin name, a persona-motion `.json`, an
 * SMPL-X parameter `.json` / `.npz`, or a `.bvh` — always returned on the body skeleton.
 */
import { access, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { PersonaError } from '../core/errors.js';
import { checkMotionFps, checkMotionSize } from './limits.js';
import { getBuiltinMotion, listBuiltinMotions } from './builtin.js';
import { readBvhMotion, readSmplxMotion, writeBvh, writeMotionJson } from './io.js';
import { canonicalSkeleton, type RestSkeleton } from './canonical.js';
import { MOTION_JSON_FORMAT } from './config.js';
import { parseMotionJson } from './json.js';
import { retargetMotion, validateRestSkeleton } from './retarget.js';
import { mapMotionJoints, resampleMotion } from './sample.js';
import { parseSmplxJson, smplxToMotion, type SmplxImportOptions } from './smplx.js';
import type { Motion } from './types.js';

/** Options of loadMotion. */
export interface LoadMotionOptions {
  /** Resample to this frame rate. */
  fps?: number;
  /** For files: keep the first frame's horizontal root position instead of moving it to the rest position. */
  keepStart?: boolean;
  /** For SMPL-X files: the world up axis. */
  upAxis?: SmplxImportOptions['upAxis'];
}

/**
 * A motion on `target` whose joints follow the target skeleton, matched by name (exact, then
 * canonical role); skeleton joints the motion lacks stay at rest.
 */
export function motionOnSkeleton(motion: Motion, target: RestSkeleton): Motion {
  const names = target.skeleton.names;
  if (motion.jointNames.length === names.length && motion.jointNames.every((n, i) => n === names[i])) return motion;
  const map = mapMotionJoints(motion, target.skeleton);
  const J = motion.jointNames.length, Jt = names.length, F = motion.frameCount;
  const rotations = new Float32Array(F * Jt * 4);
  for (let f = 0; f < F; f++) {
    for (let j = 0; j < Jt; j++) {
      const m = map[j]!, o = (f * Jt + j) * 4;
      if (m < 0) rotations[o] = 1;
      else rotations.set(motion.rotations.subarray((f * J + m) * 4, (f * J + m) * 4 + 4), o);
    }
  }
  return { ...motion, jointNames: [...names], rotations, rootTranslation: motion.rootTranslation.slice() };
}

/** Whether two skeletons have the same joints and rest positions (within 0.1 mm). */
function sameSkeleton(a: RestSkeleton, b: RestSkeleton): boolean {
  const n = a.skeleton.names;
  if (n.length !== b.skeleton.names.length || n.some((x, i) => x !== b.skeleton.names[i])) return false;
  for (let i = 0; i < a.rest.length; i++) if (Math.abs(a.rest[i]! - b.rest[i]!) > 1e-4) return false;
  return true;
}

/**
 * A persona-motion file onto the body: retargeted from its own skeleton when it has one; without
 * one, a motion naming the body's joints is used as it is, and one in SMPL-X names is taken to
 * be on the canonical SMPL-X T-pose skeleton and retargeted from it.
 */
export function fromJsonFile(motion: Motion, skeleton: RestSkeleton | undefined, target: RestSkeleton): Motion {
  if (skeleton) return sameSkeleton(skeleton, target) ? motionOnSkeleton(motion, target) : retargetMotion(motion, skeleton, target);
  const names = new Set(target.skeleton.names);
  const direct = motion.jointNames.filter((n) => names.has(n)).length;
  const canon = canonicalSkeleton();
  const canonNames = new Set(canon.skeleton.names);
  if (direct < motion.jointNames.length / 2 && motion.jointNames.every((n) => canonNames.has(n))) {
    const Jc = canon.skeleton.names.length, Jm = motion.jointNames.length, F = motion.frameCount;
    const at = motion.jointNames.map((n) => canon.skeleton.names.indexOf(n));
    const rotations = new Float32Array(F * Jc * 4);
    for (let f = 0; f < F; f++) {
      for (let j = 0; j < Jc; j++) rotations[(f * Jc + j) * 4] = 1;
      for (let m = 0; m < Jm; m++) rotations.set(motion.rotations.subarray((f * Jm + m) * 4, (f * Jm + m) * 4 + 4), (f * Jc + at[m]!) * 4);
    }
    return retargetMotion({ ...motion, jointNames: [...canon.skeleton.names], rotations }, canon, target);
  }
  return motionOnSkeleton(motion, target);
}

async function exists(p: string): Promise<boolean> {
  try { await access(p); return true; } catch { return false; }
}

/**
 * Loads a motion for the body `target` (skeleton + J×3 rest joints). `spec` is a builtin name
 * (see listBuiltinMotions) or a path: `.json` (persona-motion, or SMPL-X parameters), `.bvh`,
 * `.npz` (AMASS-style SMPL-X). Files are retargeted onto the body's rest pose.
 */
export async function loadMotion(spec: string, target: RestSkeleton, options: LoadMotionOptions = {}): Promise<Motion> {
  validateRestSkeleton(target, 'body skeleton');
  const builtin = listBuiltinMotions().find((m) => m.name === spec);
  let motion: Motion;
  const ext = extname(spec).toLowerCase();
  if (builtin && !(await exists(spec))) {
    motion = getBuiltinMotion(spec, target.skeleton, target.rest);
  } else {
    if (!(await exists(spec))) {
      throw new PersonaError(`motion '${spec}' is neither a builtin motion nor an existing file`, {
        hint: `builtin motions: ${listBuiltinMotions().map((m) => m.name).join(', ')}; files: .json, .bvh, .npz`,
        exitCode: 2,
      });
    }
    const recenter = !options.keepStart;
    if (ext === '.bvh') motion = await readBvhMotion(spec, target, { recenter });
    else if (ext === '.npz') motion = await readSmplxMotion(spec, target, { recenter, upAxis: options.upAxis });
    else if (ext === '.json') {
      let value: unknown;
      try { value = JSON.parse(await readFile(spec, 'utf8')); } catch (e) {
        throw new PersonaError(`${spec}: not valid JSON (${(e as Error).message})`);
      }
      const name = spec.replace(/^.*[\\/]/, '').replace(/\.json$/i, '');
      if (typeof value === 'object' && value !== null && (value as { format?: unknown }).format === MOTION_JSON_FORMAT) {
        const file = parseMotionJson(value, spec);
        motion = fromJsonFile(file.motion, file.skeleton, target);
        if (file.motion.expressions && motion.frameCount === file.motion.frameCount) motion = { ...motion, expressions: file.motion.expressions }; // retargeting keeps the frames
      } else if (typeof value === 'object' && value !== null && ('poses' in value || 'frames' in value || 'root_orient' in value || 'global_orient' in value)) {
        motion = smplxToMotion(parseSmplxJson(value, spec), target, { recenter, upAxis: options.upAxis, name });
      } else {
        throw new PersonaError(`${spec}: unknown JSON motion: expected "format": "${MOTION_JSON_FORMAT}" or SMPL-X parameters (poses/trans or frames of global_orient/body_pose…)`);
      }
    } else {
      throw new PersonaError(`motion file ${spec}: unknown extension '${ext}'`, { hint: 'use .json (persona-motion or SMPL-X), .bvh or .npz', exitCode: 2 });
    }
  }
  checkMotionSize(`motion '${spec}'`, motion.frameCount, motion.fps);
  if (options.fps) checkMotionFps(`motion '${spec}'`, options.fps, 'the requested fps');
  return options.fps && options.fps !== motion.fps ? resampleMotion(motion, options.fps) : motion;
}

/** Saves a motion on the body skeleton as `.json` (persona-motion, with the skeleton) or `.bvh`. */
export async function saveMotion(path: string, motion: Motion, rs: RestSkeleton): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') await writeMotionJson(path, motion, rs);
  else if (ext === '.bvh') await writeBvh(path, motion, rs);
  else throw new PersonaError(`cannot save a motion as '${ext}'`, { hint: 'use .json or .bvh' });
}
