/**
 * The PERSONA avatar during training: learnable per-Gaussian parameters, the pose-driven offset network,
 * and one differentiable step "pose → Gaussians → fused render" with its backward pass.
 *
 * Per Gaussian (PERSONA §3, PERSONA_RELEASE avatar/common/nets/module.py): mean offset (3), log-scale (1,
 * isotropic), RGB logits (3), auxiliary RGB logits (3, what the generated frames see), part-segmentation
 * logits (3); opacity 1 and identity rotation are fixed. Pose-driven offsets: triplane features at the rest
 * position ++ 6D rotations of the body joints masked to the 4-ring of the main joint → MLP (group norm) →
 * ÷100, zero on hands, face and eyes. Skinning weights: the diffused volume sampled at 13 points.
 *
 * Each render is one fused rasterizer pass with 12 channels: rgb, aux rgb, normal (camera frame), seg;
 * plus expected depth. Two renders per step: base (offsets only) and refined (+ pose-driven offsets).
 */
import type { Camera } from '../core/camera.js';
import type { BodyPose } from '../body/index.js';
import { PART_INDEX } from '../body/index.js';
import { Rng } from '../core/rng.js';
import { axisAngleToMatrix, matrixTo6d } from '../core/rotation.js';
import { Triplane, PoseOffsetMlp, jointRingMask, poseConditionTable, type Param, type TriplaneTaps } from '../nn/index.js';
import { rasterize, rasterizeBackward, allocateGrads, RasterWorkspace, type GaussianSet, type RasterResult, type RasterGrads } from '../splat/index.js';
import { segOneHot, SEG_CHANNEL_COUNT } from '../avatar/segmentation.js';
import { skinningMatrices } from '../avatar/pose.js';
import { skinPointsPoseBackward } from '../body/index.js';
import { kinematicChainBackward } from '../body/index.js';
import type { VertexNormals } from '../avatar/normals.js';
import { buildSkinningVolume, sampleSkinningWeights, skinningParallel, type Parallel, type SkinningVolume } from '../body/index.js';
import type { GaussianTemplate } from '../avatar/template.js';
import { addBasisOffsets } from '../avatar/expression.js';
import { INITIAL_SCALE_FACTOR, INITIAL_SCALE_MAX_EDGE_RATIO, LOGIT_EPS } from './config.js';
import type { AvatarShape } from '../subject/index.js';
import { runTasks } from '../splat/index.js';
import { isShared, sharedCopy, sharedFloat32 as sharedF32, sharedFloat64 as sharedF64 } from '../core/shared.js';
import { CHANNELS, renderBackwardChain, renderForwardChain, type RenderBackwardJob, type RenderForwardJob } from './renderChain.js';

export { CHANNELS } from './renderChain.js';
/** The worker module of the per-render chains (`parallelRenders`). */
const CHAIN_MODULE = new URL('./renderChain.js', import.meta.url).href;
const logit = (x: number): number => {
  const c = Math.min(Math.max(x, LOGIT_EPS), 1 - LOGIT_EPS);
  return Math.log(c / (1 - c));
};
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** The joints whose rotations drive the pose offsets: the body joints (not root, fingers, face). */
export function poseInputJoints(names: string[], parents: ArrayLike<number>): number[] {
  const out: number[] = [];
  const isHand = (n: string): boolean => /hand|wrist/i.test(n);
  for (let j = 0; j < names.length; j++) {
    if (parents[j]! < 0) continue;
    if (/eye|jaw/i.test(names[j]!)) continue;
    let p = parents[j]!, underHand = false;
    while (p >= 0) { if (isHand(names[p]!)) { underHand = true; break; } p = parents[p]!; }
    if (!underHand) out.push(j);
  }
  return out;
}

/** One render of the avatar and what its backward pass needs. */
export interface AvatarRender {
  result: RasterResult;
  /** N×3 posed world means of this render. */
  means: Float32Array;
  /** N×3 canonical means (before LBS). */
  canonical: Float32Array;
  normals: VertexNormals;
}

