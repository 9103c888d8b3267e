/**
 * Texture unwrap: the photo's pixels carried onto the body's UV map through the fitted mesh, with a
 * confidence (visibility) map, and a documented fill for what the photo does not see:
 *  1. Visible texels (the fitted mesh's surface seen at that pixel, inside the matte eroded by
 *     UNWRAP.edgeErosionPx so that silhouette pixels — half background, and where a matte or a fit is
 *     least exact — are never sampled): the photo colour; confidence = facing ratio (cosine between the
 *     surface normal and the view ray; grazing texels below UNWRAP.minFacing count as unseen and fall to rule 2) —
 *     PERSONA's unwrap also keeps only the surface the camera sees (PERSONA_RELEASE preprocess/main/unwrap.py).
 *  2. Occluded texels whose projection lands inside the matte (the back and sides behind the visible
 *     surface) behind a surface of the same limb group (torso, head, each arm, leg and hand — not an arm in
 *     front of the torso, not a matte pixel that the body does not cover): the colour of the front
 *     surface at the same pixel — a front-to-back mirror of clothing,
 *     which is what a person's back most often looks like — except on the head, where the front would put a
 *     face on the back of the head: there we use the mean colour of the visible scalp (hair): the head
 *     texels in the top UNWRAP.scalpFraction of the head's height, seen at a facing ratio above 0.3; and on
 *     the torso where the front's centre is not the garment that wraps around (an open jacket's shirt, a
 *     print, a V-neck's skin): where the torso's left and right sides (seen below UNWRAP.sideFacingMax) agree
 *     at a height and the mirrored colour is not alike them, the back takes the sides' colour (sideColours.ts; where they
 *     are a hue apart and the front's centre is like one of them, the other: an open garment).
 *  3. A seen hand: its texels that do not look like skin and its unseen side, from its own skin texels (handFill.ts).
 *  4. Everything else: push–pull fill (fill.ts), which also blends across UV seams.
 */
import type { Camera } from '../core/camera.js';
import { cameraCentre, projectPoint } from '../core/camera.js';
import type { FloatImage } from '../core/image.js';
import { createImage, sampleBilinear } from '../core/image.js';
import { rasterizeMesh, computeVertexNormals, rasterizeUvSpace } from '../render/index.js';
import { BODY_PARTS, PART_INDEX } from '../body/index.js';
import { bodySpaceFill, pushPullFill } from './fill.js';
import { FACE_FILL, median, paintedFaceColour, skinLike, type FaceFeatures } from './face.js';
import { SideColours, sideFrame } from './sideColours.js';
import { fillHandFromItsSkin } from './handFill.js';

