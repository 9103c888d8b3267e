/**
 * The diffused skinning-weight volume (PERSONA §3.2, after "diffused skinning" of Lin et al.): skinning
 * weights defined everywhere in a box around the body, so that Gaussians that move off the template
 * surface (loose clothing, hair) still get smooth weights. Voxels that contain template vertices hold
 * those vertices' weights; the rest of the grid is filled by harmonic diffusion (Jacobi iterations of
 * the 6-neighbour average with the surface voxels held fixed). A Gaussian's weights are the weighted
 * mean of 13 trilinear samples around it (centre 1, ±1σ on each axis 0.5, ±2σ 0.3), as in
 * PERSONA_RELEASE module.py get_skinning_weight; hands and face keep the template's own weights.
 */
import type { SkinWeights } from './types.js';

/** Volume settings (sources in comments). */
export const SKINNING_VOLUME = {
  /** Voxel edge (metres). Hands and face keep template weights, so the volume only needs limb-scale detail. */
  voxelSize: 0.03,
  /** Padding around the body's bounding box (metres). */
  padding: 0.15,
  /** Jacobi iterations of the diffusion (it starts from a nearest-surface fill, so few are needed). */
  iterations: 30,
  /** Sample offsets in units of σ and their weights (PERSONA: 1, 0.5 at ±1σ, 0.3 at ±2σ). */
  centreWeight: 1,
  oneSigmaWeight: 0.5,
  twoSigmaWeight: 0.3,
} as const;

/** A dense J-channel voxel grid of skinning weights. */
export interface SkinningVolume {
  origin: [number, number, number];
  voxelSize: number;
  dims: [number, number, number]; // nx, ny, nz
  joints: number;
  /** nx·ny·nz×J, x fastest then y then z. */
  weights: Float32Array;
}

/** Builds the volume from template vertices and their sparse skinning weights. */
export function buildSkinningVolume(
  vertices: ArrayLike<number>,
  skin: SkinWeights,
  jointCount: number,
  options: { voxelSize?: number; padding?: number; iterations?: number } = {},
): SkinningVolume {
  const h = options.voxelSize ?? SKINNING_VOLUME.voxelSize;
  const pad = options.padding ?? SKINNING_VOLUME.padding;
  const iterations = options.iterations ?? SKINNING_VOLUME.iterations;
  const V = vertices.length / 3, K = skin.influences, J = jointCount;
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let v = 0; v < V; v++) for (let a = 0; a < 3; a++) { lo[a] = Math.min(lo[a]!, vertices[v * 3 + a]!); hi[a] = Math.max(hi[a]!, vertices[v * 3 + a]!); }
  const origin: [number, number, number] = [lo[0]! - pad, lo[1]! - pad, lo[2]! - pad];
  const dims: [number, number, number] = [0, 1, 2].map((a) => Math.ceil((hi[a]! + pad - origin[a]!) / h) + 1) as [number, number, number];
  const [nx, ny, nz] = dims;
  const cells = nx * ny * nz;
  let cur = new Float32Array(cells * J);
  const count = new Float32Array(cells);
  for (let v = 0; v < V; v++) {
    const ix = Math.round((vertices[v * 3]! - origin[0]) / h), iy = Math.round((vertices[v * 3 + 1]! - origin[1]) / h), iz = Math.round((vertices[v * 3 + 2]! - origin[2]) / h);
    const c = (iz * ny + iy) * nx + ix;
    count[c]! += 1;
    for (let k = 0; k < K; k++) cur[c * J + skin.joints[v * K + k]!]! += skin.weights[v * K + k]!;
  }
  const fixed = new Uint8Array(cells);
  for (let c = 0; c < cells; c++) {
    if (count[c]! > 0) {
      fixed[c] = 1;
      for (let j = 0; j < J; j++) cur[c * J + j]! /= count[c]!;
    }
  }
  // Initial fill for free cells: nearest fixed cell by a breadth-first sweep, so Jacobi starts close.
  const queue = new Int32Array(cells);
  const seen = new Uint8Array(cells);
  let head = 0, tail = 0;
  for (let c = 0; c < cells; c++) if (fixed[c]) { queue[tail++] = c; seen[c] = 1; }
  while (head < tail) {
    const c = queue[head++]!;
    const ix = c % nx, iy = Math.floor(c / nx) % ny, iz = Math.floor(c / (nx * ny));
    const nb = [ix > 0 ? c - 1 : -1, ix < nx - 1 ? c + 1 : -1, iy > 0 ? c - nx : -1, iy < ny - 1 ? c + nx : -1, iz > 0 ? c - nx * ny : -1, iz < nz - 1 ? c + nx * ny : -1];
    for (const d of nb) {
      if (d < 0 || seen[d]) continue;
      seen[d] = 1;
      cur.copyWithin(d * J, c * J, c * J + J);
      queue[tail++] = d;
    }
  }
  let next = new Float32Array(cur);
  // Jacobi iterations over the free cells only (fixed cells keep the surface weights).
  const free: number[] = [];
  for (let c = 0; c < cells; c++) if (!fixed[c]) free.push(c);
  const freeCells = Int32Array.from(free);
  const nbr = new Int32Array(freeCells.length * 6).fill(-1);
  freeCells.forEach((c, q) => {
    const ix = c % nx, iy = Math.floor(c / nx) % ny, iz = Math.floor(c / (nx * ny));
    const o = q * 6;
    if (ix > 0) nbr[o] = c - 1;
    if (ix < nx - 1) nbr[o + 1] = c + 1;
    if (iy > 0) nbr[o + 2] = c - nx;
    if (iy < ny - 1) nbr[o + 3] = c + nx;
    if (iz > 0) nbr[o + 4] = c - nx * ny;
    if (iz < nz - 1) nbr[o + 5] = c + nx * ny;
  });
  for (let it = 0; it < iterations; it++) {
    for (let q = 0; q < freeCells.length; q++) {
      const o = freeCells[q]! * J;
      let n = 0;
      for (let j = 0; j < J; j++) next[o + j] = 0;
      for (let k = 0; k < 6; k++) {
        const d = nbr[q * 6 + k]!;
        if (d < 0) continue;
        n++;
        const src = d * J;
        for (let j = 0; j < J; j++) next[o + j]! += cur[src + j]!;
      }
      const inv = 1 / n;
      for (let j = 0; j < J; j++) next[o + j]! *= inv;
    }
    const t = cur; cur = next; next = t;
  }
  return { origin, voxelSize: h, dims, joints: J, weights: cur };
}

