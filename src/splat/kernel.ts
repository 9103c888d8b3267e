/**
 * The compositing kernels, splat-major: Gaussians are visited in depth order and each one composites
 * into the pixels of its own footprint (row by row, exact ellipse spans), restricted to one band of rows.
 * Per pixel this performs exactly the front-to-back loop of [3DGS] (same alpha threshold, clamp and early
 * stop), so the result equals the per-pixel reference. Used by the calling thread and by workers.
 *
 * The Gaussian is evaluated without exp() per pixel: its exponent is quadratic in (x, y), so from an
 * anchor at the footprint's top-left corner g(x+1, y) = g(x, y)·ρ(x, y) with ρ(x+1, y) = ρ(x, y)·e^(−a),
 * and the row anchors advance the same way in y (6 exp per Gaussian). Footprints where the product chain
 * could underflow (very thin or very large conics) fall back to exp() per pixel.
 * Feature channels are handled in a second sweep per row, four channels at a time held in locals.
 */
import { ALPHA_MAX, ALPHA_MIN, BLOCK_ROWS, T_MIN } from './config.js';
import { GEO_STRIDE } from './types.js';

/** Buffers and sizes of one forward band. All arrays may live in SharedArrayBuffers. */
export interface ForwardBand {
  width: number; height: number; channels: number; count: number; hasDepth: boolean;
  /** M×GEO_STRIDE sorted records, M×4 boxes (y0, y1, x0, x1 inclusive), M original indices, N×C features (input order). */
  geo: Float64Array; rows: Int32Array; index: Int32Array; features: Float32Array;
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
  geo: Float64Array; rows: Int32Array; index: Int32Array; features: Float32Array; background: Float64Array;
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
/** Largest exponent at a footprint corner for which the multiplicative recurrence is used (e^−600 ≫ 1e−308). */
const MAX_RECURRENCE_POWER = 600;
/** Largest conic diagonal (1/px²) for which the recurrence is used (keeps e^−a and the ratios in range). */
const MAX_RECURRENCE_CONIC = 400;

/**
 * Walks the footprint of one Gaussian row by row. For each non-empty row it calls back with the span
 * and g at its first pixel plus the x-ratio; shared by both kernels so that they see identical values.
 * State lives in `st` (Float64Array(8)) to keep the hot loops allocation-free:
 * st[0..2] = gRow, rRow, yRatio at column xb of the current row; st[3..5] = e^−a, e^−c, e^−b; st[6] = exact flag.
 */
function startGaussian(u: number, v: number, a: number, b: number, c: number, xb: number, xe: number, ya: number, ye: number, st: Float64Array): void {
  const dxb = xb + 0.5 - u, dxe = xe + 0.5 - u, dya = ya + 0.5 - v, dye = ye + 0.5 - v;
  const p1 = 0.5 * (a * dxb * dxb + c * dya * dya) + b * dxb * dya;
  const p2 = 0.5 * (a * dxe * dxe + c * dya * dya) + b * dxe * dya;
  const p3 = 0.5 * (a * dxb * dxb + c * dye * dye) + b * dxb * dye;
  const p4 = 0.5 * (a * dxe * dxe + c * dye * dye) + b * dxe * dye;
  const pmax = Math.max(p1, p2, p3, p4);
  if (pmax < MAX_RECURRENCE_POWER && a < MAX_RECURRENCE_CONIC && c < MAX_RECURRENCE_CONIC) {
    st[0] = Math.exp(-p1);
    st[1] = Math.exp(-(a * dxb + 0.5 * a + b * dya));
    st[2] = Math.exp(-(c * dya + 0.5 * c + b * dxb));
    st[3] = Math.exp(-a);
    st[4] = Math.exp(-c);
    st[5] = Math.exp(-b);
    st[6] = 0;
  } else st[6] = 1;
}

/** Advances the row anchor of `startGaussian` by one row. */
function nextRow(st: Float64Array): void {
  st[0]! *= st[2]!;
  st[2]! *= st[4]!;
  st[1]! *= st[5]!;
}

/**
 * Span of row `py` (inclusive x0, x1 in out[0], out[1], clamped to the image) where the Gaussian can reach
 * alpha ≥ 1/255, and g and the x-ratio at x0 in out[2], out[3]. Returns false for an empty row.
 */
function rowSpan(u: number, v: number, a: number, b: number, c: number, tau: number, py: number, xb: number, xe: number, st: Float64Array, out: Float64Array): boolean {
  const dy = py + 0.5 - v;
  const disc = 2 * a * tau - (a * c - b * b) * dy * dy;
  if (disc < -1e-9) return false;
  const half = Math.sqrt(disc > 0 ? disc : 0) / a;
  const xc = u - 0.5 - (b * dy) / a;
  let x0 = Math.ceil(xc - half - SPAN_EPS), x1 = Math.floor(xc + half + SPAN_EPS);
  if (x0 < xb) x0 = xb;
  if (x1 > xe) x1 = xe;
  if (x0 > x1) return false;
  out[0] = x0; out[1] = x1;
  if (st[6] === 0) {
    let g = st[0]!, r = st[1]!;
    const q = st[3]!;
    for (let x = xb; x < x0; x++) { g *= r; r *= q; }
    out[2] = g; out[3] = r;
  } else {
    const dx = x0 + 0.5 - u;
    out[2] = Math.exp(-(0.5 * (a * dx * dx + c * dy * dy) + b * dx * dy));
    out[3] = 0;
  }
  return true;
}

/** g at pixel x of row dy when the recurrence is off (exact mode). */
function exactG(u: number, a: number, b: number, c: number, dy: number, x: number): number {
  const dx = x + 0.5 - u;
  return Math.exp(-(0.5 * (a * dx * dx + c * dy * dy) + b * dx * dy));
}

/** Composites all Gaussians into rows [rowStart, rowEnd); returns the number of Gaussian–pixel pairs visited. */
export function forwardBand(k: ForwardBand): number {
  const { width, channels: C, count: M, hasDepth, geo, rows, index, features, image, alpha, depth, T, last, background } = k;
  const r0 = k.rowStart, r1 = k.rowEnd;
  const p0 = r0 * width, p1 = r1 * width;
  image.fill(0, p0 * C, p1 * C);
  T.fill(1, p0, p1);
  last.fill(-1, p0, p1);
  if (hasDepth) depth.fill(0, p0, p1);
  const span = new Float64Array(4), st = new Float64Array(8);
  const wbuf = new Float64Array(width);
  let pairs = 0;
  for (let r = 0; r < M; r++) {
    const ya = rows[4 * r]!, yb = rows[4 * r + 1]!;
    if (yb < r0 || ya >= r1) continue;
    const xb = rows[4 * r + 2]!, xe = rows[4 * r + 3]!;
    const ys = ya > r0 ? ya : r0, ye = yb < r1 - 1 ? yb : r1 - 1;
    const gi = r * GEO_STRIDE;
    const u = geo[gi]!, v = geo[gi + 1]!, a = geo[gi + 2]!, b = geo[gi + 3]!, c = geo[gi + 4]!;
    const o = geo[gi + 5]!, tau = geo[gi + 6]!, z = geo[gi + 7]!;
    startGaussian(u, v, a, b, c, xb, xe, ya, yb, st);
    const exact = st[6] !== 0, q = st[3]!;
    for (let py = ya; py < ys; py++) nextRow(st);
    const fo = index[r]! * C;
    for (let py = ys; py <= ye; py++, nextRow(st)) {
      if (!rowSpan(u, v, a, b, c, tau, py, xb, xe, st, span)) continue;
      const x0 = span[0]!, x1 = span[1]!;
      let g = span[2]!, ratio = span[3]!;
      const dy = py + 0.5 - v;
      const n = x1 - x0 + 1;
      pairs += n;
      const pb = py * width + x0;
      let kmin = n, kmax = -1;
      for (let j = 0; j < n; j++) {
        if (exact) g = exactG(u, a, b, c, dy, x0 + j);
        const pix = pb + j;
        const Tp = T[pix]!;
        let w = 0;
        if (Tp > 0) {
          let al = o * g;
          if (al >= ALPHA_MIN) {
            if (al > ALPHA_MAX) al = ALPHA_MAX;
            const tT = Tp * (1 - al);
            if (tT < T_MIN) {
              T[pix] = -Tp; // done: negative marks an early-stopped pixel
            } else {
              w = al * Tp;
              if (hasDepth) depth[pix]! += z * w;
              T[pix] = tT;
              last[pix] = r;
              if (j < kmin) kmin = j;
              kmax = j;
            }
          }
        }
        wbuf[j] = w;
        g *= ratio;
        ratio *= q;
      }
      if (kmax < 0) continue;
      // Feature sweep: image[pix, ch] += f_ch · w, four channels at a time.
      const ib = (pb + kmin) * C;
      let ch = 0;
      for (; ch + 4 <= C; ch += 4) {
        const f0 = features[fo + ch]!, f1 = features[fo + ch + 1]!, f2 = features[fo + ch + 2]!, f3 = features[fo + ch + 3]!;
        for (let j = kmin, idx = ib + ch; j <= kmax; j++, idx += C) {
          const w = wbuf[j]!;
          image[idx]! += f0 * w;
          image[idx + 1]! += f1 * w;
          image[idx + 2]! += f2 * w;
          image[idx + 3]! += f3 * w;
        }
      }
      for (; ch < C; ch++) {
        const f0 = features[fo + ch]!;
        for (let j = kmin, idx = ib + ch; j <= kmax; j++, idx += C) image[idx]! += f0 * wbuf[j]!;
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
  const { width, channels: C, count: M, hasDepth, geo, rows, index, features, background, finalT, last, dImage, dAlpha, dDepth, Tb, S, slotStart, partials } = k;
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
  const span = new Float64Array(4), st = new Float64Array(8);
  const df = new Float64Array(C);
  const gbuf = new Float64Array(width), dots = new Float64Array(width), wbuf = new Float64Array(width);
  for (let r = M - 1; r >= 0; r--) {
    const ya = rows[4 * r]!, yb = rows[4 * r + 1]!;
    if (yb < r0 || ya >= r1) continue;
    const xb = rows[4 * r + 2]!, xe = rows[4 * r + 3]!;
    const ys = ya > r0 ? ya : r0, ye = yb < r1 - 1 ? yb : r1 - 1;
    const gi = r * GEO_STRIDE;
    const u = geo[gi]!, v = geo[gi + 1]!, a = geo[gi + 2]!, b = geo[gi + 3]!, c = geo[gi + 4]!;
    const o = geo[gi + 5]!, tau = geo[gi + 6]!, z = geo[gi + 7]!;
    startGaussian(u, v, a, b, c, xb, xe, ya, yb, st);
    const exact = st[6] !== 0, q = st[3]!;
    for (let py = ya; py < ys; py++) nextRow(st);
    const fo = index[r]! * C;
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
      const ok = rowSpan(u, v, a, b, c, tau, py, xb, xe, st, span);
      nextRow(st);
      if (!ok) continue;
      const x0 = span[0]!, x1 = span[1]!;
      let g = span[2]!, ratio = span[3]!;
      const dy = py + 0.5 - v;
      const n = x1 - x0 + 1;
      const pb = py * width + x0;
      // 1. which pixels did this Gaussian reach in the forward pass (same g as the forward pass)
      let kmin = n, kmax = -1;
      for (let j = 0; j < n; j++) {
        if (exact) g = exactG(u, a, b, c, dy, x0 + j);
        let gj = 0;
        if (r <= last[pb + j]! && o * g >= ALPHA_MIN) {
          gj = g;
          if (j < kmin) kmin = j;
          kmax = j;
        }
        gbuf[j] = gj;
        dots[j] = 0;
        g *= ratio;
        ratio *= q;
      }
      if (kmax < 0) continue;
      // 2. ⟨∂L/∂C, f⟩ per pixel, four channels at a time
      const ib = (pb + kmin) * C;
      let ch = 0;
      for (; ch + 4 <= C; ch += 4) {
        const f0 = features[fo + ch]!, f1 = features[fo + ch + 1]!, f2 = features[fo + ch + 2]!, f3 = features[fo + ch + 3]!;
        for (let j = kmin, idx = ib + ch; j <= kmax; j++, idx += C)
          dots[j]! += dImage[idx]! * f0 + dImage[idx + 1]! * f1 + dImage[idx + 2]! * f2 + dImage[idx + 3]! * f3;
      }
      for (; ch < C; ch++) {
        const f0 = features[fo + ch]!;
        for (let j = kmin, idx = ib + ch; j <= kmax; j++, idx += C) dots[j]! += dImage[idx]! * f0;
      }
      // 3. the scalar replay
      for (let j = kmin; j <= kmax; j++) {
        const gj = gbuf[j]!;
        if (gj === 0) { wbuf[j] = 0; continue; }
        const pix = pb + j;
        let al = o * gj;
        const clamped = al > ALPHA_MAX;
        if (clamped) al = ALPHA_MAX;
        const om = 1 - al;
        const Ti = Tb[pix]! / om;
        const w = al * Ti;
        let dot = dots[j]!;
        if (hasDepth) {
          const dd = dDepth[pix]!;
          dot += dd * z;
          dz += dd * w;
        }
        const s = S[pix]!;
        const dAl = Ti * dot - s / om;
        S[pix] = s + w * dot;
        Tb[pix] = Ti;
        wbuf[j] = w;
        if (!clamped) {
          const dx = x0 + j + 0.5 - u;
          dop += gj * dAl;
          const gp = -al * dAl; // ∂L/∂power, power = ½(a dx² + c dy²) + b dx dy
          da += 0.5 * dx * dx * gp;
          db += dx * dy * gp;
          dc += 0.5 * dy * dy * gp;
          du -= (a * dx + b * dy) * gp;
          dv -= (b * dx + c * dy) * gp;
        }
      }
      // 4. ∂L/∂f_ch += Σ_pix ∂L/∂C_ch · w, four channels at a time
      ch = 0;
      for (; ch + 4 <= C; ch += 4) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let j = kmin, idx = ib + ch; j <= kmax; j++, idx += C) {
          const w = wbuf[j]!;
          s0 += dImage[idx]! * w; s1 += dImage[idx + 1]! * w; s2 += dImage[idx + 2]! * w; s3 += dImage[idx + 3]! * w;
        }
        df[ch]! += s0; df[ch + 1]! += s1; df[ch + 2]! += s2; df[ch + 3]! += s3;
      }
      for (; ch < C; ch++) {
        let s0 = 0;
        for (let j = kmin, idx = ib + ch; j <= kmax; j++, idx += C) s0 += dImage[idx]! * wbuf[j]!;
        df[ch]! += s0;
      }
    }
  }
}
