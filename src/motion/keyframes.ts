/**
 * Keyframed clips authored in anatomical angles on the canonical skeleton. Each key is a full
 * pose: the clip's neutral pose overridden by the key's angles. Every (joint, angle) channel
 * and every root-translation axis is interpolated with a monotone cubic (Fritsch–Carlson),
 * which is C¹ and never overshoots the keys (so a knee keyed at 0° never hyperextends), with
 * zero slope at the first and last key (the clip eases in and out of its neutral pose).
 * Interpolating angles rather than quaternions also lets a key turn the body past 180°.
 */
import { PersonaError } from '../core/errors.js';
import { anglesToQuat, type JointAngles } from './anatomy.js';
import { canonicalSkeleton } from './canonical.js';
import { SMPLX_JOINTS, type JointRole } from './names.js';
import type { Motion } from './types.js';

/** A pose in anatomical angles: canonical joint → named angles (degrees). */
export type AnglePose = Partial<Record<JointRole, JointAngles>>;

/** One key of a clip. */
export interface Key {
  /** Time (seconds from the clip start). */
  t: number;
  /** What the key does (for readers of the library). */
  note: string;
  /** Angles that differ from the clip's neutral pose. */
  pose?: AnglePose;
  /** Root (pelvis) translation in metres for the canonical 0.8 m leg (scaled to the body), default 0. */
  root?: [number, number, number];
  /** Which foot carries the weight from this key on (until a later key says otherwise); default: decided from foot heights. */
  support?: 'left' | 'right' | 'auto';
}

/** A keyframed clip definition. */
export interface ClipDef {
  name: string;
  description: string;
  /** Frames per second of the sampled clip. */
  fps: number;
  /** The pose unkeyed channels take. */
  neutral: AnglePose;
  keys: Key[];
  /** Keep the lowest foot on the floor by moving the root vertically (default true). */
  ground?: boolean;
  /** Keep the supporting foot from sliding by moving the root horizontally (walks). */
  plantFeet?: boolean;
  /** Average the planted root path over this many seconds (steadier body, small foot slip). */
  smoothPath?: number;
}

/** Both sides of a limb joint at once: `both('shoulder', {raise: -80})`. */
export function both(part: string, angles: JointAngles): AnglePose {
  return { [`left_${part}`]: angles, [`right_${part}`]: angles } as AnglePose;
}

/** Merges poses (later ones win per joint; angles of one joint merge). */
export function merge(...poses: AnglePose[]): AnglePose {
  const out: Record<string, Record<string, number>> = {};
  for (const p of poses) for (const [j, a] of Object.entries(p)) out[j] = { ...(out[j] ?? {}), ...a };
  return out as AnglePose;
}

/** Fritsch–Carlson monotone cubic slopes with zero end slopes. */
export function monotoneSlopes(t: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const n = t.length;
  const m = new Float64Array(n);
  if (n < 3) return m;
  const d = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) d[i] = (y[i + 1]! - y[i]!) / (t[i + 1]! - t[i]!);
  for (let i = 1; i < n - 1; i++) {
    if (d[i - 1]! * d[i]! <= 0) { m[i] = 0; continue; }
    // Weighted harmonic mean (Fritsch–Butland), which keeps the interpolant monotone.
    const h0 = t[i]! - t[i - 1]!, h1 = t[i + 1]! - t[i]!;
    const w1 = 2 * h1 + h0, w2 = h1 + 2 * h0;
    m[i] = (w1 + w2) / (w1 / d[i - 1]! + w2 / d[i]!);
  }
  return m;
}

/** Evaluates the cubic Hermite interpolant of (t, y, slopes m) at time x (clamped to the key range). */
export function hermite(t: ArrayLike<number>, y: ArrayLike<number>, m: ArrayLike<number>, x: number): number {
  const n = t.length;
  if (x <= t[0]!) return y[0]!;
  if (x >= t[n - 1]!) return y[n - 1]!;
  let i = 0;
  while (i < n - 2 && x > t[i + 1]!) i++;
  const h = t[i + 1]! - t[i]!, s = (x - t[i]!) / h;
  const s2 = s * s, s3 = s2 * s;
  return (2 * s3 - 3 * s2 + 1) * y[i]! + (s3 - 2 * s2 + s) * h * m[i]! + (-2 * s3 + 3 * s2) * y[i + 1]! + (s3 - s2) * h * m[i + 1]!;
}

