/**
 * Posing an avatar bundle: pose-driven offsets (MLP on anchors), then linear blend skinning.
 * Pure TypeScript with no Node imports, so the browser viewer runs the same code.
 * Conventions: docs/formats.md ("Posing") and src/body/types.ts.
 */
import type { AvatarHeader, BundleArray } from './bundle.js';
import { skinPoints } from '../body/lbs.js';
import { forwardKinematics } from '../body/fk.js';
import { axisAngleToMatrix, matrixTo6d } from '../core/rotation.js';
import { PoseOffsetMlp } from '../nn/pose-mlp.js';
import { groupNormAffineRelu } from '../nn/groupnorm.js';
import { addExpressionOffsets, hasExpression } from './expression.js';

/** What posing needs from a bundle (the header and its buffers). */
export interface PosableAvatar {
  header: AvatarHeader;
  buffers: Record<string, BundleArray>;
}

/** Scratch memory reused across frames (allocate once per avatar with `createPoseScratch`). */
export interface PoseScratch {
  /** J×12 joint skinning matrices (3×4 row-major). */
  skin: Float64Array;
  /** J×12 joint world transforms. */
  world: Float64Array;
  /** A×3 anchor offsets (metres). */
  anchorOffsets: Float32Array;
  /** MLP activations, two ping-pong rows of the widest layer. */
  rowA: Float32Array;
  rowB: Float32Array;
  /** Per-joint 6D inputs. */
  joint6d: Float32Array;
  /** N×3 canonical positions with pose offsets (allocated on first use). */
  canonical?: Float32Array;
  /** The offset network, built on first use. */
  evaluator?: OffsetEvaluator;
}

/** Allocates scratch memory for posing `avatar`. */
export function createPoseScratch(avatar: PosableAvatar): PoseScratch {
  const J = avatar.header.skeleton.names.length;
  const po = avatar.header.poseOffsets;
  const width = po ? Math.max(po.featureDim + po.inputJoints.length * 6, ...po.hidden, 3) : 1;
  return {
    skin: new Float64Array(J * 12),
    world: new Float64Array(J * 12),
    anchorOffsets: new Float32Array(po ? po.anchorCount * 3 : 0),
    rowA: new Float32Array(width),
    rowB: new Float32Array(width),
    joint6d: new Float32Array(po ? po.inputJoints.length * 6 : 0),
  };
}

const rot = new Float64Array(9 * 64);
const tmp9 = new Float64Array(9);

/**
 * Joint world transforms and skinning matrices for a pose (`rotations` J×3 axis-angle, SMPL convention).
 * Writes 3×4 matrices: world G_j and skinning A_j = G_j·[I | −J_j] with the root translation added.
 */
export function skinningMatrices(
  parents: ArrayLike<number>,
  restJoints: ArrayLike<number>,
  rotations: ArrayLike<number>,
  translation: ArrayLike<number>,
  world: Float64Array,
  skin: Float64Array,
): void {
  const J = parents.length;
  const R = J * 9 <= rot.length ? rot : new Float64Array(J * 9);
  for (let j = 0; j < J; j++) R.set(axisAngleToMatrix(rotations[j * 3]!, rotations[j * 3 + 1]!, rotations[j * 3 + 2]!, tmp9), j * 9);
  forwardKinematics(parents instanceof Int32Array ? parents : Int32Array.from(parents), restJoints, R, world, skin);
  for (let j = 0; j < J; j++) for (let a = 0; a < 3; a++) skin[j * 12 + a * 4 + 3]! += translation[a]!;
}

/**
 * Evaluates the pose-driven offset MLP on every anchor (PERSONA: input = [triplane features,
 * masked 6D joint rotations], hidden Linear → GroupNorm → ReLU, output × outputScale).
 * Uses the nn kit's PoseOffsetMlp with the pose-independent part of the first layer frozen per avatar
 * (WASM SIMD where available); `anchorPoseOffsetsReference` is the plain loop it is tested against.
 */
export function anchorPoseOffsets(avatar: PosableAvatar, rotations: ArrayLike<number>, scratch: PoseScratch): Float32Array {
  const po = avatar.header.poseOffsets;
  const out = scratch.anchorOffsets;
  if (!po) return out;
  const ev = (scratch.evaluator ??= buildOffsetEvaluator(avatar));
  const names = avatar.header.skeleton.names, P = po.inputJoints.length;
  const six = new Float64Array(P * 6), R = new Float64Array(9);
  for (let p = 0; p < P; p++) {
    const j = names.indexOf(po.inputJoints[p]!);
    if (j < 0) continue;
    axisAngleToMatrix(rotations[j * 3]!, rotations[j * 3 + 1]!, rotations[j * 3 + 2]!, R);
    matrixTo6d(R, six.subarray(p * 6, p * 6 + 6));
  }
  const U = ev.masks.length / P, cond = ev.cond;
  for (let u = 0; u < U; u++) for (let p = 0; p < P; p++) for (let d = 0; d < 6; d++) cond[(u * P + p) * 6 + d] = ev.masks[u * P + p] ? six[p * 6 + d]! : 0;
  const y = ev.mlp.forwardFrozen(cond, ev.condIndex, U);
  out.fill(0);
  for (let r = 0; r < ev.anchors.length; r++) {
    const a = ev.anchors[r]!;
    out[a * 3] = y[r * 3]! * po.outputScale; out[a * 3 + 1] = y[r * 3 + 1]! * po.outputScale; out[a * 3 + 2] = y[r * 3 + 2]! * po.outputScale;
  }
  return out;
}

