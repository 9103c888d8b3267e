/**
 * The compositing kernels, splat-major: Gaussians are visited in depth order and each one composites
 * into the pixels of its own footprint (row by row, exact ellipse spans), restricted to one band of rows.
 * Per pixel this performs exactly the front-to-back loop of [3DGS] (same alpha threshold, clamp and early
 * stop), so the result equals the per-pixel reference. Used by the calling thread and by workers.
 *
 * Along a row the Gaussian is evaluated without exp(): g(x+1) = g(x)·ρ(x), ρ(x+1) = ρ(x)·e^(−a)
 * (the exponent is quadratic in x), two multiplications per pixel.
 */
import { ALPHA_MAX, ALPHA_MIN, BLOCK_ROWS, T_MIN } from './config.js';
import { GEO_STRIDE } from './types.js';

/** Buffers and sizes of one forward band. All arrays may live in SharedArrayBuffers. */
export interface ForwardBand {
  width: number; height: number; channels: number; count: number; hasDepth: boolean;
  /** M×GEO_STRIDE sorted records, M×2 row ranges, M×C sorted features. */
  geo: Float64Array; rows: Int32Array; features: Float32Array;
  /** C background values. */
  background: Float64Array;
  /** Outputs: H×W×C image, H×W alpha, H×W depth (unused when !hasDepth), H×W transmittance, H×W last rank. */
  image: Float32Array; alpha: Float32Array; depth: Float32Array; T: Float64Array; last: Int32Array;
  /** Rows [rowStart, rowEnd). */
  rowStart: number; rowEnd: number;
}

/** Buffers and sizes of one backward band. */
export interface BackwardBand {
  width: number; height: number; channels: number; count: number; hasDepth: boolean;
  geo: Float64Array; rows: Int32Array; features: Float32Array; background: Float64Array;
  /** H×W final transmittance and last rank saved by the forward pass. */
  finalT: Float64Array; last: Int32Array;
  /** Upstream gradients: H×W×C, H×W (or length 0), H×W (or length 0). */
  dImage: Float32Array; dAlpha: Float32Array; dDepth: Float32Array;
  /** H×W scratch: transmittance and the back-to-front scalar S (see docs/splat.md). */
  Tb: Float64Array; S: Float64Array;
  /** (M+1) first slot of each Gaussian; slot k holds PARTIAL_BASE + C float64 partial sums for one row block. */
  slotStart: Int32Array; partials: Float64Array;
  rowStart: number; rowEnd: number;
}

/** Partial-sum layout per (Gaussian, row block): du, dv, da, db, dc, dopacity, dz, then C feature grads. */
export const PARTIAL_BASE = 7;

const SPAN_EPS = 1e-4; // px of slack on the exact ellipse span; the alpha test decides exactly

/**
 * Computes the pixel span of row `py` for the Gaussian (u, v, a, b, c, tau) into out[0..4):
 * x0, x1 (inclusive, clamped), g at x0, ratio g(x0+1)/g(x0). Returns false when the row is empty.
 */
function rowSpan(u: number, v: number, a: number, b: number, c: number, tau: number, py: number, width: number, out: Float64Array): boolean {
  const dy = py + 0.5 - v;
  const disc = 2 * a * tau - (a * c - b * b) * dy * dy;
  if (disc < -1e-9) return false;
  const half = Math.sqrt(disc > 0 ? disc : 0) / a;
  const xc = u - 0.5 - (b * dy) / a;
  let x0 = Math.ceil(xc - half - SPAN_EPS), x1 = Math.floor(xc + half + SPAN_EPS);
  if (x0 < 0) x0 = 0;
  if (x1 > width - 1) x1 = width - 1;
  if (x0 > x1) return false;
  const dx = x0 + 0.5 - u;
  out[0] = x0; out[1] = x1;
  out[2] = Math.exp(-(0.5 * (a * dx * dx + c * dy * dy) + b * dx * dy));
  out[3] = Math.exp(-(a * dx + 0.5 * a + b * dy));
  return true;
}

