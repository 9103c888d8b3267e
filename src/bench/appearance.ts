/**
 * Procedural appearance of synthetic subjects: clothing, skin, hair and face features defined
 * as functions of the REST-pose surface point (metres, Y up, facing +Z) and the subject's rest
 * joints, then baked into the body's UV texture (OBJ v-up) with the render room's UV-space
 * rasterizer. Regions (sleeves, hems, necklines, hairline, brows) are placed relative to
 * named joints, so they follow every body shape.
 */
import { HM08_LIPS_UV } from '../body/index.js';
import { PersonaError } from '../core/errors.js';
import { createImage, type FloatImage } from '../core/image.js';
import { Rng } from '../core/rng.js';
import { PART_INDEX } from '../body/index.js';
import { dilateTexture, rasterizeUvSpace } from '../render/index.js';

/** Linear-ish display RGB in [0,1]. */
export type RGB = [number, number, number];

/** A cloth pattern evaluated in rest space (periods in metres). */
export type Pattern =
  | { kind: 'solid'; color: RGB }
  | { kind: 'stripes'; colors: [RGB, RGB]; period: number; direction: 'horizontal' | 'vertical' | 'diagonal'; duty?: number }
  | { kind: 'checks'; colors: [RGB, RGB]; period: number }
  | { kind: 'plaid'; base: RGB; bands: RGB; lines: RGB; period: number }
  | { kind: 'dots'; base: RGB; dot: RGB; period: number; radius: number }
  | { kind: 'denim'; color: RGB };

/** A subject's look. */
export interface Appearance {
  skin: RGB;
  hair: RGB;
  hairStyle: 'short' | 'long' | 'buzz' | 'bob';
  iris: RGB;
  lips: RGB;
  /** Top garment: sleeve length and neckline. */
  top: { kind: 'tshirt' | 'longsleeve' | 'tank'; neck: 'round' | 'v'; pattern: Pattern };
  /** Bottom garment. A 'skirt' also adds the skirt garment mesh (see garments.ts). */
  bottom: { kind: 'trousers' | 'shorts' | 'capri' | 'skirt'; pattern: Pattern; legs?: RGB };
  shoes: RGB;
  /** Brow offset upwards (metres, default 0) and thickness scale (default 1): face-detail variants. */
  browLift?: number;
  browScale?: number;
}

/** Material classes (labels of the material map; index = value). */
export const MATERIALS = ['skin', 'hair', 'top', 'bottom', 'shoes', 'eyes', 'lips', 'brows', 'skirt'] as const;
export type Material = (typeof MATERIALS)[number];
const M: Record<Material, number> = Object.fromEntries(MATERIALS.map((m, i) => [m, i])) as Record<Material, number>;

/**
 * Constants of the appearance model. UV figures were measured on MakeHuman's CC0 skin-blend
 * masks (`mpfb2/textures/mpfb_lips.jpg`, 2048²; bounding box of the mask > 50 %): the lips occupy
 * u ∈ [0.8945, 0.9243], v ∈ [0.4629, 0.5034] of the HM08 UV layout (the face is laid out
 * sideways: u runs down the face, v across it).
 */
export const APPEARANCE_CONFIG = {
  /** Where the lips are painted: the template's own lips (src/body/keypointAnchors.ts). */
  lipsUv: HM08_LIPS_UV,
  /** Half-thickness of the dark line between the lips, in u. */
  mouthLineHalfU: 0.0016,
  /** Eyeball radius of the HM08 helper eyes is about 12 mm; pupil/iris as angles from the gaze axis. */
  pupilAngle: 0.2,
  irisAngle: 0.45,
  /** Brow: height above the eye centre, half length and half thickness (metres). */
  brow: { above: 0.021, halfLength: 0.022, halfThickness: 0.0035 },
  /** Dark lid line ring around the eye opening (metres from the eyeball centre). */
  lidRing: { inner: 0.0125, outer: 0.0155 },
  /** Default texture size (texels per side). */
  textureSize: 1024,
  /** Seam padding (texels). */
  dilation: 6,
} as const;

/** Rest-pose landmarks of one subject (metres), taken from the model's rest joints. */
export interface RestLandmarks {
  joint(name: string): [number, number, number];
}

