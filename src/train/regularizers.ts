/**
 * Laplacian regularizers of the avatar (PERSONA_RELEASE model.py: lap_mean, lap_mean_refined,
 * lap_scale, lap_rgb), over the subdivided mesh's neighbour graph:
 * - offsets: Laplacian of the mean offsets (= Laplacian of rest+offset minus that of the template), with
 *   per-vertex weight ×50 on the face and eyes and ×10 on the hands (PERSONA's weights);
 * - pose-driven offsets: Laplacian of the anchor offsets over the base mesh (where the MLP runs);
 * - scales (linear σ) and colours (sigmoid of the logits).
 */
import { PART_INDEX } from '../body/types.js';
import type { AvatarModel } from '../avatar/model.js';
import type { TrainConfig } from './config.js';
import { laplacianLoss, type CsrGraph } from './laplacian.js';
import type { LossBreakdown } from './step.js';

/** Per-vertex Laplacian weights on the offsets (PERSONA: face/eyes 50, hands 10, else 1). */
export const LAPLACIAN_PART_WEIGHTS = { faceEyes: 50, hands: 10, other: 1 } as const;

/** Per-Gaussian weights from part labels. */
export function offsetLaplacianWeights(parts: Uint8Array): Float32Array {
  return Float32Array.from(parts, (p) =>
    p === PART_INDEX.face || p === PART_INDEX.eyes ? LAPLACIAN_PART_WEIGHTS.faceEyes : p === PART_INDEX.leftHand || p === PART_INDEX.rightHand ? LAPLACIAN_PART_WEIGHTS.hands : LAPLACIAN_PART_WEIGHTS.other,
  );
}

/** Graphs the regularizers run on. */
export interface RegularizerGraphs {
  gaussians: CsrGraph;
  anchors: CsrGraph;
  offsetWeights: Float32Array;
}

/**
 * Adds the regularizers' gradients into the model's parameter gradients; returns their values and the
 * gradient with respect to the anchor offsets (to pass to `AvatarModel.backward`).
 */
export function addRegularizers(model: AvatarModel, anchorOffsets: Float32Array, graphs: RegularizerGraphs, cfg: TrainConfig): { losses: LossBreakdown; dAnchorOffsets: Float32Array } {
  const L = cfg.loss, N = model.n;
  const losses: LossBreakdown = {};
  losses['lap.offset'] = laplacianLoss(model.offset.value, 3, graphs.gaussians, { vertexWeight: graphs.offsetWeights, scale: L.laplacianOffset, grad: model.offset.grad }).value;
  const dAnchorOffsets = new Float32Array(anchorOffsets.length);
  losses['lap.poseOffset'] = laplacianLoss(anchorOffsets, 3, graphs.anchors, { vertexWeight: model.template.anchorEnabled, scale: L.laplacianRefinedOffset, grad: dAnchorOffsets }).value;
  const sigma = Float32Array.from(model.logScale.value, Math.exp);
  const dSigma = new Float32Array(N);
  losses['lap.scale'] = laplacianLoss(sigma, 1, graphs.gaussians, { scale: L.laplacianScale, grad: dSigma }).value;
  for (let i = 0; i < N; i++) model.logScale.grad[i] += dSigma[i]! * sigma[i]!;
  const rgb = model.colors('rgb');
  const dRgb = new Float32Array(N * 3);
  losses['lap.color'] = laplacianLoss(rgb, 3, graphs.gaussians, { scale: L.laplacianColor, grad: dRgb }).value;
  for (let i = 0; i < N * 3; i++) model.rgb.grad[i] += dRgb[i]! * rgb[i]! * (1 - rgb[i]!);
  return { losses, dAnchorOffsets };
}
