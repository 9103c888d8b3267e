/** The CPU neural-net kit: layers with hand-written backward passes over N×C row-major buffers. */
export * from './types.js';
export * from './init.js';
export * from './kernels.js';
export * from './linear.js';
export * from './groupnorm.js';
export * from './activations.js';
export * from './mlp.js';
export * from './pose-mlp.js';
export * from './pose-condition.js';
export * from './wasm-linear.js';
export * from './triplane.js';
export * from './parallel.js';
export * from './adam.js';
