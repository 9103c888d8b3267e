import type { Camera } from '../core/camera.js';
import type { RasterWorkspace } from './workspace.js';

export type { RasterWorkspace };

/**
 * A set of 3D Gaussians in world space (structure of arrays).
 * The arrays are read, never modified; keep them unchanged between `rasterize` and `rasterizeBackward`
 * (the backward pass recomputes the projection from them).
 */
export interface GaussianSet {
  /** Number of Gaussians N. */
  count: number;
  /** N×3 world positions (metres). */
  means: Float32Array;
  /** N×3 per-axis standard deviations, or N×1 for isotropic Gaussians (linear, metres). */
  scales: Float32Array;
  /** N×4 unit quaternions [w, x, y, z] (normalised inside); omitted → identity. Ignored when isotropic. */
  rotations?: Float32Array;
  /** N opacities in [0, 1] (linear, not logits); omitted → all 1. */
  opacities?: Float32Array;
  /** N×C per-Gaussian features, composited in one pass (RGB, normals, part labels, …). */
  features: Float32Array;
  /** C, the number of feature channels (≥ 1). */
  channels: number;
}

/** Options of one rasterization. */
export interface RasterOptions {
  /** Per-channel background (C values); default all 0. */
  background?: ArrayLike<number>;
  /** Near plane: Gaussians with camera depth below it are culled (default 0.01). */
  near?: number;
  /** Far plane: Gaussians with camera depth above it are culled (default 1000). */
  far?: number;
  /** Screen-space dilation added to the 2D covariance diagonal, px² (default 0.1, as PERSONA). */
  dilation?: number;
  /** Also render expected depth Σ αᵢTᵢzᵢ (camera z, background 0; divide by alpha for the mean surface depth). */
  depth?: boolean;
  /** Threads to use (the calling thread plus workers); default min(2, cores). Small images use 1. */
  threads?: number;
  /** Compositing kernels: 'wasm' (WebAssembly SIMD, default) or 'js' (the TypeScript kernels). */
  engine?: RasterEngine;
  /**
   * Buffers to reuse across calls (training loops). Results returned by a call are views into its
   * workspace and stay valid until the next call with the same workspace.
   */
  workspace?: RasterWorkspace;
}

/** Which implementation of the compositing kernels runs. */
export type RasterEngine = 'wasm' | 'js';

/** Counters of one rasterization (for benchmarks and diagnostics). */
export interface RasterStats {
  /** Gaussians that survived culling. */
  visible: number;
  /** Gaussian–pixel pairs evaluated in the forward pass. */
  pairs: number;
  /** Threads used. */
  threads: number;
  /** Milliseconds spent in projection + sort, and in compositing. */
  preprocessMs: number;
  rasterMs: number;
}

/** The output of `rasterize`. */
export interface RasterResult {
  width: number;
  height: number;
  channels: number;
  /** H×W×C composited features including the background term T·bg. */
  image: Float32Array;
  /** H×W accumulated opacity 1 − T_final. */
  alpha: Float32Array;
  /** H×W expected depth Σ αᵢTᵢzᵢ (only when `depth` was requested). */
  depth?: Float32Array;
  stats: RasterStats;
  /** What the backward pass needs; pass it to `rasterizeBackward`. */
  saved: RasterSaved;
}

/** Gradients of a scalar loss with respect to the inputs of `rasterize` (same layouts as GaussianSet). */
export interface RasterGrads {
  /** N×3 */
  means: Float32Array;
  /** N×3 or N×1 (as the input scales) */
  scales: Float32Array;
  /** N×4 (zeros when the Gaussians are isotropic) */
  rotations: Float32Array;
  /** N */
  opacities: Float32Array;
  /** N×C */
  features: Float32Array;
}

/** Options of the backward pass. */
export interface BackwardOptions {
  /** Gradient buffers to write into (pre-allocated, reused by training loops). */
  grads?: RasterGrads;
  /** Add into `grads` instead of overwriting them (e.g. two renders sharing parameters). */
  accumulate?: boolean;
  /** Threads (default: as the forward pass). */
  threads?: number;
}

/** Opaque state kept by the forward pass for the backward pass. */
export interface RasterSaved {
  readonly gaussians: GaussianSet;
  readonly camera: Camera;
  readonly params: ProjectParams;
  /** Sorted visible Gaussians (see preprocess.ts). */
  readonly sorted: SortedGaussians;
  /** H×W transmittance after the last contributor. */
  readonly finalT: Float64Array;
  /** H×W rank (in `sorted`) of the last Gaussian composited into each pixel, −1 if none. */
  readonly last: Int32Array;
  /** Row bands [start, end) used per thread (aligned to BLOCK_ROWS). */
  readonly bands: Int32Array;
  readonly workspace: RasterWorkspace;
  /** The workspace generation this state belongs to. */
  readonly generation: number;
  readonly engine: RasterEngine;
}

/** Scalars of the projection, resolved from options and camera. */
export interface ProjectParams {
  width: number;
  height: number;
  channels: number;
  near: number;
  far: number;
  dilation: number;
  depth: boolean;
  background: Float64Array;
}

/** Visible Gaussians after projection, sorted front to back (rank r = position in depth order). */
export interface SortedGaussians {
  /** M visible Gaussians. */
  count: number;
  /** M×GEO_STRIDE: u, v (px), conic a, b, c, opacity, tau = ln(255·opacity), camera depth z. */
  geo: Float64Array;
  /** M×4 footprint box: first and last row, first and last column (inclusive, clamped to the image). */
  rows: Int32Array;
  /** M original indices. */
  index: Int32Array;
  /** N×C features in input order (a copy in the workspace memory; index through `index`). */
  features: Float32Array;
}

/** Per-sorted-Gaussian record stride in SortedGaussians.geo. */
export const GEO_STRIDE = 8;
