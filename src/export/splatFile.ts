/**
 * antimatter15 `.splat` writer: 32 bytes per Gaussian, little-endian — position f32×3, scale f32×3
 * (linear), colour u8×4 (RGB and opacity × 255), rotation u8×4 (unit quaternion w x y z mapped
 * q·128 + 128). Written here because the converter library version that supports our Node line
 * (@playcanvas/splat-transform 2.7, docs/export.md) reads `.splat` but does not write it.
 * Gaussians are ordered by decreasing size × opacity, as the format's reference converter does, so that
 * viewers that stream the file show the largest splats first.
 */
import type { GaussianCloud } from './cloud.js';

/** Bytes per Gaussian in a `.splat` file. */
export const SPLAT_RECORD_BYTES = 32;

const toByte = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));

/** Encodes a cloud as `.splat` bytes. */
export function encodeSplatFile(cloud: GaussianCloud): Uint8Array {
  const n = cloud.count;
  const order = Array.from({ length: n }, (_, i) => i);
  const weight = (i: number): number => cloud.scales[i * 3]! * cloud.scales[i * 3 + 1]! * cloud.scales[i * 3 + 2]! * cloud.opacities[i]!;
  order.sort((a, b) => weight(b) - weight(a) || a - b);
  const bytes = new Uint8Array(n * SPLAT_RECORD_BYTES);
  const view = new DataView(bytes.buffer);
  order.forEach((i, k) => {
    const o = k * SPLAT_RECORD_BYTES;
    for (let a = 0; a < 3; a++) {
      view.setFloat32(o + a * 4, cloud.means[i * 3 + a]!, true);
      view.setFloat32(o + 12 + a * 4, cloud.scales[i * 3 + a]!, true);
      bytes[o + 24 + a] = toByte(cloud.colors[i * 3 + a]! * 255);
    }
    bytes[o + 27] = toByte(cloud.opacities[i]! * 255);
    const q = cloud.rotations.subarray(i * 4, i * 4 + 4);
    const len = Math.hypot(q[0]!, q[1]!, q[2]!, q[3]!) || 1;
    for (let a = 0; a < 4; a++) bytes[o + 28 + a] = toByte((q[a]! / len) * 128 + 128);
  });
  return bytes;
}
