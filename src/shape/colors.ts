/**
 * Colours of the proxy's vertices: the photo where the photo camera sees the vertex (front-facing, not
 * hidden, inside the matte away from its edge), the unwrapped body texture elsewhere — at the template's
 * own UVs on hands and face, on the shell at the UV of the fitted body's nearest surface point (the body texture already holds
 * the filled-in unseen side, texture/fill.ts). Clothing behind the fitted body's other hand or forearm is
 * not coloured from the photo (the photo shows the arm there) but refilled from the clothing around it.
 */
import { projectPoint, type Camera } from '../core/camera.js';
import type { FloatImage } from '../core/image.js';
import type { ArrayBodyModel } from '../body/index.js';
import { PART_INDEX } from '../body/index.js';
import { computeVertexNormals, rasterizeMesh, sampleTexture } from '../render/index.js';
import { PROXY_COLOR_CONFIG } from './config.js';
import { matteSignedDistance } from './edt.js';
import { PointIndex, vertexNeighbours } from './meshOps.js';
import { MeshDistance } from './meshDistance.js';
import { PROXY_MATERIAL, type ClothedProxy } from './proxy.js';

/** Options of {@link proxyColors}. */
export interface ProxyColorOptions {
  /** The fitted body's vertices in the photo's pose (body.vertexCount×3). With them, photo pixels where the body's hand or
   * forearm lies in front of (or on) the clothing are not taken as the clothing's colour (PROXY_COLOR_CONFIG.armOcclusionMargin). */
  posedBody?: Float32Array;
  /** The person's skin tone (RGB in [0,1], the texture stage's `skin`): with `posedBody`, clothing beside a hand whose photo
   * colour is this tone is taken for the hand and refilled (PROXY_COLOR_CONFIG.handPrintReach, skinToneDistance). */
  skinTone?: readonly [number, number, number];
}

/** What {@link proxyColors} returns. */
export interface ProxyColors {
  /** V×3 colours in [0,1]. */
  colors: Float32Array;
  /** Share of shell vertices coloured from the photo. */
  seenFraction: number;
  /** Shell vertices the photo would have coloured but that lie behind the body's hand or other forearm (refilled). */
  armOccluded: number;
  /** Seen clothing vertices on a hand's part, or beside a hand with the skin tone's photo colour (the photo's hand, where the
   * fitted hand is a few pixels off): refilled. */
  handPrints: number;
  /** Unseen clothing vertices standing on a hand's part, refilled from the clothing nearby instead of the hand's skin texture. */
  clothOnHands: number;
  /** Unseen clothing hanging free of the body (freedom 1) whose body texel has the skin tone (bare legs under a skirt): refilled. */
  skinUnderCloth: number;
  /** Unseen hair vertices (the hair prior's layer on the back, the back of a hair volume) refilled from the nearest hair the photo
   * shows: their nearest body vertex is the back or the neck, whose texel is the clothing's or the skin's, not the hair's. */
  hairUnseen: number;
  /** Per vertex, where its colour came from: 1 the photo, 2 the body texture at its nearest body vertex; 0 the template's own UVs,
   * or refilled from its neighbours. */
  source: Uint8Array;
  /** Per vertex, how squarely it faces the photo camera (cosine; −1 off the image or behind the matte's edge margin). */
  facing: Float32Array;
  /** V×2: where a vertex coloured from the photo lies in it (texture coordinates, v up, as `sampleTexture` takes them); NaN where
   * its colour is not the photo's. Renderers sample the photo between such vertices at full resolution (renderProxy). */
  photoUv: Float32Array;
  /** V×2: where a vertex coloured from the body texture sampled it (the UV of the fitted body's nearest surface point; of the nearest
   * body vertex without `posedBody`); NaN elsewhere (detail.ts). */
  textureUv: Float32Array;
}

/** {@link ProxyColors.source} values. */
export const COLOUR_SOURCE = { other: 0, photo: 1, bodyTexture: 2 } as const;

