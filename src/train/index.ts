/** Numerical building blocks of PERSONA training: losses, optimizer, sampling, weights, checkpoints, config. */
export * from './config.js';
export * from './losses.js';
export * from './laplacian.js';
export * from './sampler.js';
export * from './boundary.js';
export * from './checkpoint.js';
export { runTrainStage, type TrainStageOptions } from './stage.js';
export { type TrainResult } from './trainer.js';