/** A bundle's offset network rebuilt as a PoseOffsetMlp, evaluated on the enabled anchors only. */
interface OffsetEvaluator {
  mlp: PoseOffsetMlp;
  /** Enabled anchors (rows of the network). */
  anchors: Int32Array;
  /** Distinct 4-ring masks (U×P) and each row's mask index. */
  masks: Uint8Array;
  condIndex: Int32Array;
  cond: Float32Array;
}

function buildOffsetEvaluator(avatar: PosableAvatar): OffsetEvaluator {
  const po = avatar.header.poseOffsets!;
  const F = po.featureDim, P = po.inputJoints.length, A = po.anchorCount, D = P * 6;
  const enabled = avatar.buffers.anchorEnabled as Uint8Array, maskAll = avatar.buffers.anchorJointMask as Uint8Array;
  const feats = avatar.buffers.anchorFeatures as Float32Array;
  const rows: number[] = [];
  for (let a = 0; a < A; a++) if (enabled[a]) rows.push(a);
  const anchors = Int32Array.from(rows);
  const keys = new Map<string, number>();
  const masks: number[] = [];
  const condIndex = new Int32Array(anchors.length);
  anchors.forEach((a, r) => {
    const row = maskAll.subarray(a * P, (a + 1) * P);
    const key = row.join('');
    let u = keys.get(key);
    if (u === undefined) { u = keys.size; keys.set(key, u); masks.push(...row); }
    condIndex[r] = u;
  });
  const mlp = new PoseOffsetMlp({ featDim: F, condDim: D, outDim: 3, hidden: po.hidden, groups: po.groupNormGroups });
  const w0 = avatar.buffers['mlp.0.weight'] as Float32Array, H0 = po.hidden[0]!;
  const l0 = mlp.trunk.layers[0]!;
  for (let o = 0; o < H0; o++) {
    for (let i = 0; i < F; i++) l0.weight[o * F + i] = w0[o * (F + D) + i]!;
    for (let i = 0; i < D; i++) mlp.condLinear.weight[o * D + i] = w0[o * (F + D) + F + i]!;
  }
  mlp.trunk.layers.forEach((layer, l) => {
    if (l > 0) layer.weight.set(avatar.buffers[`mlp.${l}.weight`] as Float32Array);
    layer.bias!.set(avatar.buffers[`mlp.${l}.bias`] as Float32Array);
  });
  mlp.trunk.norms.forEach((gn, l) => {
    gn.gamma.set(avatar.buffers[`mlp.${l}.gamma`] as Float32Array);
    gn.beta.set(avatar.buffers[`mlp.${l}.beta`] as Float32Array);
  });
  const f = new Float32Array(anchors.length * F);
  anchors.forEach((a, r) => f.set(feats.subarray(a * F, (a + 1) * F), r * F));
  mlp.freezeFeatures(f, anchors.length);
  return { mlp, anchors, masks: Uint8Array.from(masks), condIndex, cond: new Float32Array(keys.size * D) };
}