/** Checks a clip definition; throws a PersonaError naming the key. */
export function validateClip(def: ClipDef): void {
  if (def.keys.length < 2) throw new PersonaError(`clip ${def.name}: needs at least two keys`);
  if (def.keys[0]!.t !== 0) throw new PersonaError(`clip ${def.name}: the first key must be at t = 0`);
  for (let i = 1; i < def.keys.length; i++) {
    if (!(def.keys[i]!.t > def.keys[i - 1]!.t)) throw new PersonaError(`clip ${def.name}: key ${i} (t = ${def.keys[i]!.t}) is not after key ${i - 1}`);
  }
  for (const [i, k] of def.keys.entries()) {
    for (const [j, a] of Object.entries({ ...def.neutral, ...(k.pose ?? {}) })) {
      if (!(SMPLX_JOINTS as readonly string[]).includes(j)) throw new PersonaError(`clip ${def.name}: key ${i} names unknown joint '${j}'`);
      anglesToQuat(j as JointRole, a!); // throws on unknown angle names
    }
  }
}

/**
 * Samples a clip on the canonical skeleton: a Motion whose joints are the SMPL-X names, with
 * root translation in canonical metres (not yet grounded; see builtin.ts).
 */
export function sampleClip(def: ClipDef): Motion {
  validateClip(def);
  const { skeleton } = canonicalSkeleton();
  const J = skeleton.names.length;
  const times = def.keys.map((k) => k.t);
  const duration = times[times.length - 1]!;
  const F = Math.round(duration * def.fps) + 1;
  // Channels: every (joint, angle) named in the neutral pose or any key.
  const channels = new Map<string, { role: JointRole; angle: string; y: Float64Array; m?: Float64Array }>();
  const keyPoses = def.keys.map((k) => merge(def.neutral, k.pose ?? {}));
  for (const p of keyPoses) {
    for (const [j, a] of Object.entries(p)) {
      for (const name of Object.keys(a!)) {
        const id = `${j}.${name}`;
        if (!channels.has(id)) channels.set(id, { role: j as JointRole, angle: name, y: new Float64Array(def.keys.length) });
      }
    }
  }
  for (const ch of channels.values()) {
    keyPoses.forEach((p, i) => { ch.y[i] = p[ch.role]?.[ch.angle] ?? 0; });
    ch.m = monotoneSlopes(times, ch.y);
  }
  const root = [0, 1, 2].map((k) => {
    const y = Float64Array.from(def.keys.map((key) => key.root?.[k] ?? 0));
    return { y, m: monotoneSlopes(times, y) };
  });
  const rotations = new Float32Array(F * J * 4);
  const rootTranslation = new Float32Array(F * 3);
  const roleIndex = new Map(skeleton.names.map((n, i) => [n, i]));
  for (let f = 0; f < F; f++) {
    const x = Math.min(duration, f / def.fps);
    const angles = new Map<JointRole, Record<string, number>>();
    for (const ch of channels.values()) {
      const a = angles.get(ch.role) ?? {};
      a[ch.angle] = hermite(times, ch.y, ch.m!, x);
      angles.set(ch.role, a);
    }
    for (let j = 0; j < J; j++) rotations[(f * J + j) * 4] = 1;
    for (const [role, a] of angles) {
      const q = anglesToQuat(role, a);
      rotations.set(q, (f * J + roleIndex.get(role)!) * 4);
    }
    for (let k = 0; k < 3; k++) rootTranslation[f * 3 + k] = hermite(times, root[k]!.y, root[k]!.m, x);
  }
  return { name: def.name, fps: def.fps, frameCount: F, jointNames: [...skeleton.names], rotations, rootTranslation };
}

/** Per-frame supporting foot of a sampled clip (0 left, 1 right, −1 decide), from the keys' `support`. */
export function clipSupport(def: ClipDef, frameCount: number): Int8Array {
  const out = new Int8Array(frameCount).fill(-1);
  let k = -1, cur = -1;
  for (let f = 0; f < frameCount; f++) {
    const t = f / def.fps;
    while (k + 1 < def.keys.length && def.keys[k + 1]!.t <= t + 1e-9) {
      k++;
      const s = def.keys[k]!.support;
      if (s !== undefined) cur = s === 'left' ? 0 : s === 'right' ? 1 : -1;
    }
    out[f] = cur;
  }
  return out;
}
