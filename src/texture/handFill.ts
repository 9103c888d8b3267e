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
import { FACE_FILL, skinLike } from './face.js';

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
  const keep: number[] = [], refill: number[] = [];
  let leaks = 0;
  for (const q of texels) {
    const known = confidence[q]! > 0;
    if (known && handSkin(data.subarray(q * 3, q * 3 + 3), skin)) keep.push(q);
    else { refill.push(q); if (known) leaks++; }
  }
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
 * A hand texel that shows the skin: skin-like (face.ts), as bright as the skin tone within FACE_FILL.handBrightness, and
 * redder than green by FACE_FILL.handRedExcess of its brightness. The chromaticity locus alone takes brown hair and grey-olive
 * cloth for skin: woman-stripes' hand against her hair kept a dark-brown patch (a quarter of her skin's brightness) and
 * black fingertips blended from it; man-coat-beard's hand in his sleeve kept the sleeve's grey olive (r ≈ g).
 */
export function handSkin(rgb: ArrayLike<number>, skin: readonly number[]): boolean {
  const s = rgb[0]! + rgb[1]! + rgb[2]!;
  const ratio = s / Math.max(1e-6, skin[0]! + skin[1]! + skin[2]!);
  return ratio >= FACE_FILL.handBrightness[0] && ratio <= FACE_FILL.handBrightness[1] && rgb[0]! - rgb[1]! >= FACE_FILL.handRedExcess * s && skinLike(rgb, skin);
}
