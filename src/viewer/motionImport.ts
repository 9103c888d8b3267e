/**
 * Turning a motion file dropped on the page into a Motion on the avatar's skeleton (bundled into the page).
 * persona-motion JSON (src/motion/json.ts) with a skeleton is retargeted from it; without one, a motion
 * naming the avatar's joints is used as it is and one with SMPL-X (canonical) names is retargeted from the
 * canonical skeleton. BVH files are parsed and retargeted by src/motion/bvh.ts.
 */
import type { AvatarHeader } from '../avatar/bundle.js';
import { PersonaError } from '../core/errors.js';
import { canonicalSkeleton, type RestSkeleton } from '../motion/canonical.js';
import { retargetMotion } from '../motion/retarget.js';
import type { Motion } from '../motion/types.js';
import { parseMotionJson } from '../motion/json.js';
import { bvhToMotion, parseBvh } from '../motion/bvh.js';

/** The avatar's rest skeleton in the form src/motion retargets onto. */
export function avatarRestSkeleton(header: AvatarHeader): RestSkeleton {
  return {
    skeleton: { names: [...header.skeleton.names], parents: Int32Array.from(header.skeleton.parents) },
    rest: Float64Array.from(header.skeleton.restJoints),
  };
}

/** Share of the avatar's joints that a motion names directly. */
function coverage(m: Motion, names: readonly string[]): number {
  const set = new Set(m.jointNames);
  return names.filter((n) => set.has(n)).length / names.length;
}

/** Puts a motion with canonical (SMPL-X) joint names onto the full canonical skeleton order (identity elsewhere). */
function onCanonical(m: Motion): Motion | null {
  const canon = canonicalSkeleton().skeleton.names;
  const at = new Map(canon.map((n, j) => [n, j] as const));
  if (!m.jointNames.every((n) => at.has(n))) return null;
  const Jc = canon.length, Jm = m.jointNames.length;
  const rotations = new Float32Array(m.frameCount * Jc * 4);
  for (let f = 0; f < m.frameCount; f++) {
    for (let j = 0; j < Jc; j++) rotations[(f * Jc + j) * 4] = 1;
    m.jointNames.forEach((n, s) => rotations.set(m.rotations.subarray((f * Jm + s) * 4, (f * Jm + s) * 4 + 4), (f * Jc + at.get(n)!) * 4));
  }
  return { ...m, jointNames: [...canon], rotations };
}

/** Parses a dropped `.json` or `.bvh` motion file and brings it onto the avatar skeleton. */
export function importMotionFile(fileName: string, text: string, header: AvatarHeader): Motion {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'dropped';
  const lower = fileName.toLowerCase();
  const target = avatarRestSkeleton(header);
  if (lower.endsWith('.json')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new PersonaError(`${fileName} is not valid JSON (${(err as Error).message}).`);
    }
    const file = parseMotionJson(value, fileName);
    const m = file.motion.name === 'motion' ? { ...file.motion, name: base } : file.motion;
    if (file.skeleton) return retargetMotion(m, file.skeleton, target);
    if (coverage(m, header.skeleton.names) >= 0.5) return m;
    const canon = onCanonical(m);
    if (canon) return retargetMotion(canon, canonicalSkeleton(), target);
    throw new PersonaError(`${fileName}: its joints (${m.jointNames.slice(0, 4).join(', ')}, …) are neither the avatar's nor SMPL-X names.`, {
      hint: 'Give a BVH file (retargeted by joint names) or a motion JSON on the avatar or SMPL-X skeleton.',
    });
  }
  if (lower.endsWith('.bvh')) return bvhToMotion(parseBvh(text, fileName), target, { name: base });
  throw new PersonaError(`${fileName}: unsupported motion file (give a .bvh or .json).`);
}
