/**
 * Foot contact for motions on a body skeleton: keep the lowest foot point on the floor
 * (vertical root translation) and keep the supporting foot from sliding (horizontal root
 * translation). Foot points per side are the ankle joint, the ball (toe) joint and a heel
 * point under the ankle at the ball's rest height, carried by the ankle's rotation.
 */
import type { RestSkeleton } from './canonical.js';
import { assignRoles } from './names.js';
import { createFkResult, quatForwardKinematics } from '../body/index.js';
import { qrotate } from '../core/rotation.js';
import type { Motion } from './types.js';

/** Feet found on a skeleton: per side the ankle and ball joint (−1 if absent). */
interface Feet { ankle: [number, number]; ball: [number, number] }

function findFeet(rs: RestSkeleton): Feet | null {
  const roles = assignRoles(rs.skeleton.names).roles;
  const at = (r: string): number => roles.indexOf(r as never);
  const feet: Feet = { ankle: [at('left_ankle'), at('right_ankle')], ball: [at('left_foot'), at('right_foot')] };
  return feet.ankle[0] >= 0 && feet.ankle[1] >= 0 ? feet : null;
}

/** Number of contact points per foot: ankle, ball, heel. */
const POINTS = 3;

/**
 * Contact points per side at each frame: F×2×3×3 positions (frame, side, [ankle, ball, heel],
 * xyz) with the motion's current root translation. Without a ball joint, ball and heel repeat
 * the ankle.
 */
export function footPoints(motion: Motion, rs: RestSkeleton): Float64Array | null {
  const feet = findFeet(rs);
  if (!feet) return null;
  const J = rs.skeleton.names.length, F = motion.frameCount;
  const fk = createFkResult(J);
  const out = new Float64Array(F * 2 * POINTS * 3);
  const heel = new Float64Array(3);
  for (let f = 0; f < F; f++) {
    quatForwardKinematics(rs.skeleton, rs.rest, motion.rotations, motion.rootTranslation, fk, f * J * 4, f * 3);
    for (let s = 0; s < 2; s++) {
      const a = feet.ankle[s]!, b = feet.ball[s]!;
      const o = (f * 2 + s) * POINTS * 3;
      for (let k = 0; k < 3; k++) out[o + k] = fk.positions[a * 3 + k]!;
      if (b >= 0) {
        for (let k = 0; k < 3; k++) out[o + 3 + k] = fk.positions[b * 3 + k]!;
        // Heel: straight below the ankle at rest, at the ball's rest height.
        heel[0] = 0; heel[1] = rs.rest[b * 3 + 1]! - rs.rest[a * 3 + 1]!; heel[2] = 0;
        qrotate(fk.globalQuats, a * 4, heel, 0, heel, 0);
        for (let k = 0; k < 3; k++) out[o + 6 + k] = fk.positions[a * 3 + k]! + heel[k]!;
      } else {
        for (let k = 0; k < 3; k++) { out[o + 3 + k] = out[o + k]!; out[o + 6 + k] = out[o + k]!; }
      }
    }
  }
  return out;
}

/** Index (0…2) of the lowest contact point of side s at frame f, and its height. */
function lowest(pts: Float64Array, f: number, s: number): { c: number; y: number } {
  const o = (f * 2 + s) * POINTS * 3;
  let c = 0;
  for (let k = 1; k < POINTS; k++) if (pts[o + k * 3 + 1]! < pts[o + c * 3 + 1]!) c = k;
  return { c, y: pts[o + c * 3 + 1]! };
}

/** Centred moving average in place (window w frames, shrinking at the ends so the ends stay put). */
function smooth(x: Float64Array, w: number): void {
  const src = x.slice(), n = x.length, h = Math.floor(w / 2);
  for (let i = 0; i < n; i++) {
    const r = Math.min(h, i, n - 1 - i);
    let sum = 0;
    for (let k = i - r; k <= i + r; k++) sum += src[k]!;
    x[i] = sum / (2 * r + 1);
  }
}

