/** Test fixture: an avatar bundle straight from a Gaussian template (no training), with or without its expression basis. */
import { createAvatarBundle, type AvatarBundle } from '../../src/avatar/bundle.js';
import type { buildGaussianTemplate } from '../../src/avatar/buildTemplate.js';

export function bundleFromTemplate(tpl: ReturnType<typeof buildGaussianTemplate>, withExpression: boolean): AvatarBundle {
  const N = tpl.count, K = tpl.skin.influences, ex = tpl.expression!;
  const arrays: Parameters<typeof createAvatarBundle>[1] = {
    means: { data: tpl.rest.slice(), shape: [N, 3] },
    scales: { data: new Float32Array(N).fill(0.003), shape: [N] },
    colors: { data: tpl.colors.slice(), shape: [N, 3] },
    opacities: { data: new Float32Array(N).fill(1), shape: [N] },
    parts: { data: tpl.parts.slice(), shape: [N] },
    skinJoints: { data: tpl.skin.joints.slice(), shape: [N, K] },
    skinWeights: { data: tpl.skin.weights.slice(), shape: [N, K] },
  };
  if (withExpression) {
    arrays.expressionGaussians = { data: ex.gaussians, shape: [ex.gaussians.length] };
    arrays.expressionBasis = { data: ex.basis, shape: [ex.names.length, ex.gaussians.length, 3] };
  }
  return createAvatarBundle({
    gaussianCount: N, body: tpl.body,
    skeleton: { names: tpl.skeleton.names, parents: Array.from(tpl.skeleton.parents), restJoints: Array.from(tpl.restJoints) },
    skinInfluences: K, poseOffsets: null, expression: withExpression ? { names: ex.names } : null,
  }, arrays);
}
