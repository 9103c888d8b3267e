/**
 * The photo's field of view when the user gives none. One photo does not tell it: fits under 35° and 55° leave the same
 * keypoint residuals and silhouette IoU to 0.1–0.3 px (docs/fit.md *Field of view*), yet the 3D body differs. What is
 * known is how full-length photos are taken: from about FIT_CONFIG.photoDistance (3 m), whatever the lens. So the
 * focal length is that distance × the person's pixels per metre, and a person who fills the frame (a long lens, or a
 * crop) gets a narrow field of view, a small figure in a wide frame a wide one.
 *
 * Pixels per metre: the image lengths of the trunk (shoulder → hip), the thigh (hip → knee) and the shin (knee → ankle)
 * against the same keypoints on the rest body, each the longer of the two sides (foreshortening only shortens a
 * segment in the image: a sitting person's thighs point at the camera), summed over the segments seen.
 */
import { BODY_INDEX, type BodyKeypointName, type Perception } from '../perceive/index.js';
import { FIT_CONFIG } from './config.js';

/** The three segments measured, each on both sides. */
const SEGMENTS: ReadonlyArray<readonly [BodyKeypointName, BodyKeypointName, BodyKeypointName, BodyKeypointName]> = [
  ['leftShoulder', 'leftHip', 'rightShoulder', 'rightHip'],
  ['leftHip', 'leftKnee', 'rightHip', 'rightKnee'],
  ['leftKnee', 'leftAnkle', 'rightKnee', 'rightAnkle'],
];

/** How the photo's field of view was chosen. */
export interface PhotoFieldOfView {
  /** Long-side field of view (degrees). */
  fovDeg: number;
  /** 'distance': from the assumed camera distance and the person's size in the image; 'default': FIT_CONFIG.defaultFovDeg (not a
   * full-length photo — perception's `person.fullBodyVisible` false — or no segment seen). */
  source: 'distance' | 'default';
  /** The person's image pixels per metre (0 when unmeasured). */
  pixelsPerMetre: number;
}

/**
 * The field of view of photo `p` (see the module comment). `restKeypoints` holds the 33 keypoints on the rest body
 * (x, y, z in metres: the fit's keypoint anchors on the template).
 */
export function photoFieldOfView(p: Perception, restKeypoints: ArrayLike<number>): PhotoFieldOfView {
  // the distance is how full-length photos are taken; a photo cut at the knees or a half-body selfie is not one
  if (p.person?.fullBodyVisible === false) return { fovDeg: FIT_CONFIG.defaultFovDeg, source: 'default', pixelsPerMetre: 0 };
  const kp = p.body.keypoints;
  const seen = (n: BodyKeypointName): boolean => kp[BODY_INDEX[n]]![2] >= FIT_CONFIG.minConfidence;
  const image = (a: BodyKeypointName, b: BodyKeypointName): number => {
    const u = kp[BODY_INDEX[a]]!, v = kp[BODY_INDEX[b]]!;
    return Math.hypot(u[0] - v[0], u[1] - v[1]);
  };
  const rest = (a: BodyKeypointName, b: BodyKeypointName): number => {
    const i = BODY_INDEX[a] * 3, j = BODY_INDEX[b] * 3;
    return Math.hypot(restKeypoints[i]! - restKeypoints[j]!, restKeypoints[i + 1]! - restKeypoints[j + 1]!, restKeypoints[i + 2]! - restKeypoints[j + 2]!);
  };
  let pixels = 0, metres = 0;
  for (const [a1, b1, a2, b2] of SEGMENTS) {
    const lengths: Array<[number, number]> = [];
    if (seen(a1) && seen(b1)) lengths.push([image(a1, b1), rest(a1, b1)]);
    if (seen(a2) && seen(b2)) lengths.push([image(a2, b2), rest(a2, b2)]);
    if (!lengths.length) continue;
    const best = lengths.reduce((x, y) => (y[0] / y[1] > x[0] / x[1] ? y : x));
    pixels += best[0];
    metres += best[1];
  }
  const W = p.image.width, H = p.image.height;
  if (!(pixels > 0 && metres > 0)) return { fovDeg: FIT_CONFIG.defaultFovDeg, source: 'default', pixelsPerMetre: 0 };
  const pixelsPerMetre = pixels / metres;
  const focal = pixelsPerMetre * FIT_CONFIG.photoDistance;
  const fov = (2 * Math.atan(Math.max(W, H) / 2 / focal) * 180) / Math.PI;
  const [lo, hi] = FIT_CONFIG.photoFovRange;
  return { fovDeg: Math.min(hi, Math.max(lo, fov)), source: 'distance', pixelsPerMetre };
}
