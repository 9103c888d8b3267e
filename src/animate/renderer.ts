/**
 * Renders posed avatar frames: posing (pose offsets + LBS) into preallocated buffers, then a forward
 * rasterization of the isotropic Gaussians with RGB features by one of src/splat's engines
 * (`createRasterizer`: `fast`, the default, or `reference`, the differentiable rasterizer run forward).
 */
import type { AvatarBundle } from '../avatar/bundle.js';
import { createPoseScratch, poseAvatarMeans, type PoseScratch } from '../avatar/pose.js';
import type { Camera } from '../core/camera.js';
import type { FloatImage } from '../core/image.js';
import { createRasterizer, type IsotropicGaussians, type Rasterizer, type SplatEngine } from '../splat/index.js';
import type { AvatarPose } from '../export/cloud.js';

/** Frame background: an RGB colour, or transparent (RGBA output with alpha). */
export type Background = [number, number, number] | 'transparent';

/** Timings of the last frame (milliseconds). */
export interface FrameTimings {
  poseMs: number;
  preprocessMs: number;
  rasterMs: number;
  visible: number;
}

/** Options of an `AvatarRenderer`: `engine`: src/splat's engine (default `fast`); `threads`: the `reference` engine's threads. */
export interface RendererOptions {
  threads?: number;
  poseOffsets?: boolean;
  engine?: SplatEngine;
}

/** Reusable renderer for one avatar (allocates once; `render` allocates only the returned image). */
export class AvatarRenderer {
  private readonly scratch: PoseScratch;
  private readonly gaussians: IsotropicGaussians;
  private readonly rasterizer: Rasterizer;
  /** Timings of the most recent `render`. */
  last: FrameTimings = { poseMs: 0, preprocessMs: 0, rasterMs: 0, visible: 0 };

  constructor(private readonly avatar: AvatarBundle, private readonly options: RendererOptions = {}) {
    const n = avatar.header.gaussianCount;
    this.scratch = createPoseScratch(avatar);
    this.gaussians = {
      count: n,
      means: new Float32Array(n * 3),
      scales: avatar.buffers.scales as Float32Array,
      opacities: avatar.buffers.opacities as Float32Array,
      colors: avatar.buffers.colors as Float32Array,
    };
    this.rasterizer = createRasterizer({ engine: options.engine ?? 'fast', threads: options.threads });
  }

  /** World positions of the Gaussians in the last posed frame (N×3, reused). */
  get posedMeans(): Float32Array {
    return this.gaussians.means;
  }

  /** Poses the Gaussians (into `posedMeans`) without rendering. */
  pose(pose: AvatarPose): Float32Array {
    return poseAvatarMeans(this.avatar, pose.rotations, pose.translation, this.gaussians.means, this.scratch, { poseOffsets: this.options.poseOffsets, expression: pose.expression ?? null });
  }

  /** Poses and renders one frame: RGB over a colour, or RGBA when the background is transparent. */
  render(pose: AvatarPose, camera: Camera, background: Background = [1, 1, 1]): FloatImage {
    const t0 = performance.now();
    this.pose(pose);
    const t1 = performance.now();
    const transparent = background === 'transparent';
    const bg = transparent ? [0, 0, 0] : background;
    const r = this.rasterizer.render(this.gaussians, camera, bg);
    this.last = { poseMs: t1 - t0, preprocessMs: r.preprocessMs, rasterMs: r.rasterMs, visible: r.visible };
    const W = r.width, H = r.height;
    if (!transparent) return { width: W, height: H, channels: 3, data: Float32Array.from(r.image) };
    const data = new Float32Array(W * H * 4);
    for (let p = 0; p < W * H; p++) {
      const a = r.alpha[p]!;
      const inv = a > 1e-6 ? 1 / a : 0; // un-premultiply: the image holds Σ αT·colour
      data[p * 4] = r.image[p * 3]! * inv; data[p * 4 + 1] = r.image[p * 3 + 1]! * inv; data[p * 4 + 2] = r.image[p * 3 + 2]! * inv;
      data[p * 4 + 3] = a;
    }
    return { width: W, height: H, channels: 4, data };
  }
}
