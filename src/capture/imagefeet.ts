/**
 * Foot speed in the image, from the 2D body keypoints (BlazePose ankle, heel and foot index):
 * with a fixed camera a planted foot stands still in the image, whatever the fitted depth does,
 * so this is the contact cue that survives depth noise, real frame rates and a little motion blur
 * (blurred keypoints lose confidence and are skipped). Speeds are in body heights per second (the
 * person box's height), so near and far people compare.
 */
import { FIT_CONFIG } from '../fit/config.js';
import type { Perception } from '../perceive/index.js';

/** BlazePose keypoints of each foot: [ankle, heel, foot index], left then right. */
const FOOT_KEYPOINTS: ReadonlyArray<readonly number[]> = [[27, 29, 31], [28, 30, 32]];

/** Mean position of a foot's confident keypoints (null with fewer than two). */
function footPoint(p: Perception, side: number): [number, number] | null {
  let x = 0, y = 0, n = 0;
  for (const k of FOOT_KEYPOINTS[side]!) {
    const q = p.body.keypoints[k]!;
    if (q[2] < FIT_CONFIG.minConfidence) continue;
    x += q[0]; y += q[1]; n++;
  }
  return n >= 2 ? [x / n, y / n] : null;
}

/**
 * F×2 [left, right] foot speed in the image (body heights per second; central differences over
 * the nearest frames that see the foot, at most 2 frames apart; NaN where unknown).
 */
export function footImageSpeed(perceptions: ReadonlyArray<Perception | null>, fps: number): Float64Array {
  const F = perceptions.length, out = new Float64Array(F * 2).fill(NaN);
  const pts = perceptions.map((p) => (p ? [footPoint(p, 0), footPoint(p, 1)] : [null, null]));
  const height = perceptions.map((p) => (p ? p.person.box[3] - p.person.box[1] : NaN));
  for (let f = 0; f < F; f++) for (let s = 0; s < 2; s++) {
    const h = height[f]!;
    if (!(h > 0) || !pts[f]![s]) continue;
    let a = f, b = f;
    for (let g = f - 1; g >= Math.max(0, f - 2); g--) if (pts[g]![s]) { a = g; break; }
    for (let g = f + 1; g <= Math.min(F - 1, f + 2); g++) if (pts[g]![s]) { b = g; break; }
    if (a === b) continue;
    const pa = pts[a]![s]!, pb = pts[b]![s]!;
    out[f * 2 + s] = (Math.hypot(pb[0] - pa[0], pb[1] - pa[1]) * fps) / ((b - a) * h);
  }
  return out;
}
