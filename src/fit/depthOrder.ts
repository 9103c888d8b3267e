/**
 * Per-limb depth-ordering check of a photo fit (issue #19): for each limb segment and each hand against the
 * trunk, which end is nearer the camera — in the fitted body (camera-space depth of the keypoint anchors) and in
 * BlazePose's 3D world landmarks (camera-aligned: z grows away from the camera, like the fit camera's depth).
 * Where the landmarks clearly order the two points (depth gap ≥ FIT_CONFIG.depthOrder.minGap) and the fit puts
 * them the other way round by more than FIT_CONFIG.depthOrder.tolerance, the part is reported: the fit chose
 * the other side of the depth ambiguity of 2D keypoints (an arm swung across the body fitted behind it).
 * A check, not a term: the world-direction term (worldDirection.ts) already pulls the limbs; this says where
 * the result still disagrees, for `uncertain` and `partConfidence` in fit/body.json.
 */
import { FIT_CONFIG } from './config.js';

/** One segment checked: BlazePose indices of its near-the-trunk end and its far end, and the part it belongs to. */
export interface DepthPair { part: string; a: number; b: number; label: string }

/**
 * Upper arms, forearms, thighs, shins (joint → child), and each wrist against the shoulder of the other side
 * (the hand in front of or behind the chest when the arm crosses the body).
 */
export const DEPTH_PAIRS: readonly DepthPair[] = [
  { part: 'leftArm', a: 11, b: 13, label: 'left shoulder → elbow' },
  { part: 'leftHand', a: 13, b: 15, label: 'left elbow → wrist' },
  { part: 'rightArm', a: 12, b: 14, label: 'right shoulder → elbow' },
  { part: 'rightHand', a: 14, b: 16, label: 'right elbow → wrist' },
  { part: 'leftLeg', a: 23, b: 25, label: 'left hip → knee' },
  { part: 'leftFoot', a: 25, b: 27, label: 'left knee → ankle' },
  { part: 'rightLeg', a: 24, b: 26, label: 'right hip → knee' },
  { part: 'rightFoot', a: 26, b: 28, label: 'right knee → ankle' },
  { part: 'leftHand', a: 12, b: 15, label: 'right shoulder → left wrist' },
  { part: 'rightHand', a: 11, b: 16, label: 'left shoulder → right wrist' },
];

import type { DepthConflict } from '../subject/index.js';
export type { DepthConflict };

/**
 * The segments whose depth order the fit gets the other way round from the landmarks.
 * `world`: 33 BlazePose world landmarks [x, y, z, …] (metres); `confidence`: the 33 keypoint confidences;
 * `fitDepth`: camera-space depth (metres) of the fit's anchor of each of the 33 keypoints.
 */
export function depthOrderConflicts(world: ReadonlyArray<ArrayLike<number>>, confidence: ArrayLike<number>, fitDepth: ArrayLike<number>): DepthConflict[] {
  const cfg = FIT_CONFIG.depthOrder;
  const out: DepthConflict[] = [];
  for (const { part, a, b, label } of DEPTH_PAIRS) {
    if (confidence[a]! < FIT_CONFIG.minConfidence || confidence[b]! < FIT_CONFIG.minConfidence) continue;
    const wa = world[a], wb = world[b];
    if (!wa || !wb) continue;
    const photo = wb[2]! - wa[2]!;
    const fit = fitDepth[b]! - fitDepth[a]!;
    if (Math.abs(photo) < cfg.minGap || !Number.isFinite(fit)) continue;
    if (Math.sign(fit) !== Math.sign(photo) && Math.abs(fit) > cfg.tolerance) out.push({ part, segment: label, photo: Number(photo.toFixed(3)), fit: Number(fit.toFixed(3)) });
  }
  return out;
}
