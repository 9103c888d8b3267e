/**
 * The triplane's gather and scatter over a range, so that a worker can run part of them (parallel.ts): the
 * sample splits by points (each point's features are its own), the backward by channels (each channel of the
 * plane gradient receives the same additions in the same point order as on one thread). Both are therefore
 * bit-identical to one thread. No imports: a worker loads this module alone.
 */

type Floats = Float32Array | Float64Array;

/** Points [p0, p1) of a sample: out (n×3C) ← Σ_taps w·plane texel, as Triplane.sample. */
export interface TriplaneSampleRange {
  planes: Floats;
  /** n×3×4 texel offsets (−1: outside) and bilinear weights (TriplaneTaps). */
  index: Int32Array;
  weight: Float64Array;
  out: Floats;
  channels: number;
  /** R·R·C: values per plane. */
  planeLen: number;
  p0: number;
  p1: number;
}

/** Channels [c0, c1) of a backward: grad (3×R×R×C) += Σ_points w·dFeat, as Triplane.backward. */
export interface TriplaneBackwardRange {
  grad: Floats;
  index: Int32Array;
  weight: Float64Array;
  dFeat: Floats;
  channels: number;
  planeLen: number;
  n: number;
  c0: number;
  c1: number;
}

/** Writes the features of points [p0, p1). */
export function triplaneSampleRange(job: TriplaneSampleRange): void {
  const { planes, index: idx, weight: wt, out, channels: C, planeLen } = job;
  const F = 3 * C;
  for (let p = job.p0; p < job.p1; p++) {
    for (let k = 0; k < 3; k++) {
      const o = p * F + k * C, base = (p * 3 + k) * 4, po = k * planeLen;
      for (let j = 0; j < C; j++) out[o + j] = 0;
      for (let q = 0; q < 4; q++) {
        const t = idx[base + q]!;
        if (t < 0) continue;
        const w = wt[base + q]!, s = po + t;
        for (let j = 0; j < C; j++) out[o + j] += w * planes[s + j]!;
      }
    }
  }
}

/** Adds the gradient of channels [c0, c1) of every plane texel. */
export function triplaneBackwardRange(job: TriplaneBackwardRange): void {
  const { grad: g, index: idx, weight: wt, dFeat, channels: C, planeLen, c0, c1 } = job;
  const F = 3 * C;
  for (let p = 0; p < job.n; p++) {
    for (let k = 0; k < 3; k++) {
      const o = p * F + k * C, base = (p * 3 + k) * 4, po = k * planeLen;
      for (let q = 0; q < 4; q++) {
        const t = idx[base + q]!;
        if (t < 0) continue;
        const w = wt[base + q]!, s = po + t;
        for (let j = c0; j < c1; j++) g[s + j] += w * dFeat[o + j]!;
      }
    }
  }
}
