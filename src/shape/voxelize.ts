/**
 * Inside/outside of a closed (or nearly closed) triangle mesh on a voxel grid, by winding numbers along
 * grid lines: every triangle adds +1 where a line enters through it and −1 where it leaves. Done along z
 * and along x and combined with AND, so a small hole in the mesh (eye sockets) can only leak a streak
 * along one axis, which the other axis removes.
 */

/** Grid geometry: cell centres at origin + (i + 0.5)·h. */
export interface VoxelGrid {
  origin: [number, number, number];
  spacing: number;
  dims: [number, number, number];
}

/** 1 where the cell centre is inside the mesh (positive winding along both z and x lines). */
export function voxelizeMesh(positions: ArrayLike<number>, triangles: Uint32Array, grid: VoxelGrid): Uint8Array {
  const alongZ = windingInside(positions, triangles, grid, 2);
  const alongX = windingInside(positions, triangles, grid, 0);
  for (let i = 0; i < alongZ.length; i++) alongZ[i] = alongZ[i]! & alongX[i]!;
  return alongZ;
}

/** Inside by the winding number along lines parallel to `axis` (0 = x, 2 = z). */
function windingInside(positions: ArrayLike<number>, triangles: Uint32Array, grid: VoxelGrid, axis: 0 | 2): Uint8Array {
  const [nx, ny, nz] = grid.dims, h = grid.spacing, o = grid.origin;
  // line coordinates (a, b) and the coordinate along the line (c)
  const [ia, ib, ic] = axis === 2 ? [0, 1, 2] : [1, 2, 0];
  const na = grid.dims[ia]!, nb = grid.dims[ib]!, nc = grid.dims[ic]!;
  const lines: Array<number[] | undefined> = new Array(na * nb);
  const F = triangles.length / 3;
  for (let f = 0; f < F; f++) {
    const p0 = triangles[f * 3]! * 3, p1 = triangles[f * 3 + 1]! * 3, p2 = triangles[f * 3 + 2]! * 3;
    const a0 = (positions[p0 + ia]! - o[ia]!) / h - 0.5, b0 = (positions[p0 + ib]! - o[ib]!) / h - 0.5, c0 = (positions[p0 + ic]! - o[ic]!) / h - 0.5;
    const a1 = (positions[p1 + ia]! - o[ia]!) / h - 0.5, b1 = (positions[p1 + ib]! - o[ib]!) / h - 0.5, c1 = (positions[p1 + ic]! - o[ic]!) / h - 0.5;
    const a2 = (positions[p2 + ia]! - o[ia]!) / h - 0.5, b2 = (positions[p2 + ib]! - o[ib]!) / h - 0.5, c2 = (positions[p2 + ic]! - o[ic]!) / h - 0.5;
    const area = (a1 - a0) * (b2 - b0) - (a2 - a0) * (b1 - b0); // signed area in (a, b): sign of the normal along the line
    if (area === 0) continue;
    const dir = area > 0 ? -1 : 1; // normal along +c leaves (−1), along −c enters (+1), for (a, b, c) right-handed
    const amin = Math.max(0, Math.ceil(Math.min(a0, a1, a2))), amax = Math.min(na - 1, Math.floor(Math.max(a0, a1, a2)));
    const bmin = Math.max(0, Math.ceil(Math.min(b0, b1, b2))), bmax = Math.min(nb - 1, Math.floor(Math.max(b0, b1, b2)));
    for (let b = bmin; b <= bmax; b++)
      for (let a = amin; a <= amax; a++) {
        // edge functions evaluated the same way for both triangles sharing an edge (exactly antisymmetric),
        // with a tie rule so a line through a shared edge or vertex counts once
        const e0 = edgeFnOrdered(p1, a1, b1, p2, a2, b2, a, b), e1 = edgeFnOrdered(p2, a2, b2, p0, a0, b0, a, b), e2 = edgeFnOrdered(p0, a0, b0, p1, a1, b1, a, b);
        if (!(inEdge(e0 * area, a1, b1, a2, b2, area) && inEdge(e1 * area, a2, b2, a0, b0, area) && inEdge(e2 * area, a0, b0, a1, b1, area))) continue;
        const w0 = e0 / (e0 + e1 + e2), w1 = e1 / (e0 + e1 + e2), w2 = 1 - w0 - w1;
        const c = w0 * c0 + w1 * c1 + w2 * c2;
        const key = b * na + a;
        (lines[key] ??= []).push(c, dir);
      }
  }
  const inside = new Uint8Array(nx * ny * nz);
  const strideOf = [1, nx, nx * ny];
  const sa = strideOf[ia]!, sb = strideOf[ib]!, sc = strideOf[ic]!;
  const order: number[] = [];
  for (let b = 0; b < nb; b++)
    for (let a = 0; a < na; a++) {
      const list = lines[b * na + a];
      if (!list) continue;
      const m = list.length / 2;
      order.length = 0;
      for (let k = 0; k < m; k++) order.push(k);
      order.sort((x, y) => list[x * 2]! - list[y * 2]!);
      let wind = 0, k = 0;
      for (let c = 0; c < nc; c++) {
        while (k < m && list[order[k]! * 2]! <= c) { wind += list[order[k]! * 2 + 1]!; k++; }
        if (wind > 0) inside[a * sa + b * sb + c * sc] = 1;
      }
    }
  return inside;
}

function edgeFn(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

/** edgeFn of the directed edge i → j, computed from the lower-indexed end so that j → i gives exactly its negative. */
function edgeFnOrdered(i: number, ax: number, ay: number, j: number, bx: number, by: number, px: number, py: number): number {
  return i < j ? edgeFn(ax, ay, bx, by, px, py) : -edgeFn(bx, by, ax, ay, px, py);
}

/** Top-left style tie rule: a point exactly on an edge belongs to one of the two triangles sharing it. */
function inEdge(w: number, ax: number, ay: number, bx: number, by: number, area: number): boolean {
  if (w > 0) return true;
  if (w < 0) return false;
  const ex = (bx - ax) * Math.sign(area), ey = (by - ay) * Math.sign(area);
  return ey > 0 || (ey === 0 && ex < 0);
}
