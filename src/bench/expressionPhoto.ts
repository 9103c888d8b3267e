/**
 * Synthetic subjects photographed with a facial expression (issue #25 tests and scripts/neutral-face-check.ts):
 * the subject in its photo pose with a named expression's units and jaw at a weight, and close-ups of the face
 * of a posed subject for landmark measurements.
 */
import type { BodyPose } from '../body/index.js';
import { HM08_LIPS_UV, NAMED_EXPRESSIONS, PART_INDEX } from '../body/index.js';
import { lookAtCamera, type Camera } from '../core/camera.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readImage, type FloatImage } from '../core/image.js';
import { loadBodyModel } from '../body/index.js';
import { makeSubject, type SyntheticSubject } from './subjects.js';

/** Subject `id`'s pose with a named expression at `weight`: the pose (jaw opened) and the unit weights. */
export function expressivePose(s: SyntheticSubject, pose: BodyPose, expr: string, weight: number): { pose: BodyPose; expression: Float64Array } {
  const names = s.model.expressionNames, jaw = s.model.skeleton.names.indexOf('jaw');
  const ne = NAMED_EXPRESSIONS[expr];
  if (!ne) throw new Error(`unknown named expression ${expr}`);
  const expression = new Float64Array(names.length);
  for (const [u, v] of Object.entries(ne.units)) expression[names.indexOf(u)] = weight * v;
  const rotations = Float64Array.from(pose.rotations);
  if (jaw >= 0) rotations[jaw * 3] = rotations[jaw * 3]! + weight * (ne.jaw ?? 0);
  return { pose: { ...pose, rotations }, expression };
}

/** Subject `id`'s photo (photo pose, framing camera, white background) with `expr` at `weight`. */
export function expressivePhoto(id: number, expr: string, weight: number): FloatImage {
  const s = makeSubject(id);
  const e = expressivePose(s, s.photoPose(), expr, weight);
  const posed = s.pose(e.pose, { expression: e.expression });
  return s.render(posed, s.frameCamera(posed), { supersample: 2, background: [1, 1, 1] }).image;
}

/**
 * A frontal camera on a whole body (the perceiver needs to find the body before the face): looking along −Z at
 * the centre of `points` (N×3) from far enough that the body fills `fill` of the image height. Returns the camera
 * and the depth of the face's front (the points labelled face or eyes in `parts`), which turns face-mesh pixels
 * into metres.
 */
export function frontBodyCamera(points: ArrayLike<number>, parts: ArrayLike<number>, width: number, height: number, fovYDeg: number, fill: number): { camera: Camera; faceDepth: number } {
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  let faceZ = -Infinity;
  for (let i = 0; i < points.length / 3; i++) {
    for (let c = 0; c < 3; c++) { lo[c] = Math.min(lo[c]!, points[i * 3 + c]!); hi[c] = Math.max(hi[c]!, points[i * 3 + c]!); }
    if (parts[i] === PART_INDEX.face || parts[i] === PART_INDEX.eyes) faceZ = Math.max(faceZ, points[i * 3 + 2]!);
  }
  const centre: [number, number, number] = [(lo[0]! + hi[0]!) / 2, (lo[1]! + hi[1]!) / 2, (lo[2]! + hi[2]!) / 2];
  const distance = (hi[1]! - lo[1]!) / fill / 2 / Math.tan((fovYDeg * Math.PI) / 360);
  const camera = lookAtCamera([centre[0], centre[1], centre[2] + distance], centre, { width, height, fovYDeg });
  return { camera, faceDepth: centre[2] + distance - faceZ };
}

/** The point of a mesh's surface at texture coordinate (u, v) (the first triangle whose UVs contain it), or null. */
export function surfacePointAtUv(vertices: ArrayLike<number>, triangles: Uint32Array, cornerUvs: Float32Array, u: number, v: number): [number, number, number] | null {
  for (let t = 0; t < triangles.length / 3; t++) {
    const u0 = cornerUvs[t * 6]!, v0 = cornerUvs[t * 6 + 1]!, u1 = cornerUvs[t * 6 + 2]!, v1 = cornerUvs[t * 6 + 3]!, u2 = cornerUvs[t * 6 + 4]!, v2 = cornerUvs[t * 6 + 5]!;
    const det = (v1 - v2) * (u0 - u2) + (u2 - u1) * (v0 - v2);
    if (Math.abs(det) < 1e-14) continue;
    const a = ((v1 - v2) * (u - u2) + (u2 - u1) * (v - v2)) / det, b = ((v2 - v0) * (u - u2) + (u0 - u2) * (v - v2)) / det, c = 1 - a - b;
    if (a < 0 || b < 0 || c < 0) continue;
    const p: [number, number, number] = [0, 0, 0];
    for (let k = 0; k < 3; k++) p[k] = a * vertices[triangles[t * 3]! * 3 + k]! + b * vertices[triangles[t * 3 + 1]! * 3 + k]! + c * vertices[triangles[t * 3 + 2]! * 3 + k]!;
    return p;
  }
  return null;
}

/** Mouth corners of a body mesh in the template's UV layout: the ends of the painted lips (HM08_LIPS_UV) — the person's left (+X) first. */
export function uvMouthCorners(vertices: ArrayLike<number>, triangles: Uint32Array, cornerUvs: Float32Array): { left: [number, number, number]; right: [number, number, number] } {
  const L = HM08_LIPS_UV;
  const a = surfacePointAtUv(vertices, triangles, cornerUvs, L.u, L.v - L.halfV), b = surfacePointAtUv(vertices, triangles, cornerUvs, L.u, L.v + L.halfV);
  if (!a || !b) throw new Error('the lips UV ellipse is not on this mesh');
  return a[0] > b[0] ? { left: a, right: b } : { left: b, right: a };
}

