/**
 * The photo's own expression, estimated from its face mesh: weights of the named expressions `aa` (mouth and jaw
 * opening) and `smile` against a fixed neutral reference (PHOTO_EXPRESSION_CONFIG). Stored in fit/body.json as
 * `photoExpression`, and turned into the fit's expression (`photoExpressionPose`): unit weights of the body model
 * and a jaw opening, so the texture is unwrapped through the smiling face, the clothed proxy is unposed to a closed
 * jaw and training poses only the photo view with it: the canonical avatar stays neutral (docs/avatar.md "Expression").
 */
import { mixNamedExpressions } from '../body/index.js';
import { faceFeatures, type FaceResult } from '../perceive/index.js';
import { PHOTO_EXPRESSION_CONFIG } from './config.js';

/** The photo's expression as named-expression weights in [0, 1]. */
export interface PhotoExpression {
  names: string[];
  weights: number[];
  /** The face-mesh features it came from (perceive/faceFeatures.ts). */
  features: { gap: number; width: number };
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/** Estimates the photo's expression from its face mesh (null without a usable face). */
export function estimatePhotoExpression(face: FaceResult | null | undefined): PhotoExpression | null {
  const c = PHOTO_EXPRESSION_CONFIG;
  if (!face || face.score < c.minFaceScore || face.mesh.length < 468) return null;
  const f = faceFeatures(face);
  const dGap = f.gap - c.neutralGap;
  const aa = clamp01(dGap / c.aaGap);
  const smile = clamp01((f.width - c.widthPerGap * Math.max(0, dGap) - c.neutralWidth) / c.smileWidth);
  const r = (x: number): number => Math.round(x * 1e4) / 1e4;
  return { names: ['aa', 'smile'], weights: [r(aa), r(smile)], features: { gap: r(f.gap), width: r(f.width) } };
}

/** The photo's expression as the fit applies it: unit weights of the body model and a jaw opening (radians). */
export interface PhotoExpressionPose {
  /** One weight per expression unit of the body model (empty: the model has none of the named units). */
  weights: number[];
  /** Added to the `jaw` joint's rotation about +X. */
  jaw: number;
  /** The named weights applied (estimates under PHOTO_EXPRESSION_CONFIG.applyAbove dropped as noise). */
  applied: Record<string, number>;
}

/**
 * Turns the photo's estimated expression into the fit's expression for a body model with units `unitNames`
 * (the named set is written for the default MakeHuman body; a model without those units stays neutral).
 */
export function photoExpressionPose(e: PhotoExpression | null, unitNames: readonly string[]): PhotoExpressionPose {
  const applied: Record<string, number> = {};
  if (e) e.names.forEach((n, i) => { const w = e.weights[i]!; if (w >= (PHOTO_EXPRESSION_CONFIG.applyAbove[n] ?? 1)) applied[n] = w; });
  const mix = mixNamedExpressions(unitNames, applied);
  if (mix.missing.length > 0 || Object.keys(applied).length === 0) return { weights: [], jaw: 0, applied: {} };
  return { weights: Array.from(mix.weights, (w) => Math.round(w * 1e4) / 1e4), jaw: Math.round(mix.jaw * 1e4) / 1e4, applied };
}
