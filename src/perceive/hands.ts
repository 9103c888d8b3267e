/**
 * Hand landmarks guided by the body pose (as MediaPipe Holistic does): BlazePose's wrist,
 * index and pinky keypoints give each hand's region and orientation; that region is
 * resampled upright into the hand-landmark model's 224×224 input; the 21 landmarks come
 * back into image pixels. A second pass re-centres the region on the found landmarks.
 */
import { type FloatImage } from '../core/image.js';
import { cropToImage, sampleRoi, type SquareRoi } from './roi.js';
import { HAND_CROP_SCALE, HAND_INPUT, HAND_MIN_SCORE, HAND_REFINE_SCALE, VISIBLE_SCORE } from './config.js';
import { BODY_INDEX } from './names.js';
import { type Tf, tf } from './tfenv.js';
import type { BodyResult, Box, HandResult } from './types.js';

/** A hand's region: fingers point along −ey. */
export type HandRoi = SquareRoi;

/**
 * The region of one hand from body keypoints: fingers (wrist → mean of index and pinky
 * knuckles, direction d) point up in the crop; the square of side HAND_CROP_SCALE·|d| is
 * centred one |d| beyond the wrist. Null when the wrist or knuckles are not visible.
 */
export function handRoiFromBody(body: BodyResult, side: 'left' | 'right'): HandRoi | null {
  const w = body.keypoints[BODY_INDEX[`${side}Wrist`]]!;
  const i = body.keypoints[BODY_INDEX[`${side}Index`]]!;
  const p = body.keypoints[BODY_INDEX[`${side}Pinky`]]!;
  if (Math.min(w[2], i[2], p[2]) < VISIBLE_SCORE * 0.6) return null;
  const dx = (i[0] + p[0]) / 2 - w[0], dy = (i[1] + p[1]) / 2 - w[1];
  return roiAlong(w[0], w[1], dx, dy, HAND_CROP_SCALE);
}

/** A region centred at wrist + d with side scale·|d|, fingers (d) up in the crop. */
function roiAlong(wx: number, wy: number, dx: number, dy: number, scale: number): HandRoi | null {
  const len = Math.hypot(dx, dy);
  if (!(len > 1)) return null;
  const ey: [number, number] = [-dx / len, -dy / len];
  const ex: [number, number] = [ey[1], -ey[0]];
  return { cx: wx + dx, cy: wy + dy, size: scale * len, ex, ey };
}

/** The refined region from 21 landmarks: wrist → middle-finger knuckle sets direction and size. */
export function handRoiFromLandmarks(k: Array<[number, number, number]>): HandRoi | null {
  const w = k[0]!, m = k[9]!;
  // Wrist → middle MCP is about half the hand length; centre the square on the palm–finger middle.
  return roiAlong(w[0], w[1], (m[0] - w[0]) * 1.0, (m[1] - w[1]) * 1.0, HAND_REFINE_SCALE);
}

/** Runs the hand-landmark model on one region; returns landmarks in image pixels and the presence score. */
async function landmarksInRoi(model: Tf, image: FloatImage, roi: HandRoi, buf: Float32Array<ArrayBuffer>): Promise<HandResult> {
  const t = tf();
  sampleRoi(image, roi, HAND_INPUT, buf);
  const input = t.tensor(buf, [1, HAND_INPUT, HAND_INPUT, 3], 'float32');
  const [scoreT, kpT] = model.execute(input, ['Identity_1', 'Identity']) as [Tf, Tf];
  input.dispose();
  const logit = (await scoreT.data())[0] as number;
  const raw = (await kpT.data()) as Float32Array; // 21 × (x, y, z) in crop pixels
  scoreT.dispose();
  kpT.dispose();
  const zScale = roi.size / HAND_INPUT;
  const keypoints: Array<[number, number, number]> = [];
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let k = 0; k < 21; k++) {
    const [x, y] = cropToImage(roi, raw[k * 3]!, raw[k * 3 + 1]!, HAND_INPUT);
    keypoints.push([x, y, raw[k * 3 + 2]! * zScale]);
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  const box: Box = [x0, y0, x1, y1];
  return { score: 1 / (1 + Math.exp(-logit)), keypoints, box };
}

/** Both hands from the body keypoints: pose-guided region, landmarks, one refinement pass. */
export async function handsFromBody(model: Tf, image: FloatImage, body: BodyResult): Promise<{ left: HandResult | null; right: HandResult | null }> {
  const buf = new Float32Array(HAND_INPUT * HAND_INPUT * 3);
  const out = { left: null as HandResult | null, right: null as HandResult | null };
  for (const side of ['left', 'right'] as const) {
    const roi = handRoiFromBody(body, side);
    if (!roi) continue;
    let best = await landmarksInRoi(model, image, roi, buf);
    const refined = best.score >= HAND_MIN_SCORE ? handRoiFromLandmarks(best.keypoints) : null;
    if (refined) {
      const again = await landmarksInRoi(model, image, refined, buf);
      if (again.score >= best.score) best = again;
    }
    if (best.score >= HAND_MIN_SCORE) out[side] = best;
  }
  return out;
}
