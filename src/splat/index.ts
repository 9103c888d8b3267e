/**
 * The differentiable 3D Gaussian rasterizer (CPU, worker threads), the forward-only fast renderer, and both
 * behind one forward API (`createRasterizer`). See docs/splat.md.
 */
export { rasterize } from './rasterize.js';
export { rasterizeBackward, allocateGrads } from './backward.js';
export { shutdownRasterWorkers, runTasks, startBackgroundTask, type BackgroundTask } from './pool.js';
export { RasterWorkspace } from './workspace.js';
export type { RasterEngine, GaussianSet, RasterOptions, RasterResult, RasterGrads, RasterSaved, RasterStats, BackwardOptions } from './types.js';
export * as splatConfig from './config.js';
export { FastSplatRenderer, type FastFrame, type IsotropicGaussians } from './fast.js';
export { createRasterizer, SPLAT_ENGINES, type Rasterizer, type RasterizerOptions, type SplatEngine, type SplatFrame } from './engines.js';
