/**
 * What the photo does not show of the face and hands (issue #19):
 *  - A face turned away or down leaves the face texels unseen, and the fill then spreads hair and skin into a
 *    blank oval. When perception found no face mesh, or the unwrap saw less than FACE_FILL.minSeen of the face,
 *    the face is painted from the body model's own face: skin tone (matched to the skin the photo shows),
 *    eyes (white eyeballs with a dark iris where the body's eye joints look), brows above them and lips
 *    between the mouth-corner landmarks, all placed on the posed body, so they stay where the face is.
 *  - A hand the photo does not show (in a pocket, behind the back: BlazePose's hand keypoints unseen and no
 *    hand landmarks) is not sampled from the photo — the fitted hand lies over the dress or coat that covers
 *    it — but painted in the skin tone.
 */
import type { Perception } from '../perceive/index.js';
import { BODY_INDEX, type BodyKeypointName } from '../perceive/index.js';
import type { ArrayBodyModel } from '../body/index.js';
import { PART_INDEX } from '../body/index.js';

/** Constants of the face and hand painting. */
export const FACE_FILL = {
  /** Below this fraction of the face texels seen, the face is painted. */
  minSeen: 0.3,
  /** Confidence of painted texels (below the mirror's 0.3: they are a guess). */
  confidence: 0.15,
  /** Skin tone when the photo shows no skin (a medium tone). */
  defaultSkin: [0.78, 0.6, 0.5] as const,
  /** Radius of the iris disc on the eyeball (metres), and of the eye socket shading on the face. */
  irisRadius: 0.0065,
  socketRadius: 0.016,
  /** Brows: a band this far above the eye centre (metres) and this half-height/half-width. */
  browUp: 0.017, browHalfHeight: 0.0035, browHalfWidth: 0.02,
  /** Lips: within this distance of the segment between the mouth corners (metres). */
  lipRadius: 0.0055,
  /** A hand counts as unseen below this mean visibility of its BlazePose keypoints (with no hand landmarks). */
  handVisibility: 0.5,
  /**
   * Hands by colour (issue #19: BlazePose and the hand model report a hand in a pocket with confidence ≥ 0.5,
   * guessing where it is): a hand fewer than handSkinFraction of whose seen texels (at least handMinSamples)
   * look like skin takes the colour of what covers it, so it is painted in the skin tone like an unseen hand.
   * A texel looks like skin (skinLike) when it lies in a broad skin-chromaticity locus — r > g > b, r/(r+g+b) in
   * skinR, g/(r+g+b) in skinG, r+g+b above skinMinSum (not a pocket's shadow) — or near the seen face's own tone
   * (chromaticity within handChroma, brightness within handBrightness× of it). The face's tone alone was too
   * narrow on real photos (a face lit warmer than the hands: woman-red-dress-jump's bare, seen hands scored 0.04–0.09
   * and were painted); the locus alone misses tones outside it. Set by looking at the 21 real photos of bench:real
   * (hands seen vs. in a pocket or a sleeve; the skin-like fractions are in docs/texture.md), not fitted.
   */
  handChroma: 0.045, handBrightness: [0.45, 1.7] as const, handMinSamples: 20, handSkinFraction: 0.3,
  skinR: [0.36, 0.62] as const, skinG: [0.24, 0.37] as const, skinMinSum: 0.24,
  /**
   * A seen hand's own skin (handFill.ts) is also redder than green by this share of its brightness, (r − g)/(r + g + b): skin
   * measures 0.10–0.13 from pale to dark on the real photos (woman-stripes 0.87, 0.69, 0.59; man-coat-beard 0.64, 0.45, 0.40),
   * the grey olive of a sleeve the locus lets in 0.01.
   */
  handRedExcess: 0.05,
} as const;

/** The upper median of `a` (the element at index ⌊n/2⌋ once sorted): the skin tone's channels, a hand's brightness. */
export function median(a: readonly number[]): number {
  const b = a.slice().sort((x, y) => x - y);
  return b[b.length >> 1]!;
}

/**
 * Whether colour `rgb` looks like skin: in the broad skin-chromaticity locus, or near the tone `skin` seen on the
 * face (null: no face seen). FACE_FILL.skinR, skinG, skinMinSum, handChroma, handBrightness.
 */
