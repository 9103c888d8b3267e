/**
 * PERSONA's training losses on rendered images, each returning its value and its exact
 * gradient with respect to the rendered input, plus the PSNR/SSIM metrics.
 *
 * Conventions (match the public PERSONA code, avatar/common/nets/loss.py and main/model.py):
 * - Images are H×W×C row-major (`ImageDims`); per-pixel weight maps and masks are H×W.
 * - A loss is the mean over all H·W·C elements of the (weighted, masked) per-element loss
 *   map — PyTorch's `.mean()` — so a mask zeroes pixels without renormalising.
 * - `scale` multiplies value and gradient (the loss weight λ). When `grad` is given, λ·∂L/∂pred
 *   is *added* into it, so several losses can accumulate into one image gradient without
 *   allocating; otherwise a fresh buffer is returned.
 */
import { sharedFloat32, sharedFloat64 } from '../core/shared.js';
import { PersonaError } from '../core/errors.js';
import type { Floats } from '../nn/index.js';
import { wasmGaussianFilter11, wasmGemmAvailable } from '../nn/index.js';
import { availableParallelism } from 'node:os';
import { runTasks } from '../splat/index.js';
import { ssimBand, type Rect, type SsimBandJob } from './ssimBands.js';

/**
 * Loss engines: `reference` computes every image loss over the whole frame (float64 SSIM planes, one
 * thread); `fast` (default) skips the pixels where pred = target, where the losses and their gradients are
 * exactly 0 (the background outside the avatar), computes SSIM in float32 planes and splits it into row
 * bands over the worker pool. Same values and gradients up to float rounding (tested against `reference`).
 * PERSONA_LOSS_ENGINE=reference selects the old path (benchmarks compare both in one run).
 */
export type LossEngine = 'reference' | 'fast';
let engine: LossEngine = typeof process !== 'undefined' && process.env.PERSONA_LOSS_ENGINE === 'reference' ? 'reference' : 'fast';
/** Threads of the `fast` SSIM (default min(2, cores), like the rasterizer); results depend on it only by rounding. */
let lossThreads: number | undefined;

/** Selects the loss engine (see `LossEngine`). */
export function setLossEngine(e: LossEngine): void {
  if (e !== 'reference' && e !== 'fast') throw new PersonaError(`unknown loss engine "${String(e)}"`, { hint: 'use reference or fast' });
  engine = e;
}
export function getLossEngine(): LossEngine {
  return engine;
}
/** Sets the SSIM threads of the `fast` engine (undefined: default). */
export function setLossThreads(n: number | undefined): void {
  if (n !== undefined && !(Number.isInteger(n) && n >= 1)) throw new PersonaError(`loss threads must be a positive integer, got ${n}`);
  lossThreads = n;
}

/** The SSIM threads set by `setLossThreads` (undefined: default). */
export function getLossThreads(): number | undefined {
  return lossThreads;
}

/** Wall time spent in the SSIM and L1 losses since the last reset (bench/train.ts reads and resets it). */
export const lossProfile = { ssimMs: 0, l1Ms: 0 };

/** Shape of an H×W×C row-major image buffer. */
export interface ImageDims {
  width: number;
  height: number;
  channels: number;
}

/** A loss value (already multiplied by `scale`) and the buffer holding scale·∂L/∂pred. */
export interface LossResult {
  value: number;
  grad: Floats;
}

/** Options shared by the image losses. */
export interface LossOptions {
  /** Per-pixel weight (H×W), e.g. geometry-weighted boundary weights (0.1 / 1). */
  weight?: ArrayLike<number>;
  /** Per-pixel mask (H×W); 0 drops a pixel (same as a 0 weight; kept separate for clarity). */
  mask?: ArrayLike<number>;
  /** Loss weight λ multiplying value and gradient (default 1). */
  scale?: number;
  /** Accumulate λ·∂L/∂pred into this buffer (same length as pred) instead of allocating. */
  grad?: Floats;
}

/** SSIM constants of 3DGS / PERSONA: 11×11 Gaussian window, σ = 1.5, C1 = 0.01², C2 = 0.03². */
export const SSIM_WINDOW = 11;
export const SSIM_SIGMA = 1.5;
export const SSIM_C1 = 0.01 ** 2;
export const SSIM_C2 = 0.03 ** 2;
/** λ of the scale-invariant log loss (sapiens metric_silog_loss, used by PERSONA's DepthLoss). */
export const SILOG_LAMBDA = 0.5;
/** ε added to the depth range when normalising to [0, 1] (PERSONA DepthLoss). */
export const DEPTH_RANGE_EPS = 1e-4;

