/**
 * A forward-only renderer for isotropic RGB Gaussians (the PERSONA avatar: one scale, identity rotation),
 * for animation and previews where no gradients are needed. Per pixel it composites front to back exactly
 * as src/splat does ([3DGS]: alpha = o·exp(−½dᵀΣ⁻¹d), skipped below 1/255, clamped to 0.99, early stop
 * below T = 1e-4, 0.1 px² dilation), and it is tested against src/splat's `rasterize`. What makes it faster:
 * - the 2D covariance of an isotropic Gaussian is s²·J·Jᵀ (no 3D covariance, no rotation);
 * - single precision, one 48-byte record per visible Gaussian scattered into depth order so that the
 *   compositing loop streams through memory; no state kept for a backward pass;
 * - depth order by a two-pass 16-bit counting sort of the quantised depth (ties within 1/65536 of the
 *   depth range of the visible Gaussians may composite in either order);
 * - inside each footprint's bounding box the Gaussian is evaluated by multiplicative recurrences
 *   (five exp() per Gaussian instead of per row or per pixel).
 * Single-threaded: on the 2 shared cores of the target machine threads did not pay (docs/export.md).
 */
import type { Camera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';
import { ALPHA_MAX, ALPHA_MIN, DEFAULT_DILATION, DEFAULT_NEAR, FOV_CLAMP, T_MIN } from './config.js';

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
  /** Visible Gaussians and Gaussian–pixel pairs visited (bounding boxes). */
  visible: number;
  pairs: number;
  /** Milliseconds of projection + sort and of compositing. */
  preprocessMs: number;
  rasterMs: number;
}

/** Record of one visible Gaussian: u, v, conic a, b, c, opacity, half box width, first row, last row, RGB. */
const REC = 12;
const SORT_BITS = 16;
/** Slack (px) on the exact bounding box of the alpha ≥ 1/255 ellipse; the alpha test decides exactly. */
const BOX_EPS = 1e-4;
const BUCKETS = 1 << SORT_BITS;

/** Reusable forward renderer; grows its buffers on demand. */
export class FastSplatRenderer {
  private cap = 0;
  /** M×REC records of the visible Gaussians (see REC). */
  private rec = new Float32Array(0);
  private sorted = new Float32Array(0);
  private Z = new Float32Array(0);
  private key = new Uint16Array(0);
  private readonly hist = new Uint32Array(BUCKETS);
  private pixels = 0;
  private image = new Float32Array(0); private alpha = new Float32Array(0); private T = new Float32Array(0);

  private grow(n: number, pixels: number): void {
    if (n > this.cap) {
      const c = Math.ceil(n * 1.1);
      this.rec = new Float32Array(c * REC); this.sorted = new Float32Array(c * REC);
      this.Z = new Float32Array(c); this.key = new Uint16Array(c);
      this.cap = c;
    }
    if (pixels !== this.pixels) {
      this.image = new Float32Array(pixels * 3); this.alpha = new Float32Array(pixels); this.T = new Float32Array(pixels);
      this.pixels = pixels;
    }
  }

  /** Renders the Gaussians seen by `camera` over an RGB background. */
  render(g: IsotropicGaussians, cam: Camera, background: ArrayLike<number> = [1, 1, 1], options: { dilation?: number; near?: number; tMin?: number } = {}): FastFrame {
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
    const { rec, Z } = this;
    const col = g.colors;
    const m = g.means, sc = g.scales, op = g.opacities;
    let M = 0, zmin = Infinity, zmax = -Infinity, lastO = -1, lastTau = 0;
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
      if (o !== lastO) { lastO = o; lastTau = Math.log(255 * o); } // opacities are mostly equal (PERSONA: all 1)
      const tau = lastTau;
      const hy = Math.sqrt(2 * tau * cyy), hx = Math.sqrt(2 * tau * cxx);
      const y0 = Math.max(0, Math.ceil(v - hy - 0.5) - 1), y1 = Math.min(H - 1, Math.floor(v + hy - 0.5) + 1);
      const x0 = Math.max(0, Math.ceil(u - hx - 0.5) - 1), x1 = Math.min(W - 1, Math.floor(u + hx - 0.5) + 1);
      if (!(x0 <= x1 && y0 <= y1)) continue; // culled exactly as src/splat does (one pixel of margin)
      const id = 1 / det;
      const yTop = Math.max(0, Math.ceil(v - hy - 0.5 - BOX_EPS)), yBot = Math.min(H - 1, Math.floor(v + hy - 0.5 + BOX_EPS));
      const k12 = M * REC;
      rec[k12] = u; rec[k12 + 1] = v; rec[k12 + 2] = cyy * id; rec[k12 + 3] = -cxy * id; rec[k12 + 4] = cxx * id; rec[k12 + 5] = o;
      rec[k12 + 6] = hx; rec[k12 + 7] = yTop; rec[k12 + 8] = yBot;
      rec[k12 + 9] = col[i * 3]!; rec[k12 + 10] = col[i * 3 + 1]!; rec[k12 + 11] = col[i * 3 + 2]!;
      Z[M] = tz;
      if (tz < zmin) zmin = tz;
      if (tz > zmax) zmax = tz;
      M++;
    }
    // counting sort by quantised depth, front to back (stable: ties keep index order)
    const key = this.key, hist = this.hist;
    hist.fill(0);
    const scale = zmax > zmin ? (BUCKETS - 1) / (zmax - zmin) : 0;
    for (let r = 0; r < M; r++) { const q = ((Z[r]! - zmin) * scale) | 0; key[r] = q; hist[q]!++; }
    let sum = 0;
    for (let b = 0; b < BUCKETS; b++) { const c = hist[b]!; hist[b] = sum; sum += c; }
    // scatter the records to their depth-order slots (sequential reads; a gather in depth order missed the cache
    // on every record, preprocess.ts measured the same), so that the compositing loop streams through them
    const sorted = this.sorted;
    for (let r = 0; r < M; r++) {
      const src = r * REC, dst = hist[key[r]!]!++ * REC;
      for (let j = 0; j < REC; j++) sorted[dst + j] = rec[src + j]!;
    }
    const t1 = performance.now();

