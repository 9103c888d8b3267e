/**
 * A coarse simulation cage for a dense deformable surface (docs/sim.md, "The cage").
 *
 * The clothed proxy's loose region has ~10k vertices 1–2 cm apart; simulating each at 30 Hz costs several
 * times the whole generate stage. Cloth folds in the builtin motions have wavelengths of 10–20 cm, so the
 * loose vertices are clustered into particles about `spacing` apart (a greedy Poisson-disk pick in vertex
 * order: a vertex seeds a particle unless a seed of its material lies within `spacing`; every loose vertex
 * joins its nearest seed). The non-loose vertices that touch loose ones (the boundary where the cloth is
 * attached) are clustered the same way into pinned particles. Particles are joined by a stretch constraint
 * where a mesh edge joins their clusters and by a bending (cross) constraint between the two most nearly
 * opposite neighbours of each particle.
 *
 * Embedding: every loose surface vertex carries the interpolated *displacement from skinning* of the
 * particles within `reach`·spacing (kernel (1 − d²/R²)², at most `neighbours` nearest):
 *   x_v = LBS(v) + Σ_p w_vp (x_p − LBS(p)).
 * Pinned particles have zero displacement, so the blend to the skinned body is smooth, and when the cage is
 * at its skinned positions the surface is exactly the skinned surface.
 */
import { PersonaError } from '../core/errors.js';
import { vertexAreas } from '../core/vertexAreas.js';
import { SIM_CONFIG, type SimMaterial } from './config.js';
import { checkSurface, isFree, weldMap, type ClothTopology } from './topology.js';
import { MATERIAL, type DeformableSurface } from './types.js';

/** How the loose surface vertices follow the cage particles. */
export interface CageEmbedding {
  /** M surface vertices that follow the cage (the loose ones, UV-seam duplicates included). */
  vertices: Uint32Array;
  /** M+1 offsets into `particles`/`weights`. */
  offsets: Uint32Array;
  /** Cage particle indices (into the topology) and their weights (each vertex's sum to 1). */
  particles: Uint32Array;
  weights: Float64Array;
}

/** Cage settings (defaults from SIM_CONFIG). */
export interface CageSettings {
  spacing: number;
  reach: number;
  neighbours: number;
}

/** A spatial hash of points with cell size `cell`. */
class Grid {
  private readonly cells = new Map<number, number[]>();
  constructor(private readonly cell: number) {}
  /** Cell key: the integer coordinates modulo 1024 packed in a small integer (cells 1024 apart share a key;
   *  every caller checks distances, so a shared key only costs time). */
  private static key(i: number, j: number, k: number): number { return ((i & 1023) << 20) | ((j & 1023) << 10) | (k & 1023); }
  add(id: number, x: number, y: number, z: number): void {
    const k = Grid.key(Math.floor(x / this.cell), Math.floor(y / this.cell), Math.floor(z / this.cell)), list = this.cells.get(k);
    if (list) list.push(id); else this.cells.set(k, [id]);
  }
  /** Ids in the 27 cells around (x, y, z), in a fixed order. */
  near(x: number, y: number, z: number, out: number[]): number[] {
    out.length = 0;
    const cx = Math.floor(x / this.cell), cy = Math.floor(y / this.cell), cz = Math.floor(z / this.cell);
    for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) for (let c = -1; c <= 1; c++) {
      const list = this.cells.get(Grid.key(cx + a, cy + b, cz + c));
      if (list) for (const id of list) out.push(id);
    }
    return out;
  }
}

const dist = (p: ArrayLike<number>, a: number, b: number) => { const x = p[a * 3]! - p[b * 3]!, y = p[a * 3 + 1]! - p[b * 3 + 1]!, z = p[a * 3 + 2]! - p[b * 3 + 2]!; return Math.sqrt(x * x + y * y + z * z); };

/**
 * Greedy Poisson-disk clustering of `members` (surface vertex ids, in order): returns the seeds and, per
 * member, the index of its nearest seed with the same `group` (material).
 */
function cluster(rest: Float32Array, members: number[], group: (v: number) => number, spacing: number): { seeds: number[]; owner: Map<number, number> } {
  const grid = new Grid(spacing), seeds: number[] = [], near: number[] = [];
  for (const v of members) {
    const x = rest[v * 3]!, y = rest[v * 3 + 1]!, z = rest[v * 3 + 2]!;
    let covered = false;
    for (const s of grid.near(x, y, z, near)) if (group(seeds[s]!) === group(v) && dist(rest, seeds[s]!, v) < spacing) { covered = true; break; }
    if (!covered) { grid.add(seeds.length, x, y, z); seeds.push(v); }
  }
  const owner = new Map<number, number>();
  for (const v of members) {
    let best = -1, bd = Infinity;
    for (const s of grid.near(rest[v * 3]!, rest[v * 3 + 1]!, rest[v * 3 + 2]!, near)) {
      if (group(seeds[s]!) !== group(v)) continue;
      const d = dist(rest, seeds[s]!, v);
      if (d < bd || (d === bd && s < best)) { bd = d; best = s; }
    }
    if (best < 0) throw new PersonaError('simulation cage: a loose vertex has no particle within the spacing (internal error)');
    owner.set(v, best);
  }
  return { seeds, owner };
}

