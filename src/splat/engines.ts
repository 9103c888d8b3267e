/**
 * The two Gaussian rasterizers behind one forward API, for whoever only draws frames (animation, previews, the
 * benchmark's frozen avatar): `reference` is the differentiable rasterizer `rasterize` (rasterize.ts; threads,
 * WASM kernels) run forward only, `fast` is the forward-only `FastSplatRenderer` (fast.ts). Both composite front
 * to back with the same constants (config.ts) and agree to float rounding and depth-sort ties
 * (test/splat/engines.test.ts). Training calls `rasterize`/`rasterizeBackward` directly.
 */
import type { Camera } from '../core/camera.js';
import { FastSplatRenderer, type IsotropicGaussians } from './fast.js';
import { rasterize } from './rasterize.js';
import { RasterWorkspace } from './workspace.js';

/** Which rasterizer draws: the differentiable one run forward (`reference`) or the forward-only one (`fast`). */
export type SplatEngine = 'reference' | 'fast';

/** Every engine name. */
export const SPLAT_ENGINES: readonly SplatEngine[] = ['reference', 'fast'];

/** One drawn frame: views into the rasterizer's memory, valid until its next `render`. */
export interface SplatFrame {
  width: number;
  height: number;
  /** H×W×3 colour including the background term T·bg. */
  image: Float32Array;
  /** H×W accumulated opacity. */
  alpha: Float32Array;
  /** Gaussians that survived culling. */
  visible: number;
  /** Milliseconds of projection + sort, and of compositing. */
  preprocessMs: number;
  rasterMs: number;
}

/** A reusable forward renderer of isotropic RGB Gaussians. */
export interface Rasterizer {
  readonly engine: SplatEngine;
  /** Draws the Gaussians through `camera` over `background` (RGB). */
  render(gaussians: IsotropicGaussians, camera: Camera, background: ArrayLike<number>): SplatFrame;
}

/** Options of `createRasterizer`. */
export interface RasterizerOptions {
  engine: SplatEngine;
  /** Threads of the `reference` engine (default: `rasterize`'s); the `fast` engine is single-threaded. */
  threads?: number;
}

/** A rasterizer of the chosen engine (buffers are kept and reused across calls). */
export function createRasterizer(options: RasterizerOptions): Rasterizer {
  if (options.engine === 'fast') {
    const fast = new FastSplatRenderer();
    return { engine: 'fast', render: (g, camera, background) => fast.render(g, camera, background) };
  }
  const workspace = new RasterWorkspace();
  return {
    engine: 'reference',
    render(g, camera, background) {
      const r = rasterize(
        { count: g.count, means: g.means, scales: g.scales, opacities: g.opacities, features: g.colors, channels: 3 },
        camera,
        { background, workspace, ...(options.threads ? { threads: options.threads } : {}) },
      );
      return { width: r.width, height: r.height, image: r.image, alpha: r.alpha, visible: r.stats.visible, preprocessMs: r.stats.preprocessMs, rasterMs: r.stats.rasterMs };
    },
  };
}