/** Makes landmarks from rest joints (J×3) and joint names. */
export function restLandmarks(names: string[], joints: ArrayLike<number>): RestLandmarks {
  const index = new Map(names.map((n, i) => [n, i]));
  return {
    joint(name: string): [number, number, number] {
      const j = index.get(name);
      if (j === undefined) throw new PersonaError(`appearance: the body model has no joint '${name}'`, { hint: 'Synthetic subjects need the MakeHuman (game_engine) skeleton.' });
      return [joints[j * 3]!, joints[j * 3 + 1]!, joints[j * 3 + 2]!];
    },
  };
}

function mix(a: RGB, b: RGB, t: number, out: number[]): void {
  out[0] = a[0] + (b[0] - a[0]) * t; out[1] = a[1] + (b[1] - a[1]) * t; out[2] = a[2] + (b[2] - a[2]) * t;
}
function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}
/** Cheap smooth value noise in 3D (deterministic, seeded by a hash). */
function hash3(x: number, y: number, z: number, seed: number): number {
  let h = Math.imul(x | 0, 374761393) ^ Math.imul(y | 0, 668265263) ^ Math.imul(z | 0, 2147483647) ^ Math.imul(seed, 144665);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}
/** Smooth value noise in [0,1] (trilinear-smoothstep over hashed lattice values). */
export function valueNoise(x: number, y: number, z: number, seed: number): number {
  const xi = Math.floor(x), yi = Math.floor(y), zi = Math.floor(z);
  const fx = x - xi, fy = y - yi, fz = z - zi;
  const sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy), sz = fz * fz * (3 - 2 * fz);
  let v = 0;
  for (let c = 0; c < 8; c++) {
    const dx = c & 1, dy = (c >> 1) & 1, dz = (c >> 2) & 1;
    const w = (dx ? sx : 1 - sx) * (dy ? sy : 1 - sy) * (dz ? sz : 1 - sz);
    v += w * hash3(xi + dx, yi + dy, zi + dz, seed);
  }
  return v;
}

/** Evaluates a pattern at rest point p → out (RGB). */
export function evaluatePattern(pattern: Pattern, p: ArrayLike<number>, out: number[]): void {
  const x = p[0]!, y = p[1]!, z = p[2]!;
  switch (pattern.kind) {
    case 'solid':
      out[0] = pattern.color[0]; out[1] = pattern.color[1]; out[2] = pattern.color[2];
      return;
    case 'stripes': {
      const coord = pattern.direction === 'horizontal' ? y : pattern.direction === 'vertical' ? Math.atan2(x, z) * 0.15 : (y + x) * 0.7071;
      const f = ((coord / pattern.period) % 1 + 1) % 1;
      const duty = pattern.duty ?? 0.5;
      // Soft edges (2 % of the period) keep the texture band-limited.
      const t = smoothstep(0, 0.02, f) * (1 - smoothstep(duty, duty + 0.02, f));
      mix(pattern.colors[0], pattern.colors[1], t, out);
      return;
    }
    case 'checks': {
      const k = Math.floor(x / pattern.period) + Math.floor(y / pattern.period) + Math.floor(z / pattern.period);
      const c = pattern.colors[((k % 2) + 2) % 2]!;
      out[0] = c[0]; out[1] = c[1]; out[2] = c[2];
      return;
    }
    case 'plaid': {
      const P = pattern.period;
      const band = (v: number) => { const f = ((v / P) % 1 + 1) % 1; return f < 0.3 ? 1 : 0; };
      const line = (v: number) => { const f = ((v / P) % 1 + 1) % 1; return Math.abs(f - 0.65) < 0.04 ? 1 : 0; };
      const horiz = Math.atan2(x, z) * 0.15 + x * 0.3;
      const b = (band(y) + band(horiz)) / 2, l = Math.max(line(y), line(horiz));
      mix(pattern.base, pattern.bands, b, out);
      if (l) mix([out[0]!, out[1]!, out[2]!], pattern.lines, 0.85, out);
      return;
    }
    case 'dots': {
      const P = pattern.period;
      const u = Math.atan2(x, z) * 0.15 + x * 0.3, v = y;
      const row = Math.floor(v / P), shift = (row % 2) * 0.5 * P;
      const du = (((u + shift) % P) + P) % P - P / 2, dv = (((v % P) + P) % P) - P / 2;
      const inside = Math.hypot(du, dv) < pattern.radius ? 1 : 0;
      mix(pattern.base, pattern.dot, inside, out);
      return;
    }
    case 'denim': {
      // Twill: fine diagonal ribs plus slow fading noise.
      const rib = 0.5 + 0.5 * Math.sin((x + y * 1.7 + z) * 900);
      const fade = valueNoise(x * 12, y * 6, z * 12, 17);
      const k = 0.82 + 0.1 * rib + 0.22 * (fade - 0.5);
      out[0] = pattern.color[0] * k; out[1] = pattern.color[1] * k; out[2] = pattern.color[2] * k;
      return;
    }
  }
}