/** Constants of the unwrap (see the module comment). */
export const UNWRAP = {
  /** Texels whose surface point is farther than this behind the visible surface are occluded (metres). */
  depthTolerance: 0.015,
  /** Confidence given to mirrored (rule 2) texels. */
  mirrorConfidence: 0.3,
  /** Confidence given to scalp-colour (rule 2, head) texels. */
  hairConfidence: 0.2,
  /** Minimum facing ratio for a texel to count as seen (below: a stretched grazing colour, kept at the mirror confidence). */
  minFacing: 0.2,
  /** The matte is eroded by this many pixels before sampling (silhouette pixels mix in the background). */
  edgeErosionPx: 2,
  /** The scalp colour (hair) is taken from the top this fraction of the head's height. */
  scalpFraction: 0.3,
  /** There the texels are split in two groups of colour (2-means, this many iterations), and the group lying higher on the head is
   * the hair when it holds at least `scalpHairMinShare` of them: the top 30 % of a man's head with short hair is half forehead, and
   * the mean of all of it put synthetic dev's black hair at 0.44, 0.31, 0.23 on the back of his head, nearer his skin than his
   * hair. (Chosen by height, not by distance from the skin tone: a face in sunglasses and a beard gave man-suit-street a dark skin
   * tone, and his lit forehead was the group farther from it.) */
  scalpClusterIterations: 8,
  scalpHairMinShare: 0.2,
  /** Torso texels seen at a facing ratio below this are its sides (the garment wrapping around to the back; rule 2). */
  sideFacingMax: 0.65,
  /** Side colours are binned by height, and the back cut into cells, of this size (metres; about a hand's width). */
  sideBinMetres: 0.04,
  /** The sides' colours are pooled over ±2 bins (16–20 cm, more than a stripe's period) of a back cell's height, and must
   * hold 8 texels a side. */
  sideSearchBins: 2,
  sideMinTexels: 8,
  /** Another colour than the sides': chromaticity farther than 0.06, or brightness outside [0.55, 1/0.55] of theirs (a
   * side seen at grazing light is darker, not another hue; a white shirt under a dark jacket is 3–5× brighter), and
   * beyond 2.5 spreads of the sides' own colours (a pattern's spread keeps its mirror). */
  sideChroma: 0.06,
  sideShade: 0.55,
  sideSpread: 2.5,
  /** Where the two sides disagree, the back takes its own side's colour only between these fractions of the torso's height
   * from its top: the shoulders' sides take in the neck's skin and the arms (the synthetic ben's plaid collar turned
   * skin-pink), the hips' sides the trousers' waistband or the skin between top and trousers (a blue band across
   * man-tee-cluttered's white T-shirt, a skin patch on woman-stripes' lower back). */
  sideOwnBelow: 0.25,
  sideOwnAbove: 0.75,
  /** Where the sides are a hue apart and the front's centre is like one of them, the back takes the other (sideColours.ts:
   * an open garment whose flap on one side flies off the body). */
  openGarment: true,
  /** On the proxy's clothing over the legs (hangingBack.ts) a side vertex also lies at least this share of the garment's
   * half-width at its height from its centre: a skirt's front turns from the camera at the waist and the hem, and counted as
   * sides there, a white strip down its front spread their colours so that its mirror stayed (chloe with the strip, white back
   * vertices 311 → 170 without this test, → 32 with it at 0.6; woman-green-coat 173 → 531 vertices taking the sides' colour). */
  hangingSideOuter: 0.6,
  /** The photo's hand can lie this far (metres) from the fitted one (a hand on the hip or the lap, a few centimetres off): torso
   * sides seen there are not the sides' colour, and body texels seen there that look like skin (face.ts `skinLike`) are the hand,
   * not the body — left to the fill, which gives them their neighbours' colour (bare skin beside the hand takes the skin around
   * it). man-hoodie-sitting's hand on his lap printed itself on his thighs and groin, and every proxy vertex under the hoodie
   * that takes the body's texel there (the seat, the hips' back: 600 vertices) came out skin-coloured. */
  handPrintReach: 0.06,
} as const;

/** Inputs of the unwrap. */
export interface UnwrapInput {
  /** V×3 body vertices posed as in the photo (world). */
  posedVertices: Float32Array;
  triangles: Uint32Array;
  /** F×3×2 per-corner UVs (v up). */
  cornerUvs: Float32Array;
  /** V part labels (BODY_PARTS). */
  partLabels: Uint8Array;
  camera: Camera;
  /** RGB photo. */
  photo: FloatImage;
  /** H×W matte in [0,1]. */
  matte: Float32Array;
  /** Texture side in texels. */
  size: number;
  /**
   * The body's face features (face.ts) and whether perception found the face: when it did not, or the unwrap
   * sees too little of it, the face is painted from the body model's own face in the skin tone (issue #19).
   */
  face?: { features: FaceFeatures; foundInPhoto: boolean };
  /** Parts (PART_INDEX) the photo does not show (an unseen hand): painted in the skin tone, never sampled. */
  hiddenParts?: number[];
  /**
   * Paint a hand whose seen texels are mostly not skin-coloured (against the seen face's skin tone) in the skin
   * tone, as if unseen (FACE_FILL.handSkinFraction; a hand in a pocket that perception reports as seen).
   * Default true.
   */
  handColourCheck?: boolean;
  /** Torso back from its sides where the front differs (rule 2, sideColours.ts). Default true; false: the plain mirror. */
  backFromSides?: boolean;
  /** A seen hand's unseen side and its texels that do not look like skin, from its own skin (handFill.ts). Default true;
   * false: left to the atlas-wide fill, as before texture stage 14. */
  seenHandFill?: boolean;
}

