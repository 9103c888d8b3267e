/** Perception of one photo: body, hands, face keypoints, matte, person report. */
export * from './types.js';
export * from './names.js';
export { MODELS } from './config.js';
export { Perceiver, type PerceiverOptions, type PerceiveCallOptions, growBox, clampBox } from './perceiver.js';
export { perceive, perceiveSubject, perceiveTarget, readPerception, writePerception, PERCEPTION_FILES, type PerceiveOptions } from './stage.js';
export { drawOverlay } from './overlay.js';
export { buildReport, facingYaw, facingFromYaw } from './report.js';
export { type PerceiveStageOptions, type PerceiveStageResult } from './stage.js';
export { faceFeatures, type FaceFeatures } from './faceFeatures.js';
