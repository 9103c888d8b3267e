/**
 * Lumped vertex areas of a triangle mesh: each vertex gets a third of the area of every triangle it belongs to (the
 * lumped "mass matrix" of linear finite elements). Used for cloth masses (sim) and for weighing vertices by the
 * surface they stand for (the fit's silhouette term).
 */

/**
 * Per-vertex lumped areas (m² when positions are in metres) of the mesh `positions` (xyz per vertex) and `triangles`
 * (three vertex indices each), for `vertexCount` vertices. Vertices in no triangle get 0.
 */
export function vertexAreas(positions: ArrayLike<number>, triangles: ArrayLike<number>, vertexCount: number): Float64Array {
  const area = new Float64Array(vertexCount);
  const T = triangles;
  for (let f = 0; f < T.length / 3; f++) {
    const a = T[f * 3]!, b = T[f * 3 + 1]!, c = T[f * 3 + 2]!;
    const third = triangleArea(positions, a, b, c) / 3;
    area[a] += third; area[b] += third; area[c] += third;
  }
  return area;
}

/** Area of the triangle (a, b, c) of `positions` (xyz per vertex): |(b − a) × (c − a)| / 2. */
export function triangleArea(positions: ArrayLike<number>, a: number, b: number, c: number): number {
  const p = positions;
  const ux = p[b * 3]! - p[a * 3]!, uy = p[b * 3 + 1]! - p[a * 3 + 1]!, uz = p[b * 3 + 2]! - p[a * 3 + 2]!;
  const wx = p[c * 3]! - p[a * 3]!, wy = p[c * 3 + 1]! - p[a * 3 + 1]!, wz = p[c * 3 + 2]! - p[a * 3 + 2]!;
  return 0.5 * Math.hypot(uy * wz - uz * wy, uz * wx - ux * wz, ux * wy - uy * wx);
}
