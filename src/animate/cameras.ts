/**
 * Camera paths for animation and turntables: `front` (fixed, in front of the person, who faces +Z),
 * `orbit` (one full turn around the clip), `follow` (front camera that tracks the root over the floor),
 * `auto` (the default of `persona animate`: `follow` when the root travels, as captured motions from
 * real videos do, so the person is not framed tiny on the whole path; `front` otherwise).
 * `front` and `orbit` frame the whole clip: the distance is set from the bounds of the posed Gaussians.
 */
import { lookAtCamera, type Camera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';

/** Camera modes of `persona animate`. */
export const CAMERA_MODES = ['front', 'orbit', 'follow', 'auto'] as const;
export type CameraMode = (typeof CAMERA_MODES)[number];

/** Framing constants. */
export const FRAMING = {
  /** Vertical field of view (degrees): a short-telephoto portrait lens, little perspective distortion. */
  FOV_Y_DEG: 30,
  /** Extra room around the subject's bounds (fraction of the half-extent). */
  MARGIN: 1.12,
  /** Camera height relative to the bounds' centre, as a fraction of their height (slightly above: eye level). */
  EYE_LIFT: 0.1,
  /**
   * `auto` follows the root when its horizontal path spans more than this (m): framed on the whole path
   * the body would then fill less than about half of what `follow` gives (a body is ~0.6 m wide).
   */
  FOLLOW_TRAVEL: 0.6,
} as const;

/** Resolves `auto` (see the module comment) from the clip's root path; other modes pass through. */
export function resolveCameraMode(mode: CameraMode, framing: Framing): Exclude<CameraMode, 'auto'> {
  if (mode !== 'auto') return mode;
  const p = framing.rootPath;
  if (!p || p.length < 6) return 'front';
  let x0 = Infinity, x1 = -Infinity, z0 = Infinity, z1 = -Infinity;
  for (let i = 0; i < p.length; i += 3) { x0 = Math.min(x0, p[i]!); x1 = Math.max(x1, p[i]!); z0 = Math.min(z0, p[i + 2]!); z1 = Math.max(z1, p[i + 2]!); }
  return Math.hypot(x1 - x0, z1 - z0) > FRAMING.FOLLOW_TRAVEL ? 'follow' : 'front';
}

/** Axis-aligned bounds of points (N×3), accumulated. */
export class Bounds {
  min = [Infinity, Infinity, Infinity];
  max = [-Infinity, -Infinity, -Infinity];
  /** Adds every `stride`-th point of an N×3 array. */
  add(points: ArrayLike<number>, stride = 1): this {
    for (let i = 0; i < points.length; i += 3 * stride)
      for (let c = 0; c < 3; c++) {
        const v = points[i + c]!;
        if (v < this.min[c]!) this.min[c] = v;
        if (v > this.max[c]!) this.max[c] = v;
      }
    return this;
  }
  get empty(): boolean {
    return !(this.max[0]! >= this.min[0]!);
  }
  get center(): [number, number, number] {
    return [(this.min[0]! + this.max[0]!) / 2, (this.min[1]! + this.max[1]!) / 2, (this.min[2]! + this.max[2]!) / 2];
  }
  get size(): [number, number, number] {
    return [this.max[0]! - this.min[0]!, this.max[1]! - this.min[1]!, this.max[2]! - this.min[2]!];
  }
}

/** What a camera path needs to know about the clip. */
export interface Framing {
  /** Bounds of the subject over the whole clip (world). */
  bounds: Bounds;
  /** Per output frame: the root's world position (for `follow`), F×3. */
  rootPath?: Float64Array;
}

/**
 * The camera distance at which a box of half-width `hw`, half-height `hh` (and half-depth `hd`) fits a
 * square view with vertical field of view `fovDeg` from any horizontal direction.
 */
export function fitDistance(hw: number, hh: number, hd: number, fovDeg: number, aspect = 1): number {
  const tanY = Math.tan((fovDeg * Math.PI) / 360), tanX = tanY * aspect;
  const r = Math.hypot(hw, hd); // the horizontal radius bounds the box from every azimuth
  return Math.max(hh / tanY, r / tanX) + r;
}

/** The camera for output frame `k` of `count`. */
export function cameraAt(mode: CameraMode, framing: Framing, k: number, count: number, size: { width: number; height: number }): Camera {
  const b = framing.bounds;
  if (b.empty) throw new PersonaError('Cannot frame an empty avatar (no Gaussian positions).');
  const c = b.center, s = b.size;
  const m = FRAMING.MARGIN;
  const dist = fitDistance((s[0] / 2) * m, (s[1] / 2) * m, (s[2] / 2) * m, FRAMING.FOV_Y_DEG, size.width / size.height);
  const lift = s[1] * FRAMING.EYE_LIFT;
  const opts = { width: size.width, height: size.height, fovYDeg: FRAMING.FOV_Y_DEG };
  switch (mode) {
    case 'auto':
      return cameraAt(resolveCameraMode(mode, framing), framing, k, count, size);
    case 'front':
      return lookAtCamera([c[0], c[1] + lift, c[2] + dist], [c[0], c[1], c[2]], opts);
    case 'orbit': {
      const th = (2 * Math.PI * k) / Math.max(count, 1);
      return lookAtCamera([c[0] + dist * Math.sin(th), c[1] + lift, c[2] + dist * Math.cos(th)], [c[0], c[1], c[2]], opts);
    }
    case 'follow': {
      const p = framing.rootPath;
      if (!p || p.length < (k + 1) * 3) return cameraAt('front', framing, k, count, size);
      // track the root over the floor; the distance covers the body's own extent rather than the clip's travel
      const x = p[k * 3]!, z = p[k * 3 + 2]!;
      const local = fitDistance(0.6 * m, (s[1] / 2) * m, 0.6 * m, FRAMING.FOV_Y_DEG, size.width / size.height);
      return lookAtCamera([x, c[1] + lift, z + local], [x, c[1], z], opts);
    }
    default:
      throw new PersonaError(`Unknown camera mode "${String(mode)}".`, { hint: `Use one of: ${CAMERA_MODES.join(', ')}.`, exitCode: 2 });
  }
}
