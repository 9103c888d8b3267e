/**
 * The motion room: builtin motions, motion files (persona-motion JSON, BVH, SMPL-X
 * parameters), retargeting with rest-pose alignment, sampling and editing.
 */
export type { Motion } from './types.js';
export type { RestSkeleton } from './canonical.js';
export { canonicalSkeleton } from './canonical.js';
export { getBuiltinMotion, getCanonicalBuiltinMotion, getTrainingMotion, listBuiltinMotions } from './builtin.js';
export { MOTION_FPS, TRAINING_MOTIONS } from './config.js';
export { loadMotion, saveMotion, motionOnSkeleton, type LoadMotionOptions } from './load.js';
export { createPoseSampler, samplePose, framePose, motionDuration, resampleMotion, concatMotions, mirrorMotion, validateMotion, mapMotionJoints, type PoseSampler } from './sample.js';
export { parseMotionJson, motionToJson, motionToJsonText, type MotionFile } from './json.js';
export { parseBvh, bvhToMotion, motionToBvh, type Bvh } from './bvh.js';
export { parseSmplxJson, smplxToMotion, smplxSequenceFromArrays, type SmplxSequence } from './smplx.js';
export { readMotionJson, writeMotionJson, readBvh, readBvhMotion, writeBvh, readSmplxNpz, readSmplxJson, readSmplxMotion } from './io.js';
export { createRetargeter, retargetFrame, retargetMotion, type Retargeter } from './retarget.js';
export { groundMotion } from './ground.js';
export { restSkeletonOf } from './body.js';
export { drawStickFrame, motionContactSheet } from './sticks.js';
export { assignRoles, SMPLX_JOINTS, type JointRole } from './names.js';
export { MAX_ANIMATE_FRAMES } from './config.js';
export { footPoints } from './ground.js';
