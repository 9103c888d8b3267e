import { PersonaError } from '../core/errors.js';
import type { FloatCtor, Floats, Param } from './types.js';

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
    this.planes = new ctor(len);
    this.grad = new ctor(len);
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
    const C = this.channels, F = 3 * C, planeLen = this.resolution * this.resolution * C;
    const planes = this.planes, idx = taps.index, wt = taps.weight;
    if (out.length < taps.n * F) throw new PersonaError(`Triplane.sample: out holds ${out.length}, need ${taps.n * F}`);
    for (let p = 0; p < taps.n; p++) {
      for (let k = 0; k < 3; k++) {
        const o = p * F + k * C, base = (p * 3 + k) * 4, po = k * planeLen;
        for (let j = 0; j < C; j++) out[o + j] = 0;
        for (let q = 0; q < 4; q++) {
          const t = idx[base + q]!;
          if (t < 0) continue;
          const w = wt[base + q]!, s = po + t;
          for (let j = 0; j < C; j++) out[o + j] += w * planes[s + j]!;
        }
      }
    }
  }

  /** Accumulates dL/dplanes from dFeat (n×3C), the gradient of the sampled features. */
  backward(taps: TriplaneTaps, dFeat: Floats): void {
    const C = this.channels, F = 3 * C, planeLen = this.resolution * this.resolution * C;
    const g = this.grad, idx = taps.index, wt = taps.weight;
    for (let p = 0; p < taps.n; p++) {
      for (let k = 0; k < 3; k++) {
        const o = p * F + k * C, base = (p * 3 + k) * 4, po = k * planeLen;
        for (let q = 0; q < 4; q++) {
          const t = idx[base + q]!;
          if (t < 0) continue;
          const w = wt[base + q]!, s = po + t;
          for (let j = 0; j < C; j++) g[s + j] += w * dFeat[o + j]!;
        }
      }
    }
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
