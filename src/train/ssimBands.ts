/**
 * The SSIM loss on a rectangle of the image, in row bands that can run on different threads (losses.ts
 * `ssimLoss` with the `fast` engine). Same formulas as losses.ts `ssimCore` (the reference); what differs:
 *
 * - Only a rectangle R is computed: the box of the pixels where pred ≠ target, grown by 2·h (h = 5, the
 *   window's half-width). Outside that, every window sees pred = target, so ssim = 1 and the gradient is
 *   0 — exactly, in exact arithmetic. Zero padding at R's edges (instead of the image's pixels) leaves
 *   those windows equal too: ssim stays 1 there, and their d-terms cancel in the gradient of every pixel
 *   with pred = target (∂/∂x = 2x·F(d11) + y·F(d12) with d12 = −2·d11 when ssim = 1). See
 *   docs/train-numerics.md for the derivation.
 * - A band of output rows [y0, y1) is computed on rows [y0 − 2h, y1 + 2h) ∩ R: its map rows need the
 *   statistics of rows ±h, and its gradient rows need the d-terms of rows ±h, whose statistics need ±2h.
 * - Planes are float32 when the image is (production; the filter runs on WASM SIMD in float32, as PyTorch
 *   does on the GPU), float64 when the image is (gradient tests; plain JS filter).
 *
 * This module has no imports from losses.ts so that a worker can load it alone (splat/pool.ts runTasks).
 */
import { wasmGaussianFilter11, wasmGemmAvailable } from '../nn/index.js';

/** A rectangle [x0, x1) × [y0, y1) of pixels. */
export interface Rect {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** One band of the SSIM loss. Arrays may live on SharedArrayBuffers. */
export interface SsimBandJob {
  pred: Float32Array | Float64Array;
  target: ArrayLike<number>;
  /** Per-pixel weight (H×W) or null (all 1). */
  weight: ArrayLike<number> | null;
  width: number;
  channels: number;
  /** The rectangle outside which ssim = 1 and the gradient is 0. */
  rect: Rect;
  /** Output rows of this band (inside rect). */
  y0: number;
  y1: number;
  /** The normalised 1-D window (11 taps) and the SSIM constants. */
  win: Float64Array;
  c1: number;
  c2: number;
  /** ∂L/∂ssim_p,c = −k·w_p. */
  k: number;
  /** Gradient output (H×W×C layout); with `accumulate` k·… is added, else the band's rect rows are overwritten. */
  grad: Float32Array | Float64Array;
  accumulate: boolean;
  /** Σ w_p·(1 − ssim_p,c) over the band is written to sums[slot]. */
  sums: Float64Array;
  slot: number;
}

/** Plain separable filter with zero padding (float64 or float32 planes). */
function filterJs(src: ArrayLike<number>, dst: { [i: number]: number }, tmp: Float64Array, W: number, H: number, win: Float64Array): void {
  const half = (win.length - 1) / 2;
  for (let y = 0; y < H; y++) {
    const row = y * W;
    for (let x = 0; x < W; x++) {
      let s = 0;
      const lo = Math.max(0, x - half), hi = Math.min(W - 1, x + half);
      for (let q = lo; q <= hi; q++) s += win[q - x + half]! * src[row + q]!;
      tmp[row + x] = s;
    }
  }
  for (let y = 0; y < H; y++) {
    const lo = Math.max(0, y - half), hi = Math.min(H - 1, y + half);
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (let q = lo; q <= hi; q++) s += win[q - y + half]! * tmp[q * W + x]!;
      dst[y * W + x] = s;
    }
  }
}

/** Work planes of one thread, reused while the size fits. */
let planes: { f32: boolean; size: number; p: Array<Float32Array | Float64Array>; tmp: Float64Array } | null = null;
function workPlanes(size: number, f32: boolean): { p: Array<Float32Array | Float64Array>; tmp: Float64Array } {
  if (!planes || planes.f32 !== f32 || planes.size < size) {
    const make = () => (f32 ? new Float32Array(size) : new Float64Array(size));
    planes = { f32, size, p: Array.from({ length: 12 }, make), tmp: new Float64Array(size) };
  }
  return planes;
}

