/**
 * Forward preprocessing: project every Gaussian, cull, sort the visible ones front to back
 * (by float32 camera depth, ties by index), and pack them in sorted order for the compositing kernels.
 */
import { BLOCK_ROWS } from './config.js';
import { PJ, PJ_SIZE, projectGaussian, type Projector } from './project.js';
import { GEO_STRIDE, type GaussianSet, type SortedGaussians } from './types.js';
import type { RasterWorkspace } from './workspace.js';

/** Projects, culls, sorts and packs. `rowWork` (H) receives an estimate of pairs per image row. */
export function preprocess(gs: GaussianSet, P: Projector, ws: RasterWorkspace, rowWork: Float64Array): SortedGaussians {
  const N = gs.count, C = gs.channels;
  const H = P.params.height, Wd = P.params.width;
  const pj = new Float64Array(PJ_SIZE);
  const vis = ws.get('pre.vis', Int32Array, N);
  const keyF = new Float32Array(1), keyU = new Uint32Array(keyF.buffer);
  const keys = ws.get('pre.keys', Int32Array, N); // float32 bits of depth (positive, so they sort as integers)
  const tmpGeo = ws.get('pre.geo', Float64Array, N * GEO_STRIDE);
  const tmpRows = ws.get('pre.rows', Int32Array, N * 4);
  const orig = ws.get('pre.orig', Int32Array, N);
  const f = gs.features;
  rowWork.fill(0);
  let M = 0;
  for (let i = 0; i < N; i++) {
    if (!projectGaussian(gs, P, i, pj)) continue;
    let finite = true;
    for (let c = 0, o = i * C; c < C; c++) if (!Number.isFinite(f[o + c]!)) { finite = false; break; }
    if (!finite) continue;
    const u = pj[PJ.u]!, v = pj[PJ.v]!, tau = pj[PJ.tau]!;
    const hx = Math.sqrt(2 * tau * pj[PJ.cxx]!), hy = Math.sqrt(2 * tau * pj[PJ.cyy]!);
    // Pixel k has its centre at k + 0.5; one pixel of margin (the per-row span is exact, this is a bound).
    const x0 = Math.max(0, Math.ceil(u - hx - 0.5) - 1), x1 = Math.min(Wd - 1, Math.floor(u + hx - 0.5) + 1);
    const y0 = Math.max(0, Math.ceil(v - hy - 0.5) - 1), y1 = Math.min(H - 1, Math.floor(v + hy - 0.5) + 1);
    if (!(x0 <= x1 && y0 <= y1)) continue; // off screen (or NaN)
    const g = M * GEO_STRIDE;
    tmpGeo[g] = u; tmpGeo[g + 1] = v; tmpGeo[g + 2] = pj[PJ.a]!; tmpGeo[g + 3] = pj[PJ.b]!; tmpGeo[g + 4] = pj[PJ.c]!;
    tmpGeo[g + 5] = pj[PJ.opacity]!; tmpGeo[g + 6] = tau; tmpGeo[g + 7] = pj[PJ.tz]!;
    tmpRows[4 * M] = y0; tmpRows[4 * M + 1] = y1; tmpRows[4 * M + 2] = x0; tmpRows[4 * M + 3] = x1;
    keyF[0] = pj[PJ.tz]!;
    keys[M] = keyU[0]! | 0;
    vis[M] = M; // position in the tmp arrays
    orig[M] = i;
    M++;
    const w = x1 - x0 + 1;
    rowWork[y0] += w;
    if (y1 + 1 < H) rowWork[y1 + 1] -= w;
  }
  for (let y = 1; y < H; y++) rowWork[y] += rowWork[y - 1]!;
  const order = radixSortByKey(keys, vis, M, ws);
  const geo = ws.get('sorted.geo', Float64Array, M * GEO_STRIDE);
  const rows = ws.get('sorted.rows', Int32Array, M * 4);
  const index = ws.get('sorted.index', Int32Array, M);
  for (let r = 0; r < M; r++) {
    const k = order[r]!;
    for (let j = 0; j < GEO_STRIDE; j++) geo[r * GEO_STRIDE + j] = tmpGeo[k * GEO_STRIDE + j]!;
    for (let j = 0; j < 4; j++) rows[4 * r + j] = tmpRows[4 * k + j]!;
    index[r] = orig[k]!;
  }
  // Features stay in input order (the kernels read them through `index`); one sequential copy into shared memory.
  const feats = ws.get('features', Float32Array, N * C);
  feats.set(f);
  return { count: M, geo, rows, index, features: feats };
}

/**
 * Stable LSD radix sort (4 × 8 bits) of `vals[0..n)` by unsigned 32-bit `keys`; returns the sorted values.
 * Stability keeps equal depths in index order, so the order is fully deterministic.
 */
export function radixSortByKey(keys: Int32Array, vals: Int32Array, n: number, ws: RasterWorkspace): Int32Array {
  let kA: Int32Array = keys, vA: Int32Array = vals;
  let kB: Int32Array = ws.get("sort.kB", Int32Array, n), vB: Int32Array = ws.get("sort.vB", Int32Array, n);
  const count = new Int32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(kA[i]! >>> shift) & 255]++;
    if (count[(kA[0]! >>> shift) & 255] === n) continue; // all equal in this byte
    let sum = 0;
    for (let b = 0; b < 256; b++) { const c = count[b]!; count[b] = sum; sum += c; }
    for (let i = 0; i < n; i++) {
      const k = kA[i]!, d = count[(k >>> shift) & 255]++;
      kB[d] = k; vB[d] = vA[i]!;
    }
    const tk = kA; kA = kB; kB = tk;
    const tv = vA; vA = vB; vB = tv;
  }
  return vA;
}

/** Splits the image rows into `threads` contiguous bands of whole BLOCK_ROWS blocks with similar work. */
export function splitBands(rowWork: Float64Array, height: number, threads: number): Int32Array {
  const blocks = Math.ceil(height / BLOCK_ROWS);
  const n = Math.max(1, Math.min(threads, blocks));
  const cum = new Float64Array(blocks + 1); // work before block b
  for (let b = 0; b < blocks; b++) {
    let w = 0;
    for (let y = b * BLOCK_ROWS, ye = Math.min(height, (b + 1) * BLOCK_ROWS); y < ye; y++) w += rowWork[y]!;
    cum[b + 1] = cum[b]! + w;
  }
  const bands = new Int32Array(n + 1);
  let b = 0;
  for (let k = 1; k < n; k++) {
    const target = (cum[blocks]! * k) / n;
    let e = b + 1; // end block (exclusive) of band k−1: at least one block
    while (e < blocks - (n - k) && cum[e]! < target) e++;
    bands[k] = e * BLOCK_ROWS;
    b = e;
  }
  bands[n] = height;
  return bands;
}
