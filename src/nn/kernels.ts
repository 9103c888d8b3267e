/**
 * Dense kernels of the Linear layer. Float32 work goes to WebAssembly SIMD (wasm-linear.ts);
 * the plain-JS versions below are register-blocked for N×K row-major activations and O×K row-major weights
 * (PyTorch's `nn.Linear` layout). Hot loops allocate nothing. 4×4 blocks keep 16 partial sums
 * in registers and reuse each load four times, which is ~3× faster than the naive dot-product
 * loop in V8 (measured: 1.6 → 5.0 GFLOP/s for 40k×128×128 on this machine).
 */
import type { Floats } from './types.js';
import { wasmLinearBackwardInput, wasmLinearBackwardWeight, wasmLinearForward } from './wasm-linear.js';

/** Below this many rows the copy into WASM memory is not worth it. */
const WASM_MIN_ROWS = 64;

function allF32(...a: (Floats | null)[]): boolean {
  for (const x of a) if (x !== null && !(x instanceof Float32Array)) return false;
  return true;
}

/**
 * y[n, o] = Σ_k x[n, k]·w[o, k] + b[o]   (x: n×K, w: O×K, b: O or null, y: n×O; y overwritten).
 * Float32 operands of useful size run on the WASM SIMD kernel; others on `linearForwardJs`.
 */
export function linearForward(x: Floats, w: Floats, b: Floats | null, y: Floats, n: number, K: number, O: number): void {
  if (n >= WASM_MIN_ROWS && allF32(x, w, b, y) && wasmLinearForward(x as Float32Array, w as Float32Array, b as Float32Array | null, y as Float32Array, n, K, O)) return;
  linearForwardJs(x, w, b, y, n, K, O);
}

/** dx[n, k] = Σ_o dy[n, o]·w[o, k] (dx overwritten); WASM for float32, else `linearBackwardInputJs`. */
export function linearBackwardInput(dy: Floats, w: Floats, dx: Floats, n: number, K: number, O: number): void {
  if (n >= WASM_MIN_ROWS && K >= 8 && allF32(dy, w, dx) && wasmLinearBackwardInput(dy as Float32Array, w as Float32Array, dx as Float32Array, n, K, O)) return;
  linearBackwardInputJs(dy, w, dx, n, K, O);
}

/** dw += dyᵀ·x, db += Σ dy (accumulating); WASM for float32, else `linearBackwardWeightJs`. */
export function linearBackwardWeight(x: Floats, dy: Floats, dw: Floats, db: Floats | null, n: number, K: number, O: number): void {
  if (n >= WASM_MIN_ROWS && K >= 8 && allF32(x, dy, dw) && wasmLinearBackwardWeight(x as Float32Array, dy as Float32Array, dw as Float32Array, n, K, O)) {
    if (db) columnSums(dy, db, n, O);
    return;
  }
  linearBackwardWeightJs(x, dy, dw, db, n, K, O);
}

/** db[o] += Σ_r dy[r, o] (dy n×O), four rows per step to shorten the dependency chains. */
function columnSums(dy: Floats, db: Floats, n: number, O: number): void {
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    const a = r * O, b = a + O, c = b + O, d = c + O;
    for (let o = 0; o < O; o++) db[o] += dy[a + o]! + dy[b + o]! + dy[c + o]! + dy[d + o]!;
  }
  for (; r < n; r++) for (let o = 0; o < O; o++) db[o] += dy[r * O + o]!;
}