/** Inputs of {@link materialAt} that do not change per texel. */
export interface AppearanceContext {
  appearance: Appearance;
  landmarks: RestLandmarks;
  seed: number;
}

/** Parameter s ∈ [0, 2] of point p along the polyline a→b→c (0 at a, 1 at b, 2 at c). */
function chainParam(p: ArrayLike<number>, a: number[], b: number[], c: number[]): number {
  const seg = (s: number[], e: number[]): [number, number] => {
    const dx = e[0]! - s[0]!, dy = e[1]! - s[1]!, dz = e[2]! - s[2]!;
    const l2 = dx * dx + dy * dy + dz * dz;
    const t = Math.min(1, Math.max(0, ((p[0]! - s[0]!) * dx + (p[1]! - s[1]!) * dy + (p[2]! - s[2]!) * dz) / l2));
    const d = Math.hypot(p[0]! - s[0]! - t * dx, p[1]! - s[1]! - t * dy, p[2]! - s[2]! - t * dz);
    return [t, d];
  };
  const [t1, d1] = seg(a, b), [t2, d2] = seg(b, c);
  // Unclamped start: points above the first joint get s < 0.
  if (d1 <= d2) {
    if (t1 === 0) {
      const dx = b[0]! - a[0]!, dy = b[1]! - a[1]!, dz = b[2]! - a[2]!;
      return ((p[0]! - a[0]!) * dx + (p[1]! - a[1]!) * dy + (p[2]! - a[2]!) * dz) / (dx * dx + dy * dy + dz * dz);
    }
    return t1;
  }
  return 1 + t2;
}

/**
 * Colour and material class of the rest surface point `p` with body part `part` and body UV
 * (u, v). Writes RGB into `out`; returns the MATERIALS index.
 */