/** Composites all Gaussians into rows [rowStart, rowEnd); returns the number of Gaussian–pixel pairs visited. */
export function forwardBand(k: ForwardBand): number {
  const { width, channels: C, count: M, hasDepth, geo, rows, features, image, alpha, depth, T, last, background } = k;
  const r0 = k.rowStart, r1 = k.rowEnd;
  const p0 = r0 * width, p1 = r1 * width;
  image.fill(0, p0 * C, p1 * C);
  T.fill(1, p0, p1);
  last.fill(-1, p0, p1);
  if (hasDepth) depth.fill(0, p0, p1);
  const span = new Float64Array(4);
  let pairs = 0;
  for (let r = 0; r < M; r++) {
    const ya = rows[2 * r]!, yb = rows[2 * r + 1]!;
    if (yb < r0 || ya >= r1) continue;
    const ys = ya > r0 ? ya : r0, ye = yb < r1 - 1 ? yb : r1 - 1;
    const gi = r * GEO_STRIDE;
    const u = geo[gi]!, v = geo[gi + 1]!, a = geo[gi + 2]!, b = geo[gi + 3]!, c = geo[gi + 4]!;
    const o = geo[gi + 5]!, tau = geo[gi + 6]!, z = geo[gi + 7]!;
    const q = Math.exp(-a);
    const fo = r * C;
    for (let py = ys; py <= ye; py++) {
      if (!rowSpan(u, v, a, b, c, tau, py, width, span)) continue;
      const x0 = span[0]!, x1 = span[1]!;
      let g = span[2]!, ratio = span[3]!;
      pairs += x1 - x0 + 1;
      const pe = py * width + x1;
      for (let pix = py * width + x0; pix <= pe; pix++) {
        const Tp = T[pix]!;
        if (Tp > 0) {
          let al = o * g;
          if (al >= ALPHA_MIN) {
            if (al > ALPHA_MAX) al = ALPHA_MAX;
            const tT = Tp * (1 - al);
            if (tT < T_MIN) {
              T[pix] = -Tp; // done: negative marks an early-stopped pixel
            } else {
              const w = al * Tp;
              const base = pix * C;
              for (let ch = 0; ch < C; ch++) image[base + ch]! += features[fo + ch]! * w;
              if (hasDepth) depth[pix]! += z * w;
              T[pix] = tT;
              last[pix] = r;
            }
          }
        }
        g *= ratio;
        ratio *= q;
      }
    }
  }
  for (let pix = p0; pix < p1; pix++) {
    let Tp = T[pix]!;
    if (Tp < 0) T[pix] = Tp = -Tp;
    alpha[pix] = 1 - Tp;
    const base = pix * C;
    for (let ch = 0; ch < C; ch++) image[base + ch]! += Tp * background[ch]!;
  }
  return pairs;
}

/**
 * Back-to-front replay over rows [rowStart, rowEnd) ([3DGS] backward): per pixel, Tᵢ = Tᵢ₊₁/(1−αᵢ) and
 * S = Σ_c ∂L/∂C_c·(Σ_{j>i} f_jc α_j T_j + T_N bg_c) − ∂L/∂A·T_N give ∂L/∂αᵢ = Tᵢ·⟨∂L/∂C, fᵢ⟩ − S/(1−αᵢ).
 * Writes per-(Gaussian, row block) partial sums of the 2D gradients into `partials`.
 */
