/**
 * Small quaternion helpers on flat arrays ([w, x, y, z] at an offset), allocation-free,
 * complementing src/core/rotation.ts.
 */

/** out[o..o+4] = a[ao..] · b[bo..] (Hamilton product). `out` may alias an input. */
export function qmul(
  a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, out: Float64Array | Float32Array, o: number,
): void {
  const aw = a[ao]!, ax = a[ao + 1]!, ay = a[ao + 2]!, az = a[ao + 3]!;
  const bw = b[bo]!, bx = b[bo + 1]!, by = b[bo + 2]!, bz = b[bo + 3]!;
  out[o] = aw * bw - ax * bx - ay * by - az * bz;
  out[o + 1] = aw * bx + ax * bw + ay * bz - az * by;
  out[o + 2] = aw * by - ax * bz + ay * bw + az * bx;
  out[o + 3] = aw * bz + ax * by - ay * bx + az * bw;
}

/** out = conj(a) · b, i.e. a⁻¹·b for unit a. `out` may alias an input. */
export function qmulConjA(
  a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, out: Float64Array | Float32Array, o: number,
): void {
  const aw = a[ao]!, ax = -a[ao + 1]!, ay = -a[ao + 2]!, az = -a[ao + 3]!;
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
