/**
 * The simulation room (docs/sim.md): XPBD cloth and hair on a deformable surface skinned to the body,
 * colliding with capsules fitted to the body, driven through a motion.
 */
export type { DeformableSurface, MaterialCode } from './types.js';
export { MATERIAL } from './types.js';
export { SIM_CONFIG, type SimMaterial } from './config.js';
export { buildTopology, checkSurface, isFree, type ClothTopology } from './topology.js';
export { fitCapsules, clearRestPoints, poseCapsules, type CapsuleSet } from './capsules.js';
export { buildCage, type CageEmbedding, type CageSettings } from './cage.js';
export { anchorSkirtsToHips, type HipAnchorResult } from './anchor.js';
export { segmentDistance } from './geometry.js';
export { ClothSolver, defaultSolverSettings, type SolverSettings } from './solver.js';
export { prepareCloth, simulateCloth, solverSettingsOf, type ClothSetup, type ClothRun, type ClothResult, type ClothSimOptions } from './simulate.js';