/** Plain-JS register-blocked version of `linearForward` (any float type). */
export function linearForwardJs(x: Floats, w: Floats, b: Floats | null, y: Floats, n: number, K: number, O: number): void {
  const O4 = O - (O % 4);
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    const x0 = r * K, x1 = x0 + K, x2 = x1 + K, x3 = x2 + K;
    const y0 = r * O, y1 = y0 + O, y2 = y1 + O, y3 = y2 + O;
    let o = 0;
    for (; o < O4; o += 4) {
      const w0 = o * K, w1 = w0 + K, w2 = w1 + K, w3 = w2 + K;
      let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
      let a20 = 0, a21 = 0, a22 = 0, a23 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0;
      for (let k = 0; k < K; k++) {
        const v0 = x[x0 + k]!, v1 = x[x1 + k]!, v2 = x[x2 + k]!, v3 = x[x3 + k]!;
        const u0 = w[w0 + k]!, u1 = w[w1 + k]!, u2 = w[w2 + k]!, u3 = w[w3 + k]!;
        a00 += v0 * u0; a01 += v0 * u1; a02 += v0 * u2; a03 += v0 * u3;
        a10 += v1 * u0; a11 += v1 * u1; a12 += v1 * u2; a13 += v1 * u3;
        a20 += v2 * u0; a21 += v2 * u1; a22 += v2 * u2; a23 += v2 * u3;
        a30 += v3 * u0; a31 += v3 * u1; a32 += v3 * u2; a33 += v3 * u3;
      }
      const b0 = b ? b[o]! : 0, b1 = b ? b[o + 1]! : 0, b2 = b ? b[o + 2]! : 0, b3 = b ? b[o + 3]! : 0;
      y[y0 + o] = a00 + b0; y[y0 + o + 1] = a01 + b1; y[y0 + o + 2] = a02 + b2; y[y0 + o + 3] = a03 + b3;
      y[y1 + o] = a10 + b0; y[y1 + o + 1] = a11 + b1; y[y1 + o + 2] = a12 + b2; y[y1 + o + 3] = a13 + b3;
      y[y2 + o] = a20 + b0; y[y2 + o + 1] = a21 + b1; y[y2 + o + 2] = a22 + b2; y[y2 + o + 3] = a23 + b3;
      y[y3 + o] = a30 + b0; y[y3 + o + 1] = a31 + b1; y[y3 + o + 2] = a32 + b2; y[y3 + o + 3] = a33 + b3;
    }
    for (; o < O; o++) {
      const w0 = o * K;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let k = 0; k < K; k++) {
        const u = w[w0 + k]!;
        a0 += x[x0 + k]! * u; a1 += x[x1 + k]! * u; a2 += x[x2 + k]! * u; a3 += x[x3 + k]! * u;
      }
      const bo = b ? b[o]! : 0;
      y[y0 + o] = a0 + bo; y[y1 + o] = a1 + bo; y[y2 + o] = a2 + bo; y[y3 + o] = a3 + bo;
    }
  }
  for (; r < n; r++) {
    const x0 = r * K, y0 = r * O;
    for (let o = 0; o < O; o++) {
      const w0 = o * K;
      let a = b ? b[o]! : 0;
      for (let k = 0; k < K; k++) a += x[x0 + k]! * w[w0 + k]!;
      y[y0 + o] = a;
    }
  }
}

/** Plain-JS register-blocked version of `linearBackwardInput`: dx = dy·w (dy n×O, w O×K, dx n×K). */
export function linearBackwardInputJs(dy: Floats, w: Floats, dx: Floats, n: number, K: number, O: number): void {
  const K4 = K - (K % 4);
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    const d0 = r * O, d1 = d0 + O, d2 = d1 + O, d3 = d2 + O;
    const x0 = r * K, x1 = x0 + K, x2 = x1 + K, x3 = x2 + K;
    let k = 0;
    for (; k < K4; k += 4) {
      let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
      let a20 = 0, a21 = 0, a22 = 0, a23 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0;
      for (let o = 0; o < O; o++) {
        const v0 = dy[d0 + o]!, v1 = dy[d1 + o]!, v2 = dy[d2 + o]!, v3 = dy[d3 + o]!;
        const wo = o * K + k;
        const u0 = w[wo]!, u1 = w[wo + 1]!, u2 = w[wo + 2]!, u3 = w[wo + 3]!;
        a00 += v0 * u0; a01 += v0 * u1; a02 += v0 * u2; a03 += v0 * u3;
        a10 += v1 * u0; a11 += v1 * u1; a12 += v1 * u2; a13 += v1 * u3;
        a20 += v2 * u0; a21 += v2 * u1; a22 += v2 * u2; a23 += v2 * u3;
        a30 += v3 * u0; a31 += v3 * u1; a32 += v3 * u2; a33 += v3 * u3;
      }
      dx[x0 + k] = a00; dx[x0 + k + 1] = a01; dx[x0 + k + 2] = a02; dx[x0 + k + 3] = a03;
      dx[x1 + k] = a10; dx[x1 + k + 1] = a11; dx[x1 + k + 2] = a12; dx[x1 + k + 3] = a13;
      dx[x2 + k] = a20; dx[x2 + k + 1] = a21; dx[x2 + k + 2] = a22; dx[x2 + k + 3] = a23;
      dx[x3 + k] = a30; dx[x3 + k + 1] = a31; dx[x3 + k + 2] = a32; dx[x3 + k + 3] = a33;
    }
    for (; k < K; k++) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let o = 0; o < O; o++) {
        const u = w[o * K + k]!;
        a0 += dy[d0 + o]! * u; a1 += dy[d1 + o]! * u; a2 += dy[d2 + o]! * u; a3 += dy[d3 + o]! * u;
      }
      dx[x0 + k] = a0; dx[x1 + k] = a1; dx[x2 + k] = a2; dx[x3 + k] = a3;
    }
  }
  for (; r < n; r++) {
    const d0 = r * O, x0 = r * K;
    for (let k = 0; k < K; k++) {
      let a = 0;
      for (let o = 0; o < O; o++) a += dy[d0 + o]! * w[o * K + k]!;
      dx[x0 + k] = a;
    }
  }
}

