/**
 * Float32 Linear-layer products on the WebAssembly SIMD kernels (`wasm-gemm.ts`): operands are
 * copied into the module's memory (a bump arena reused across calls), the 4-row × 8-column
 * blocks run in WASM, and ragged edges (rows mod 4, columns mod 8) are finished in JS.
 * Each function returns false when WASM SIMD is unavailable so the caller falls back to JS.
 */
import { gemmWasm, type GemmWasm } from './wasm-gemm.js';

/** Rows per call of the weight-gradient kernel, so a tile of both operands stays in L2. */
const TN_TILE_ROWS = 256;

/** Disabled with PERSONA_NO_WASM=1 or `setWasmGemmEnabled(false)` (benchmarks compare both paths). */
let disabled = typeof process !== 'undefined' && process.env.PERSONA_NO_WASM === '1';

/** Turns the WASM SIMD path on or off (it is on by default where supported). */
export function setWasmGemmEnabled(enabled: boolean): void {
  disabled = !enabled;
}

/** Whether the WASM SIMD path is in use. */
export function wasmGemmAvailable(): boolean {
  return !disabled && gemmWasm() !== null;
}

/** Grows the memory to at least `bytes` and returns the kernels with a fresh f32 view. */
function arena(bytes: number): { k: GemmWasm; f32: Float32Array } | null {
  if (disabled) return null;
  const k = gemmWasm();
  if (!k) return null;
  const have = k.memory.buffer.byteLength;
  if (bytes > have) {
    // Grow geometrically (×1.5) so alternating sizes do not grow page by page; if even the
    // exact size cannot be had (WASM32 caps at 4 GiB), the caller falls back to plain JS.
    try {
      k.memory.grow(Math.ceil((Math.max(bytes, have * 1.5) - have) / 65536));
    } catch {
      try {
        k.memory.grow(Math.ceil((bytes - have) / 65536));
      } catch {
        return null;
      }
    }
  }
  return { k, f32: new Float32Array(k.memory.buffer) };
}

/**
 * y (n×O) = x (n×K)·Wᵀ + b with W O×K. Outputs narrower than 8 (PERSONA's last layer, O = 3)
 * are padded to 8 zero-weight columns so that they run in WASM too.
 */
export function wasmLinearForward(x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array, n: number, K: number, O: number): boolean {
  const P = O < 8 ? 8 : O; // padded output width
  // layout (floats): bias P | Wt K×P | x n×K | y n×P
  const pB = 0, pW = P, pX = pW + K * P, pY = pX + n * K, end = pY + n * P;
  const a = arena(end * 4);
  if (!a) return false;
  const { k, f32 } = a;
  f32.fill(0, pB, pX);
  if (b) f32.set(b.subarray(0, O), pB);
  for (let o = 0; o < O; o++) for (let i = 0; i < K; i++) f32[pW + i * P + o] = w[o * K + i]!;
  f32.set(x.subarray(0, n * K), pX);
  const n4 = n - (n % 4), O8 = P - (P % 8);
  k.gemmNN(4 * pX, 4 * pW, 4 * pY, 4 * pB, n4, K, O8, P);
  if (P === O) y.set(f32.subarray(pY, pY + n4 * O));
  else for (let r = 0; r < n4; r++) for (let o = 0; o < O; o++) y[r * O + o] = f32[pY + r * P + o]!;
  // ragged edges in JS: columns ≥ O8 of the blocked rows, and every column of the last rows
  for (let r = 0; r < n; r++) {
    const o0 = r < n4 ? O8 : 0;
    for (let o = o0; o < O; o++) {
      let s = b ? b[o]! : 0;
      for (let i = 0; i < K; i++) s += x[r * K + i]! * w[o * K + i]!;
      y[r * O + o] = s;
    }
  }
  return true;
}