/** The outputs of a forward step. */
export interface AvatarForward {
  camera: Camera;
  base: AvatarRender;
  refined: AvatarRender;
  /** A×3 anchor offsets (already ×outputScale×enabled). */
  anchorOffsets: Float32Array;
  /** J×12 skinning matrices of this pose. */
  skin: Float64Array;
  /** P·6 × J masked condition table (cond rows). */
  cond: Float32Array;
  /** The pose this forward used and its J×12 global joint transforms (for the pose gradient). */
  pose: BodyPose;
  world: Float64Array;
}

/** Gradients of the loss with respect to the frame's pose (per-frame pose refinement). */
export interface PoseGradient {
  /** J×3 axis-angle gradients. */
  rotations: Float64Array;
  /** Root translation gradient (3). */
  translation: Float64Array;
}

/** Gradients with respect to one render's Gaussians (as the rasterizer's backward returns them). */
export type GaussianGrads = Pick<RasterGrads, 'means' | 'scales' | 'features'>;

/** Gradients of the loss with respect to the two renders' outputs. */
export interface RenderGradients {
  image: Float32Array; // H×W×12
  alpha: Float32Array; // H×W
  depth: Float32Array; // H×W
}

/** Options of `AvatarModel.backward` / `backwardFromGaussians`. */
export interface BackwardOptions {
  poseOffsets?: boolean;
  dAnchorOffsets?: Float32Array;
  dPose?: PoseGradient;
  /** The refined render's per-render chain on a splat pool worker while this thread runs the base render's (bit-identical). */
  parallelRenders?: boolean;
}

/** The SharedArrayBuffer memory of the refined render's chain on a pool worker (`parallelRenders`). */
interface ParallelState {
  /** Shared copies of the template's triangles and Gaussian → anchor table. */
  triangles: Uint32Array;
  anchors: Uint32Array;
  anchorWeights: Float32Array;
  /** The refined render's canonical and posed means (N×3) and vertex normals (forward). */
  canonical: Float32Array;
  means: Float32Array;
  normals: VertexNormals;
  /** The refined render's rasterizer gradients (means and features shared). */
  grads: RasterGrads;
  /** The refined render's logit gradient terms, N×3 each, float64 (see renderChain.ts `renderBackwardTask`). */
  dRgb: Float64Array;
  dAux: Float64Array;
  dSeg: Float64Array;
  /** Its canonical-mean gradient (N×3) and anchor spread (A×3). */
  dCanon: Float32Array;
  dAnchor: Float32Array;
}

/** The trainable avatar. */
export class AvatarModel {
  readonly template: GaussianTemplate;
  readonly config: AvatarShape;
  readonly n: number;
  readonly offset: Param;
  readonly logScale: Param;
  readonly rgb: Param;
  readonly aux: Param;
  readonly seg: Param;
  readonly triplane: Triplane;
  readonly mlp: PoseOffsetMlp;
  readonly inputJoints: number[];
  /** Each anchor's main joint (argmax skinning weight) picks its condition row. */
  readonly anchorMainJoint: Int32Array;
  /** J×J: 1 where two joints are within 4 kinematic-tree hops (PERSONA's 4-ring). */
  readonly jointMask: Uint8Array;
  readonly triplaneTaps: TriplaneTaps;
  readonly triplaneCenter: [number, number, number];
  /** Hands and face keep the template skinning (PERSONA get_skinning_weight). */
  readonly keepTemplateSkin: Uint8Array;
  volume: SkinningVolume;
  skinJoints: Uint16Array;
  skinWeights: Float32Array;
  readonly influences: number;
  private readonly ws = { base: new RasterWorkspace(), refined: new RasterWorkspace() };
  private readonly scratch: {
    feats: Float32Array; // A×F
    dFeats: Float32Array;
    scales: Float32Array; // N
    features: Float32Array[]; // 2 × N×12
    dAnchor: Float32Array; // A×3
    dCanon: Float32Array; // N×3
    grads: Array<RasterGrads | undefined>; // base, refined
  };
  /** Shared memory of the refined render's chain on a pool worker (`parallelRenders`), allocated on first use. */
  private par?: ParallelState;

