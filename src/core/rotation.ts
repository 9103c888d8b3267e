/**
 * Rotation conversions. Matrices are 3×3 row-major; quaternions are [w, x, y, z];
 * axis-angle is a 3-vector whose length is the angle in radians; the 6D form is the first
 * two columns of the matrix (Zhou et al., CVPR 2019), as PERSONA feeds to its MLP.
 * Functions write into an optional `out` to keep hot loops allocation-free.
 */
export type Mat3 = Float64Array;
export type Quat = [number, number, number, number];

/** Rodrigues' formula: axis-angle → rotation matrix. */
export function axisAngleToMatrix(rx: number, ry: number, rz: number, out: Mat3 = new Float64Array(9)): Mat3 {
  const theta = Math.hypot(rx, ry, rz);
  if (theta < 1e-12) {
    // First-order: R ≈ I + [r]×
    out[0] = 1; out[1] = -rz; out[2] = ry;
    out[3] = rz; out[4] = 1; out[5] = -rx;
    out[6] = -ry; out[7] = rx; out[8] = 1;
    return out;
  }
  const x = rx / theta, y = ry / theta, z = rz / theta;
  const c = Math.cos(theta), s = Math.sin(theta), C = 1 - c;
  out[0] = c + x * x * C; out[1] = x * y * C - z * s; out[2] = x * z * C + y * s;
  out[3] = y * x * C + z * s; out[4] = c + y * y * C; out[5] = y * z * C - x * s;
  out[6] = z * x * C - y * s; out[7] = z * y * C + x * s; out[8] = c + z * z * C;
  return out;
}

/** Rotation matrix → axis-angle (angle in [0, π]). */
export function matrixToAxisAngle(R: ArrayLike<number>): [number, number, number] {
  return quatToAxisAngle(matrixToQuat(R));
}

/** Rotation matrix → unit quaternion [w, x, y, z] with w ≥ 0 (Shepperd's method). */
export function matrixToQuat(R: ArrayLike<number>): Quat {
  const m00 = R[0]!, m01 = R[1]!, m02 = R[2]!, m10 = R[3]!, m11 = R[4]!, m12 = R[5]!, m20 = R[6]!, m21 = R[7]!, m22 = R[8]!;
  const tr = m00 + m11 + m22;
  let w: number, x: number, y: number, z: number;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    w = 0.25 * s; x = (m21 - m12) / s; y = (m02 - m20) / s; z = (m10 - m01) / s;
  } else if (m00 > m11 && m00 > m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    w = (m21 - m12) / s; x = 0.25 * s; y = (m01 + m10) / s; z = (m02 + m20) / s;
  } else if (m11 > m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    w = (m02 - m20) / s; x = (m01 + m10) / s; y = 0.25 * s; z = (m12 + m21) / s;
  } else {
    const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
    w = (m10 - m01) / s; x = (m02 + m20) / s; y = (m12 + m21) / s; z = 0.25 * s;
  }
  const n = Math.hypot(w, x, y, z) * (w < 0 ? -1 : 1);
  return [w / n, x / n, y / n, z / n];
}

/** Unit quaternion [w, x, y, z] → rotation matrix. */
export function quatToMatrix(q: ArrayLike<number>, out: Mat3 = new Float64Array(9)): Mat3 {
  const w = q[0]!, x = q[1]!, y = q[2]!, z = q[3]!;
  out[0] = 1 - 2 * (y * y + z * z); out[1] = 2 * (x * y - w * z); out[2] = 2 * (x * z + w * y);
  out[3] = 2 * (x * y + w * z); out[4] = 1 - 2 * (x * x + z * z); out[5] = 2 * (y * z - w * x);
  out[6] = 2 * (x * z - w * y); out[7] = 2 * (y * z + w * x); out[8] = 1 - 2 * (x * x + y * y);
  return out;
}

/** Axis-angle → unit quaternion. */
export function axisAngleToQuat(rx: number, ry: number, rz: number): Quat {
  const theta = Math.hypot(rx, ry, rz);
  if (theta < 1e-12) return [1, rx / 2, ry / 2, rz / 2];
  const s = Math.sin(theta / 2) / theta;
  return [Math.cos(theta / 2), rx * s, ry * s, rz * s];
}

