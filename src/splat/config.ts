/**
 * Constants of the Gaussian rasterizer, with their sources.
 *
 * [3DGS] Kerbl et al., "3D Gaussian Splatting for Real-Time Radiance Field Rendering", SIGGRAPH 2023,
 *        and its reference CUDA rasterizer (diff-gaussian-rasterization).
 * [EWA]  Zwicker et al., "EWA Splatting", IEEE TVCG 2002 (local affine approximation of the projection).
 * [PERSONA] Sim & Moon, ICCV 2025 (0.1 px screen-space dilation in its rasterizer).
 */

/** A Gaussian whose alpha at a pixel is below this is skipped there ([3DGS] §6, 1/255). */
export const ALPHA_MIN = 1 / 255;
/** Alpha is clamped to at most this value for numerical stability of the backward replay ([3DGS]). */
export const ALPHA_MAX = 0.99;
/** A pixel stops compositing once its transmittance would fall below this ([3DGS]: 0.0001). */
export const T_MIN = 1e-4;
/** Default screen-space dilation added to the 2D covariance diagonal, in px² ([PERSONA] uses 0.1). */
export const DEFAULT_DILATION = 0.1;
/** Default near plane (metres): Gaussians whose centre is nearer are culled ([3DGS] uses 0.2 for scenes). */
export const DEFAULT_NEAR = 0.01;
/** Default far plane (metres). */
export const DEFAULT_FAR = 1000;
/**
 * The EWA Jacobian is evaluated at x/z, y/z clamped to 1.3 × the half field of view beyond each image
 * edge ([3DGS] computeCov2D), so that Gaussians far outside the view do not get huge footprints.
 */
export const FOV_CLAMP = 1.3;
/** Rows per accumulation block of the backward pass: per-Gaussian gradient partial sums are formed per
 *  block and folded in block order, so results are bit-identical for any thread count. */
export const BLOCK_ROWS = 16;
/** Below this many pixels the rasterizer stays on the calling thread (worker hand-off costs ~0.1 ms). */
export const MIN_PIXELS_FOR_THREADS = 128 * 128;
/** Default number of threads (the calling thread plus workers). */
export const DEFAULT_MAX_THREADS = 2;
/** How long the calling thread waits for a worker before giving up (ms). */
export const WORKER_TIMEOUT_MS = 120_000;
/**
 * The forward preprocessing projects in index ranges on the pool only with at least this many Gaussians per range:
 * below it the copy of the inputs into shared memory and the hand-off (~0.1 ms) cost more than the projection saves.
 */
export const MIN_GAUSSIANS_PER_PROJECT_THREAD = 8192;
