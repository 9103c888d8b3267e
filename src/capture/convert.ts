/**
 * Fitted per-frame body poses → a Motion, and filling of lost frames.
 *
 * Frames: the fit's world is the camera's (camera at the origin looking down −Z, Y up), so a
 * person facing the camera faces +Z, as the motion convention wants; rotations are kept as
 * fitted (the clip's first frame keeps its facing relative to the camera). BodyPose
 * translation moves the root joint from its rest position, as Motion.rootTranslation does;
 * the horizontal root path is made relative to the first frame and the height is set from the
 * floor (contacts.ts).
 */
import { axisAngleToQuat, slerp } from '../core/rotation.js';
import type { BodyPose } from '../body/index.js';
import type { Motion } from '../motion/index.js';

/** Poses (one per frame, J×3 axis-angle each) as a Motion on joints `jointNames`; `flags` marks filled frames. */
export function posesToMotion(poses: BodyPose[], jointNames: string[], fps: number, name: string, flags?: Uint8Array): Motion {
  const F = poses.length, J = jointNames.length;
  const rotations = new Float32Array(F * J * 4), rootTranslation = new Float32Array(F * 3);
  for (let f = 0; f < F; f++) {
    const p = poses[f]!;
    for (let j = 0; j < J; j++) {
      const q = axisAngleToQuat(p.rotations[j * 3]!, p.rotations[j * 3 + 1]!, p.rotations[j * 3 + 2]!);
      const o = (f * J + j) * 4;
      // Keep consecutive quaternions in one hemisphere (q and −q are the same rotation) for clean interpolation.
      if (f > 0) {
        const po = o - J * 4;
        const dot = q[0] * rotations[po]! + q[1] * rotations[po + 1]! + q[2] * rotations[po + 2]! + q[3] * rotations[po + 3]!;
        if (dot < 0) for (let k = 0; k < 4; k++) q[k] = -q[k]!;
      }
      rotations.set(q, o);
    }
    rootTranslation.set(p.translation, f * 3);
  }
  return { name, fps, frameCount: F, jointNames: [...jointNames], rotations, rootTranslation, ...(flags ? { flags } : {}) };
}

/**
 * Fills the frames with `missing[f] = 1` in place: between two good frames by slerp of every
 * joint rotation and lerp of the root translation; before the first or after the last good
 * frame by holding the nearest good frame. Returns the number of frames filled.
 */
export function fillMissingFrames(motion: Motion, missing: Uint8Array): number {
  const F = motion.frameCount, J = motion.jointNames.length;
  const R = motion.rotations, T = motion.rootTranslation;
  let filled = 0;
  let prevGood = -1;
  for (let f = 0; f <= F; f++) {
    if (f < F && missing[f]) continue;
    // frames prevGood+1 … f−1 are missing
    for (let g = prevGood + 1; g < f; g++) {
      filled++;
      const a = prevGood >= 0 ? prevGood : f, b = f < F ? f : prevGood;
      if (a < 0 || b < 0 || a >= F || b >= F) continue;
      const s = a === b ? 0 : (g - a) / (b - a);
      for (let j = 0; j < J; j++) {
        const q = slerp(R.subarray((a * J + j) * 4, (a * J + j) * 4 + 4), R.subarray((b * J + j) * 4, (b * J + j) * 4 + 4), s);
        R.set(q, (g * J + j) * 4);
      }
      for (let k = 0; k < 3; k++) T[g * 3 + k] = T[a * 3 + k]! + s * (T[b * 3 + k]! - T[a * 3 + k]!);
    }
    prevGood = f;
  }
  return filled;
}

/** Centred moving average of the root translation over `window` frames (odd), shrinking at the ends. In place. */
export function smoothRootPath(motion: Motion, window: number): void {
  const h = Math.floor(window / 2), F = motion.frameCount, T = motion.rootTranslation;
  if (h < 1 || F < 3) return;
  const src = T.slice();
  for (let f = 0; f < F; f++) {
    const r = Math.min(h, f, F - 1 - f);
    for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let g = f - r; g <= f + r; g++) s += src[g * 3 + k]!;
      T[f * 3 + k] = s / (2 * r + 1);
    }
  }
}

/**
 * Smooths the root's distance from the camera, not its direction: in the fit's camera world (camera
 * at the origin) the root's direction comes from where the person is in the image, which is
 * precise, while its distance comes from the person's apparent size, which jitters by several
 * centimetres per frame. A centred median over `window` frames (odd) then a 3-frame mean of the
 * distance keeps sideways and vertical motion as fast as it was filmed. `rootRest` is the root
 * joint's rest position (world position = rootRest + translation). In place.
 */
export function smoothRootDepth(motion: Motion, rootRest: ArrayLike<number>, window: number): void {
  const h = Math.floor(window / 2), F = motion.frameCount, T = motion.rootTranslation;
  if (h < 1 || F < 3) return;
  const dist = new Float64Array(F), dir = new Float64Array(F * 3);
  for (let f = 0; f < F; f++) {
    const p = [0, 1, 2].map((k) => rootRest[k]! + T[f * 3 + k]!);
    const d = Math.hypot(p[0]!, p[1]!, p[2]!) || 1;
    dist[f] = d;
    for (let k = 0; k < 3; k++) dir[f * 3 + k] = p[k]! / d;
  }
  const med = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    const r = Math.min(h, f, F - 1 - f);
    const w = Array.from(dist.subarray(f - r, f + r + 1)).sort((a, b) => a - b);
    med[f] = w[r]!;
  }
  for (let f = 0; f < F; f++) {
    const a = Math.max(0, f - 1), b = Math.min(F - 1, f + 1);
    let s = 0;
    for (let g = a; g <= b; g++) s += med[g]!;
    const d = s / (b - a + 1);
    for (let k = 0; k < 3; k++) T[f * 3 + k] = dir[f * 3 + k]! * d - rootRest[k]!;
  }
}
