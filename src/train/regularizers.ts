/**
 * Laplacian regularizers of the avatar (PERSONA_RELEASE model.py: lap_mean, lap_mean_refined,
 * lap_scale, lap_rgb), over the subdivided mesh's neighbour graph:
 * - offsets: Laplacian of the mean offsets (= Laplacian of rest+offset minus that of the template), with
 *   per-vertex weight ×50 on the face and eyes and ×10 on the hands (PERSONA's weights);
 * - pose-driven offsets: Laplacian of the anchor offsets over the base mesh (where the MLP runs);
 * - scales (linear σ) and colours (sigmoid of the logits).
 */
import { PART_INDEX } from '../body/index.js';
import type { AvatarModel } from './model.js';
import { LAPLACIAN_PART_WEIGHTS, type TrainConfig } from './config.js';
import { laplacianLoss, type CsrGraph } from './laplacian.js';
import type { LossBreakdown } from './step.js';
import { sharedCopy, sharedFloat32, sharedFloat64 } from '../core/shared.js';


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

/** The regularizers' inputs and gradient outputs as plain arrays (so a worker can compute them). */
export interface RegularizerArrays {
  offset: Float32Array;
  /** ∂/∂offset is added here. */
  offsetGrad: Float32Array;
  logScale: Float32Array;
  logScaleGrad: Float32Array;
  rgbLogits: Float32Array;
  rgbGrad: Float32Array;
  anchorOffsets: Float32Array;
  /** ∂/∂anchorOffsets is added here. */
  dAnchorOffsets: Float32Array;
  anchorEnabled: ArrayLike<number>;
  gaussians: CsrGraph;
  anchors: CsrGraph;
  offsetWeights: Float32Array;
  weights: { offset: number; refinedOffset: number; scale: number; color: number };
  /** lap.offset, lap.poseOffset, lap.scale, lap.color are written here. */
  losses: Float64Array;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x)); // as AvatarModel.colors

/** Computes the four Laplacian regularizers on plain arrays (see the module comment). */
export function regularizerArrays(a: RegularizerArrays): void {
  const N = a.logScale.length, w = a.weights;
  a.losses[0] = laplacianLoss(a.offset, 3, a.gaussians, { vertexWeight: a.offsetWeights, scale: w.offset, grad: a.offsetGrad }).value;
  a.losses[1] = laplacianLoss(a.anchorOffsets, 3, a.anchors, { vertexWeight: a.anchorEnabled, scale: w.refinedOffset, grad: a.dAnchorOffsets }).value;
  // plain loops, not Float32Array.from(x, fn): V8's mapped `from` cost ~150 ms per step here (issue #23 profile)
  const sigma = new Float32Array(N);
  for (let i = 0; i < N; i++) sigma[i] = Math.exp(a.logScale[i]!);
  const dSigma = new Float32Array(N);
  a.losses[2] = laplacianLoss(sigma, 1, a.gaussians, { scale: w.scale, grad: dSigma }).value;
  for (let i = 0; i < N; i++) a.logScaleGrad[i] += dSigma[i]! * sigma[i]!;
  const rgb = new Float32Array(N * 3);
  for (let i = 0; i < N * 3; i++) rgb[i] = sigmoid(a.rgbLogits[i]!);
  const dRgb = new Float32Array(N * 3);
  a.losses[3] = laplacianLoss(rgb, 3, a.gaussians, { scale: w.color, grad: dRgb }).value;
  for (let i = 0; i < N * 3; i++) a.rgbGrad[i] += dRgb[i]! * rgb[i]! * (1 - rgb[i]!);
}

function lossBreakdown(l: Float64Array): LossBreakdown {
  return { 'lap.offset': l[0]!, 'lap.poseOffset': l[1]!, 'lap.scale': l[2]!, 'lap.color': l[3]! };
}

function lossWeights(cfg: TrainConfig): RegularizerArrays['weights'] {
  const L = cfg.loss;
  return { offset: L.laplacianOffset, refinedOffset: L.laplacianRefinedOffset, scale: L.laplacianScale, color: L.laplacianColor };
}

/**
 * Adds the regularizers' gradients into the model's parameter gradients; returns their values and the
 * gradient with respect to the anchor offsets (to pass to `AvatarModel.backward`).
 */