/** dx (n×K) = dy (n×O)·W (O×K). */
export function wasmLinearBackwardInput(dy: Float32Array, w: Float32Array, dx: Float32Array, n: number, K: number, O: number): boolean {
  // layout: zeros K | W O×K | dy n×O | dx n×K
  const pZ = 0, pW = K, pD = pW + O * K, pX = pD + n * O, end = pX + n * K;
  const a = arena(end * 4);
  if (!a) return false;
  const { k, f32 } = a;
  f32.fill(0, pZ, pZ + K);
  f32.set(w.subarray(0, O * K), pW);
  f32.set(dy.subarray(0, n * O), pD);
  const n4 = n - (n % 4), K8 = K - (K % 8);
  k.gemmNN(4 * pD, 4 * pW, 4 * pX, 4 * pZ, n4, O, K8, K);
  dx.set(f32.subarray(pX, pX + n4 * K));
  for (let r = 0; r < n; r++) {
    const k0 = r < n4 ? K8 : 0;
    for (let i = k0; i < K; i++) {
      let s = 0;
      for (let o = 0; o < O; o++) s += dy[r * O + o]! * w[o * K + i]!;
      dx[r * K + i] = s;
    }
  }
  return true;
}

/**
 * dw (O×K) += dyᵀ·x over n rows (dy n×O, x n×K). db is left to the caller. Fewer than 4
 * outputs are padded to 4 zero columns of dy so that they run in WASM too.
 */
export function wasmLinearBackwardWeight(x: Float32Array, dy: Float32Array, dw: Float32Array, n: number, K: number, O: number): boolean {
  const P = O < 4 ? 4 : O; // padded output count
  // layout: dW P×K | dy n×P | x n×K
  const pW = 0, pD = P * K, pX = pD + n * P, end = pX + n * K;
  const a = arena(end * 4);
  if (!a) return false;
  const { k, f32 } = a;
  f32.set(dw.subarray(0, O * K), pW);
  if (P === O) f32.set(dy.subarray(0, n * O), pD);
  else {
    f32.fill(0, pW + O * K, pD);
    for (let r = 0; r < n; r++) {
      const d = pD + r * P;
      for (let o = 0; o < O; o++) f32[d + o] = dy[r * O + o]!;
      for (let o = O; o < P; o++) f32[d + o] = 0;
    }
  }
  f32.set(x.subarray(0, n * K), pX);
  const O4 = P - (P % 4), K8 = K - (K % 8);
  for (let r0 = 0; r0 < n; r0 += TN_TILE_ROWS) {
    const rows = Math.min(TN_TILE_ROWS, n - r0);
    k.gemmTN(4 * (pD + r0 * P), 4 * (pX + r0 * K), 4 * pW, rows, O4, K8, P, K);
  }
  dw.set(f32.subarray(pW, pW + O * K));
  // ragged edges: rows o ≥ O4 (all k), and columns k ≥ K8 of rows o < O4
  for (let o = 0; o < O; o++) {
    const k0 = o < O4 ? K8 : 0;
    for (let i = k0; i < K; i++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += dy[r * O + o]! * x[r * K + i]!;
      dw[o * K + i] += s;
    }
  }
  return true;
}

/** x (n×C) ← x̂, rstd (n×G) ← 1/σ, y ← ReLU(γ·x̂ + β): GroupNorm.normalizeAffineRelu on WASM SIMD. */
export function wasmGnNormAffineRelu(x: Float32Array, rstd: Float32Array, y: Float32Array, gamma: Float32Array, beta: Float32Array, n: number, C: number, G: number, eps: number): boolean {
  const pG = 0, pB = C, pX = 2 * C, pY = pX + n * C, pR = pY + n * C, end = pR + n * G;
  const a = arena(end * 4);
  if (!a) return false;
  const { k, f32 } = a;
  f32.set(gamma.subarray(0, C), pG);
  f32.set(beta.subarray(0, C), pB);
  f32.set(x.subarray(0, n * C), pX);
  k.gnNormAffineRelu(4 * pX, 4 * pR, 4 * pY, 4 * pG, 4 * pB, n * G, 4 * C, (4 * C) / G, eps);
  x.set(f32.subarray(pX, pX + n * C));
  y.set(f32.subarray(pY, pY + n * C));
  rstd.set(f32.subarray(pR, pR + n * G));
  return true;
}