/** Rows per cache tile in `linearBackwardWeight` (64 rows × 128 ch × 2 arrays × 4 B = 64 KiB, fits L2). */
const WEIGHT_GRAD_TILE_ROWS = 64;

/**
 * Plain-JS version of `linearBackwardWeight`:
 * dw[o, k] += Σ_n dy[n, o]·x[n, k] and db[o] += Σ_n dy[n, o]   (accumulating; db may be null).
 * Rows are processed in tiles so that each tile of x and dy stays in cache while every 4×4
 * block of dw sweeps it.
 */
export function linearBackwardWeightJs(x: Floats, dy: Floats, dw: Floats, db: Floats | null, n: number, K: number, O: number): void {
  const O4 = O - (O % 4), K4 = K - (K % 4);
  for (let r0 = 0; r0 < n; r0 += WEIGHT_GRAD_TILE_ROWS) {
    const r1 = Math.min(n, r0 + WEIGHT_GRAD_TILE_ROWS);
    let o = 0;
    for (; o < O4; o += 4) {
      let k = 0;
      for (; k < K4; k += 4) {
        let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
        let a20 = 0, a21 = 0, a22 = 0, a23 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0;
        for (let r = r0; r < r1; r++) {
          const dr = r * O + o, xr = r * K + k;
          const v0 = dy[dr]!, v1 = dy[dr + 1]!, v2 = dy[dr + 2]!, v3 = dy[dr + 3]!;
          const u0 = x[xr]!, u1 = x[xr + 1]!, u2 = x[xr + 2]!, u3 = x[xr + 3]!;
          a00 += v0 * u0; a01 += v0 * u1; a02 += v0 * u2; a03 += v0 * u3;
          a10 += v1 * u0; a11 += v1 * u1; a12 += v1 * u2; a13 += v1 * u3;
          a20 += v2 * u0; a21 += v2 * u1; a22 += v2 * u2; a23 += v2 * u3;
          a30 += v3 * u0; a31 += v3 * u1; a32 += v3 * u2; a33 += v3 * u3;
        }
        const w0 = o * K + k, w1 = w0 + K, w2 = w1 + K, w3 = w2 + K;
        dw[w0] += a00; dw[w0 + 1] += a01; dw[w0 + 2] += a02; dw[w0 + 3] += a03;
        dw[w1] += a10; dw[w1 + 1] += a11; dw[w1 + 2] += a12; dw[w1 + 3] += a13;
        dw[w2] += a20; dw[w2 + 1] += a21; dw[w2 + 2] += a22; dw[w2 + 3] += a23;
        dw[w3] += a30; dw[w3 + 1] += a31; dw[w3 + 2] += a32; dw[w3 + 3] += a33;
      }
      for (; k < K; k++) {
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (let r = r0; r < r1; r++) {
          const u = x[r * K + k]!, dr = r * O + o;
          a0 += dy[dr]! * u; a1 += dy[dr + 1]! * u; a2 += dy[dr + 2]! * u; a3 += dy[dr + 3]! * u;
        }
        dw[o * K + k] += a0; dw[(o + 1) * K + k] += a1; dw[(o + 2) * K + k] += a2; dw[(o + 3) * K + k] += a3;
      }
    }
    for (; o < O; o++) {
      const w0 = o * K;
      let k = 0;
      for (; k < K4; k += 4) {
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (let r = r0; r < r1; r++) {
          const v = dy[r * O + o]!, xr = r * K + k;
          a0 += v * x[xr]!; a1 += v * x[xr + 1]!; a2 += v * x[xr + 2]!; a3 += v * x[xr + 3]!;
        }
        dw[w0 + k] += a0; dw[w0 + k + 1] += a1; dw[w0 + k + 2] += a2; dw[w0 + k + 3] += a3;
      }
      for (; k < K; k++) {
        let a = 0;
        for (let r = r0; r < r1; r++) a += dy[r * O + o]! * x[r * K + k]!;
        dw[w0 + k] += a;
      }
    }
  }
  if (db) {
    for (let r = 0; r < n; r++) {
      const dr = r * O;
      for (let o = 0; o < O; o++) db[o] += dy[dr + o]!;
    }
  }
}
