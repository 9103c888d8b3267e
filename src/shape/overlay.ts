/**
 * `shape/overlay.png`: the proxy over the photo (tinted by material, silhouette agreement with the matte),
 * and the proxy alone from the front, side and back in its canonical pose — what a user checks first.
 */
import { lookAtCamera, type Camera } from '../core/camera.js';
import { createImage, type FloatImage } from '../core/image.js';
import { contactSheet, rasterizeMesh, renderShaded, resizeImage } from '../render/index.js';
import { BodyPoser } from '../body/index.js';
import type { BodyPose } from '../body/index.js';
import { PROXY_MATERIAL, type ClothedProxy } from './proxy.js';

/** Colours of the materials in pictures (skin tan, cloth blue, hair brown, template hands/face pink). */
export const MATERIAL_COLORS: Record<number, [number, number, number]> = {
  [PROXY_MATERIAL.skin]: [0.85, 0.72, 0.6],
  [PROXY_MATERIAL.cloth]: [0.45, 0.6, 0.9],
  [PROXY_MATERIAL.hair]: [0.55, 0.35, 0.2],
  [PROXY_MATERIAL.template]: [0.95, 0.6, 0.7],
};

/** Per-vertex material colours. */
export function materialColors(proxy: ClothedProxy): Float32Array {
  const c = new Float32Array(proxy.material.length * 3);
  for (let v = 0; v < proxy.material.length; v++) c.set(MATERIAL_COLORS[proxy.material[v]!]!, v * 3);
  return c;
}

/** Silhouette IoU of the proxy (posed) against the matte, seen by `camera` (matte at the camera's size). */
export function proxySilhouetteIoU(posed: Float32Array, triangles: Uint32Array, camera: Camera, matte: Float32Array): number {
  const r = rasterizeMesh(posed, triangles, camera, {});
  let inter = 0, union = 0;
  for (let p = 0; p < matte.length; p++) {
    const a = r.triangleId[p]! >= 0, b = matte[p]! >= 0.5;
    if (a && b) inter++;
    if (a || b) union++;
  }
  return union > 0 ? inter / union : 0;
}

/** The overlay sheet (see the module comment). */
export function proxyOverlay(proxy: ClothedProxy, photo: FloatImage, matte: FloatImage, camera: Camera, size = 512): FloatImage {
  const colors = materialColors(proxy);
  const scale = size / Math.max(photo.width, photo.height);
  const w = Math.round(photo.width * scale), h = Math.round(photo.height * scale);
  const cam: Camera = { ...camera, fx: camera.fx * scale, fy: camera.fy * scale, cx: camera.cx * scale, cy: camera.cy * scale, width: w, height: h };
  const small = resizeImage(photo, w, h), m = resizeImage(matte, w, h);
  const shaded = renderShaded(proxy.posed, proxy.model.triangles, cam, { vertexColors: colors, cull: 'back' });
  // photo | proxy blended over it, with matte-only pixels red and proxy-only pixels blue
  const over = createImage(w, h, 3);
  for (let p = 0; p < w * h; p++) {
    const a = shaded.alpha[p]!, inMatte = m.data[p]! >= 0.5;
    for (let c = 0; c < 3; c++) over.data[p * 3 + c] = small.data[p * 3 + c]! * (1 - 0.6 * a) + shaded.image.data[p * 3 + c]! * 0.6 * a;
    if (inMatte && a < 0.5) { over.data[p * 3] = 1; over.data[p * 3 + 1] = 0.1; over.data[p * 3 + 2] = 0.1; }
    if (!inMatte && a >= 0.5) { over.data[p * 3] = 0.1; over.data[p * 3 + 1] = 0.3; over.data[p * 3 + 2] = 1; }
  }
  const views = canonicalViews(proxy, colors, h);
  return contactSheet([small, over, ...views], { columns: 5, labels: ['photo', 'proxy (red: matte only, blue: proxy only)', 'front', 'side', 'back'], cellHeight: h });
}

/** Front, side and back renders of the proxy in its canonical pose. */
export function canonicalViews(proxy: ClothedProxy, colors: Float32Array, height: number, pose?: BodyPose): FloatImage[] {
  const model = proxy.model;
  const J = model.skeleton.names.length;
  const posed = new BodyPoser(model).forward({ shape: [], pose: pose ?? { rotations: new Float64Array(J * 3), translation: [0, 0, 0] } });
  const verts = Float32Array.from(posed.vertices);
  let lo = Infinity, hi = -Infinity, cx = 0, cz = 0;
  for (let v = 0; v < verts.length / 3; v++) { lo = Math.min(lo, verts[v * 3 + 1]!); hi = Math.max(hi, verts[v * 3 + 1]!); cx += verts[v * 3]!; cz += verts[v * 3 + 2]!; }
  cx /= verts.length / 3; cz /= verts.length / 3;
  const cy = (lo + hi) / 2, dist = 4.2;
  const width = Math.round(height * 0.6);
  const out: FloatImage[] = [];
  for (const angle of [0, Math.PI / 2, Math.PI]) {
    const eye: [number, number, number] = [cx + dist * Math.sin(angle), cy, cz + dist * Math.cos(angle)];
    const cam = lookAtCamera(eye, [cx, cy, cz], { width, height, focal: (height * dist) / ((hi - lo) * 1.15) });
    out.push(renderShaded(verts, model.triangles, cam, { vertexColors: colors, cull: 'back' }).image);
  }
  return out;
}
