/** Small triangle-mesh utilities for the proxy: components, compaction, relaxation, topology checks. */
import { computeVertexNormals } from '../render/index.js';
import { triangleArea } from '../core/vertexAreas.js';

/** Vertex neighbour lists (CSR) of a triangle mesh. */
export function vertexNeighbours(vertexCount: number, triangles: Uint32Array): { offsets: Uint32Array; list: Uint32Array } {
  const sets: Array<Set<number>> = Array.from({ length: vertexCount }, () => new Set());
  for (let f = 0; f < triangles.length; f += 3)
    for (let e = 0; e < 3; e++) {
      const a = triangles[f + e]!, b = triangles[f + ((e + 1) % 3)]!;
      sets[a]!.add(b); sets[b]!.add(a);
    }
  const offsets = new Uint32Array(vertexCount + 1);
  for (let v = 0; v < vertexCount; v++) offsets[v + 1] = offsets[v]! + sets[v]!.size;
  const list = new Uint32Array(offsets[vertexCount]!);
  sets.forEach((s, v) => { let k = offsets[v]!; for (const n of s) list[k++] = n; });
  return { offsets, list };
}

/** Keeps the triangles of the largest connected component and drops unused vertices. */
export function largestComponent(positions: Float32Array, triangles: Uint32Array): { positions: Float32Array; triangles: Uint32Array } {
  const V = positions.length / 3;
  const parent = new Int32Array(V).map((_, i) => i);
  const find = (x: number): number => { while (parent[x] !== x) { parent[x] = parent[parent[x]!]!; x = parent[x]!; } return x; };
  for (let f = 0; f < triangles.length; f += 3) {
    const a = find(triangles[f]!), b = find(triangles[f + 1]!), c = find(triangles[f + 2]!);
    parent[b] = a; parent[find(c)] = a;
  }
  const size = new Map<number, number>();
  for (let f = 0; f < triangles.length; f += 3) { const r = find(triangles[f]!); size.set(r, (size.get(r) ?? 0) + 1); }
  let best = -1, bestSize = 0;
  for (const [r, s] of size) if (s > bestSize) { best = r; bestSize = s; }
  const keep: number[] = [];
  for (let f = 0; f < triangles.length; f += 3) if (find(triangles[f]!) === best) keep.push(f / 3);
  return compact(positions, triangles, keep);
}

/** The mesh of the given triangles only, with vertices renumbered in first-use order. */
export function compact(positions: Float32Array, triangles: Uint32Array, keepTriangles: number[]): { positions: Float32Array; triangles: Uint32Array; vertexMap: Int32Array } {
  const V = positions.length / 3;
  const map = new Int32Array(V).fill(-1);
  const tris = new Uint32Array(keepTriangles.length * 3);
  const pos: number[] = [];
  keepTriangles.forEach((f, i) => {
    for (let c = 0; c < 3; c++) {
      const v = triangles[f * 3 + c]!;
      if (map[v]! < 0) { map[v] = pos.length / 3; pos.push(positions[v * 3]!, positions[v * 3 + 1]!, positions[v * 3 + 2]!); }
      tris[i * 3 + c] = map[v]!;
    }
  });
  return { positions: Float32Array.from(pos), triangles: tris, vertexMap: map };
}

/**
 * Tangential relaxation: each vertex moves towards the mean of its neighbours, minus the part of that move
 * along its normal, so triangles even out while the surface (and the silhouette) stays where it is.
 */
export function relaxTangential(positions: Float32Array, triangles: Uint32Array, iterations: number, step = 0.5): void {
  const V = positions.length / 3;
  const nb = vertexNeighbours(V, triangles);
  const next = new Float32Array(positions.length);
  for (let it = 0; it < iterations; it++) {
    const normals = computeVertexNormals(positions, triangles);
    for (let v = 0; v < V; v++) {
      const s = nb.offsets[v]!, e = nb.offsets[v + 1]!;
      let mx = 0, my = 0, mz = 0;
      for (let k = s; k < e; k++) { const n = nb.list[k]! * 3; mx += positions[n]!; my += positions[n + 1]!; mz += positions[n + 2]!; }
      const cnt = Math.max(1, e - s);
      let dx = mx / cnt - positions[v * 3]!, dy = my / cnt - positions[v * 3 + 1]!, dz = mz / cnt - positions[v * 3 + 2]!;
      const nx = normals[v * 3]!, ny = normals[v * 3 + 1]!, nz = normals[v * 3 + 2]!;
      const d = dx * nx + dy * ny + dz * nz;
      dx -= d * nx; dy -= d * ny; dz -= d * nz;
      next[v * 3] = positions[v * 3]! + step * dx; next[v * 3 + 1] = positions[v * 3 + 1]! + step * dy; next[v * 3 + 2] = positions[v * 3 + 2]! + step * dz;
    }
    positions.set(next);
  }
}