/** The unwrapped texture and its confidence map. */
export interface UnwrapResult {
  texture: FloatImage; // size×size×3
  /** size×size confidence in [0,1]: 0 = filled, UNWRAP.mirrorConfidence = mirrored, else facing ratio. */
  visibility: FloatImage; // size×size×1
  /** Fraction of the body's texels seen in the photo. */
  seenFraction: number;
  /** Whether the face was painted from the body model's face (not seen in the photo), and the skin tone used. */
  facePainted: boolean;
  skin: [number, number, number];
  /** Hand parts painted in the skin tone (unseen in the photo, or covered: see handsCovered). */
  handsPainted: number[];
  /** Of those, the hands perception called seen whose photo colour was not skin (handColourCheck). */
  handsCovered: number[];
  /** Torso back texels that took the sides' colour instead of the mirrored front (rule 2, sideColours.ts). */
  backFromSides: number;
  /** Seen or mirrored body texels beside a fitted hand that look like skin, left to the fill (UNWRAP.handPrintReach). */
  handPrints: number;
  /** Texels of seen hands that were sampled or mirrored but do not look like skin (a sleeve, a hat, the background beside the
   * photo's hand), refilled from the hand's own skin with its unseen side (handFill.ts). */
  handLeaks: number;
}

/** Unwraps the photo onto the UV map (see the module comment for the rules). */
export function unwrapTexture(input: UnwrapInput): UnwrapResult {
  const { posedVertices: P, triangles: T, camera, photo, matte, size } = input;
  const W = camera.width, H = camera.height;
  const view = rasterizeMesh(P, T, camera, { cull: 'back' });
  const inside = erodeMask(matte, W, H, UNWRAP.edgeErosionPx);
  const normals = computeVertexNormals(P, T);
  const uv = rasterizeUvSpace(input.cornerUvs, size, size);
  const tex = createImage(size, size, 3);
  const conf = new Float32Array(size * size);
  const isHead = new Uint8Array(size * size);
  const texelGroup = new Int8Array(size * size).fill(-1); // its limb group, −1 off the body
  const mirrorCandidates: number[] = [];
  const headParts = new Set([PART_INDEX.head, PART_INDEX.face, PART_INDEX.eyes]);
  const limbGroup = limbGroups();
  let bodyTexels = 0, seen = 0;
  const [cx, cy, cz] = cameraCentre(camera);
  const rgb = [0, 0, 0];
  const scalpSamples: number[] = []; // r, g, b and height of the seen scalp texels (the hair colour, rule 2)
  // the head's vertical extent (world Y up), for the scalp rule
  let headLo = Infinity, headHi = -Infinity;
  for (let v = 0; v < input.partLabels.length; v++) if (headParts.has(input.partLabels[v]!)) { headLo = Math.min(headLo, P[v * 3 + 1]!); headHi = Math.max(headHi, P[v * 3 + 1]!); }
  const scalpY = headHi - UNWRAP.scalpFraction * (headHi - headLo);
  const texelPos = new Float32Array(size * size * 3); // surface point of each body texel
  const sides = input.backFromSides === false ? null : torsoSides(P, input.partLabels, camera, texelPos);
  const nearHand = handNeighbourhood(P, input.partLabels, camera, UNWRAP.handPrintReach);
  // body texels beside a fitted hand, seen (q) or mirrored from the surface in front (−1 − q): hand prints if they look like skin
  const printCandidates: number[] = [];
  const hidden = new Set(input.hiddenParts ?? []);
  const paintTexels: number[] = []; // face, eyes and hidden-hand texels, painted if needed
  const texelPart = new Int8Array(size * size).fill(-1);
  const skinSamples: number[][] = [[], [], []]; // face skin
  const handParts = [PART_INDEX.leftHand, PART_INDEX.rightHand];
  const handSeen = new Map<number, number[]>(handParts.map((h) => [h, []])); // seen texels per hand
  const handAll = new Map<number, number[]>(handParts.map((h) => [h, []])); // all texels per hand
  let faceTexels = 0, faceSeen = 0;
  for (let q = 0; q < size * size; q++) {
    const f = uv.triangleId[q]!;
    if (f < 0) continue;
    bodyTexels++;
    const b0 = uv.bary[q * 3]!, b1 = uv.bary[q * 3 + 1]!, b2 = uv.bary[q * 3 + 2]!;
    const i0 = T[f * 3]!, i1 = T[f * 3 + 1]!, i2 = T[f * 3 + 2]!;
    const x = b0 * P[i0 * 3]! + b1 * P[i1 * 3]! + b2 * P[i2 * 3]!;
    const y = b0 * P[i0 * 3 + 1]! + b1 * P[i1 * 3 + 1]! + b2 * P[i2 * 3 + 1]!;
    const z = b0 * P[i0 * 3 + 2]! + b1 * P[i1 * 3 + 2]! + b2 * P[i2 * 3 + 2]!;
    const part = input.partLabels[b0 >= b1 && b0 >= b2 ? i0 : b1 >= b2 ? i1 : i2]!;
    const head = headParts.has(part);
    if (head) isHead[q] = 1;
    texelPart[q] = part;
    const isFace = part === PART_INDEX.face || part === PART_INDEX.eyes;
    if (part === PART_INDEX.face) faceTexels++;
    if (isFace || hidden.has(part)) paintTexels.push(q);
    handAll.get(part)?.push(q);
    texelPos[q * 3] = x; texelPos[q * 3 + 1] = y; texelPos[q * 3 + 2] = z;
    // body-space fill on the torso and legs only (wide surfaces whose front and back lie far apart in the UV
    // map); on arms, hands and head the push–pull fill in UV space looked cleaner (photo-edge colours of a thin
    // arm spread as blotches in 3D)
    const g = limbGroup[part]!;
    texelGroup[q] = g === 0 || g === 4 || g === 5 ? g : -1;
    const pr = projectPoint(camera, x, y, z);
    const px = Math.floor(pr.u), py = Math.floor(pr.v);
    if (pr.depth <= 0 || px < 0 || py < 0 || px >= W || py >= H) continue;
    const pix = py * W + px;
    if (!inside[pix] || hidden.has(part)) continue;
    // facing ratio: normal · direction to the camera
    let nx = 0, ny = 0, nz = 0;
    for (const [i, b] of [[i0, b0], [i1, b1], [i2, b2]] as const) { nx += b * normals[i * 3]!; ny += b * normals[i * 3 + 1]!; nz += b * normals[i * 3 + 2]!; }
    const dx = cx - x, dy = cy - y, dz = cz - z;
    const facing = (nx * dx + ny * dy + nz * dz) / ((Math.hypot(nx, ny, nz) || 1) * (Math.hypot(dx, dy, dz) || 1));
    const visible = view.triangleId[pix]! >= 0 && pr.depth - view.depth[pix]! < UNWRAP.depthTolerance && facing > UNWRAP.minFacing;
    for (let c = 0; c < 3; c++) rgb[c] = sampleBilinear(photo, pr.u, pr.v, c);
    if (visible) {
      seen++;
      conf[q] = facing;
      for (let c = 0; c < 3; c++) tex.data[q * 3 + c] = rgb[c]!;
      if (part === PART_INDEX.face) faceSeen++;
      // skin samples: the seen face (cheeks and forehead face the camera) and seen hands
      // (not the face when perception found none there: a bowed head shows hair where the fit puts the face)
      const faceSkin = part === PART_INDEX.face && input.face?.foundInPhoto !== false;
      if (faceSkin && facing > 0.4) for (let c = 0; c < 3; c++) skinSamples[c]!.push(rgb[c]!);
      if (facing > 0.4) handSeen.get(part)?.push(q);
      // the top of the head seen from the front approximates the hair colour
      if (head && y >= scalpY && facing > 0.3) scalpSamples.push(rgb[0]!, rgb[1]!, rgb[2]!, y);
      if (nearHand[pix] && !HAND_PRINT_EXEMPT.has(part)) printCandidates.push(q);
      if (sides && part === PART_INDEX.torso && facing < UNWRAP.sideFacingMax && !nearHand[pix]) sides.colours.add(sides.lateral(x, y, z), sides.height(x, y, z), rgb);
    } else {
      // mirror only from the same limb: an arm in front of the torso (or one leg before the other) says
      // nothing about the surface behind it — that is left to the fill
      // nothing in front (a matte pixel the fitted body does not cover: a gap the matte closed, loose
      // clothes) says nothing about this surface either
      const front = view.triangleId[pix]!;
      if (front < 0 || limbGroup[input.partLabels[T[front * 3]!]!] !== limbGroup[part]) continue;
      mirrorCandidates.push(q);
      for (let c = 0; c < 3; c++) tex.data[q * 3 + c] = rgb[c]!;
      if (nearHand[pix] && !HAND_PRINT_EXEMPT.has(part)) printCandidates.push(-1 - q);
    }
  }
  const hair = scalpColour(scalpSamples);
  let backFromSides = 0;
  for (const q of mirrorCandidates) {
    if (isHead[q]) {
      if (!hair) continue;
      for (let c = 0; c < 3; c++) tex.data[q * 3 + c] = hair[c]!;
      conf[q] = UNWRAP.hairConfidence;
      continue;
    }
    conf[q] = UNWRAP.mirrorConfidence;
    if (sides && texelPart[q] === PART_INDEX.torso) sides.colours.addMirror(sides.lateralAt(q), sides.heightAt(q), tex.data.subarray(q * 3, q * 3 + 3));
  }
  if (sides)
    for (const q of mirrorCandidates)
      if (!isHead[q] && texelPart[q] === PART_INDEX.torso && sides.colours.backColour(sides.lateralAt(q), sides.heightAt(q), tex.data.subarray(q * 3, q * 3 + 3))) backFromSides++;
  // hands perception calls seen whose colour is not the face's skin are covered (a hand in a pocket)
  const handsCovered: number[] = [];
  if (input.handColourCheck ?? true) {
    const faceSkin = skinSamples[0]!.length >= FACE_FILL.handMinSamples ? [median(skinSamples[0]!), median(skinSamples[1]!), median(skinSamples[2]!)] : null;
    for (const h of handParts) {
      const qs = handSeen.get(h)!;
      if (hidden.has(h) || qs.length < FACE_FILL.handMinSamples) continue;
      const like = qs.filter((q) => skinLike(tex.data.subarray(q * 3, q * 3 + 3), faceSkin)).length;
      if (like >= FACE_FILL.handSkinFraction * qs.length) continue;
      hidden.add(h);
      handsCovered.push(h);
      seen -= qs.length;
      for (const q of handAll.get(h)!) paintTexels.push(q);
    }
  }
  // the skin tone: per-channel median of the seen face's and the seen (uncovered) hands' skin samples
  for (const h of handParts) {
    if (hidden.has(h)) continue;
    for (const q of handSeen.get(h)!) for (let c = 0; c < 3; c++) skinSamples[c]!.push(tex.data[q * 3 + c]!);
  }
  const skin: [number, number, number] = skinSamples[0]!.length >= 20 ? [median(skinSamples[0]!), median(skinSamples[1]!), median(skinSamples[2]!)] : [...FACE_FILL.defaultSkin];
  // hand prints: texels beside a fitted hand that look like skin show the photo's hand; left to the fill
  let handPrints = 0;
  for (const c of printCandidates) {
    const q = c < 0 ? -1 - c : c;
    if (conf[q] === 0 || !skinLike(tex.data.subarray(q * 3, q * 3 + 3), skin)) continue;
    conf[q] = 0;
    if (c >= 0) seen--;
    handPrints++;
  }
  const facePainted = input.face !== undefined && (!input.face.foundInPhoto || faceSeen < FACE_FILL.minSeen * faceTexels);
  for (const q of paintTexels) {
    const part = texelPart[q]!;
    const isFace = part === PART_INDEX.face || part === PART_INDEX.eyes;
    if (isFace && !facePainted) continue;
    const colour = isFace ? paintedFaceColour(input.face!.features, part, texelPos[q * 3]!, texelPos[q * 3 + 1]!, texelPos[q * 3 + 2]!, skin, hair) : skin;
    for (let c = 0; c < 3; c++) tex.data[q * 3 + c] = colour[c]!;
    conf[q] = FACE_FILL.confidence;
  }
  // a seen hand's unseen side and its texels that took a sleeve or the background: from its own skin (handFill.ts)
  let handLeaks = 0;
  for (const h of handParts) {
    if (hidden.has(h) || input.seenHandFill === false) continue;
    const r = fillHandFromItsSkin(tex.data, conf, size, handAll.get(h)!, skin, FACE_FILL.handMinSamples, FACE_FILL.confidence);
    handLeaks += r.leaks;
  }
  const weights = Float32Array.from(conf, (c) => (c > 0 ? 1 : 0));
  const filled = new Uint8Array(size * size);
  bodySpaceFill(tex.data, weights, texelPos, texelGroup, filled);
  for (let q = 0; q < size * size; q++) if (filled[q]) weights[q] = 1;
  pushPullFill(tex.data, weights, size, size, 3);
  const visibility = createImage(size, size, 1);
  visibility.data.set(conf);
  return { texture: tex, visibility, seenFraction: bodyTexels > 0 ? seen / bodyTexels : 0, facePainted, skin, handsPainted: [...hidden], handsCovered, backFromSides, handPrints, handLeaks };
}

