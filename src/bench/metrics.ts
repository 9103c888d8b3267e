/**
 * Image metrics of the synthetic benchmark: PSNR and SSIM of RGB images on a white background restricted
 * to a pixel mask (the union of the two silhouettes, or a labelled region), silhouette IoU and a
 * gradient-energy sharpness ratio. SSIM follows the 3DGS/PERSONA convention (11-tap Gaussian window,
 * σ = 1.5, C1 = 0.01², C2 = 0.03², per channel, zero padding) computed over the whole image and then
 * averaged over the mask, so that a region's score still sees its 5-pixel neighbourhood.
 */
import { PersonaError } from '../core/errors.js';
import { gaussianFilterJs, gaussianWindow, psnr, SSIM_C1, SSIM_C2 } from '../train/index.js';

/** Alpha (coverage) above which a pixel counts as inside a silhouette. */
export const SILHOUETTE_THRESHOLD = 0.5;

function check(name: string, a: ArrayLike<number>, n: number): void {
  if (a.length !== n) throw new PersonaError(`${name}: expected ${n} values, got ${a.length}`, { hint: 'images and masks must share width × height' });
}

/** 0/1 mask of alpha ≥ SILHOUETTE_THRESHOLD (H×W). */
export function silhouette(alpha: ArrayLike<number>): Uint8Array {
  const m = new Uint8Array(alpha.length);
  for (let i = 0; i < alpha.length; i++) m[i] = alpha[i]! >= SILHOUETTE_THRESHOLD ? 1 : 0;
  return m;
}

/** Intersection over union of two 0/1 masks (1 when both are empty). */
export function maskIoU(a: ArrayLike<number>, b: ArrayLike<number>): number {
  check('maskIoU', b, a.length);
  let inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! > 0, y = b[i]! > 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/** Pixelwise OR of 0/1 masks. */
export function unionMask(a: ArrayLike<number>, b: ArrayLike<number>): Uint8Array {
  check('unionMask', b, a.length);
  const m = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) m[i] = a[i]! > 0 || b[i]! > 0 ? 1 : 0;
  return m;
}

/** Pixelwise AND of 0/1 masks. */
export function intersectMask(a: ArrayLike<number>, b: ArrayLike<number>): Uint8Array {
  check('intersectMask', b, a.length);
  const m = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) m[i] = a[i]! > 0 && b[i]! > 0 ? 1 : 0;
  return m;
}

/** Number of set pixels of a mask. */
export function maskCount(m: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < m.length; i++) if (m[i]! > 0) n++;
  return n;
}

/** PSNR (dB, peak 1) of two W×H×3 images over the pixels of `mask`; NaN when the mask is empty. */
export function maskedPsnr(pred: ArrayLike<number>, target: ArrayLike<number>, width: number, height: number, mask: ArrayLike<number>): number {
  check('maskedPsnr mask', mask, width * height);
  if (maskCount(mask) === 0) return NaN;
  return psnr(pred, target, { width, height, channels: 3 }, mask);
}

/** Per-pixel SSIM map (mean over the 3 channels) of two W×H×3 images: H×W. */
export function ssimMap(pred: ArrayLike<number>, target: ArrayLike<number>, width: number, height: number): Float64Array {
  const P = width * height;
  check('ssimMap pred', pred, P * 3);
  check('ssimMap target', target, P * 3);
  const win = gaussianWindow();
  const x = new Float64Array(P), y = new Float64Array(P), t = new Float64Array(P), tmp = new Float64Array(P);
  const mx = new Float64Array(P), my = new Float64Array(P), sxx = new Float64Array(P), syy = new Float64Array(P), sxy = new Float64Array(P);
  const out = new Float64Array(P);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < P; p++) { x[p] = pred[p * 3 + c]!; y[p] = target[p * 3 + c]!; }
    gaussianFilterJs(x, mx, tmp, width, height, win);
    gaussianFilterJs(y, my, tmp, width, height, win);
    for (let p = 0; p < P; p++) t[p] = x[p]! * x[p]!;
    gaussianFilterJs(t, sxx, tmp, width, height, win);
    for (let p = 0; p < P; p++) t[p] = y[p]! * y[p]!;
    gaussianFilterJs(t, syy, tmp, width, height, win);
    for (let p = 0; p < P; p++) t[p] = x[p]! * y[p]!;
    gaussianFilterJs(t, sxy, tmp, width, height, win);
    for (let p = 0; p < P; p++) {
      const ux = mx[p]!, uy = my[p]!;
      const vx = sxx[p]! - ux * ux, vy = syy[p]! - uy * uy, cxy = sxy[p]! - ux * uy;
      out[p] += ((2 * ux * uy + SSIM_C1) * (2 * cxy + SSIM_C2)) / ((ux * ux + uy * uy + SSIM_C1) * (vx + vy + SSIM_C2)) / 3;
    }
  }
  return out;
}

