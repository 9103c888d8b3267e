import { PersonaError } from '../core/errors.js';
import { isShared, sharedCopy, sharedFloat32 } from '../core/shared.js';
import { nnTaskRunner, rowChunks, rowThreads } from './parallel.js';
import { triplaneBackwardRange, triplaneSampleRange, type TriplaneBackwardRange, type TriplaneSampleRange } from './triplane-ranges.js';
import type { FloatCtor, Floats, Param } from './types.js';

const RANGES_MODULE = new URL('./triplane-ranges.js', import.meta.url).href;

/** PERSONA's triplane: 32 channels × 128×128 per plane over a 2 m cube (avatar/main/config.py). */
export const TRIPLANE_DEFAULTS = { channels: 32, resolution: 128, extent: 2 } as const;

/**
 * Which two axes each plane spans, as (u → width/column, v → height/row), in PERSONA's order
 * xy, xz, yz (extract_tri_feature: grid_sample's grid[...,0] indexes width, grid[...,1] height).
 */
export const TRIPLANE_AXES: readonly (readonly [number, number])[] = [
  [0, 1],
  [0, 2],
  [1, 2],
];

/**
 * Precomputed bilinear taps of N points on the 3 planes: for point p, plane k, corner c
 * (00, 10, 01, 11), `index` is the texel offset (row·R + col)·C into that plane, or −1 when
 * the corner falls outside (zero padding), and `weight` its bilinear weight.
 */
export interface TriplaneTaps {
  n: number;
  index: Int32Array; // n×3×4
  weight: Float64Array; // n×3×4
}

/**
 * Three learnable feature planes over an axis-aligned cube, sampled bilinearly and
 * concatenated per point: feature(p) = [F_xy(p), F_xz(p), F_yz(p)] (3C values), as PERSONA.
 *
 * Layout: `planes` is 3×R×R×C (plane, row v, column u, channel) so that one tap reads C
 * contiguous channels. Sampling follows `F.grid_sample(..., align_corners=False)` with zero
 * padding (PyTorch's defaults, used by PERSONA): a point at normalised coordinate
 * u ∈ [−1, 1] maps to column ((u+1)·R − 1)/2. Coordinates are normalised as
 * (p − centre)/(extent/2); PERSONA's centre is the mean of the template vertices.
 *
 * The rest positions never change during training, so taps are computed once (`taps`) and
 * reused every step; sample and backward are then a gather and a scatter-add.
 *
 * With a worker pool installed (parallel.ts `setNnTaskRunner`) a float32 triplane samples many points in point
 * ranges and scatters its gradient in channel ranges on the pool (triplane-ranges.ts): bit-identical to one
 * thread. Its planes and gradient then live on shared memory, so the workers read and write them in place.
 */
export class Triplane {
  readonly channels: number;
  readonly resolution: number;
  readonly extent: number;
  readonly name: string;
  readonly planes: Floats; // 3×R×R×C
  readonly grad: Floats; // 3×R×R×C

  constructor(options: { channels?: number; resolution?: number; extent?: number; dtype?: FloatCtor; name?: string } = {}) {
    this.channels = options.channels ?? TRIPLANE_DEFAULTS.channels;
    this.resolution = options.resolution ?? TRIPLANE_DEFAULTS.resolution;
    this.extent = options.extent ?? TRIPLANE_DEFAULTS.extent;
    this.name = options.name ?? 'triplane';
    if (!(this.channels > 0 && this.resolution > 1 && this.extent > 0))
      throw new PersonaError(`Triplane: invalid shape C=${this.channels}, R=${this.resolution}, extent=${this.extent}`);
    const ctor = options.dtype ?? Float32Array;
    const len = 3 * this.resolution * this.resolution * this.channels;
    // PERSONA initialises the triplane to zeros (nn.Parameter(torch.zeros(...))).
    this.planes = ctor === Float32Array ? sharedFloat32(len) : new ctor(len);
    this.grad = ctor === Float32Array ? sharedFloat32(len) : new ctor(len);
  }

  /** Shared copies of the taps and staging for non-shared features, per taps object (the trainer keeps one). */
  private shared: { taps: TriplaneTaps; index: Int32Array; weight: Float64Array; feats: Float32Array } | null = null;

  /** Threads for n points: 1 without a pool, for float64 planes or for few points. */
  private threadsFor(n: number): number {
    return this.planes instanceof Float32Array && isShared(this.planes) ? rowThreads(n) : 1;
  }

  private sharedFor(taps: TriplaneTaps): NonNullable<Triplane['shared']> {
    if (this.shared?.taps !== taps) this.shared = { taps, index: sharedCopy(taps.index), weight: sharedCopy(taps.weight), feats: sharedFloat32(taps.n * this.featDim) };
    return this.shared;
  }

  /** Feature width per point: 3·C. */
  get featDim(): number {
    return 3 * this.channels;
  }

