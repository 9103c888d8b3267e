import { PersonaError } from '../core/errors.js';
import type { FloatCtor, Floats, Param } from './types.js';
import { checkRows } from './linear.js';
import { wasmAffineRelu, wasmGnBackwardRelu, wasmGnNormAffineRelu } from './wasm-linear.js';

/** Rows below which the float32 WASM SIMD path is not worth the copies. */
const WASM_MIN_ROWS = 64;

/** Group-norm epsilon: PyTorch's `nn.GroupNorm` default (eps = 1e-5). */
export const GROUP_NORM_EPS = 1e-5;

/** Mean of x[s..e). */
function groupMean(x: Floats, s: number, e: number): number {
  let mean = 0;
  for (let i = s; i < e; i++) mean += x[i]!;
  return mean / (e - s);
}

/** 1/√(biased variance of x[s..e) + ε), given its mean. */
function groupRstd(x: Floats, s: number, e: number, mean: number, eps: number): number {
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = x[i]! - mean;
    v += d * d;
  }
  return 1 / Math.sqrt(v / (e - s) + eps);
}

/**
 * Group norm of n×C rows (G groups), affine (γ, β per channel), then ReLU: the plain-loop forward that
 * `GroupNorm.normalizeAffineRelu` runs without WASM and the browser's pose offsets (src/avatar/pose.ts) run
 * on one row. x becomes x̂; `rstd` (n×G, or null) receives 1/σ; y = ReLU(γ·x̂ + β). y may be x (then x̂ is
 * overwritten by the output).
 */
export function groupNormAffineRelu(x: Floats, rstd: Floats | null, y: Floats, n: number, C: number, G: number, gamma: Floats, beta: Floats, eps = GROUP_NORM_EPS): void {
  const cg = C / G;
  for (let r = 0; r < n; r++) {
    for (let g = 0; g < G; g++) {
      const s = r * C + g * cg, e = s + cg, c0 = g * cg - s;
      const mean = groupMean(x, s, e);
      const rs = groupRstd(x, s, e, mean, eps);
      if (rstd) rstd[r * G + g] = rs;
      for (let i = s; i < e; i++) {
        const xh = (x[i]! - mean) * rs;
        x[i] = xh;
        const a = gamma[c0 + i]! * xh + beta[c0 + i]!;
        y[i] = (a + Math.abs(a)) * 0.5;
      }
    }
  }
}

/**
 * Group normalisation of N×C rows, as PyTorch's `nn.GroupNorm(G, C)` applied to an (N, C)
 * tensor — which is how PERSONA uses it on per-Gaussian features (make_linear_layers with
 * use_gn=True, `nn.GroupNorm(4, 128)` after each hidden Linear). Each row is its own "sample":
 * its C channels are split into G contiguous groups of C/G channels, each group is normalised
 * to zero mean and unit (biased) variance over its channels only, then an affine per-channel
 * γ (init 1), β (init 0) is applied. Rows never mix: statistics are per Gaussian, per group.
 *
 *   x̂ = (x − μ_g) / √(σ²_g + ε),  y = γ_c·x̂ + β_c
 */
export class GroupNorm {
  readonly channels: number;
  readonly groups: number;
  readonly eps: number;
  readonly name: string;
  readonly gamma: Floats; // C
  readonly beta: Floats; // C
  readonly gradGamma: Floats; // C
  readonly gradBeta: Floats; // C

  constructor(channels: number, groups: number, options: { dtype?: FloatCtor; eps?: number; name?: string } = {}) {
    if (!(channels > 0 && groups > 0 && channels % groups === 0))
      throw new PersonaError(`GroupNorm: ${channels} channels cannot be split into ${groups} equal groups`);
    const ctor = options.dtype ?? Float32Array;
    this.channels = channels;
    this.groups = groups;
    this.eps = options.eps ?? GROUP_NORM_EPS;
    this.name = options.name ?? 'gn';
    this.gamma = new ctor(channels).fill(1);
    this.beta = new ctor(channels);
    this.gradGamma = new ctor(channels);
    this.gradBeta = new ctor(channels);
  }

  /**
   * Normalises x (n×C) in place into x̂ and writes the per-row, per-group 1/σ into `rstd`
   * (n×G). Does not apply γ, β: see `affine`. Splitting it this way lets callers keep x̂ for
   * the backward pass without a second buffer.
   */
  normalizeInPlace(x: Floats, rstd: Floats, n: number): void {
    const C = this.channels, G = this.groups, cg = C / G, eps = this.eps;
    checkRows('GroupNorm x', x, n, C);
    checkRows('GroupNorm rstd', rstd, n, G);
    for (let r = 0; r < n; r++) {
      for (let g = 0; g < G; g++) {
        const s = r * C + g * cg, e = s + cg;
        const mean = groupMean(x, s, e);
        const rs = (rstd[r * G + g] = groupRstd(x, s, e, mean, eps));
        for (let i = s; i < e; i++) x[i] = (x[i]! - mean) * rs;
      }
    }
  }

