/**
 * Keypoint naming of `perception/keypoints.json`.
 *
 * Body: the 33 BlazePose landmarks (MediaPipe Pose topology, "BlazePose GHUM 3D"), in the
 * model's output order. "left"/"right" are the person's own sides (a person facing the
 * camera has their left shoulder on the image's right).
 * Hands: the 21 MediaPipe hand landmarks (wrist, then 4 per finger from base to tip).
 * Face: the 468 MediaPipe face-mesh vertices followed by 10 iris points (2 × 5: centre,
 * then 4 on the iris rim), stored as "right" and "left" iris by the eye they lie in.
 */

/** The 33 BlazePose body landmarks, in output order. */
export const BODY_KEYPOINTS = [
  'nose',
  'leftEyeInner',
  'leftEye',
  'leftEyeOuter',
  'rightEyeInner',
  'rightEye',
  'rightEyeOuter',
  'leftEar',
  'rightEar',
  'mouthLeft',
  'mouthRight',
  'leftShoulder',
  'rightShoulder',
  'leftElbow',
  'rightElbow',
  'leftWrist',
  'rightWrist',
  'leftPinky',
  'rightPinky',
  'leftIndex',
  'rightIndex',
  'leftThumb',
  'rightThumb',
  'leftHip',
  'rightHip',
  'leftKnee',
  'rightKnee',
  'leftAnkle',
  'rightAnkle',
  'leftHeel',
  'rightHeel',
  'leftFootIndex',
  'rightFootIndex',
] as const;
export type BodyKeypointName = (typeof BODY_KEYPOINTS)[number];
/** Index of a body keypoint name. */
export const BODY_INDEX: Record<BodyKeypointName, number> = Object.fromEntries(BODY_KEYPOINTS.map((n, i) => [n, i])) as Record<
  BodyKeypointName,
  number
>;

/** Bones drawn in the overlay (pairs of body keypoint names). */
export const BODY_EDGES: Array<[BodyKeypointName, BodyKeypointName]> = [
  ['leftShoulder', 'rightShoulder'],
  ['leftHip', 'rightHip'],
  ['leftShoulder', 'leftHip'],
  ['rightShoulder', 'rightHip'],
  ['leftShoulder', 'leftElbow'],
  ['leftElbow', 'leftWrist'],
  ['rightShoulder', 'rightElbow'],
  ['rightElbow', 'rightWrist'],
  ['leftWrist', 'leftIndex'],
  ['leftWrist', 'leftPinky'],
  ['leftWrist', 'leftThumb'],
  ['rightWrist', 'rightIndex'],
  ['rightWrist', 'rightPinky'],
  ['rightWrist', 'rightThumb'],
  ['leftHip', 'leftKnee'],
  ['leftKnee', 'leftAnkle'],
  ['leftAnkle', 'leftHeel'],
  ['leftHeel', 'leftFootIndex'],
  ['leftAnkle', 'leftFootIndex'],
  ['rightHip', 'rightKnee'],
  ['rightKnee', 'rightAnkle'],
  ['rightAnkle', 'rightHeel'],
  ['rightHeel', 'rightFootIndex'],
  ['rightAnkle', 'rightFootIndex'],
  ['nose', 'leftEyeInner'],
  ['leftEyeInner', 'leftEye'],
  ['leftEye', 'leftEyeOuter'],
  ['leftEyeOuter', 'leftEar'],
  ['nose', 'rightEyeInner'],
  ['rightEyeInner', 'rightEye'],
  ['rightEye', 'rightEyeOuter'],
  ['rightEyeOuter', 'rightEar'],
  ['mouthLeft', 'mouthRight'],
];

/** The 21 MediaPipe hand landmarks. */
export const HAND_KEYPOINTS = [
  'wrist',
  'thumbCmc',
  'thumbMcp',
  'thumbIp',
  'thumbTip',
  'indexMcp',
  'indexPip',
  'indexDip',
  'indexTip',
  'middleMcp',
  'middlePip',
  'middleDip',
  'middleTip',
  'ringMcp',
  'ringPip',
  'ringDip',
  'ringTip',
  'pinkyMcp',
  'pinkyPip',
  'pinkyDip',
  'pinkyTip',
] as const;
export type HandKeypointName = (typeof HAND_KEYPOINTS)[number];

/** Hand bones (index pairs into HAND_KEYPOINTS). */
export const HAND_EDGES: Array<[number, number]> = [
  [0, 1], [1, 2], [2, 3], [3, 4],
  [0, 5], [5, 6], [6, 7], [7, 8],
  [5, 9], [9, 10], [10, 11], [11, 12],
  [9, 13], [13, 14], [14, 15], [15, 16],
  [13, 17], [0, 17], [17, 18], [18, 19], [19, 20],
];

/** Number of face-mesh vertices (without the iris points). */
export const FACE_MESH_POINTS = 468;
/** Number of iris points appended after the mesh (5 per eye). */
export const IRIS_POINTS = 10;

/**
 * A few named face-mesh vertices (MediaPipe canonical face-mesh indices). "right"/"left"
 * are the person's own sides.
 */
export const FACE_LANDMARKS = {
  noseTip: 1,
  chin: 152,
  foreheadTop: 10,
  rightEyeOuter: 33,
  rightEyeInner: 133,
  leftEyeInner: 362,
  leftEyeOuter: 263,
  mouthRight: 61,
  mouthLeft: 291,
  upperLip: 13,
  lowerLip: 14,
  rightCheek: 234,
  leftCheek: 454,
} as const;

/** Face-mesh silhouette (the face outline as a closed loop of mesh indices), drawn in overlays. */
export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58,
  132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
];
