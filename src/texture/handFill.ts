/**
 * The rest of a seen hand from its own skin (texture stage 14). A hand the photo shows is seen on one side only, and the
 * fitted hand lies a few centimetres off the photo's: of the texels it samples, some show the skin and some what lies
 * beside or behind the photo's hand — a sleeve, the hat it rests on, the background. The unseen side was left to the
 * atlas-wide push–pull, which gave it the colours of the UV islands around the hands (man-jump-red's hands came out navy
 * from his beanie's texels; woman-stripes' black). Here a seen hand keeps only the texels that look like skin (`handSkin`)
 * and fills the rest from them, inside the hand: push–pull over the hand's own bounding box in the atlas, with only its
 * kept texels known. A hand with too few skin texels takes the skin tone.
 */
import { pushPullFill } from './fill.js';
import { FACE_FILL, median, skinLike } from './face.js';

/** How the hand fill went, per hand. */
export interface HandFillResult {
  /** Texels that were seen but do not look like skin (a sleeve, a hat, the background), refilled from the hand's skin. */
  leaks: number;
  /** Texels filled from the hand's skin texels (the unseen side and the leaks). */
  filled: number;
  /** Whether the hand had too few skin texels and took the skin tone throughout. */
  painted: boolean;
}

/**
 * Fills one seen hand in place: `texels` are its texel indices in a size×size×3 atlas `data`, `confidence` the unwrap's
 * (0 unknown). Texels known but not skin-like, and those unknown, take a push–pull blend of the hand's skin-like texels
 * and the confidence `fillConfidence`; with fewer than `minSamples` of those, the skin tone `skin`.
 */
export function fillHandFromItsSkin(
  data: Float32Array, confidence: Float32Array, size: number, texels: readonly number[],
  skin: readonly number[], minSamples: number, fillConfidence: number,
): HandFillResult {
  // the hand's own brightness: the median over its known texels of skin's hue (a face lit warmer and darker than the hands
  // would reject woman-red-dress-jump's pale hands), the skin tone's when it has too few
  const sum = (q: number): number => data[q * 3]! + data[q * 3 + 1]! + data[q * 3 + 2]!;
  const hue = texels.map((q) => confidence[q]! > 0 && skinHue(data.subarray(q * 3, q * 3 + 3), skin));
  const hueSums = texels.filter((_, i) => hue[i]).map(sum);
  const brightness = hueSums.length >= minSamples ? median(hueSums) : skin[0]! + skin[1]! + skin[2]!;
  const keep: number[] = [], refill: number[] = [];
  let leaks = 0;
  texels.forEach((q, i) => {
    if (hue[i] && nearBrightness(sum(q), brightness)) keep.push(q);
    else { refill.push(q); if (confidence[q]! > 0) leaks++; }
  });
  if (keep.length < minSamples) {
    for (const q of texels) { data.set(skin.slice(0, 3), q * 3); confidence[q] = fillConfidence; }
    return { leaks, filled: texels.length, painted: true };
  }
  // the hand's bounding box in the atlas, filled on its own (its neighbours' texels count as unknown)
  let x0 = size, y0 = size, x1 = -1, y1 = -1;
  for (const q of texels) { const x = q % size, y = (q / size) | 0; x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  const w = x1 - x0 + 1, h = y1 - y0 + 1;
  const box = new Float32Array(w * h * 3), weights = new Float32Array(w * h);
  const local = (q: number): number => (((q / size) | 0) - y0) * w + (q % size) - x0;
  for (const q of keep) { const b = local(q); weights[b] = 1; box.set(data.subarray(q * 3, q * 3 + 3), b * 3); }
  pushPullFill(box, weights, w, h, 3);
  for (const q of refill) { const b = local(q); data.set(box.subarray(b * 3, b * 3 + 3), q * 3); confidence[q] = fillConfidence; }
  return { leaks, filled: refill.length, painted: false };
}

/**
 * A hand texel of skin's hue: skin-like (face.ts) and redder than green by FACE_FILL.handRedExcess of its brightness. The
 * chromaticity locus alone takes grey-olive cloth for skin (man-coat-beard's hand in his sleeve kept the sleeve's olive: r ≈ g).
 */
export function skinHue(rgb: ArrayLike<number>, skin: readonly number[]): boolean {
  const s = rgb[0]! + rgb[1]! + rgb[2]!;
  return rgb[0]! - rgb[1]! >= FACE_FILL.handRedExcess * s && skinLike(rgb, skin);
}

/**
 * A hand texel that shows the skin: of skin's hue, and within FACE_FILL.handBrightness× of the hand's own `brightness`
 * (r + g + b). The hue alone takes brown hair for skin: woman-stripes' hand against her hair kept a dark-brown patch (a quarter
 * of her hand's brightness) and black fingertips blended from it.
 */
export function handSkin(rgb: ArrayLike<number>, skin: readonly number[], brightness: number): boolean {
  return nearBrightness(rgb[0]! + rgb[1]! + rgb[2]!, brightness) && skinHue(rgb, skin);
}

/** Whether a texel's r + g + b lies within FACE_FILL.handBrightness× of `brightness`. */
function nearBrightness(sum: number, brightness: number): boolean {
  const ratio = sum / Math.max(1e-6, brightness);
  return ratio >= FACE_FILL.handBrightness[0] && ratio <= FACE_FILL.handBrightness[1];
}
