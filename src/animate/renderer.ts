/**
 * Renders posed avatar frames: posing (pose offsets + LBS) into preallocated buffers, then a forward
 * rasterization of the isotropic Gaussians with RGB features, by the forward-only fast path
 * (src/splat/fast.ts, default) or by the differentiable rasterizer (src/splat `rasterize`, `engine: 'splat'`).
 */
import type { AvatarBundle } from '../avatar/bundle.js';
import { createPoseScratch, poseAvatarMeans, type PoseScratch } from '../avatar/pose.js';
import type { Camera } from '../core/camera.js';
import type { FloatImage } from '../core/image.js';
import { rasterize, RasterWorkspace, type GaussianSet } from '../splat/index.js';
import type { AvatarPose } from '../export/cloud.js';
import { FastSplatRenderer } from '../splat/index.js';

/** Which rasterizer draws the frames. */
export type RenderEngine = 'fast' | 'splat';

/** Frame background: an RGB colour, or transparent (RGBA output with alpha). */
export type Background = [number, number, number] | 'transparent';

/** Timings of the last frame (milliseconds). */
export interface FrameTimings {
  poseMs: number;
  preprocessMs: number;
  rasterMs: number;
  visible: number;
}

/** Reusable renderer for one avatar (allocates once; `render` allocates only the returned image). */
export class AvatarRenderer {
  private readonly scratch: PoseScratch;
  private readonly gaussians: GaussianSet;
  private readonly workspace = new RasterWorkspace();
  private readonly fast = new FastSplatRenderer();
  /** Timings of the most recent `render`. */
  last: FrameTimings = { poseMs: 0, preprocessMs: 0, rasterMs: 0, visible: 0 };

  constructor(private readonly avatar: AvatarBundle, private readonly options: { threads?: number; poseOffsets?: boolean; engine?: RenderEngine } = {}) {
    const n = avatar.header.gaussianCount;
    this.scratch = createPoseScratch(avatar);
    this.gaussians = {
      count: n,
      means: new Float32Array(n * 3),
      scales: avatar.buffers.scales as Float32Array,
      opacities: avatar.buffers.opacities as Float32Array,
      features: avatar.buffers.colors as Float32Array,
      channels: 3,
    };
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
    let r: { width: number; height: number; image: Float32Array; alpha: Float32Array };
    if ((this.options.engine ?? 'fast') === 'fast') {
      const g = this.gaussians;
      const f = this.fast.render({ count: g.count, means: g.means, scales: g.scales, colors: g.features, opacities: g.opacities! }, camera, bg);
      this.last = { poseMs: t1 - t0, preprocessMs: f.preprocessMs, rasterMs: f.rasterMs, visible: f.visible };
      r = f;
    } else {
      const s = rasterize(this.gaussians, camera, {
        background: bg,
        workspace: this.workspace,
        ...(this.options.threads ? { threads: this.options.threads } : {}),
      });
      this.last = { poseMs: t1 - t0, preprocessMs: s.stats.preprocessMs, rasterMs: s.stats.rasterMs, visible: s.stats.visible };
      r = s;
    }
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
