/**
 * Shading on top of a MeshRaster: per-vertex and per-corner attribute interpolation,
 * texture sampling (OBJ v-up UVs), Lambert previews, vertex normals and label maps.
 * When the raster carries supersamples, colour images are averaged over the S×S samples
 * of each pixel (anti-aliased) and composited over the background.
 */
import type { Camera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';
import { createImage, type FloatImage } from '../core/image.js';
import { rasterizeMesh, type MeshRaster, type RasterBuffers, type RasterOptions } from './raster.js';

/**
 * A per-sample shader: writes `channels` values into `out` for triangle `tri` at barycentrics
 * (b0, b1, b2) of its corners.
 */
export type SampleShader = (tri: number, b0: number, b1: number, b2: number, out: Float32Array) => void;

/** Options shared by the image-producing helpers. */
export interface ShadeOptions {
  /** Background value per channel (or one for all); default 0. */
  background?: number | number[];
  /** Average over the raster's supersamples when present (default true). */
  antialias?: boolean;
}

/**
 * Runs `shader` on every covered sample and resolves to a `channels`-channel image: with
 * supersamples, each pixel is the mean over its S×S samples, empty samples taking the background.
 */
export function shadeRaster(raster: MeshRaster, channels: number, shader: SampleShader, options: ShadeOptions = {}): FloatImage {
  const bg = backgroundVector(options.background, channels);
  const img = createImage(raster.width, raster.height, channels, bg);
  const tmp = new Float32Array(channels);
  const src: RasterBuffers = options.antialias !== false && raster.samples ? raster.samples : raster;
  const S = src === raster ? 1 : raster.supersample;
  const W = raster.width, H = raster.height, SW = src.width;
  const acc = new Float64Array(channels);
  const inv = 1 / (S * S);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      acc.fill(0);
      let any = false;
      for (let j = 0; j < S; j++) {
        for (let i = 0; i < S; i++) {
          const s = (y * S + j) * SW + x * S + i;
          const tri = src.triangleId[s]!;
          if (tri < 0) {
            for (let c = 0; c < channels; c++) acc[c]! += bg[c]!;
            continue;
          }
          any = true;
          shader(tri, src.bary[s * 3]!, src.bary[s * 3 + 1]!, src.bary[s * 3 + 2]!, tmp);
          for (let c = 0; c < channels; c++) acc[c]! += tmp[c]!;
        }
      }
      if (!any) continue;
      const o = (y * W + x) * channels;
      for (let c = 0; c < channels; c++) img.data[o + c] = acc[c]! * inv;
    }
  }
  return img;
}

function backgroundVector(bg: number | number[] | undefined, channels: number): number[] {
  if (bg === undefined) return new Array<number>(channels).fill(0);
  if (typeof bg === 'number') return new Array<number>(channels).fill(bg);
  if (bg.length !== channels) throw new PersonaError(`background has ${bg.length} values but the image has ${channels} channels`);
  return bg;
}

/** Interpolates per-vertex attributes (V×C) over the visible surface → C-channel image. */
export function interpolateVertexAttributes(
  raster: MeshRaster,
  triangles: Uint32Array,
  attributes: Float32Array | Float64Array,
  channels: number,
  options: ShadeOptions = {},
): FloatImage {
  if (attributes.length % channels !== 0) throw new PersonaError(`vertex attributes length ${attributes.length} is not a multiple of ${channels} channels`);
  return shadeRaster(raster, channels, (tri, b0, b1, b2, out) => {
    const i0 = triangles[tri * 3]! * channels, i1 = triangles[tri * 3 + 1]! * channels, i2 = triangles[tri * 3 + 2]! * channels;
    for (let c = 0; c < channels; c++) out[c] = b0 * attributes[i0 + c]! + b1 * attributes[i1 + c]! + b2 * attributes[i2 + c]!;
  }, options);
}

/** Interpolates per-corner attributes (F×3×C, e.g. UVs with C = 2) → C-channel image. */
export function interpolateCornerAttributes(
  raster: MeshRaster,
  cornerAttributes: Float32Array | Float64Array,
  channels: number,
  options: ShadeOptions = {},
): FloatImage {
  return shadeRaster(raster, channels, (tri, b0, b1, b2, out) => {
    const o = tri * 3 * channels;
    for (let c = 0; c < channels; c++) {
      out[c] = b0 * cornerAttributes[o + c]! + b1 * cornerAttributes[o + channels + c]! + b2 * cornerAttributes[o + 2 * channels + c]!;
    }
  }, options);
}

/**
 * Bilinear texture lookup at UV (u right, v UP as in OBJ: v = 1 is the top row), clamped at
 * the borders. Writes `texture.channels` values into `out`.
 */