export function materialAt(ctx: AppearanceContext, p: ArrayLike<number>, part: number, u: number, v: number, out: number[]): number {
  const A = ctx.appearance, L = ctx.landmarks;
  const x = p[0]!, y = p[1]!, z = p[2]!;
  const skinTone = (): number => {
    const n = valueNoise(x * 25, y * 25, z * 25, ctx.seed) - 0.5;
    const k = 1 + 0.06 * n;
    out[0] = A.skin[0] * k; out[1] = A.skin[1] * k; out[2] = A.skin[2] * k;
    return M.skin;
  };
  const hair = (): number => {
    const n = valueNoise(x * 400, y * 30, z * 400, ctx.seed + 1);
    const k = 0.8 + 0.35 * n;
    out[0] = A.hair[0] * k; out[1] = A.hair[1] * k; out[2] = A.hair[2] * k;
    return M.hair;
  };
  // ---- eyes ----
  if (part === PART_INDEX.eyes) {
    const e = L.joint(x > 0 ? 'eye_l' : 'eye_r');
    const dx = x - e[0], dy = y - e[1], dz = z - e[2];
    const ang = Math.acos(Math.max(-1, Math.min(1, dz / (Math.hypot(dx, dy, dz) || 1))));
    if (ang < APPEARANCE_CONFIG.pupilAngle) { out[0] = 0.03; out[1] = 0.03; out[2] = 0.03; }
    else if (ang < APPEARANCE_CONFIG.irisAngle) {
      const ring = smoothstep(APPEARANCE_CONFIG.irisAngle - 0.08, APPEARANCE_CONFIG.irisAngle, ang);
      mix(A.iris, [0.08, 0.06, 0.05], ring * 0.8, out);
    } else { out[0] = 0.93; out[1] = 0.91; out[2] = 0.88; }
    return M.eyes;
  }
  const eyeL = L.joint('eye_l'), eyeR = L.joint('eye_r');
  const neck = L.joint('neck_01'), head = L.joint('head'), top = L.joint('head_top');
  const isHead = part === PART_INDEX.head || part === PART_INDEX.face;
  // ---- face features ----
  if (isHead) {
    const lu = (u - APPEARANCE_CONFIG.lipsUv.u) / APPEARANCE_CONFIG.lipsUv.halfU;
    const lv = (v - APPEARANCE_CONFIG.lipsUv.v) / APPEARANCE_CONFIG.lipsUv.halfV;
    if (lu * lu + lv * lv < 1) {
      if (Math.abs(u - APPEARANCE_CONFIG.lipsUv.u) < APPEARANCE_CONFIG.mouthLineHalfU * (1 - 0.5 * lv * lv)) { out[0] = 0.25; out[1] = 0.08; out[2] = 0.08; }
      else { const k = 1 - 0.15 * (lu * lu + lv * lv); out[0] = A.lips[0] * k; out[1] = A.lips[1] * k; out[2] = A.lips[2] * k; }
      return M.lips;
    }
    for (const e of [eyeL, eyeR]) {
      if (z < e[2] - 0.005) continue;
      const side = Math.sign(e[0]) || 1;
      const dx = (x - e[0]) * side; // positive towards the temple
      const arch = APPEARANCE_CONFIG.brow.above + (A.browLift ?? 0) + 0.005 * (1 - (dx / APPEARANCE_CONFIG.brow.halfLength) ** 2) - 0.002 * (dx / APPEARANCE_CONFIG.brow.halfLength);
      const thick = (A.browScale ?? 1) * APPEARANCE_CONFIG.brow.halfThickness * (1 - 0.45 * Math.max(0, dx / APPEARANCE_CONFIG.brow.halfLength));
      if (Math.abs(dx + 0.002) < APPEARANCE_CONFIG.brow.halfLength && Math.abs(y - e[1] - arch) < thick) {
        const c: RGB = [A.hair[0] * 0.7, A.hair[1] * 0.7, A.hair[2] * 0.7];
        out[0] = c[0]; out[1] = c[1]; out[2] = c[2];
        return M.brows;
      }
      const r = Math.hypot(x - e[0], y - e[1], z - e[2]);
      if (r > APPEARANCE_CONFIG.lidRing.inner && r < APPEARANCE_CONFIG.lidRing.outer && z > e[2] + 0.004) {
        skinTone();
        out[0]! *= 0.45; out[1]! *= 0.4; out[2]! *= 0.4;
        return M.skin;
      }
    }
  }
  // ---- hair on the scalp ----
  if (isHead) {
    const hc = [head[0], (head[1] + top[1]) / 2, head[2] - 0.01];
    const dx = x - hc[0]!, dy = y - hc[1]!, dz = z - hc[2]!;
    const n = Math.hypot(dx, dy, dz) || 1;
    const front = dz / n; // 1 at the face, −1 at the back
    const eyeY = eyeL[1];
    // Hairline height: forehead in front, above the ears on the sides, lower at the back.
    const side = Math.abs(dx / n);
    let line = front > 0.35 ? eyeY + 0.055 - 0.01 * side : front > -0.2 ? eyeY + 0.02 - 0.02 * side : eyeY - 0.03 + 0.0 * side;
    if (A.hairStyle === 'bob' || A.hairStyle === 'long') line = front > 0.35 ? eyeY + 0.05 : front > -0.2 ? eyeY - 0.005 : neck[1] + 0.03;
    if (A.hairStyle === 'buzz') line += 0.012;
    // Soft, wavy hairline.
    line += 0.006 * Math.sin(Math.atan2(dx, dz) * 9);
    if (y > line && (part === PART_INDEX.head || y > eyeY + 0.045)) {
      if (A.hairStyle === 'buzz') {
        hair();
        // Short hair lets skin show through.
        const s = [0, 0, 0];
        const keep = [out[0]!, out[1]!, out[2]!];
        skinTone(); s[0] = out[0]!; s[1] = out[1]!; s[2] = out[2]!;
        out[0] = keep[0]! * 0.75 + s[0]! * 0.25; out[1] = keep[1]! * 0.75 + s[1]! * 0.25; out[2] = keep[2]! * 0.75 + s[2]! * 0.25;
        return M.hair;
      }
      return hair();
    }
  }
  // Long hair falls on the upper back.
  if (A.hairStyle === 'long' && part === PART_INDEX.torso && z < neck[2] - 0.02) {
    const shoulderY = L.joint('upperarm_l')[1];
    const w = 0.11 - 0.02 * Math.cos(x * 40);
    if (Math.abs(x) < w && y > shoulderY - 0.16 + 0.02 * Math.sin(x * 60)) return hair();
  }
  if (isHead) return skinTone();
  // ---- shoes ----
  // The shoe's top edge is a clean height line (not the part-label boundary): just below the
  // 2.5 cm above the ankle joint (trousers end just below it).
  const isFoot = part === PART_INDEX.leftFoot || part === PART_INDEX.rightFoot;
  const isLowerLeg = part === PART_INDEX.leftLowerLeg || part === PART_INDEX.rightLowerLeg;
  const shoeTop = L.joint(x > 0 ? 'foot_l' : 'foot_r')[1] + 0.025;
  if (isFoot && y > shoeTop) {
    const s = x > 0 ? 'l' : 'r';
    return bottomOrLegs(ctx, p, out, chainParam(p, L.joint(`thigh_${s}`), L.joint(`calf_${s}`), L.joint(`foot_${s}`)));
  }
  if (isFoot || (isLowerLeg && y <= shoeTop)) {
    const ankle = L.joint(x > 0 ? 'foot_l' : 'foot_r');
    const ball = L.joint(x > 0 ? 'ball_l' : 'ball_r');
    const sole = y < ball[1] + 0.002;
    const c = sole ? [0.92, 0.92, 0.9] : A.shoes;
    out[0] = c[0]!; out[1] = c[1]!; out[2] = c[2]!;
    // Laces: a few dark bars on the instep.
    if (!sole && z > ankle[2] + 0.04 && z < ball[2] - 0.01 && y > ball[1] + 0.035 && Math.abs(x - (ankle[0] + ball[0]) / 2) < 0.018 && Math.sin(z * 400) > 0.6) {
      out[0] = 0.95; out[1] = 0.95; out[2] = 0.95;
    }
    return M.shoes;
  }
  if (part === PART_INDEX.leftHand || part === PART_INDEX.rightHand) return skinTone();
  // ---- arms: sleeves ----
  const isArm = part === PART_INDEX.leftUpperArm || part === PART_INDEX.rightUpperArm || part === PART_INDEX.leftForearm || part === PART_INDEX.rightForearm;
  if (isArm) {
    const s = x > 0 ? 'l' : 'r';
    const t = chainParam(p, L.joint(`upperarm_${s}`), L.joint(`lowerarm_${s}`), L.joint(`hand_${s}`));
    const limit = A.top.kind === 'tshirt' ? 0.5 : A.top.kind === 'longsleeve' ? 1.9 : -1;
    if (t < limit) return topAt(ctx, p, out, t > limit - 0.06);
    return skinTone();
  }
  const isLeg = part >= PART_INDEX.leftUpperLeg && part <= PART_INDEX.rightLowerLeg;
  if (isLeg) {
    const s = x > 0 ? 'l' : 'r';
    const t = chainParam(p, L.joint(`thigh_${s}`), L.joint(`calf_${s}`), L.joint(`foot_${s}`));
    return bottomOrLegs(ctx, p, out, t);
  }
  // ---- torso ----
  const waist = L.joint('spine_01')[1] + 0.01;
  if (y < waist) return bottomOrLegs(ctx, p, out, -1);
  if (A.top.kind === 'tank') {
    const sh = L.joint('upperarm_l');
    if (Math.abs(x) > sh[0] * 0.62 && y > sh[1] - 0.09) return skinTone();
  }
  // Neckline.
  const frontness = smoothstep(neck[2] - 0.02, neck[2] + 0.06, z);
  let neckDrop = 0.045 + 0.035 * frontness;
  if (A.top.kind === 'tank') neckDrop += 0.04 * frontness;
  if (A.top.neck === 'v') neckDrop += 0.09 * frontness * Math.max(0, 1 - Math.abs(x) / 0.07);
  // Inside the neck opening: skin above the neckline height, within the opening's radius
  // around the neck axis (so the shoulders stay covered).
  const opening = (A.top.kind === 'tank' ? 0.1 : 0.075) + 0.02 * frontness;
  const radial = Math.hypot(x - neck[0], (z - neck[2]) * 1.2);
  const lineY = neck[1] - neckDrop + Math.max(0, radial - opening) * 3;
  if (y > lineY) {
    // Tank-top straps over the shoulders.
    const ax = Math.abs(x - neck[0]);
    if (A.top.kind === 'tank' && ax > 0.05 && ax < 0.082 && y < neck[1] + 0.01) return topAt(ctx, p, out, false);
    return skinTone();
  }
  return topAt(ctx, p, out, y < waist + 0.025 || y > lineY - 0.012);
}