/** Lowest foot height of the rest pose. */
function restFloor(rs: RestSkeleton): number {
  const feet = findFeet(rs)!;
  let lo = Infinity;
  for (const j of [...feet.ankle, ...feet.ball]) if (j >= 0) lo = Math.min(lo, rs.rest[j * 3 + 1]!);
  return lo;
}

/**
 * Moves the root so that the feet touch the floor (the rest pose's lowest foot height) at every
 * frame and, with `plant`, so that the supporting foot does not slide. Support passes to the
 * other foot when it is clearly lower (1 cm) and nearly still (< 0.5 m/s), or when the
 * supporting foot is 3 cm above it; `support` (per frame: 0 left, 1 right, −1 decide) overrides
 * that choice where the clip knows which foot carries the weight (once that foot is down).
 * `smoothFrames` > 1 then averages the planted horizontal path over that many frames (a
 * steadier body for a little foot slip). In place.
 */
export function groundMotion(motion: Motion, rs: RestSkeleton, plant: boolean, support?: Int8Array, smoothFrames = 0): Motion {
  const pts = footPoints(motion, rs);
  if (!pts) return motion;
  const F = motion.frameCount, T = motion.rootTranslation;
  const floor = restFloor(rs);
  const HYSTERESIS = 0.01; // m: switch support only when the other foot is clearly lower…
  const PLANTED_SPEED = 0.5; // m/s: …and nearly still (a foot still swinging does not take the weight)…
  const LIFTED = 0.03; // m: …unless the supporting foot is clearly off the floor
  const TOUCH = 0.015; // m: a foot named as support takes over once it is this close to the floor
  // Horizontal motion of contact point c of side s from frame f−1 to f.
  const at = (f: number, s: number, c: number, k: number): number => pts[((f * 2 + s) * POINTS + c) * 3 + k]!;
  const slide = (s: number, c: number, f: number): number => Math.hypot(at(f, s, c, 0) - at(f - 1, s, c, 0), at(f, s, c, 2) - at(f - 1, s, c, 2));
  let stance = support && support[0]! >= 0 ? support[0]! : lowest(pts, 0, 0).y <= lowest(pts, 0, 1).y ? 0 : 1;
  const offX = new Float64Array(F), offZ = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    const l0 = lowest(pts, f, 0), l1 = lowest(pts, f, 1);
    T[f * 3 + 1] = T[f * 3 + 1]! + (floor - Math.min(l0.y, l1.y));
    if (!plant || f === 0) continue;
    const other = 1 - stance;
    const lo = other === 0 ? l0 : l1, ls = stance === 0 ? l0 : l1;
    const wanted = support ? support[f]! : -1;
    // A foot the clip names takes the weight once it is down (within TOUCH of the other foot).
    if (wanted >= 0) { if ((wanted === 0 ? l0 : l1).y < (wanted === 0 ? l1 : l0).y + TOUCH) stance = wanted; }
    else if (lo.y < ls.y - HYSTERESIS && (slide(other, lo.c, f) * motion.fps < PLANTED_SPEED || lo.y < ls.y - LIFTED)) stance = other;
    // Keep the supporting foot's lowest point (the same point at both frames) where it was.
    const c = (stance === 0 ? l0 : l1).c;
    offX[f] = offX[f - 1]! - (at(f, stance, c, 0) - at(f - 1, stance, c, 0));
    offZ[f] = offZ[f - 1]! - (at(f, stance, c, 2) - at(f - 1, stance, c, 2));
  }
  if (plant && smoothFrames > 1) { smooth(offX, smoothFrames); smooth(offZ, smoothFrames); }
  if (plant) for (let f = 0; f < F; f++) { T[f * 3] = T[f * 3]! + offX[f]!; T[f * 3 + 2] = T[f * 3 + 2]! + offZ[f]!; }
  return motion;
}
