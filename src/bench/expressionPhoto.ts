/**
 * Synthetic subjects photographed with a facial expression (issue #25 tests and scripts/neutral-face-check.ts):
 * the subject in its photo pose with a named expression's units and jaw at a weight, and where a mesh or a
 * subject folder's texture puts the mouth corners (the ends of the template's lips in its UV layout).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HM08_LIPS_UV, NAMED_EXPRESSIONS, loadBodyModel, mixNamedExpressions, type BodyPose } from '../body/index.js';
import { readImage, type FloatImage } from '../core/image.js';
import { makeSubject, type SyntheticSubject } from './subjects.js';

/** Subject `id`'s pose with a named expression at `weight`: the pose (jaw opened) and the unit weights. */
export function expressivePose(s: SyntheticSubject, pose: BodyPose, expr: string, weight: number): { pose: BodyPose; expression: Float64Array } {
  if (!NAMED_EXPRESSIONS[expr]) throw new Error(`unknown named expression ${expr}`);
  const mix = mixNamedExpressions(s.model.expressionNames, { [expr]: weight });
  const jaw = s.model.skeleton.names.indexOf('jaw');
  const rotations = Float64Array.from(pose.rotations);
  if (jaw >= 0) rotations[jaw * 3] = rotations[jaw * 3]! + mix.jaw;
  return { pose: { ...pose, rotations }, expression: mix.weights };
}

/** Subject `id`'s photo (photo pose, framing camera, white background) with `expr` at `weight`. */
export function expressivePhoto(id: number, expr: string, weight: number): FloatImage {
  const s = makeSubject(id);
  const e = expressivePose(s, s.photoPose(), expr, weight);
  const posed = s.pose(e.pose, { expression: e.expression });
  return s.render(posed, s.frameCamera(posed), { supersample: 2, background: [1, 1, 1] }).image;
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
