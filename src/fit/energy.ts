/**
 * The fitting energy and its gradient with respect to the posed body (vertices and joints), for one
 * image: robust 2D keypoint reprojection, a two-sided silhouette term, and priors on pose, joint limits
 * and shape. The body's own backward pass (BodyPoser.backward) carries the gradient on to pose,
 * translation and shape.
 */
import type { Camera } from '../core/camera.js';
import type { KeypointAnchor } from '../body/index.js';
import { FIT_CONFIG } from './config.js';

/** A 2D observation of the image to fit. */
export interface FitTarget {
  /** 33 × [x, y, confidence] (BlazePose order). */
  keypoints: Array<[number, number, number]>;
  /** Person box height (pixels): the robust scale and normaliser. */
  heightPx: number;
  /** Matte (H×W in [0,1]) and its distance transforms, when the silhouette term is on. */
  silhouette?: {
    width: number;
    height: number;
    /** Distance to the matte (0 inside). */
    outside: Float32Array;
    /** Sampled matte pixels (x, y pairs) for the matte → model direction. */
    samples: Float32Array;
  };
}

/** Energy terms of one evaluation. */
export interface EnergyTerms {
  keypoints: number;
  silhouette: number;
  /** The silhouette's two halves: model vertices outside the matte, and matte pixels far from the model. */
  silhouetteOut?: number;
  silhouetteIn?: number;
  total: number;
}

/** Camera-space projection with its Jacobian rows. */
function project(cam: Camera, X: number, Y: number, Z: number, out: Float64Array): boolean {
  const R = cam.R, t = cam.t;
  const xc = R[0]! * X + R[1]! * Y + R[2]! * Z + t[0]!;
  const yc = R[3]! * X + R[4]! * Y + R[5]! * Z + t[1]!;
  const zc = R[6]! * X + R[7]! * Y + R[8]! * Z + t[2]!;
  if (zc < 1e-3) return false;
  out[0] = (cam.fx * xc) / zc + cam.cx;
  out[1] = (cam.fy * yc) / zc + cam.cy;
  out[2] = xc; out[3] = yc; out[4] = zc;
  return true;
}

/** Adds dE/d(world point) for dE/du, dE/dv at a projected point (out[] from `project`). */
function backProject(cam: Camera, p: Float64Array, gu: number, gv: number, grad: Float64Array, o: number): void {
  const R = cam.R, xc = p[2]!, yc = p[3]!, zc = p[4]!;
  const dxc = (gu * cam.fx) / zc, dyc = (gv * cam.fy) / zc, dzc = -(gu * cam.fx * xc + gv * cam.fy * yc) / (zc * zc);
  grad[o] += R[0]! * dxc + R[3]! * dyc + R[6]! * dzc;
  grad[o + 1] += R[1]! * dxc + R[4]! * dyc + R[7]! * dzc;
  grad[o + 2] += R[2]! * dxc + R[5]! * dyc + R[8]! * dzc;
}

/**
 * Evaluates the data terms for posed vertices/joints; accumulates gradients into gradVertices (V×3) and
 * gradJoints (J×3).
 */