  /** The threads the skinning volume is built and sampled on (bit-identical to one thread). */
  private readonly parallel: Parallel;

  /** `threads`: for the skinning volume and its sampling (default `SKINNING_VOLUME.threads`, capped by the cores; 1 keeps them here). */
  constructor(template: GaussianTemplate, config: AvatarShape, seed: number, threads?: number) {
    this.template = template;
    this.parallel = skinningParallel(runTasks, threads);
    this.config = config;
    const N = (this.n = template.count);
    const A = template.anchorCount;
    const rng = new Rng(seed);
    this.offset = { name: 'avatar.offset', value: new Float32Array(N * 3), grad: new Float32Array(N * 3) };
    this.logScale = { name: 'avatar.logScale', value: initialLogScales(template), grad: new Float32Array(N) };
    const rgb = Float32Array.from(template.colors, logit);
    this.rgb = { name: 'avatar.rgb', value: rgb, grad: new Float32Array(N * 3) };
    this.aux = { name: 'avatar.aux', value: rgb.slice(), grad: new Float32Array(N * 3) };
    this.seg = { name: 'avatar.seg', value: Float32Array.from(segOneHot(template.parts), logit), grad: new Float32Array(N * SEG_CHANNEL_COUNT) };
    this.triplane = new Triplane({ channels: config.triplaneChannels, resolution: config.triplaneResolution, extent: config.triplaneExtent, name: 'avatar.triplane' });
    const { names, parents } = template.skeleton;
    this.inputJoints = poseInputJoints(names, parents);
    this.mlp = new PoseOffsetMlp({
      featDim: this.triplane.featDim,
      condDim: this.inputJoints.length * 6,
      hidden: config.mlpHidden,
      groups: config.mlpGroups,
      rng,
      name: 'avatar.mlp',
    });
    this.anchorMainJoint = mainJoints(template.anchorSkin.joints, template.anchorSkin.weights, template.anchorSkin.influences);
    this.jointMask = jointRingMask(parents);
    this.triplaneCenter = centroid(template.rest);
    this.triplaneTaps = this.triplane.taps(template.anchorRest, A, this.triplaneCenter);
    this.keepTemplateSkin = Uint8Array.from(template.parts, (p) =>
      p === PART_INDEX.leftHand || p === PART_INDEX.rightHand || p === PART_INDEX.face || p === PART_INDEX.eyes || p === PART_INDEX.head ? 1 : 0,
    );
    this.influences = template.skin.influences;
    this.volume = buildSkinningVolume(template.rest, template.skin, names.length, { parallel: this.parallel });
    const w = this.sampleSkin();
    // in shared memory, so that the pool worker of `parallelRenders` reads them without a copy per step
    this.skinJoints = sharedCopy(w.joints);
    this.skinWeights = sharedCopy(w.weights);
    this.scratch = {
      feats: new Float32Array(A * this.triplane.featDim),
      dFeats: new Float32Array(A * this.triplane.featDim),
      scales: new Float32Array(N),
      features: [new Float32Array(N * CHANNELS.count), sharedF32(N * CHANNELS.count)], // the refined one: read and written by a worker
      dAnchor: new Float32Array(A * 3),
      dCanon: new Float32Array(N * 3),
      grads: [],
    };
  }

  /** Every learnable tensor with its Adam group name. */
  paramGroups(): Array<{ group: 'offset' | 'scale' | 'color' | 'segmentation' | 'triplane' | 'mlp'; params: Param[] }> {
    return [
      { group: 'offset', params: [this.offset] },
      { group: 'scale', params: [this.logScale] },
      { group: 'color', params: [this.rgb, this.aux] },
      { group: 'segmentation', params: [this.seg] },
      { group: 'triplane', params: this.triplane.params() },
      { group: 'mlp', params: this.mlp.params() },
    ];
  }

