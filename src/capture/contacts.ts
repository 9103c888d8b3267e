/**
 * Floor placement, foot-contact detection and foot pinning for captured motions (docs/capture.md).
 *
 * 1. Floor: the per-frame lowest foot point (ankle, ball or heel; motion/ground.ts footPoints);
 *    its CAPTURE_CONFIG.floorQuantile quantile over the clip is the floor, moved to the rest
 *    pose's foot height (the motion convention: feet on the floor at rootTranslation.y = 0).
 * 2. Contacts, per foot and frame: the foot's lowest point is within `contactHeight` of the
 *    lower foot's (the lower foot itself no more than `jumpHeight` above its median height within
 *    ±CAPTURE_CONFIG.floorWindowSeconds) and
 *    moves slowly, horizontally in the fitted world or in the image; runs shorter than
 *    `minContactFrames` are dropped, gaps that short between contacts are filled.
 * 3. Pinning: a horizontal root offset o is integrated over the clip. While a foot stays in
 *    contact from frame f−1 to f, o_f = o_{f−1} − (slide of the support foot's lowest point),
 *    so the planted foot does not move; with both feet down the support is the one lower and
 *    slower (height above floor + slide, averaged over 5 frames, with 1 cm hysteresis), since averaging would let a
 *    pivoting foot drag the planted one. Without contact o decays to the observed root path,
 *    o_f = (1 − releaseRate)·o_{f−1} (a blend instead of a jump). Vertically, contact frames
 *    put the lowest contact point on the floor; frames between contacts interpolate that
 *    correction linearly (ends hold it), so jumps keep their height.
 */
import type { RestSkeleton } from '../motion/index.js';
import { footPoints } from '../motion/index.js';
import { assignRoles } from '../motion/index.js';
import type { Motion } from '../motion/index.js';
import { CAPTURE_CONFIG } from './config.js';

/** Contact points per foot in footPoints' layout (ankle, ball, heel). */
const POINTS = 3;

/** Options of contact detection and pinning (defaults from CAPTURE_CONFIG). */
export interface ContactOptions {
  contactHeight?: number;
  /** The lower foot higher than this (m) above its local median height is off the ground (a jump). */
  jumpHeight?: number;
  contactSpeed?: number;
  /**
   * F×2 foot speed in the image (body heights per second; NaN where unknown), from the 2D
   * keypoints (footImageSpeed). A foot slower than `imageSpeed` there counts as slow even when
   * the fitted world path, whose depth is noisy, says otherwise.
   */
  imageSpeed?: Float64Array;
  /** Threshold of `imageSpeed` (body heights per second). */
  contactImageSpeed?: number;
  minContactFrames?: number;
  releaseRate?: number;
  floorQuantile?: number;
}

/** Per frame and foot: index (0…2) and position of the lowest contact point. */
function lowestPoints(pts: Float64Array, F: number): { c: Int8Array; y: Float64Array } {
  const c = new Int8Array(F * 2), y = new Float64Array(F * 2);
  for (let f = 0; f < F; f++) for (let s = 0; s < 2; s++) {
    const o = (f * 2 + s) * POINTS * 3;
    let best = 0;
    for (let k = 1; k < POINTS; k++) if (pts[o + k * 3 + 1]! < pts[o + best * 3 + 1]!) best = k;
    c[f * 2 + s] = best;
    y[f * 2 + s] = pts[o + best * 3 + 1]!;
  }
  return { c, y };
}

/** The rest pose's foot height: the lowest ankle or ball joint at rest (as motion/ground.ts). */
export function restFootHeight(rs: RestSkeleton): number {
  const roles = assignRoles(rs.skeleton.names).roles;
  let lo = Infinity;
  for (const r of ['left_ankle', 'right_ankle', 'left_foot', 'right_foot']) {
    const j = roles.indexOf(r as never);
    if (j >= 0) lo = Math.min(lo, rs.rest[j * 3 + 1]!);
  }
  return lo;
}

/**
 * The floor height per frame: the `q` quantile of the lower foot's height over a window of ±`half`
 * frames. A local floor absorbs what a monocular fit leaves of a slope or of a slow vertical drift of the root.
 */
function localFloor(y: Float64Array, F: number, half: number, q: number): Float64Array {
  const low = Float64Array.from({ length: F }, (_, f) => Math.min(y[f * 2]!, y[f * 2 + 1]!));
  const out = new Float64Array(F);
  for (let f = 0; f < F; f++) out[f] = quantile(low.subarray(Math.max(0, f - half), Math.min(F, f + half + 1)), q);
  return out;
}

