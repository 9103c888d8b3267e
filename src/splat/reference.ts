/**
 * A plain, obviously-correct reference renderer for tests and benchmarks only: float64, every pixel
 * loops over every Gaussian in depth order, with the same rules as the fast path ([3DGS] forward:
 * alpha = min(0.99, o·exp(−power)), skip below 1/255, stop before T would drop below 1e-4).
 * It builds matrices explicitly (Σ = R S Sᵀ Rᵀ, Σ' = J W Σ Wᵀ Jᵀ) rather than sharing code with project.ts.
 */
import type { Camera } from '../core/camera.js';
import { ALPHA_MAX, ALPHA_MIN, DEFAULT_DILATION, DEFAULT_FAR, DEFAULT_NEAR, FOV_CLAMP, T_MIN } from './config.js';

/** Inputs of the reference renderer (same layouts as GaussianSet, any numeric arrays). */
export interface ReferenceGaussians {
  count: number;
  means: ArrayLike<number>;
  scales: ArrayLike<number>;
  rotations?: ArrayLike<number>;
  opacities?: ArrayLike<number>;
  features: ArrayLike<number>;
  channels: number;
}

/** Reference render: image H×W×C, alpha H×W, depth H×W (expected depth Σ αTz), all float64. */
export function referenceRender(
  g: ReferenceGaussians,
  cam: Camera,
  opts: { background?: ArrayLike<number>; near?: number; far?: number; dilation?: number } = {},
): { image: Float64Array; alpha: Float64Array; depth: Float64Array } {
  const N = g.count, C = g.channels, Wd = cam.width, H = cam.height;
  const near = opts.near ?? DEFAULT_NEAR, far = opts.far ?? DEFAULT_FAR, dil = opts.dilation ?? DEFAULT_DILATION;
  const iso = g.scales.length === N;
  type Splat = { i: number; key: number; u: number; v: number; A: number[]; o: number; z: number };
  const list: Splat[] = [];
  const Rc = mat(cam.R);
  for (let i = 0; i < N; i++) {
    const m = [g.means[3 * i]!, g.means[3 * i + 1]!, g.means[3 * i + 2]!];
    const tc = [0, 1, 2].map((r) => Rc[r]![0]! * m[0]! + Rc[r]![1]! * m[1]! + Rc[r]![2]! * m[2]! + cam.t[r]!);
    const [tx, ty, tz] = tc as [number, number, number];
    if (!(tz >= near && tz <= far) || !Number.isFinite(tx) || !Number.isFinite(ty)) continue;
    const o = g.opacities ? g.opacities[i]! : 1;
    if (!(o > 1 / 255) || !Number.isFinite(o)) continue;
    let feats = true;
    for (let c = 0; c < C; c++) if (!Number.isFinite(g.features[i * C + c]!)) feats = false;
    if (!feats) continue;
    let s: number[];
    let Rq: number[][];
    if (iso) {
      const si = g.scales[i]!;
      if (!(si > 0) || !Number.isFinite(si)) continue;
      s = [si, si, si];
      Rq = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    } else {
      s = [g.scales[3 * i]!, g.scales[3 * i + 1]!, g.scales[3 * i + 2]!];
      if (!s.every((x) => x >= 0 && Number.isFinite(x)) || !s.some((x) => x > 0)) continue;
      const q = g.rotations ? [0, 1, 2, 3].map((k) => g.rotations![4 * i + k]!) : [1, 0, 0, 0];
      const n = Math.hypot(...q);
      if (!(n > 1e-12) || !Number.isFinite(n)) continue;
      const [w, x, y, z] = q.map((v) => v / n) as [number, number, number, number];
      Rq = [
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
      ];
    }
    const M = mul(Rq, [[s[0]!, 0, 0], [0, s[1]!, 0], [0, 0, s[2]!]]);
    const Sigma = mul(M, tr(M));
    const padX = ((FOV_CLAMP - 1) / 2) * Wd, padY = ((FOV_CLAMP - 1) / 2) * H;
    const xz = clamp(tx / tz, -(cam.cx + padX) / cam.fx, (Wd - cam.cx + padX) / cam.fx);
    const yz = clamp(ty / tz, -(cam.cy + padY) / cam.fy, (H - cam.cy + padY) / cam.fy);
    const J = [
      [cam.fx / tz, 0, (-cam.fx * xz) / tz],
      [0, cam.fy / tz, (-cam.fy * yz) / tz],
    ];
    const T = mul(J, Rc);
    const cov = mul(mul(T, Sigma), tr(T));
    const cxx = cov[0]![0]! + dil, cxy = cov[0]![1]!, cyy = cov[1]![1]! + dil;
    const det = cxx * cyy - cxy * cxy;
    if (!(det > 1e-12 * (cxx * cyy + 1e-30)) || !Number.isFinite(det)) continue;
    const A = [cyy / det, -cxy / det, cxx / det];
    list.push({ i, key: Math.fround(tz), u: (cam.fx * tx) / tz + cam.cx, v: (cam.fy * ty) / tz + cam.cy, A, o, z: tz });
  }
  list.sort((p, q) => p.key - q.key || p.i - q.i);
  const image = new Float64Array(Wd * H * C), alpha = new Float64Array(Wd * H), depth = new Float64Array(Wd * H);
  for (let py = 0; py < H; py++)
    for (let px = 0; px < Wd; px++) {
      const pix = py * Wd + px;
      let T = 1;
      for (const sp of list) {
        const dx = px + 0.5 - sp.u, dy = py + 0.5 - sp.v;
        const power = 0.5 * (sp.A[0]! * dx * dx + sp.A[2]! * dy * dy) + sp.A[1]! * dx * dy;
        const a = Math.min(ALPHA_MAX, sp.o * Math.exp(-power));
        if (a < ALPHA_MIN) continue;
        const next = T * (1 - a);
        if (next < T_MIN) break;
        for (let c = 0; c < C; c++) image[pix * C + c]! += g.features[sp.i * C + c]! * a * T;
        depth[pix]! += sp.z * a * T;
        T = next;
      }
      alpha[pix] = 1 - T;
      for (let c = 0; c < C; c++) image[pix * C + c]! += T * (opts.background?.[c] ?? 0);
    }
  return { image, alpha, depth };
}

function mat(R: ArrayLike<number>): number[][] {
  return [[R[0]!, R[1]!, R[2]!], [R[3]!, R[4]!, R[5]!], [R[6]!, R[7]!, R[8]!]];
}
function tr(A: number[][]): number[][] {
  return A[0]!.map((_, j) => A.map((row) => row[j]!));
}
function mul(A: number[][], B: number[][]): number[][] {
  return A.map((row) => B[0]!.map((_, j) => row.reduce((s, v, k) => s + v * B[k]![j]!, 0)));
}
function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