/** Unit quaternion → axis-angle. */
export function quatToAxisAngle(q: ArrayLike<number>): [number, number, number] {
  let w = q[0]!, x = q[1]!, y = q[2]!, z = q[3]!;
  if (w < 0) { w = -w; x = -x; y = -y; z = -z; }
  const s = Math.hypot(x, y, z);
  if (s < 1e-12) return [2 * x, 2 * y, 2 * z];
  const angle = 2 * Math.atan2(s, w);
  return [(x / s) * angle, (y / s) * angle, (z / s) * angle];
}

/** Hamilton product a·b (as {@link qmul}, into a new array). */
export function quatMultiply(a: ArrayLike<number>, b: ArrayLike<number>): Quat {
  const out = new Float64Array(4);
  qmul(a, 0, b, 0, out, 0);
  return [out[0]!, out[1]!, out[2]!, out[3]!];
}

/** Spherical linear interpolation along the shorter arc. */
export function slerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Quat {
  let bw = b[0]!, bx = b[1]!, by = b[2]!, bz = b[3]!;
  let dot = a[0]! * bw + a[1]! * bx + a[2]! * by + a[3]! * bz;
  if (dot < 0) { dot = -dot; bw = -bw; bx = -bx; by = -by; bz = -bz; }
  let wa: number, wb: number;
  if (dot > 0.9995) { wa = 1 - t; wb = t; }
  else {
    const theta = Math.acos(dot), s = Math.sin(theta);
    wa = Math.sin((1 - t) * theta) / s; wb = Math.sin(t * theta) / s;
  }
  const q: Quat = [wa * a[0]! + wb * bw, wa * a[1]! + wb * bx, wa * a[2]! + wb * by, wa * a[3]! + wb * bz];
  const n = Math.hypot(...q);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

/** Rotation matrix → 6D (first two columns, as [c0x, c0y, c0z, c1x, c1y, c1z]). */
export function matrixTo6d(R: ArrayLike<number>, out: Float64Array | Float32Array = new Float64Array(6)): typeof out {
  out[0] = R[0]!; out[1] = R[3]!; out[2] = R[6]!;
  out[3] = R[1]!; out[4] = R[4]!; out[5] = R[7]!;
  return out;
}

/** 6D → rotation matrix by Gram–Schmidt (Zhou et al. 2019). */
export function sixDToMatrix(d: ArrayLike<number>, out: Mat3 = new Float64Array(9)): Mat3 {
  let ax = d[0]!, ay = d[1]!, az = d[2]!;
  const na = Math.hypot(ax, ay, az) || 1;
  ax /= na; ay /= na; az /= na;
  let bx = d[3]!, by = d[4]!, bz = d[5]!;
  const dp = ax * bx + ay * by + az * bz;
  bx -= dp * ax; by -= dp * ay; bz -= dp * az;
  const nb = Math.hypot(bx, by, bz) || 1;
  bx /= nb; by /= nb; bz /= nb;
  const cx = ay * bz - az * by, cy = az * bx - ax * bz, cz = ax * by - ay * bx;
  out[0] = ax; out[1] = bx; out[2] = cx;
  out[3] = ay; out[4] = by; out[5] = cy;
  out[6] = az; out[7] = bz; out[8] = cz;
  return out;
}

/** 3×3 product a·b (row-major). `out` may alias neither input. */
export function mat3Multiply(a: ArrayLike<number>, b: ArrayLike<number>, out: Mat3 = new Float64Array(9)): Mat3 {
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      out[i * 3 + j] = a[i * 3]! * b[j]! + a[i * 3 + 1]! * b[3 + j]! + a[i * 3 + 2]! * b[6 + j]!;
  return out;
}

/** Transpose of a 3×3 matrix. */
export function mat3Transpose(a: ArrayLike<number>, out: Mat3 = new Float64Array(9)): Mat3 {
  out[0] = a[0]!; out[1] = a[3]!; out[2] = a[6]!;
  out[3] = a[1]!; out[4] = a[4]!; out[5] = a[7]!;
  out[6] = a[2]!; out[7] = a[5]!; out[8] = a[8]!;
  return out;
}

/** Angle (radians) of the relative rotation between two rotation matrices. */
export function rotationAngleBetween(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let tr = 0;
  for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) tr += a[k * 3 + i]! * b[k * 3 + i]!;
  return Math.acos(Math.min(1, Math.max(-1, (tr - 1) / 2)));
}

