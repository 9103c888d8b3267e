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
export function skirtSurface(subject: SyntheticSubject, maxFreedom: number = CLOTH_SURFACE_CONFIG.skirt.max): DeformableSurface {
  if (!subject.skirt) throw new Error(`synthetic subject ${subject.spec.id} has no skirt`);
  const c = CLOTH_SURFACE_CONFIG.skirt;
  return garmentSurface(subject.skirt.mesh, MATERIAL.cloth, c.t0, c.t1, maxFreedom);
}

/** The subject's hair curtain as a hair surface (throws when the subject has none). */
export function hairSurface(subject: SyntheticSubject): DeformableSurface {
  if (!subject.hair) throw new Error(`synthetic subject ${subject.spec.id} has no hair curtain`);
  const c = CLOTH_SURFACE_CONFIG.hair;
  return garmentSurface(subject.hair.mesh, MATERIAL.hair, c.t0, c.t1, c.max);
}

/** A surface with its corner UVs (F×3×2), for the generator. */
export interface TexturedSurface {
  surface: DeformableSurface;
  cornerUvs: Float32Array;
}

/**
 * Body ∪ skirt ∪ hair of a subject as one surface — a stand-in for issue #17's clothed proxy with the
 * proxy's size (the body's own vertices are skin: never simulated). Skinning rows are padded to the
 * largest influence count. The garments' UVs point into their own textures, so a render with one
 * texture shows wrong garment colours: this surface is for timing and geometry, not for pictures.
 */
export function clothedStandIn(subject: SyntheticSubject): TexturedSurface {
  const m = subject.model;
  const parts: Array<{ rest: ArrayLike<number>; triangles: Uint32Array; uvs: Float32Array; skin: DeformableSurface['skin']; freedom: Float32Array; material: Uint8Array }> = [];
  const Vb = m.vertexCount;
  parts.push({ rest: subject.rest, triangles: m.triangles, uvs: m.cornerUvs, skin: m.skinning, freedom: new Float32Array(Vb), material: new Uint8Array(Vb) });
  if (subject.skirt) { const s = skirtSurface(subject); parts.push({ ...s, uvs: subject.skirt.mesh.cornerUvs }); }
  if (subject.hair) { const h = hairSurface(subject); parts.push({ ...h, uvs: subject.hair.mesh.cornerUvs }); }
  const V = parts.reduce((n, p) => n + p.rest.length / 3, 0), F = parts.reduce((n, p) => n + p.triangles.length / 3, 0);
  const K = Math.max(...parts.map((p) => p.skin.influences));
  const rest = new Float32Array(V * 3), triangles = new Uint32Array(F * 3), cornerUvs = new Float32Array(F * 6);
  const joints = new Uint16Array(V * K), weights = new Float32Array(V * K), freedom = new Float32Array(V), material = new Uint8Array(V);
  let v0 = 0, f0 = 0;
  for (const p of parts) {
    const n = p.rest.length / 3, k = p.skin.influences;
    for (let i = 0; i < n * 3; i++) rest[v0 * 3 + i] = p.rest[i]!;
    for (let i = 0; i < p.triangles.length; i++) triangles[f0 * 3 + i] = p.triangles[i]! + v0;
    cornerUvs.set(p.uvs, f0 * 6);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) { joints[(v0 + i) * K + j] = p.skin.joints[i * k + j]!; weights[(v0 + i) * K + j] = p.skin.weights[i * k + j]!; }
    freedom.set(p.freedom, v0); material.set(p.material, v0);
    v0 += n; f0 += p.triangles.length / 3;
  }
  return { surface: { rest, triangles, skin: { influences: K, joints, weights }, freedom, material }, cornerUvs };
}