/** Quantile q (0…1) of values (copy sorted). */
function quantile(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return NaN;
  const x = q * (s.length - 1), i = Math.floor(x), a = x - i;
  return i + 1 < s.length ? s[i]! * (1 - a) + s[i + 1]! * a : s[i]!;
}

/**
 * Moves the root vertically so that the clip's floor (a low quantile of the per-frame lowest
 * foot point) sits at the rest foot height. In place; returns the shift (m). Null without feet.
 */
export function placeOnFloor(motion: Motion, rs: RestSkeleton, options: ContactOptions = {}): number | null {
  const pts = footPoints(motion, rs);
  if (!pts) return null;
  const F = motion.frameCount;
  const { y } = lowestPoints(pts, F);
  const perFrame = new Float64Array(F);
  for (let f = 0; f < F; f++) perFrame[f] = Math.min(y[f * 2]!, y[f * 2 + 1]!);
  const shift = restFootHeight(rs) - quantile(perFrame, options.floorQuantile ?? CAPTURE_CONFIG.floorQuantile);
  for (let f = 0; f < F; f++) motion.rootTranslation[f * 3 + 1] = motion.rootTranslation[f * 3 + 1]! + shift;
  return shift;
}

/**
 * Foot contacts: F×2 (frame, [left, right]) 1 where the foot is down and slow. Down: its lowest point
 * within `contactHeight` of the lower foot's in the same frame, and the lower foot within `jumpHeight`
 * of its median height within ±floorWindowSeconds. The motion should be on the floor already (placeOnFloor).
 */
export function detectContacts(motion: Motion, rs: RestSkeleton, options: ContactOptions = {}): Uint8Array {
  const F = motion.frameCount;
  const out = new Uint8Array(F * 2);
  const pts = footPoints(motion, rs);
  if (!pts) return out;
  const H = options.contactHeight ?? CAPTURE_CONFIG.contactHeight, V = options.contactSpeed ?? CAPTURE_CONFIG.contactSpeed;
  const jump = options.jumpHeight ?? CAPTURE_CONFIG.jumpHeight;
  const Vimg = options.contactImageSpeed ?? CAPTURE_CONFIG.contactImageSpeed;
  // Runs are measured in time, not frames, so that 15 and 50 fps clips behave alike (at least minContactFrames).
  const minRun = Math.max(options.minContactFrames ?? CAPTURE_CONFIG.minContactFrames, Math.round(CAPTURE_CONFIG.minContactSeconds * motion.fps));
  const { c, y } = lowestPoints(pts, F);
  const reference = localFloor(y, F, Math.max(1, Math.round(CAPTURE_CONFIG.floorWindowSeconds * motion.fps)), CAPTURE_CONFIG.jumpReferenceQuantile);
  const at = (f: number, s: number, k: number, axis: number): number => pts[((f * 2 + s) * POINTS + k) * 3 + axis]!;
  for (let s = 0; s < 2; s++) {
    for (let f = 0; f < F; f++) {
      const k = c[f * 2 + s]!;
      const a = Math.max(0, f - 1), b = Math.min(F - 1, f + 1);
      const speed = b > a ? (Math.hypot(at(b, s, k, 0) - at(a, s, k, 0), at(b, s, k, 2) - at(a, s, k, 2)) * motion.fps) / (b - a) : 0;
      const img = options.imageSpeed?.[f * 2 + s];
      const slow = speed < V || (img !== undefined && img < Vimg);
      // Down: measured from the lower foot, not from the floor — both feet share the fitted root's vertical error,
      // which moves with the root's depth error when the camera looks down (docs/capture.md, Contacts from the lower foot).
      const lowest = Math.min(y[f * 2]!, y[f * 2 + 1]!);
      const down = y[f * 2 + s]! - lowest < H && lowest - reference[f]! < jump;
      out[f * 2 + s] = down && slow ? 1 : 0;
    }
    // fill gaps of up to minRun frames between contacts (a planted foot's fit jitters), then drop runs shorter than minRun
    for (let f = 0; f < F;) {
      if (out[f * 2 + s]) { f++; continue; }
      let e = f;
      while (e < F && !out[e * 2 + s]) e++;
      if (f > 0 && e < F && e - f <= minRun) for (let g = f; g < e; g++) out[g * 2 + s] = 1;
      f = e;
    }
    for (let f = 0; f < F;) {
      if (!out[f * 2 + s]) { f++; continue; }
      let e = f;
      while (e < F && out[e * 2 + s]) e++;
      if (e - f < minRun && F >= minRun) for (let g = f; g < e; g++) out[g * 2 + s] = 0;
      f = e;
    }
  }
  return out;
}

/**
 * Pins contact feet by adjusting the root translation (see the module comment). In place;
 * returns the largest horizontal correction applied (m).
 */