/** V×3 colours (see the module comment). */
export function proxyColors(proxy: ClothedProxy, body: ArrayBodyModel, texture: FloatImage, photo: FloatImage, matte: Float32Array, camera: Camera, options: ProxyColorOptions = {}): ProxyColors {
  const m = proxy.model, V = m.vertexCount, W = camera.width, H = camera.height;
  const colors = new Float32Array(V * 3);
  const rgb = new Float32Array(3);
  // one UV per body vertex (its first corner) for the fill
  const bodyUv = new Float32Array(body.vertexCount * 2).fill(-1);
  for (let c = 0; c < body.triangles.length; c++) {
    const v = body.triangles[c]!;
    if (bodyUv[v * 2]! < 0) { bodyUv[v * 2] = body.cornerUvs[c * 2]!; bodyUv[v * 2 + 1] = body.cornerUvs[c * 2 + 1]!; }
  }
  // template vertices: average of the texture at their corners' UVs
  const count = new Uint16Array(V);
  for (let f = 0; f < m.triangles.length / 3; f++) {
    if (!proxy.templateTriangles[f]) continue;
    for (let k = 0; k < 3; k++) {
      const v = m.triangles[f * 3 + k]!;
      sampleTexture(texture, m.cornerUvs[(f * 3 + k) * 2]!, m.cornerUvs[(f * 3 + k) * 2 + 1]!, rgb);
      for (let c = 0; c < 3; c++) colors[v * 3 + c]! += rgb[c]!;
      count[v]!++;
    }
  }
  // visibility of the shell from the photo camera
  const raster = rasterizeMesh(proxy.posed, m.triangles, camera, { cull: 'back' });
  const normals = computeVertexNormals(proxy.posed, m.triangles);
  const edge = matteEdgeDistance(matte, W, H, PROXY_COLOR_CONFIG.edgeMarginPx);
  const arms = options.posedBody ? armOccluders(options.posedBody, body, camera) : null;
  const surface = options.posedBody ? new MeshDistance(options.posedBody, body.triangles) : null;
  const handIndex = options.posedBody && options.skinTone ? handPoints(options.posedBody, body) : null;
  // pixels (negative inside) from the matte's outline, for the hair donors
  const outline = matteSignedDistance(matte, W, H);
  const refill = new Uint8Array(V), seenHair = new Uint8Array(V), hairRefill = new Uint8Array(V);
  const source = new Uint8Array(V), facingOf = new Float32Array(V).fill(-1), photoUv = new Float32Array(V * 2).fill(NaN), textureUv = new Float32Array(V * 2).fill(NaN);
  let hairUnseen = 0, seen = 0, shell = 0, armOccluded = 0, handPrints = 0, clothOnHands = 0, skinUnderCloth = 0;
  for (let v = 0; v < V; v++) {
    if (count[v]! > 0) { for (let c = 0; c < 3; c++) colors[v * 3 + c]! /= count[v]!; continue; }
    shell++;
    const x = proxy.posed[v * 3]!, y = proxy.posed[v * 3 + 1]!, z = proxy.posed[v * 3 + 2]!;
    const pr = projectPoint(camera, x, y, z);
    const px = Math.floor(pr.u), py = Math.floor(pr.v);
    const bv = proxy.bodyVertex[v]!, part = body.partLabels[bv]!;
    const cloth = proxy.material[v] === PROXY_MATERIAL.cloth, hair = proxy.material[v] === PROXY_MATERIAL.hair;
    let visible = false;
    if (px >= 0 && py >= 0 && px < W && py < H && edge[py * W + px]) {
      // facing: the normal against the viewing ray
      const cx = camera.R[0]! * x + camera.R[1]! * y + camera.R[2]! * z + camera.t[0]!, cy = camera.R[3]! * x + camera.R[4]! * y + camera.R[5]! * z + camera.t[1]!, cz = pr.depth;
      const nx = normals[v * 3]!, ny = normals[v * 3 + 1]!, nz = normals[v * 3 + 2]!;
      const ncx = camera.R[0]! * nx + camera.R[1]! * ny + camera.R[2]! * nz, ncy = camera.R[3]! * nx + camera.R[4]! * ny + camera.R[5]! * nz, ncz = camera.R[6]! * nx + camera.R[7]! * ny + camera.R[8]! * nz;
      const facing = -(ncx * cx + ncy * cy + ncz * cz) / Math.hypot(cx, cy, cz);
      facingOf[v] = facing;
      visible = facing > PROXY_COLOR_CONFIG.minFacing && pr.depth <= raster.depth[py * W + px]! + 0.01;
      if (visible && arms && armOccludes(arms, py * W + px, pr.depth, part, proxy.material[v]!)) {
        visible = false;
        refill[v] = 1;
        armOccluded++;
      }
    }
    if (visible) {
      photoUv[v * 2] = pr.u / W; photoUv[v * 2 + 1] = 1 - pr.v / H;
      sampleTexture(photo, photoUv[v * 2]!, photoUv[v * 2 + 1]!, rgb);
      source[v] = COLOUR_SOURCE.photo;
      seen++;
      // seen hair well inside the outline gives its colour to the unseen hair (1: seen, 2: also a donor)
      if (hair) seenHair[v] = -outline[py * W + px]! * (pr.depth / camera.fx) >= PROXY_COLOR_CONFIG.hairDonorInset ? 2 : 1;
      // clothing on a hand's part, or beside a hand and of the skin tone, shows the photo's hand (the fitted hand is a few
      // pixels off the photo's; the hand's part claims clothing within handReach of the fitted hand)
      if (cloth && (HANDS.has(part) || (options.skinTone && handIndex && handIndex.distanceWithin(x, y, z, PROXY_COLOR_CONFIG.handPrintReach) < PROXY_COLOR_CONFIG.handPrintReach
        && isSkinTone(rgb, options.skinTone)))) {
        refill[v] = 1;
        handPrints++;
      }
    } else {
      // the UV of the nearest point on the body's surface, on triangles of the nearest vertex's own part: continuous over the shell,
      // where the nearest vertex's UV is piecewise constant (shell vertices sharing a body vertex showed one texel each: a quilt of
      // flat patches over a print). Triangles of another part around it would hand a sleeve the skin of the hand beside it.
      const on = surface ? surface.surfacePoint(x, y, z, bv, (f) => samePart(body, f, part)) : null;
      if (on && on.triangle >= 0) {
        const f = on.triangle, w = on.weights, c = body.cornerUvs;
        textureUv[v * 2] = w[0] * c[f * 6]! + w[1] * c[f * 6 + 2]! + w[2] * c[f * 6 + 4]!;
        textureUv[v * 2 + 1] = w[0] * c[f * 6 + 1]! + w[1] * c[f * 6 + 3]! + w[2] * c[f * 6 + 5]!;
      } else { textureUv[v * 2] = bodyUv[bv * 2]!; textureUv[v * 2 + 1] = bodyUv[bv * 2 + 1]!; }
      sampleTexture(texture, textureUv[v * 2]!, textureUv[v * 2 + 1]!, rgb);
      source[v] = COLOUR_SOURCE.bodyTexture;
      if (hair && !refill[v]) { hairRefill[v] = 1; hairUnseen++; }
      // unseen clothing the hand's part claimed (a skirt beside the hand): the hand's texture is skin, not the clothing's
      if (!refill[v] && cloth && HANDS.has(part)) { refill[v] = 1; clothOnHands++; }
      // unseen clothing hanging free of the body (a skirt's hem behind bare calves) whose body texel is skin: the texel
      // is the limb under the clothing, not the clothing
      else if (!refill[v] && cloth && options.skinTone && proxy.freedom[v]! >= 1 && isSkinTone(rgb, options.skinTone)) { refill[v] = 1; skinUnderCloth++; }
    }
    colors.set(rgb, v * 3);
  }
  if (armOccluded + handPrints + clothOnHands + skinUnderCloth > 0) {
    // donors: clothing not refilled itself
    const donor = (u: number): boolean => !refill[u] && proxy.material[u] === PROXY_MATERIAL.cloth;
    refillFromNearest(colors, refill, proxy.posed, donor, vertexNeighbours(V, m.triangles), PROXY_COLOR_CONFIG.refillSmoothPasses);
  }
  // unseen hair takes the colour of the hair the photo shows (none seen: the body texture's fill stays)
  const hairDonor = seenHair.includes(2) ? 2 : 1;
  if (hairUnseen > 0 && seenHair.includes(hairDonor)) refillFromNearest(colors, hairRefill, proxy.posed, (u) => seenHair[u] === hairDonor, vertexNeighbours(V, m.triangles), PROXY_COLOR_CONFIG.refillSmoothPasses);
  else hairUnseen = 0;
  for (let v = 0; v < V; v++) if (refill[v] || (hairUnseen > 0 && hairRefill[v])) source[v] = COLOUR_SOURCE.other;
  for (let v = 0; v < V; v++) {
    if (source[v] !== COLOUR_SOURCE.photo) photoUv[v * 2] = photoUv[v * 2 + 1] = NaN;
    if (source[v] !== COLOUR_SOURCE.bodyTexture) textureUv[v * 2] = textureUv[v * 2 + 1] = NaN;
  }
  return { colors, seenFraction: seen / Math.max(1, shell), armOccluded, handPrints, clothOnHands, skinUnderCloth, hairUnseen, source, facing: facingOf, photoUv, textureUv };
}

