/**
 * Oriented square regions of an image (hand and face crops): a centre, a side and the image directions of the
 * crop's axes, the mapping between crop pixels and image pixels both ways, and bilinear resampling into a crop.
 * An axis pair with determinant −1 is a mirrored crop (the iris model sees the person's left eye mirrored).
 */
import { type FloatImage } from '../core/image.js';

/** An oriented square region: centre, side (pixels) and the image directions of the crop's x and y axes. */
export interface SquareRoi {
  cx: number;
  cy: number;
  size: number;
  /** Unit vector of the crop's x axis in the image. */
  ex: [number, number];
  /** Unit vector of the crop's y axis (down in the crop) in the image. */
  ey: [number, number];
}

/** Image position of crop pixel (px, py) of an S×S crop of `roi`. */
export function cropToImage(roi: SquareRoi, px: number, py: number, S: number): [number, number] {
  const u = px / S - 0.5, v = py / S - 0.5;
  return [roi.cx + roi.size * (u * roi.ex[0] + v * roi.ey[0]), roi.cy + roi.size * (u * roi.ex[1] + v * roi.ey[1])];
}

/** Crop pixel of an S×S crop of `roi` at image position (x, y): the inverse of cropToImage (orthonormal axes). */
export function imageToCrop(roi: SquareRoi, x: number, y: number, S: number): [number, number] {
  const dx = x - roi.cx, dy = y - roi.cy;
  const u = (dx * roi.ex[0] + dy * roi.ex[1]) / roi.size, v = (dx * roi.ey[0] + dy * roi.ey[1]) / roi.size;
  return [(u + 0.5) * S, (v + 0.5) * S];
}

/**
 * Resamples the oriented region into an S×S×3 crop (values in [0, 1], bilinear, zero
 * outside the image). `out` is reused when given.
 */
export function sampleRoi(image: FloatImage, roi: SquareRoi, S: number, out: Float32Array = new Float32Array(S * S * 3)): Float32Array {
  const W = image.width, H = image.height, C = image.channels, d = image.data;
  for (let py = 0; py < S; py++)
    for (let px = 0; px < S; px++) {
      const [x, y] = cropToImage(roi, px + 0.5, py + 0.5, S);
      // Bilinear with pixel centres at +0.5; outside the image reads as 0.
      const fx = x - 0.5, fy = y - 0.5;
      const x0 = Math.floor(fx), y0 = Math.floor(fy), ax = fx - x0, ay = fy - y0;
      const o = (py * S + px) * 3;
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let j = 0; j < 2; j++)
          for (let i = 0; i < 2; i++) {
            const xx = x0 + i, yy = y0 + j;
            if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
            acc += (i ? ax : 1 - ax) * (j ? ay : 1 - ay) * d[(yy * W + xx) * C + c]!;
          }
        out[o + c] = acc;
      }
    }
  return out;
}