  /** All learnable tensors. */
  params(): Param[] {
    return this.paramGroups().flatMap((g) => g.params);
  }

  /** Re-samples skinning weights from the diffused volume at the current canonical positions. */
  resampleSkinning(): void {
    const w = this.sampleSkin();
    this.skinJoints = sharedCopy(w.joints);
    this.skinWeights = sharedCopy(w.weights);
  }

  /** The shared buffers of `parallelRenders` (allocated once per model). */
  private parallelState(): ParallelState {
    if (this.par) return this.par;
    const t = this.template, N = this.n, C = CHANNELS.count;
    const grads: RasterGrads = {
      means: sharedF32(3 * N), scales: new Float32Array(N), rotations: new Float32Array(4 * N), opacities: new Float32Array(N), features: sharedF32(N * C),
    };
    return (this.par = {
      triangles: sharedCopy(t.triangles), anchors: sharedCopy(t.gaussianAnchors), anchorWeights: sharedCopy(t.gaussianAnchorWeights),
      canonical: sharedF32(3 * N), means: sharedF32(3 * N), normals: { raw: sharedF64(3 * N), normals: sharedF32(3 * N) }, grads,
      dRgb: sharedF64(3 * N), dAux: sharedF64(3 * N), dSeg: sharedF64(3 * N), dCanon: sharedF32(3 * N), dAnchor: sharedF32(3 * t.anchorCount),
    });
  }

  private sampleSkin() {
    const N = this.n, pos = new Float32Array(N * 3), sig = new Float32Array(N);
    for (let i = 0; i < N * 3; i++) pos[i] = this.template.rest[i]! + this.offset.value[i]!;
    for (let i = 0; i < N; i++) sig[i] = Math.exp(this.logScale.value[i]!);
    return sampleSkinningWeights(this.volume, pos, sig, this.influences, { skin: this.template.skin, keepTemplate: this.keepTemplateSkin }, this.parallel);
  }

  /** The condition table: row j = 6D rotations of the input joints, masked to the 4-ring of joint j. */
  conditionTable(rotations: ArrayLike<number>): Float32Array {
    const J = this.template.skeleton.names.length, P = this.inputJoints.length;
    const six = new Float64Array(P * 6);
    const R = new Float64Array(9);
    for (let p = 0; p < P; p++) {
      const j = this.inputJoints[p]!;
      axisAngleToMatrix(rotations[j * 3]!, rotations[j * 3 + 1]!, rotations[j * 3 + 2]!, R);
      matrixTo6d(R, six.subarray(p * 6, p * 6 + 6));
    }
    return poseConditionTable(six, this.inputJoints, this.jointMask, J) as Float32Array;
  }