  /** Computes the bilinear taps of `points` (n×3) around `center` (default: the points' mean). */
  taps(points: ArrayLike<number>, n: number, center?: readonly [number, number, number]): TriplaneTaps {
    if (points.length < 3 * n) throw new PersonaError(`Triplane.taps: ${points.length} values for ${n} points`);
    const c = center ?? meanPoint(points, n);
    const R = this.resolution, C = this.channels, half = this.extent / 2;
    const index = new Int32Array(n * 12);
    const weight = new Float64Array(n * 12);
    for (let p = 0; p < n; p++) {
      for (let k = 0; k < 3; k++) {
        const [au, av] = TRIPLANE_AXES[k]!;
        const u = (points[3 * p + au]! - c[au]!) / half;
        const v = (points[3 * p + av]! - c[av]!) / half;
        const fx = ((u + 1) * R - 1) / 2, fy = ((v + 1) * R - 1) / 2;
        const x0 = Math.floor(fx), y0 = Math.floor(fy);
        const ax = fx - x0, ay = fy - y0;
        const base = (p * 3 + k) * 4;
        const corners = [
          [x0, y0, (1 - ax) * (1 - ay)],
          [x0 + 1, y0, ax * (1 - ay)],
          [x0, y0 + 1, (1 - ax) * ay],
          [x0 + 1, y0 + 1, ax * ay],
        ] as const;
        for (let q = 0; q < 4; q++) {
          const [cx, cy, w] = corners[q]!;
          const inside = cx >= 0 && cx < R && cy >= 0 && cy < R;
          index[base + q] = inside ? (cy * R + cx) * C : -1;
          weight[base + q] = inside ? w : 0;
        }
      }
    }
    return { n, index, weight };
  }

  /** Writes the features of the tapped points into `out` (n×3C): [xy | xz | yz]. */
  sample(taps: TriplaneTaps, out: Floats): void {
    const C = this.channels, F = 3 * C, planeLen = this.resolution * this.resolution * C, n = taps.n;
    if (out.length < n * F) throw new PersonaError(`Triplane.sample: out holds ${out.length}, need ${n * F}`);
    const t = this.threadsFor(n);
    if (t <= 1) return triplaneSampleRange({ planes: this.planes, index: taps.index, weight: taps.weight, out, channels: C, planeLen, p0: 0, p1: n });
    const sh = this.sharedFor(taps);
    const target = out instanceof Float32Array && isShared(out) ? out : sh.feats;
    const bounds = rowChunks(n, t);
    const jobs: TriplaneSampleRange[] = [];
    for (let k = 0; k < t; k++) jobs.push({ planes: this.planes, index: sh.index, weight: sh.weight, out: target, channels: C, planeLen, p0: bounds[k]!, p1: bounds[k + 1]! });
    nnTaskRunner()!(RANGES_MODULE, 'triplaneSampleRange', jobs, triplaneSampleRange);
    if (target !== out) out.set(target.subarray(0, n * F));
  }

  /** Accumulates dL/dplanes from dFeat (n×3C), the gradient of the sampled features. */
  backward(taps: TriplaneTaps, dFeat: Floats): void {
    const C = this.channels, planeLen = this.resolution * this.resolution * C, n = taps.n;
    const t = Math.min(this.threadsFor(n), C);
    if (t <= 1) return triplaneBackwardRange({ grad: this.grad, index: taps.index, weight: taps.weight, dFeat, channels: C, planeLen, n, c0: 0, c1: C });
    const sh = this.sharedFor(taps);
    let source: Floats = dFeat;
    if (!(dFeat instanceof Float32Array && isShared(dFeat))) {
      sh.feats.set(dFeat.subarray(0, n * 3 * C));
      source = sh.feats;
    }
    const jobs: TriplaneBackwardRange[] = [];
    for (let k = 0; k < t; k++) jobs.push({ grad: this.grad, index: sh.index, weight: sh.weight, dFeat: source, channels: C, planeLen, n, c0: Math.floor((C * k) / t), c1: Math.floor((C * (k + 1)) / t) });
    nnTaskRunner()!(RANGES_MODULE, 'triplaneBackwardRange', jobs, triplaneBackwardRange);
  }

  /** Sets the gradient to zero. */
  zeroGrad(): void {
    this.grad.fill(0);
  }

  /** The learnable tensor `<name>.planes`. */
  params(): Param[] {
    return [{ name: `${this.name}.planes`, value: this.planes, grad: this.grad }];
  }
}

/** Mean of n points (n×3). */
export function meanPoint(points: ArrayLike<number>, n: number): [number, number, number] {
  let x = 0, y = 0, z = 0;
  for (let p = 0; p < n; p++) {
    x += points[3 * p]!;
    y += points[3 * p + 1]!;
    z += points[3 * p + 2]!;
  }
  return n > 0 ? [x / n, y / n, z / n] : [0, 0, 0];
}