function topAt(ctx: AppearanceContext, p: ArrayLike<number>, out: number[], hem: boolean): number {
  evaluatePattern(ctx.appearance.top.pattern, p, out);
  if (hem) { out[0]! *= 0.85; out[1]! *= 0.85; out[2]! *= 0.85; }
  return M.top;
}

/** Legs and hips: trousers/shorts to their length (`t` along hip→knee→ankle), else bare legs or tights. */
function bottomOrLegs(ctx: AppearanceContext, p: ArrayLike<number>, out: number[], t: number): number {
  const A = ctx.appearance;
  const length = A.bottom.kind === 'trousers' ? 1.98 : A.bottom.kind === 'capri' ? 1.45 : A.bottom.kind === 'shorts' ? 0.55 : 0.25;
  if (t < length) {
    evaluatePattern(A.bottom.pattern, p, out);
    if (t > length - 0.04) { out[0]! *= 0.8; out[1]! *= 0.8; out[2]! *= 0.8; }
    // A waistband just below the waist on the torso.
    return M.bottom;
  }
  const legs = A.bottom.legs;
  if (legs) { out[0] = legs[0]; out[1] = legs[1]; out[2] = legs[2]; return M.bottom; }
  const n = valueNoise(p[0]! * 25, p[1]! * 25, p[2]! * 25, ctx.seed) - 0.5;
  const k = 1 + 0.06 * n;
  out[0] = A.skin[0] * k; out[1] = A.skin[1] * k; out[2] = A.skin[2] * k;
  return M.skin;
}

