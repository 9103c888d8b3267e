/**
 * The simulated part of a surface, compacted: which vertices move (free particles), which pinned ones
 * they are tied to, and the constraints between them (edges for stretch, cross-edges for bending).
 */
import { PersonaError } from '../core/errors.js';
import { vertexAreas } from '../core/vertexAreas.js';
import type { SkinWeights } from '../body/index.js';
import type { DeformableSurface } from './types.js';
import { MATERIAL } from './types.js';
import { SIM_CONFIG, type SimMaterial } from './config.js';

/** The compact particle system of one surface. */
export interface ClothTopology {
  /** N surface-vertex index of each particle (free particles first, then the pinned ones they touch). */
  vertex: Uint32Array;
  /** V: the particle of each surface vertex (UV-seam duplicates share one), −1 where none. */
  particleOf: Int32Array;
  /** Number of free particles (the first `free` entries of `vertex`). */
  free: number;
  /** N×3 rest positions. */
  rest: Float64Array;
  /** Skinning rows of the N particles. */
  skin: SkinWeights;
  /** N inverse masses (0 for pinned). */
  invMass: Float64Array;
  /** N masses (0 for pinned). */
  mass: Float64Array;
  /** N material of each free particle: 0 cloth, 1 hair (index into the material table). */
  materialIndex: Uint8Array;
  /** N attachment natural frequency ω (rad/s), 0 = none (free). */
  attachOmega: Float64Array;
  /** E×2 particle pairs and E rest lengths and compliances of the stretch constraints. */
  edges: Uint32Array; edgeRest: Float64Array; edgeCompliance: Float64Array;
  /** B×2 cross-edge pairs (the two vertices opposite a shared edge), rest lengths, compliances. */
  bends: Uint32Array; bendRest: Float64Array; bendCompliance: Float64Array;
  /** The materials, indexed by materialIndex. */
  materials: [SimMaterial, SimMaterial];
}

/** Checks a surface's arrays against each other; throws a PersonaError naming the first mismatch. */
export function checkSurface(s: DeformableSurface): void {
  const V = s.rest.length / 3;
  const bad = (what: string) => { throw new PersonaError(`deformable surface: ${what}`, { hint: 'rest V×3, triangles F×3 (< V), skin V rows, freedom V in [0,1], material V in {0,1,2}' }); };
  if (!Number.isInteger(V) || V === 0) bad(`rest has ${s.rest.length} values (not V×3)`);
  if (s.triangles.length % 3 !== 0) bad(`triangles has ${s.triangles.length} entries (not F×3)`);
  for (let i = 0; i < s.triangles.length; i++) if (s.triangles[i]! >= V) { bad(`triangle index ${s.triangles[i]} ≥ V = ${V}`); }
  if (s.skin.joints.length !== V * s.skin.influences || s.skin.weights.length !== V * s.skin.influences) bad(`skin has ${s.skin.weights.length / s.skin.influences} rows, V = ${V}`);
  if (s.freedom.length !== V) bad(`freedom has ${s.freedom.length} entries, V = ${V}`);
  if (s.material.length !== V) bad(`material has ${s.material.length} entries, V = ${V}`);
  for (let i = 0; i < V; i++) {
    const f = s.freedom[i]!;
    if (!(f >= 0 && f <= 1)) bad(`freedom[${i}] = ${f} outside [0,1]`);
    if (s.material[i]! > MATERIAL.hair) bad(`material[${i}] = ${s.material[i]} (0 skin, 1 cloth, 2 hair)`);
  }
}

/** Whether a surface vertex is simulated: cloth or hair with freedom > 0. */
export function isFree(s: DeformableSurface, v: number): boolean {
  return s.material[v] !== MATERIAL.skin && s.freedom[v]! > 0;
}

/** V: the first vertex with exactly the same rest position as each vertex (itself when unique). */
export function weldMap(rest: Float32Array): Uint32Array {
  const V = rest.length / 3, canon = new Uint32Array(V), seen = new Map<number, number[]>();
  // bucket by the float32 bit patterns (exact equality is checked within a bucket)
  const bits = new Uint32Array(rest.buffer, rest.byteOffset, rest.length);
  for (let v = 0; v < V; v++) {
    const k = ((bits[v * 3]! * 73856093) ^ (bits[v * 3 + 1]! * 19349663) ^ (bits[v * 3 + 2]! * 83492791)) & 0x3fffffff; // a small integer key (fast Map hashing)
    const list = seen.get(k);
    let first = -1;
    if (list) { for (const u of list) if (rest[u * 3] === rest[v * 3] && rest[u * 3 + 1] === rest[v * 3 + 1] && rest[u * 3 + 2] === rest[v * 3 + 2]) { first = u; break; } }
    if (first >= 0) canon[v] = first;
    else { canon[v] = v; if (list) list.push(v); else seen.set(k, [v]); }
  }
  return canon;
}

