/**
 * The diffused skinning-weight volume (PERSONA §3.2, after "diffused skinning" of Lin et al.): skinning
 * weights defined everywhere in a box around the body, so that Gaussians that move off the template
 * surface (loose clothing, hair) still get smooth weights. Voxels that contain template vertices hold
 * those vertices' weights; the rest of the grid is filled by harmonic diffusion (Jacobi iterations of
 * the 6-neighbour average with the surface voxels held fixed). A Gaussian's weights are the weighted
 * mean of 13 trilinear samples around it (centre 1, ±1σ on each axis 0.5, ±2σ 0.3), as in
 * PERSONA_RELEASE module.py get_skinning_weight; hands and face keep the template's own weights.
 */
import { availableParallelism } from 'node:os';
import type { SkinWeights } from './types.js';
import { isShared, sharedCopy, sharedFloat32 } from '../core/shared.js';

/**
 * Runs `fn(args[k])` of the ES module `module` for every k — k ≥ 1 possibly on other threads — and `local(args[0])`
 * here, then blocks until all are done (the shape of the rasterizer pool's `runTasks`, which the train and shape
 * rooms pass in: this room sits below the pool).
 */
export type ParallelRunner = <A>(module: string, fn: string, args: A[], local: (arg: A) => void) => void;
/** A runner and how many threads to split over. */
export interface Parallel {
  run: ParallelRunner;
  threads: number;
}
/** A `Parallel` over `run` with `threads` (default `SKINNING_VOLUME.threads`, capped by the cores). */
export function skinningParallel(run: ParallelRunner, threads?: number): Parallel {
  return { run, threads: threads ?? Math.min(SKINNING_VOLUME.threads, availableParallelism()) };
}

/** This module, for the workers of a `Parallel` run. */
const SELF = import.meta.url;

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
  /**
   * Threads to build and sample on by default, capped by the cores: the two of the machine this was measured on
   * (issue #23: the demo's volume 1.8 → 0.65 s, its sampling 0.66 → 0.36 s; bit-identical to one thread).
   */
  threads: 2,
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
  options: { voxelSize?: number; padding?: number; iterations?: number; parallel?: Parallel } = {},
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
  const threads = Math.max(1, Math.min(options.parallel?.threads ?? 1, J));
  // on shared memory when split over threads (channel ranges), so every thread diffuses in place
  const cur = threads > 1 ? sharedFloat32(cells * J) : new Float32Array(cells * J);
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
  const { interior, edge, edgeNeighbours } = freeCellNeighbours(fixed, dims);
  const next = threads > 1 ? sharedFloat32(cells * J) : new Float32Array(cells * J);
  next.set(cur);
  const job: DiffusionJob = { cur, next, joints: J, strideY: nx, strideZ: nx * ny, interior, edge, edgeNeighbours, iterations, j0: 0, j1: J };
  if (threads === 1) return { origin, voxelSize: h, dims, joints: J, weights: diffuseChannels(job) };
  const jobs = Array.from({ length: threads }, (_, k) => ({ ...job, j0: Math.round((J * k) / threads), j1: Math.round((J * (k + 1)) / threads) }));
  options.parallel!.run(SELF, 'diffuseChannels', jobs, diffuseChannels);
  // every range ran the same number of iterations, so all results lie in the same array
  return { origin, voxelSize: h, dims, joints: J, weights: iterations % 2 === 0 ? cur : next };
}

/** The free cells of the grid, split by whether all six neighbours exist, with the edge cells' neighbours. */
interface FreeCells {
  /** Free cells with all six neighbours inside the grid. */
  interior: Int32Array;
  /** Free cells on the grid's boundary. */
  edge: Int32Array;
  /** Per edge cell, its six neighbours in the order −x, +x, −y, +y, −z, +z; −1 outside the grid. */
  edgeNeighbours: Int32Array;
}