export function sampleTexture(texture: FloatImage, u: number, v: number, out: Float32Array | number[]): void {
  const W = texture.width, H = texture.height, ch = texture.channels, d = texture.data;
  const fx = Math.min(Math.max(u * W - 0.5, 0), W - 1);
  const fy = Math.min(Math.max((1 - v) * H - 0.5, 0), H - 1);
  const x0 = Math.floor(fx), y0 = Math.floor(fy);
  const x1 = x0 + 1 < W ? x0 + 1 : W - 1, y1 = y0 + 1 < H ? y0 + 1 : H - 1;
  const ax = fx - x0, ay = fy - y0;
  const w00 = (1 - ax) * (1 - ay), w10 = ax * (1 - ay), w01 = (1 - ax) * ay, w11 = ax * ay;
  const o00 = (y0 * W + x0) * ch, o10 = (y0 * W + x1) * ch, o01 = (y1 * W + x0) * ch, o11 = (y1 * W + x1) * ch;
  for (let c = 0; c < ch; c++) out[c] = w00 * d[o00 + c]! + w10 * d[o10 + c]! + w01 * d[o01 + c]! + w11 * d[o11 + c]!;
}

/** Area-weighted vertex normals (V×3, unit length; zero for unused vertices). */
export function computeVertexNormals(positions: Float32Array | Float64Array, triangles: Uint32Array): Float32Array {
  const V = positions.length / 3;
  const acc = new Float64Array(V * 3);
  for (let f = 0; f < triangles.length; f += 3) {
    const a = triangles[f]! * 3, b = triangles[f + 1]! * 3, c = triangles[f + 2]! * 3;
    const ux = positions[b]! - positions[a]!, uy = positions[b + 1]! - positions[a + 1]!, uz = positions[b + 2]! - positions[a + 2]!;
    const vx = positions[c]! - positions[a]!, vy = positions[c + 1]! - positions[a + 1]!, vz = positions[c + 2]! - positions[a + 2]!;
    // The cross product's length is twice the area: summing it weights by area.
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    for (const v of [a, b, c]) {
      acc[v]! += nx; acc[v + 1]! += ny; acc[v + 2]! += nz;
    }
  }
  const out = new Float32Array(V * 3);
  for (let v = 0; v < V; v++) {
    const x = acc[v * 3]!, y = acc[v * 3 + 1]!, z = acc[v * 3 + 2]!;
    const n = Math.hypot(x, y, z);
    if (n > 0) { out[v * 3] = x / n; out[v * 3 + 1] = y / n; out[v * 3 + 2] = z / n; }
  }
  return out;
}

/** Rotates world-space vectors (N×3) into the camera frame (x right, y down, z forward). */
export function toCameraFrame(vectors: Float32Array, camera: Camera): Float32Array {
  const R = camera.R, out = new Float32Array(vectors.length);
  for (let i = 0; i < vectors.length; i += 3) {
    const x = vectors[i]!, y = vectors[i + 1]!, z = vectors[i + 2]!;
    out[i] = R[0]! * x + R[1]! * y + R[2]! * z;
    out[i + 1] = R[3]! * x + R[4]! * y + R[5]! * z;
    out[i + 2] = R[6]! * x + R[7]! * y + R[8]! * z;
  }
  return out;
}

/** Options of {@link renderTextured}. */
export interface TexturedRenderOptions extends RasterOptions, ShadeOptions {
  /** Multiply the texture by Lambert shading with this camera-space light direction (towards the light). */
  light?: [number, number, number];
  /** Ambient term of the Lambert shading (default 0.35). */
  ambient?: number;
}

/** A colour render: RGB image, its coverage and the raster behind it. */
export interface MeshRender {
  image: FloatImage;
  alpha: Float32Array;
  raster: MeshRaster;
}

/**
 * Renders a UV-textured mesh: per-corner UVs (F×3×2, v up) looked up in `texture`
 * (RGB or RGBA; alpha ignored). Optionally Lambert-lit.
 */