export function skinLike(rgb: ArrayLike<number>, skin: ArrayLike<number> | null): boolean {
  const r = rgb[0]!, g = rgb[1]!, b = rgb[2]!;
  const s = r + g + b;
  if (s <= 1e-6) return false;
  const F = FACE_FILL;
  if (s > F.skinMinSum && r > g && g > b && r / s >= F.skinR[0] && r / s <= F.skinR[1] && g / s >= F.skinG[0] && g / s <= F.skinG[1]) return true;
  if (!skin) return false;
  const t = skin[0]! + skin[1]! + skin[2]!;
  if (t <= 1e-6) return false;
  const ratio = s / t;
  if (ratio < F.handBrightness[0] || ratio > F.handBrightness[1]) return false;
  return Math.hypot(r / s - skin[0]! / t, g / s - skin[1]! / t) <= F.handChroma;
}

/** Where the face's features are on the posed body (world, metres) and which way is up on the head. */
export interface FaceFeatures {
  eyes: Array<[number, number, number]>;
  mouth: [[number, number, number], [number, number, number]] | null;
  /** Unit vector: up on the head (neck → head top). */
  up: [number, number, number];
  /** Unit vector: the way the face looks. */
  forward: [number, number, number];
}

/** The face features of a posed body (posed joints J×3, vertices V×3). */
export function faceFeatures(body: ArrayBodyModel, vertices: ArrayLike<number>, joints: ArrayLike<number>): FaceFeatures {
  const names = body.skeleton.names;
  const joint = (n: string): [number, number, number] | null => {
    const j = names.indexOf(n);
    return j < 0 ? null : [joints[j * 3]!, joints[j * 3 + 1]!, joints[j * 3 + 2]!];
  };
  const landmark = (n: string): [number, number, number] | null => {
    const k = body.landmarkNames.indexOf(n);
    if (k < 0) return null;
    const r = body.landmarkRegressor;
    const p: [number, number, number] = [0, 0, 0];
    for (let e = r.offsets[k]!; e < r.offsets[k + 1]!; e++) for (let c = 0; c < 3; c++) p[c]! += r.weights[e]! * vertices[r.vertices[e]! * 3 + c]!;
    return p;
  };
  const eyes = [joint('eye_l'), joint('eye_r')].filter((e): e is [number, number, number] => e !== null);
  const ml = landmark('mouth_l'), mr = landmark('mouth_r');
  const top = landmark('head_top'), nose = landmark('nose'), head = joint('head');
  const norm = (v: number[]): [number, number, number] => { const n = Math.hypot(v[0]!, v[1]!, v[2]!) || 1; return [v[0]! / n, v[1]! / n, v[2]! / n]; };
  const up = top && head ? norm([top[0] - head[0], top[1] - head[1], top[2] - head[2]]) : [0, 1, 0] as [number, number, number];
  const eyeMid = eyes.length === 2 ? eyes.reduce((s, e) => [s[0]! + e[0] / 2, s[1]! + e[1] / 2, s[2]! + e[2] / 2], [0, 0, 0]) : head ?? [0, 0, 0];
  let forward: [number, number, number] = nose ? norm([nose[0] - eyeMid[0]!, nose[1] - eyeMid[1]!, nose[2] - eyeMid[2]!]) : [0, 0, 1];
  // remove the up component (the nose tip lies below the eyes)
  const d = forward[0] * up[0] + forward[1] * up[1] + forward[2] * up[2];
  forward = norm([forward[0] - d * up[0], forward[1] - d * up[1], forward[2] - d * up[2]]);
  return { eyes, mouth: ml && mr ? [ml, mr] : null, up: up as [number, number, number], forward };
}

/** True when the photo shows the face well enough to use its colours (else the face is painted). */
export function faceSeenInPhoto(p: Perception | null, seenFraction: number): boolean {
  if (p && p.face === null) return false;
  return seenFraction >= FACE_FILL.minSeen;
}