export function dataEnergy(
  cam: Camera,
  anchors: KeypointAnchor[],
  vertices: Float64Array,
  joints: Float64Array,
  target: FitTarget,
  gradVertices: Float64Array,
  gradJoints: Float64Array,
  options: { silhouette: boolean; vertexWeights?: Float64Array },
): EnergyTerms {
  const W = FIT_CONFIG.weights;
  const s = FIT_CONFIG.robustScale * target.heightPx, s2 = s * s;
  const p = new Float64Array(5);
  let ekp = 0, csum = 0;
  for (let k = 0; k < anchors.length; k++) csum += target.keypoints[k]![2] >= FIT_CONFIG.minConfidence ? target.keypoints[k]![2] : 0;
  const norm = csum > 0 ? W.keypoints / csum : 0;
  for (let k = 0; k < anchors.length; k++) {
    const [x, y, c] = target.keypoints[k]!;
    if (c < FIT_CONFIG.minConfidence) continue;
    const a = anchors[k]!;
    const src = a.kind === 'joint' ? joints : vertices;
    const o = a.index * 3;
    if (!project(cam, src[o]!, src[o + 1]!, src[o + 2]!, p)) continue;
    const du = p[0]! - x, dv = p[1]! - y, r2 = du * du + dv * dv;
    // Geman–McClure: ρ = r²/(r² + s²) (unitless); dρ/dr² = s²/(r² + s²)²
    ekp += norm * c * (r2 / (r2 + s2));
    const g = (norm * c * 2 * s2) / ((r2 + s2) * (r2 + s2));
    backProject(cam, p, g * du, g * dv, a.kind === 'joint' ? gradJoints : gradVertices, o);
  }
  let esil = 0, esilOut = 0;
  const sil = target.silhouette;
  if (options.silhouette && sil) {
    const stride = FIT_CONFIG.silhouetteStride, V = vertices.length / 3;
    const h = target.heightPx;
    const count = Math.ceil(V / stride);
    const wOut = W.silhouette / count;
    // model → matte: vertices outside the matte are pulled in along the distance field
    const proj = new Float64Array(count * 2);
    const projOk = new Uint8Array(count);
    for (let q = 0, v = 0; v < V; v += stride, q++) {
      if (!project(cam, vertices[v * 3]!, vertices[v * 3 + 1]!, vertices[v * 3 + 2]!, p)) continue;
      projOk[q] = 1; proj[q * 2] = p[0]!; proj[q * 2 + 1] = p[1]!;
      const xi = Math.floor(p[0]!), yi = Math.floor(p[1]!);
      if (xi < 1 || yi < 1 || xi >= sil.width - 1 || yi >= sil.height - 1) continue;
      const d = sil.outside[yi * sil.width + xi]!;
      if (d <= 0) continue;
      const dn = d / h, wv = wOut * (options.vertexWeights ? options.vertexWeights[v]! : 1);
      esil += wv * dn * dn;
      esilOut += wv * dn * dn;
      const gx = (sil.outside[yi * sil.width + xi + 1]! - sil.outside[yi * sil.width + xi - 1]!) / 2;
      const gy = (sil.outside[(yi + 1) * sil.width + xi]! - sil.outside[(yi - 1) * sil.width + xi]!) / 2;
      const k = (wv * 2 * dn) / h;
      backProject(cam, p, k * gx, k * gy, gradVertices, v * 3);
    }
    // matte → model: each sampled matte pixel pulls its nearest projected vertex (chamfer), via a grid
    const cell = Math.max(4, Math.round(h / 40));
    const gw = Math.ceil(sil.width / cell), gh = Math.ceil(sil.height / cell);
    const heads = new Int32Array(gw * gh).fill(-1), next = new Int32Array(count).fill(-1);
    for (let q = 0; q < count; q++) {
      if (!projOk[q]) continue;
      const cx = Math.floor(proj[q * 2]! / cell), cy = Math.floor(proj[q * 2 + 1]! / cell);
      if (cx < 0 || cy < 0 || cx >= gw || cy >= gh) continue;
      next[q] = heads[cy * gw + cx]!; heads[cy * gw + cx] = q;
    }
    const S = sil.samples.length / 2, wIn = W.silhouetteIn / Math.max(1, S);
    for (let i = 0; i < S; i++) {
      const x = sil.samples[i * 2]!, y = sil.samples[i * 2 + 1]!;
      const cx = Math.floor(x / cell), cy = Math.floor(y / cell);
      let best = -1, bd = Infinity;
      for (let r = 0; r <= 3 && best < 0; r++)
        for (let yy = cy - r; yy <= cy + r; yy++)
          for (let xx = cx - r; xx <= cx + r; xx++) {
            if (xx < 0 || yy < 0 || xx >= gw || yy >= gh) continue;
            if (Math.max(Math.abs(xx - cx), Math.abs(yy - cy)) !== r) continue;
            for (let q = heads[yy * gw + xx]!; q >= 0; q = next[q]!) {
              const d = (proj[q * 2]! - x) ** 2 + (proj[q * 2 + 1]! - y) ** 2;
              if (d < bd) { bd = d; best = q; }
            }
          }
      if (best < 0) continue;
      const dn2 = bd / (h * h);
      esil += wIn * dn2;
      const v = best * stride;
      project(cam, vertices[v * 3]!, vertices[v * 3 + 1]!, vertices[v * 3 + 2]!, p);
      const k = (wIn * 2) / (h * h);
      backProject(cam, p, k * (p[0]! - x), k * (p[1]! - y), gradVertices, v * 3);
    }
  }
  return { keypoints: ekp, silhouette: esil, silhouetteOut: esilOut, silhouetteIn: esil - esilOut, total: ekp + esil };
}

/** Samples of the matte's boundary-adjacent interior (every `step` pixels) for the chamfer term. */
export function matteSamples(matte: ArrayLike<number>, width: number, height: number, step: number): Float32Array {
  const out: number[] = [];
  for (let y = step >> 1; y < height; y += step)
    for (let x = step >> 1; x < width; x += step) {
      const i = y * width + x;
      if (matte[i]! < 0.5) continue;
      // only near the outline: some neighbour `step` away is background
      const edge =
        (x - step < 0 || matte[i - step]! < 0.5) || (x + step >= width || matte[i + step]! < 0.5) ||
        (y - step < 0 || matte[i - step * width]! < 0.5) || (y + step >= height || matte[i + step * width]! < 0.5);
      if (edge) out.push(x + 0.5, y + 0.5);
    }
  return Float32Array.from(out);
}
