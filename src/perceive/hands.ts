/**
 * Hand landmarks guided by the body pose (as MediaPipe Holistic does): BlazePose's wrist,
 * index and pinky keypoints give each hand's region and orientation; that region is
 * resampled upright into the hand-landmark model's 224×224 input; the 21 landmarks come
 * back into image pixels. A second pass re-centres the region on the found landmarks.
 */
import { type FloatImage } from '../core/image.js';
import { HAND_CROP_SCALE, HAND_INPUT, HAND_MIN_SCORE, HAND_REFINE_SCALE, VISIBLE_SCORE } from './config.js';
import { BODY_INDEX } from './names.js';
import { type Tf, tf } from './tfenv.js';
import type { BodyResult, Box, HandResult } from './types.js';

/** An oriented square region: centre, side (pixels) and the image directions of the crop's x and y axes. */
export interface HandRoi {
  cx: number;
  cy: number;
  size: number;
  /** Unit vector of the crop's x axis in the image. */
  ex: [number, number];
  /** Unit vector of the crop's y axis (down in the crop) in the image; fingers point along −ey. */
  ey: [number, number];
}

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

/** Image position of crop pixel (px, py) of an S×S crop of `roi`. */
export function cropToImage(roi: HandRoi, px: number, py: number, S: number): [number, number] {
  const u = px / S - 0.5, v = py / S - 0.5;
  return [roi.cx + roi.size * (u * roi.ex[0] + v * roi.ey[0]), roi.cy + roi.size * (u * roi.ex[1] + v * roi.ey[1])];
}

/**
 * Resamples the oriented region into an S×S×3 crop (values in [0, 1], bilinear, zero
 * outside the image). `out` is reused when given.
 */
export function sampleRoi(image: FloatImage, roi: HandRoi, S: number, out: Float32Array = new Float32Array(S * S * 3)): Float32Array {
  const W = image.width, H = image.height, C = image.channels, d = image.data;
  for (let py = 0; py < S; py++)
    for (let px = 0; px < S; px++) {
      const [x, y] = cropToImage(roi, px + 0.5, py + 0.5, S);
      // Bilinear with pixel centres at +0.5; outside the image reads as 0.
      const fx = x - 0.5, fy = y - 0.5;
      const x0 = Math.floor(fx), y0 = Math.floor(fy), ax = fx - x0, ay = fy - y0;
      const o = (py * S + px) * 3;
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let j = 0; j < 2; j++)
          for (let i = 0; i < 2; i++) {
            const xx = x0 + i, yy = y0 + j;
            if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
            acc += (i ? ax : 1 - ax) * (j ? ay : 1 - ay) * d[(yy * W + xx) * C + c]!;
          }
        out[o + c] = acc;
      }
    }
  return out;
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
