/**
 * Foot contact for motions on a body skeleton: keep the lowest foot point on the floor
 * (vertical root translation) and keep the supporting foot from sliding (horizontal root
 * translation). Foot points per side are the ankle joint, the ball (toe) joint and a heel
 * point under the ankle at the ball's rest height, carried by the ankle's rotation.
 */
import type { RestSkeleton } from './canonical.js';
import { assignRoles } from './names.js';
import { createFkResult, forwardKinematics } from './fk.js';
import { qrotate } from './quat.js';
import type { Motion } from './types.js';

/** Feet found on a skeleton: per side the ankle and ball joint (−1 if absent). */
interface Feet { ankle: [number, number]; ball: [number, number] }

function findFeet(rs: RestSkeleton): Feet | null {
  const roles = assignRoles(rs.skeleton.names).roles;
  const at = (r: string): number => roles.indexOf(r as never);
  const feet: Feet = { ankle: [at('left_ankle'), at('right_ankle')], ball: [at('left_foot'), at('right_foot')] };
  return feet.ankle[0] >= 0 && feet.ankle[1] >= 0 ? feet : null;
}

/**
 * Lowest foot point per side at each frame: returns F×2×3 positions of each side's lowest
 * point (with the motion's current root translation).
 */
export function footPoints(motion: Motion, rs: RestSkeleton): Float64Array | null {
  const feet = findFeet(rs);
  if (!feet) return null;
  const J = rs.skeleton.names.length, F = motion.frameCount;
  const fk = createFkResult(J);
  const out = new Float64Array(F * 6);
  const heel = new Float64Array(3);
  for (let f = 0; f < F; f++) {
    forwardKinematics(rs.skeleton, rs.rest, motion.rotations, motion.rootTranslation, fk, f * J * 4, f * 3);
    for (let s = 0; s < 2; s++) {
      const a = feet.ankle[s]!, b = feet.ball[s]!;
      const cands: number[][] = [[fk.positions[a * 3]!, fk.positions[a * 3 + 1]!, fk.positions[a * 3 + 2]!]];
      if (b >= 0) {
        cands.push([fk.positions[b * 3]!, fk.positions[b * 3 + 1]!, fk.positions[b * 3 + 2]!]);
        // Heel: straight below the ankle at rest, at the ball's rest height.
        heel[0] = 0; heel[1] = rs.rest[b * 3 + 1]! - rs.rest[a * 3 + 1]!; heel[2] = 0;
        qrotate(fk.globalQuats, a * 4, heel, 0, heel, 0);
        cands.push([fk.positions[a * 3]! + heel[0]!, fk.positions[a * 3 + 1]! + heel[1]!, fk.positions[a * 3 + 2]! + heel[2]!]);
      }
      let lo = cands[0]!;
      for (const c of cands) if (c[1]! < lo[1]!) lo = c;
      out.set(lo, (f * 2 + s) * 3);
    }
  }
  return out;
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
 * frame and, with `plant`, so that the lower (supporting) foot does not slide. In place.
 */
export function groundMotion(motion: Motion, rs: RestSkeleton, plant: boolean): Motion {
  const pts = footPoints(motion, rs);
  if (!pts) return motion;
  const F = motion.frameCount, T = motion.rootTranslation;
  const floor = restFloor(rs);
  const HYSTERESIS = 0.01; // m: switch support only when the other foot is clearly lower
  let support = pts[1]! <= pts[4]! ? 0 : 1;
  const offX = new Float64Array(F), offZ = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    const y0 = pts[(f * 2) * 3 + 1]!, y1 = pts[(f * 2 + 1) * 3 + 1]!;
    T[f * 3 + 1] = T[f * 3 + 1]! + (floor - Math.min(y0, y1));
    if (!plant || f === 0) continue;
    const other = 1 - support;
    if (pts[(f * 2 + other) * 3 + 1]! < pts[(f * 2 + support) * 3 + 1]! - HYSTERESIS) support = other;
    const cur = (f * 2 + support) * 3, prev = ((f - 1) * 2 + support) * 3;
    offX[f] = offX[f - 1]! - (pts[cur]! - pts[prev]!);
    offZ[f] = offZ[f - 1]! - (pts[cur + 2]! - pts[prev + 2]!);
  }
  if (plant) for (let f = 0; f < F; f++) { T[f * 3] = T[f * 3]! + offX[f]!; T[f * 3 + 2] = T[f * 3 + 2]! + offZ[f]!; }
  return motion;
}
