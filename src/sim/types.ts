/**
 * What the simulation room consumes: a deformable surface in the canonical (rest) pose, skinned to the
 * body skeleton. Issue #17's clothed proxy (body ∪ clothing ∪ hair) provides one; the synthetic
 * benchmark builds one from its skirt and hair meshes.
 */
import type { SkinWeights } from '../body/index.js';

/** Material codes of `DeformableSurface.material`. */
export const MATERIAL = { skin: 0, cloth: 1, hair: 2 } as const;
export type MaterialCode = (typeof MATERIAL)[keyof typeof MATERIAL];

/** A deformable surface in the canonical (rest) pose, skinned to the body skeleton. */
export interface DeformableSurface {
  /** V×3 canonical positions, metres (Y up, the person faces +Z). */
  rest: Float32Array;
  /** F×3, counter-clockwise seen from outside. */
  triangles: Uint32Array;
  /** The body model's sparse skinning weights, one row per surface vertex. */
  skin: SkinWeights;
  /** V in [0,1]: 0 = follows linear blend skinning exactly, 1 = fully simulated (smooth blend between). */
  freedom: Float32Array;
  /** V: 0 = skin/tight (never simulated), 1 = cloth, 2 = hair. */
  material: Uint8Array;
}
