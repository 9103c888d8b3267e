/**
 * The matte of one person when people touch or overlap (issue #19: three friends arm in arm gave one
 * matte holding all three). RVM mattes every person in the crop; `keepPersonRegions` keeps the connected
 * regions holding the chosen person's keypoints, which is all of them when they touch. Here every matte
 * pixel goes to the person whose skeleton (bones between confident keypoints, the torso quadrilateral
 * filled) is nearest: the chosen person's from BlazePose, the others' from MoveNet MultiPose. Pixels nearer
 * another person's skeleton are cut, then the regions left unconnected to the chosen person dropped.
 */
import type { FloatImage } from '../core/image.js';
import { BODY_INDEX, type BodyKeypointName } from './names.js';
import type { Box } from './types.js';

/** MoveNet MultiPose's 17 keypoints (COCO order). */
export const COCO_KEYPOINTS: BodyKeypointName[] = [
  'nose', 'leftEye', 'rightEye', 'leftEar', 'rightEar', 'leftShoulder', 'rightShoulder', 'leftElbow', 'rightElbow',
  'leftWrist', 'rightWrist', 'leftHip', 'rightHip', 'leftKnee', 'rightKnee', 'leftAnkle', 'rightAnkle',
];

/** A 2D skeleton: keypoints by name ([x, y, score]). */
export type Skeleton = Partial<Record<BodyKeypointName, [number, number, number]>>;

/** Keypoints below this score do not take part in the skeleton. */
const SPLIT_MIN_SCORE = 0.3;

const BONES: Array<[BodyKeypointName, BodyKeypointName]> = [
  ['nose', 'leftShoulder'], ['nose', 'rightShoulder'], ['leftEye', 'rightEye'],
  ['leftShoulder', 'leftElbow'], ['leftElbow', 'leftWrist'], ['rightShoulder', 'rightElbow'], ['rightElbow', 'rightWrist'],
  ['leftHip', 'leftKnee'], ['leftKnee', 'leftAnkle'], ['rightHip', 'rightKnee'], ['rightKnee', 'rightAnkle'],
  ['leftShoulder', 'rightShoulder'], ['leftHip', 'rightHip'], ['leftShoulder', 'leftHip'], ['rightShoulder', 'rightHip'],
];

/** The skeleton of BlazePose's 33 keypoints (BODY_INDEX order). */
export function skeletonFromBody(keypoints: Array<[number, number, number]>): Skeleton {
  const s: Skeleton = {};
  for (const n of COCO_KEYPOINTS) s[n] = keypoints[BODY_INDEX[n]]!;
  return s;
}

/** The skeleton of MoveNet's 17 keypoints. */
export function skeletonFromCoco(keypoints: Array<[number, number, number]>): Skeleton {
  const s: Skeleton = {};
  COCO_KEYPOINTS.forEach((n, k) => { if (keypoints[k]) s[n] = keypoints[k]!; });
  return s;
}

interface Segments { seg: Float64Array; count: number; torso: number[][] | null }

function segmentsOf(s: Skeleton): Segments {
  const seg: number[] = [];
  const ok = (n: BodyKeypointName) => (s[n]?.[2] ?? 0) >= SPLIT_MIN_SCORE;
  for (const [a, b] of BONES) if (ok(a) && ok(b)) seg.push(s[a]![0], s[a]![1], s[b]![0], s[b]![1]);
  // a lone confident keypoint still counts (a point segment)
  for (const n of COCO_KEYPOINTS) if (ok(n)) seg.push(s[n]![0], s[n]![1], s[n]![0], s[n]![1]);
  const quad: BodyKeypointName[] = ['leftShoulder', 'rightShoulder', 'rightHip', 'leftHip'];
  const torso = quad.every(ok) ? quad.map((n) => [s[n]![0], s[n]![1]]) : null;
  return { seg: Float64Array.from(seg), count: seg.length / 4, torso };
}

function insideQuad(q: number[][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = q.length - 1; i < q.length; j = i++) {
    const [xi, yi] = q[i]!, [xj, yj] = q[j]!;
    if (yi! > y !== yj! > y && x < ((xj! - xi!) * (y - yi!)) / (yj! - yi!) + xi!) inside = !inside;
  }
  return inside;
}

/** Distance (pixels) from (x, y) to a skeleton: to its nearest bone, 0 inside the torso. */
function distanceTo(sk: Segments, x: number, y: number): number {
  if (sk.torso && insideQuad(sk.torso, x, y)) return 0;
  let best = Infinity;
  const s = sk.seg;
  for (let i = 0; i < sk.count; i++) {
    const ax = s[i * 4]!, ay = s[i * 4 + 1]!, bx = s[i * 4 + 2]!, by = s[i * 4 + 3]!;
    const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    const t = l2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / l2)) : 0;
    const d = Math.hypot(x - ax - t * dx, y - ay - t * dy);
    if (d < best) best = d;
  }
  return best;
}

/** Mean distance between the named keypoints two skeletons both see confidently (Infinity if none). */
export function skeletonGap(a: Skeleton, b: Skeleton): number {
  let sum = 0, n = 0;
  for (const k of COCO_KEYPOINTS) {
    const p = a[k], q = b[k];
    if (!p || !q || p[2] < SPLIT_MIN_SCORE || q[2] < SPLIT_MIN_SCORE) continue;
    sum += Math.hypot(p[0] - q[0], p[1] - q[1]); n++;
  }
  return n ? sum / n : Infinity;
}

/**
 * Cuts from `mask` (in place) the pixels nearer another person's skeleton than the chosen one's, inside
 * `region` (the crop). `others` that are the chosen person seen twice (skeleton gap below 10 % of the
 * person's height) are ignored. Returns how many people took part and how many pixels were cut.
 */
export function splitTouchingPeople(mask: FloatImage, chosen: Skeleton, others: Skeleton[], heightPx: number, region: Box): { people: number; pixels: number } {
  const mine = segmentsOf(chosen);
  const theirs = others.filter((o) => skeletonGap(o, chosen) > 0.1 * heightPx).map(segmentsOf).filter((s) => s.count > 0);
  if (theirs.length === 0 || mine.count === 0) return { people: 0, pixels: 0 };
  const W = mask.width, a = mask.data;
  let pixels = 0;
  const used = new Set<number>();
  for (let y = Math.max(0, Math.floor(region[1])); y < Math.min(mask.height, Math.ceil(region[3])); y++)
    for (let x = Math.max(0, Math.floor(region[0])); x < Math.min(W, Math.ceil(region[2])); x++) {
      const i = y * W + x;
      if (a[i]! <= 0) continue;
      const d0 = distanceTo(mine, x + 0.5, y + 0.5);
      if (d0 === 0) continue;
      for (let k = 0; k < theirs.length; k++) {
        if (distanceTo(theirs[k]!, x + 0.5, y + 0.5) < d0) {
          if (a[i]! >= 0.5) pixels++;
          a[i] = 0;
          used.add(k);
          break;
        }
      }
    }
  return { people: used.size, pixels };
}