function checkImage(what: string, buf: ArrayLike<number>, dims: ImageDims): void {
  const { width, height, channels } = dims;
  if (!(width > 0 && height > 0 && channels > 0)) throw new PersonaError(`${what}: bad image size ${width}×${height}×${channels}`);
  if (buf.length !== width * height * channels)
    throw new PersonaError(`${what}: buffer has ${buf.length} values but the image is ${width}×${height}×${channels}`);
}

function checkMap(what: string, buf: ArrayLike<number> | undefined, dims: ImageDims): void {
  if (buf && buf.length !== dims.width * dims.height)
    throw new PersonaError(`${what}: per-pixel map has ${buf.length} values, the image has ${dims.width}×${dims.height} pixels`);
}

function gradBuffer(pred: Floats, opts: LossOptions): Floats {
  if (opts.grad) {
    if (opts.grad.length !== pred.length) throw new PersonaError(`loss: grad buffer has ${opts.grad.length} values, pred has ${pred.length}`);
    return opts.grad;
  }
  return pred instanceof Float64Array ? new Float64Array(pred.length) : new Float32Array(pred.length);
}

/** Product of the optional weight and mask at pixel p. */
function pixelWeight(opts: LossOptions, p: number): number {
  let w = 1;
  if (opts.weight) w *= opts.weight[p]!;
  if (opts.mask) w *= opts.mask[p]!;
  return w;
}

/**
 * Image L1: L = λ/(HWC) Σ_p,c w_p·|pred − target|. Gradient λ·w_p·sign(pred − target)/(HWC)
 * (0 where equal).
 */
export function l1Loss(pred: Floats, target: ArrayLike<number>, dims: ImageDims, opts: LossOptions = {}): LossResult {
  checkImage('l1Loss pred', pred, dims);
  checkImage('l1Loss target', target, dims);
  checkMap('l1Loss weight', opts.weight, dims);
  checkMap('l1Loss mask', opts.mask, dims);
  const grad = gradBuffer(pred, opts);
  const C = dims.channels, P = dims.width * dims.height, W = dims.width;
  const k = (opts.scale ?? 1) / (P * C);
  const t0 = performance.now();
  // fast: only the box where pred ≠ target (elsewhere every term is w·0); same sum order, so bit-identical
  const box = engine === 'fast' ? differenceBox(pred, target, dims) : { x0: 0, x1: W, y0: 0, y1: dims.height };
  let sum = 0;
  if (box) for (let py = box.y0; py < box.y1; py++)
    for (let p = py * W + box.x0, end = py * W + box.x1; p < end; p++) {
      const w = pixelWeight(opts, p);
      if (w === 0) continue;
      for (let c = 0; c < C; c++) {
        const i = p * C + c, d = pred[i]! - target[i]!;
        sum += w * Math.abs(d);
        if (d !== 0) grad[i] += d > 0 ? k * w : -k * w;
      }
    }
  lossProfile.l1Ms += performance.now() - t0;
  return { value: sum * k, grad };
}

/** The smallest box holding every pixel where pred and target differ in some channel (null if none). */
export function differenceBox(pred: ArrayLike<number>, target: ArrayLike<number>, dims: ImageDims): Rect | null {
  const { width: W, height: H, channels: C } = dims;
  let x0 = W, x1 = 0, y0 = H, y1 = 0;
  const rowLen = W * C;
  for (let y = 0; y < H; y++) {
    const o = y * rowLen;
    let first = -1, last = -1;
    for (let i = 0; i < rowLen; i++) if (pred[o + i] !== target[o + i]) { first = i; break; }
    if (first < 0) continue;
    for (let i = rowLen - 1; i >= first; i--) if (pred[o + i] !== target[o + i]) { last = i; break; }
    if (y < y0) y0 = y;
    y1 = y + 1;
    const a = Math.floor(first / C), b = Math.floor(last / C) + 1;
    if (a < x0) x0 = a;
    if (b > x1) x1 = b;
  }
  return y1 > y0 ? { x0, x1, y0, y1 } : null;
}