  /**
   * Forward: pose the avatar and render base and refined views with all channels. `expression`: unit weights (the
   * template's expression names) added to the canonical means before skinning — the photo view carries the photo's
   * own expression so the canonical face the avatar learns stays neutral (issue #25); a constant per frame, so the
   * backward pass needs no term for it.
   *
   * `parallelRenders` (ignored with `threads: 1`): the refined render's LBS, vertex normals and normal channels run
   * on a splat pool worker while this thread does the base render's (same results, bit for bit). Its canonical and
   * posed means and normals then live in buffers of this model that the next such forward overwrites — as the
   * features and the rasterizer workspaces already are: differentiate only the latest forward.
   */
  forward(pose: BodyPose, camera: Camera, options: { poseOffsets?: boolean; threads?: number; expression?: ArrayLike<number>; parallelRenders?: boolean } = {}): AvatarForward {
    const t = this.template, N = this.n, A = t.anchorCount, J = t.skeleton.names.length;
    const world = new Float64Array(J * 12), skin = new Float64Array(J * 12);
    skinningMatrices(t.skeleton.parents, t.restJoints, pose.rotations, pose.translation, world, skin);
    // pose-driven anchor offsets
    const cond = this.conditionTable(pose.rotations);
    const anchorOffsets = new Float32Array(A * 3);
    const usePoseOffsets = options.poseOffsets ?? true;
    if (usePoseOffsets) {
      this.triplane.sample(this.triplaneTaps, this.scratch.feats);
      const out = this.mlp.forward(this.scratch.feats, cond, this.anchorMainJoint, A, J);
      const s = this.config.mlpOutputScale;
      for (let a = 0; a < A; a++) {
        const e = t.anchorEnabled[a] ? s : 0;
        anchorOffsets[a * 3] = out[a * 3]! * e; anchorOffsets[a * 3 + 1] = out[a * 3 + 1]! * e; anchorOffsets[a * 3 + 2] = out[a * 3 + 2]! * e;
      }
    }
    const scales = this.scratch.scales;
    for (let i = 0; i < N; i++) scales[i] = Math.exp(this.logScale.value[i]!);
    const baseCanon = new Float32Array(N * 3);
    for (let i = 0; i < N * 3; i++) baseCanon[i] = t.rest[i]! + this.offset.value[i]!;
    if (options.expression && t.expression) addBasisOffsets(t.expression, options.expression, baseCanon);
    const parallel = options.parallelRenders === true && options.threads !== 1;
    const refinedCanon = parallel ? this.parallelState().canonical : new Float32Array(N * 3); // every element is written below
    const M = t.anchorsPerGaussian;
    for (let i = 0; i < N; i++) {
      let x = baseCanon[i * 3]!, y = baseCanon[i * 3 + 1]!, z = baseCanon[i * 3 + 2]!;
      for (let m = 0; m < M; m++) {
        const a = t.gaussianAnchors[i * M + m]!, w = t.gaussianAnchorWeights[i * M + m]!;
        x += w * anchorOffsets[a * 3]!; y += w * anchorOffsets[a * 3 + 1]!; z += w * anchorOffsets[a * 3 + 2]!;
      }
      refinedCanon[i * 3] = x; refinedCanon[i * 3 + 1] = y; refinedCanon[i * 3 + 2] = z;
    }
    // colour, auxiliary colour and segmentation channels are the same in both renders: computed once
    const [baseFeatures, refinedFeatures] = this.scratch.features as [Float32Array, Float32Array];
    this.fillLogitFeatures(baseFeatures);
    refinedFeatures.set(baseFeatures);
    const [base, refined] = this.renderPair(baseCanon, refinedCanon, skin, camera, baseFeatures, refinedFeatures, options.threads, parallel);
    return { camera, base, refined, anchorOffsets, skin, cond, pose, world };
  }

  /** The sigmoid channels of the fused render (rgb, aux rgb, seg) into `features` (N×12). */
  private fillLogitFeatures(features: Float32Array): void {
    const N = this.n, C = CHANNELS.count;
    const rgb = this.rgb.value, aux = this.aux.value, seg = this.seg.value;
    for (let i = 0; i < N; i++) {
      const o = i * C;
      for (let c = 0; c < 3; c++) {
        features[o + CHANNELS.rgb + c] = sigmoid(rgb[i * 3 + c]!);
        features[o + CHANNELS.aux + c] = sigmoid(aux[i * 3 + c]!);
        features[o + CHANNELS.seg + c] = sigmoid(seg[i * 3 + c]!);
      }
    }
  }

