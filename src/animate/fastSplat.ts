/**
 * A forward-only renderer for isotropic RGB Gaussians (the PERSONA avatar: one scale, identity rotation),
 * for animation and previews where no gradients are needed. Per pixel it composites front to back exactly
 * as src/splat does ([3DGS]: alpha = o·exp(−½dᵀΣ⁻¹d), skipped below 1/255, clamped to 0.99, early stop
 * below T = 1e-4, 0.1 px² dilation), and it is tested against src/splat's `rasterize`. What makes it faster:
 * - the 2D covariance of an isotropic Gaussian is s²·J·Jᵀ (no 3D covariance, no rotation);
 * - single precision, structure-of-arrays records, no state kept for a backward pass;
 * - depth order by a two-pass 16-bit counting sort of the quantised depth (ties within 1/65536 of the
 *   depth range of the visible Gaussians may composite in either order);
 * - Gaussians whose footprint lies on already opaque pixels cost only their span loop.
 * Single-threaded: on the 2 shared cores of the target machine threads did not pay (docs/export.md).
 */
import type { Camera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';
import { ALPHA_MAX, ALPHA_MIN, DEFAULT_DILATION, DEFAULT_NEAR, FOV_CLAMP, T_MIN } from '../splat/config.js';

/** The Gaussians to draw (arrays are read only). */
export interface IsotropicGaussians {
  count: number;
  /** N×3 world positions. */
  means: Float32Array;
  /** N isotropic standard deviations (metres). */
  scales: Float32Array;
  /** N×3 RGB. */
  colors: Float32Array;
  /** N opacities in [0,1]. */
  opacities: Float32Array;
}

/** Output buffers of one frame (views into the renderer's memory, valid until its next call). */
export interface FastFrame {
  width: number;
  height: number;
  /** H×W×3 colour including the background term T·bg. */
  image: Float32Array;
  /** H×W accumulated opacity. */
  alpha: Float32Array;
  /** Visible Gaussians and Gaussian–pixel pairs visited. */
  visible: number;
  pairs: number;
  /** Milliseconds of projection + sort and of compositing. */
  preprocessMs: number;
  rasterMs: number;
}

const SORT_BITS = 16;
const BUCKETS = 1 << SORT_BITS;

/** Reusable forward renderer; grows its buffers on demand. */
export class FastSplatRenderer {
  private cap = 0;
  private U = new Float32Array(0); private V = new Float32Array(0);
  private A = new Float32Array(0); private B = new Float32Array(0); private C = new Float32Array(0);
  private O = new Float32Array(0); private TAU = new Float32Array(0); private Z = new Float32Array(0);
  private Y0 = new Int32Array(0); private Y1 = new Int32Array(0);
  private idx = new Int32Array(0); private key = new Uint16Array(0); private order = new Int32Array(0);
  private readonly hist = new Uint32Array(BUCKETS);
  private pixels = 0;
  private image = new Float32Array(0); private alpha = new Float32Array(0); private T = new Float32Array(0);

  private grow(n: number, pixels: number): void {
    if (n > this.cap) {
      const c = Math.ceil(n * 1.1);
      this.U = new Float32Array(c); this.V = new Float32Array(c); this.A = new Float32Array(c); this.B = new Float32Array(c);
      this.C = new Float32Array(c); this.O = new Float32Array(c); this.TAU = new Float32Array(c); this.Z = new Float32Array(c);
      this.Y0 = new Int32Array(c); this.Y1 = new Int32Array(c); this.idx = new Int32Array(c); this.key = new Uint16Array(c);
      this.order = new Int32Array(c);
      this.cap = c;
    }
    if (pixels !== this.pixels) {
      this.image = new Float32Array(pixels * 3); this.alpha = new Float32Array(pixels); this.T = new Float32Array(pixels);
      this.pixels = pixels;
    }
  }

  /** Renders the Gaussians seen by `camera` over an RGB background. */
  render(g: IsotropicGaussians, cam: Camera, background: ArrayLike<number> = [1, 1, 1], options: { dilation?: number; near?: number } = {}): FastFrame {
    const W = cam.width, H = cam.height;
    if (!(Number.isInteger(W) && Number.isInteger(H) && W > 0 && H > 0)) throw new PersonaError(`camera size ${W}×${H} is not a positive integer size.`);
    const N = g.count;
    this.grow(N, W * H);
    const t0 = performance.now();
    const dil = options.dilation ?? DEFAULT_DILATION, near = options.near ?? DEFAULT_NEAR;
    const R = cam.R, t = cam.t, fx = cam.fx, fy = cam.fy, cx = cam.cx, cy = cam.cy;
    const r0 = R[0]!, r1 = R[1]!, r2 = R[2]!, r3 = R[3]!, r4 = R[4]!, r5 = R[5]!, r6 = R[6]!, r7 = R[7]!, r8 = R[8]!;
    const t0x = t[0]!, t0y = t[1]!, t0z = t[2]!;
    const padX = ((FOV_CLAMP - 1) / 2) * W, padY = ((FOV_CLAMP - 1) / 2) * H;
    const xLo = -(cx + padX) / fx, xHi = (W - cx + padX) / fx, yLo = -(cy + padY) / fy, yHi = (H - cy + padY) / fy;
    const { U, V, A, B, C, O, TAU, Z, Y0, Y1, idx } = this;
    const m = g.means, sc = g.scales, op = g.opacities;
    let M = 0, zmin = Infinity, zmax = -Infinity;
    for (let i = 0; i < N; i++) {
      const mx = m[3 * i]!, my = m[3 * i + 1]!, mz = m[3 * i + 2]!;
      const tz = r6 * mx + r7 * my + r8 * mz + t0z;
      if (!(tz >= near)) continue;
      const o = op[i]!, s = sc[i]!;
      if (!(o > ALPHA_MIN) || !(s > 0)) continue;
      const tx = r0 * mx + r1 * my + r2 * mz + t0x;
      const ty = r3 * mx + r4 * my + r5 * mz + t0y;
      const rz = 1 / tz;
      let xz = tx * rz, yz = ty * rz;
      const u = fx * xz + cx, v = fy * yz + cy;
      if (xz < xLo) xz = xLo; else if (xz > xHi) xz = xHi;
      if (yz < yLo) yz = yLo; else if (yz > yHi) yz = yHi;
      // Σ2D = s²·J·Jᵀ + dil·I with J = [[fx/z, 0, −fx·x/z²], [0, fy/z, −fy·y/z²]] (the view rotation cancels for Σ = s²I)
      const k = s * s * rz * rz;
      const cxx = k * fx * fx * (1 + xz * xz) + dil;
      const cxy = k * fx * fy * xz * yz;
      const cyy = k * fy * fy * (1 + yz * yz) + dil;
      const det = cxx * cyy - cxy * cxy;
      if (!(det > 0)) continue;
      const tau = Math.log(255 * o);
      const hy = Math.sqrt(2 * tau * cyy), hx = Math.sqrt(2 * tau * cxx);
      const y0 = Math.max(0, Math.ceil(v - hy - 0.5) - 1), y1 = Math.min(H - 1, Math.floor(v + hy - 0.5) + 1);
      const x0 = Math.max(0, Math.ceil(u - hx - 0.5) - 1), x1 = Math.min(W - 1, Math.floor(u + hx - 0.5) + 1);
      if (!(x0 <= x1 && y0 <= y1)) continue;
      const id = 1 / det;
      U[M] = u; V[M] = v; A[M] = cyy * id; B[M] = -cxy * id; C[M] = cxx * id; O[M] = o; TAU[M] = tau; Z[M] = tz;
      Y0[M] = y0; Y1[M] = y1; idx[M] = i;
      if (tz < zmin) zmin = tz;
      if (tz > zmax) zmax = tz;
      M++;
    }
    // counting sort by quantised depth, front to back (stable: ties keep index order)
    const key = this.key, hist = this.hist, order = this.order;
    hist.fill(0);
    const scale = zmax > zmin ? (BUCKETS - 1) / (zmax - zmin) : 0;
    for (let r = 0; r < M; r++) { const q = ((Z[r]! - zmin) * scale) | 0; key[r] = q; hist[q]!++; }
    let sum = 0;
    for (let b = 0; b < BUCKETS; b++) { const c = hist[b]!; hist[b] = sum; sum += c; }
    for (let r = 0; r < M; r++) order[hist[key[r]!]!++] = r;
    const t1 = performance.now();

    // composite, Gaussian-major
    const image = this.image, Tb = this.T, alpha = this.alpha, col = g.colors;
    image.fill(0);
    Tb.fill(1);
    let pairs = 0;
    for (let s = 0; s < M; s++) {
      const r = order[s]!;
      const u = U[r]!, v = V[r]!, a = A[r]!, b = B[r]!, c = C[r]!, o = O[r]!, tau = TAU[r]!;
      const gi = idx[r]! * 3;
      const cr = col[gi]!, cg = col[gi + 1]!, cb = col[gi + 2]!;
      const q = Math.exp(-a);
      const det = a * c - b * b;
      const ya = Y0[r]!, yb = Y1[r]!;
      for (let py = ya; py <= yb; py++) {
        const dy = py + 0.5 - v;
        const disc = 2 * a * tau - det * dy * dy;
        if (disc < 0) continue;
        const half = Math.sqrt(disc) / a;
        const xc = u - 0.5 - (b * dy) / a;
        let x0 = Math.ceil(xc - half - 1e-4), x1 = Math.floor(xc + half + 1e-4);
        if (x0 < 0) x0 = 0;
        if (x1 > W - 1) x1 = W - 1;
        if (x0 > x1) continue;
        const dx = x0 + 0.5 - u;
        let gv = Math.exp(-(0.5 * (a * dx * dx + c * dy * dy) + b * dx * dy));
        let ratio = Math.exp(-(a * dx + 0.5 * a + b * dy));
        pairs += x1 - x0 + 1;
        const row = py * W;
        for (let px = x0; px <= x1; px++) {
          const pix = row + px;
          const Tp = Tb[pix]!;
          if (Tp > 0) {
            let al = o * gv;
            if (al >= ALPHA_MIN) {
              if (al > ALPHA_MAX) al = ALPHA_MAX;
              const tT = Tp * (1 - al);
              if (tT < T_MIN) Tb[pix] = -Tp;
              else {
                const w = al * Tp;
                const p3 = pix * 3;
                image[p3] += cr * w; image[p3 + 1] += cg * w; image[p3 + 2] += cb * w;
                Tb[pix] = tT;
              }
            }
          }
          gv *= ratio;
          ratio *= q;
        }
      }
    }
    const bg0 = background[0]!, bg1 = background[1]!, bg2 = background[2]!;
    for (let pix = 0, n = W * H; pix < n; pix++) {
      let Tp = Tb[pix]!;
      if (Tp < 0) Tp = -Tp;
      alpha[pix] = 1 - Tp;
      image[pix * 3] += Tp * bg0; image[pix * 3 + 1] += Tp * bg1; image[pix * 3 + 2] += Tp * bg2;
    }
    const t2 = performance.now();
    return { width: W, height: H, image, alpha, visible: M, pairs, preprocessMs: t1 - t0, rasterMs: t2 - t1 };
  }
}