function freeCellNeighbours(fixed: Uint8Array, dims: [number, number, number]): FreeCells {
  const [nx, ny, nz] = dims;
  let nInterior = 0, nEdge = 0;
  for (let c = 0; c < fixed.length; c++) {
    if (fixed[c]) continue;
    const ix = c % nx, iy = Math.floor(c / nx) % ny, iz = Math.floor(c / (nx * ny));
    if (ix > 0 && ix < nx - 1 && iy > 0 && iy < ny - 1 && iz > 0 && iz < nz - 1) nInterior++;
    else nEdge++;
  }
  const interior = new Int32Array(nInterior), edge = new Int32Array(nEdge), edgeNeighbours = new Int32Array(nEdge * 6).fill(-1);
  let qi = 0, qe = 0;
  for (let c = 0; c < fixed.length; c++) {
    if (fixed[c]) continue;
    const ix = c % nx, iy = Math.floor(c / nx) % ny, iz = Math.floor(c / (nx * ny));
    if (ix > 0 && ix < nx - 1 && iy > 0 && iy < ny - 1 && iz > 0 && iz < nz - 1) { interior[qi++] = c; continue; }
    const o = qe * 6;
    if (ix > 0) edgeNeighbours[o] = c - 1;
    if (ix < nx - 1) edgeNeighbours[o + 1] = c + 1;
    if (iy > 0) edgeNeighbours[o + 2] = c - nx;
    if (iy < ny - 1) edgeNeighbours[o + 3] = c + nx;
    if (iz > 0) edgeNeighbours[o + 4] = c - nx * ny;
    if (iz < nz - 1) edgeNeighbours[o + 5] = c + nx * ny;
    edge[qe++] = c;
  }
  return { interior, edge, edgeNeighbours };
}

/** One diffusion run over channels [j0, j1) of the grid (channels never mix, so ranges can run apart). */
export interface DiffusionJob extends FreeCells {
  /** Start values (nx·ny·nz×J); the result ends in `cur` or `next`, whichever the last iteration wrote. */
  cur: Float32Array;
  next: Float32Array;
  joints: number;
  /** Cells between y and z neighbours (nx and nx·ny). */
  strideY: number;
  strideZ: number;
  iterations: number;
  j0: number;
  j1: number;
}

/**
 * Jacobi iterations of the 6-neighbour average on the free cells (fixed cells keep the surface weights). Each
 * sum is rounded to float32 after every addition, in the neighbour order −x, +x, −y, +y, −z, +z, exactly as
 * accumulating into the float32 grid would (`diffuseChannelsReference`), so the result is bit-identical to it;
 * the interior cells, which have all six neighbours, are summed in registers without the neighbour table.
 * Returns the array holding the result.
 */
