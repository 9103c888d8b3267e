/**
 * The `builtin` generator: renders the person in the poses of the chosen motions, seen by the photo's
 * camera — the clothed proxy (stage shape: body ∪ clothing ∪ hair carved from the photo, coloured from it)
 * when the subject has one, else the fitted body with the unwrapped texture. It carries identity, clothing
 * shape and pose, re-posed by skinning; a video diffusion model (MimicMotion via `frames:<dir>`) is what
 * gives PERSONA learned pose-dependent clothing. Named and documented as such.
 */
import type { Camera } from '../core/camera.js';
import type { FloatImage } from '../core/image.js';
import { createImage } from '../core/image.js';
import type { ArrayBodyModel } from '../body/index.js';
import { BodyPoser } from '../body/index.js';
import type { BodyPose } from '../body/index.js';
import { renderTextured, resizeImage } from '../render/index.js';
import { restSkeletonOf, getBuiltinMotion, createPoseSampler, motionDuration } from '../motion/index.js';
import { placeMotionPose } from './place.js';
import { renderProxy, proxyDetail, PROXY_MATERIAL, type ClothedProxy, type ProxyDetail, type ProxyLook } from '../shape/index.js';
import { prepareCloth, simulateCloth, type ClothSetup, type ClothSimOptions, type DeformableSurface } from '../sim/index.js';

/** What users are told the builtin generator is. */
export const BUILTIN_NOTE =
  'builtin generator: the clothed proxy (body, clothing and hair carved from the photo) re-posed by skinning and coloured from the photo — identity, clothing shape and pose; no learned clothing dynamics or lighting changes (use --generator frames:<dir> with a video diffusion model for those)';

/** The note when the subject has no clothed proxy (bare body). */
export const BUILTIN_BODY_NOTE =
  'builtin generator: the fitted body re-posed with the unwrapped photo texture — identity and pose only; no clothing, hair or lighting changes';

/** Anti-aliasing supersampling of the builtin generator's frames (each frame pixel averages this² samples). */
export const BUILTIN_SUPERSAMPLE = 2;

/**
 * What the proxy's shell shows between its vertices in frames of `camera` (the photo camera resized; detail.ts): the photo —
 * area-averaged down to the frames' supersampled size when larger, so a fine print does not alias (bilinear taps would skip
 * pixels) — and the unwrapped texture, each where the look's vertices sampled them.
 */
export function proxyDetailAtFrameScale(look: ProxyLook, photo: FloatImage, texture: FloatImage, camera: Camera, supersample = BUILTIN_SUPERSAMPLE): ProxyDetail {
  const width = camera.width * supersample, height = camera.height * supersample;
  return proxyDetail(look, photo.width > width && photo.height > height ? resizeImage(photo, width, height) : photo, texture);
}

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
  /** The clothed proxy and its vertex colours: rendered instead of the bare body; with `detail`, its shell shows the photo and the
   * texture between vertices (detail.ts). */
  proxy?: { proxy: ClothedProxy; colors: Float32Array; detail?: ProxyDetail };
  /**
   * Simulate the proxy's loose regions (cloth, hair) through the whole motion (src/sim, XPBD) and render the
   * simulated surface; off by default (docs/sim.md: +18 % generate-stage CPU, but on the synthetic
   * benchmark's garments no closer to the truth than skinning alone, and the pose-offset ablation still loses).
   */
  clothDynamics?: boolean;
  /** Solver overrides (defaults: SIM_CONFIG). */
  clothOptions?: ClothSimOptions;
  /** A prepared simulation of the proxy on this body and shape (prepareCloth), reused across clips. */
  clothSetup?: ClothSetup;
}

/** The proxy as a deformable surface for the cloth solver (its template hands and face never move on their own). */
export function proxySurface(proxy: ClothedProxy): DeformableSurface {
  const m = proxy.model;
  const material = Uint8Array.from(proxy.material, (x) => (x === PROXY_MATERIAL.cloth ? 1 : x === PROXY_MATERIAL.hair ? 2 : 0));
  return { rest: m.template, triangles: m.triangles, skin: m.skinning, freedom: proxy.freedom, material };
}

/** Simulated proxy positions at `times`, or undefined when dynamics are off or nothing is free. */
function simulatedProxy(o: BuiltinClipOptions, duration: number, poseAt: (t: number) => BodyPose, times: number[]): Float32Array[] | undefined {
  if (!o.proxy || !o.clothDynamics) return undefined;
  const setup = o.clothSetup ?? prepareCloth(proxySurface(o.proxy.proxy), o.body, o.shape, o.clothOptions);
  if (!setup.surface.freedom.some((f, i) => f > 0 && setup.surface.material[i] !== 0)) return undefined;
  return simulateCloth(setup, { poseAt, duration, times }).frames;
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
  const poser = new BodyPoser(o.proxy ? o.proxy.proxy.model : o.body);
  const rest = o.proxy ? poser.rest([]) : poser.rest(o.shape);
  const out: RenderedFrame[] = [];
  const options = { background: [1, 1, 1], supersample: o.supersample ?? BUILTIN_SUPERSAMPLE };
  // skip the neutral first/last frames when few are asked for: spread over the interior
  const times = Array.from({ length: o.frames }, (_, k) => (duration * (k + 0.5)) / o.frames);
  const simulated = simulatedProxy(o, duration, poseAt, times);
  for (let k = 0; k < o.frames; k++) {
    const time = times[k]!;
    const pose = poseAt(time);
    const posed = simulated ? simulated[k]! : Float32Array.from(poser.forward({ pose, rest }).vertices);
    const r = o.proxy
      ? renderProxy(o.proxy.proxy, posed, o.proxy.colors, o.texture, o.camera, options, o.proxy.detail)
      : renderTextured(posed, o.body.triangles, o.body.cornerUvs, o.texture, o.camera, options);
    const mask = createImage(o.camera.width, o.camera.height, 1);
    mask.data.set(r.alpha);
    out.push({ time, pose, image: r.image, mask });
  }
  return out;
}
