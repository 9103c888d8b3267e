/**
 * People detection with MoveNet MultiPose: how many people are in the photo and where,
 * so that the largest (or the one the user picks) is handed to the whole-body models.
 */
import { PEOPLE_INPUT, PEOPLE_MAX, PEOPLE_MIN_SCORE, PEOPLE_NMS_IOU } from './config.js';
import { type Tf, tf } from './tfenv.js';
import type { Box, PersonCandidate } from './types.js';

/** Values per person in the MoveNet MultiPose output: 17 × (y, x, score) + (ymin, xmin, ymax, xmax, score). */
const STRIDE = 56;

/** Area of a box. */
export function boxArea(b: Box): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

/** Intersection over union of two boxes. */
export function boxIou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  const u = boxArea(a) + boxArea(b) - inter;
  return u > 0 ? inter / u : 0;
}

/**
 * Decodes the raw MoveNet MultiPose output (people × 56, coordinates normalized to the
 * square, padded input of side `side` px) into person boxes in image pixels: score
 * filter, non-maximum suppression, sorted largest first. Boxes are widened to cover the
 * person's confident keypoints (MoveNet's box can miss a raised hand).
 */
export function decodePeople(raw: ArrayLike<number>, side: number, width: number, height: number): PersonCandidate[] {
  const found: PersonCandidate[] = [];
  const n = Math.floor(raw.length / STRIDE);
  for (let p = 0; p < n; p++) {
    const o = p * STRIDE;
    const score = raw[o + 55]!;
    if (!(score >= PEOPLE_MIN_SCORE)) continue;
    let x0 = raw[o + 52]! * side, y0 = raw[o + 51]! * side, x1 = raw[o + 54]! * side, y1 = raw[o + 53]! * side;
    for (let k = 0; k < 17; k++) {
      if (raw[o + k * 3 + 2]! < 0.3) continue;
      const y = raw[o + k * 3]! * side, x = raw[o + k * 3 + 1]! * side;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    const box: Box = [Math.max(0, x0), Math.max(0, y0), Math.min(width, x1), Math.min(height, y1)];
    if (boxArea(box) <= 0) continue;
    const keypoints: Array<[number, number, number]> = [];
    for (let k = 0; k < 17; k++) keypoints.push([raw[o + k * 3 + 1]! * side, raw[o + k * 3]! * side, raw[o + k * 3 + 2]!]);
    found.push({ box, score, keypoints });
  }
  found.sort((a, b) => b.score - a.score);
  const kept: PersonCandidate[] = [];
  for (const c of found) if (kept.every((k) => boxIou(k.box, c.box) < PEOPLE_NMS_IOU)) kept.push(c);
  kept.sort((a, b) => boxArea(b.box) - boxArea(a.box));
  return kept.slice(0, PEOPLE_MAX);
}

/**
 * Runs MoveNet MultiPose on an image tensor (1×H×W×3, values 0–255): the image is padded
 * to a square (bottom/right) and resized to the model's 256×256 input.
 */
export async function detectPeople(model: Tf, image: Tf): Promise<PersonCandidate[]> {
  const t = tf();
  const [, h, w] = image.shape as number[];
  const side = Math.max(w!, h!);
  const out = t.tidy(() => {
    const padded = t.pad(image, [[0, 0], [0, side - h!], [0, side - w!], [0, 0]]);
    const resized = t.image.resizeBilinear(padded, [PEOPLE_INPUT, PEOPLE_INPUT]);
    return model.execute(t.cast(resized, 'int32'));
  });
  const raw = (await out.data()) as Float32Array;
  out.dispose();
  return decodePeople(raw, side, w!, h!);
}
