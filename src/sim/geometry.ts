/** Small geometric kernels shared by the capsule fit and the solver. */

/** Distance from p to segment (e[o..o+2], e[o+3..o+5]); the closest point goes to `out`. */
export function segmentDistance(px: number, py: number, pz: number, e: Float64Array, o: number, out: Float64Array): number {
  const ax = e[o]!, ay = e[o + 1]!, az = e[o + 2]!;
  const bx = e[o + 3]! - ax, by = e[o + 4]! - ay, bz = e[o + 5]! - az;
  const l2 = bx * bx + by * by + bz * bz;
  let t = l2 > 0 ? ((px - ax) * bx + (py - ay) * by + (pz - az) * bz) / l2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const cx = ax + t * bx, cy = ay + t * by, cz = az + t * bz;
  out[0] = cx; out[1] = cy; out[2] = cz;
  const dx = px - cx, dy = py - cy, dz = pz - cz;
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}