    // composite, Gaussian-major, over each footprint's bounding box. The Gaussian is evaluated without exp()
    // inside the box: along x, g(x+1, y) = g(x, y)·ρx and ρx(x+1) = ρx·e^(−a); down the rows the row-start
    // value and ρx follow the same kind of recurrence (g(x0, y+1) = g(x0, y)·ρy, ρy(y+1) = ρy·e^(−c),
    // ρx(y+1) = ρx(y)·e^(−b)), so five exp() per Gaussian. Pixels outside the ellipse fail the alpha test.
    const image = this.image, Tb = this.T, alpha = this.alpha;
    image.fill(0);
    Tb.fill(1);
    const tMin = options.tMin ?? T_MIN;
    let pairs = 0;
    for (let s = 0; s < M; s++) {
      const k = s * REC;
      const u = sorted[k]!, v = sorted[k + 1]!, a = sorted[k + 2]!, b = sorted[k + 3]!, c = sorted[k + 4]!, o = sorted[k + 5]!;
      const hx = sorted[k + 6]!, ya = sorted[k + 7]!, yb = sorted[k + 8]!;
      let x0 = Math.ceil(u - hx - 0.5 - BOX_EPS), x1 = Math.floor(u + hx - 0.5 + BOX_EPS);
      if (x0 < 0) x0 = 0;
      if (x1 > W - 1) x1 = W - 1;
      const cr = sorted[k + 9]!, cg = sorted[k + 10]!, cb = sorted[k + 11]!;
      const dx = x0 + 0.5 - u, dy = ya + 0.5 - v;
      let g0 = Math.exp(-(0.5 * (a * dx * dx + c * dy * dy) + b * dx * dy)); // at (x0, ya)
      let rx0 = Math.exp(-(a * dx + 0.5 * a + b * dy)); // g(x0+1, y)/g(x0, y) at y = ya
      let ry = Math.exp(-(c * dy + 0.5 * c + b * dx)); // g(x0, y+1)/g(x0, y) at y = ya
      const qa = Math.exp(-a), qb = Math.exp(-b), qc = Math.exp(-c);
      const gmin = ALPHA_MIN / o;
      pairs += (yb - ya + 1) * (x1 - x0 + 1);
      for (let py = ya; py <= yb; py++) {
        let gv = g0, ratio = rx0;
        const row = py * W;
        for (let pix = row + x0, pe = row + x1; pix <= pe; pix++) {
          if (gv >= gmin) {
            const Tp = Tb[pix]!;
            if (Tp > 0) {
              let al = o * gv;
              if (al > ALPHA_MAX) al = ALPHA_MAX;
              const tT = Tp * (1 - al);
              if (tT < tMin) Tb[pix] = -Tp;
              else {
                const w = al * Tp;
                const p3 = pix * 3;
                image[p3] += cr * w; image[p3 + 1] += cg * w; image[p3 + 2] += cb * w;
                Tb[pix] = tT;
              }
            }
          }
          gv *= ratio;
          ratio *= qa;
        }
        g0 *= ry;
        ry *= qc;
        rx0 *= qb;
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