/**
 * Mouth corners of an avatar as its colours show them: among the Gaussians within `radius` of `centre` (canonical
 * means N×3, colours N×3) and no more than `depth` behind it, those more lip- than skin-coloured (green/red ratio below the midpoint of the two
 * references'), and of those the mean of the `k` farthest towards +X (the person's left) and towards −X.
 */
export function colourMouthCorners(means: Float32Array, colors: Float32Array, centre: readonly number[], radius: number, lips: readonly number[], skin: readonly number[], depth: number, band: number, k = 3): { left: [number, number, number]; right: [number, number, number]; count: number } {
  const cut = (lips[1]! / lips[0]! + skin[1]! / skin[0]!) / 2;
  const picked: number[] = [];
  for (let i = 0; i < means.length / 3; i++) {
    const d = Math.hypot(means[i * 3]! - centre[0]!, means[i * 3 + 1]! - centre[1]!, means[i * 3 + 2]! - centre[2]!);
    // the face's front only: the mouth's inside and the cheeks' sides are not the lips
    if (d <= radius && Math.abs(means[i * 3 + 1]! - centre[1]!) <= band && means[i * 3 + 2]! >= centre[2]! - depth && colors[i * 3 + 1]! / Math.max(colors[i * 3]!, 1e-6) < cut) picked.push(i);
  }
  if (picked.length < 2 * k) throw new Error(`only ${picked.length} lip-coloured Gaussians near the mouth`);
  picked.sort((p, q) => means[p * 3]! - means[q * 3]!);
  const mean = (ids: number[]): [number, number, number] => [0, 1, 2].map((c) => ids.reduce((s, i) => s + means[i * 3 + c]!, 0) / ids.length) as [number, number, number];
  return { left: mean(picked.slice(-k)), right: mean(picked.slice(0, k)), count: picked.length };
}

/** A lip texel is at least this fraction of the lips' red (the painted lips are shaded down to 0.85 at their rim). */
const LIP_MIN_RED = 0.6;

/**
 * Mouth corners as a texture in the template's UV layout shows them: the texels around the lips (three times the
 * HM08_LIPS_UV ellipse) more lip- than skin-coloured (green/red ratio below the references' midpoint), and of
 * those the mean (u, v) of the `k` at either end along v (the face is laid out sideways: v runs across the mouth).
 */
export function textureMouthCorners(texture: FloatImage, lips: readonly number[], skin: readonly number[], k = 5): { ends: [[number, number], [number, number]]; count: number } {
  const L = HM08_LIPS_UV, W = texture.width, H = texture.height, C = texture.channels;
  const cut = (lips[1]! / lips[0]! + skin[1]! / skin[0]!) / 2;
  const picked: Array<[number, number]> = [];
  for (let y = Math.floor(H * (1 - L.v - 3 * L.halfV)); y <= Math.ceil(H * (1 - L.v + 3 * L.halfV)); y++)
    for (let x = Math.floor(W * (L.u - 3 * L.halfU)); x <= Math.ceil(W * (L.u + 3 * L.halfU)); x++) {
      const o = (y * W + x) * C;
      // lip-coloured and lit like the lips: the dark line between the lips and the nostrils' shadows are not corners
      if (texture.data[o + 1]! / Math.max(texture.data[o]!, 1e-6) < cut && texture.data[o]! > LIP_MIN_RED * lips[0]!) picked.push([(x + 0.5) / W, 1 - (y + 0.5) / H]);
    }
  if (picked.length < 2 * k) throw new Error(`only ${picked.length} lip-coloured texels around the lips`);
  picked.sort((a, b) => a[1] - b[1]);
  const mean = (s: Array<[number, number]>): [number, number] => [s.reduce((t, p) => t + p[0], 0) / s.length, s.reduce((t, p) => t + p[1], 0) / s.length];
  return { ends: [mean(picked.slice(0, k)), mean(picked.slice(-k))], count: picked.length };
}

/**
 * A subject folder's mouth corners as its texture shows them, on its own fitted body at rest with a neutral face
 * (metres, the person's left first): where the avatar's canonical face has its lips.
 */
export async function subjectMouthCorners(subjectDir: string, lips: readonly number[], skin: readonly number[]): Promise<{ left: [number, number, number]; right: [number, number, number]; texels: number }> {
  const body = loadBodyModel();
  const fit = JSON.parse(await readFile(join(subjectDir, 'fit/body.json'), 'utf8')) as { shape: number[] };
  const rest = body.shapedVertices64(fit.shape);
  const tex = await readImage(join(subjectDir, 'texture/texture.png'), 3);
  const c = textureMouthCorners(tex, lips, skin);
  const [a, b] = c.ends.map(([u, v]) => surfacePointAtUv(rest, body.triangles, body.cornerUvs, u, v));
  if (!a || !b) throw new Error('a mouth corner lies off the UV layout');
  return a[0] > b[0] ? { left: a, right: b, texels: c.count } : { left: b, right: a, texels: c.count };
}

/** Largest distance between corresponding mouth corners (metres). */
export function mouthCornerDistance(a: { left: number[]; right: number[] }, b: { left: number[]; right: number[] }): number {
  const d = (p: number[], q: number[]) => Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!, p[2]! - q[2]!);
  return Math.max(d(a.left, b.left), d(a.right, b.right));
}