/** Parts a hand print is not looked for on: the hands themselves and the head (a hand at the face lies on skin). */
const HAND_PRINT_EXEMPT = new Set<number>([PART_INDEX.leftHand, PART_INDEX.rightHand, PART_INDEX.head, PART_INDEX.face, PART_INDEX.eyes]);

/**
 * Pixels within `reach` metres (at the hand's depth) of a projected hand vertex: a torso side seen there may show the
 * photo's hand, which the fitted one misses by a few centimetres (woman-stripes' hand on her hip coloured her waist's side).
 */
export function handNeighbourhood(P: ArrayLike<number>, partLabels: ArrayLike<number>, camera: Camera, reach: number): Uint8Array {
  const W = camera.width, H = camera.height;
  const near = new Uint8Array(W * H);
  for (let v = 0; v < partLabels.length; v++) {
    if (partLabels[v] !== PART_INDEX.leftHand && partLabels[v] !== PART_INDEX.rightHand) continue;
    const p = projectPoint(camera, P[v * 3]!, P[v * 3 + 1]!, P[v * 3 + 2]!);
    if (p.depth <= 0) continue;
    const r = Math.ceil((camera.fx * reach) / p.depth), r2 = r * r;
    const u = Math.round(p.u), w = Math.round(p.v);
    for (let y = Math.max(0, w - r); y <= Math.min(H - 1, w + r); y++)
      for (let x = Math.max(0, u - r); x <= Math.min(W - 1, u + r); x++) if ((x - u) ** 2 + (y - w) ** 2 <= r2) near[y * W + x] = 1;
  }
  return near;
}

