/**
 * The differentiable 3D Gaussian rasterizer (CPU, worker threads). See docs/splat.md.
 */
export { rasterize } from './rasterize.js';
export { rasterizeBackward, allocateGrads } from './backward.js';
export { shutdownRasterWorkers, runTasks, startBackgroundTask, type BackgroundTask } from './pool.js';
export { RasterWorkspace } from './workspace.js';
export type { RasterEngine, GaussianSet, RasterOptions, RasterResult, RasterGrads, RasterSaved, RasterStats, BackwardOptions } from './types.js';
export * as splatConfig from './config.js';
export { ALPHA_MAX, ALPHA_MIN, DEFAULT_DILATION, DEFAULT_NEAR, FOV_CLAMP, T_MIN } from './config.js';
