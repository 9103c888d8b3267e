/**
 * Unsigned distance from a point to a triangle mesh, exact for the triangles around the nearest vertex
 * (enough near a reasonably even surface, which is where it is used).
 */
import { PointIndex } from './meshOps.js';

/** Distance queries against one mesh. */
export class MeshDistance {
  private readonly index: PointIndex;
  private readonly triOffsets: Uint32Array;
  private readonly triList: Uint32Array;
  private readonly scratch = new Float64Array(2);
  constructor(private readonly positions: ArrayLike<number>, private readonly triangles: Uint32Array) {
    this.index = new PointIndex(positions, 0.04);
    const V = positions.length / 3;
    const count = new Uint32Array(V + 1);
    for (let f = 0; f < triangles.length; f++) count[triangles[f]! + 1]!++;
    for (let v = 0; v < V; v++) count[v + 1]! += count[v]!;
    this.triOffsets = count.slice();
    this.triList = new Uint32Array(triangles.length);
    const fill = count.slice();
    for (let f = 0; f < triangles.length; f++) this.triList[fill[triangles[f]!]!++] = Math.floor(f / 3);
  }

  /** Distance (metres) from (x, y, z) to the mesh, and the nearest vertex. */
  distance(x: number, y: number, z: number): number {
    return this.nearest(x, y, z).distance;
  }

  /** Nearest vertex (among those `filter` accepts, if given) and the distance to the triangles around it. */
  nearest(x: number, y: number, z: number, filter?: (vertex: number) => boolean): { vertex: number; distance: number } {
    const { index: v, dist2 } = this.index.nearest(x, y, z, filter);
    let best = dist2;
    for (let k = this.triOffsets[v]!; k < this.triOffsets[v + 1]!; k++) {
      const f = this.triList[k]!;
      best = Math.min(best, pointTriangleDist2(this.positions, this.triangles[f * 3]!, this.triangles[f * 3 + 1]!, this.triangles[f * 3 + 2]!, x, y, z));
    }
    return { vertex: v, distance: Math.sqrt(best) };
  }

  /** The nearest point on the triangles around `vertex` (the nearest vertex to (x, y, z), found by {@link nearest}) that `accept`
   * takes: its triangle (−1 when none is taken) and barycentric weights of the triangle's corners 0, 1, 2. */
  surfacePoint(x: number, y: number, z: number, vertex: number, accept: (triangle: number) => boolean = () => true): { triangle: number; weights: [number, number, number] } {
    const uv = this.scratch;
    let best = Infinity, triangle = -1, u = 0, v = 0;
    for (let k = this.triOffsets[vertex]!; k < this.triOffsets[vertex + 1]!; k++) {
      const f = this.triList[k]!;
      if (!accept(f)) continue;
      const d = closestOnTriangle(this.positions, this.triangles[f * 3]!, this.triangles[f * 3 + 1]!, this.triangles[f * 3 + 2]!, x, y, z, uv);
      if (d < best) { best = d; triangle = f; u = uv[0]!; v = uv[1]!; }
    }
    return { triangle, weights: [1 - u - v, u, v] };
  }
}

/** Squared distance from p to triangle (a, b, c). */
export function pointTriangleDist2(P: ArrayLike<number>, ia: number, ib: number, ic: number, px: number, py: number, pz: number): number {
  return closestOnTriangle(P, ia, ib, ic, px, py, pz, SCRATCH);
}

const SCRATCH = new Float64Array(2);

/**
 * The point of triangle (a, b, c) nearest to p: writes its coordinates (u, v) along ab and ac into `uv` (the point is
 * a + u·ab + v·ac; barycentrics 1 − u − v, u, v) and returns its squared distance (Ericson, Real-Time Collision Detection
 * §5.1.5, by regions).
 */
export function closestOnTriangle(P: ArrayLike<number>, ia: number, ib: number, ic: number, px: number, py: number, pz: number, uv: Float64Array): number {
  const ax = P[ia * 3]!, ay = P[ia * 3 + 1]!, az = P[ia * 3 + 2]!;
  const abx = P[ib * 3]! - ax, aby = P[ib * 3 + 1]! - ay, abz = P[ib * 3 + 2]! - az;
  const acx = P[ic * 3]! - ax, acy = P[ic * 3 + 1]! - ay, acz = P[ic * 3 + 2]! - az;
  const apx = px - ax, apy = py - ay, apz = pz - az;
  const d1 = abx * apx + aby * apy + abz * apz, d2 = acx * apx + acy * apy + acz * apz;
  const at = (u: number, v: number): number => {
    uv[0] = u; uv[1] = v;
    const qx = ax + u * abx + v * acx - px, qy = ay + u * aby + v * acy - py, qz = az + u * abz + v * acz - pz;
    return qx * qx + qy * qy + qz * qz;
  };
  if (d1 <= 0 && d2 <= 0) return at(0, 0);
  const bpx = px - P[ib * 3]!, bpy = py - P[ib * 3 + 1]!, bpz = pz - P[ib * 3 + 2]!;
  const d3 = abx * bpx + aby * bpy + abz * bpz, d4 = acx * bpx + acy * bpy + acz * bpz;
  if (d3 >= 0 && d4 <= d3) return at(1, 0);
  const vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0) return at(d1 / (d1 - d3), 0);
  const cpx = px - P[ic * 3]!, cpy = py - P[ic * 3 + 1]!, cpz = pz - P[ic * 3 + 2]!;
  const d5 = abx * cpx + aby * cpy + abz * cpz, d6 = acx * cpx + acy * cpy + acz * cpz;
  if (d6 >= 0 && d5 <= d6) return at(0, 1);
  const vb = d5 * d2 - d1 * d6;
  if (vb <= 0 && d2 >= 0 && d6 <= 0) return at(0, d2 / (d2 - d6));
  const va = d3 * d6 - d5 * d4;
  if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) { const w = (d4 - d3) / ((d4 - d3) + (d5 - d6)); return at(1 - w, w); }
  const denom = 1 / (va + vb + vc);
  return at(vb * denom, vc * denom);
}