  /**
   * `normalizeInPlace` and `affine(…, relu = true)` fused: x becomes x̂ (kept for backward)
   * and y = ReLU(γ·x̂ + β) is written in the same pass (one sweep fewer over n×C).
   */
  normalizeAffineRelu(x: Floats, rstd: Floats, y: Floats, n: number): void {
    const C = this.channels, G = this.groups, cg = C / G, eps = this.eps, gamma = this.gamma, beta = this.beta;
    checkRows('GroupNorm x', x, n, C);
    checkRows('GroupNorm rstd', rstd, n, G);
    checkRows('GroupNorm y', y, n, C);
    if (this.useWasm(n, x, rstd, y) && wasmGnNormAffineRelu(x as Float32Array, rstd as Float32Array, y as Float32Array, gamma as Float32Array, beta as Float32Array, n, C, G, eps)) return;
    groupNormAffineRelu(x, rstd, y, n, C, G, gamma, beta, eps);
  }

  /** y (n×C) = γ·x̂ + β, optionally followed by ReLU (fused, as PERSONA's GN→ReLU). */
  affine(xhat: Floats, y: Floats, n: number, relu: boolean): void {
    const C = this.channels, gamma = this.gamma, beta = this.beta;
    if (relu && this.useWasm(n, xhat, y) && wasmAffineRelu(xhat as Float32Array, y as Float32Array, gamma as Float32Array, beta as Float32Array, n, C)) return;
    if (relu) {
      // Branch-free ReLU, (v + |v|)/2: see reluForward.
      for (let r = 0; r < n; r++) {
        const o = r * C;
        for (let c = 0; c < C; c++) {
          const v = gamma[c]! * xhat[o + c]! + beta[c]!;
          y[o + c] = (v + Math.abs(v)) * 0.5;
        }
      }
      return;
    }
    for (let r = 0; r < n; r++) {
      const o = r * C;
      for (let c = 0; c < C; c++) y[o + c] = gamma[c]! * xhat[o + c]! + beta[c]!;
    }
  }

  /** Full forward y = GN(x) without keeping state (x untouched; y may alias x). */
  forward(x: Floats, y: Floats, n: number, rstdScratch: Floats): void {
    if (y !== x) y.set(x.subarray(0, n * this.channels));
    this.normalizeInPlace(y, rstdScratch, n);
    this.affine(y, y, n, false);
  }

  /**
   * Backward through y = γ·x̂ + β given dy (n×C), the saved x̂ and rstd. Accumulates dγ, dβ
   * and writes dx into `dx` (may alias dy):
   *   dx̂ = γ·dy,  dx = rstd·(dx̂ − mean_g(dx̂) − x̂·mean_g(dx̂·x̂)).
   * With `relu`, dy is the gradient after a following ReLU (GN → ReLU fused): it is first
   * masked by [γ·x̂ + β > 0], so the ReLU output need not be kept or recomputed.
   */
  backward(dy: Floats, xhat: Floats, rstd: Floats, n: number, dx: Floats, relu = false): void {
    const C = this.channels, G = this.groups, cg = C / G;
    const gamma = this.gamma, beta = this.beta, dGamma = this.gradGamma, dBeta = this.gradBeta;
    checkRows('GroupNorm dy', dy, n, C);
    checkRows('GroupNorm xhat', xhat, n, C);
    checkRows('GroupNorm dx', dx, n, C);
    if (relu && this.useWasm(n, dy, xhat, rstd, dx) &&
      wasmGnBackwardRelu(dy as Float32Array, xhat as Float32Array, rstd as Float32Array, dx as Float32Array, gamma as Float32Array, beta as Float32Array, dGamma as Float32Array, dBeta as Float32Array, n, C, G)) return;
    for (let r = 0; r < n; r++) {
      for (let g = 0; g < G; g++) {
        const s = r * C + g * cg, cs = g * cg;
        let m1 = 0, m2 = 0;
        for (let j = 0; j < cg; j++) {
          const xh = xhat[s + j]!, ga = gamma[cs + j]!;
          // branch-free ReLU mask (see activations.ts); the masked dy is parked in dx
          const d = relu ? dy[s + j]! * ((ga * xh + beta[cs + j]! > 0) as unknown as number | 0) : dy[s + j]!;
          dx[s + j] = d;
          dGamma[cs + j] += d * xh;
          dBeta[cs + j] += d;
          const dxh = d * ga;
          m1 += dxh;
          m2 += dxh * xh;
        }
        m1 /= cg;
        m2 /= cg;
        const rs = rstd[r * G + g]!;
        for (let j = 0; j < cg; j++) {
          const dxh = dx[s + j]! * gamma[cs + j]!;
          dx[s + j] = rs * (dxh - m1 - xhat[s + j]! * m2);
        }
      }
    }
  }

  /** Whether the float32 WASM SIMD kernels apply (float32 buffers, groups of 4k channels, enough rows). */
  private useWasm(n: number, ...bufs: Floats[]): boolean {
    if (n < WASM_MIN_ROWS || (this.channels / this.groups) % 4 !== 0 || !(this.gamma instanceof Float32Array)) return false;
    for (const b of bufs) if (!(b instanceof Float32Array)) return false;
    return true;
  }

  /** Sets the gradients to zero. */
  zeroGrad(): void {
    this.gradGamma.fill(0);
    this.gradBeta.fill(0);
  }

  /** The learnable tensors: `<name>.weight` (γ) and `<name>.bias` (β), PyTorch's names. */
  params(): Param[] {
    return [
      { name: `${this.name}.weight`, value: this.gamma, grad: this.gradGamma },
      { name: `${this.name}.bias`, value: this.beta, grad: this.gradBeta },
    ];
  }
}