export function pinFeet(motion: Motion, rs: RestSkeleton, contacts: Uint8Array, options: ContactOptions = {}): number {
  const pts = footPoints(motion, rs);
  if (!pts) return 0;
  const F = motion.frameCount, T = motion.rootTranslation;
  const release = options.releaseRate ?? CAPTURE_CONFIG.releaseRate;
  const floor = restFootHeight(rs);
  const { c, y } = lowestPoints(pts, F);
  const at = (f: number, s: number, k: number, axis: number): number => pts[((f * 2 + s) * POINTS + k) * 3 + axis]!;
  const ox = new Float64Array(F), oz = new Float64Array(F), dy = new Float64Array(F).fill(NaN);
  let maxCorr = 0, support = -1;
  const SWITCH = 0.01; // m: hysteresis of the support foot
  // Support score per foot and frame: height above the floor + horizontal slide of the lowest point, averaged
  // over ±SCORE_HALF frames (single frames are too noisy to tell a planted foot from a pivoting one).
  const SCORE_HALF = 2;
  const raw = new Float64Array(F * 2), score = new Float64Array(F * 2);
  for (let f = 0; f < F; f++) for (let s = 0; s < 2; s++) {
    const k = c[f * 2 + s]!, g = f > 0 ? f - 1 : Math.min(F - 1, 1);
    raw[f * 2 + s] = y[f * 2 + s]! - floor + (g !== f ? Math.hypot(at(f, s, k, 0) - at(g, s, k, 0), at(f, s, k, 2) - at(g, s, k, 2)) : 0);
  }
  for (let f = 0; f < F; f++) for (let s = 0; s < 2; s++) {
    let sum = 0, n = 0;
    for (let g = Math.max(0, f - SCORE_HALF); g <= Math.min(F - 1, f + SCORE_HALF); g++) { sum += raw[g * 2 + s]!; n++; }
    score[f * 2 + s] = sum / n;
  }
  for (let f = 0; f < F; f++) {
    let lowest = Infinity;
    for (let s = 0; s < 2; s++) if (contacts[f * 2 + s]) lowest = Math.min(lowest, y[f * 2 + s]!);
    if (Number.isFinite(lowest)) dy[f] = floor - lowest;
    if (f === 0) continue;
    // The support foot: of the feet in contact at f−1 and f, the one with the least height above the floor
    // plus slide (m); the previous support keeps the role unless the other is clearly (SWITCH) better.
    let best = -1, bestScore = Infinity;
    const slides: number[] = [0, 0, 0, 0];
    for (let s = 0; s < 2; s++) {
      if (!contacts[f * 2 + s] || !contacts[(f - 1) * 2 + s]) continue;
      const k = c[(f - 1) * 2 + s]!; // the same point at both frames
      const sx = at(f, s, k, 0) - at(f - 1, s, k, 0), sz = at(f, s, k, 2) - at(f - 1, s, k, 2);
      slides[s * 2] = sx; slides[s * 2 + 1] = sz;
      const sc = score[f * 2 + s]! - (s === support ? SWITCH : 0);
      if (sc < bestScore) { bestScore = sc; best = s; }
    }
    if (best >= 0) { support = best; ox[f] = ox[f - 1]! - slides[best * 2]!; oz[f] = oz[f - 1]! - slides[best * 2 + 1]!; }
    else { support = -1; ox[f] = (1 - release) * ox[f - 1]!; oz[f] = (1 - release) * oz[f - 1]!; }
    maxCorr = Math.max(maxCorr, Math.hypot(ox[f]!, oz[f]!));
  }
  fillGaps(dy);
  for (let f = 0; f < F; f++) {
    T[f * 3] = T[f * 3]! + ox[f]!;
    T[f * 3 + 2] = T[f * 3 + 2]! + oz[f]!;
    T[f * 3 + 1] = T[f * 3 + 1]! + dy[f]!;
  }
  return maxCorr;
}

/** Linear interpolation over NaN gaps (ends hold the nearest value; all-NaN → zeros). In place. */
export function fillGaps(x: Float64Array): void {
  const n = x.length;
  let prev = -1;
  for (let i = 0; i <= n; i++) {
    if (i < n && Number.isNaN(x[i]!)) continue;
    for (let g = prev + 1; g < i; g++) {
      if (prev < 0 && i >= n) x[g] = 0;
      else if (prev < 0) x[g] = x[i]!;
      else if (i >= n) x[g] = x[prev]!;
      else x[g] = x[prev]! + ((g - prev) / (i - prev)) * (x[i]! - x[prev]!);
    }
    prev = i;
  }
}
