/**
 * How far a raised arm's sleeve reaches (partition.ts, docs/shape.md *A raised arm's sleeve reaches by the photo's colour*).
 *
 * A limb claims loose surface within `armReach` (6 cm) of its upper arm and forearm: farther out, beside a hanging arm, lies
 * the coat or skirt the arm hangs against, which must move with the trunk. An arm raised to the head meets the head instead,
 * and a puffy sleeve reaches beyond 6 cm of the fitted arm (woman-print-dress's balloon sleeves): that surplus was carved with
 * the head, and the canonical pose, which lowers the arm, left it as plates standing out from the head. So a raised arm claims
 * up to `raisedArmReach` where the photo's colour rules out hair (hairColour.ts), and only `raisedArmHairReach` where it may be
 * hair: hair beside a raised forearm stays with the head (with the ordinary 6 cm the arm took a plank of her hair with it into
 * every generated frame, and with the wider reach alone a slab). Where hair and clothing cannot be told apart by colour,
 * nothing changes.
 */
import type { Camera } from '../core/camera.js';
import { projectPoint } from '../core/camera.js';
import type { ShapeConfig } from './config.js';

type JointAt = (name: string) => [number, number, number];

/**
 * Whether the arm of `side` ('l' or 'r') is raised: its upper arm points above the trunk's horizontal plane by at least
 * `raisedArmSine` (sine of the angle), or its forearm points up by at least `raisedForearmSine` (a hand lifted to the head,
 * the elbow below the shoulder).
 */
export function armRaised(joint: JointAt, side: 'l' | 'r', up: readonly number[], cfg: Pick<ShapeConfig, 'raisedArmSine' | 'raisedForearmSine'>): boolean {
  return elevation(joint(`upperarm_${side}`), joint(`lowerarm_${side}`), up) >= cfg.raisedArmSine
    || elevation(joint(`lowerarm_${side}`), joint(`hand_${side}`), up) >= cfg.raisedForearmSine;
}

/** A sleeve's reach at a point, as a change of its own (metres; at most `max`, negative where it reaches less). */
export interface ReachBoost {
  max: number;
  at(x: number, y: number, z: number): number;
}

/**
 * How far a raised arm's sleeve reaches, as a change of `armReach`: out to `raisedArmReach` where the point projects onto matte
 * whose colour rules out hair (`hairLike` 0), in to `raisedArmHairReach` where it may be hair, smooth between (by the share of
 * not-hair pixels in a (2r+1)² box, r = `raisedSleeveSmoothPx`, so the carved surface does not step at the colour's edge).
 * `hairLike` and `matte` are at the camera's size.
 */
export function raisedSleeveBoost(camera: Camera, hairLike: Uint8Array, matte: Float32Array, cfg: Pick<ShapeConfig, 'armReach' | 'raisedArmReach' | 'raisedArmHairReach' | 'raisedSleeveSmoothPx'>): ReachBoost {
  const W = camera.width, H = camera.height;
  const notHair = new Float32Array(W * H);
  for (let p = 0; p < W * H; p++) notHair[p] = matte[p]! >= 0.5 && !hairLike[p] ? 1 : 0;
  const share = boxMean(notHair, W, H, cfg.raisedSleeveSmoothPx);
  const lo = cfg.raisedArmHairReach - cfg.armReach, hi = cfg.raisedArmReach - cfg.armReach;
  return {
    max: Math.max(0, hi),
    at(x, y, z) {
      const q = projectPoint(camera, x, y, z);
      const u = Math.round(q.u), v = Math.round(q.v);
      // off the image the colour says nothing: the ordinary reach
      return u >= 0 && v >= 0 && u < W && v < H ? lo + (hi - lo) * share[v * W + u]! : 0;
    },
  };
}

/** Mean of `img` over the (2r+1)² box around each pixel (clipped at the borders), separable. */
export function boxMean(img: Float32Array, W: number, H: number, r: number): Float32Array {
  const tmp = new Float32Array(W * H), out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let s = 0, n = 0;
    for (let k = Math.max(0, x - r); k <= Math.min(W - 1, x + r); k++) { s += img[y * W + k]!; n++; }
    tmp[y * W + x] = s / n;
  }
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let s = 0, n = 0;
    for (let k = Math.max(0, y - r); k <= Math.min(H - 1, y + r); k++) { s += tmp[k * W + x]!; n++; }
    out[y * W + x] = s / n;
  }
  return out;
}

/** Sine of the angle between the plane perpendicular to `up` and the bone from joint a to joint b (1 straight up, −1 straight down). */
function elevation(a: readonly number[], b: readonly number[], up: readonly number[]): number {
  const d = [b[0]! - a[0]!, b[1]! - a[1]!, b[2]! - a[2]!];
  const n = Math.hypot(d[0]!, d[1]!, d[2]!);
  return n > 0 ? (d[0]! * up[0]! + d[1]! * up[1]! + d[2]! * up[2]!) / n : -1;
}
