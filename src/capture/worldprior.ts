/** The world-landmark direction term lives in the fit room now (the photo fit uses it too); capture re-exports it. */
export { worldDirectionTerm, WORLD_LIMBS, WORLD_DIRECTION_WEIGHT } from '../fit/worldDirection.js';
