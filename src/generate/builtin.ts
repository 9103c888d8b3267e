/**
 * The `builtin` generator: renders the person's own textured body (the fitted shape with the unwrapped
 * texture) in the poses of the chosen motions, seen by the photo's camera. It carries identity and pose —
 * not cloth dynamics, hair or anything the body mesh does not model; a video diffusion model (MimicMotion
 * via `frames:<dir>`) is what gives PERSONA pose-dependent clothing. Named and documented as such.
 */
import type { Camera } from '../core/camera.js';
import type { FloatImage } from '../core/image.js';
import { createImage } from '../core/image.js';
import type { ArrayBodyModel } from '../body/model.js';
import { BodyPoser } from '../body/skinning.js';
import type { BodyPose } from '../body/types.js';
import { renderTextured } from '../render/index.js';
import { restSkeletonOf, getBuiltinMotion, createPoseSampler, motionDuration } from '../motion/index.js';
import { placeMotionPose } from './place.js';
import { linearBlendSkinning } from '../body/skinning.js';
import { PersonaError } from '../core/errors.js';
import { prepareCloth, simulateCloth, type ClothSetup, type ClothSimOptions, type DeformableSurface } from '../sim/index.js';

/** What users are told the builtin generator is. */
export const BUILTIN_NOTE =
  'builtin generator: the fitted body re-posed with the unwrapped photo texture — identity and pose only; no clothing dynamics, hair or lighting changes (use --generator frames:<dir> with a video diffusion model for those)';

/** One rendered frame. */
export interface RenderedFrame {
  time: number;
  pose: BodyPose;
  image: FloatImage; // RGB on white
  mask: FloatImage; // 1 channel
}

/** Options of one clip. */
export interface BuiltinClipOptions {
  body: ArrayBodyModel;
  shape: number[];
  fitPose: BodyPose;
  camera: Camera;
  texture: FloatImage;
  motion: string;
  /** Frames to render, spread evenly over the clip. */
  frames: number;
  /** Anti-aliasing supersampling factor (default 2). */
  supersample?: number;
  /**
   * The clothed surface to render instead of the bare body (issue #17's proxy: body ∪ clothing ∪ hair in
   * the canonical pose of this shape), with its F×3×2 corner UVs into `texture`. Absent: the body.
   */
  surface?: { surface: DeformableSurface; cornerUvs: Float32Array };
  /**
   * Simulate the surface's loose regions (cloth, hair) through the whole motion (src/sim, XPBD) and render
   * the simulated surface (default true); false renders the skinned surface (`--no-cloth-dynamics`).
   */
  clothDynamics?: boolean;
  /** Solver overrides (defaults: SIM_CONFIG). */
  clothOptions?: ClothSimOptions;
  /** A prepared simulation of `surface` on this body and shape (prepareCloth), reused across clips. */
  clothSetup?: ClothSetup;
}

/** Surface positions (one V×3 array per time): simulated, or skinned when dynamics are off. */
function surfaceFrames(o: BuiltinClipOptions, poser: BodyPoser, duration: number, poseAt: (t: number) => BodyPose, times: number[]): Float32Array[] {
  const { surface } = o.surface!;
  if (o.clothDynamics !== false && surface.freedom.some((f, i) => f > 0 && surface.material[i] !== 0)) {
    const setup = o.clothSetup ?? prepareCloth(surface, o.body, o.shape, o.clothOptions);
    if (setup.surface !== surface) throw new PersonaError('renderBuiltinClip: clothSetup was prepared for another surface', { hint: 'prepare it with prepareCloth(options.surface.surface, …)' });
    return simulateCloth(setup, { poseAt, duration, times }).frames;
  }
  const rest = poser.rest(o.shape);
  return times.map((time) => {
    const pose = poseAt(time);
    const posed = poser.forward({ shape: o.shape, pose, rest });
    const out = new Float32Array(surface.rest.length);
    linearBlendSkinning(surface.rest, surface.skin, posed.skinTransforms, pose.translation, out);
    return out;
  });
}

/** A builtin motion on this body, placed where the photo's person stands (place.ts): pose at time t. */
export function placedMotion(body: ArrayBodyModel, shape: number[] | Float64Array, fitPose: BodyPose, motionName: string): { duration: number; poseAt: (time: number) => BodyPose } {
  const rest = restSkeletonOf(body, shape);
  const motion = getBuiltinMotion(motionName, rest.skeleton, rest.rest);
  const sample = createPoseSampler(motion, body.skeleton);
  return { duration: motionDuration(motion), poseAt: (time) => placeMotionPose(sample(time), fitPose) };
}

/** Renders `frames` evenly spaced frames of a builtin motion. */
export function renderBuiltinClip(o: BuiltinClipOptions): RenderedFrame[] {
  const { duration, poseAt } = placedMotion(o.body, o.shape, o.fitPose, o.motion);
  const poser = new BodyPoser(o.body);
  const out: RenderedFrame[] = [];
  // skip the neutral first/last frames when few are asked for: spread over the interior
  const times = Array.from({ length: o.frames }, (_, k) => (duration * (k + 0.5)) / o.frames);
  if (o.surface && o.surface.cornerUvs.length !== o.surface.surface.triangles.length * 2)
    throw new PersonaError(`renderBuiltinClip: the surface has ${o.surface.surface.triangles.length / 3} triangles but ${o.surface.cornerUvs.length / 6} triangles' corner UVs`, { hint: 'give F×3×2 corner UVs, one (u, v) per triangle corner' });
  const surfaces = o.surface ? surfaceFrames(o, poser, duration, poseAt, times) : undefined;
  for (let k = 0; k < o.frames; k++) {
    const time = times[k]!;
    const pose = poseAt(time);
    const [positions, triangles, cornerUvs] = surfaces
      ? [surfaces[k]!, o.surface!.surface.triangles, o.surface!.cornerUvs]
      : [Float32Array.from(poser.forward({ shape: o.shape, pose }).vertices), o.body.triangles, o.body.cornerUvs];
    const r = renderTextured(positions, triangles, cornerUvs, o.texture, o.camera, {
      background: [1, 1, 1],
      supersample: o.supersample ?? 2,
    });
    const mask = createImage(o.camera.width, o.camera.height, 1);
    mask.data.set(r.alpha);
    out.push({ time, pose, image: r.image, mask });
  }
  return out;
}