/** The torso's side colours and the frame they are binned in: height along the camera's image-down axis, lateral along its
 * image-right axis from the torso's centre (null without torso vertices). */
function torsoSides(P: Float32Array, partLabels: Uint8Array, camera: Camera, texelPos: Float32Array): TorsoSides | null {
  const torso: number[] = [];
  for (let v = 0; v < partLabels.length; v++) if (partLabels[v] === PART_INDEX.torso) torso.push(v);
  const frame = sideFrame(camera.R, P, torso);
  if (!frame) return null;
  const { height, lateral } = frame;
  return {
    colours: new SideColours(frame.low, frame.high, UNWRAP), height, lateral,
    heightAt: (q) => height(texelPos[q * 3]!, texelPos[q * 3 + 1]!, texelPos[q * 3 + 2]!),
    lateralAt: (q) => lateral(texelPos[q * 3]!, texelPos[q * 3 + 1]!, texelPos[q * 3 + 2]!),
  };
}

/** {@link torsoSides}: the side colours and the torso frame, at a point or at a texel (of the unwrap's texel positions). */
interface TorsoSides {
  colours: SideColours;
  height: (x: number, y: number, z: number) => number;
  lateral: (x: number, y: number, z: number) => number;
  heightAt: (texel: number) => number;
  lateralAt: (texel: number) => number;
}

