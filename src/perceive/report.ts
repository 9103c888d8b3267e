/**
 * The person-level report: box, full-body visibility, truncation, facing, warnings.
 * Pure functions of the keypoints and matte, so they are tested without the models.
 */
import type { FloatImage } from '../core/image.js';
import { BORDER_FRACTION, FACING_FRONT_DEG, MIN_PERSON_HEIGHT_PX, VISIBLE_SCORE } from './config.js';
import { BODY_INDEX, type BodyKeypointName } from './names.js';
import type { BodyResult, Box, Facing, PersonReport } from './types.js';

/** True when keypoint `name` is confidently visible and inside the image (with a margin of `margin` px). */
export function keypointVisible(body: BodyResult, name: BodyKeypointName, width: number, height: number, margin = 0): boolean {
  const [x, y, s] = body.keypoints[BODY_INDEX[name]]!;
  return s >= VISIBLE_SCORE && x >= margin && y >= margin && x <= width - margin && y <= height - margin;
}

/**
 * Body yaw (degrees) from the world landmarks: the direction of the left-minus-right
 * shoulder and hip vectors in the horizontal (x, z) plane. 0 faces the camera, ±180 away,
 * positive when the person turned towards their own left.
 */
export function facingYaw(body: BodyResult): number {
  const w = body.world;
  const L = [BODY_INDEX.leftShoulder, BODY_INDEX.leftHip], R = [BODY_INDEX.rightShoulder, BODY_INDEX.rightHip];
  let sx = 0, sz = 0;
  for (let i = 0; i < 2; i++) {
    sx += w[L[i]!]![0] - w[R[i]!]![0];
    sz += w[L[i]!]![2] - w[R[i]!]![2];
  }
  return (Math.atan2(sz, sx) * 180) / Math.PI;
}

/** Classifies a yaw into front / side / back. */
export function facingFromYaw(yawDeg: number): Facing {
  const a = Math.abs(yawDeg);
  return a < FACING_FRONT_DEG ? 'front' : a > 180 - FACING_FRONT_DEG ? 'back' : 'side';
}

/** Box of the confident keypoints (pixels), or null. */
export function keypointBox(body: BodyResult): Box | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y, s] of body.keypoints) {
    if (s < VISIBLE_SCORE) continue;
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  return x1 < x0 ? null : [x0, y0, x1, y1];
}

/** Which image borders the matte (alpha ≥ 0.5) touches over more than `minRun` pixels. */
export function matteTouches(mask: FloatImage, minRun = 3): { top: boolean; bottom: boolean; left: boolean; right: boolean } {
  const W = mask.width, H = mask.height, d = mask.data;
  const count = (get: (i: number) => number, n: number): number => {
    let c = 0;
    for (let i = 0; i < n; i++) if (get(i) >= 0.5) c++;
    return c;
  };
  return {
    top: count((x) => d[x]!, W) > minRun,
    bottom: count((x) => d[(H - 1) * W + x]!, W) > minRun,
    left: count((y) => d[y * W]!, H) > minRun,
    right: count((y) => d[y * W + W - 1]!, H) > minRun,
  };
}

/** The x ranges (pixels) around the confident foot keypoints, `pad` wide on each side. */
export function footColumns(body: BodyResult, pad: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const n of ['leftAnkle', 'rightAnkle', 'leftHeel', 'rightHeel', 'leftFootIndex', 'rightFootIndex'] as const) {
    const [x, , s] = body.keypoints[BODY_INDEX[n]]!;
    if (s >= VISIBLE_SCORE) out.push([x - pad, x + pad]);
  }
  return out;
}

/** Whether the matte (alpha ≥ 0.5) reaches the bottom row inside any of the x ranges. */
export function matteTouchesNear(mask: FloatImage, ranges: Array<[number, number]>, minRun = 3): boolean {
  const W = mask.width, row = (mask.height - 1) * W;
  let c = 0;
  for (let x = 0; x < W; x++) if (mask.data[row + x]! >= 0.5 && ranges.some(([a, b]) => x >= a && x <= b)) c++;
  return c > minRun;
}

/** Inputs of `buildReport`. */
export interface ReportInput {
  body: BodyResult;
  width: number;
  height: number;
  mask?: FloatImage;
  matteBox?: Box | null;
  index: number;
  peopleFound: number | null;
  faceFound: boolean;
}