/** The plain per-anchor loop of `anchorPoseOffsets` (reference for tests). */
export function anchorPoseOffsetsReference(avatar: PosableAvatar, rotations: ArrayLike<number>, scratch: PoseScratch): Float32Array {
  const po = avatar.header.poseOffsets;
  const out = scratch.anchorOffsets;
  if (!po) return out;
  const names = avatar.header.skeleton.names;
  const P = po.inputJoints.length, F = po.featureDim;
  const j6 = scratch.joint6d;
  const tmp = new Float64Array(9);
  for (let p = 0; p < P; p++) {
    const j = names.indexOf(po.inputJoints[p]!);
    if (j < 0) { j6.fill(0, p * 6, p * 6 + 6); continue; }
    axisAngleToMatrix(rotations[j * 3]!, rotations[j * 3 + 1]!, rotations[j * 3 + 2]!, tmp);
    // 6D = first two columns of R (Zhou et al. 2019), as src/core/rotation.ts matrixTo6d
    j6[p * 6] = tmp[0]!; j6[p * 6 + 1] = tmp[3]!; j6[p * 6 + 2] = tmp[6]!;
    j6[p * 6 + 3] = tmp[1]!; j6[p * 6 + 4] = tmp[4]!; j6[p * 6 + 5] = tmp[7]!;
  }
  const feats = avatar.buffers.anchorFeatures as Float32Array;
  const mask = avatar.buffers.anchorJointMask as Uint8Array;
  const enabled = avatar.buffers.anchorEnabled as Uint8Array;
  const layers = po.hidden.length + 1;
  const widths = [F + P * 6, ...po.hidden, 3];
  for (let a = 0; a < po.anchorCount; a++) {
    if (!enabled[a]) { out[a * 3] = 0; out[a * 3 + 1] = 0; out[a * 3 + 2] = 0; continue; }
    let x = scratch.rowA, y = scratch.rowB;
    for (let f = 0; f < F; f++) x[f] = feats[a * F + f]!;
    for (let p = 0; p < P; p++) {
      const m = mask[a * P + p]!;
      for (let d = 0; d < 6; d++) x[F + p * 6 + d] = m ? j6[p * 6 + d]! : 0;
    }
    for (let l = 0; l < layers; l++) {
      const nin = widths[l]!, nout = widths[l + 1]!;
      const W = avatar.buffers[`mlp.${l}.weight`] as Float32Array, b = avatar.buffers[`mlp.${l}.bias`] as Float32Array;
      for (let o = 0; o < nout; o++) {
        let s = b[o]!;
        const wo = o * nin;
        for (let i = 0; i < nin; i++) s += W[wo + i]! * x[i]!;
        y[o] = s;
      }
      if (l < layers - 1) {
        const G = po.groupNormGroups;
        if (G > 0) groupNormAffineRelu(y, null, y, 1, nout, G, avatar.buffers[`mlp.${l}.gamma`] as Float32Array, avatar.buffers[`mlp.${l}.beta`] as Float32Array);
        else for (let o = 0; o < nout; o++) if (y[o]! < 0) y[o] = 0;
      }
      const t = x; x = y; y = t;
    }
    out[a * 3] = x[0]! * po.outputScale; out[a * 3 + 1] = x[1]! * po.outputScale; out[a * 3 + 2] = x[2]! * po.outputScale;
  }
  return out;
}

/**
 * Poses every Gaussian: canonical means + pose offsets + expression offsets (when `options.expression`
 * gives unit weights and the bundle has a basis), then LBS. Writes N×3 world positions to `out`.
 * `rotations` is J×3 axis-angle in skeleton order; `translation` the root translation.
 */
export function poseAvatarMeans(
  avatar: PosableAvatar,
  rotations: ArrayLike<number>,
  translation: ArrayLike<number>,
  out: Float32Array,
  scratch: PoseScratch = createPoseScratch(avatar),
  options: { poseOffsets?: boolean; expression?: ArrayLike<number> | null } = {},
): Float32Array {
  const h = avatar.header;
  skinningMatrices(h.skeleton.parents, h.skeleton.restJoints, rotations, translation, scratch.world, scratch.skin);
  const useOffsets = (options.poseOffsets ?? true) && h.poseOffsets !== null;
  const anchorOff = useOffsets ? anchorPoseOffsets(avatar, rotations, scratch) : null;
  const means = avatar.buffers.means as Float32Array;
  const ga = avatar.buffers.gaussianAnchors as Uint32Array | undefined;
  const gw = avatar.buffers.gaussianAnchorWeights as Float32Array | undefined;
  let canonical: Float32Array = means;
  if (anchorOff && ga && gw) {
    canonical = scratch.canonical ??= new Float32Array(means.length);
    spreadAnchorOffsets(means, anchorOff, ga, gw, h.poseOffsets!.anchorsPerGaussian, canonical);
  }
  const ex = options.expression;
  if (ex && hasExpression(avatar) && Array.prototype.some.call(ex, (w: number) => w !== 0)) {
    if (canonical === means) (canonical = scratch.canonical ??= new Float32Array(means.length)).set(means);
    addExpressionOffsets(avatar, ex, canonical); // expression before skinning, like the body model
  }
  skinPoints(canonical, avatar.buffers.skinJoints as Uint16Array, avatar.buffers.skinWeights as Float32Array, h.skinInfluences, scratch.skin, out);
  return out;
}

/** canonical = means + Σ_m w_m · anchorOffset[anchor_m] for every Gaussian (M anchors each). */
export function spreadAnchorOffsets(
  means: Float32Array,
  anchorOffsets: Float32Array,
  anchors: Uint32Array,
  anchorWeights: Float32Array,
  M: number,
  out: Float32Array,
): void {
  const n = means.length / 3;
  for (let i = 0; i < n; i++) {
    let x = means[i * 3]!, y = means[i * 3 + 1]!, z = means[i * 3 + 2]!;
    for (let m = 0; m < M; m++) {
      const a = anchors[i * M + m]!, w = anchorWeights[i * M + m]!;
      x += w * anchorOffsets[a * 3]!; y += w * anchorOffsets[a * 3 + 1]!; z += w * anchorOffsets[a * 3 + 2]!;
    }
    out[i * 3] = x; out[i * 3 + 1] = y; out[i * 3 + 2] = z;
  }
}