export function addRegularizers(model: AvatarModel, anchorOffsets: Float32Array, graphs: RegularizerGraphs, cfg: TrainConfig): { losses: LossBreakdown; dAnchorOffsets: Float32Array } {
  const dAnchorOffsets = new Float32Array(anchorOffsets.length), losses = new Float64Array(4);
  regularizerArrays({
    offset: model.offset.value as Float32Array, offsetGrad: model.offset.grad as Float32Array, logScale: model.logScale.value as Float32Array, logScaleGrad: model.logScale.grad as Float32Array,
    rgbLogits: model.rgb.value as Float32Array, rgbGrad: model.rgb.grad as Float32Array, anchorOffsets, dAnchorOffsets, anchorEnabled: model.template.anchorEnabled,
    gaussians: graphs.gaussians, anchors: graphs.anchors, offsetWeights: graphs.offsetWeights, weights: lossWeights(cfg), losses,
  });
  return { losses: lossBreakdown(losses), dAnchorOffsets };
}

/** Worker entry (splat startBackgroundTask). */
export function regularizerTask(a: RegularizerArrays): void {
  regularizerArrays(a);
}

const REGULARIZERS_MODULE = new URL('./regularizers.js', import.meta.url).href;
/** A shared Float32Array holding `src`'s values (also converts, e.g. the anchors' 0/1 flags). */
const sharedF32 = (src: ArrayLike<number>): Float32Array => { const a = sharedFloat32(src.length); a.set(src); return a; };
const sharedGraph = (g: CsrGraph): CsrGraph => ({ vertexCount: g.vertexCount, offsets: sharedCopy(g.offsets), neighbors: sharedCopy(g.neighbors) });
/** Shared copies of the constant inputs (graphs, weights) and the per-step buffers, per graph set. */
const sharedState = new WeakMap<RegularizerGraphs, Omit<RegularizerArrays, 'weights'>>();

/**
 * Starts the regularizers on a background worker (splat `startBackgroundTask`), so they run while the calling
 * thread computes the image losses; `finish()` waits and adds the gradients into the model (values and
 * gradients bit-identical to `addRegularizers`: the same kernels on the same values, added to zero). The
 * parameters must not change in between. Falls back to `addRegularizers` when `start` is null.
 */
export function startRegularizers(
  model: AvatarModel, anchorOffsets: Float32Array, graphs: RegularizerGraphs, cfg: TrainConfig,
  start: ((module: string, fn: string, arg: RegularizerArrays) => { wait(): void }) | null,
): { finish(): { losses: LossBreakdown; dAnchorOffsets: Float32Array } } {
  if (!start) {
    const r = addRegularizers(model, anchorOffsets, graphs, cfg);
    return { finish: () => r };
  }
  let st = sharedState.get(graphs);
  const N = model.n;
  if (!st || st.logScale.length !== N || st.anchorOffsets.length !== anchorOffsets.length) {
    const z = sharedFloat32;
    st = {
      offset: z(3 * N), offsetGrad: z(3 * N), logScale: z(N), logScaleGrad: z(N), rgbLogits: z(3 * N), rgbGrad: z(3 * N),
      anchorOffsets: z(anchorOffsets.length), dAnchorOffsets: z(anchorOffsets.length), anchorEnabled: sharedF32(model.template.anchorEnabled),
      gaussians: sharedGraph(graphs.gaussians), anchors: sharedGraph(graphs.anchors), offsetWeights: sharedF32(graphs.offsetWeights),
      losses: sharedFloat64(4),
    };
    sharedState.set(graphs, st);
  }
  st.offset.set(model.offset.value); st.logScale.set(model.logScale.value); st.rgbLogits.set(model.rgb.value); st.anchorOffsets.set(anchorOffsets);
  st.offsetGrad.fill(0); st.logScaleGrad.fill(0); st.rgbGrad.fill(0); st.dAnchorOffsets.fill(0);
  const task = start(REGULARIZERS_MODULE, 'regularizerTask', { ...st, weights: lossWeights(cfg) });
  const s = st;
  return {
    finish() {
      task.wait();
      const add = (dst: ArrayLike<number> & { [i: number]: number }, src: Float32Array) => { for (let i = 0; i < src.length; i++) dst[i] += src[i]!; };
      add(model.offset.grad, s.offsetGrad);
      add(model.logScale.grad, s.logScaleGrad);
      add(model.rgb.grad, s.rgbGrad);
      return { losses: lossBreakdown(s.losses), dAnchorOffsets: Float32Array.from(s.dAnchorOffsets) };
    },
  };
}
