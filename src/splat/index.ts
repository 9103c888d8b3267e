/**
 * The differentiable 3D Gaussian rasterizer (CPU, worker threads). See docs/splat.md.
 */
export { rasterize } from './rasterize.js';
export { rasterizeBackward, allocateGrads } from './backward.js';
export { shutdownRasterWorkers, runTasks, startBackgroundTask, type BackgroundTask } from './pool.js';
export { RasterWorkspace } from './workspace.js';
export type { RasterEngine, GaussianSet, RasterOptions, RasterResult, RasterGrads, RasterSaved, RasterStats, BackwardOptions } from './types.js';
export * as splatConfig from './config.js';
export { FastSplatRenderer, type FastFrame, type IsotropicGaussians } from './fast.js';