/** Runs one band (see the module comment). Exported by name for the worker pool. */
export function ssimBand(job: SsimBandJob): void {
  const { pred, target, weight, width: W, channels: C, rect, win, c1, c2, k, grad } = job;
  const half = (win.length - 1) / 2;
  const ey0 = Math.max(rect.y0, job.y0 - 2 * half), ey1 = Math.min(rect.y1, job.y1 + 2 * half);
  const w = rect.x1 - rect.x0, h = ey1 - ey0, n = w * h;
  const f32 = pred instanceof Float32Array;
  const fast = f32 && wasmGemmAvailable();
  const { p, tmp } = workPlanes(n, f32);
  const [x, y, mu1, mu2, e11, e22, e12, sq, dMu, d11, d12, wt] = p as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const filter = (src: Float32Array, dst: Float32Array): void => {
    if (!(fast && wasmGaussianFilter11(src.subarray(0, n), dst, w, h, win))) filterJs(src, dst, tmp, w, h, win);
  };
  for (let r = 0; r < h; r++) {
    const o = ((ey0 + r) * W + rect.x0), q = r * w;
    for (let i = 0; i < w; i++) wt[q + i] = weight ? weight[o + i]! : 1;
  }
  // map rows [y0, y1) and the d-terms of rows [y0 − h, y1 + h) (those the band's gradient rows read)
  const my0 = Math.max(ey0, job.y0 - half) - ey0, my1 = Math.min(ey1, job.y1 + half) - ey0;
  const oy0 = job.y0 - ey0, oy1 = job.y1 - ey0;
  let total = 0;
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < h; r++) {
      const o = (ey0 + r) * W + rect.x0, q = r * w;
      for (let i = 0; i < w; i++) { x[q + i] = pred[(o + i) * C + c]!; y[q + i] = target[(o + i) * C + c]!; }
    }
    filter(x, mu1);
    filter(y, mu2);
    for (let i = 0; i < n; i++) sq[i] = x[i]! * x[i]!;
    filter(sq, e11);
    for (let i = 0; i < n; i++) sq[i] = y[i]! * y[i]!;
    filter(sq, e22);
    for (let i = 0; i < n; i++) sq[i] = x[i]! * y[i]!;
    filter(sq, e12);
    dMu.fill(0, 0, n); d11.fill(0, 0, n); d12.fill(0, 0, n);
    for (let r = my0; r < my1; r++) {
      const inBand = r >= oy0 && r < oy1;
      for (let i = r * w, end = i + w; i < end; i++) {
        const m1 = mu1[i]!, m2 = mu2[i]!;
        const s11 = e11[i]! - m1 * m1, s22 = e22[i]! - m2 * m2, s12 = e12[i]! - m1 * m2;
        const A = 2 * m1 * m2 + c1, B = 2 * s12 + c2;
        const Cc = m1 * m1 + m2 * m2 + c1, D = s11 + s22 + c2;
        const s = (A * B) / (Cc * D);
        const wp = wt[i]!;
        if (inBand) total += wp * (1 - s);
        const g = -k * wp;
        const dsdm1 = (2 * m2 * B) / (Cc * D) - (s * 2 * m1) / Cc;
        const dsds11 = -s / D;
        const dsds12 = (2 * A) / (Cc * D);
        dMu[i] = g * (dsdm1 - 2 * m1 * dsds11 - m2 * dsds12);
        d11[i] = g * dsds11;
        d12[i] = g * dsds12;
      }
    }
    filter(dMu, mu1);
    filter(d11, e11);
    filter(d12, e12);
    for (let r = oy0; r < oy1; r++) {
      const o = (ey0 + r) * W + rect.x0, q = r * w;
      if (job.accumulate) for (let i = 0; i < w; i++) grad[(o + i) * C + c] += mu1[q + i]! + 2 * x[q + i]! * e11[q + i]! + y[q + i]! * e12[q + i]!;
      else for (let i = 0; i < w; i++) grad[(o + i) * C + c] = mu1[q + i]! + 2 * x[q + i]! * e11[q + i]! + y[q + i]! * e12[q + i]!;
    }
  }
  job.sums[job.slot] = total;
}
