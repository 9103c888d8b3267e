/**
 * The part boundary of geometry-weighted optimization (PERSONA §geometry-weighted optimization; code
 * main/model.py get_boundary): Sobel edges of a rendered rest-position map (each Gaussian coloured by its
 * template position, so part boundaries and self-occlusions show as jumps), thresholded, optionally with the
 * face interior removed, dilated by a square kernel sized from the person's silhouette. The step weights the
 * photo's image loss by the config's `loss.boundaryImage` (0.1) on these pixels and 1 elsewhere (step.ts); the
 * threshold and kernel ratio are the config's `sampling.boundaryThreshold` and `boundaryKernelRatio`.
 */
import { PersonaError } from '../core/errors.js';

/**
 * Per-pixel Sobel gradient magnitude, averaged over channels (kornia spatial_gradient, mode
 * 'sobel', normalized: kernels [−1 0 1; −2 0 2; −1 0 1]/8, replicate padding; then
 * ‖(g_x, g_y)‖ per channel and mean over channels). map: H×W×C; returns H×W.
 */
export function sobelMagnitude(map: ArrayLike<number>, width: number, height: number, channels: number): Float32Array {
  if (map.length !== width * height * channels) throw new PersonaError(`sobelMagnitude: ${map.length} values for ${width}×${height}×${channels}`);
  const out = new Float32Array(width * height);
  const C = channels;
  const at = (x: number, y: number, c: number) => {
    const cx = x < 0 ? 0 : x >= width ? width - 1 : x;
    const cy = y < 0 ? 0 : y >= height ? height - 1 : y;
    return map[(cy * width + cx) * C + c]!;
  };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let c = 0; c < C; c++) {
        const gx = (at(x + 1, y - 1, c) - at(x - 1, y - 1, c) + 2 * (at(x + 1, y, c) - at(x - 1, y, c)) + at(x + 1, y + 1, c) - at(x - 1, y + 1, c)) / 8;
        const gy = (at(x - 1, y + 1, c) - at(x - 1, y - 1, c) + 2 * (at(x, y + 1, c) - at(x, y - 1, c)) + at(x + 1, y + 1, c) - at(x + 1, y - 1, c)) / 8;
        s += Math.sqrt(gx * gx + gy * gy);
      }
      out[y * width + x] = s / C;
    }
  return out;
}

/**
 * Binary dilation by a k×k square (k odd), ignoring pixels outside the image (kornia
 * morphology.dilation with a flat kernel of ones). Separable: a row pass then a column pass.
 */
export function dilate(mask: Uint8Array, width: number, height: number, k: number): Uint8Array {
  if (!(Number.isInteger(k) && k >= 1 && k % 2 === 1)) throw new PersonaError(`dilate: kernel size must be an odd positive integer, got ${k}`);
  const r = (k - 1) / 2;
  const tmp = new Uint8Array(width * height), out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    let last = -Infinity; // running "last set pixel" scan, both directions
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x]) last = x;
      if (x - last <= r) tmp[y * width + x] = 1;
    }
    last = Infinity;
    for (let x = width - 1; x >= 0; x--) {
      if (mask[y * width + x]) last = x;
      if (last - x <= r) tmp[y * width + x] = 1;
    }
  }
  for (let x = 0; x < width; x++) {
    let last = -Infinity;
    for (let y = 0; y < height; y++) {
      if (tmp[y * width + x]) last = y;
      if (y - last <= r) out[y * width + x] = 1;
    }
    last = Infinity;
    for (let y = height - 1; y >= 0; y--) {
      if (tmp[y * width + x]) last = y;
      if (last - y <= r) out[y * width + x] = 1;
    }
  }
  return out;
}

/**
 * Dilation kernel size from the silhouette (code get_kernel_size): pixels with alpha > 0.9,
 * k = round(ratio × max(bbox height, bbox width)), +1 if even. Returns 0 for an empty silhouette.
 */
export function boundaryKernelSize(alpha: ArrayLike<number>, width: number, height: number, ratio: number): number {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (alpha[y * width + x]! > 0.9) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (x1 < 0) return 0;
  let k = Math.round(ratio * Math.max(y1 - y0 + 1, x1 - x0 + 1));
  if (k % 2 === 0) k += 1;
  return k;
}

/** Options of `partBoundary`. */
export interface PartBoundaryOptions {
  /** Sobel threshold (the config's `sampling.boundaryThreshold`; code cfg.boundary_thr = 0.02). */
  threshold: number;
  /**
   * The dilation kernel: `{ ratio, alpha }` sizes it from the silhouette (alpha H×W; the config's
   * `sampling.boundaryKernelRatio`), `{ size }` gives it (odd), `'none'` leaves the edges undilated.
   */
  kernel: { ratio: number; alpha: ArrayLike<number> } | { size: number } | 'none';
  /** Pixels to exclude before dilation (H×W, > 0.9 excluded), e.g. the face interior. */
  exclude?: ArrayLike<number>;
}

/** The part boundary (H×W, 1 on boundary pixels) of a rendered rest-position (or part-colour) map (H×W×C), and the kernel used. */
export function partBoundary(map: ArrayLike<number>, width: number, height: number, channels: number, opts: PartBoundaryOptions): { boundary: Uint8Array; kernelSize: number } {
  const mag = sobelMagnitude(map, width, height, channels);
  let b: Uint8Array = new Uint8Array(width * height);
  for (let p = 0; p < b.length; p++) b[p] = mag[p]! > opts.threshold && !(opts.exclude && opts.exclude[p]! > 0.9) ? 1 : 0;
  const kernel = opts.kernel;
  const k = kernel === 'none' ? 0 : 'size' in kernel ? kernel.size : boundaryKernelSize(kernel.alpha, width, height, kernel.ratio);
  if (k > 1) b = dilate(b, width, height, k);
  return { boundary: b, kernelSize: k };
}