/** Body parts (PART_INDEX) of the hands the photo does not show. */
export function unseenHands(p: Perception | null): number[] {
  if (!p) return [];
  const out: number[] = [];
  for (const side of ['left', 'right'] as const) {
    if (p.hands?.[side]) continue;
    const names: BodyKeypointName[] = [`${side}Wrist`, `${side}Pinky`, `${side}Index`, `${side}Thumb`];
    const vis = names.reduce((s, n) => s + (p.body.keypoints[BODY_INDEX[n]]?.[2] ?? 0), 0) / names.length;
    if (vis < FACE_FILL.handVisibility) out.push(side === 'left' ? PART_INDEX.leftHand : PART_INDEX.rightHand);
  }
  return out;
}

/**
 * The colour of the body model's own face at surface point x (world) of part `part` (face or eyes), given the
 * skin tone and hair colour: eyeballs white with a dark iris looking forward; on the face, darker sockets
 * around the eyes, brows above them and lips between the mouth corners.
 */
export function paintedFaceColour(f: FaceFeatures, part: number, x: number, y: number, z: number, skin: readonly number[], hair: readonly number[] | null): [number, number, number] {
  const brow = hair ?? skin.map((c) => c * 0.45);
  let nearestEye: [number, number, number] | null = null, de = Infinity;
  for (const e of f.eyes) { const d = Math.hypot(x - e[0], y - e[1], z - e[2]); if (d < de) { de = d; nearestEye = e; } }
  if (part === PART_INDEX.eyes && nearestEye) {
    // distance from the eyeball's forward pole, measured across the surface direction
    const v = [x - nearestEye[0], y - nearestEye[1], z - nearestEye[2]];
    const along = v[0]! * f.forward[0] + v[1]! * f.forward[1] + v[2]! * f.forward[2];
    const across = Math.sqrt(Math.max(0, v[0]! ** 2 + v[1]! ** 2 + v[2]! ** 2 - along * along));
    if (along > 0 && across < FACE_FILL.irisRadius * 0.45) return [0.05, 0.04, 0.04]; // pupil
    if (along > 0 && across < FACE_FILL.irisRadius) return [0.25, 0.17, 0.1]; // iris
    return [0.92, 0.9, 0.88];
  }
  if (nearestEye) {
    const v = [x - nearestEye[0], y - nearestEye[1], z - nearestEye[2]];
    const up = v[0]! * f.up[0] + v[1]! * f.up[1] + v[2]! * f.up[2];
    const side = Math.sqrt(Math.max(0, v[0]! ** 2 + v[1]! ** 2 + v[2]! ** 2 - up * up));
    if (Math.abs(up - FACE_FILL.browUp) < FACE_FILL.browHalfHeight && side < FACE_FILL.browHalfWidth) return [brow[0]!, brow[1]!, brow[2]!];
    if (de < FACE_FILL.socketRadius) { const k = 0.85 + 0.15 * (de / FACE_FILL.socketRadius); return [skin[0]! * k, skin[1]! * k, skin[2]! * k]; }
  }
  if (f.mouth) {
    const [a, b] = f.mouth;
    const ab = [b[0] - a[0], b[1] - a[1], b[2] - a[2]], l2 = ab[0]! ** 2 + ab[1]! ** 2 + ab[2]! ** 2;
    const t = l2 > 0 ? Math.max(0, Math.min(1, ((x - a[0]) * ab[0]! + (y - a[1]) * ab[1]! + (z - a[2]) * ab[2]!) / l2)) : 0;
    // distance to the corner-to-corner segment across the face (the lips bulge forward of that segment:
    // the forward component is ignored), on the front of the face only
    const r = [x - a[0] - t * ab[0]!, y - a[1] - t * ab[1]!, z - a[2] - t * ab[2]!];
    const fwd = r[0]! * f.forward[0] + r[1]! * f.forward[1] + r[2]! * f.forward[2];
    const d = Math.sqrt(Math.max(0, r[0]! ** 2 + r[1]! ** 2 + r[2]! ** 2 - fwd * fwd));
    if (d < FACE_FILL.lipRadius && fwd > -0.005) return [skin[0]! * 0.8, skin[1]! * 0.5, skin[2]! * 0.5];
  }
  return [skin[0]!, skin[1]!, skin[2]!];
}
