/**
 * The photo's own expression, estimated from its face mesh: weights of the named expressions `aa` (mouth and jaw
 * opening) and `smile` against a fixed neutral reference (PHOTO_EXPRESSION_CONFIG). Stored in fit/body.json as
 * `photoExpression`; removing it from the canonical avatar (posing the photo view with it in training) is the next
 * step (docs/avatar.md "Expression").
 */
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
