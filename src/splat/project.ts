/**
 * Per-Gaussian projection (EWA splatting, [3DGS] computeCov2D/preprocess): world mean → camera space →
 * pixel centre; 3D covariance Σ = (R_q S)(R_q S)ᵀ → 2D covariance J W Σ Wᵀ Jᵀ + dilation·I → conic.
 * Shared by the forward preprocessing and the backward chain rule, so both see the same numbers.
 */
import type { Camera } from '../core/camera.js';
import { FOV_CLAMP } from './config.js';
import type { GaussianSet, ProjectParams } from './types.js';

/** Slots of the projection scratch record (Float64Array of PJ_SIZE). */
export const PJ = {
  tx: 0, ty: 1, tz: 2, clampX: 3, clampY: 4, xz: 5, yz: 6,
  J00: 7, J02: 8, J11: 9, J12: 10,
  T: 11, // 2×3 row-major: T = J·W
  S: 17, // Σ3D upper triangle: xx, xy, xz, yy, yz, zz
  cxx: 23, cxy: 24, cyy: 25,
  a: 26, b: 27, c: 28, u: 29, v: 30, opacity: 31, tau: 32,
  Rq: 33, // 3×3 rotation of the quaternion (anisotropic only)
  s: 42, // 3 scales (isotropic: s, s, s)
  q: 45, // normalised quaternion w, x, y, z
  qn: 49, // quaternion norm
} as const;
export const PJ_SIZE = 50;

/** Camera and option scalars needed by `projectGaussian`, resolved once per call. */
export interface Projector {
  W: Float64Array; // 3×3 world→camera rotation
  t: Float64Array; // 3
  fx: number; fy: number; cx: number; cy: number;
  xLo: number; xHi: number; yLo: number; yHi: number; // clamp range of x/z and y/z
  params: ProjectParams;
  isotropic: boolean;
}

/** Builds the projector for one camera and parameter set. */
export function makeProjector(gs: GaussianSet, cam: Camera, params: ProjectParams): Projector {
  const W = Float64Array.from(cam.R as ArrayLike<number>);
  const t = Float64Array.from(cam.t as ArrayLike<number>);
  const padX = ((FOV_CLAMP - 1) / 2) * cam.width, padY = ((FOV_CLAMP - 1) / 2) * cam.height;
  return {
    W, t, fx: cam.fx, fy: cam.fy, cx: cam.cx, cy: cam.cy,
    xLo: -(cam.cx + padX) / cam.fx, xHi: (cam.width - cam.cx + padX) / cam.fx,
    yLo: -(cam.cy + padY) / cam.fy, yHi: (cam.height - cam.cy + padY) / cam.fy,
    params,
    isotropic: gs.scales.length === gs.count,
  };
}

/**
 * Projects Gaussian `i` into `out` (PJ layout). Returns false when it must be culled: centre outside
 * [near, far], non-finite input, non-positive or non-finite scale, zero quaternion, opacity ≤ 1/255
 * (never visible), or a degenerate 2D covariance. Feature finiteness is checked by the caller.
 */
