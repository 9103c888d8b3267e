/**
 * The PERSONA objective of one training step, assembled from the named losses in losses.ts with the
 * weights of config.ts, following PERSONA_RELEASE avatar/main/model.py `forward(mode='train')`:
 *
 * photo ("captured"): image(base) with weight 0.1 on part boundaries and 1 elsewhere; image(refined)
 *   × 0.1 with the same weights; at boundaries, the main colours are pulled towards the auxiliary
 *   colours (learned from the generated frames) instead of the photo; geometry × 0.1.
 * generated: image(base) × 1; image(refined) × 0.1; auxiliary image(refined) × 1; geometry × 1;
 *   hand mask × 50.
 * both: mask L1 on alpha (× 1) for base and refined; geometry = normal + segmentation + 0.01·depth.
 * Without geometry weighting (ablation) the photo gets image weight 1 everywhere, refined × 1 and
 * geometry × 1, and no boundary term.
 *
 * Deviations (docs/avatar.md): no LPIPS (no perceptual network on the CPU); the auxiliary render shares
 * the fused rasterizer pass, so its image loss also reaches the geometry (PERSONA detaches it); the
 * hand-mask term compares the rendered hand segmentation channel with the fitted body's hand mask;
 * no face-patch, eye-mask or mouth terms.
 */
import type { TrainConfig } from './config.js';
import type { TrainingFrame } from './frame.js';
import { imageLoss, maskLoss, normalLoss, segLoss, depthLoss, l1Loss } from './losses.js';
import { CHANNELS, type AvatarForward, type RenderGradients } from '../avatar/model.js';
import type { RasterResult } from '../splat/index.js';

/** Loss values of one step, by name (already weighted). */
export type LossBreakdown = Record<string, number>;

/** Options that switch parts of the method off (ablations). */
export interface StepOptions {
  geometryWeighting: boolean;
}

/** Copies `count` channels starting at `start` out of an H×W×C interleaved image. */
export function extractChannels(img: Float32Array, C: number, start: number, count: number, out = new Float32Array((img.length / C) * count)): Float32Array {
  const P = img.length / C;
  for (let p = 0; p < P; p++) for (let c = 0; c < count; c++) out[p * count + c] = img[p * C + start + c]!;
  return out;
}

/** Adds a gradient of `count` channels back into an H×W×C interleaved gradient at `start`. */
export function addChannels(dImg: Float32Array, C: number, start: number, count: number, g: ArrayLike<number>): void {
  const P = dImg.length / C;
  for (let p = 0; p < P; p++) for (let c = 0; c < count; c++) dImg[p * C + start + c] += g[p * count + c]!;
}