/** Builds the compact particle system (empty when nothing is free). */
export function buildTopology(s: DeformableSurface, materials: { cloth: SimMaterial; hair: SimMaterial } = SIM_CONFIG.materials, minArea = SIM_CONFIG.minVertexArea): ClothTopology {
  checkSurface(s);
  const V = s.rest.length / 3, F = s.triangles.length / 3;
  // Weld: vertices at the same rest position (UV seams) are one particle, so a seam cannot open.
  const canon = weldMap(s.rest);
  const T = new Uint32Array(s.triangles.length);
  for (let i = 0; i < T.length; i++) T[i] = canon[s.triangles[i]!]!;
  const free = new Uint8Array(V);
  for (let v = 0; v < V; v++) if (isFree(s, v)) free[canon[v]!] = 1;
  // Edges (each once) with their one or two opposite vertices.
  const edgeOpp = new Map<number, number[]>();
  const key = (a: number, b: number) => (a < b ? a * V + b : b * V + a);
  for (let f = 0; f < F; f++) for (let e = 0; e < 3; e++) {
    if (T[f * 3]! === T[f * 3 + 1]! || T[f * 3 + 1]! === T[f * 3 + 2]! || T[f * 3]! === T[f * 3 + 2]!) break; // degenerate after welding
    const a = T[f * 3 + e]!, b = T[f * 3 + ((e + 1) % 3)]!, c = T[f * 3 + ((e + 2) % 3)]!;
    const k = key(a, b);
    const list = edgeOpp.get(k);
    if (list) list.push(c); else edgeOpp.set(k, [c]);
  }
  const edgeList: number[] = [], bendList: number[] = [];
  for (const [k, opp] of edgeOpp) {
    const a = Math.floor(k / V), b = k - a * V;
    if (free[a] || free[b]) edgeList.push(a, b);
    if (opp.length === 2) { const c = opp[0]!, d = opp[1]!; if (c !== d && (free[c] || free[d])) bendList.push(c, d); }
  }
  // Particles: free ones first (surface order), then each pinned vertex a constraint touches.
  const local = new Int32Array(V).fill(-1);
  const order: number[] = [];
  for (let v = 0; v < V; v++) if (free[v] && canon[v] === v) { local[v] = order.length; order.push(v); }
  const nFree = order.length;
  for (const list of [edgeList, bendList]) for (const v of list) if (local[v]! < 0) { local[v] = order.length; order.push(v); }
  const N = order.length, K = s.skin.influences;
  const rest = new Float64Array(N * 3), joints = new Uint16Array(N * K), weights = new Float32Array(N * K);
  for (let i = 0; i < N; i++) {
    const v = order[i]!;
    for (let c = 0; c < 3; c++) rest[i * 3 + c] = s.rest[v * 3 + c]!;
    for (let k = 0; k < K; k++) { joints[i * K + k] = s.skin.joints[v * K + k]!; weights[i * K + k] = s.skin.weights[v * K + k]!; }
  }
  // Lumped masses: a third of each adjacent triangle's rest area (welded copies add into their particle).
  const vertexArea = vertexAreas(s.rest, T, V);
  const area = new Float64Array(N);
  for (let v = 0; v < V; v++) if (free[v]) area[local[v]!]! += vertexArea[v]!;
  const mats: [SimMaterial, SimMaterial] = [materials.cloth, materials.hair];
  const mass = new Float64Array(N), invMass = new Float64Array(N), materialIndex = new Uint8Array(N), attachOmega = new Float64Array(N);
  for (let i = 0; i < nFree; i++) {
    const v = order[i]!, mi = s.material[v] === MATERIAL.hair ? 1 : 0, m = mats[mi]!;
    materialIndex[i] = mi;
    mass[i] = m.density * Math.max(area[i]!, minArea);
    invMass[i] = 1 / mass[i]!;
    const f = s.freedom[v]!;
    attachOmega[i] = f >= 1 ? 0 : (m.attachOmegaHalf * (1 - f)) / f;
  }
  const pairs = (list: number[], kind: 'stretchCompliance' | 'bendCompliance') => {
    const n = list.length / 2, idx = new Uint32Array(n * 2), restLen = new Float64Array(n), comp = new Float64Array(n);
    for (let e = 0; e < n; e++) {
      const a = list[e * 2]!, b = list[e * 2 + 1]!, la = local[a]!, lb = local[b]!;
      idx[e * 2] = la; idx[e * 2 + 1] = lb;
      restLen[e] = Math.hypot(rest[la * 3]! - rest[lb * 3]!, rest[la * 3 + 1]! - rest[lb * 3 + 1]!, rest[la * 3 + 2]! - rest[lb * 3 + 2]!);
      const owner = free[a] ? la : lb; // the material of a free end
      comp[e] = mats[materialIndex[owner]!]![kind];
    }
    return [idx, restLen, comp] as const;
  };
  const [edges, edgeRest, edgeCompliance] = pairs(edgeList, 'stretchCompliance');
  const [bends, bendRest, bendCompliance] = pairs(bendList, 'bendCompliance');
  const particleOf = new Int32Array(V);
  for (let v = 0; v < V; v++) particleOf[v] = local[canon[v]!]!;
  return { vertex: Uint32Array.from(order), particleOf, free: nFree, rest, skin: { influences: K, joints, weights }, invMass, mass, materialIndex, attachOmega, edges, edgeRest, edgeCompliance, bends, bendRest, bendCompliance, materials: mats };
}