export function projectGaussian(gs: GaussianSet, P: Projector, i: number, out: Float64Array): boolean {
  const W = P.W, m = gs.means;
  const mx = m[3 * i]!, my = m[3 * i + 1]!, mz = m[3 * i + 2]!;
  const tx = W[0]! * mx + W[1]! * my + W[2]! * mz + P.t[0]!;
  const ty = W[3]! * mx + W[4]! * my + W[5]! * mz + P.t[1]!;
  const tz = W[6]! * mx + W[7]! * my + W[8]! * mz + P.t[2]!;
  if (!(tz >= P.params.near && tz <= P.params.far)) return false; // also rejects NaN
  if (!(Number.isFinite(tx) && Number.isFinite(ty))) return false;
  const o = gs.opacities ? gs.opacities[i]! : 1;
  if (!(o > 1 / 255) || !Number.isFinite(o)) return false;
  out[PJ.tx] = tx; out[PJ.ty] = ty; out[PJ.tz] = tz;
  out[PJ.opacity] = o;
  out[PJ.tau] = Math.log(255 * o);

  // 3D covariance.
  let sxx: number, sxy: number, sxz: number, syy: number, syz: number, szz: number;
  if (P.isotropic) {
    const s = gs.scales[i]!;
    if (!(s > 0) || !Number.isFinite(s)) return false;
    out[PJ.s] = s; out[PJ.s + 1] = s; out[PJ.s + 2] = s;
    const s2 = s * s;
    sxx = s2; syy = s2; szz = s2; sxy = 0; sxz = 0; syz = 0;
  } else {
    const s0 = gs.scales[3 * i]!, s1 = gs.scales[3 * i + 1]!, s2 = gs.scales[3 * i + 2]!;
    if (!(s0 >= 0 && s1 >= 0 && s2 >= 0) || !(Number.isFinite(s0) && Number.isFinite(s1) && Number.isFinite(s2))) return false;
    if (!(s0 > 0 || s1 > 0 || s2 > 0)) return false;
    let qw = 1, qx = 0, qy = 0, qz = 0;
    if (gs.rotations) {
      qw = gs.rotations[4 * i]!; qx = gs.rotations[4 * i + 1]!; qy = gs.rotations[4 * i + 2]!; qz = gs.rotations[4 * i + 3]!;
    }
    const qn = Math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz);
    if (!(qn > 1e-12) || !Number.isFinite(qn)) return false;
    const w = qw / qn, x = qx / qn, y = qy / qn, z = qz / qn;
    out[PJ.q] = w; out[PJ.q + 1] = x; out[PJ.q + 2] = y; out[PJ.q + 3] = z; out[PJ.qn] = qn;
    const r00 = 1 - 2 * (y * y + z * z), r01 = 2 * (x * y - w * z), r02 = 2 * (x * z + w * y);
    const r10 = 2 * (x * y + w * z), r11 = 1 - 2 * (x * x + z * z), r12 = 2 * (y * z - w * x);
    const r20 = 2 * (x * z - w * y), r21 = 2 * (y * z + w * x), r22 = 1 - 2 * (x * x + y * y);
    const R = PJ.Rq;
    out[R] = r00; out[R + 1] = r01; out[R + 2] = r02;
    out[R + 3] = r10; out[R + 4] = r11; out[R + 5] = r12;
    out[R + 6] = r20; out[R + 7] = r21; out[R + 8] = r22;
    out[PJ.s] = s0; out[PJ.s + 1] = s1; out[PJ.s + 2] = s2;
    // M = Rq·diag(s); Σ = M Mᵀ
    const m00 = r00 * s0, m01 = r01 * s1, m02 = r02 * s2;
    const m10 = r10 * s0, m11 = r11 * s1, m12 = r12 * s2;
    const m20 = r20 * s0, m21 = r21 * s1, m22 = r22 * s2;
    sxx = m00 * m00 + m01 * m01 + m02 * m02;
    sxy = m00 * m10 + m01 * m11 + m02 * m12;
    sxz = m00 * m20 + m01 * m21 + m02 * m22;
    syy = m10 * m10 + m11 * m11 + m12 * m12;
    syz = m10 * m20 + m11 * m21 + m12 * m22;
    szz = m20 * m20 + m21 * m21 + m22 * m22;
  }
  out[PJ.S] = sxx; out[PJ.S + 1] = sxy; out[PJ.S + 2] = sxz; out[PJ.S + 3] = syy; out[PJ.S + 4] = syz; out[PJ.S + 5] = szz;

  // EWA Jacobian at the (clamped) direction.
  const rz = 1 / tz;
  let xz = tx * rz, yz = ty * rz, cX = 0, cY = 0;
  if (xz < P.xLo) { xz = P.xLo; cX = 1; } else if (xz > P.xHi) { xz = P.xHi; cX = 1; }
  if (yz < P.yLo) { yz = P.yLo; cY = 1; } else if (yz > P.yHi) { yz = P.yHi; cY = 1; }
  out[PJ.clampX] = cX; out[PJ.clampY] = cY; out[PJ.xz] = xz; out[PJ.yz] = yz;
  const J00 = P.fx * rz, J02 = -P.fx * xz * rz, J11 = P.fy * rz, J12 = -P.fy * yz * rz;
  out[PJ.J00] = J00; out[PJ.J02] = J02; out[PJ.J11] = J11; out[PJ.J12] = J12;
  const T00 = J00 * W[0]! + J02 * W[6]!, T01 = J00 * W[1]! + J02 * W[7]!, T02 = J00 * W[2]! + J02 * W[8]!;
  const T10 = J11 * W[3]! + J12 * W[6]!, T11 = J11 * W[4]! + J12 * W[7]!, T12 = J11 * W[5]! + J12 * W[8]!;
  out[PJ.T] = T00; out[PJ.T + 1] = T01; out[PJ.T + 2] = T02; out[PJ.T + 3] = T10; out[PJ.T + 4] = T11; out[PJ.T + 5] = T12;
  // Σ·T0ᵀ and Σ·T1ᵀ
  const a0 = sxx * T00 + sxy * T01 + sxz * T02, a1 = sxy * T00 + syy * T01 + syz * T02, a2 = sxz * T00 + syz * T01 + szz * T02;
  const b0 = sxx * T10 + sxy * T11 + sxz * T12, b1 = sxy * T10 + syy * T11 + syz * T12, b2 = sxz * T10 + syz * T11 + szz * T12;
  const dil = P.params.dilation;
  const cxx = T00 * a0 + T01 * a1 + T02 * a2 + dil;
  const cxy = T10 * a0 + T11 * a1 + T12 * a2;
  const cyy = T10 * b0 + T11 * b1 + T12 * b2 + dil;
  const det = cxx * cyy - cxy * cxy;
  if (!(det > 1e-12 * (cxx * cyy + 1e-30)) || !Number.isFinite(det)) return false;
  out[PJ.cxx] = cxx; out[PJ.cxy] = cxy; out[PJ.cyy] = cyy;
  const id = 1 / det;
  out[PJ.a] = cyy * id; out[PJ.b] = -cxy * id; out[PJ.c] = cxx * id;
  out[PJ.u] = P.fx * tx * rz + P.cx;
  out[PJ.v] = P.fy * ty * rz + P.cy;
  return true;
}