export function renderTextured(
  positions: Float32Array | Float64Array,
  triangles: Uint32Array,
  cornerUvs: Float32Array,
  texture: FloatImage,
  camera: Camera,
  options: TexturedRenderOptions = {},
): MeshRender {
  if (cornerUvs.length !== triangles.length * 2) throw new PersonaError(`renderTextured: cornerUvs has ${cornerUvs.length} values, expected F×3×2 = ${triangles.length * 2}`);
  if (texture.channels < 3) throw new PersonaError(`renderTextured: texture has ${texture.channels} channels, need RGB`);
  const raster = rasterizeMesh(positions, triangles, camera, options);
  const texel = new Float32Array(texture.channels);
  const lit = options.light ? lambertFactors(positions, triangles, camera, options.light, options.ambient ?? 0.35) : undefined;
  const image = shadeRaster(raster, 3, (tri, b0, b1, b2, out) => {
    const o = tri * 6;
    const u = b0 * cornerUvs[o]! + b1 * cornerUvs[o + 2]! + b2 * cornerUvs[o + 4]!;
    const v = b0 * cornerUvs[o + 1]! + b1 * cornerUvs[o + 3]! + b2 * cornerUvs[o + 5]!;
    sampleTexture(texture, u, v, texel);
    let k = 1;
    if (lit) k = b0 * lit[triangles[tri * 3]!]! + b1 * lit[triangles[tri * 3 + 1]!]! + b2 * lit[triangles[tri * 3 + 2]!]!;
    out[0] = texel[0]! * k; out[1] = texel[1]! * k; out[2] = texel[2]! * k;
  }, options);
  return { image, alpha: raster.alpha, raster };
}

/** Per-vertex Lambert factor ambient + (1 − ambient)·max(0, n·l), normals in the camera frame. */
function lambertFactors(positions: Float32Array | Float64Array, triangles: Uint32Array, camera: Camera, light: [number, number, number], ambient: number): Float32Array {
  const n = toCameraFrame(computeVertexNormals(positions, triangles), camera);
  const len = Math.hypot(light[0], light[1], light[2]) || 1;
  const lx = light[0] / len, ly = light[1] / len, lz = light[2] / len;
  const out = new Float32Array(n.length / 3);
  for (let v = 0; v < out.length; v++) {
    const d = n[v * 3]! * lx + n[v * 3 + 1]! * ly + n[v * 3 + 2]! * lz;
    out[v] = ambient + (1 - ambient) * Math.max(0, d);
  }
  return out;
}

/** Options of {@link renderShaded}. */
export interface ShadedRenderOptions extends RasterOptions, ShadeOptions {
  /** Per-vertex RGB albedo (V×3); default light grey. */
  vertexColors?: Float32Array;
  /** Per-vertex normals (V×3, world); default computeVertexNormals. */
  normals?: Float32Array;
  /** Camera-space direction towards the light; default from upper-left front [−0.4, −0.5, −1]. */
  light?: [number, number, number];
  /** Ambient term (default 0.3). */
  ambient?: number;
  /** Flat shading (one normal per triangle) instead of smooth vertex normals. */
  flat?: boolean;
}

/** DEFAULT preview light: camera space (y down, z forward), towards upper-left and the viewer. */
export const DEFAULT_LIGHT: [number, number, number] = [-0.4, -0.5, -1];

/** Lambert-shaded preview of a mesh (smooth or flat), optionally with vertex colours. */
export function renderShaded(
  positions: Float32Array | Float64Array,
  triangles: Uint32Array,
  camera: Camera,
  options: ShadedRenderOptions = {},
): MeshRender {
  const raster = rasterizeMesh(positions, triangles, camera, options);
  const light = options.light ?? DEFAULT_LIGHT;
  const len = Math.hypot(light[0], light[1], light[2]) || 1;
  const lx = light[0] / len, ly = light[1] / len, lz = light[2] / len;
  const ambient = options.ambient ?? 0.3;
  const colors = options.vertexColors;
  const R = camera.R;
  let image: FloatImage;
  if (options.flat) {
    const F = triangles.length / 3, k = new Float32Array(F);
    for (let f = 0; f < F; f++) {
      const a = triangles[f * 3]! * 3, b = triangles[f * 3 + 1]! * 3, c = triangles[f * 3 + 2]! * 3;
      const ux = positions[b]! - positions[a]!, uy = positions[b + 1]! - positions[a + 1]!, uz = positions[b + 2]! - positions[a + 2]!;
      const vx = positions[c]! - positions[a]!, vy = positions[c + 1]! - positions[a + 1]!, vz = positions[c + 2]! - positions[a + 2]!;
      const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
      const nl = Math.hypot(nx, ny, nz) || 1;
      const cx = (R[0]! * nx + R[1]! * ny + R[2]! * nz) / nl, cy = (R[3]! * nx + R[4]! * ny + R[5]! * nz) / nl, cz = (R[6]! * nx + R[7]! * ny + R[8]! * nz) / nl;
      k[f] = ambient + (1 - ambient) * Math.max(0, cx * lx + cy * ly + cz * lz);
    }
    image = shadeRaster(raster, 3, (tri, b0, b1, b2, out) => {
      const s = k[tri]!;
      for (let c = 0; c < 3; c++) out[c] = s * (colors ? b0 * colors[triangles[tri * 3]! * 3 + c]! + b1 * colors[triangles[tri * 3 + 1]! * 3 + c]! + b2 * colors[triangles[tri * 3 + 2]! * 3 + c]! : 0.8);
    }, options);
  } else {
    const n = toCameraFrame(options.normals ?? computeVertexNormals(positions, triangles), camera);
    image = shadeRaster(raster, 3, (tri, b0, b1, b2, out) => {
      const i0 = triangles[tri * 3]! * 3, i1 = triangles[tri * 3 + 1]! * 3, i2 = triangles[tri * 3 + 2]! * 3;
      const nx = b0 * n[i0]! + b1 * n[i1]! + b2 * n[i2]!;
      const ny = b0 * n[i0 + 1]! + b1 * n[i1 + 1]! + b2 * n[i2 + 1]!;
      const nz = b0 * n[i0 + 2]! + b1 * n[i1 + 2]! + b2 * n[i2 + 2]!;
      const nl = Math.hypot(nx, ny, nz) || 1;
      const s = ambient + (1 - ambient) * Math.max(0, (nx * lx + ny * ly + nz * lz) / nl);
      for (let c = 0; c < 3; c++) out[c] = s * (colors ? b0 * colors[i0 + c]! + b1 * colors[i1 + c]! + b2 * colors[i2 + c]! : 0.8);
    }, options);
  }
  return { image, alpha: raster.alpha, raster };
}

