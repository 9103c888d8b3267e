/** Random test scenes for the splat tests. */
import { lookAtCamera, type Camera } from '../../src/core/camera.js';
import { Rng } from '../../src/core/rng.js';
import type { GaussianSet } from '../../src/splat/index.js';

export interface SceneOptions {
  count: number;
  channels: number;
  width: number;
  height: number;
  isotropic?: boolean;
  opacity?: [number, number];
  scale?: [number, number];
  seed?: number;
}

/** Gaussians in a 1.6×1.6×1 m box around the origin, seen from 3 m on +Z with an off-centre, non-square pinhole. */
export function randomScene(o: SceneOptions): { gaussians: GaussianSet; camera: Camera } {
  const rng = new Rng(o.seed ?? 1);
  const N = o.count, C = o.channels;
  const means = new Float32Array(3 * N), opac = new Float32Array(N), feats = new Float32Array(N * C);
  const iso = o.isotropic ?? false;
  const scales = new Float32Array(iso ? N : 3 * N);
  const rots = new Float32Array(4 * N);
  const [s0, s1] = o.scale ?? [0.03, 0.15];
  const [o0, o1] = o.opacity ?? [0.3, 0.95];
  for (let i = 0; i < N; i++) {
    means[3 * i] = rng.uniform(-0.8, 0.8);
    means[3 * i + 1] = rng.uniform(-0.8, 0.8);
    means[3 * i + 2] = rng.uniform(-0.5, 0.5);
    if (iso) scales[i] = rng.uniform(s0, s1);
    else for (let k = 0; k < 3; k++) scales[3 * i + k] = rng.uniform(s0, s1) * (k === 2 ? 0.5 : 1);
    for (let k = 0; k < 4; k++) rots[4 * i + k] = rng.normal() * (k === 0 ? 1 : 0.6) + (k === 0 ? 0.5 : 0);
    opac[i] = rng.uniform(o0, o1);
    for (let c = 0; c < C; c++) feats[i * C + c] = rng.uniform(-0.2, 1);
  }
  const camera = lookAtCamera([0.2, 0.1, 3], [0, 0, 0], { width: o.width, height: o.height, fovYDeg: 45 });
  camera.fx *= 1.1;
  camera.cx += 1.3;
  camera.cy -= 0.7;
  const gaussians: GaussianSet = {
    count: N, means, scales, opacities: opac, features: feats, channels: C,
    ...(iso ? {} : { rotations: rots }),
  };
  return { gaussians, camera };
}

/** Deterministic pseudo-random weights in [−1, 1) (float32). */
export function randomWeights(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = rng.uniform(-1, 1);
  return w;
}

/** Largest absolute difference between two arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