/** Builds the person-level report with its warnings. */
export function buildReport(inp: ReportInput): PersonReport {
  const { body, width: W, height: H } = inp;
  const kb = keypointBox(body) ?? [0, 0, W, H];
  // The head top lies above the eyes; extend the keypoint box by the eye–shoulder distance.
  const eyeY = Math.min(body.keypoints[BODY_INDEX.leftEye]![1], body.keypoints[BODY_INDEX.rightEye]![1]);
  const shY = (body.keypoints[BODY_INDEX.leftShoulder]![1] + body.keypoints[BODY_INDEX.rightShoulder]![1]) / 2;
  const headTop = Math.max(0, eyeY - 0.6 * Math.abs(shY - eyeY));
  let box: Box = [kb[0], Math.min(kb[1], headTop), kb[2], kb[3]];
  if (inp.matteBox) {
    const m = inp.matteBox;
    box = [Math.min(box[0], m[0]), Math.min(box[1], m[1]), Math.max(box[2], m[2]), Math.max(box[3], m[3])];
  }
  box = [Math.max(0, box[0]), Math.max(0, box[1]), Math.min(W, box[2]), Math.min(H, box[3])];
  const heightPx = box[3] - box[1];
  const margin = BORDER_FRACTION * Math.max(heightPx, 1);
  const vis = (n: BodyKeypointName): boolean => keypointVisible(body, n, W, H, margin);
  const headVisible = vis('nose') && (vis('leftEye') || vis('rightEye') || vis('leftEar') || vis('rightEar'));
  const footVisible = (s: 'left' | 'right'): boolean => vis(`${s}Ankle`) && (vis(`${s}Heel`) || vis(`${s}FootIndex`));
  const feetVisible = footVisible('left') && footVisible('right');
  const touches = inp.mask ? matteTouches(inp.mask) : { top: false, bottom: false, left: false, right: false };
  // The matte reaching the bottom border cuts the feet only where the feet are: a shadow or the floor matted
  // beside a person whose feet are seen well inside the image is not a cut (issue #19: a man in mid-jump,
  // head to toe in the photo, was told his feet were cut off).
  // A foot whose heel and toe are both seen inside the image (confidence ≥ VISIBLE_SCORE, BORDER_FRACTION from
  // the border) is whole: the matte reaching the border beneath it is its sole standing on the frame's edge or
  // its shadow (man-suit-dance: the shoe ends at the bottom row, heel and toe seen at 0.99). Only feet not seen
  // whole count as cut where the matte touches the border under them.
  const wholeFoot = (s: 'left' | 'right'): boolean => vis(`${s}Ankle`) && vis(`${s}Heel`) && vis(`${s}FootIndex`);
  if (touches.bottom && feetVisible && wholeFoot('left') && wholeFoot('right')) touches.bottom = false;
  if (touches.bottom && feetVisible && inp.mask && !matteTouchesNear(inp.mask, footColumns(body, 0.15 * Math.max(heightPx, 1)))) touches.bottom = false;
  const truncated = {
    top: touches.top || !headVisible,
    bottom: touches.bottom || !feetVisible,
    left: touches.left,
    right: touches.right,
  };
  const facingYawDeg = facingYaw(body);
  let facing = facingFromYaw(facingYawDeg);
  // A confidently found face mesh means the face is seen: not a back view.
  if (facing === 'back' && inp.faceFound) facing = 'side';
  const fullBodyVisible = headVisible && feetVisible && !truncated.top && !truncated.bottom;

  const warnings: string[] = [];
  if (inp.peopleFound !== null && inp.peopleFound > 1)
    warnings.push(`${inp.peopleFound} people found; using person ${inp.index} (${inp.index === 0 ? 'the largest' : 'chosen with --person'}). Use --person K (0 = largest) to choose another.`);
  if (!fullBodyVisible) {
    const missing = [!headVisible || truncated.top ? 'head' : '', !feetVisible || truncated.bottom ? 'feet' : ''].filter(Boolean).join(' and ');
    warnings.push(`The person is not fully visible (${missing} cut off or hidden); full-body results will be poor. Use a photo showing the whole body, head to feet.`);
  }
  if (heightPx < MIN_PERSON_HEIGHT_PX)
    warnings.push(`The person is only ${Math.round(heightPx)} px tall (< ${MIN_PERSON_HEIGHT_PX} px); keypoints and the matte will be coarse. Use a larger photo or crop closer.`);
  return {
    index: inp.index,
    peopleFound: inp.peopleFound,
    box,
    heightPx,
    headVisible,
    feetVisible,
    fullBodyVisible,
    truncated,
    facing,
    facingYawDeg,
    warnings,
  };
}
