/**
 * Gives an avatar bundle made before expressions existed the expression basis of its body model: the
 * Gaussian template is deterministic (body model subdivided `body.subdivisionLevels` times, one Gaussian
 * per vertex), so the basis of the subdivided model lines up with the bundle's Gaussians when the counts match.
 */
import { PersonaError } from '../core/errors.js';
import type { ArrayBodyModel } from '../body/index.js';
import { subdivide } from '../body/index.js';
import { createAvatarBundle, type AvatarBundle, type BundleArray } from './bundle.js';
import { sparseExpressionBasis } from './expression.js';

/** A copy of `bundle` with the expression basis of `body` (which must be the body the avatar was made on). */
export function attachExpressionBasis(bundle: AvatarBundle, body: ArrayBodyModel): AvatarBundle {
  const h = bundle.header;
  if (h.body.kind !== body.kind)
    throw new PersonaError(`The avatar was made on the ${h.body.kind} body model, not ${body.kind}.`, { hint: 'Give the body model the avatar was made on.' });
  const { model: sub } = subdivide(body, h.body.subdivisionLevels);
  if (sub.vertexCount !== h.gaussianCount)
    throw new PersonaError(`The avatar has ${h.gaussianCount} Gaussians but the ${body.kind} body subdivided ${h.body.subdivisionLevels}× has ${sub.vertexCount} vertices.`, {
      hint: 'Only avatars with one Gaussian per vertex of the subdivided template can take the basis; re-create the avatar instead.',
    });
  const ex = sparseExpressionBasis(sub.expressionNames, sub.expressionBasis, sub.vertexCount);
  const arrays: Record<string, { data: BundleArray; shape: number[] }> = {};
  for (const [name, view] of Object.entries(h.buffers)) {
    if (name === 'expressionGaussians' || name === 'expressionBasis') continue;
    arrays[name] = { data: bundle.buffers[name]!, shape: view.shape };
  }
  if (ex) {
    arrays.expressionGaussians = { data: ex.gaussians, shape: [ex.gaussians.length] };
    arrays.expressionBasis = { data: ex.basis, shape: [ex.names.length, ex.gaussians.length, 3] };
  }
  const { format: _f, formatVersion: _v, createdAt: _c, tool: _t, buffers: _b, ...meta } = h;
  const out = createAvatarBundle({ ...meta, expression: ex ? { names: ex.names } : null }, arrays);
  out.header.createdAt = h.createdAt;
  return out;
}
