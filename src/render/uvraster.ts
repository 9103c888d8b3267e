/**
 * Rasterization in texture (UV) space: which triangle and barycentrics cover each texel of a
 * W×H texture, for baking procedural textures, unwrapping photos into the UV map and
 * visibility maps. Texel row 0 is v = 1 (OBJ v-up, as `sampleTexture`), texel (x, y) covers
 * u ∈ [x/W, (x+1)/W], v ∈ [1 − (y+1)/H, 1 − y/H], sampled at its centre.
 */
import type { Camera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';
import type { FloatImage } from '../core/image.js';
import { rasterizeMesh, type MeshRaster } from './raster.js';

/**
 * Rasterizes the UV layout (cornerUvs F×3×2) into a width×height grid. `triangleId` and
 * `bary` refer to the mesh triangles and their corners, exactly as a camera raster does, so
 * the same shading helpers apply. Overlapping UV islands: the first triangle wins.
 */
export function rasterizeUvSpace(cornerUvs: Float32Array, width: number, height: number, options: { supersample?: number } = {}): MeshRaster {
  if (cornerUvs.length % 6 !== 0) throw new PersonaError(`rasterizeUvSpace: cornerUvs length ${cornerUvs.length} is not F×3×2`);
  const corners = cornerUvs.length / 2;
  const positions = new Float32Array(corners * 3);
  for (let i = 0; i < corners; i++) {
    positions[i * 3] = cornerUvs[i * 2]!;
    positions[i * 3 + 1] = cornerUvs[i * 2 + 1]!;
    positions[i * 3 + 2] = 1;
  }
  const triangles = new Uint32Array(corners);
  for (let i = 0; i < corners; i++) triangles[i] = i;
  // x = W·u, y = H·(1 − v): an affine "camera" at depth 1.
  const camera: Camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: width, fy: -height, cx: 0, cy: height, width, height };
  return rasterizeMesh(positions, triangles, camera, { supersample: options.supersample, near: 0.5 });
}

/**
 * Fills texels outside `mask` (H×W, > 0 = valid) by repeatedly averaging valid neighbours
 * (8-connected), `iterations` rings deep, in place; the mask is updated. Used to pad UV
 * islands so that bilinear lookups near seams do not bleed the background in.
 */
export function dilateTexture(img: FloatImage, mask: Uint8Array | Float32Array, iterations = 4): void {
  const W = img.width, H = img.height, C = img.channels;
  if (mask.length !== W * H) throw new PersonaError(`dilateTexture: mask has ${mask.length} values for a ${W}×${H} image`);
  const valid = new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) valid[i] = mask[i]! > 0 ? 1 : 0;
  const acc = new Float64Array(C);
  for (let it = 0; it < iterations; it++) {
    const added: number[] = [];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        if (valid[i]) continue;
        let n = 0;
        acc.fill(0);
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= H) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= W || !valid[yy * W + xx]) continue;
            const o = (yy * W + xx) * C;
            for (let c = 0; c < C; c++) acc[c]! += img.data[o + c]!;
            n++;
          }
        }
        if (n === 0) continue;
        for (let c = 0; c < C; c++) img.data[i * C + c] = acc[c]! / n;
        added.push(i);
      }
    }
    if (added.length === 0) break;
    for (const i of added) valid[i] = 1;
  }
  for (let i = 0; i < W * H; i++) mask[i] = valid[i]!;
}