/** Whether the body's triangle `f` lies wholly on `part`. */
function samePart(body: ArrayBodyModel, f: number, part: number): boolean {
  const L = body.partLabels, T = body.triangles;
  return L[T[f * 3]!] === part && L[T[f * 3 + 1]!] === part && L[T[f * 3 + 2]!] === part;
}

function isSkinTone(rgb: ArrayLike<number>, skin: readonly [number, number, number]): boolean {
  return Math.hypot(rgb[0]! - skin[0], rgb[1]! - skin[1], rgb[2]! - skin[2]) < PROXY_COLOR_CONFIG.skinToneDistance;
}

/** The posed body's hand vertices, indexed for distance queries. */
function handPoints(posedBody: Float32Array, body: ArrayBodyModel): PointIndex {
  const pts: number[] = [];
  for (let b = 0; b < body.vertexCount; b++) if (HANDS.has(body.partLabels[b]!)) pts.push(posedBody[b * 3]!, posedBody[b * 3 + 1]!, posedBody[b * 3 + 2]!);
  return new PointIndex(Float32Array.from(pts));
}

const LEFT_ARM = new Set([PART_INDEX.leftUpperArm, PART_INDEX.leftForearm, PART_INDEX.leftHand]);
const RIGHT_ARM = new Set([PART_INDEX.rightUpperArm, PART_INDEX.rightForearm, PART_INDEX.rightHand]);
const HANDS = new Set([PART_INDEX.leftHand, PART_INDEX.rightHand]);
const OCCLUDING_PARTS = new Set([PART_INDEX.leftForearm, PART_INDEX.leftHand, PART_INDEX.rightForearm, PART_INDEX.rightHand]);