/** Writes the skew matrix [v]× into m at offset o. */
function skewInto(x: number, y: number, z: number, m: Float64Array, o: number): void {
  m[o] = 0; m[o + 1] = -z; m[o + 2] = y;
  m[o + 3] = z; m[o + 4] = 0; m[o + 5] = -x;
  m[o + 6] = -y; m[o + 7] = x; m[o + 8] = 0;
}

const tmpSkewV = new Float64Array(9), tmpSkewE = new Float64Array(9), tmpA = new Float64Array(9), tmpB = new Float64Array(9), tmpR = new Float64Array(9);

/**
 * Derivatives of Rodrigues' formula: out[9·i … 9·i+8] = ∂R/∂r_i (row-major 3×3) for the
 * axis-angle r = (rx, ry, rz). Closed form of Gallego & Yezzi (J. Math. Imaging Vis. 2015):
 * ∂R/∂r_i = (r_i [r]× + [r × (I − R) e_i]×) R / ‖r‖²; a third-order series near r = 0.
 */
export function axisAngleToMatrixDerivatives(rx: number, ry: number, rz: number, out: Float64Array = new Float64Array(27)): Float64Array {
  const th2 = rx * rx + ry * ry + rz * rz;
  if (th2 < 1e-8) {
    // R ≈ I + K + K²/2 + K³/6 with K = [r]×; differentiate term by term.
    skewInto(rx, ry, rz, tmpSkewV, 0);
    const K = tmpSkewV;
    for (let i = 0; i < 3; i++) {
      skewInto(i === 0 ? 1 : 0, i === 1 ? 1 : 0, i === 2 ? 1 : 0, tmpSkewE, 0);
      const E = tmpSkewE;
      mat3Multiply(E, K, tmpA); mat3Multiply(K, E, tmpB);
      const KK = mat3Multiply(K, K, tmpR);
      for (let k = 0; k < 9; k++) out[i * 9 + k] = E[k]! + 0.5 * (tmpA[k]! + tmpB[k]!);
      // third order: (E K K + K E K + K K E) / 6
      const t1 = mat3Multiply(tmpA, K), t2 = mat3Multiply(tmpB, K), t3 = mat3Multiply(KK, E);
      for (let k = 0; k < 9; k++) out[i * 9 + k]! += (t1[k]! + t2[k]! + t3[k]!) / 6;
    }
    return out;
  }
  const R = axisAngleToMatrix(rx, ry, rz, tmpR);
  skewInto(rx, ry, rz, tmpSkewV, 0);
  const r = [rx, ry, rz];
  for (let i = 0; i < 3; i++) {
    // c = (I − R) e_i = e_i − R[:, i]
    const cx = (i === 0 ? 1 : 0) - R[i]!, cy = (i === 1 ? 1 : 0) - R[3 + i]!, cz = (i === 2 ? 1 : 0) - R[6 + i]!;
    // r × c
    skewInto(ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx, tmpSkewE, 0);
    for (let k = 0; k < 9; k++) tmpA[k] = (r[i]! * tmpSkewV[k]! + tmpSkewE[k]!) / th2;
    mat3Multiply(tmpA, R, tmpB);
    for (let k = 0; k < 9; k++) out[i * 9 + k] = tmpB[k]!;
  }
  return out;
}

// Allocation-free quaternion helpers on flat arrays ([w, x, y, z] at an offset); motion, retargeting and FK use them.

/** out[o..o+4] = a[ao..] · b[bo..] (Hamilton product). `out` may alias an input. */
export function qmul(
  a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, out: Float64Array | Float32Array, o: number,
): void {
  hamilton(a[ao]!, a[ao + 1]!, a[ao + 2]!, a[ao + 3]!, b, bo, out, o);
}

/** out = conj(a) · b, i.e. a⁻¹·b for unit a. `out` may alias an input. */
export function qmulConjA(
  a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, out: Float64Array | Float32Array, o: number,
): void {
  hamilton(a[ao]!, -a[ao + 1]!, -a[ao + 2]!, -a[ao + 3]!, b, bo, out, o);
}

