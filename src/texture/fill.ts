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
