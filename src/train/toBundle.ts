/**
 * Freezes a trained AvatarModel into the self-contained bundle (docs/formats.md): canonical means,
 * scales, colours, skinning, and the pose-offset network with its triplane features pre-sampled at the
 * anchors (the triplane itself is not needed at run time, since the rest positions never change).
 */
import { createAvatarBundle, type AvatarBundle, type BundleArray } from '../avatar/bundle.js';
import type { AvatarModel } from './model.js';

/** Builds the bundle of a model; `training` is stored as provenance. */
export function bundleFromModel(model: AvatarModel, training: Record<string, unknown> = {}, options: { poseOffsets?: boolean } = {}): AvatarBundle {
  const t = model.template, N = model.n, A = t.anchorCount, K = model.influences;
  const means = new Float32Array(N * 3);
  for (let i = 0; i < N * 3; i++) means[i] = t.rest[i]! + model.offset.value[i]!;
  const arrays: Record<string, { data: BundleArray; shape: number[] }> = {
    means: { data: means, shape: [N, 3] },
    scales: { data: Float32Array.from(model.logScale.value, Math.exp), shape: [N] },
    colors: { data: model.colors('rgb'), shape: [N, 3] },
    opacities: { data: new Float32Array(N).fill(1), shape: [N] },
    parts: { data: t.parts.slice(), shape: [N] },
    skinJoints: { data: model.skinJoints.slice(), shape: [N, K] },
    skinWeights: { data: model.skinWeights.slice(), shape: [N, K] },
    // the subdivided mesh over the Gaussians (GLB export, normals)
    triangles: { data: t.triangles.slice(), shape: [t.triangles.length / 3, 3] },
  };
  if (t.expression) {
    arrays.expressionGaussians = { data: t.expression.gaussians.slice(), shape: [t.expression.gaussians.length] };
    arrays.expressionBasis = { data: t.expression.basis.slice(), shape: [t.expression.names.length, t.expression.gaussians.length, 3] };
  }
  const withOffsets = options.poseOffsets ?? true;
  let poseOffsets = null;
  if (withOffsets) {
    const F = model.triplane.featDim, P = model.inputJoints.length, M = t.anchorsPerGaussian;
    const feats = new Float32Array(A * F);
    model.triplane.sample(model.triplaneTaps, feats);
    const mask = new Uint8Array(A * P);
    const J = t.skeleton.names.length;
    for (let a = 0; a < A; a++) for (let p = 0; p < P; p++) mask[a * P + p] = model.jointMask[model.anchorMainJoint[a]! * J + model.inputJoints[p]!]!;
    arrays.anchorFeatures = { data: feats, shape: [A, F] };
    arrays.anchorJointMask = { data: mask, shape: [A, P] };
    arrays.anchorEnabled = { data: t.anchorEnabled.slice(), shape: [A] };
    arrays.gaussianAnchors = { data: t.gaussianAnchors.slice(), shape: [N, M] };
    arrays.gaussianAnchorWeights = { data: t.gaussianAnchorWeights.slice(), shape: [N, M] };
    // Layer 0 of the bundle acts on the concatenated [features, masked 6D] input: [W_f | W_c].
    const trunk = model.mlp.trunk, H0 = trunk.layers[0]!.outDim, cond = model.mlp.condLinear;
    const w0 = new Float32Array(H0 * (F + P * 6));
    for (let o = 0; o < H0; o++) {
      for (let i = 0; i < F; i++) w0[o * (F + P * 6) + i] = trunk.layers[0]!.weight[o * F + i]!;
      for (let i = 0; i < P * 6; i++) w0[o * (F + P * 6) + F + i] = cond.weight[o * P * 6 + i]!;
    }
    trunk.layers.forEach((layer, l) => {
      arrays[`mlp.${l}.weight`] = { data: l === 0 ? w0 : Float32Array.from(layer.weight), shape: [layer.outDim, l === 0 ? F + P * 6 : layer.inDim] };
      arrays[`mlp.${l}.bias`] = { data: Float32Array.from(layer.bias!), shape: [layer.outDim] };
    });
    trunk.norms.forEach((gn, l) => {
      arrays[`mlp.${l}.gamma`] = { data: Float32Array.from(gn.gamma), shape: [gn.channels] };
      arrays[`mlp.${l}.beta`] = { data: Float32Array.from(gn.beta), shape: [gn.channels] };
    });
    poseOffsets = {
      anchorCount: A,
      inputJoints: model.inputJoints.map((j) => t.skeleton.names[j]!),
      featureDim: F,
      hidden: [...trunk.hidden],
      groupNormGroups: trunk.groups,
      activation: 'relu' as const,
      outputScale: model.config.mlpOutputScale,
      anchorsPerGaussian: M,
    };
  }
  return createAvatarBundle(
    {
      gaussianCount: N,
      body: t.body,
      skeleton: { names: t.skeleton.names, parents: Array.from(t.skeleton.parents), restJoints: Array.from(t.restJoints) },
      skinInfluences: K,
      poseOffsets,
      expression: t.expression ? { names: [...t.expression.names] } : null,
      training,
    },
    arrays,
  );
}
