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
import { stepWeights, type TrainConfig } from './config.js';
import type { TrainingFrame } from './frame.js';
import { imageLoss, maskLoss, normalLoss, segLoss, depthLoss, l1Loss, getLossEngine, getLossThreads, setLossEngine, setLossThreads, type LossEngine } from './losses.js';
import { CHANNELS, type AvatarForward, type RenderGradients } from './model.js';
import { runTasks, type RasterResult } from '../splat/index.js';
import { isShared, sharedCopy, sharedFloat32, sharedFloat64 } from '../core/shared.js';

/** Loss values of one step, by name (already weighted). */
export type LossBreakdown = Record<string, number>;

/** Options that switch parts of the method off (ablations). */
export interface StepOptions {
  geometryWeighting: boolean;
  /** The two renders' losses on two threads at once (default false; see `frameLosses`). */
  parallelRenders?: boolean;
}

/** Copies `count` channels starting at `start` out of an H×W×C interleaved image. */
export function extractChannels(img: Float32Array, C: number, start: number, count: number, out: Float32Array = new Float32Array((img.length / C) * count)): Float32Array {
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
function composite(render: Float32Array, alpha: Float32Array, target: Float32Array, out: Float32Array = new Float32Array(render.length)): Float32Array {
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

function zeroGrads(P: number, shared = false): RenderGradients {
  const f32 = (n: number) => (shared ? sharedFloat32(n) : new Float32Array(n));
  return { image: f32(P * CHANNELS.count), alpha: f32(P), depth: f32(P) };
}

/**
 * Work images of this thread's render losses, by name, reused from step to step (a worker has its own module
 * instance, so its own set). The losses allocated ~15 frame-sized arrays per render; the garbage collector's
 * threads then took 0.1–0.2 CPU-s per step (docs/train-numerics.md). `zero` clears an accumulator; the others are
 * overwritten whole by their first use. None of them leaves `renderLosses`.
 */
const scratchImages = new Map<string, Float32Array>();
function scratch(name: string, length: number, zero = false): Float32Array {
  let b = scratchImages.get(name);
  if (!b || b.length !== length) scratchImages.set(name, (b = new Float32Array(length)));
  else if (zero) b.fill(0);
  return b;
}

/** The losses of one render, in the order they are reported (`handMask` has no render suffix). */
export const RENDER_LOSS_SLOTS = ['image', 'boundary', 'imageAux', 'mask', 'normal', 'seg', 'handMask', 'depth'] as const;

/** What the losses of one render read and write: plain arrays, so that a worker can compute them. */
export interface RenderLossJob {
  which: 'base' | 'refined';
  photo: boolean;
  geometryWeighting: boolean;
  width: number;
  height: number;
  /** The render: H×W×12 channels, alpha, expected depth (null when not rendered). */
  render: { image: Float32Array; alpha: Float32Array; depth: Float32Array | null };
  /** The frame: target RGB (H×W×3), matte, geometry targets, the photo's boundary mask (null elsewhere). */
  frame: { image: Float32Array; mask: Float32Array; normal: Float32Array; seg: Float32Array; depth: Float32Array; boundary: Uint8Array | null };
  loss: TrainConfig['loss'];
  /** Gradients with respect to the render's outputs (added into; zero on entry). */
  grads: RenderGradients;
  /** One value per RENDER_LOSS_SLOTS entry, NaN where the loss does not apply. */
  values: Float64Array;
  /**
   * Which of the render's losses to compute: `all` (default), `aux` (only the auxiliary colours' image loss of a
   * generated frame's refined render) or `main` (all but that one). `aux` writes only the aux channels of
   * `grads.image` and its own value slot, so `aux` and `main` of one render can run on two threads at once.
   */
  part?: 'all' | 'aux' | 'main';
}

/** The losses of one render (base or refined) of a frame, and their gradients (see the module comment). */
export function renderLosses(job: RenderLossJob): void {
  const L = job.loss, W = job.width, H = job.height, P = W * H, C = CHANNELS.count;
  const dims3 = { width: W, height: H, channels: 3 };
  const { photo, which, render: r, frame: f, grads: d } = job;
  const weights = stepWeights(L, photo ? 'photo' : 'generated', job.geometryWeighting);
  const v = job.values;
  const part = job.part ?? 'all';
  const slot = (name: (typeof RENDER_LOSS_SLOTS)[number], value: number): void => { v[RENDER_LOSS_SLOTS.indexOf(name)] = value; };
  if (part !== 'main') v[RENDER_LOSS_SLOTS.indexOf('imageAux')] = NaN;
  if (part === 'aux') {
    if (!photo && which === 'refined') slot('imageAux', auxImageLoss(job));
    return;
  }
  for (let i = 0; i < v.length; i++) if (part === 'all' || RENDER_LOSS_SLOTS[i] !== 'imageAux') v[i] = NaN;
  // image weights on the photo: boundaryImage on boundary pixels, 1 elsewhere
  const boundary = weights.useBoundaryWeights ? f.boundary : null;
  let imgWeight: Float32Array | undefined;
  if (boundary) {
    imgWeight = scratch('imgWeight', P); // a loop: Float32Array.from(boundary, fn) took ~70 ms per call in V8
    for (let p = 0; p < P; p++) imgWeight[p] = boundary[p] ? L.boundaryImage : 1;
  }
  const refinedScale = weights.refinedImage;
  const geoScale = weights.geometry;
  const rgb = extractChannels(r.image, C, CHANNELS.rgb, 3, scratch('rgb', P * 3));
  const I = composite(rgb, r.alpha, f.image, scratch('I', P * 3));
  const dI = scratch('dI', P * 3, true);
  const dRgb = scratch('dRgb', P * 3, true);
  const imgScale = which === 'base' ? 1 : refinedScale;
  slot('image', imageLoss(I, f.image, dims3, { weight: imgWeight, scale: imgScale, grad: dI, weights: { l1: L.imageL1, ssim: L.imageSsim } }).value);
  // photo boundaries: pull the main colours towards the auxiliary colours (PERSONA img_boundary)
  if (boundary) {
    const aux = extractChannels(r.image, C, CHANNELS.aux, 3, scratch('aux', P * 3));
    const Iaux = composite(aux, r.alpha, f.image, scratch('Iaux', P * 3));
    const Ib = scratch('Ib', P * 3, true), Tb = scratch('Tb', P * 3, true), dIb = scratch('dIb', P * 3, true);
    for (let p = 0; p < P; p++) if (boundary[p]) for (let c = 0; c < 3; c++) { Ib[p * 3 + c] = I[p * 3 + c]!; Tb[p * 3 + c] = Iaux[p * 3 + c]!; }
    slot('boundary', imageLoss(Ib, Tb, dims3, { grad: dIb, weights: { l1: L.imageL1, ssim: L.imageSsim } }).value);
    for (let p = 0; p < P; p++) if (boundary[p]) for (let c = 0; c < 3; c++) dI[p * 3 + c] += dIb[p * 3 + c]!;
  }
  compositeBackward(dI, f.image, dRgb, d.alpha);
  addChannels(d.image, C, CHANNELS.rgb, 3, dRgb);
  // generated frames: the auxiliary colours fit the generated video (refined render)
  if (part === 'all' && !photo && which === 'refined') slot('imageAux', auxImageLoss(job));
  // mask
  slot('mask', maskLoss(r.alpha, f.mask, { width: W, height: H }, { scale: L.mask, grad: d.alpha }).value);
  // geometry: normal + segmentation + depth
  const normals = extractChannels(r.image, C, CHANNELS.normal, 3, scratch('normals', P * 3));
  const valid = scratch('valid', P);
  for (let p = 0; p < P; p++) valid[p] = r.alpha[p]! > 0.5 && (f.normal[p * 3] !== 0 || f.normal[p * 3 + 1] !== 0 || f.normal[p * 3 + 2] !== 0) ? 1 : 0;
  const dN = scratch('dN', P * 3, true);
  slot('normal', normalLoss(normals, f.normal, { width: W, height: H }, { mask: valid, scale: geoScale * L.normal, grad: dN }).value);
  addChannels(d.image, C, CHANNELS.normal, 3, dN);
  const seg = extractChannels(r.image, C, CHANNELS.seg, 3, scratch('seg', P * 3));
  const dS = scratch('dS', P * 3, true);
  slot('seg', segLoss(seg, f.seg, dims3, { scale: geoScale * L.segmentation, grad: dS }).value);
  if (!photo && which === 'base') {
    // hand mask × 50 on generated frames: the rendered hand channel against the body's hand mask
    const hand = extractChannels(seg, 3, 1, 1, scratch('hand', P)), handT = extractChannels(f.seg, 3, 1, 1, scratch('handT', P)), dH = scratch('dH', P, true);
    slot('handMask', l1Loss(hand, handT, { width: W, height: H, channels: 1 }, { scale: L.handMask, grad: dH }).value);
    for (let p = 0; p < P; p++) dS[p * 3 + 1] += dH[p]!;
  }
  addChannels(d.image, C, CHANNELS.seg, 3, dS);
  if (r.depth) slot('depth', depthLoss(r.depth, f.depth, { width: W, height: H }, { scale: geoScale * L.depth, grad: d.depth }).value);
}

/** The auxiliary colours' image loss of a generated frame's refined render; adds its gradient to the aux channels. */
function auxImageLoss(job: RenderLossJob): number {
  const L = job.loss, W = job.width, H = job.height, P = W * H, C = CHANNELS.count;
  const { render: r, frame: f, grads: d } = job;
  const aux = extractChannels(r.image, C, CHANNELS.aux, 3, scratch('aux', P * 3));
  const Iaux = composite(aux, r.alpha, f.image, scratch('Iaux', P * 3));
  const dIa = scratch('dIa', P * 3, true), dAux = scratch('dAux', P * 3, true);
  const value = imageLoss(Iaux, f.image, { width: W, height: H, channels: 3 }, { grad: dIa, weights: { l1: L.imageL1, ssim: L.imageSsim } }).value;
  compositeBackward(dIa, f.image, dAux, null); // PERSONA detaches alpha in the aux render
  addChannels(d.image, C, CHANNELS.aux, 3, dAux);
  return value;
}

/** Worker entry (splat runTasks): one render's losses on one thread, with the caller's loss engine. */
export function renderLossTask(job: RenderLossJob & { engine: LossEngine }): void {
  setLossEngine(job.engine);
  setLossThreads(1); // this thread is one of the two; no nested bands
  renderLosses(job);
}

const STEP_MODULE = new URL('./step.js', import.meta.url).href;
/** Shared copies of a frame's arrays for the worker, reused while the size fits. */
let sharedFrame: { P: number; f: RenderLossJob['frame'] } | null = null;

function frameArrays(frame: TrainingFrame): RenderLossJob['frame'] {
  return { image: frame.image, mask: frame.mask, normal: frame.targets.normal, seg: frame.targets.seg, depth: frame.targets.depth, boundary: frame.boundary ?? null };
}

/** The frame's arrays in shared memory (copied each step into buffers reused across steps). */
function sharedFrameArrays(frame: TrainingFrame, P: number): RenderLossJob['frame'] {
  if (!sharedFrame || sharedFrame.P !== P) {
    const f32 = sharedFloat32;
    sharedFrame = { P, f: { image: f32(3 * P), mask: f32(P), normal: f32(3 * P), seg: f32(3 * P), depth: f32(P), boundary: new Uint8Array(new SharedArrayBuffer(P)) } };
  }
  const s = sharedFrame.f, a = frameArrays(frame);
  const share = <T extends Float32Array | Uint8Array>(src: T, dst: T): T => {
    if (isShared(src)) return src;
    dst.set(src);
    return dst;
  };
  return {
    image: share(a.image, s.image), mask: share(a.mask, s.mask), normal: share(a.normal, s.normal), seg: share(a.seg, s.seg), depth: share(a.depth, s.depth),
    boundary: a.boundary ? share(a.boundary, s.boundary!) : null,
  };
}

function renderArrays(r: RasterResult, shared: boolean): RenderLossJob['render'] {
  // the rasterizer's workspace lives in shared memory already (sharedCopy returns it as it is)
  const sh = (a: Float32Array): Float32Array => (shared ? sharedCopy(a) : a);
  return { image: sh(r.image), alpha: sh(r.alpha), depth: r.depth ? sh(r.depth) : null };
}

/**
 * Losses of one frame for the two renders, and the gradients with respect to each render's outputs.
 * With `parallelRenders`, the base render's losses run on the calling thread and the refined render's on
 * the splat worker pool (runTasks) at the same time, each on one thread; otherwise one after the other, the
 * SSIM split in row bands over the pool (losses.ts). The parallel path equals the serial one with
 * `setLossThreads(1)` bit for bit (the same code per render, on one thread each); against the default bands,
 * values and gradients agree to float32 rounding (a band's SSIM gradient is summed before it is added). Tested.
 */
export function frameLosses(fwd: AvatarForward, frame: TrainingFrame, cfg: TrainConfig, opts: StepOptions): { losses: LossBreakdown; dBase: RenderGradients; dRefined: RenderGradients } {
  const W = frame.width, H = frame.height, P = W * H;
  const photo = frame.kind === 'photo';
  const parallel = opts.parallelRenders === true;
  const jobs = ([['base', fwd.base.result], ['refined', fwd.refined.result]] as const).map(([which, r], k): RenderLossJob => {
    const shared = parallel && k === 1;
    return {
      which, photo, geometryWeighting: opts.geometryWeighting, width: W, height: H,
      render: renderArrays(r, shared),
      frame: shared ? sharedFrameArrays(frame, P) : frameArrays(frame),
      loss: cfg.loss,
      grads: zeroGrads(P, shared),
      values: shared ? sharedFloat64(RENDER_LOSS_SLOTS.length) : new Float64Array(RENDER_LOSS_SLOTS.length),
    };
  });
  if (parallel) {
    const engine = getLossEngine(), threads = getLossThreads();
    setLossThreads(1);
    try {
      // a generated frame's refined render has one image loss more (the aux colours): this thread takes it,
      // after the base render's losses, so the two threads finish at about the same time
      const balance = !photo;
      runTasks(STEP_MODULE, 'renderLossTask', [jobs[0]!, { ...jobs[1]!, part: balance ? ('main' as const) : ('all' as const) }].map((j) => ({ ...j, engine })), (j) => {
        renderLosses(j);
        if (balance) renderLosses({ ...jobs[1]!, part: 'aux' });
      });
    } finally {
      setLossThreads(threads);
    }
  } else for (const j of jobs) renderLosses(j);
  const losses: LossBreakdown = {};
  for (const j of jobs)
    RENDER_LOSS_SLOTS.forEach((name, i) => {
      const v = j.values[i]!;
      if (!Number.isNaN(v)) losses[name === 'handMask' ? name : `${name}.${j.which}`] = v;
    });
  return { losses, dBase: jobs[0]!.grads, dRefined: jobs[1]!.grads };
}
