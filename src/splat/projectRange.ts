/**
 * The per-Gaussian half of the forward preprocessing: project Gaussians [start, end) and write each one's
 * record at its own input index, so that ranges can run on different threads (preprocess.ts then compacts the
 * visible ones in index order, sorts and packs them — the same records in the same order as one thread).
 * Kept apart from preprocess.ts so that a pool worker loads it without the pool itself (splat/worker.ts).
 */
import { PJ, PJ_SIZE, projectGaussian, type Projector } from './project.js';
import { GEO_STRIDE, type GaussianSet } from './types.js';

/** One range of Gaussians; every output array is indexed by input index and may live in shared memory. */
export interface ProjectJob {
  gaussians: GaussianSet;
  projector: Projector;
  start: number;
  end: number;
  /** N: 1 where the Gaussian is visible (projected, finite features, footprint on screen), else 0. */
  visible: Uint8Array;
  /** N×GEO_STRIDE: u, v, conic a, b, c, opacity, tau, camera depth z (visible Gaussians only). */
  geo: Float64Array;
  /** N×4: first and last row, first and last column of the footprint box (visible Gaussians only). */
  rows: Int32Array;
  /** N: the float32 bits of the camera depth (positive, so they sort as integers; visible Gaussians only). */
  keys: Int32Array;
}

/** Projects and culls Gaussians [start, end) of `job` (see ProjectJob). */
export function projectRange(job: ProjectJob): void {
  const { gaussians: gs, projector: P, visible, geo, rows, keys } = job;
  const C = gs.channels, f = gs.features;
  const H = P.params.height, Wd = P.params.width;
  const pj = new Float64Array(PJ_SIZE);
  const keyF = new Float32Array(1), keyU = new Uint32Array(keyF.buffer);
  for (let i = job.start; i < job.end; i++) {
    visible[i] = 0;
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
    const g = i * GEO_STRIDE;
    geo[g] = u; geo[g + 1] = v; geo[g + 2] = pj[PJ.a]!; geo[g + 3] = pj[PJ.b]!; geo[g + 4] = pj[PJ.c]!;
    geo[g + 5] = pj[PJ.opacity]!; geo[g + 6] = tau; geo[g + 7] = pj[PJ.tz]!;
    rows[4 * i] = y0; rows[4 * i + 1] = y1; rows[4 * i + 2] = x0; rows[4 * i + 3] = x1;
    keyF[0] = pj[PJ.tz]!;
    keys[i] = keyU[0]! | 0;
    visible[i] = 1;
  }
}