/** The cage of a surface: a ClothTopology over the cage particles plus the embedding of the loose vertices. */
export function buildCage(s: DeformableSurface, materials: { cloth: SimMaterial; hair: SimMaterial } = SIM_CONFIG.materials, settings: CageSettings = { spacing: SIM_CONFIG.cageSpacing, reach: SIM_CONFIG.cageReach, neighbours: SIM_CONFIG.cageNeighbours }, minArea = SIM_CONFIG.minVertexArea): { topo: ClothTopology; embedding: CageEmbedding } {
  checkSurface(s);
  if (!(settings.spacing > 0)) throw new PersonaError(`simulation cage: spacing ${settings.spacing} must be > 0`);
  const V = s.rest.length / 3, nTri = s.triangles.length / 3, K = s.skin.influences;
  const canon = weldMap(s.rest);
  const free = new Uint8Array(V);
  for (let v = 0; v < V; v++) if (isFree(s, v)) free[canon[v]!] = 1;
  // canonical adjacency (edges of welded triangles)
  const T = new Uint32Array(s.triangles.length);
  for (let i = 0; i < T.length; i++) T[i] = canon[s.triangles[i]!]!;
  const boundary = new Uint8Array(V);
  for (let f = 0; f < nTri; f++) for (let e = 0; e < 3; e++) {
    const a = T[f * 3 + e]!, b = T[f * 3 + ((e + 1) % 3)]!;
    if (free[a] && !free[b]) boundary[b] = 1;
    if (free[b] && !free[a]) boundary[a] = 1;
  }
  const looseList: number[] = [], pinnedList: number[] = [];
  for (let v = 0; v < V; v++) if (canon[v] === v) { if (free[v]) looseList.push(v); else if (boundary[v]) pinnedList.push(v); }
  const mat = (v: number) => (s.material[v] === MATERIAL.hair ? 1 : 0);
  const loose = cluster(s.rest, looseList, mat, settings.spacing);
  const pinned = cluster(s.rest, pinnedList, () => 0, settings.spacing);
  const nFree = loose.seeds.length, N = nFree + pinned.seeds.length;
  const particleOfCanon = new Int32Array(V).fill(-1);
  for (const [v, c] of loose.owner) particleOfCanon[v] = c;
  for (const [v, c] of pinned.owner) particleOfCanon[v] = nFree + c;
  const order = [...loose.seeds, ...pinned.seeds];
  const rest = new Float64Array(N * 3), joints = new Uint16Array(N * K), weights = new Float32Array(N * K);
  for (let i = 0; i < N; i++) {
    const v = order[i]!;
    for (let c = 0; c < 3; c++) rest[i * 3 + c] = s.rest[v * 3 + c]!;
    for (let k = 0; k < K; k++) { joints[i * K + k] = s.skin.joints[v * K + k]!; weights[i * K + k] = s.skin.weights[v * K + k]!; }
  }
  // masses: a third of each adjacent triangle's rest area, summed over the cluster; freedom: the cluster's mean
  const area = new Float64Array(N), fSum = new Float64Array(N), fCount = new Float64Array(N);
  const vertexArea = vertexAreas(s.rest, T, V);
  for (let v = 0; v < V; v++) if (free[v]) area[particleOfCanon[v]!]! += vertexArea[v]!;
  for (const v of looseList) { const p = particleOfCanon[v]!; fSum[p]! += s.freedom[v]!; fCount[p]!++; }
  const mats: [SimMaterial, SimMaterial] = [materials.cloth, materials.hair];
  const mass = new Float64Array(N), invMass = new Float64Array(N), materialIndex = new Uint8Array(N), attachOmega = new Float64Array(N);
  for (let i = 0; i < nFree; i++) {
    const mi = mat(order[i]!), m = mats[mi]!;
    materialIndex[i] = mi;
    mass[i] = m.density * Math.max(area[i]!, minArea);
    invMass[i] = 1 / mass[i]!;
    const f = fSum[i]! / fCount[i]!;
    attachOmega[i] = f >= 1 ? 0 : (m.attachOmegaHalf * (1 - f)) / f;
  }
  // stretch: clusters joined by a mesh edge (at least one free)
  const nbr: Array<Set<number>> = Array.from({ length: N }, () => new Set<number>());
  for (let f = 0; f < nTri; f++) for (let e = 0; e < 3; e++) {
    const pa = particleOfCanon[T[f * 3 + e]!]!, pb = particleOfCanon[T[f * 3 + ((e + 1) % 3)]!]!;
    if (pa < 0 || pb < 0 || pa === pb || (pa >= nFree && pb >= nFree)) continue;
    nbr[pa]!.add(pb); nbr[pb]!.add(pa);
  }
  const edgeList: number[] = [];
  for (let a = 0; a < N; a++) for (const b of [...nbr[a]!].sort((x, y) => x - y)) if (a < b) edgeList.push(a, b);
  // bending: for each free particle and neighbour q, the neighbour r most nearly opposite q (cos < −0.5)
  const bendKeys = new Set<number>(), bendList: number[] = [];
  for (let p = 0; p < nFree; p++) {
    const ns = [...nbr[p]!].sort((x, y) => x - y);
    for (const q of ns) {
      let best = -1, bc = -0.5;
      const qx = rest[q * 3]! - rest[p * 3]!, qy = rest[q * 3 + 1]! - rest[p * 3 + 1]!, qz = rest[q * 3 + 2]! - rest[p * 3 + 2]!;
      const ql = Math.hypot(qx, qy, qz);
      for (const r of ns) {
        if (r === q) continue;
        const rx = rest[r * 3]! - rest[p * 3]!, ry = rest[r * 3 + 1]! - rest[p * 3 + 1]!, rz = rest[r * 3 + 2]! - rest[p * 3 + 2]!;
        const c = (qx * rx + qy * ry + qz * rz) / (ql * Math.hypot(rx, ry, rz) || 1);
        if (c < bc) { bc = c; best = r; }
      }
      if (best < 0 || (q >= nFree && best >= nFree)) continue;
      const lo = Math.min(q, best), hi = Math.max(q, best), key = lo * N + hi;
      if (!bendKeys.has(key) && !nbr[lo]!.has(hi)) { bendKeys.add(key); bendList.push(lo, hi); }
    }
  }
  const pairs = (list: number[], kind: 'stretchCompliance' | 'bendCompliance') => {
    const n = list.length / 2, idx = Uint32Array.from(list), restLen = new Float64Array(n), comp = new Float64Array(n);
    for (let e = 0; e < n; e++) {
      const a = list[e * 2]!, b = list[e * 2 + 1]!;
      restLen[e] = dist(rest, a, b);
      comp[e] = mats[materialIndex[a < nFree ? a : b]!]![kind];
    }
    return [idx, restLen, comp] as const;
  };
  const [edges, edgeRest, edgeCompliance] = pairs(edgeList, 'stretchCompliance');
  const [bends, bendRest, bendCompliance] = pairs(bendList, 'bendCompliance');
  const topo: ClothTopology = { vertex: Uint32Array.from(order), particleOf: new Int32Array(V).fill(-1), free: nFree, rest, skin: { influences: K, joints, weights }, invMass, mass, materialIndex, attachOmega, edges, edgeRest, edgeCompliance, bends, bendRest, bendCompliance, materials: mats };
  // embedding of every loose surface vertex
  const R = settings.reach * settings.spacing, grid = new Grid(R), near: number[] = [];
  for (let i = 0; i < N; i++) grid.add(i, rest[i * 3]!, rest[i * 3 + 1]!, rest[i * 3 + 2]!);
  const vertices: number[] = [], offsets: number[] = [0], parts: number[] = [], ws: number[] = [];
  const M = settings.neighbours, cd = new Float64Array(M + 1), cp = new Int32Array(M + 1);
  for (let v = 0; v < V; v++) {
    if (!free[canon[v]!]) continue;
    const x = s.rest[v * 3]!, y = s.rest[v * 3 + 1]!, z = s.rest[v * 3 + 2]!, m = mat(canon[v]!);
    let n = 0; // the M nearest candidates within R, by insertion (ties: lower particle index first)
    for (const p of grid.near(x, y, z, near)) {
      if (p < nFree && materialIndex[p] !== m) continue;
      const dx = rest[p * 3]! - x, dy = rest[p * 3 + 1]! - y, dz = rest[p * 3 + 2]! - z, d = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (d >= R) continue;
      let k = n < M ? n++ : M;
      if (k === M && (d > cd[M - 1]! || (d === cd[M - 1]! && p > cp[M - 1]!))) continue;
      while (k > 0 && (cd[k - 1]! > d || (cd[k - 1] === d && cp[k - 1]! > p))) { if (k < M) { cd[k] = cd[k - 1]!; cp[k] = cp[k - 1]!; } k--; }
      cd[k] = d; cp[k] = p;
    }
    let sum = 0;
    for (let k = 0; k < n; k++) { const u = 1 - (cd[k]! * cd[k]!) / (R * R); sum += u * u; }
    if (!(sum > 0)) throw new PersonaError('simulation cage: a loose vertex has no particle within reach (internal error)');
    vertices.push(v);
    for (let k = 0; k < n; k++) { const u = 1 - (cd[k]! * cd[k]!) / (R * R); parts.push(cp[k]!); ws.push((u * u) / sum); }
    offsets.push(parts.length);
  }
  return { topo, embedding: { vertices: Uint32Array.from(vertices), offsets: Uint32Array.from(offsets), particles: Uint32Array.from(parts), weights: Float64Array.from(ws) } };
}