/** 1 for a part of the left arm (upper arm to hand), 2 for the right arm, 0 otherwise. */
function armSide(part: number): number {
  return LEFT_ARM.has(part) ? 1 : RIGHT_ARM.has(part) ? 2 : 0;
}

/** Pixels of the photo where the fitted body's forearm or hand is the front-most surface. */
export interface ArmOccluders {
  /** W×H: the part (PART_INDEX) of the forearm or hand seen there, 255 where none. */
  part: Uint8Array;
  /** W×H: its depth (camera z, metres), Infinity where none. */
  depth: Float32Array;
}

/**
 * Pixels where the posed body's front-most surface is a forearm or hand: its part and depth, grown by
 * PROXY_COLOR_CONFIG.armDilatePx pixels (keeping the nearest surface).
 */
export function armOccluders(posedBody: Float32Array, body: ArrayBodyModel, camera: Camera): ArmOccluders {
  const W = camera.width, H = camera.height;
  const r = rasterizeMesh(posedBody, body.triangles, camera, { cull: 'back' });
  const part0 = new Uint8Array(W * H).fill(NO_PART);
  for (let p = 0; p < W * H; p++) {
    const f = r.triangleId[p]!;
    if (f < 0) continue;
    const part = body.partLabels[body.triangles[f * 3]!]!;
    if (OCCLUDING_PARTS.has(part)) part0[p] = part;
  }
  const part = new Uint8Array(W * H).fill(NO_PART), depth = new Float32Array(W * H).fill(Infinity);
  const g = PROXY_COLOR_CONFIG.armDilatePx;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      if (part0[p] === NO_PART) continue;
      for (let yy = Math.max(0, y - g); yy <= Math.min(H - 1, y + g); yy++)
        for (let xx = Math.max(0, x - g); xx <= Math.min(W - 1, x + g); xx++) {
          const q = yy * W + xx;
          if (r.depth[p]! < depth[q]!) { depth[q] = r.depth[p]!; part[q] = part0[p]!; }
        }
    }
  return { part, depth };
}

