/**
 * The person's soft alpha matte with Robust Video Matting (RVM, MobileNetV3). Each photo
 * is matted on its own: the recurrent state starts at zero every call (no leakage from
 * the previous photo), so that a still photo gets the same matte every time.
 */
import { createImage, type FloatImage } from '../core/image.js';
import { MATTE_MAX_SIDE, MATTE_WORK_SIDE } from './config.js';
import { type Tf, tf } from './tfenv.js';
import type { Box } from './types.js';

/**
 * Mattes the region `crop` (integer pixel box) of `image` (1×H×W×3 tensor, 0–255) and
 * returns a full-size 1-channel alpha image (zero outside the crop).
 */
export async function matteRegion(model: Tf, image: Tf, crop: Box, width: number, height: number): Promise<FloatImage> {
  const t = tf();
  const [x0, y0, x1, y1] = crop;
  const cw = x1 - x0, ch = y1 - y0;
  // RVM's refiner runs at the resolution it is given: cap it, and upsample the alpha after.
  const s = Math.min(1, MATTE_MAX_SIDE / Math.max(cw, ch));
  const rw = Math.max(1, Math.round(cw * s)), rh = Math.max(1, Math.round(ch * s));
  const ratio = Math.min(1, MATTE_WORK_SIDE / Math.max(rw, rh));
  const inputs: Record<string, Tf> = {
    src: t.tidy(() => {
      const c = t.div(t.slice(image, [0, y0, x0, 0], [1, ch, cw, 3]), 255);
      return s < 1 ? t.image.resizeBilinear(c, [rh, rw], false, true) : c;
    }),
    r1i: t.tensor(0),
    r2i: t.tensor(0),
    r3i: t.tensor(0),
    r4i: t.tensor(0),
    downsample_ratio: t.tensor(ratio),
  };
  let pha: Tf;
  try {
    pha = await model.executeAsync(inputs, ['pha']);
  } finally {
    for (const v of Object.values(inputs)) v.dispose();
  }
  const full = s < 1 ? t.tidy(() => t.image.resizeBilinear(pha, [ch, cw], false, true)) : pha;
  const data = (await full.data()) as Float32Array; // 1×ch×cw×1
  pha.dispose();
  if (full !== pha) full.dispose();
  const out = createImage(width, height, 1, 0);
  for (let y = 0; y < ch; y++) {
    const row = (y + y0) * width + x0;
    for (let x = 0; x < cw; x++) {
      const a = data[y * cw + x]!;
      out.data[row + x] = a < 0 ? 0 : a > 1 ? 1 : a;
    }
  }
  return out;
}

/** Fraction of the image the matte covers (mean alpha) and the box of alpha ≥ 0.5. */
export function matteStats(mask: FloatImage): { coverage: number; box: Box | null } {
  let sum = 0, x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let y = 0; y < mask.height; y++)
    for (let x = 0; x < mask.width; x++) {
      const a = mask.data[y * mask.width + x]!;
      sum += a;
      if (a >= 0.5) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  return { coverage: sum / (mask.width * mask.height), box: x1 < 0 ? null : [x0, y0, x1 + 1, y1 + 1] };
}

/**
 * Keeps only the parts of the matte that belong to the chosen person: the 4-connected
 * regions of alpha ≥ 0.5 that contain one of `seeds` (the person's visible keypoints),
 * plus a `halo`-pixel band around them for the soft edge; everything else is zeroed in
 * place. Other people and objects inside the crop drop out. Returns the pixels zeroed.
 */
export function keepPersonRegions(mask: FloatImage, seeds: Array<[number, number]>, halo = 3): number {
  const W = mask.width, H = mask.height, a = mask.data;
  const keep = new Uint8Array(W * H);
  const stack: number[] = [];
  for (const [sx, sy] of seeds) {
    const x = Math.floor(sx), y = Math.floor(sy);
    if (x < 0 || y < 0 || x >= W || y >= H) continue;
    const i = y * W + x;
    if (keep[i] || a[i]! < 0.5) continue;
    keep[i] = 1;
    stack.push(i);
    while (stack.length) {
      const j = stack.pop()!;
      const jx = j % W, jy = (j - jx) / W;
      const visit = (k: number): void => {
        if (!keep[k] && a[k]! >= 0.5) (keep[k] = 1), stack.push(k);
      };
      if (jx > 0) visit(j - 1);
      if (jx < W - 1) visit(j + 1);
      if (jy > 0) visit(j - W);
      if (jy < H - 1) visit(j + W);
    }
  }
  // Distance-limited dilation (halo) by repeated 4-neighbour growth.
  let ring = keep;
  for (let step = 0; step < halo; step++) {
    const next = ring.slice();
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        if (ring[i]) continue;
        if ((x > 0 && ring[i - 1]) || (x < W - 1 && ring[i + 1]) || (y > 0 && ring[i - W]) || (y < H - 1 && ring[i + W])) next[i] = 1;
      }
    ring = next;
  }
  let zeroed = 0;
  for (let i = 0; i < W * H; i++)
    if (!ring[i] && a[i]! > 0) {
      a[i] = 0;
      zeroed++;
    }
  return zeroed;
}