  /** Poses and renders the base and the refined canonical means; `features` already hold the sigmoid channels. */
  private renderPair(baseCanon: Float32Array, refinedCanon: Float32Array, skin: Float64Array, camera: Camera, baseFeatures: Float32Array, refinedFeatures: Float32Array, threads: number | undefined, parallel: boolean): [AvatarRender, AvatarRender] {
    const N = this.n;
    const job = (canonical: Float32Array, features: Float32Array, means: Float32Array, normals: VertexNormals, triangles: Uint32Array): RenderForwardJob => ({
      canonical, skinJoints: this.skinJoints, skinWeights: this.skinWeights, influences: this.influences, skin, triangles, R: camera.R, means, normals, features,
    });
    const fresh = (): [Float32Array, VertexNormals] => [new Float32Array(N * 3), { raw: new Float64Array(N * 3), normals: new Float32Array(N * 3) }];
    const b = job(baseCanon, baseFeatures, ...fresh(), this.template.triangles);
    if (!parallel) {
      renderForwardChain(b);
      const base = this.rasterizeRender(b, camera, this.ws.base, threads);
      const r = job(refinedCanon, refinedFeatures, ...fresh(), this.template.triangles);
      renderForwardChain(r);
      return [base, this.rasterizeRender(r, camera, this.ws.refined, threads)];
    }
    const p = this.parallelState();
    const r = job(refinedCanon, refinedFeatures, p.means, p.normals, p.triangles);
    runTasks(CHAIN_MODULE, 'renderForwardChain', [b, r], renderForwardChain);
    return [this.rasterizeRender(b, camera, this.ws.base, threads), this.rasterizeRender(r, camera, this.ws.refined, threads)];
  }

  /** Rasterizes a render whose forward chain has run. */
  private rasterizeRender(job: RenderForwardJob, camera: Camera, workspace: RasterWorkspace, threads?: number): AvatarRender {
    const gs: GaussianSet = { count: this.n, means: job.means, scales: this.scratch.scales, features: job.features, channels: CHANNELS.count };
    const result = rasterize(gs, camera, { depth: true, workspace, threads });
    return { result, means: job.means, canonical: job.canonical, normals: job.normals };
  }

  /**
   * Backward of `forward`: accumulates parameter gradients (call `zeroGrad` first) from the gradients of
   * the loss with respect to each render's image (H×W×12), alpha and depth. `parallelRenders`: see
   * `backwardFromGaussians`.
   */
  backward(fwd: AvatarForward, dBase: RenderGradients, dRefined: RenderGradients, options: BackwardOptions & { threads?: number } = {}): void {
    const parallel = this.parallelBackward(options);
    const grads = [fwd.base, fwd.refined].map((render, k) => {
      const d = k === 0 ? dBase : dRefined;
      // the refined render's means and feature gradients go to a pool worker: shared memory
      const buf = parallel && k === 1 ? this.parallelState().grads : (this.scratch.grads[k] ??= allocateGrads(render.result.saved));
      return rasterizeBackward(render.result.saved, d.image, d.alpha, { dDepth: d.depth, grads: buf, threads: options.threads });
    });
    this.backwardFromGaussians(fwd, grads[0]!, grads[1]!, options);
  }

  /** Whether the per-render chains of this backward run on two threads (not with the pose gradient, nor on one thread). */
  private parallelBackward(options: BackwardOptions & { threads?: number }): boolean {
    return options.parallelRenders === true && options.threads !== 1 && !options.dPose;
  }