/**
 * Per-pixel label of the visible surface from per-vertex labels: the label of the corner with
 * the largest barycentric (nearest vertex). Returns H×W Int16Array, −1 where empty.
 */
export function renderVertexLabels(raster: RasterBuffers, triangles: Uint32Array, vertexLabels: ArrayLike<number>): Int16Array {
  const n = raster.width * raster.height;
  const out = new Int16Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const tri = raster.triangleId[i]!;
    if (tri < 0) continue;
    const b0 = raster.bary[i * 3]!, b1 = raster.bary[i * 3 + 1]!, b2 = raster.bary[i * 3 + 2]!;
    const c = b0 >= b1 && b0 >= b2 ? 0 : b1 >= b2 ? 1 : 2;
    out[i] = vertexLabels[triangles[tri * 3 + c]!]!;
  }
  return out;
}

/** A fixed palette of well-separated colours (RGB in [0,1]) for label index k. */
export function labelColor(k: number): [number, number, number] {
  // Golden-angle hue walk with alternating lightness: distinct for neighbouring indices.
  const h = (k * 0.618033988749895) % 1;
  const l = k % 2 === 0 ? 0.55 : 0.4;
  return hslToRgb(h, 0.75, l);
}

/** Colourizes an H×W label map (−1 → background) into an RGB image. */
export function colorizeLabels(labels: Int16Array | Int32Array | Uint8Array, width: number, height: number, background: [number, number, number] = [1, 1, 1]): FloatImage {
  if (labels.length !== width * height) throw new PersonaError(`colorizeLabels: ${labels.length} labels for a ${width}×${height} image`);
  const img = createImage(width, height, 3, background);
  const cache = new Map<number, [number, number, number]>();
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i]!;
    if (k < 0) continue;
    let c = cache.get(k);
    if (!c) { c = labelColor(k); cache.set(k, c); }
    img.data[i * 3] = c[0]; img.data[i * 3 + 1] = c[1]; img.data[i * 3 + 2] = c[2];
  }
  return img;
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s, p = 2 * l - q;
  const f = (t: number): number => {
    t = ((t % 1) + 1) % 1;
    if (t < 1 / 6) return p + (q - p) * 6 * t;
    if (t < 1 / 2) return q;
    if (t < 2 / 3) return p + (q - p) * (2 / 3 - t) * 6;
    return p;
  };
  return [f(h + 1 / 3), f(h), f(h - 1 / 3)];
}

/** Depth image (1 channel, metres; `background` where empty) from a raster's pixel-centre depth. */
export function depthImage(raster: RasterBuffers, background = 0): FloatImage {
  const img = createImage(raster.width, raster.height, 1);
  for (let i = 0; i < raster.depth.length; i++) img.data[i] = raster.triangleId[i]! >= 0 ? raster.depth[i]! : background;
  return img;
}

/** Mask image (1 channel) from a raster's coverage. */
export function alphaImage(raster: MeshRaster): FloatImage {
  return { width: raster.width, height: raster.height, channels: 1, data: Float32Array.from(raster.alpha) };
}
