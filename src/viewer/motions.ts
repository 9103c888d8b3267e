/**
 * Builtin motions for one avatar, pre-exported as persona-motion JSON files (src/motion/json.ts) for the page:
 * each builtin clip retargeted onto the avatar's own skeleton by src/motion (getBuiltinMotion), so the page
 * only plays them.
 */
import type { AvatarHeader } from '../avatar/bundle.js';
import { getBuiltinMotion, listBuiltinMotions } from '../motion/index.js';
import { motionToJson } from '../motion/index.js';

/** One entry of motions/index.json. */
export interface MotionIndexEntry { name: string; file: string; frameCount: number; fps: number; description: string }

/**
 * Returns the files to serve under /motions/ (URL path → JSON text): index.json plus one <name>.json per
 * builtin motion. A clip that cannot be retargeted onto this skeleton is left out and reported in `skipped`.
 */
export function builtinMotionFiles(header: AvatarHeader): { files: Map<string, string>; index: MotionIndexEntry[]; skipped: string[] } {
  const skeleton = { names: header.skeleton.names, parents: Int32Array.from(header.skeleton.parents) };
  const files = new Map<string, string>();
  const index: MotionIndexEntry[] = [];
  const skipped: string[] = [];
  for (const { name, description } of listBuiltinMotions()) {
    try {
      const m = getBuiltinMotion(name, skeleton, header.skeleton.restJoints);
      const file = `${encodeURIComponent(name)}.json`;
      files.set(`/motions/${file}`, JSON.stringify(motionToJson(m)));
      index.push({ name, file, frameCount: m.frameCount, fps: m.fps, description });
    } catch (err) {
      skipped.push(`${name}: ${(err as Error).message}`);
    }
  }
  files.set('/motions/index.json', JSON.stringify({ motions: index }));
  return { files, index, skipped };
}