/** Normalised 1-D Gaussian window (SSIM_WINDOW taps, σ = SSIM_SIGMA). */
export function gaussianWindow(size = SSIM_WINDOW, sigma = SSIM_SIGMA): Float64Array {
  const w = new Float64Array(size), half = Math.floor(size / 2);
  let s = 0;
  for (let i = 0; i < size; i++) s += w[i] = Math.exp(-((i - half) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < size; i++) w[i]! /= s;
  return w;
}

/**
 * Separable Gaussian filter of a W×H plane with zero padding (F.conv2d, padding = size/2).
 * The filter is symmetric, so this is also its own adjoint (used by the SSIM backward).
 */
export function gaussianFilterJs(src: Float64Array, dst: Float64Array, tmp: Float64Array, W: number, H: number, win: Float64Array): void {
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

/** Work buffers of the SSIM computation for one channel plane. */
class SsimPlanes {
  readonly x: Float64Array; readonly y: Float64Array; readonly tmp: Float64Array;
  readonly mu1: Float64Array; readonly mu2: Float64Array; readonly e11: Float64Array; readonly e22: Float64Array; readonly e12: Float64Array;
  readonly dMu: Float64Array; readonly d11: Float64Array; readonly d12: Float64Array; readonly sq: Float64Array;
  constructor(readonly size: number) {
    const P = size;
    this.x = new Float64Array(P); this.y = new Float64Array(P); this.tmp = new Float64Array(P);
    this.mu1 = new Float64Array(P); this.mu2 = new Float64Array(P);
    this.e11 = new Float64Array(P); this.e22 = new Float64Array(P); this.e12 = new Float64Array(P);
    this.dMu = new Float64Array(P); this.d11 = new Float64Array(P); this.d12 = new Float64Array(P); this.sq = new Float64Array(P);
  }
}

let ssimCache: SsimPlanes | null = null;

/** Reused work buffers (≈12 planes of float64; reallocated only when the image size changes). */
function ssimPlanes(P: number): SsimPlanes {
  if (!ssimCache || ssimCache.size !== P) ssimCache = new SsimPlanes(P);
  return ssimCache;
}

/**
 * SSIM map (as 3DGS): μ, σ², σ12 from an 11×11 Gaussian window (σ = 1.5, zero padding),
 * ssim = (2μ1μ2 + C1)(2σ12 + C2) / ((μ1² + μ2² + C1)(σ1² + σ2² + C2)), per pixel and channel.
 * With `upstream` (H×W×C: ∂L/∂ssim), also writes ∂L/∂pred into `gradOut` (accumulating).
 */
function ssimCore(pred: ArrayLike<number>, target: ArrayLike<number>, dims: ImageDims, map: Float64Array | null, upstream: ((p: number, c: number) => number) | null, gradOut: Floats | null): number {
  const { width: W, height: H, channels: C } = dims, P = W * H;
  const win = gaussianWindow();
  const b = ssimPlanes(P);
  const { dMu, d11, d12, sq } = b;
  // Float32 images (production) filter on WASM SIMD in float32, as PyTorch does on the GPU;
  // float64 images (gradient tests) stay in float64 JS.
  const fast = pred instanceof Float32Array && wasmGemmAvailable();
  const gaussianFilter = (src: Float64Array, dst: Float64Array, tmp: Float64Array, w: number, h: number, k: Float64Array) => {
    if (!(fast && wasmGaussianFilter11(src, dst, w, h, k))) gaussianFilterJs(src, dst, tmp, w, h, k);
  };
  let total = 0;
  for (let c = 0; c < C; c++) {
    for (let p = 0; p < P; p++) {
      b.x[p] = pred[p * C + c]!;
      b.y[p] = target[p * C + c]!;
    }
    gaussianFilter(b.x, b.mu1, b.tmp, W, H, win);
    gaussianFilter(b.y, b.mu2, b.tmp, W, H, win);
    for (let p = 0; p < P; p++) sq[p] = b.x[p]! * b.x[p]!;
    gaussianFilter(sq, b.e11, b.tmp, W, H, win);
    for (let p = 0; p < P; p++) sq[p] = b.y[p]! * b.y[p]!;
    gaussianFilter(sq, b.e22, b.tmp, W, H, win);
    for (let p = 0; p < P; p++) sq[p] = b.x[p]! * b.y[p]!;
    gaussianFilter(sq, b.e12, b.tmp, W, H, win);
    for (let p = 0; p < P; p++) {
      const m1 = b.mu1[p]!, m2 = b.mu2[p]!;
      const s11 = b.e11[p]! - m1 * m1, s22 = b.e22[p]! - m2 * m2, s12 = b.e12[p]! - m1 * m2;
      const A = 2 * m1 * m2 + SSIM_C1, B = 2 * s12 + SSIM_C2;
      const Cc = m1 * m1 + m2 * m2 + SSIM_C1, D = s11 + s22 + SSIM_C2;
      const s = (A * B) / (Cc * D);
      total += s;
      if (map) map[p * C + c] = s;
      if (upstream) {
        const g = upstream(p, c);
        // ∂s/∂μ1 (direct), ∂s/∂σ1², ∂s/∂σ12
        const dsdm1 = (2 * m2 * B) / (Cc * D) - (s * 2 * m1) / Cc;
        const dsds11 = -s / D;
        const dsds12 = (2 * A) / (Cc * D);
        // σ1² = E[x²] − μ1², σ12 = E[xy] − μ1μ2  →  totals w.r.t. the filtered maps μ1, E[x²], E[xy]
        dMu[p] = g * (dsdm1 - 2 * m1 * dsds11 - m2 * dsds12);
        d11[p] = g * dsds11;
        d12[p] = g * dsds12;
      }
    }
    if (upstream && gradOut) {
      // Adjoint of the (symmetric, zero-padded) filter is the same filter.
      gaussianFilter(dMu, b.mu1, b.tmp, W, H, win);
      gaussianFilter(d11, b.e11, b.tmp, W, H, win);
      gaussianFilter(d12, b.e12, b.tmp, W, H, win);
      for (let p = 0; p < P; p++) gradOut[p * C + c] += b.mu1[p]! + 2 * b.x[p]! * b.e11[p]! + b.y[p]! * b.e12[p]!;
    }
  }
  return total / (P * C);
}

/**
 * SSIM loss: L = λ/(HWC) Σ_p,c w_p·(1 − ssim_p,c), with the exact gradient through the
 * Gaussian-window statistics.
 */
export function ssimLoss(pred: Floats, target: ArrayLike<number>, dims: ImageDims, opts: LossOptions = {}): LossResult {
  checkImage('ssimLoss pred', pred, dims);
  checkImage('ssimLoss target', target, dims);
  checkMap('ssimLoss weight', opts.weight, dims);
  checkMap('ssimLoss mask', opts.mask, dims);
  const grad = gradBuffer(pred, opts);
  const C = dims.channels, P = dims.width * dims.height;
  const k = (opts.scale ?? 1) / (P * C);
  const t0 = performance.now();
  try {
    if (engine === 'fast') return { value: ssimLossFast(pred, target, dims, opts, k, grad), grad };
    return { value: ssimLossReference(pred, target, dims, opts, k, grad), grad };
  } finally {
    lossProfile.ssimMs += performance.now() - t0;
  }
}

function ssimLossReference(pred: Floats, target: ArrayLike<number>, dims: ImageDims, opts: LossOptions, k: number, grad: Floats): number {
  const C = dims.channels, P = dims.width * dims.height;
  const map = new Float64Array(P * C);
  ssimCore(pred, target, dims, map, (p) => -k * pixelWeight(opts, p), grad);
  let sum = 0;
  for (let p = 0; p < P; p++) {
    const w = pixelWeight(opts, p);
    if (w === 0) continue;
    for (let c = 0; c < C; c++) sum += w * (1 - map[p * C + c]!);
  }
  return sum * k;
}

/** Rows per band below which the SSIM stays on one thread (the halo of 2·5 rows per side would dominate). */
const MIN_SSIM_BAND_ROWS = 48;
/** Shared copies of the inputs for the worker bands, reused while the size fits. */
let sharedIn: { pred: Float32Array; target: Float32Array; weight: Float32Array; grad: Float32Array; sums: Float64Array } | null = null;
function sharedBuffers(n: number, P: number, bands: number) {
  if (!sharedIn || sharedIn.pred.length < n || sharedIn.weight.length < P || sharedIn.sums.length < bands) {
    const f32 = sharedFloat32;
    sharedIn = { pred: f32(n), target: f32(n), weight: f32(P), grad: f32(n), sums: sharedFloat64(Math.max(bands, 8)) };
  }
  return sharedIn;
}

/** The `fast` SSIM loss: cropped to the difference box + 2 window half-widths, in row bands (ssimBands.ts). */
function ssimLossFast(pred: Floats, target: ArrayLike<number>, dims: ImageDims, opts: LossOptions, k: number, grad: Floats): number {
  const { width: W, height: H, channels: C } = dims, P = W * H;
  const box = differenceBox(pred, target, dims);
  if (!box) return 0;
  const win = gaussianWindow(), half = (SSIM_WINDOW - 1) / 2;
  const rect: Rect = { x0: Math.max(0, box.x0 - 2 * half), x1: Math.min(W, box.x1 + 2 * half), y0: Math.max(0, box.y0 - 2 * half), y1: Math.min(H, box.y1 + 2 * half) };
  let weight: Float32Array | Float64Array | null = null;
  if (opts.weight || opts.mask) {
    weight = pred instanceof Float64Array ? new Float64Array(P) : new Float32Array(P);
    for (let p = 0; p < P; p++) weight[p] = pixelWeight(opts, p);
  }
  const rows = rect.y1 - rect.y0;
  const threads = pred instanceof Float32Array ? Math.max(1, Math.min(lossThreads ?? Math.min(2, availableParallelism()), Math.floor(rows / MIN_SSIM_BAND_ROWS))) : 1;
  const base = { width: W, channels: C, rect, win, c1: SSIM_C1, c2: SSIM_C2, k };
  if (threads === 1) {
    const sums = new Float64Array(1);
    ssimBand({ ...base, pred, target, weight, y0: rect.y0, y1: rect.y1, grad, accumulate: true, sums, slot: 0 });
    return sums[0]! * k;
  }
  const sh = sharedBuffers(P * C, P, threads);
  sh.pred.set(pred);
  for (let i = 0; i < P * C; i++) sh.target[i] = target[i]!;
  if (weight) sh.weight.set(weight);
  const jobs: SsimBandJob[] = [];
  for (let b = 0; b < threads; b++) {
    const y0 = rect.y0 + Math.round((rows * b) / threads), y1 = rect.y0 + Math.round((rows * (b + 1)) / threads);
    jobs.push(b === 0
      ? { ...base, pred, target, weight, y0, y1, grad: grad as Float32Array, accumulate: true, sums: sh.sums, slot: 0 }
      : { ...base, pred: sh.pred, target: sh.target, weight: weight ? sh.weight : null, y0, y1, grad: sh.grad, accumulate: false, sums: sh.sums, slot: b });
  }
  runTasks(SSIM_BANDS_MODULE, 'ssimBand', jobs, ssimBand);
  let sum = sh.sums[0]!;
  for (let b = 1; b < threads; b++) {
    sum += sh.sums[b]!;
    const j = jobs[b]!;
    for (let y = j.y0; y < j.y1; y++)
      for (let i = (y * W + rect.x0) * C, end = (y * W + rect.x1) * C; i < end; i++) grad[i] += sh.grad[i]!;
  }
  return sum * k;
}
const SSIM_BANDS_MODULE = new URL('./ssimBands.js', import.meta.url).href;

/** Weights of the image loss (PERSONA cfg: rgb_loss_weight 0.8, ssim_loss_weight 0.2). */
export interface ImageLossWeights {
  l1: number;
  ssim: number;
}

/**
 * PERSONA's image loss without LPIPS: λ·(w_l1·L1 + w_ssim·(1 − SSIM)) (the config's `loss.imageL1`/`imageSsim`:
 * 0.8, 0.2), both under the same
 * per-pixel weight map. Returns the total and each part.
 */
export function imageLoss(pred: Floats, target: ArrayLike<number>, dims: ImageDims, opts: LossOptions & { weights: ImageLossWeights }): LossResult & { l1: number; ssim: number } {
  const weights = opts.weights;
  const scale = opts.scale ?? 1;
  const grad = gradBuffer(pred, opts);
  const a = l1Loss(pred, target, dims, { ...opts, grad, scale: scale * weights.l1 });
  const b = ssimLoss(pred, target, dims, { ...opts, grad, scale: scale * weights.ssim });
  return { value: a.value + b.value, grad, l1: a.value, ssim: b.value };
}

/** Mask loss on the rendered alpha: L = λ·mean_p |α_p − m_p| (H×W, one channel). */
export function maskLoss(alpha: Floats, mask: ArrayLike<number>, dims: { width: number; height: number }, opts: LossOptions = {}): LossResult {
  return l1Loss(alpha, mask, { width: dims.width, height: dims.height, channels: 1 }, opts);
}

/**
 * Part-segmentation L1 on the rendered segmentation logits' colours (H×W×C, C = 3 in PERSONA):
 * L = λ/(HWC) Σ w_p·fg_p·|pred − target|, where fg_p = 1 unless the target pixel is all zeros
 * (PERSONA SegLoss: unlabelled pixels are black).
 */
export function segLoss(pred: Floats, target: ArrayLike<number>, dims: ImageDims, opts: LossOptions = {}): LossResult {
  checkImage('segLoss target', target, dims);
  const C = dims.channels, P = dims.width * dims.height;
  const fg = new Float32Array(P);
  for (let p = 0; p < P; p++) {
    let any = 0;
    for (let c = 0; c < C; c++) if (target[p * C + c] !== 0) any = 1;
    fg[p] = opts.mask ? any * opts.mask[p]! : any;
  }
  return l1Loss(pred, target, dims, { ...opts, mask: fg });
}

/**
 * Normal loss (PERSONA NormalLoss) on unit-range normals n̂ (rendered) and n (target), both
 * H×W×3 with components in [−1, 1]:
 *   L = λ/(HW) Σ_p m_p·w_p·[ (1/3)·Σ_c |n̂_c − n_c| + (1 − n̂·n) ].
 * The "cosine" term is the plain dot product, as in the reference code (the rendered normal
 * is an alpha blend, not re-normalised). `mask` should mark pixels where both maps are valid
 * (PERSONA: neither is the all-zero background of the [0,1] encoding).
 */
export function normalLoss(pred: Floats, target: ArrayLike<number>, dims: { width: number; height: number }, opts: LossOptions = {}): LossResult {
  const d3 = { width: dims.width, height: dims.height, channels: 3 };
  checkImage('normalLoss pred', pred, d3);
  checkImage('normalLoss target', target, d3);
  checkMap('normalLoss weight', opts.weight, d3);
  checkMap('normalLoss mask', opts.mask, d3);
  const grad = gradBuffer(pred, opts);
  const P = dims.width * dims.height;
  const k = (opts.scale ?? 1) / P;
  let sum = 0;
  for (let p = 0; p < P; p++) {
    const w = pixelWeight(opts, p);
    if (w === 0) continue;
    const i = 3 * p;
    let l1 = 0, dp = 0;
    for (let c = 0; c < 3; c++) {
      l1 += Math.abs(pred[i + c]! - target[i + c]!);
      dp += pred[i + c]! * target[i + c]!;
    }
    sum += w * (l1 / 3 + 1 - dp);
    for (let c = 0; c < 3; c++) {
      const d = pred[i + c]! - target[i + c]!;
      grad[i + c] += k * w * ((d > 0 ? 1 : d < 0 ? -1 : 0) / 3 - target[i + c]!);
    }
  }
  return { value: sum * k, grad };
}

/**
 * Scale-invariant log depth loss on normalised depth (PERSONA DepthLoss, after sapiens'
 * SiLog). With V0 = {p : d̂_p > 0, d_p > 0, mask_p ≠ 0}:
 *   d̃ = (d̂ − min_V0 d̂)/(max_V0 d̂ − min_V0 d̂ + 1e-4), likewise t̃ from the target,
 *   V = {p ∈ V0 : d̃_p > 0, t̃_p > 0},  e_p = log t̃_p − log d̃_p,
 *   L = λ·√( mean_V e² − 0.5·(mean_V e)² ).
 * The gradient is exact, including the paths through the min and max of the rendered depth.
 * Returns 0 (and no gradient) when V is empty or L = 0. pred, target: H×W, one channel.
 */
export function depthLoss(pred: Floats, target: ArrayLike<number>, dims: { width: number; height: number }, opts: Omit<LossOptions, 'weight'> = {}): LossResult & { pixels: number } {
  const d1 = { width: dims.width, height: dims.height, channels: 1 };
  checkImage('depthLoss pred', pred, d1);
  checkImage('depthLoss target', target, d1);
  checkMap('depthLoss mask', opts.mask, d1);
  const grad = gradBuffer(pred, opts);
  const P = dims.width * dims.height;
  let dMin = Infinity, dMax = -Infinity, tMin = Infinity, tMax = -Infinity, iMin = -1, iMax = -1;
  const valid0 = (p: number) => pred[p]! > 0 && target[p]! > 0 && (!opts.mask || opts.mask[p] !== 0);
  for (let p = 0; p < P; p++) {
    if (!valid0(p)) continue;
    const d = pred[p]!, t = target[p]!;
    if (d < dMin) { dMin = d; iMin = p; }
    if (d > dMax) { dMax = d; iMax = p; }
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
  }
  if (iMin < 0) return { value: 0, grad, pixels: 0 };
  const S = dMax - dMin + DEPTH_RANGE_EPS, T = tMax - tMin + DEPTH_RANGE_EPS;
  let K = 0, m1 = 0, m2 = 0;
  for (let p = 0; p < P; p++) {
    if (!valid0(p)) continue;
    const dn = (pred[p]! - dMin) / S, tn = (target[p]! - tMin) / T;
    if (!(dn > 0 && tn > 0)) continue;
    const e = Math.log(tn) - Math.log(dn);
    K++;
    m1 += e;
    m2 += e * e;
  }
  if (K === 0) return { value: 0, grad, pixels: 0 };
  m1 /= K;
  m2 /= K;
  const inner = m2 - SILOG_LAMBDA * m1 * m1;
  const L = Math.sqrt(Math.max(inner, 0));
  const scale = opts.scale ?? 1;
  if (!(L > 1e-12)) return { value: 0, grad, pixels: K };
  // dL/de_p = (e_p − λ·m1)/(K·L); dL/dd̃_p = −dL/de_p / d̃_p; d̃_p = (d̂_p − min)/S.
  let gMin = 0, gMax = 0;
  for (let p = 0; p < P; p++) {
    if (!valid0(p)) continue;
    const dn = (pred[p]! - dMin) / S, tn = (target[p]! - tMin) / T;
    if (!(dn > 0 && tn > 0)) continue;
    const e = Math.log(tn) - Math.log(dn);
    const G = -((e - SILOG_LAMBDA * m1) / (K * L)) / dn; // ∂L/∂d̃_p
    grad[p] += (scale * G) / S;
    gMin += (G * (dn - 1)) / S; // ∂d̃_p/∂min = (d̃_p − 1)/S
    gMax += (-G * dn) / S; // ∂d̃_p/∂max = −d̃_p/S
  }
  grad[iMin] += scale * gMin;
  grad[iMax] += scale * gMax;
  return { value: scale * L, grad, pixels: K };
}

/** PSNR in dB of pred vs target with peak 1 (over masked pixels when `mask` is given). */
export function psnr(pred: ArrayLike<number>, target: ArrayLike<number>, dims: ImageDims, mask?: ArrayLike<number>): number {
  checkImage('psnr pred', pred, dims);
  checkImage('psnr target', target, dims);
  checkMap('psnr mask', mask, dims);
  const C = dims.channels, P = dims.width * dims.height;
  let se = 0, count = 0;
  for (let p = 0; p < P; p++) {
    if (mask && !mask[p]) continue;
    for (let c = 0; c < C; c++) {
      const d = pred[p * C + c]! - target[p * C + c]!;
      se += d * d;
    }
    count += C;
  }
  if (count === 0) throw new PersonaError('psnr: the mask selects no pixels');
  const mse = se / count;
  return mse === 0 ? Infinity : 10 * Math.log10(1 / mse);
}

/** Mean SSIM over all pixels and channels (3DGS convention: 11×11 Gaussian window, σ 1.5). */
export function ssim(pred: ArrayLike<number>, target: ArrayLike<number>, dims: ImageDims): number {
  checkImage('ssim pred', pred, dims);
  checkImage('ssim target', target, dims);
  return ssimCore(pred, target, dims, null, null, null);
}
