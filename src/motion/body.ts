/**
 * Glue between a BodyModel and the motion functions, which take a skeleton plus rest joints.
 */
import type { BodyModel, ShapeCoefficients } from '../body/index.js';
import type { RestSkeleton } from './canonical.js';

/** The body model's skeleton with its rest joint positions (mean shape, or shape `beta`). */
export function restSkeletonOf(model: BodyModel, beta?: ShapeCoefficients): RestSkeleton {
  const vertices = beta ? model.shapedVertices(beta) : model.template;
  return { skeleton: model.skeleton, rest: Float64Array.from(model.jointPositions(vertices)) };
}