/** Topology report: a closed 2-manifold has every edge in exactly two triangles, used once in each direction. */
export function meshTopology(triangles: Uint32Array): { edges: number; boundaryEdges: number; nonManifoldEdges: number; inconsistentEdges: number } {
  const count = new Map<string, number>();
  for (let f = 0; f < triangles.length; f += 3)
    for (let e = 0; e < 3; e++) {
      const a = triangles[f + e]!, b = triangles[f + ((e + 1) % 3)]!;
      const key = `${a},${b}`;
      count.set(key, (count.get(key) ?? 0) + 1);
    }
  let edges = 0, boundaryEdges = 0, nonManifoldEdges = 0, inconsistentEdges = 0;
  const seen = new Set<string>();
  for (const [key, n] of count) {
    const [a, b] = key.split(',').map(Number) as [number, number];
    const und = a < b ? `${a},${b}` : `${b},${a}`;
    if (seen.has(und)) continue;
    seen.add(und);
    edges++;
    const back = count.get(`${b},${a}`) ?? 0;
    if (n + back === 1) boundaryEdges++;
    else if (n + back > 2) nonManifoldEdges++;
    else if (n !== 1 || back !== 1) inconsistentEdges++;
  }
  return { edges, boundaryEdges, nonManifoldEdges, inconsistentEdges };
}

/** A uniform-grid nearest-point index over points (metres). */
export class PointIndex {
  private readonly cells = new Map<number, number[]>();
  constructor(private readonly points: ArrayLike<number>, private readonly cell = 0.05) {
    for (let i = 0; i < points.length / 3; i++) {
      const k = this.key(Math.floor(points[i * 3]! / cell), Math.floor(points[i * 3 + 1]! / cell), Math.floor(points[i * 3 + 2]! / cell));
      let list = this.cells.get(k);
      if (!list) this.cells.set(k, (list = []));
      list.push(i);
    }
  }
  private key(x: number, y: number, z: number): number { return ((x + 512) * 1024 + (y + 512)) * 1024 + (z + 512); }
  /** Nearest point to (x, y, z) and its squared distance (searches growing shells of cells). */
  nearest(x: number, y: number, z: number, filter?: (i: number) => boolean): { index: number; dist2: number } {
    return this.nearestWithin(x, y, z, Infinity, filter);
  }
  /** Distance to the nearest point, or `maxDistance` when none is nearer (searches only the cells that can hold one). */
  distanceWithin(x: number, y: number, z: number, maxDistance: number): number {
    const r = this.nearestWithin(x, y, z, maxDistance);
    return r.index < 0 ? maxDistance : Math.min(maxDistance, Math.sqrt(r.dist2));
  }
  /** {@link nearest}, giving up (index −1) once every point within `maxDistance` has been searched. */
  nearestWithin(x: number, y: number, z: number, maxDistance: number, filter?: (i: number) => boolean): { index: number; dist2: number } {
    const cx = Math.floor(x / this.cell), cy = Math.floor(y / this.cell), cz = Math.floor(z / this.cell);
    let best = -1, bestD = Infinity;
    const shells = Math.min(64, Math.ceil(maxDistance / this.cell) + 1);
    for (let r = 0; r < shells; r++) {
      for (let dz = -r; dz <= r; dz++) for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
        if (Math.max(Math.abs(dx), Math.abs(dy), Math.abs(dz)) !== r) continue;
        const list = this.cells.get(this.key(cx + dx, cy + dy, cz + dz));
        if (!list) continue;
        for (const i of list) {
          if (filter && !filter(i)) continue;
          const ex = this.points[i * 3]! - x, ey = this.points[i * 3 + 1]! - y, ez = this.points[i * 3 + 2]! - z;
          const d = ex * ex + ey * ey + ez * ez;
          if (d < bestD) { bestD = d; best = i; }
        }
      }
      // everything within r cells is searched; a point in a farther shell is at least r·cell away
      if (best >= 0 && Math.sqrt(bestD) <= r * this.cell) break;
    }
    return { index: best, dist2: bestD };
  }
}

/**
 * Share of mesh `to`'s total area (the same triangles over other positions) in triangles whose area there exceeds
 * `ratio` × their area in `from`. 0 for an empty mesh.
 */
export function stretchedAreaFraction(from: ArrayLike<number>, to: ArrayLike<number>, triangles: Uint32Array, ratio: number): number {
  let total = 0, stretched = 0;
  for (let f = 0; f < triangles.length; f += 3) {
    const a = triangles[f]!, b = triangles[f + 1]!, c = triangles[f + 2]!;
    const at = triangleArea(to, a, b, c);
    total += at;
    if (at > ratio * triangleArea(from, a, b, c)) stretched += at;
  }
  return total > 0 ? stretched / total : 0;
}
