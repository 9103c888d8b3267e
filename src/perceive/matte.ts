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

/** Colour histogram side (levels per channel) of the hole test in `closeMatteHoles`. */
const HOLE_LEVELS = 16;

/**
 * Closes holes in the matte that the person encloses and that do not show background (issue #19: a tan
 * coat against a light wall lost a hand-sized patch inside the coat). A hole is a 4-connected region of
 * alpha < 0.5 that does not reach the image border. Its pixels are classified by colour against two
 * histograms (HOLE_LEVELS³ bins, each smoothed over its 3×3×3 neighbours): the person (alpha ≥ 0.9) and
 * the background (alpha ≤ 0.1, reaching the border); a hole where most pixels are more likely person than
 * background is set to alpha 1, a hole that shows background (between an arm and the torso) is kept.
 * Holes below `minPixels` are closed without the test (too few pixels to tell; matting noise).
 * Modifies `mask` in place; returns how many holes and pixels were closed and kept.
 */
export function closeMatteHoles(mask: FloatImage, image: FloatImage, minPixels = 16): { closed: number; closedPixels: number; kept: number; keptPixels: number } {
  const W = mask.width, H = mask.height, a = mask.data, ch = image.channels;
  const L = HOLE_LEVELS;
  const bin = (i: number): number => {
    const q = (c: number) => Math.min(L - 1, Math.max(0, Math.floor(image.data[i * ch + c]! * L)));
    return (q(0) * L + q(1)) * L + q(2);
  };
  // background reachable from the border (4-connected, alpha < 0.5)
  const label = new Int32Array(W * H).fill(-1); // -1 person, 0 outer background, k ≥ 1 hole k
  const stack: number[] = [];
  const flood = (seed: number, id: number): number[] => {
    const members: number[] = [];
    label[seed] = id; stack.push(seed);
    while (stack.length) {
      const j = stack.pop()!;
      members.push(j);
      const x = j % W, y = (j - x) / W;
      const visit = (k: number): void => { if (label[k] === -1 && a[k]! < 0.5) { label[k] = id; stack.push(k); } };
      if (x > 0) visit(j - 1);
      if (x < W - 1) visit(j + 1);
      if (y > 0) visit(j - W);
      if (y < H - 1) visit(j + W);
    }
    return members;
  };
  for (let x = 0; x < W; x++) for (const i of [x, (H - 1) * W + x]) if (label[i] === -1 && a[i]! < 0.5) flood(i, 0);
  for (let y = 0; y < H; y++) for (const i of [y * W, y * W + W - 1]) if (label[i] === -1 && a[i]! < 0.5) flood(i, 0);
  const holes: number[][] = [];
  for (let i = 0; i < W * H; i++) if (label[i] === -1 && a[i]! < 0.5) holes.push(flood(i, holes.length + 1));
  const result = { closed: 0, closedPixels: 0, kept: 0, keptPixels: 0 };
  if (holes.length === 0) return result;
  // colour histograms of the person and of the outer background
  const fg = new Float64Array(L * L * L), bg = new Float64Array(L * L * L);
  let nf = 0, nb = 0;
  for (let i = 0; i < W * H; i++) {
    if (a[i]! >= 0.9) { fg[bin(i)]++; nf++; } else if (label[i] === 0 && a[i]! <= 0.1) { bg[bin(i)]++; nb++; }
  }
  const smooth = (h: Float64Array, n: number): Float64Array => {
    const out = new Float64Array(h.length);
    for (let r = 0; r < L; r++) for (let g = 0; g < L; g++) for (let b = 0; b < L; b++) {
      let s = 0;
      for (let dr = -1; dr <= 1; dr++) for (let dg = -1; dg <= 1; dg++) for (let db = -1; db <= 1; db++) {
        const R = r + dr, G = g + dg, B = b + db;
        if (R < 0 || G < 0 || B < 0 || R >= L || G >= L || B >= L) continue;
        s += h[(R * L + G) * L + B]!;
      }
      out[(r * L + g) * L + b] = (s + 1e-3) / Math.max(1, n);
    }
    return out;
  };
  const pf = smooth(fg, nf), pb = smooth(bg, nb);
  for (const hole of holes) {
    let personLike = 0;
    for (const i of hole) if (pf[bin(i)]! > pb[bin(i)]!) personLike++;
    const close = hole.length < minPixels || nb === 0 || personLike > hole.length / 2;
    if (close) {
      for (const i of hole) a[i] = 1;
      result.closed++; result.closedPixels += hole.length;
    } else {
      result.kept++; result.keptPixels += hole.length;
    }
  }
  return result;
}
