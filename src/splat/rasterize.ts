/**
 * Public forward pass: validate, project + cull + sort, then composite in row bands over threads.
 */
import { availableParallelism } from 'node:os';
import type { Camera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';
import { DEFAULT_DILATION, DEFAULT_FAR, DEFAULT_MAX_THREADS, DEFAULT_NEAR, MIN_PIXELS_FOR_THREADS } from './config.js';
import type { ForwardBand } from './kernel.js';
import { runBands } from './pool.js';
import { preprocess, splitBands } from './preprocess.js';
import { makeProjector } from './project.js';
import type { GaussianSet, ProjectParams, RasterOptions, RasterResult } from './types.js';
import { RasterWorkspace } from './workspace.js';

/**
 * Renders `gaussians` seen by `camera`: front-to-back alpha compositing of all C feature channels in one
 * pass, plus accumulated alpha and (optionally) expected depth. Keeps what `rasterizeBackward` needs.
 */
export function rasterize(gaussians: GaussianSet, camera: Camera, options: RasterOptions = {}): RasterResult {
  validateGaussians(gaussians);
  validateCamera(camera);
  const C = gaussians.channels;
  const W = camera.width, H = camera.height;
  const background = new Float64Array(C);
  if (options.background) {
    if (options.background.length !== C)
      throw new PersonaError(`splat: background has ${options.background.length} values but the Gaussians have ${C} channels`, {
        hint: 'pass one background value per feature channel',
      });
    for (let c = 0; c < C; c++) background[c] = options.background[c]!;
    if (!background.every(Number.isFinite)) throw new PersonaError('splat: background contains a non-finite value');
  }
  const params: ProjectParams = {
    width: W, height: H, channels: C,
    near: options.near ?? DEFAULT_NEAR,
    far: options.far ?? DEFAULT_FAR,
    dilation: options.dilation ?? DEFAULT_DILATION,
    depth: options.depth ?? false,
    background,
  };
  if (!(params.near > 0 && params.far > params.near))
    throw new PersonaError(`splat: need 0 < near < far, got near=${params.near}, far=${params.far}`);
  if (!(params.dilation >= 0 && Number.isFinite(params.dilation)))
    throw new PersonaError(`splat: dilation must be a finite number ≥ 0, got ${params.dilation}`);
  const engine = options.engine ?? 'wasm';
  if (engine !== 'wasm' && engine !== 'js') throw new PersonaError(`splat: engine must be 'wasm' or 'js', got ${String(engine)}`);
  const ws = options.workspace ?? new RasterWorkspace();
  const generation = ++ws.generation;

  const t0 = performance.now();
  const P = makeProjector(gaussians, camera, params);
  const rowWork = ws.get('rowWork', Float64Array, H);
  const threads = resolveThreads(options.threads, W * H);
  const sorted = preprocess(gaussians, P, ws, rowWork, threads);
  const bands = splitBands(rowWork, H, threads);
  const nb = bands.length - 1;
  const t1 = performance.now();

  const image = ws.get('out.image', Float32Array, W * H * C);
  const alpha = ws.get('out.alpha', Float32Array, W * H);
  const depth = ws.get('out.depth', Float32Array, params.depth ? W * H : 0);
  const T = ws.get('out.T', Float64Array, W * H);
  const last = ws.get('out.last', Int32Array, W * H);
  const bg = ws.get('bg', Float64Array, C);
  bg.set(background);
  let pairs: number;
  if (engine === 'js') {
    const jobs: ForwardBand[] = [];
    for (let k = 0; k < nb; k++) {
      jobs.push({
        width: W, height: H, channels: C, count: sorted.count, hasDepth: params.depth,
        geo: sorted.geo, rows: sorted.rows, index: sorted.index, features: sorted.features, background: bg,
        image, alpha, depth, T, last, rowStart: bands[k]!, rowEnd: bands[k + 1]!,
      });
    }
    pairs = runBands({ engine: 'js', kind: 'forward', bands: jobs });
  } else {
    const block = ws.get('params.forward', Float64Array, PARAM_BLOCK * nb);
    const scratch = ws.get('scratch.forward', Float64Array, nb * scratchStride(W, C));
    const ptrs: number[] = [];
    for (let k = 0; k < nb; k++) {
      const o = k * PARAM_BLOCK;
      block.set([
        W, H, C, sorted.count, params.depth ? 1 : 0, sorted.geo.byteOffset, sorted.rows.byteOffset, sorted.features.byteOffset,
        bg.byteOffset, image.byteOffset, alpha.byteOffset, depth.byteOffset, T.byteOffset, last.byteOffset,
        bands[k]!, bands[k + 1]!, scratch.byteOffset + 8 * k * scratchStride(W, C), sorted.index.byteOffset,
      ], o);
      ptrs.push(block.byteOffset + 8 * o);
    }
    pairs = runBands({ engine: 'wasm', kind: 'forward', workspace: ws, params: ptrs });
  }
  const t2 = performance.now();
  return {
    width: W, height: H, channels: C, image, alpha,
    ...(params.depth ? { depth } : {}),
    stats: { visible: sorted.count, pairs, threads: nb, preprocessMs: t1 - t0, rasterMs: t2 - t1 },
    saved: { gaussians, camera, params, sorted, finalT: T, last, bands, workspace: ws, generation, engine },
  };
}

/** f64 slots per kernel parameter block (see wasm/kernel.as). */
export const PARAM_BLOCK = 32;
/** f64 scratch per band: three row buffers and one per channel, rounded to 16 bytes. */
export function scratchStride(width: number, channels: number): number {
  return (3 * width + channels + 1) & ~1;
}

/** Threads to use: the request (or min(2, cores)), 1 for small images. */
export function resolveThreads(requested: number | undefined, pixels: number): number {
  if (requested !== undefined && !(Number.isInteger(requested) && requested >= 1))
    throw new PersonaError(`splat: threads must be a positive integer, got ${requested}`);
  const n = requested ?? (pixels < MIN_PIXELS_FOR_THREADS ? 1 : Math.min(DEFAULT_MAX_THREADS, availableParallelism()));
  return n;
}

function validateGaussians(g: GaussianSet): void {
  const N = g.count;
  if (!(Number.isInteger(N) && N >= 0)) throw new PersonaError(`splat: count must be a non-negative integer, got ${N}`);
  if (!(Number.isInteger(g.channels) && g.channels >= 1))
    throw new PersonaError(`splat: channels must be a positive integer, got ${g.channels}`);
  const check = (name: string, arr: Float32Array | undefined, per: number[]) => {
    if (arr === undefined) return;
    if (!(arr instanceof Float32Array)) throw new PersonaError(`splat: ${name} must be a Float32Array`);
    if (!per.some((p) => arr.length === p * N))
      throw new PersonaError(`splat: ${name} has ${arr.length} values, expected ${per.map((p) => `${p}×${N}`).join(' or ')}`, {
        hint: 'all per-Gaussian arrays must have `count` rows',
      });
  };
  check('means', g.means, [3]);
  if (g.means === undefined) throw new PersonaError('splat: means are required');
  if (g.scales === undefined) throw new PersonaError('splat: scales are required');
  check('scales', g.scales, N === 0 ? [1] : [1, 3]);
  check('rotations', g.rotations, [4]);
  check('opacities', g.opacities, [1]);
  if (g.features === undefined) throw new PersonaError('splat: features are required');
  check('features', g.features, [g.channels]);
}

function validateCamera(cam: Camera): void {
  const { width, height, fx, fy, cx, cy } = cam;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw new PersonaError(`splat: camera size must be positive integers, got ${width}×${height}`);
  if (!(fx > 0 && fy > 0 && Number.isFinite(fx) && Number.isFinite(fy) && Number.isFinite(cx) && Number.isFinite(cy)))
    throw new PersonaError(`splat: camera intrinsics must be finite with fx, fy > 0 (got fx=${fx}, fy=${fy}, cx=${cx}, cy=${cy})`);
  if (cam.R.length !== 9 || cam.t.length !== 3) throw new PersonaError('splat: camera R must have 9 values and t 3');
  for (let k = 0; k < 9; k++) if (!Number.isFinite(cam.R[k]!)) throw new PersonaError('splat: camera R has a non-finite value');
  for (let k = 0; k < 3; k++) if (!Number.isFinite(cam.t[k]!)) throw new PersonaError('splat: camera t has a non-finite value');
}