export function backwardBand(k: BackwardBand): void {
  const { width, channels: C, count: M, hasDepth, geo, rows, features, background, finalT, last, dImage, dAlpha, dDepth, Tb, S, slotStart, partials } = k;
  const r0 = k.rowStart, r1 = k.rowEnd;
  const p0 = r0 * width, p1 = r1 * width;
  const hasDA = dAlpha.length > 0;
  const stride = PARTIAL_BASE + C;
  for (let pix = p0; pix < p1; pix++) {
    const TN = finalT[pix]!;
    Tb[pix] = TN;
    let s = 0;
    const base = pix * C;
    for (let ch = 0; ch < C; ch++) s += dImage[base + ch]! * background[ch]!;
    s *= TN;
    if (hasDA) s -= dAlpha[pix]! * TN;
    S[pix] = s;
  }
  const span = new Float64Array(4);
  const df = new Float64Array(C);
  for (let r = M - 1; r >= 0; r--) {
    const ya = rows[2 * r]!, yb = rows[2 * r + 1]!;
    if (yb < r0 || ya >= r1) continue;
    const ys = ya > r0 ? ya : r0, ye = yb < r1 - 1 ? yb : r1 - 1;
    const gi = r * GEO_STRIDE;
    const u = geo[gi]!, v = geo[gi + 1]!, a = geo[gi + 2]!, b = geo[gi + 3]!, c = geo[gi + 4]!;
    const o = geo[gi + 5]!, tau = geo[gi + 6]!, z = geo[gi + 7]!;
    const q = Math.exp(-a);
    const fo = r * C;
    const firstBlock = (ya / BLOCK_ROWS) | 0;
    let block = (ys / BLOCK_ROWS) | 0;
    let blockEnd = (block + 1) * BLOCK_ROWS;
    let du = 0, dv = 0, da = 0, db = 0, dc = 0, dop = 0, dz = 0;
    df.fill(0);
    for (let py = ys; py <= ye + 1; py++) {
      if (py === blockEnd || py > ye) {
        const sb = (slotStart[r]! + block - firstBlock) * stride;
        partials[sb] = du; partials[sb + 1] = dv; partials[sb + 2] = da; partials[sb + 3] = db; partials[sb + 4] = dc;
        partials[sb + 5] = dop; partials[sb + 6] = dz;
        for (let ch = 0; ch < C; ch++) partials[sb + PARTIAL_BASE + ch] = df[ch]!;
        if (py > ye) break;
        du = 0; dv = 0; da = 0; db = 0; dc = 0; dop = 0; dz = 0;
        df.fill(0);
        block++;
        blockEnd += BLOCK_ROWS;
      }
      if (!rowSpan(u, v, a, b, c, tau, py, width, span)) continue;
      const x0 = span[0]!, x1 = span[1]!;
      let g = span[2]!, ratio = span[3]!;
      const dy = py + 0.5 - v;
      let dx = x0 + 0.5 - u;
      const pe = py * width + x1;
      for (let pix = py * width + x0; pix <= pe; pix++, dx += 1) {
        if (r <= last[pix]!) {
          let al = o * g;
          if (al >= ALPHA_MIN) {
            const clamped = al > ALPHA_MAX;
            if (clamped) al = ALPHA_MAX;
            const om = 1 - al;
            const Ti = Tb[pix]! / om;
            const base = pix * C;
            let dot = 0;
            for (let ch = 0; ch < C; ch++) dot += dImage[base + ch]! * features[fo + ch]!;
            const w = al * Ti;
            if (hasDepth) {
              const dd = dDepth[pix]!;
              dot += dd * z;
              dz += dd * w;
            }
            for (let ch = 0; ch < C; ch++) df[ch]! += dImage[base + ch]! * w;
            const s = S[pix]!;
            const dAl = Ti * dot - s / om;
            S[pix] = s + w * dot;
            Tb[pix] = Ti;
            if (!clamped) {
              dop += g * dAl;
              const gp = -al * dAl; // ∂L/∂power, power = ½(a dx² + c dy²) + b dx dy
              da += 0.5 * dx * dx * gp;
              db += dx * dy * gp;
              dc += 0.5 * dy * dy * gp;
              du -= (a * dx + b * dy) * gp;
              dv -= (b * dx + c * dy) * gp;
            }
          }
        }
        g *= ratio;
        ratio *= q;
      }
    }
  }
}
