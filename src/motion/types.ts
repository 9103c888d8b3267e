/**
 * A motion clip on the body skeleton, shared by generators, animation, export and the viewer.
 * Rotations use the BodyModel pose convention (src/body/types.ts): per-joint local rotations
 * in world-aligned rest axes; joints are matched to a skeleton by name.
 */
export interface Motion {
  name: string;
  fps: number;
  frameCount: number;
  /** Joint names, in the order of the rotation arrays. */
  jointNames: string[];
  /** frameCount×J×4 local rotations as unit quaternions [w, x, y, z]. */
  rotations: Float32Array;
  /** frameCount×3 root translation (metres) relative to the rest root position. */
  rootTranslation: Float32Array;
  /**
   * Optional expression channels: `names` are named expressions (smile, aa, … — src/body/expressions.ts) or
   * expression units of the avatar's body model; `weights` is frameCount×C, linearly interpolated in time.
   */
  expressions?: { names: string[]; weights: Float32Array };
  /** Optional per-frame flags (e.g. frames filled by interpolation in motion capture). */
  flags?: Uint8Array;
}
