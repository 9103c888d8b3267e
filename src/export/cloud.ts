/**
 * A plain Gaussian cloud: what the splat formats store (positions, scales, rotations, colours, opacities).
 * Built from an avatar bundle, at rest or posed. PERSONA Gaussians are isotropic with identity rotation
 * (DESIGN.md "The PERSONA avatar"), so posing moves only the means.
 */
import type { AvatarBundle } from '../avatar/bundle.js';
import { poseAvatarMeans, createPoseScratch } from '../avatar/pose.js';
import { PersonaError } from '../core/errors.js';

/** N Gaussians in structure-of-arrays layout. */
export interface GaussianCloud {
  count: number;
  /** N×3 world positions (metres). */
  means: Float32Array;
  /** N×3 standard deviations along the local axes (linear, metres). */
  scales: Float32Array;
  /** N×4 unit quaternions [w, x, y, z] (local → world). */
  rotations: Float32Array;
  /** N×3 RGB in [0,1]. */
  colors: Float32Array;
  /** N opacities in [0,1]. */
  opacities: Float32Array;
}

/** A body pose for an avatar: J×3 axis-angle in skeleton order and a root translation. */
export interface AvatarPose {
  rotations: Float64Array;
  translation: [number, number, number];
  /** Expression unit weights in the avatar's `header.expression.names` order (absent: neutral). */
  expression?: Float64Array;
}

/** The rest pose (all rotations zero) of an avatar. */
export function restPose(avatar: AvatarBundle): AvatarPose {
  return { rotations: new Float64Array(avatar.header.skeleton.names.length * 3), translation: [0, 0, 0] };
}

/**
 * The avatar's Gaussians as a cloud, posed by `pose` (rest when omitted). Isotropic scales are copied to
 * all three axes and rotations are identity.
 */
export function avatarCloud(avatar: AvatarBundle, pose?: AvatarPose): GaussianCloud {
  const n = avatar.header.gaussianCount;
  const J = avatar.header.skeleton.names.length;
  let means: Float32Array;
  if (pose) {
    if (pose.rotations.length !== J * 3)
      throw new PersonaError(`pose has ${pose.rotations.length / 3} joints but the avatar skeleton has ${J}.`);
    means = poseAvatarMeans(avatar, pose.rotations, pose.translation, new Float32Array(n * 3), createPoseScratch(avatar), { expression: pose.expression ?? null });
  } else {
    means = Float32Array.from(avatar.buffers.means as Float32Array);
  }
  const iso = avatar.buffers.scales as Float32Array;
  const scales = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) scales[i * 3] = scales[i * 3 + 1] = scales[i * 3 + 2] = iso[i]!;
  const rotations = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) rotations[i * 4] = 1;
  return {
    count: n,
    means,
    scales,
    rotations,
    colors: Float32Array.from(avatar.buffers.colors as Float32Array),
    opacities: Float32Array.from(avatar.buffers.opacities as Float32Array),
  };
}
