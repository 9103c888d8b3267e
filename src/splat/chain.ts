/**
 * The chain rule of the projection, from per-Gaussian 2D gradient partial sums to means, scales,
 * rotations, opacities and features: conic → 2D covariance → 3D covariance, EWA Jacobian, camera transform.
 */
import type { Camera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';
import { PARTIAL_BASE } from './kernel.js';
import { PJ, PJ_SIZE, makeProjector, projectGaussian } from './project.js';
import type { GaussianSet, ProjectParams, RasterGrads } from './types.js';

/** One range of Gaussians (input order) for the chain rule; every array may live in shared memory. */
export interface ChainJob {
  gaussians: GaussianSet;
  camera: Camera;
  params: ProjectParams;
  /** N: rank of each Gaussian in the sorted order, −1 if culled. */
  rankOf: Int32Array;
  slotStart: Int32Array;
  partials: Float64Array;
  /** Added into (+=). */
  grads: RasterGrads;
  start: number;
  end: number;
}

/**
 * Folds the partial sums of each visible Gaussian in [start, end) and propagates them to the 3D
 * parameters (see docs/splat.md for the formulas). Independent per Gaussian, so ranges can run in parallel.
 */
export function chainRange(job: ChainJob): void {
  const { gaussians: gs, camera, params, rankOf, slotStart, partials, grads } = job;
  const C = params.channels, stride = PARTIAL_BASE + C;
  const P = makeProjector(gs, camera, params);
  const Wm = P.W, fx = P.fx, fy = P.fy;
  const pj = new Float64Array(PJ_SIZE);
  const tot = new Float64Array(stride);
  const iso = P.isotropic;
  // Input order: sequential reads of the inputs and writes of the gradients.
  for (let i = job.start; i < job.end; i++) {
    const r = rankOf[i]!;
    if (r < 0) continue;
    const sl0 = slotStart[r]!, sl1 = slotStart[r + 1]!;
    for (let k = 0; k < stride; k++) tot[k] = partials[sl0 * stride + k]!;
    for (let s = sl0 + 1; s < sl1; s++) for (let k = 0; k < stride; k++) tot[k]! += partials[s * stride + k]!;
    if (!projectGaussian(gs, P, i, pj)) throw new PersonaError('splat backward: the Gaussians changed since the forward pass', { hint: 'do not modify the inputs between rasterize and rasterizeBackward' });
    const gu = tot[0]!, gv = tot[1]!, ga = tot[2]!, gb = tot[3]!, gc = tot[4]!;
    for (let c = 0; c < C; c++) grads.features[i * C + c]! += tot[PARTIAL_BASE + c]!;
    grads.opacities[i]! += tot[5]!;

    // conic K = Σ2D⁻¹: dL/dΣ2D = −K G K with G = [[ga, gb/2], [gb/2, gc]]
    const a = pj[PJ.a]!, b = pj[PJ.b]!, c = pj[PJ.c]!;
    const D00 = -(a * a * ga + a * b * gb + b * b * gc);
    const D01 = -(a * b * ga + 0.5 * (a * c + b * b) * gb + b * c * gc);
    const D11 = -(b * b * ga + b * c * gb + c * c * gc);
    const T = PJ.T;
    const T00 = pj[T]!, T01 = pj[T + 1]!, T02 = pj[T + 2]!, T10 = pj[T + 3]!, T11 = pj[T + 4]!, T12 = pj[T + 5]!;
    const Sx = PJ.S;
    const sxx = pj[Sx]!, sxy = pj[Sx + 1]!, sxz = pj[Sx + 2]!, syy = pj[Sx + 3]!, syz = pj[Sx + 4]!, szz = pj[Sx + 5]!;
    // dΣ3D = Tᵀ D T; with e_m = D·T rows: (DT)_0 = D00 T0 + D01 T1, (DT)_1 = D01 T0 + D11 T1
    const e00 = D00 * T00 + D01 * T10, e01 = D00 * T01 + D01 * T11, e02 = D00 * T02 + D01 * T12;
    const e10 = D01 * T00 + D11 * T10, e11 = D01 * T01 + D11 * T11, e12 = D01 * T02 + D11 * T12;
    const dSxx = T00 * e00 + T10 * e10, dSxy = T00 * e01 + T10 * e11, dSxz = T00 * e02 + T10 * e12;
    const dSyy = T01 * e01 + T11 * e11, dSyz = T01 * e02 + T11 * e12, dSzz = T02 * e02 + T12 * e12;
    // dT = 2 (D T) Σ3D
    const dT00 = 2 * (e00 * sxx + e01 * sxy + e02 * sxz), dT01 = 2 * (e00 * sxy + e01 * syy + e02 * syz), dT02 = 2 * (e00 * sxz + e01 * syz + e02 * szz);
    const dT10 = 2 * (e10 * sxx + e11 * sxy + e12 * sxz), dT11 = 2 * (e10 * sxy + e11 * syy + e12 * syz), dT12 = 2 * (e10 * sxz + e11 * syz + e12 * szz);
    // T = J W (rows of W: W0, W1, W2)
    const dJ00 = dT00 * Wm[0]! + dT01 * Wm[1]! + dT02 * Wm[2]!;
    const dJ02 = dT00 * Wm[6]! + dT01 * Wm[7]! + dT02 * Wm[8]!;
    const dJ11 = dT10 * Wm[3]! + dT11 * Wm[4]! + dT12 * Wm[5]!;
    const dJ12 = dT10 * Wm[6]! + dT11 * Wm[7]! + dT12 * Wm[8]!;
    const tx = pj[PJ.tx]!, ty = pj[PJ.ty]!, tz = pj[PJ.tz]!, rz = 1 / tz, rz2 = rz * rz;
    let dtx = fx * rz * gu, dty = fy * rz * gv;
    let dtz = -(fx * tx * gu + fy * ty * gv) * rz2 + tot[6]!;
    dtz -= (fx * dJ00 + fy * dJ11) * rz2;
    // J02 = −fx·(x/z)/z with x/z clamped; J12 likewise
    if (pj[PJ.clampX]! === 0) { dtx -= fx * rz2 * dJ02; dtz += 2 * fx * tx * rz2 * rz * dJ02; }
    else dtz += fx * pj[PJ.xz]! * rz2 * dJ02;
    if (pj[PJ.clampY]! === 0) { dty -= fy * rz2 * dJ12; dtz += 2 * fy * ty * rz2 * rz * dJ12; }
    else dtz += fy * pj[PJ.yz]! * rz2 * dJ12;
    grads.means[3 * i]! += Wm[0]! * dtx + Wm[3]! * dty + Wm[6]! * dtz;
    grads.means[3 * i + 1]! += Wm[1]! * dtx + Wm[4]! * dty + Wm[7]! * dtz;
    grads.means[3 * i + 2]! += Wm[2]! * dtx + Wm[5]! * dty + Wm[8]! * dtz;

    if (iso) {
      grads.scales[i]! += 2 * pj[PJ.s]! * (dSxx + dSyy + dSzz);
      continue;
    }
    // Σ3D = M Mᵀ, M = Rq diag(s): dM = 2 dΣ M (dΣ as a full symmetric matrix)
    const R = PJ.Rq;
    const r00 = pj[R]!, r01 = pj[R + 1]!, r02 = pj[R + 2]!, r10 = pj[R + 3]!, r11 = pj[R + 4]!, r12 = pj[R + 5]!;
    const r20 = pj[R + 6]!, r21 = pj[R + 7]!, r22 = pj[R + 8]!;
    const s0 = pj[PJ.s]!, s1 = pj[PJ.s + 1]!, s2 = pj[PJ.s + 2]!;
    const m00 = r00 * s0, m01 = r01 * s1, m02 = r02 * s2, m10 = r10 * s0, m11 = r11 * s1, m12 = r12 * s2;
    const m20 = r20 * s0, m21 = r21 * s1, m22 = r22 * s2;
    const dM00 = 2 * (dSxx * m00 + dSxy * m10 + dSxz * m20), dM01 = 2 * (dSxx * m01 + dSxy * m11 + dSxz * m21), dM02 = 2 * (dSxx * m02 + dSxy * m12 + dSxz * m22);
    const dM10 = 2 * (dSxy * m00 + dSyy * m10 + dSyz * m20), dM11 = 2 * (dSxy * m01 + dSyy * m11 + dSyz * m21), dM12 = 2 * (dSxy * m02 + dSyy * m12 + dSyz * m22);
    const dM20 = 2 * (dSxz * m00 + dSyz * m10 + dSzz * m20), dM21 = 2 * (dSxz * m01 + dSyz * m11 + dSzz * m21), dM22 = 2 * (dSxz * m02 + dSyz * m12 + dSzz * m22);
    grads.scales[3 * i]! += dM00 * r00 + dM10 * r10 + dM20 * r20;
    grads.scales[3 * i + 1]! += dM01 * r01 + dM11 * r11 + dM21 * r21;
    grads.scales[3 * i + 2]! += dM02 * r02 + dM12 * r12 + dM22 * r22;
    const g00 = dM00 * s0, g01 = dM01 * s1, g02 = dM02 * s2, g10 = dM10 * s0, g11 = dM11 * s1, g12 = dM12 * s2;
    const g20 = dM20 * s0, g21 = dM21 * s1, g22 = dM22 * s2;
    const w = pj[PJ.q]!, x = pj[PJ.q + 1]!, y = pj[PJ.q + 2]!, z = pj[PJ.q + 3]!;
    // derivative of quatToMatrix at the unit quaternion (w, x, y, z)
    const dw = 2 * (-z * g01 + y * g02 + z * g10 - x * g12 - y * g20 + x * g21);
    const dx = 2 * (y * g01 + z * g02 + y * g10 - 2 * x * g11 - w * g12 + z * g20 + w * g21 - 2 * x * g22);
    const dy = 2 * (-2 * y * g00 + x * g01 + w * g02 + x * g10 + z * g12 - w * g20 + z * g21 - 2 * y * g22);
    const dz = 2 * (-2 * z * g00 - w * g01 + x * g02 + w * g10 - 2 * z * g11 + y * g12 + x * g20 + y * g21);
    // through the normalisation q̂ = q/|q|
    const dot = w * dw + x * dx + y * dy + z * dz, inv = 1 / pj[PJ.qn]!;
    grads.rotations[4 * i]! += (dw - w * dot) * inv;
    grads.rotations[4 * i + 1]! += (dx - x * dot) * inv;
    grads.rotations[4 * i + 2]! += (dy - y * dot) * inv;
    grads.rotations[4 * i + 3]! += (dz - z * dot) * inv;
  }
}