export function diffuseChannels(job: DiffusionJob): Float32Array {
  const { interior, edge, edgeNeighbours, joints: J, j0, j1 } = job;
  let cur = job.cur, next = job.next;
  const f = Math.fround;
  const sx = J, sy = job.strideY * J, sz = job.strideZ * J;
  const inv6 = 1 / 6;
  for (let it = 0; it < job.iterations; it++) {
    for (let q = 0; q < interior.length; q++) {
      const o = interior[q]! * J;
      for (let j = o + j0, end = o + j1; j < end; j++) {
        let s = cur[j - sx]!;
        s = f(s + cur[j + sx]!);
        s = f(s + cur[j - sy]!);
        s = f(s + cur[j + sy]!);
        s = f(s + cur[j - sz]!);
        s = f(s + cur[j + sz]!);
        next[j] = s * inv6;
      }
    }
    for (let q = 0; q < edge.length; q++) {
      const o = edge[q]! * J;
      let n = 0;
      for (let k = 0; k < 6; k++) if (edgeNeighbours[q * 6 + k]! >= 0) n++;
      const inv = 1 / n;
      for (let j = j0; j < j1; j++) {
        let s = 0;
        for (let k = 0; k < 6; k++) {
          const d = edgeNeighbours[q * 6 + k]!;
          if (d >= 0) s = f(s + cur[d * J + j]!);
        }
        next[o + j] = s * inv;
      }
    }
    const t = cur; cur = next; next = t;
  }
  return cur;
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
 * `template` weights (PERSONA: hands and face). With `parallel`, point ranges run on its threads (every point
 * is independent, so the result is bit-identical); the volume is then best built with `parallel` too, whose
 * weights lie on shared memory (others are copied to every thread).
 */
export function sampleSkinningWeights(
  vol: SkinningVolume,
  points: ArrayLike<number>,
  sigmas: ArrayLike<number>,
  influences: number,
  template?: { skin: SkinWeights; keepTemplate: Uint8Array },
  parallel?: Parallel,
): SkinWeights {
  const n = points.length / 3, K = influences;
  const threads = Math.max(1, Math.min(parallel?.threads ?? 1, Math.floor(n / MIN_POINTS_PER_THREAD)));
  const shared = threads > 1;
  const joints = shared ? new Uint16Array(new SharedArrayBuffer(2 * n * K)) : new Uint16Array(n * K);
  const weights = shared ? sharedFloat32(n * K) : new Float32Array(n * K);
  const job: SkinSampleJob = {
    vol, points, sigmas, influences: K, template, joints, weights, i0: 0, i1: n,
  };
  if (!shared) sampleSkinningRange(job);
  else {
    if (!isShared(vol.weights)) job.vol = { ...vol, weights: sharedCopy(vol.weights) };
    // plain arrays reach the workers as copies (a Float64Array keeps every value exactly)
    if (!ArrayBuffer.isView(points)) job.points = Float64Array.from(points);
    if (!ArrayBuffer.isView(sigmas)) job.sigmas = Float64Array.from(sigmas);
    const jobs = Array.from({ length: threads }, (_, k) => ({ ...job, i0: Math.round((n * k) / threads), i1: Math.round((n * (k + 1)) / threads) }));
    parallel!.run(SELF, 'sampleSkinningRange', jobs, sampleSkinningRange);
  }
  return { influences: K, joints, weights };
}

/** Points per thread below which sampling stays on one thread (the copies would dominate). */
const MIN_POINTS_PER_THREAD = 4096;

/** Points [i0, i1) of a `sampleSkinningWeights` call, written into `joints` and `weights`. */
export interface SkinSampleJob {
  vol: SkinningVolume;
  points: ArrayLike<number>;
  sigmas: ArrayLike<number>;
  influences: number;
  template: { skin: SkinWeights; keepTemplate: Uint8Array } | undefined;
  joints: Uint16Array;
  weights: Float32Array;
  i0: number;
  i1: number;
}

/** Samples the skinning weights of points [i0, i1) (the body of `sampleSkinningWeights`, run per thread). */
export function sampleSkinningRange(job: SkinSampleJob): void {
  const { vol, points, sigmas, template, joints, weights } = job;
  const J = vol.joints, K = job.influences;
  const acc = new Float64Array(J);
  const c = SKINNING_VOLUME;
  const total = c.centreWeight + 6 * c.oneSigmaWeight + 6 * c.twoSigmaWeight;
  const rings = [[1, c.oneSigmaWeight / total], [2, c.twoSigmaWeight / total]] as const;
  for (let i = job.i0; i < job.i1; i++) {
    if (template && template.keepTemplate[i]) {
      const tk = template.skin.influences;
      for (let k = 0; k < Math.min(K, tk); k++) { joints[i * K + k] = template.skin.joints[i * tk + k]!; weights[i * K + k] = template.skin.weights[i * tk + k]!; }
      continue;
    }
    acc.fill(0);
    const x = points[i * 3]!, y = points[i * 3 + 1]!, z = points[i * 3 + 2]!, s = sigmas[i]!;
    sampleVolume(vol, x, y, z, c.centreWeight / total, acc);
    for (const [mult, f] of rings) {
      const d = mult * s;
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
}