  /**
   * The avatar part of the backward pass: from the gradients with respect to each render's Gaussians
   * (means N×3, isotropic scales N, features N×12) to every parameter, through LBS, normals, sigmoids,
   * the pose-offset spreading, the MLP and the triplane. Accumulates into the parameter gradients.
   * With `dPose`, also accumulates the gradient with respect to the frame's pose through LBS and the
   * kinematic chain (PERSONA optimises every frame's SMPL-X parameters); the path through the offset
   * MLP's pose condition is not followed (the pose enters the refinement through the skinning only).
   *
   * `parallelRenders` (not with `dPose` or `threads: 1`): the refined render's chain (renderChain.ts) runs on a
   * splat pool worker into buffers of its own while this thread runs the base render's into the parameter
   * gradients; its terms are then added after the base render's, element by element, as in the serial path —
   * the same gradients bit for bit (test/train/renderChainParallel.test.ts).
   */
  backwardFromGaussians(fwd: AvatarForward, gBase: GaussianGrads, gRefined: GaussianGrads, options: BackwardOptions & { threads?: number } = {}): void {
    const N = this.n, t = this.template, A = t.anchorCount, J = t.skeleton.names.length, M = t.anchorsPerGaussian;
    const dAnchor = this.scratch.dAnchor;
    dAnchor.fill(0);
    const scales = this.scratch.scales;
    const job = (render: AvatarRender, grads: GaussianGrads, triangles: Uint32Array, targets: Pick<RenderBackwardJob, 'dRgb' | 'dAux' | 'dSeg' | 'dCanon' | 'spread'>): RenderBackwardJob => ({
      features: render.result.saved.gaussians.features, dFeatures: grads.features, dMeans: grads.means, means: render.means, normals: render.normals,
      triangles, R: fwd.camera.R, skinJoints: this.skinJoints, skinWeights: this.skinWeights, influences: this.influences, skin: fwd.skin, ...targets,
    });
    const paramTargets = { dRgb: this.rgb.grad, dAux: this.aux.grad, dSeg: this.seg.grad, dCanon: this.scratch.dCanon };
    if (this.parallelBackward(options)) {
      const p = this.parallelState();
      // the worker adds the normals' term into the refined render's means gradient: it must be shared
      const copyMeans = !isShared(gRefined.means);
      if (copyMeans) p.grads.means.set(gRefined.means);
      const refined = job(fwd.refined, { ...gRefined, means: copyMeans ? p.grads.means : gRefined.means }, p.triangles, {
        dRgb: p.dRgb, dAux: p.dAux, dSeg: p.dSeg, dCanon: p.dCanon, spread: { anchors: p.anchors, weights: p.anchorWeights, perGaussian: M, dAnchor: p.dAnchor },
      });
      const base = job(fwd.base, gBase, t.triangles, paramTargets);
      runTasks(CHAIN_MODULE, 'renderBackwardTask', [base, refined], (b) => {
        renderBackwardChain(b);
        for (let i = 0; i < N; i++) this.logScale.grad[i] += gBase.scales[i]! * scales[i]!;
        for (let i = 0; i < N * 3; i++) this.offset.grad[i] += b.dCanon[i]!;
      });
      // the refined render's terms after the base render's (float64 terms into float32 sums: the serial rounding)
      const rgb = this.rgb.grad, aux = this.aux.grad, seg = this.seg.grad;
      for (let i = 0; i < N * 3; i++) { rgb[i] += p.dRgb[i]!; aux[i] += p.dAux[i]!; seg[i] += p.dSeg[i]!; }
      for (let i = 0; i < N; i++) this.logScale.grad[i] += gRefined.scales[i]! * scales[i]!;
      for (let i = 0; i < N * 3; i++) this.offset.grad[i] += p.dCanon[i]!;
      dAnchor.set(p.dAnchor); // dAnchor was zero: the spread summed on the worker in the same order
      if (copyMeans) gRefined.means.set(p.grads.means); // as the serial path, leave the normals' term in the caller's array
    } else {
      const dRg = options.dPose ? new Float64Array(J * 9) : null, dtg = options.dPose ? new Float64Array(J * 3) : null;
      for (const [render, grads, refined] of [[fwd.base, gBase, false], [fwd.refined, gRefined, true]] as const) {
        const spread = refined ? { anchors: t.gaussianAnchors, weights: t.gaussianAnchorWeights, perGaussian: M, dAnchor } : undefined;
        const j = job(render, grads, t.triangles, { ...paramTargets, spread });
        renderBackwardChain(j);
        // scales: isotropic linear σ = exp(logScale)
        for (let i = 0; i < N; i++) this.logScale.grad[i] += grads.scales[i]! * scales[i]!;
        if (options.dPose) skinPointsPoseBackward(grads.means, render.canonical, this.skinJoints, this.skinWeights, this.influences, t.restJoints, dRg!, dtg!, options.dPose.translation);
        for (let i = 0; i < N * 3; i++) this.offset.grad[i] += j.dCanon[i]!;
      }
      if (options.dPose) {
        const rot = fwd.pose.rotations, local = new Float64Array(J * 9), R = new Float64Array(9);
        for (let j = 0; j < J; j++) local.set(axisAngleToMatrix(rot[j * 3]!, rot[j * 3 + 1]!, rot[j * 3 + 2]!, R), j * 9);
        const g = kinematicChainBackward(t.skeleton.parents, t.restJoints, local, fwd.world, rot, dRg!, dtg!);
        for (let i = 0; i < J * 3; i++) options.dPose.rotations[i] += g[i]!;
      }
    }
    if (options.dAnchorOffsets) for (let i = 0; i < A * 3; i++) dAnchor[i] += options.dAnchorOffsets[i]!;
    if (options.poseOffsets ?? true) {
      const s = this.config.mlpOutputScale;
      for (let a = 0; a < A; a++) {
        const e = t.anchorEnabled[a] ? s : 0;
        dAnchor[a * 3] *= e; dAnchor[a * 3 + 1] *= e; dAnchor[a * 3 + 2] *= e;
      }
      this.scratch.dFeats.fill(0);
      this.mlp.backward(this.scratch.feats, fwd.cond, this.anchorMainJoint, dAnchor, A, J, this.scratch.dFeats);
      this.triplane.backward(this.triplaneTaps, this.scratch.dFeats);
    }
  }

