/** Motion capture from the user's own video (docs/capture.md). */
export { captureMotion, captureImages, capturePerceiver, pickTracker, type CaptureOptions, type CaptureResult, type CaptureFrameInfo } from './capture.js';
export { openFrames, listFrameFiles, probeFps, hasFfmpeg, type FrameSource } from './frames.js';
export { PersonTracker, boxIoU, usablePerception, type TrackedFrame, type LostReason } from './track.js';
export { choosePerson, type PersonPick, type PickTrack, type PickDetections } from './pick.js';
export { placeOnFloor, detectContacts, pinFeet, restFootHeight, fillGaps, type ContactOptions } from './contacts.js';
export { posesToMotion, fillMissingFrames, smoothRootPath, smoothRootDepth } from './convert.js';
export { angleErrors, footSkating, torsoPitch, jointJitter, rootSpeed, SCORED_LIMBS, type AngleErrors } from './metrics.js';
export { CAPTURE_CONFIG, FACE_CAPTURE_CONFIG } from './config.js';
export { worldDirectionTerm, WORLD_LIMBS, WORLD_DIRECTION_WEIGHT } from './worldprior.js';
export { estimateUp, levelMotion, fitPlane, type GroundEstimate } from './ground.js';
export { footImageSpeed } from './imagefeet.js';
export { estimateFaceChannels, applyFaceChannels, faceFeatures, FACE_CHANNELS, type FaceChannels, type FaceFeatures } from './face.js';
