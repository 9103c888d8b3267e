/**
 * Area-weighted vertex normals of a triangle mesh, with the backward pass. PERSONA renders the normal
 * map of the Gaussians by treating their means as the vertices of the subdivided mesh
 * (PERSONA_RELEASE model.py, render_normal), so the normal loss moves the means through this function.
 * Forward: m_v = Σ_{faces f ∋ v} (p1 − p0) × (p2 − p0);  n_v = m_v / |m_v|.
 */

/** Unnormalised and normalised vertex normals; `raw` is kept for the backward pass. */
export interface VertexNormals {
  raw: Float64Array; // V×3, Σ face cross products
  normals: Float32Array; // V×3, unit
}

/** Computes vertex normals (into `out` when given). */
export function vertexNormals(positions: ArrayLike<number>, triangles: Uint32Array, out?: VertexNormals): VertexNormals {
  const V = positions.length / 3;
  const raw = out?.raw ?? new Float64Array(V * 3);
  const normals = out?.normals ?? new Float32Array(V * 3);
  raw.fill(0);
  for (let f = 0; f < triangles.length; f += 3) {
    const a = triangles[f]! * 3, b = triangles[f + 1]! * 3, c = triangles[f + 2]! * 3;
    const e1x = positions[b]! - positions[a]!, e1y = positions[b + 1]! - positions[a + 1]!, e1z = positions[b + 2]! - positions[a + 2]!;
    const e2x = positions[c]! - positions[a]!, e2y = positions[c + 1]! - positions[a + 1]!, e2z = positions[c + 2]! - positions[a + 2]!;
    const nx = e1y * e2z - e1z * e2y, ny = e1z * e2x - e1x * e2z, nz = e1x * e2y - e1y * e2x;
    // the three corners in turn (unrolled: an array literal per face cost ~⅓ of this loop)
    raw[a] += nx; raw[a + 1] += ny; raw[a + 2] += nz;
    raw[b] += nx; raw[b + 1] += ny; raw[b + 2] += nz;
    raw[c] += nx; raw[c + 1] += ny; raw[c + 2] += nz;
  }
  for (let v = 0; v < V; v++) {
    const x = raw[v * 3]!, y = raw[v * 3 + 1]!, z = raw[v * 3 + 2]!;
    const n = Math.hypot(x, y, z);
    const inv = n > 1e-20 ? 1 / n : 0;
    normals[v * 3] = x * inv; normals[v * 3 + 1] = y * inv; normals[v * 3 + 2] = z * inv;
  }
  return { raw, normals };
}

/**
 * Backward of `vertexNormals`: given dL/dn (V×3), accumulates dL/dpositions (V×3) into `dPositions`.
 */
export function vertexNormalsBackward(
  positions: ArrayLike<number>,
  triangles: Uint32Array,
  fwd: VertexNormals,
  dNormals: ArrayLike<number>,
  dPositions: Float32Array | Float64Array,
): void {
  const V = positions.length / 3;
  // d n / d m = (I − n nᵀ) / |m|
  const dm = new Float64Array(V * 3);
  for (let v = 0; v < V; v++) {
    const x = fwd.raw[v * 3]!, y = fwd.raw[v * 3 + 1]!, z = fwd.raw[v * 3 + 2]!;
    const len = Math.hypot(x, y, z);
    if (len <= 1e-20) continue;
    const nx = x / len, ny = y / len, nz = z / len;
    const gx = dNormals[v * 3]!, gy = dNormals[v * 3 + 1]!, gz = dNormals[v * 3 + 2]!;
    const dot = nx * gx + ny * gy + nz * gz;
    dm[v * 3] = (gx - nx * dot) / len; dm[v * 3 + 1] = (gy - ny * dot) / len; dm[v * 3 + 2] = (gz - nz * dot) / len;
  }
  for (let f = 0; f < triangles.length; f += 3) {
    const a = triangles[f]! * 3, b = triangles[f + 1]! * 3, c = triangles[f + 2]! * 3;
    // g = Σ over the face's 3 vertices of dL/dm_v (the face cross product feeds each of them)
    const gx = dm[a]! + dm[b]! + dm[c]!, gy = dm[a + 1]! + dm[b + 1]! + dm[c + 1]!, gz = dm[a + 2]! + dm[b + 2]! + dm[c + 2]!;
    if (gx === 0 && gy === 0 && gz === 0) continue;
    const e1x = positions[b]! - positions[a]!, e1y = positions[b + 1]! - positions[a + 1]!, e1z = positions[b + 2]! - positions[a + 2]!;
    const e2x = positions[c]! - positions[a]!, e2y = positions[c + 1]! - positions[a + 1]!, e2z = positions[c + 2]! - positions[a + 2]!;
    // n = e1 × e2: dL/de1 = e2 × g, dL/de2 = g × e1
    const d1x = e2y * gz - e2z * gy, d1y = e2z * gx - e2x * gz, d1z = e2x * gy - e2y * gx;
    const d2x = gy * e1z - gz * e1y, d2y = gz * e1x - gx * e1z, d2z = gx * e1y - gy * e1x;
    dPositions[b] += d1x; dPositions[b + 1] += d1y; dPositions[b + 2] += d1z;
    dPositions[c] += d2x; dPositions[c + 1] += d2y; dPositions[c + 2] += d2z;
    dPositions[a] -= d1x + d2x; dPositions[a + 1] -= d1y + d2y; dPositions[a + 2] -= d1z + d2z;
  }
}