/** out[o..o+4] = (aw, ax, ay, az) · b[bo..]; b is read before out is written, so `out` may alias b. */
function hamilton(aw: number, ax: number, ay: number, az: number, b: ArrayLike<number>, bo: number, out: Float64Array | Float32Array, o: number): void {
  const bw = b[bo]!, bx = b[bo + 1]!, by = b[bo + 2]!, bz = b[bo + 3]!;
  out[o] = aw * bw - ax * bx - ay * by - az * bz;
  out[o + 1] = aw * bx + ax * bw + ay * bz - az * by;
  out[o + 2] = aw * by - ax * bz + ay * bw + az * bx;
  out[o + 3] = aw * bz + ax * by - ay * bx + az * bw;
}

/** Rotates vector v (3 at vo) by unit quaternion q (4 at qo) into out (3 at o). `out` may alias v. */
export function qrotate(
  q: ArrayLike<number>, qo: number, v: ArrayLike<number>, vo: number, out: Float64Array | Float32Array, o: number,
): void {
  const w = q[qo]!, x = q[qo + 1]!, y = q[qo + 2]!, z = q[qo + 3]!;
  const vx = v[vo]!, vy = v[vo + 1]!, vz = v[vo + 2]!;
  // t = 2 q.xyz × v; v' = v + w t + q.xyz × t
  const tx = 2 * (y * vz - z * vy), ty = 2 * (z * vx - x * vz), tz = 2 * (x * vy - y * vx);
  out[o] = vx + w * tx + (y * tz - z * ty);
  out[o + 1] = vy + w * ty + (z * tx - x * tz);
  out[o + 2] = vz + w * tz + (x * ty - y * tx);
}

/** The smallest rotation taking direction a to direction b (neither need be unit), as [w, x, y, z]. */
export function minimalArc(a: ArrayLike<number>, b: ArrayLike<number>): [number, number, number, number] {
  const na = Math.hypot(a[0]!, a[1]!, a[2]!), nb = Math.hypot(b[0]!, b[1]!, b[2]!);
  if (na < 1e-12 || nb < 1e-12) return [1, 0, 0, 0];
  const ax = a[0]! / na, ay = a[1]! / na, az = a[2]! / na, bx = b[0]! / nb, by = b[1]! / nb, bz = b[2]! / nb;
  const d = ax * bx + ay * by + az * bz;
  if (d < -1 + 1e-9) {
    // Opposite: half turn about any axis perpendicular to a.
    let px = 0, py = -az, pz = ay;
    if (Math.hypot(px, py, pz) < 1e-6) { px = az; py = 0; pz = -ax; }
    const n = Math.hypot(px, py, pz);
    return [0, px / n, py / n, pz / n];
  }
  const w = 1 + d, x = ay * bz - az * by, y = az * bx - ax * bz, z = ax * by - ay * bx;
  const n = Math.hypot(w, x, y, z);
  return [w / n, x / n, y / n, z / n];
}

/** Angle (radians, in [0, π]) of the rotation between unit quaternions a and b (accurate for tiny angles). */
export function quatAngle(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number): number {
  const dot = a[ao]! * b[bo]! + a[ao + 1]! * b[bo + 1]! + a[ao + 2]! * b[bo + 2]! + a[ao + 3]! * b[bo + 3]!;
  const s = dot < 0 ? -1 : 1;
  let dm = 0, dp = 0;
  for (let k = 0; k < 4; k++) {
    const x = a[ao + k]!, y = s * b[bo + k]!;
    dm += (x - y) * (x - y); dp += (x + y) * (x + y);
  }
  return 4 * Math.atan2(Math.sqrt(dm), Math.sqrt(dp));
}

/** Normalizes the quaternion at offset o in place (identity if degenerate). */
export function qnormalize(q: Float64Array | Float32Array, o: number): void {
  const n = Math.hypot(q[o]!, q[o + 1]!, q[o + 2]!, q[o + 3]!);
  if (n < 1e-12) { q[o] = 1; q[o + 1] = 0; q[o + 2] = 0; q[o + 3] = 0; return; }
  q[o]! /= n; q[o + 1]! /= n; q[o + 2]! /= n; q[o + 3]! /= n;
}