/** Rendered colour composited over the target: I = render + target·(1 − α) (PERSONA `img_w_bg`). */
function composite(render: Float32Array, alpha: Float32Array, target: Float32Array): Float32Array {
  const out = new Float32Array(render.length);
  for (let p = 0; p < alpha.length; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = render[p * 3 + c]! + target[p * 3 + c]! * (1 - alpha[p]!);
  return out;
}

/** Back through `composite`: dRender = dI, dα −= Σ_c target_c·dI_c (if `alphaGrad`). */
function compositeBackward(dI: ArrayLike<number>, target: Float32Array, dRenderChannels: Float32Array, dAlpha: Float32Array | null): void {
  for (let p = 0; p < dRenderChannels.length / 3; p++) {
    let a = 0;
    for (let c = 0; c < 3; c++) { dRenderChannels[p * 3 + c] += dI[p * 3 + c]!; a += target[p * 3 + c]! * dI[p * 3 + c]!; }
    if (dAlpha) dAlpha[p] -= a;
  }
}

function zeroGrads(r: RasterResult): RenderGradients {
  const P = r.width * r.height;
  return { image: new Float32Array(P * CHANNELS.count), alpha: new Float32Array(P), depth: new Float32Array(P) };
}

/**
 * Losses of one frame for the two renders, and the gradients with respect to each render's outputs.
 */
export function frameLosses(fwd: AvatarForward, frame: TrainingFrame, cfg: TrainConfig, opts: StepOptions): { losses: LossBreakdown; dBase: RenderGradients; dRefined: RenderGradients } {
  const L = cfg.loss;
  const W = frame.width, H = frame.height, P = W * H;
  const dims3 = { width: W, height: H, channels: 3 };
  const losses: LossBreakdown = {};
  const photo = frame.kind === 'photo';
  const gw = opts.geometryWeighting;
  // image weights on the photo: boundaryImage on boundary pixels, 1 elsewhere
  let imgWeight: Float32Array | undefined;
  if (photo && gw && frame.boundary) imgWeight = Float32Array.from(frame.boundary, (b) => (b ? L.boundaryImage : 1));
  const refinedScale = photo && !gw ? 1 : L.refinedImage;
  const geoScale = photo ? (gw ? L.geometryPhoto : 1) : L.geometryGenerated;
  const out = { dBase: zeroGrads(fwd.base.result), dRefined: zeroGrads(fwd.refined.result) };
  const add = (name: string, v: number): void => { losses[name] = (losses[name] ?? 0) + v; };

  for (const [which, render, d] of [['base', fwd.base, out.dBase], ['refined', fwd.refined, out.dRefined]] as const) {
    const r = render.result, C = CHANNELS.count;
    const rgb = extractChannels(r.image, C, CHANNELS.rgb, 3);
    const I = composite(rgb, r.alpha, frame.image);
    const dI = new Float32Array(P * 3);
    const dRgb = new Float32Array(P * 3);
    const imgScale = which === 'base' ? 1 : refinedScale;
    const li = imageLoss(I, frame.image, dims3, { weight: imgWeight, scale: imgScale, grad: dI, weights: { l1: L.imageL1, ssim: L.imageSsim } });
    add(`image.${which}`, li.value);
    // photo boundaries: pull the main colours towards the auxiliary colours (PERSONA img_boundary)
    if (photo && gw && frame.boundary) {
      const aux = extractChannels(r.image, C, CHANNELS.aux, 3);
      const Iaux = composite(aux, r.alpha, frame.image);
      const Ib = new Float32Array(P * 3), Tb = new Float32Array(P * 3), dIb = new Float32Array(P * 3);
      for (let p = 0; p < P; p++) if (frame.boundary[p]) for (let c = 0; c < 3; c++) { Ib[p * 3 + c] = I[p * 3 + c]!; Tb[p * 3 + c] = Iaux[p * 3 + c]!; }
      const lb = imageLoss(Ib, Tb, dims3, { grad: dIb, weights: { l1: L.imageL1, ssim: L.imageSsim } });
      add(`boundary.${which}`, lb.value);
      for (let p = 0; p < P; p++) if (frame.boundary[p]) for (let c = 0; c < 3; c++) dI[p * 3 + c] += dIb[p * 3 + c]!;
    }
    compositeBackward(dI, frame.image, dRgb, d.alpha);
    addChannels(d.image, C, CHANNELS.rgb, 3, dRgb);
    // generated frames: the auxiliary colours fit the generated video (refined render)
    if (!photo && which === 'refined') {
      const aux = extractChannels(r.image, C, CHANNELS.aux, 3);
      const Iaux = composite(aux, r.alpha, frame.image);
      const dIa = new Float32Array(P * 3), dAux = new Float32Array(P * 3);
      const la = imageLoss(Iaux, frame.image, dims3, { grad: dIa, weights: { l1: L.imageL1, ssim: L.imageSsim } });
      add('imageAux.refined', la.value);
      compositeBackward(dIa, frame.image, dAux, null); // PERSONA detaches alpha in the aux render
      addChannels(d.image, C, CHANNELS.aux, 3, dAux);
    }
    // mask
    const lm = maskLoss(r.alpha, frame.mask, { width: W, height: H }, { scale: L.mask, grad: d.alpha });
    add(`mask.${which}`, lm.value);
    // geometry: normal + segmentation + depth
    const t = frame.targets;
    const normals = extractChannels(r.image, C, CHANNELS.normal, 3);
    const valid = new Float32Array(P);
    for (let p = 0; p < P; p++) valid[p] = r.alpha[p]! > 0.5 && (t.normal[p * 3] !== 0 || t.normal[p * 3 + 1] !== 0 || t.normal[p * 3 + 2] !== 0) ? 1 : 0;
    const dN = new Float32Array(P * 3);
    const ln = normalLoss(normals, t.normal, { width: W, height: H }, { mask: valid, scale: geoScale * L.normal, grad: dN });
    add(`normal.${which}`, ln.value);
    addChannels(d.image, C, CHANNELS.normal, 3, dN);
    const seg = extractChannels(r.image, C, CHANNELS.seg, 3);
    const dS = new Float32Array(P * 3);
    const ls = segLoss(seg, t.seg, dims3, { scale: geoScale * L.segmentation, grad: dS });
    add(`seg.${which}`, ls.value);
    if (!photo && which === 'base') {
      // hand mask × 50 on generated frames: the rendered hand channel against the body's hand mask
      const hand = extractChannels(seg, 3, 1, 1), handT = extractChannels(t.seg, 3, 1, 1), dH = new Float32Array(P);
      const lh = l1Loss(hand, handT, { width: W, height: H, channels: 1 }, { scale: L.handMask, grad: dH });
      add('handMask', lh.value);
      for (let p = 0; p < P; p++) dS[p * 3 + 1] += dH[p]!;
    }
    addChannels(d.image, C, CHANNELS.seg, 3, dS);
    if (r.depth) {
      const ld = depthLoss(r.depth, t.depth, { width: W, height: H }, { scale: geoScale * L.depth, grad: d.depth });
      add(`depth.${which}`, ld.value);
    }
  }
  return { losses, ...out };
}
