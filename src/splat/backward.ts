/**
 * Public backward pass: replays the compositing back to front in row bands (kernel.ts), folds the
 * per-(Gaussian, row block) partial sums in block order (bit-identical for any thread count), then applies
 * the chain rule of the projection (conic → 2D covariance → 3D covariance, Jacobian, camera transform)
 * to reach means, scales, rotations, opacities and features.
 */
import { PersonaError } from '../core/errors.js';
import { BLOCK_ROWS } from './config.js';
import { PARTIAL_BASE, type BackwardBand } from './kernel.js';
import { runBands } from './pool.js';
import { chainRange, type ChainJob } from './chain.js';
import { PARAM_BLOCK, resolveThreads, scratchStride } from './rasterize.js';
import type { BackwardOptions, RasterGrads, RasterSaved } from './types.js';

/** Below this many Gaussians the chain rule stays on the calling thread. */
const MIN_GAUSSIANS_FOR_THREADS = 20_000;

/** Allocates zeroed gradient buffers shaped like the inputs of `saved` (for reuse across iterations). */
export function allocateGrads(saved: RasterSaved): RasterGrads {
  const g = saved.gaussians, N = g.count;
  return {
    means: new Float32Array(3 * N),
    scales: new Float32Array(g.scales.length),
    rotations: new Float32Array(4 * N),
    opacities: new Float32Array(N),
    features: new Float32Array(N * g.channels),
  };
}

/**
 * Gradients of a scalar loss L given ∂L/∂image (H×W×C), ∂L/∂alpha (H×W, optional) and ∂L/∂depth
 * (H×W, optional, needs `depth: true` in the forward pass). Gaussians that were culled get zero gradient.
 */