/** Trilinear sample of all J channels at a point (clamped to the grid), added ×`scale` into `acc`. */
export function sampleVolume(vol: SkinningVolume, x: number, y: number, z: number, scale: number, acc: Float64Array): void {
  const [nx, ny, nz] = vol.dims, J = vol.joints, h = vol.voxelSize;
  const fx = Math.min(Math.max((x - vol.origin[0]) / h, 0), nx - 1.000001);
  const fy = Math.min(Math.max((y - vol.origin[1]) / h, 0), ny - 1.000001);
  const fz = Math.min(Math.max((z - vol.origin[2]) / h, 0), nz - 1.000001);
  const ix = Math.floor(fx), iy = Math.floor(fy), iz = Math.floor(fz);
  const ax = fx - ix, ay = fy - iy, az = fz - iz;
  const w = vol.weights;
  for (let dz = 0; dz < 2; dz++)
    for (let dy = 0; dy < 2; dy++)
      for (let dx = 0; dx < 2; dx++) {
        const t = (dx ? ax : 1 - ax) * (dy ? ay : 1 - ay) * (dz ? az : 1 - az) * scale;
        if (t === 0) continue;
        const o = (((iz + dz) * ny + iy + dy) * nx + ix + dx) * J;
        for (let j = 0; j < J; j++) acc[j]! += t * w[o + j]!;
      }
}

/**
 * Skinning weights for points with isotropic extents σ: the 13-sample weighted mean of the volume,
 * clamped at 0, renormalised, reduced to the K largest influences. Points with `keepTemplate[i]` set keep
 * `template` weights (PERSONA: hands and face).
 */
export function sampleSkinningWeights(
  vol: SkinningVolume,
  points: ArrayLike<number>,
  sigmas: ArrayLike<number>,
  influences: number,
  template?: { skin: SkinWeights; keepTemplate: Uint8Array },
): SkinWeights {
  const n = points.length / 3, J = vol.joints, K = influences;
  const joints = new Uint16Array(n * K), weights = new Float32Array(n * K);
  const acc = new Float64Array(J);
  const c = SKINNING_VOLUME;
  const total = c.centreWeight + 6 * c.oneSigmaWeight + 6 * c.twoSigmaWeight;
  for (let i = 0; i < n; i++) {
    if (template && template.keepTemplate[i]) {
      const tk = template.skin.influences;
      for (let k = 0; k < Math.min(K, tk); k++) { joints[i * K + k] = template.skin.joints[i * tk + k]!; weights[i * K + k] = template.skin.weights[i * tk + k]!; }
      continue;
    }
    acc.fill(0);
    const x = points[i * 3]!, y = points[i * 3 + 1]!, z = points[i * 3 + 2]!, s = sigmas[i]!;
    sampleVolume(vol, x, y, z, c.centreWeight / total, acc);
    for (const [mult, wt] of [[1, c.oneSigmaWeight], [2, c.twoSigmaWeight]] as const) {
      const d = mult * s, f = wt / total;
      sampleVolume(vol, x + d, y, z, f, acc); sampleVolume(vol, x - d, y, z, f, acc);
      sampleVolume(vol, x, y + d, z, f, acc); sampleVolume(vol, x, y - d, z, f, acc);
      sampleVolume(vol, x, y, z + d, f, acc); sampleVolume(vol, x, y, z - d, f, acc);
    }
    // top-K by selection (K is small)
    let sum = 0;
    for (let k = 0; k < K; k++) {
      let best = -1, bw = 0;
      for (let j = 0; j < J; j++) if (acc[j]! > bw) { bw = acc[j]!; best = j; }
      if (best < 0) break;
      joints[i * K + k] = best; weights[i * K + k] = bw; sum += bw;
      acc[best] = -1;
    }
    if (sum > 0) for (let k = 0; k < K; k++) weights[i * K + k]! /= sum;
  }
  return { influences: K, joints, weights };
}
