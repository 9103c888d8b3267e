/**
 * Ground-truth body keypoints of synthetic subjects in the 33-point BlazePose order used by
 * `perception/keypoints.json` (src/perceive/names.ts), so perception and fitting tests can compare against
 * known positions. The anchors themselves belong to the body model (src/body/keypointAnchors.ts): the fit
 * reprojects the same ones.
 */
export { keypointAnchors, posedKeypoints, type KeypointAnchor, type AnchorRestBody } from '../body/index.js';

/** The 33 BlazePose keypoint names (same order and names as src/perceive/names.ts). */
export const GT_BODY_KEYPOINTS = [
  'nose', 'leftEyeInner', 'leftEye', 'leftEyeOuter', 'rightEyeInner', 'rightEye', 'rightEyeOuter', 'leftEar', 'rightEar',
  'mouthLeft', 'mouthRight', 'leftShoulder', 'rightShoulder', 'leftElbow', 'rightElbow', 'leftWrist', 'rightWrist',
  'leftPinky', 'rightPinky', 'leftIndex', 'rightIndex', 'leftThumb', 'rightThumb', 'leftHip', 'rightHip',
  'leftKnee', 'rightKnee', 'leftAnkle', 'rightAnkle', 'leftHeel', 'rightHeel', 'leftFootIndex', 'rightFootIndex',
] as const;