const NO_PART = 255;

/**
 * Whether the photo pixel `p` shows a forearm or hand in front of a proxy vertex at `depth` (standing on body part
 * `vertexPart`, of `material`) rather than the vertex itself: a hand hides everything but its own skin; a forearm
 * hides everything but its own arm (a sleeve is what the photo shows over the forearm). Clothing more than
 * armOcclusionMargin in front of the arm is not hidden.
 */
function armOccludes(arms: ArmOccluders, p: number, depth: number, vertexPart: number, material: number): boolean {
  const part = arms.part[p]!;
  if (part === NO_PART || arms.depth[p]! >= depth + PROXY_COLOR_CONFIG.armOcclusionMargin) return false;
  if (HANDS.has(part)) return !(vertexPart === part && material === PROXY_MATERIAL.skin);
  return armSide(part) !== armSide(vertexPart);
}

/**
 * Colours of the `marked` vertices from the nearest donor vertex in space (posed positions), then `passes` Jacobi
 * smoothing passes over the marked vertices only (each the mean of its marked and donor mesh neighbours). Unchanged where
 * no donor exists.
 */
export function refillFromNearest(colors: Float32Array, marked: Uint8Array, positions: Float32Array, donor: (v: number) => boolean, adj: { offsets: Uint32Array; list: Uint32Array }, passes: number): void {
  const V = marked.length;
  const index = new PointIndex(positions);
  for (let v = 0; v < V; v++) {
    if (!marked[v]) continue;
    const d = index.nearest(positions[v * 3]!, positions[v * 3 + 1]!, positions[v * 3 + 2]!, donor).index;
    if (d >= 0) colors.copyWithin(v * 3, d * 3, d * 3 + 3);
  }
  const use = new Uint8Array(V), next = new Float32Array(colors.length);
  for (let v = 0; v < V; v++) use[v] = marked[v] || donor(v) ? 1 : 0;
  for (let pass = 0; pass < passes; pass++) {
    next.set(colors);
    for (let v = 0; v < V; v++) if (marked[v]) meanOfNeighbours(v, adj, colors, use, next);
    colors.set(next);
  }
}

/** out[v] = mean colour of v's neighbours n with use[n] (unchanged if none). */
function meanOfNeighbours(v: number, adj: { offsets: Uint32Array; list: Uint32Array }, colors: Float32Array, use: Uint8Array, out: Float32Array): void {
  let r = 0, g = 0, b = 0, n = 0;
  for (let k = adj.offsets[v]!; k < adj.offsets[v + 1]!; k++) {
    const u = adj.list[k]!;
    if (!use[u]) continue;
    r += colors[u * 3]!; g += colors[u * 3 + 1]!; b += colors[u * 3 + 2]!; n++;
  }
  if (n) { out[v * 3] = r / n; out[v * 3 + 1] = g / n; out[v * 3 + 2] = b / n; }
}

/** 1 on matte pixels at least `margin` pixels inside the matte (a square erosion). */
function matteEdgeDistance(matte: Float32Array, W: number, H: number, margin: number): Uint8Array {
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let ok = matte[y * W + x]! >= 0.5;
      for (let dy = -margin; ok && dy <= margin; dy++)
        for (let dx = -margin; ok && dx <= margin; dx++) {
          const xx = x + dx, yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= W || yy >= H || matte[yy * W + xx]! < 0.5) ok = false;
        }
      out[y * W + x] = ok ? 1 : 0;
    }
  return out;
}