/** 1 where the matte (≥ 0.5) holds over the whole (2r+1)² square around a pixel (separable min filter). */
export function erodeMask(matte: Float32Array, width: number, height: number, r: number): Uint8Array {
  const rows = new Uint8Array(width * height), out = new Uint8Array(width * height);
  const runs = new Int32Array(Math.max(width, height));
  for (let y = 0; y < height; y++) {
    let run = 0; // length of the run of inside pixels ending at x
    const row = y * width;
    for (let x = 0; x < width; x++) { run = matte[row + x]! >= 0.5 ? run + 1 : 0; runs[x] = run; }
    for (let x = 0; x < width; x++) {
      const xe = Math.min(width - 1, x + r);
      rows[row + x] = runs[xe]! >= xe - Math.max(0, x - r) + 1 ? 1 : 0;
    }
  }
  for (let x = 0; x < width; x++) {
    let run = 0;
    for (let y = 0; y < height; y++) { run = rows[y * width + x] ? run + 1 : 0; runs[y] = run; }
    for (let y = 0; y < height; y++) {
      const ye = Math.min(height - 1, y + r);
      out[y * width + x] = runs[ye]! >= ye - Math.max(0, y - r) + 1 ? 1 : 0;
    }
  }
  return out;
}

/** Per BODY_PARTS index, its limb group: torso 0, head 1, left arm 2, right arm 3, left leg 4, right leg 5, hands 6 and 7. */
function limbGroups(): Int8Array {
  const g = new Int8Array(BODY_PARTS.length);
  BODY_PARTS.forEach((p, i) => {
    const left = p.startsWith('left');
    g[i] = p === 'torso' ? 0 : /head|face|eyes/.test(p) ? 1 : /Hand/.test(p) ? (left ? 6 : 7) : /Arm|Forearm/.test(p) ? (left ? 2 : 3) : left ? 4 : 5;
  });
  return g;
}