/** Mean of a per-pixel map over a mask; NaN when the mask is empty. */
export function maskedMean(map: ArrayLike<number>, mask: ArrayLike<number>): number {
  check('maskedMean', mask, map.length);
  let s = 0, n = 0;
  for (let i = 0; i < map.length; i++) if (mask[i]! > 0) { s += map[i]!; n++; }
  return n === 0 ? NaN : s / n;
}

/** Mean gradient magnitude (forward differences of the channel mean) over a mask. */
export function gradientEnergy(img: ArrayLike<number>, width: number, height: number, mask: ArrayLike<number>): number {
  check('gradientEnergy', img, width * height * 3);
  let s = 0, n = 0;
  const lum = (p: number) => (img[p * 3]! + img[p * 3 + 1]! + img[p * 3 + 2]!) / 3;
  for (let y = 0; y < height - 1; y++) for (let x = 0; x < width - 1; x++) {
    const p = y * width + x;
    if (!(mask[p]! > 0)) continue;
    const l = lum(p);
    s += Math.hypot(lum(p + 1) - l, lum(p + width) - l);
    n++;
  }
  return n === 0 ? NaN : s / n;
}

/** a / b, NaN when b is 0 or not finite. */
function ratio(a: number, b: number): number {
  return b > 0 && Number.isFinite(b) ? a / b : NaN;
}

/** Scores of one rendered view against its ground truth. */
export interface ViewScores {
  /** PSNR over the union of both silhouettes (dB). */
  psnr: number;
  /** SSIM averaged over the union of both silhouettes. */
  ssim: number;
  /** PSNR over the whole image (white background included; comparable to papers that do so). */
  psnrFull: number;
  /** Silhouette IoU (alpha ≥ 0.5). */
  iou: number;
  /** Sharpness: mean gradient magnitude of the render / of the truth, inside the truth's silhouette. */
  sharpness: number;
  /** PSNR per labelled region (GT region pixels); NaN where a region is not visible. */
  regions: Record<string, number>;
}

/**
 * Scores a render against the truth. `regions` are 0/1 masks of the ground truth's labelled regions
 * (face, hands, clothing…); images are W×H×3 on the same (white) background.
 */
export function scoreView(
  pred: ArrayLike<number>, predAlpha: ArrayLike<number>, truth: ArrayLike<number>, truthMask: ArrayLike<number>,
  width: number, height: number, regions: Record<string, ArrayLike<number>> = {},
): ViewScores {
  const ps = silhouette(predAlpha), ts = silhouette(truthMask);
  const union = unionMask(ps, ts);
  const ssimMean = maskedMean(ssimMap(pred, truth, width, height), union);
  const out: ViewScores = {
    psnr: maskedPsnr(pred, truth, width, height, union),
    ssim: ssimMean,
    psnrFull: psnr(pred, truth, { width, height, channels: 3 }),
    iou: maskIoU(ps, ts),
    sharpness: ratio(gradientEnergy(pred, width, height, ts), gradientEnergy(truth, width, height, ts)),
    regions: {},
  };
  for (const [name, m] of Object.entries(regions)) out.regions[name] = maskedPsnr(pred, truth, width, height, m);
  return out;
}

/**
 * Mean distance (mm) between two rest shapes' vertices, each centred on its mean vertex; with `scaled`, `b` is
 * first scaled about its centre by the least-squares factor onto `a`.
 */
export function restDistanceMm(a: ArrayLike<number>, b: ArrayLike<number>, scaled = false): number {
  const V = a.length / 3;
  const ca = [0, 0, 0], cb = [0, 0, 0];
  for (let v = 0; v < V; v++) for (let c = 0; c < 3; c++) { ca[c]! += a[v * 3 + c]! / V; cb[c]! += b[v * 3 + c]! / V; }
  let k = 1;
  if (scaled) {
    let ab = 0, bb = 0;
    for (let v = 0; v < V; v++) for (let c = 0; c < 3; c++) { const y = b[v * 3 + c]! - cb[c]!; ab += (a[v * 3 + c]! - ca[c]!) * y; bb += y * y; }
    k = bb > 0 ? ab / bb : 1;
  }
  let s = 0;
  for (let v = 0; v < V; v++) {
    s += Math.hypot(a[v * 3]! - ca[0]! - k * (b[v * 3]! - cb[0]!), a[v * 3 + 1]! - ca[1]! - k * (b[v * 3 + 1]! - cb[1]!), a[v * 3 + 2]! - ca[2]! - k * (b[v * 3 + 2]! - cb[2]!));
  }
  return (1000 * s) / V;
}