/** GroupNorm backward fused with the following ReLU (GroupNorm.backward with relu) on WASM SIMD. */
export function wasmGnBackwardRelu(dy: Float32Array, xhat: Float32Array, rstd: Float32Array, dx: Float32Array, gamma: Float32Array, beta: Float32Array, dGamma: Float32Array, dBeta: Float32Array, n: number, C: number, G: number): boolean {
  const pG = 0, pB = C, pDG = 2 * C, pDB = 3 * C, pD = 4 * C, pX = pD + n * C, pR = pX + n * C, end = pR + n * G;
  const a = arena(end * 4);
  if (!a) return false;
  const { k, f32 } = a;
  f32.set(gamma.subarray(0, C), pG);
  f32.set(beta.subarray(0, C), pB);
  f32.set(dGamma.subarray(0, C), pDG);
  f32.set(dBeta.subarray(0, C), pDB);
  f32.set(dy.subarray(0, n * C), pD);
  f32.set(xhat.subarray(0, n * C), pX);
  f32.set(rstd.subarray(0, n * G), pR);
  k.gnBackwardRelu(4 * pD, 4 * pX, 4 * pR, 4 * pG, 4 * pB, 4 * pDG, 4 * pDB, n * G, 4 * C, (4 * C) / G);
  dx.set(f32.subarray(pD, pD + n * C));
  dGamma.set(f32.subarray(pDG, pDG + C));
  dBeta.set(f32.subarray(pDB, pDB + C));
  return true;
}

/** y (n×C) = ReLU(γ·x̂ + β) on WASM SIMD (C a multiple of 4). */
export function wasmAffineRelu(xhat: Float32Array, y: Float32Array, gamma: Float32Array, beta: Float32Array, n: number, C: number): boolean {
  const pG = 0, pB = C, pX = 2 * C, pY = pX + n * C, end = pY + n * C;
  const a = arena(end * 4);
  if (!a) return false;
  const { k, f32 } = a;
  f32.set(gamma.subarray(0, C), pG);
  f32.set(beta.subarray(0, C), pB);
  f32.set(xhat.subarray(0, n * C), pX);
  k.affineRelu(4 * pX, 4 * pY, 4 * pG, 4 * pB, 4 * n * C, 4 * C);
  y.set(f32.subarray(pY, pY + n * C));
  return true;
}

/**
 * 11-tap separable filter with zero padding (window `win`, 11 weights) of a W×H plane on WASM
 * SIMD, in float32: src and dst are float32 or float64 planes (converted on the copy). Returns false when
 * WASM is unavailable. Used by the SSIM loss for float32 images.
 */
export function wasmGaussianFilter11(src: ArrayLike<number>, dst: { [i: number]: number }, W: number, H: number, win: ArrayLike<number>): boolean {
  if (win.length !== 11) return false;
  const W4 = (W + 3) & ~3, Ws = W4 + 10, Hp = H + 10;
  // layout: win 12 | src Hp×Ws | tmp Hp×W4 | dst H×W4
  const pWin = 0, pS = 12, pT = pS + Hp * Ws, pD = pT + Hp * W4, end = pD + H * W4;
  const a = arena(end * 4);
  if (!a) return false;
  const { k, f32 } = a;
  for (let t = 0; t < 11; t++) f32[pWin + t] = win[t]!;
  f32.fill(0, pS, pT);
  for (let y = 0; y < H; y++) {
    const o = pS + (y + 5) * Ws + 5, r = y * W;
    for (let x = 0; x < W; x++) f32[o + x] = src[r + x]!;
  }
  k.gauss11(4 * pS, 4 * pT, 4 * pD, W4, H, 4 * pWin);
  for (let y = 0; y < H; y++) {
    const o = pD + y * W4, r = y * W;
    for (let x = 0; x < W; x++) dst[r + x] = f32[o + x]!;
  }
  return true;
}