  /** Zeroes every gradient. */
  zeroGrad(): void {
    for (const p of [this.offset, this.logScale, this.rgb, this.aux, this.seg]) p.grad.fill(0);
    this.triplane.zeroGrad();
    this.mlp.zeroGrad();
  }

  /** Current colours (sigmoid of the logits), N×3. */
  colors(which: 'rgb' | 'aux' = 'rgb'): Float32Array {
    return Float32Array.from((which === 'rgb' ? this.rgb : this.aux).value, sigmoid);
  }
}

/** Index of the largest weight among each vertex's K influences (its main joint). */
export function mainJoints(joints: ArrayLike<number>, weights: ArrayLike<number>, influences: number): Int32Array {
  const n = weights.length / influences;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < influences; k++) if (weights[i * influences + k]! > weights[i * influences + best]!) best = k;
    out[i] = joints[i * influences + best]!;
  }
  return out;
}

/** Initial log-scales of the template's Gaussians (INITIAL_SCALE_FACTOR × the capped RMS edge length at each vertex; config.ts). */
export function initialLogScales(t: GaussianTemplate): Float32Array {
  const N = t.count, T = t.triangles, P = t.rest;
  const sum = new Float64Array(N), count = new Uint32Array(N);
  for (let f = 0; f < T.length; f += 3)
    for (let e = 0; e < 3; e++) {
      const a = T[f + e]!, b = T[f + ((e + 1) % 3)]!;
      const d2 = (P[a * 3]! - P[b * 3]!) ** 2 + (P[a * 3 + 1]! - P[b * 3 + 1]!) ** 2 + (P[a * 3 + 2]! - P[b * 3 + 2]!) ** 2;
      sum[a] += d2; count[a]++; sum[b] += d2; count[b]++;
    }
  const rms = Float64Array.from({ length: N }, (_, i) => (count[i]! > 0 ? Math.sqrt(Math.max(sum[i]! / count[i]!, 1e-8)) : 1e-3));
  const sorted = Float64Array.from(rms).sort();
  const cap = INITIAL_SCALE_MAX_EDGE_RATIO * (sorted[sorted.length >> 1] ?? 1);
  return Float32Array.from(rms, (r) => Math.log(INITIAL_SCALE_FACTOR * Math.min(r, cap)));
}

function centroid(points: Float32Array): [number, number, number] {
  const n = points.length / 3;
  let x = 0, y = 0, z = 0;
  for (let i = 0; i < n; i++) { x += points[i * 3]!; y += points[i * 3 + 1]!; z += points[i * 3 + 2]!; }
  return [x / n, y / n, z / n];
}
