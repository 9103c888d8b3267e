/**
 * Deformable surfaces (src/sim) made from a synthetic subject's garment meshes, for the cloth tests,
 * the simulation benchmark and the figures: until the clothed proxy (issue #17) exists, the skirt and
 * hair curtain of subjects 2 and 4 are the loose regions to simulate.
 *
 * Freedom rises smoothly with the garment's hem parameter t (0 at the waist / crown, 1 at the hem / tips):
 * f = max·smoothstep((t − t0)/(t1 − t0)), so the waistband and the scalp follow skinning exactly and the hem
 * and tips are nearly free (max 0.9: a weak attachment that carries their weight keeps the A-line drape of
 * the rest shape; with f = 1 the hem ring has no weight support and the flare collapses into the legs).
 */
import { MATERIAL, type DeformableSurface } from '../sim/index.js';
import type { GarmentMesh } from './garments.js';
import type { SyntheticSubject } from './subjects.js';

/** Where freedom starts and reaches 1 along the hem parameter, per garment. */
export const CLOTH_SURFACE_CONFIG = { skirt: { t0: 0.05, t1: 1, max: 0.9 }, hair: { t0: 0.2, t1: 1, max: 0.9 } } as const;

function smoothstep(x: number): number {
  const t = Math.min(1, Math.max(0, x));
  return t * t * (3 - 2 * t);
}

/** A garment mesh as a deformable surface of one material. */
export function garmentSurface(mesh: GarmentMesh, material: number, t0: number, t1: number, max = 1): DeformableSurface {
  const V = mesh.hem.length;
  const freedom = new Float32Array(V), mat = new Uint8Array(V).fill(material);
  for (let i = 0; i < V; i++) freedom[i] = max * smoothstep((mesh.hem[i]! - t0) / (t1 - t0));
  return { rest: mesh.rest, triangles: mesh.triangles, skin: mesh.skin, freedom, material: mat };
}

/** The subject's skirt as a cloth surface (throws when the subject has none). */
export function skirtSurface(subject: SyntheticSubject): DeformableSurface {
  if (!subject.skirt) throw new Error(`synthetic subject ${subject.spec.id} has no skirt`);
  const c = CLOTH_SURFACE_CONFIG.skirt;
  return garmentSurface(subject.skirt.mesh, MATERIAL.cloth, c.t0, c.t1, c.max);
}

/** The subject's hair curtain as a hair surface (throws when the subject has none). */
export function hairSurface(subject: SyntheticSubject): DeformableSurface {
  if (!subject.hair) throw new Error(`synthetic subject ${subject.spec.id} has no hair curtain`);
  const c = CLOTH_SURFACE_CONFIG.hair;
  return garmentSurface(subject.hair.mesh, MATERIAL.hair, c.t0, c.t1, c.max);
}
