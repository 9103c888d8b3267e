/**
 * One training frame: the input photo or a generated frame, at training resolution, with its camera,
 * body pose, matte and geometry targets.
 */
import type { Camera } from '../core/camera.js';
import type { BodyPose } from '../body/index.js';
import type { GeometryTargets } from './targets.js';

/** A frame the avatar is fitted to. */
export interface TrainingFrame {
  kind: 'photo' | 'generated';
  /** e.g. "photo" or "dance/0012". */
  id: string;
  camera: Camera;
  pose: BodyPose;
  width: number;
  height: number;
  /** H×W×3 RGB in [0,1]. */
  image: Float32Array;
  /** H×W matte in [0,1]. */
  mask: Float32Array;
  targets: GeometryTargets;
  /** Photo only: 1 on dilated part-boundary pixels (geometry-weighted optimisation), else 0. */
  boundary?: Uint8Array;
  /**
   * Photo only: the photo's own expression (fit/body.json `expression`, unit weights in the body model's order =
   * the template's), applied to the canonical face when rendering this frame so the avatar learns a neutral face.
   */
  expression?: Float64Array;
}
