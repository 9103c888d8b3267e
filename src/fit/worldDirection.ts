/**
 * The world-landmark direction term of the photo fit and of capture's per-frame fit (moved here from
 * capture/worldprior.ts so that the photo fit can use it, issue #19): BlazePose's 3D world landmarks
 * say whether a limb points towards or away from the camera, which 2D keypoints cannot (the
 * depth ambiguity of a forward punch or a raised arm). The warm-started per-frame fit only sees
 * 2D keypoints, so without this term a limb that flips depth stays flipped.
 *
 * E = λ/n · Σ_limbs c_a c_b |u − w|², u = (P_b − P_a)/|P_b − P_a| the model limb direction
 * (anchor points of the two keypoints), w the landmark direction in our world (x, −y, −z of
 * BlazePose's camera-aligned axes, for the fit's default camera), c the keypoint confidences.
 */
import type { KeypointAnchor } from '../body/index.js';
import type { PosedTerm } from './fitImage.js';
import { FIT_CONFIG } from './config.js';
import type { Perception } from '../perceive/index.js';

/** BlazePose keypoint pairs (indices) of the limbs the term uses: upper arms, forearms, thighs, shins. */
export const WORLD_LIMBS: ReadonlyArray<readonly [number, number]> = [[11, 13], [13, 15], [12, 14], [14, 16], [23, 25], [25, 27], [24, 26], [26, 28]];

/**
 * The photo fit also uses the torso's sides (hip → shoulder, each side): they carry the lean of the trunk in
 * depth, which 2D keypoints cannot tell (issue #19: a man standing straight was fitted leaning back with the
 * pelvis pushed forward).
 */
export const WORLD_LIMBS_WITH_TORSO: ReadonlyArray<readonly [number, number]> = [...WORLD_LIMBS, [23, 11], [24, 12]];

/** Weight λ of the term (relative to the keypoint term, whose total is ~1; tuned on synthetic clips, docs/capture.md). */
export const WORLD_DIRECTION_WEIGHT = 0.3;

/** The term for one frame's perception (undefined when the frame has no world landmarks). */
export function worldDirectionTerm(p: Perception, anchors: KeypointAnchor[], weight = WORLD_DIRECTION_WEIGHT, pairs: ReadonlyArray<readonly [number, number]> = WORLD_LIMBS): PosedTerm | undefined {
  const w = p.body.world, kp = p.body.keypoints;
  const limbs: Array<{ a: KeypointAnchor; b: KeypointAnchor; dir: [number, number, number]; c: number }> = [];
  for (const [i, k] of pairs) {
    const ca = kp[i]![2], cb = kp[k]![2];
    if (ca < FIT_CONFIG.minConfidence || cb < FIT_CONFIG.minConfidence) continue;
    const d = [w[k]![0] - w[i]![0], -(w[k]![1] - w[i]![1]), -(w[k]![2] - w[i]![2])];
    const n = Math.hypot(d[0]!, d[1]!, d[2]!);
    if (!(n > 1e-6)) continue;
    limbs.push({ a: anchors[i]!, b: anchors[k]!, dir: [d[0]! / n, d[1]! / n, d[2]! / n], c: ca * cb });
  }
  if (limbs.length === 0) return undefined;
  const scale = weight / limbs.length;
  return (vertices, joints, gV, gJ) => {
    let e = 0;
    for (const { a, b, dir, c } of limbs) {
      const A = a.kind === 'joint' ? joints : vertices, B = b.kind === 'joint' ? joints : vertices;
      const ga = a.kind === 'joint' ? gJ : gV, gb = b.kind === 'joint' ? gJ : gV;
      const oa = a.index * 3, ob = b.index * 3;
      const dx = B[ob]! - A[oa]!, dy = B[ob + 1]! - A[oa + 1]!, dz = B[ob + 2]! - A[oa + 2]!;
      const len = Math.hypot(dx, dy, dz);
      if (!(len > 1e-9)) continue;
      const ux = dx / len, uy = dy / len, uz = dz / len;
      const rx = ux - dir[0], ry = uy - dir[1], rz = uz - dir[2];
      const k = scale * c;
      e += k * (rx * rx + ry * ry + rz * rz);
      // dE/du = 2k r; dE/dd = (I − u uᵀ) dE/du / |d|
      const gux = 2 * k * rx, guy = 2 * k * ry, guz = 2 * k * rz;
      const dot = ux * gux + uy * guy + uz * guz;
      const gx = (gux - ux * dot) / len, gy = (guy - uy * dot) / len, gz = (guz - uz * dot) / len;
      gb[ob] += gx; gb[ob + 1] += gy; gb[ob + 2] += gz;
      ga[oa] -= gx; ga[oa + 1] -= gy; ga[oa + 2] -= gz;
    }
    return e;
  };
}
