/**
 * Triangle-mesh rasterizer (CPU, scanline-free bounding-box traversal with edge functions).
 *
 * - Camera: OpenCV pinhole from src/core/camera.ts; pixel centres at +0.5.
 * - Vertices are snapped to 1/256 pixel (RASTER_CONFIG.subpixelBits) so edge functions are
 *   exact integers held in doubles: shared edges are watertight and the top-left fill rule
 *   assigns every sample on a shared edge to exactly one triangle.
 * - Triangles are clipped against the near plane z = near in camera space (Sutherland–Hodgman),
 *   so triangles partly behind the camera draw correctly; ones fully behind are dropped.
 * - Barycentrics are perspective-correct and always refer to the ORIGINAL triangle's corners,
 *   also for clipped pieces.
 * - Optional supersampling: `supersample = S` also rasterizes an (S·W)×(S·H) sample grid whose
 *   coverage gives `alpha`, and which shading helpers average for anti-aliased images.
 */
import type { Camera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';

/** Named constants of the rasterizer. */
export const RASTER_CONFIG = {
  /** Sub-pixel precision of snapped vertex coordinates (bits); 8 as in common GPU rasterizers. */
  subpixelBits: 8,
  /** Default near-plane distance in metres (camera z). */
  near: 0.01,
  /** Largest supported supersampling factor per axis. */
  maxSupersample: 8,
} as const;

const SUB = 1 << RASTER_CONFIG.subpixelBits;
const HALF = SUB >> 1;

/** Which faces to drop: back faces are those whose CCW (OBJ) winding appears clockwise to the camera. */
export type CullMode = 'none' | 'back' | 'front';

/** Options of {@link rasterizeMesh}. */
export interface RasterOptions {
  /** Face culling; default 'none'. */
  cull?: CullMode;
  /** Near-plane distance (camera z, metres); default RASTER_CONFIG.near. */
  near?: number;
  /** Supersampling factor per axis (1 = none); alpha becomes the covered fraction of S×S samples. */
  supersample?: number;
  /** Render only these triangles (indices into `triangles`); default all. */
  triangleSubset?: Uint32Array | number[];
}

/** Per-sample buffers of one raster grid. */
export interface RasterBuffers {
  width: number;
  height: number;
  /** H×W index of the visible triangle, −1 where empty. */
  triangleId: Int32Array;
  /** H×W×3 perspective-correct barycentrics of the visible triangle (0 where empty). */
  bary: Float32Array;
  /** H×W camera-space depth z of the visible surface, +Infinity where empty. */
  depth: Float32Array;
}

/** Result of {@link rasterizeMesh}: buffers at pixel centres plus coverage. */
export interface MeshRaster extends RasterBuffers {
  /** H×W coverage in [0,1]: 0/1 without supersampling, covered fraction of S×S samples with it. */
  alpha: Float32Array;
  /** The supersampling factor used. */
  supersample: number;
  /** The (S·H)×(S·W) sample grid, present when supersample > 1 (sample (i,j) of pixel (x,y) is at x + (i+0.5)/S). */
  samples?: RasterBuffers;
}

/** Allocates empty raster buffers (triangleId −1, depth +∞). */
export function createRasterBuffers(width: number, height: number): RasterBuffers {
  const n = width * height;
  const triangleId = new Int32Array(n).fill(-1);
  const depth = new Float32Array(n).fill(Infinity);
  return { width, height, triangleId, bary: new Float32Array(n * 3), depth };
}

/**
 * Rasterizes a triangle mesh seen by `camera`.
 * @param positions V×3 world positions (metres).
 * @param triangles F×3 vertex indices.
 */
export function rasterizeMesh(
  positions: Float32Array | Float64Array,
  triangles: Uint32Array,
  camera: Camera,
  options: RasterOptions = {},
): MeshRaster {
  validate(positions, triangles, camera, options);
  const S = options.supersample ?? 1;
  const centre = createRasterBuffers(camera.width, camera.height);
  rasterizeInto(centre, positions, triangles, camera, 1, options);
  const n = camera.width * camera.height;
  const alpha = new Float32Array(n);
  if (S === 1) {
    for (let i = 0; i < n; i++) alpha[i] = centre.triangleId[i]! >= 0 ? 1 : 0;
    return { ...centre, alpha, supersample: 1 };
  }
  const samples = createRasterBuffers(camera.width * S, camera.height * S);
  rasterizeInto(samples, positions, triangles, camera, S, options);
  const W = camera.width, SW = W * S, inv = 1 / (S * S);
  for (let y = 0; y < camera.height; y++) {
    for (let x = 0; x < W; x++) {
      let count = 0;
      for (let j = 0; j < S; j++) {
        const row = (y * S + j) * SW + x * S;
        for (let i = 0; i < S; i++) if (samples.triangleId[row + i]! >= 0) count++;
      }
      alpha[y * W + x] = count * inv;
    }
  }
  return { ...centre, alpha, supersample: S, samples };
}

function validate(positions: Float32Array | Float64Array, triangles: Uint32Array, camera: Camera, options: RasterOptions): void {
  if (positions.length % 3 !== 0) throw new PersonaError(`rasterizeMesh: positions length ${positions.length} is not a multiple of 3`, { hint: 'Pass a flat V×3 array of world positions.' });
  if (triangles.length % 3 !== 0) throw new PersonaError(`rasterizeMesh: triangles length ${triangles.length} is not a multiple of 3`, { hint: 'Pass a flat F×3 array of vertex indices.' });
  const V = positions.length / 3;
  for (let i = 0; i < triangles.length; i++) {
    if (triangles[i]! >= V) throw new PersonaError(`rasterizeMesh: triangle corner ${i} refers to vertex ${triangles[i]} but there are only ${V} vertices`, { hint: 'Check that positions and triangles come from the same mesh.' });
  }
  if (!(Number.isInteger(camera.width) && Number.isInteger(camera.height) && camera.width > 0 && camera.height > 0 && camera.width <= 16384 && camera.height <= 16384)) {
    throw new PersonaError(`rasterizeMesh: camera size ${camera.width}×${camera.height} is invalid`, { hint: 'Width and height must be integers in 1..16384.' });
  }
  const S = options.supersample ?? 1;
  if (!(Number.isInteger(S) && S >= 1 && S <= RASTER_CONFIG.maxSupersample)) {
    throw new PersonaError(`rasterizeMesh: supersample ${S} is invalid`, { hint: `Use an integer in 1..${RASTER_CONFIG.maxSupersample}.` });
  }
  const near = options.near ?? RASTER_CONFIG.near;
  if (!(near > 0)) throw new PersonaError(`rasterizeMesh: near plane ${near} must be > 0`);
}

// Scratch for one clipped polygon: up to 4 vertices × [x, y, z (camera), B0, B1, B2].
const IN = new Float64Array(3 * 6);
const OUT = new Float64Array(4 * 6);

/**
 * Rasterizes into existing buffers at `scale` samples per pixel and axis (keeps the nearest
 * surface already there). Exposed for callers that composite several meshes into one grid.
 */
export function rasterizeInto(
  buf: RasterBuffers,
  positions: Float32Array | Float64Array,
  triangles: Uint32Array,
  camera: Camera,
  scale: number,
  options: RasterOptions = {},
): void {
  const R = camera.R, t = camera.t;
  const r0 = R[0]!, r1 = R[1]!, r2 = R[2]!, r3 = R[3]!, r4 = R[4]!, r5 = R[5]!, r6 = R[6]!, r7 = R[7]!, r8 = R[8]!;
  const t0 = t[0]!, t1 = t[1]!, t2 = t[2]!;
  const fx = camera.fx * scale, fy = camera.fy * scale, cx = camera.cx * scale, cy = camera.cy * scale;
  if (buf.width !== camera.width * scale || buf.height !== camera.height * scale) {
    throw new PersonaError(`rasterizeInto: buffer ${buf.width}×${buf.height} does not match camera ${camera.width}×${camera.height} at scale ${scale}`);
  }
  const near = options.near ?? RASTER_CONFIG.near;
  const cull = options.cull ?? 'none';
  const subset = options.triangleSubset;
  const count = subset ? subset.length : triangles.length / 3;
  for (let k = 0; k < count; k++) {
    const f = subset ? subset[k]! : k;
    // Camera-space corners with identity barycentric vectors.
    for (let c = 0; c < 3; c++) {
      const v = triangles[f * 3 + c]! * 3;
      const x = positions[v]!, y = positions[v + 1]!, z = positions[v + 2]!;
      const o = c * 6;
      IN[o] = r0 * x + r1 * y + r2 * z + t0;
      IN[o + 1] = r3 * x + r4 * y + r5 * z + t1;
      IN[o + 2] = r6 * x + r7 * y + r8 * z + t2;
      IN[o + 3] = c === 0 ? 1 : 0;
      IN[o + 4] = c === 1 ? 1 : 0;
      IN[o + 5] = c === 2 ? 1 : 0;
    }
    if (cull !== 'none') {
      // Camera-space normal n = (c1−c0)×(c2−c0); front-facing when n points at the camera (n·c0 < 0).
      const ax = IN[6]! - IN[0]!, ay = IN[7]! - IN[1]!, az = IN[8]! - IN[2]!;
      const bx = IN[12]! - IN[0]!, by = IN[13]! - IN[1]!, bz = IN[14]! - IN[2]!;
      const nx = ay * bz - az * by, ny = az * bx - ax * bz, nz = ax * by - ay * bx;
      const facing = nx * IN[0]! + ny * IN[1]! + nz * IN[2]!;
      if (cull === 'back' ? facing >= 0 : facing <= 0) continue;
    }
    const nv = clipNear(near);
    if (nv < 3) continue;
    // Project the polygon to snapped sample coordinates (in place: x, y become sub-sample units).
    for (let i = 0; i < nv; i++) {
      const o = i * 6, z = OUT[o + 2]!;
      OUT[o] = Math.round((fx * OUT[o]! / z + cx) * SUB);
      OUT[o + 1] = Math.round((fy * OUT[o + 1]! / z + cy) * SUB);
    }
    for (let i = 1; i + 1 < nv; i++) drawTriangle(buf, f, 0, i * 6, (i + 1) * 6);
  }
}

/** Clips the triangle in IN against z ≥ near into OUT; returns the vertex count (0, 3 or 4). */
function clipNear(near: number): number {
  let inside = 0;
  for (let c = 0; c < 3; c++) if (IN[c * 6 + 2]! >= near) inside++;
  if (inside === 3) {
    OUT.set(IN);
    return 3;
  }
  if (inside === 0) return 0;
  let n = 0;
  for (let c = 0; c < 3; c++) {
    const a = c * 6, b = ((c + 1) % 3) * 6;
    const za = IN[a + 2]!, zb = IN[b + 2]!;
    const ina = za >= near, inb = zb >= near;
    if (ina) {
      for (let k = 0; k < 6; k++) OUT[n * 6 + k] = IN[a + k]!;
      n++;
    }
    if (ina !== inb) {
      const s = (near - za) / (zb - za);
      for (let k = 0; k < 6; k++) OUT[n * 6 + k] = IN[a + k]! + s * (IN[b + k]! - IN[a + k]!);
      OUT[n * 6 + 2] = near;
      n++;
    }
  }
  return n;
}

/** Edge-function rasterization of one (sub-)triangle whose corners are rows of OUT. */
function drawTriangle(buf: RasterBuffers, triId: number, oa: number, ob: number, oc: number): void {
  let X0 = OUT[oa]!, Y0 = OUT[oa + 1]!;
  let X1 = OUT[ob]!, Y1 = OUT[ob + 1]!;
  let X2 = OUT[oc]!, Y2 = OUT[oc + 1]!;
  let area = (X1 - X0) * (Y2 - Y0) - (Y1 - Y0) * (X2 - X0);
  if (area === 0 || !Number.isFinite(area)) return;
  if (area < 0) {
    // Reorder so the edge functions are positive inside.
    const tb = ob; ob = oc; oc = tb;
    X1 = OUT[ob]!; Y1 = OUT[ob + 1]!; X2 = OUT[oc]!; Y2 = OUT[oc + 1]!;
    area = -area;
  }
  const W = buf.width, H = buf.height;
  const minX = Math.max(0, Math.ceil((Math.min(X0, X1, X2) - HALF) / SUB));
  const maxX = Math.min(W - 1, Math.floor((Math.max(X0, X1, X2) - HALF) / SUB));
  const minY = Math.max(0, Math.ceil((Math.min(Y0, Y1, Y2) - HALF) / SUB));
  const maxY = Math.min(H - 1, Math.floor((Math.max(Y0, Y1, Y2) - HALF) / SUB));
  if (minX > maxX || minY > maxY) return;
  // Edge i is opposite corner i: E0 over (v1→v2), E1 over (v2→v0), E2 over (v0→v1).
  // E(p) = (b.x−a.x)(p.y−a.y) − (b.y−a.y)(p.x−a.x); inward gradient (−(b.y−a.y), b.x−a.x).
  const dx0 = X2 - X1, dy0 = Y2 - Y1;
  const dx1 = X0 - X2, dy1 = Y0 - Y2;
  const dx2 = X1 - X0, dy2 = Y1 - Y0;
  // Top-left rule: a sample exactly on an edge belongs to this triangle when the edge's
  // inward normal points right, or straight down (y down) — i.e. a left or top edge.
  const bias0 = -dy0 > 0 || (dy0 === 0 && dx0 > 0) ? 0 : -1;
  const bias1 = -dy1 > 0 || (dy1 === 0 && dx1 > 0) ? 0 : -1;
  const bias2 = -dy2 > 0 || (dy2 === 0 && dx2 > 0) ? 0 : -1;
  const z0 = OUT[oa + 2]!, z1 = OUT[ob + 2]!, z2 = OUT[oc + 2]!;
  const iz0 = 1 / (z0 * area), iz1 = 1 / (z1 * area), iz2 = 1 / (z2 * area);
  const a0 = OUT[oa + 3]!, a1 = OUT[oa + 4]!, a2 = OUT[oa + 5]!;
  const b0 = OUT[ob + 3]!, b1 = OUT[ob + 4]!, b2 = OUT[ob + 5]!;
  const c0 = OUT[oc + 3]!, c1 = OUT[oc + 4]!, c2 = OUT[oc + 5]!;
  const px0 = minX * SUB + HALF, py0 = minY * SUB + HALF;
  let e0row = dx0 * (py0 - Y1) - dy0 * (px0 - X1);
  let e1row = dx1 * (py0 - Y2) - dy1 * (px0 - X2);
  let e2row = dx2 * (py0 - Y0) - dy2 * (px0 - X0);
  const sx0 = -dy0 * SUB, sx1 = -dy1 * SUB, sx2 = -dy2 * SUB;
  const sy0 = dx0 * SUB, sy1 = dx1 * SUB, sy2 = dx2 * SUB;
  const ids = buf.triangleId, depth = buf.depth, bary = buf.bary;
  for (let y = minY; y <= maxY; y++) {
    let e0 = e0row, e1 = e1row, e2 = e2row;
    let idx = y * W + minX;
    for (let x = minX; x <= maxX; x++, idx++) {
      if (e0 + bias0 >= 0 && e1 + bias1 >= 0 && e2 + bias2 >= 0) {
        const w0 = e0 * iz0, w1 = e1 * iz1, w2 = e2 * iz2;
        const z = 1 / (w0 + w1 + w2);
        if (z < depth[idx]!) {
          depth[idx] = z;
          ids[idx] = triId;
          const l0 = w0 * z, l1 = w1 * z, l2 = w2 * z;
          const o = idx * 3;
          bary[o] = l0 * a0 + l1 * b0 + l2 * c0;
          bary[o + 1] = l0 * a1 + l1 * b1 + l2 * c1;
          bary[o + 2] = l0 * a2 + l1 * b2 + l2 * c2;
        }
      }
      e0 += sx0; e1 += sx1; e2 += sx2;
    }
    e0row += sy0; e1row += sy1; e2row += sy2;
  }
}

/** Snaps a pixel coordinate to the rasterizer's sub-pixel grid (exposed for reference tests). */
export function snapToSubpixel(v: number): number {
  return Math.round(v * SUB) / SUB;
}