/** A baked UV texture and its material map. */
export interface BakedTexture {
  /** RGB texture, v up (row 0 = v 1). */
  texture: FloatImage;
  /** H×W material index per texel (MATERIALS), 255 where no triangle maps. */
  materials: Uint8Array;
}

/**
 * Bakes `materialAt` over the body UV layout: each texel's triangle and barycentrics give its
 * rest point, part (nearest corner) and UV; islands are padded by dilation.
 */
export function bakeAppearance(
  ctx: AppearanceContext,
  rest: ArrayLike<number>,
  triangles: Uint32Array,
  cornerUvs: Float32Array,
  partLabels: ArrayLike<number>,
  size: number = APPEARANCE_CONFIG.textureSize,
): BakedTexture {
  const r = rasterizeUvSpace(cornerUvs, size, size);
  const texture = createImage(size, size, 3, 0.5);
  const materials = new Uint8Array(size * size).fill(255);
  const mask = new Uint8Array(size * size);
  const p = [0, 0, 0], out = [0, 0, 0];
  for (let i = 0; i < size * size; i++) {
    const tri = r.triangleId[i]!;
    if (tri < 0) continue;
    const b0 = r.bary[i * 3]!, b1 = r.bary[i * 3 + 1]!, b2 = r.bary[i * 3 + 2]!;
    const v0 = triangles[tri * 3]!, v1 = triangles[tri * 3 + 1]!, v2 = triangles[tri * 3 + 2]!;
    for (let c = 0; c < 3; c++) p[c] = b0 * rest[v0 * 3 + c]! + b1 * rest[v1 * 3 + c]! + b2 * rest[v2 * 3 + c]!;
    const corner = b0 >= b1 && b0 >= b2 ? v0 : b1 >= b2 ? v1 : v2;
    const o = tri * 6;
    const u = b0 * cornerUvs[o]! + b1 * cornerUvs[o + 2]! + b2 * cornerUvs[o + 4]!;
    const v = b0 * cornerUvs[o + 1]! + b1 * cornerUvs[o + 3]! + b2 * cornerUvs[o + 5]!;
    materials[i] = materialAt(ctx, p, partLabels[corner]!, u, v, out);
    texture.data[i * 3] = out[0]!; texture.data[i * 3 + 1] = out[1]!; texture.data[i * 3 + 2] = out[2]!;
    mask[i] = 1;
  }
  dilateTexture(texture, mask, APPEARANCE_CONFIG.dilation);
  return { texture, materials };
}

/** A seeded random variation of an RGB colour (±amount per channel). */
export function jitterColor(rng: Rng, c: RGB, amount: number): RGB {
  return [0, 1, 2].map((i) => Math.min(1, Math.max(0, c[i]! + rng.uniform(-amount, amount)))) as RGB;
}
