/**
 * Push–pull hole filling (Gortler et al. 1996, "The Lumigraph", §3.3): unknown texels take a smooth
 * average of known ones, coarse-to-fine. Used to fill what neither the photo nor the mirror rule reached,
 * and to bleed colours across UV seams so bilinear lookups at island borders stay clean.
 */

/**
 * Fills texels with weight 0 in an H×W×C image from texels with weight > 0, in place.
 * `weights` (H×W) are confidences; filled texels keep weight 0 in the input array.
 */
export function pushPullFill(data: Float32Array, weights: Float32Array, width: number, height: number, channels: number): void {
  if (width <= 1 && height <= 1) return;
  const C = channels;
  // Pull: premultiplied, box-downsampled pyramid level with summed weights (clamped to 1).
  const w2 = Math.max(1, Math.ceil(width / 2)), h2 = Math.max(1, Math.ceil(height / 2));
  const coarse = new Float32Array(w2 * h2 * C), cw = new Float32Array(w2 * h2);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const w = weights[y * width + x]!;
      if (w <= 0) continue;
      const q = (y >> 1) * w2 + (x >> 1);
      cw[q]! += w;
      for (let c = 0; c < C; c++) coarse[q * C + c]! += w * data[(y * width + x) * C + c]!;
    }
  for (let q = 0; q < w2 * h2; q++) {
    if (cw[q]! > 0) for (let c = 0; c < C; c++) coarse[q * C + c]! /= cw[q]!;
    cw[q] = Math.min(1, cw[q]!);
  }
  let any = false;
  for (let q = 0; q < w2 * h2; q++) if (cw[q]! > 0) { any = true; break; }
  if (!any) return;
  if (w2 < width || h2 < height) pushPullFill(coarse, cw, w2, h2, C);
  // Push: blend the (now complete) coarse level into texels by their missing confidence.
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const w = Math.min(1, weights[p]!);
      if (w >= 1) continue;
      // bilinear sample of the coarse level at this texel's centre
      const fx = Math.min(Math.max((x + 0.5) / 2 - 0.5, 0), w2 - 1), fy = Math.min(Math.max((y + 0.5) / 2 - 0.5, 0), h2 - 1);
      const x0 = Math.floor(fx), y0 = Math.floor(fy), x1 = Math.min(x0 + 1, w2 - 1), y1 = Math.min(y0 + 1, h2 - 1);
      const ax = fx - x0, ay = fy - y0;
      for (let c = 0; c < C; c++) {
        const v =
          (coarse[(y0 * w2 + x0) * C + c]! * (1 - ax) + coarse[(y0 * w2 + x1) * C + c]! * ax) * (1 - ay) +
          (coarse[(y1 * w2 + x0) * C + c]! * (1 - ax) + coarse[(y1 * w2 + x1) * C + c]! * ax) * ay;
        data[p * C + c] = w * data[p * C + c]! + (1 - w) * v;
      }
    }
}

/** Cell sizes of the body-space fill (metres): horizontal 1 cm doubling per level, vertical a quarter of it. */
export const BODY_FILL = {
  baseCell: 0.01,
  levels: 7,
  /** Vertical cell = horizontal / this: colours are averaged around the body sooner than up and down it
   * (clothing changes mostly with height: hems, stripes, waistbands). */
  anisotropy: 4,
} as const;

/**
 * Fills unknown texels of the body from known texels that are near *on the body* (3D), not in the UV map:
 * a texel on the back takes the colours of the nearest seen surface of its own limb group (torso, arm, leg…)
 * at about the same height, found in a pyramid of anisotropic voxel grids (finest level that has any known
 * texel in the 3×3×3 cells around the texel's; their count-weighted mean). Texels with `group[q] < 0` (outside the UV islands) are left alone.
 * Returns the number of texels filled; their weights become 1 in `filled` (H×W, 0/1).
 */
export function bodySpaceFill(
  data: Float32Array, // N×3 RGB
  weights: Float32Array, // N, > 0 known
  positions: Float32Array, // N×3 surface points (metres, Y up)
  group: Int8Array, // N, limb group, −1 not on the body
  filled: Uint8Array, // N, out
): number {
  const N = weights.length;
  const L = BODY_FILL.levels;
  const cells: Array<Map<number, number>> = [];
  const sums: number[][] = [];
  const key = (q: number, l: number, dx = 0, dy = 0, dz = 0): number => {
    const h = BODY_FILL.baseCell * 2 ** l, v = h / BODY_FILL.anisotropy;
    const ix = Math.floor(positions[q * 3]! / h) + 1024 + dx, iy = Math.floor(positions[q * 3 + 1]! / v) + 4096 + dy, iz = Math.floor(positions[q * 3 + 2]! / h) + 1024 + dz;
    return ((group[q]! * 2048 + ix) * 8192 + iy) * 2048 + iz;
  };
  for (let l = 0; l < L; l++) {
    const map = new Map<number, number>(), sum: number[] = [];
    for (let q = 0; q < N; q++) {
      if (group[q]! < 0 || !(weights[q]! > 0)) continue;
      const k = key(q, l);
      let i = map.get(k);
      if (i === undefined) { i = sum.length / 4; map.set(k, i); sum.push(0, 0, 0, 0); }
      sum[i * 4]! += data[q * 3]!; sum[i * 4 + 1]! += data[q * 3 + 1]!; sum[i * 4 + 2]! += data[q * 3 + 2]!; sum[i * 4 + 3]! += 1;
    }
    cells.push(map); sums.push(sum);
  }
  let n = 0;
  for (let q = 0; q < N; q++) {
    if (group[q]! < 0 || weights[q]! > 0) continue;
    for (let l = 0; l < L; l++) {
      // the count-weighted mean over the 3×3×3 cells around the texel's (smooth across cell borders)
      let r = 0, g = 0, b = 0, w = 0;
      const s = sums[l]!, map = cells[l]!;
      for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) for (let dz = -1; dz <= 1; dz++) {
        const i = map.get(key(q, l, dx, dy, dz));
        if (i === undefined) continue;
        r += s[i * 4]!; g += s[i * 4 + 1]!; b += s[i * 4 + 2]!; w += s[i * 4 + 3]!;
      }
      if (w === 0) continue;
      data[q * 3] = r / w; data[q * 3 + 1] = g / w; data[q * 3 + 2] = b / w;
      filled[q] = 1; n++;
      break;
    }
  }
  return n;
}
