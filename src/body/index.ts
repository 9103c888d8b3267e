/** The body model room (see docs/body.md): one BodyModel interface, two sources, posing with gradients. */
export * from './types.js';
export * from './model.js';
export * from './skinning.js';
export * from './poses.js';
export * from './subdivide.js';
export * from './smplx.js';
export * from './phenotype.js';
export * from './preview.js';
export type { BodyMeta } from './compiled.js';
export * from './keypointAnchors.js';
export * from './skinningVolume.js';
export * from './resolve.js';
export { kinematicChainBackward } from './fk.js';
export { readContainer, writeContainer } from './format.js';
export { createFkResult, quatForwardKinematics, quatGlobalRotations, type FkResult } from './fk.js';
export { skinPoints, skinPointsBackward, skinPointsPoseBackward } from './lbs.js';
export * from './expressions.js';