export function rasterizeBackward(
  saved: RasterSaved,
  dImage: Float32Array | null,
  dAlpha?: Float32Array | null,
  options: BackwardOptions & { dDepth?: Float32Array | null } = {},
): RasterGrads {
  const { params, sorted, workspace: ws, gaussians: gs } = saved;
  if (saved.generation !== ws.generation)
    throw new PersonaError('splat backward: the workspace of this render was reused by a later rasterize call', {
      hint: 'give each render that you differentiate its own RasterWorkspace',
    });
  const W = params.width, H = params.height, C = params.channels, N = gs.count, M = sorted.count;
  const need = (name: string, arr: Float32Array | null | undefined, len: number) => {
    if (arr && arr.length !== len)
      throw new PersonaError(`splat backward: ${name} has ${arr.length} values, expected ${len}`, { hint: 'pass gradients shaped like the forward outputs' });
  };
  need('dImage', dImage, W * H * C);
  need('dAlpha', dAlpha, W * H);
  need('dDepth', options.dDepth, W * H);
  if (options.dDepth && !params.depth)
    throw new PersonaError('splat backward: got a depth gradient but the forward pass did not render depth', { hint: 'pass depth: true to rasterize' });

  const grads = options.grads ?? allocateGrads(saved);
  need('grads.means', grads.means, 3 * N);
  need('grads.scales', grads.scales, gs.scales.length);
  need('grads.rotations', grads.rotations, 4 * N);
  need('grads.opacities', grads.opacities, N);
  need('grads.features', grads.features, N * C);
  if (!options.accumulate && options.grads) {
    grads.means.fill(0); grads.scales.fill(0); grads.rotations.fill(0); grads.opacities.fill(0); grads.features.fill(0);
  }
  if (M === 0) return grads;

  const bandsUsed = options.threads !== undefined ? Math.min(resolveThreads(options.threads, W * H), Math.ceil(H / BLOCK_ROWS)) : saved.bands.length - 1;
  // Workers can only see SharedArrayBuffer memory; on one thread any array will do.
  const toShared = (name: string, arr: Float32Array | null | undefined, len: number): Float32Array => {
    if (arr && saved.engine === 'js' && (bandsUsed === 1 || arr.buffer instanceof SharedArrayBuffer)) return arr;
    if (arr && saved.engine === 'wasm' && ws.owns(arr)) return arr; // already in the kernels' memory
    const out = ws.get(name, Float32Array, len);
    if (arr) out.set(arr);
    else out.fill(0);
    return out;
  };
  const dImg = toShared('bwd.dImage', dImage, W * H * C);
  const dA = dAlpha ? toShared('bwd.dAlpha', dAlpha, W * H) : new Float32Array(0);
  const dD = params.depth && options.dDepth ? toShared('bwd.dDepth', options.dDepth, W * H) : new Float32Array(0);
  const hasDepth = dD.length > 0;

  // One slot per (Gaussian, row block) it touches.
  const slotStart = ws.get('bwd.slotStart', Int32Array, M + 1);
  let slots = 0;
  for (let r = 0; r < M; r++) {
    slotStart[r] = slots;
    slots += ((sorted.rows[4 * r + 1]! / BLOCK_ROWS) | 0) - ((sorted.rows[4 * r]! / BLOCK_ROWS) | 0) + 1;
  }
  slotStart[M] = slots;
  const stride = PARTIAL_BASE + C;
  const partials = ws.get('bwd.partials', Float64Array, slots * stride);
  const Tb = ws.get('bwd.T', Float64Array, W * H);
  const S = ws.get('bwd.S', Float64Array, W * H);

  let bands = saved.bands;
  if (options.threads !== undefined && options.threads !== bands.length - 1) {
    const n = resolveThreads(options.threads, W * H);
    const blocks = Math.ceil(H / BLOCK_ROWS);
    const k = Math.min(n, blocks);
    bands = new Int32Array(k + 1);
    for (let i = 1; i < k; i++) bands[i] = Math.round((blocks * i) / k) * BLOCK_ROWS;
    bands[k] = H;
  }
  const nb = bands.length - 1;
  if (saved.engine === 'js') {
    const jobs: BackwardBand[] = [];
    for (let k = 0; k < nb; k++) {
      jobs.push({
        width: W, height: H, channels: C, count: M, hasDepth,
        geo: sorted.geo, rows: sorted.rows, index: sorted.index, features: sorted.features, background: ws.get('bg', Float64Array, C),
        finalT: saved.finalT, last: saved.last, dImage: dImg, dAlpha: dA, dDepth: dD, Tb, S, slotStart, partials,
        rowStart: bands[k]!, rowEnd: bands[k + 1]!,
      });
    }
    runBands({ engine: 'js', kind: 'backward', bands: jobs });
  } else {
    const block = ws.get('params.backward', Float64Array, PARAM_BLOCK * nb);
    const scratch = ws.get('scratch.backward', Float64Array, nb * scratchStride(W, C));
    const bg = ws.get('bg', Float64Array, C);
    const ptrs: number[] = [];
    for (let k = 0; k < nb; k++) {
      const o = k * PARAM_BLOCK;
      block.set([
        W, H, C, M, hasDepth ? 1 : 0, sorted.geo.byteOffset, sorted.rows.byteOffset, sorted.features.byteOffset, bg.byteOffset,
        saved.finalT.byteOffset, saved.last.byteOffset, dImg.byteOffset, dA.length > 0 ? dA.byteOffset : 0,
        hasDepth ? dD.byteOffset : 0, Tb.byteOffset, S.byteOffset, slotStart.byteOffset, partials.byteOffset,
        bands[k]!, bands[k + 1]!, scratch.byteOffset + 8 * k * scratchStride(W, C), sorted.index.byteOffset,
      ], o);
      ptrs.push(block.byteOffset + 8 * o);
    }
    runBands({ engine: 'wasm', kind: 'backward', workspace: ws, params: ptrs });
  }
  // Chain rule, in Gaussian ranges over the same threads.
  const rankOf = ws.get('bwd.rankOf', Int32Array, N);
  rankOf.fill(-1);
  for (let r = 0; r < M; r++) rankOf[sorted.index[r]!] = r;
  const base = { camera: saved.camera, params, rankOf, slotStart, partials };
  if (nb === 1 || N < MIN_GAUSSIANS_FOR_THREADS) {
    chainRange({ ...base, gaussians: gs, grads, start: 0, end: N });
    return grads;
  }
  // Workers see only shared memory: inputs in, gradients out (sequential copies).
  const sharedGs = ws.gaussiansCopy('chain', gs, new Float32Array(0));
  const zero = (name: string, n: number) => { const v = ws.get(name, Float32Array, n); v.fill(0); return v; };
  const g2: RasterGrads = {
    means: zero('chain.gMeans', 3 * N), scales: zero('chain.gScales', gs.scales.length), rotations: zero('chain.gRotations', 4 * N),
    opacities: zero('chain.gOpacities', N), features: zero('chain.gFeatures', N * C),
  };
  const jobs: ChainJob[] = [];
  for (let k = 0; k < nb; k++) {
    jobs.push({ ...base, gaussians: sharedGs, grads: g2, start: Math.floor((N * k) / nb), end: Math.floor((N * (k + 1)) / nb) });
  }
  runBands({ engine: 'js', kind: 'chain', bands: jobs });
  for (const key of ['means', 'scales', 'rotations', 'opacities', 'features'] as const) {
    const dst = grads[key], src = g2[key];
    for (let k = 0; k < dst.length; k++) dst[k]! += src[k]!;
  }
  return grads;
}