/**
 * The hair's colour from the seen scalp texels (r, g, b, height quadruples): split in two by 2-means on colour (started from the
 * darkest and the brightest sample), the mean colour of the group lying higher on the head when it holds at least
 * `scalpHairMinShare` of them, else the mean of all. Null without samples.
 */
export function scalpColour(samples: ArrayLike<number>): number[] | null {
  const n = samples.length / 4;
  if (n === 0) return null;
  const brightness = (i: number): number => samples[i * 4]! + samples[i * 4 + 1]! + samples[i * 4 + 2]!;
  const dist2 = (i: number, c: readonly number[]): number => (samples[i * 4]! - c[0]!) ** 2 + (samples[i * 4 + 1]! - c[1]!) ** 2 + (samples[i * 4 + 2]! - c[2]!) ** 2;
  let dark = 0, bright = 0;
  for (let i = 1; i < n; i++) { if (brightness(i) < brightness(dark)) dark = i; if (brightness(i) > brightness(bright)) bright = i; }
  const at = (i: number): number[] => [samples[i * 4]!, samples[i * 4 + 1]!, samples[i * 4 + 2]!, 0];
  let centres = [at(dark), at(bright)];
  const count = [0, 0];
  for (let it = 0; it < UNWRAP.scalpClusterIterations; it++) {
    const sum = [[0, 0, 0, 0], [0, 0, 0, 0]];
    count[0] = 0; count[1] = 0;
    for (let i = 0; i < n; i++) {
      const k = dist2(i, centres[0]!) <= dist2(i, centres[1]!) ? 0 : 1;
      count[k]!++;
      for (let c = 0; c < 4; c++) sum[k]![c]! += samples[i * 4 + c]!;
    }
    centres = centres.map((old, k) => (count[k] ? sum[k]!.map((v) => v / count[k]!) : old));
  }
  const higher = centres[1]![3]! > centres[0]![3]! ? 1 : 0;
  if (count[higher]! >= UNWRAP.scalpHairMinShare * n) return centres[higher]!.slice(0, 3);
  const mean = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) mean[c]! += samples[i * 4 + c]! / n;
  return mean;
}
