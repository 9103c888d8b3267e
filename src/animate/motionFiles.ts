/** Motion files by extension → the parsers of src/motion, retargeted onto the avatar skeleton. */
import { PersonaError } from '../core/errors.js';
import type { RestSkeleton } from '../motion/canonical.js';
import type { Motion } from '../motion/types.js';

/** Extensions `--motion` accepts as files. */
export const MOTION_FILE_EXTENSIONS = ['.bvh', '.json', '.npz'] as const;

/** Reads a motion file and retargets it onto `skeleton`. */
export async function loadMotionFile(path: string, skeleton: RestSkeleton): Promise<Motion> {
  void skeleton;
  throw new PersonaError(`Reading motion files (${path}) is not wired in yet: the parsers of src/motion are still being written.`);
}
