/**
 * Packing an avatar into one RGBA32F data texture for the viewer's vertex shader (GPU skinning).
 * Each Gaussian owns `stride` consecutive texels in one texture row:
 *   0: mean x, y, z, scale (σ, metres)      1: colour r, g, b, opacity
 *   then ceil(K/4) texels of skin joint indices, ceil(K/4) of skin weights,
 *   then ceil(M/4) texels of anchor indices, ceil(M/4) of anchor weights (only with pose offsets).
 * Indices are stored as floats (exact below 2^24). Unused slots have weight 0.
 */
import type { PosableAvatar } from '../avatar/pose.js';

/** Texture rows are at most this many texels wide (WebGL2 guarantees ≥ 2048; we use 4096-ish). */
export const MAX_ROW_TEXELS = 4096;

/** The texel layout of a packed avatar. */
export interface SplatLayout {
  /** Texels per Gaussian. */
  stride: number;
  /** Texels per texture row (a multiple of `stride`). */
  rowTexels: number;
  width: number;
  height: number;
  /** First texel (within a Gaussian's record) of skin joints, skin weights, anchors, anchor weights. */
  skinJointTexel: number;
  skinWeightTexel: number;
  anchorTexel: number;
  anchorWeightTexel: number;
  /** Texels per group of 4 skin influences / anchors. */
  skinTexels: number;
  anchorTexels: number;
}

/** Computes the layout for N Gaussians with K skin influences and M anchors per Gaussian (0 = none). */
export function splatLayout(n: number, k: number, m: number): SplatLayout {
  const skinTexels = Math.ceil(k / 4);
  const anchorTexels = Math.ceil(m / 4);
  const stride = 2 + 2 * skinTexels + 2 * anchorTexels;
  const perRow = Math.max(1, Math.floor(MAX_ROW_TEXELS / stride));
  const rowTexels = perRow * stride;
  return {
    stride, rowTexels, width: rowTexels, height: Math.max(1, Math.ceil(n / perRow)),
    skinJointTexel: 2, skinWeightTexel: 2 + skinTexels,
    anchorTexel: 2 + 2 * skinTexels, anchorWeightTexel: 2 + 2 * skinTexels + anchorTexels,
    skinTexels, anchorTexels,
  };
}

/** Packs the avatar into a width×height×4 Float32Array following `splatLayout`. */
export function packSplatTexture(avatar: PosableAvatar): { layout: SplatLayout; data: Float32Array } {
  const h = avatar.header;
  const n = h.gaussianCount, k = h.skinInfluences;
  const m = h.poseOffsets ? h.poseOffsets.anchorsPerGaussian : 0;
  const L = splatLayout(n, k, m);
  const data = new Float32Array(L.width * L.height * 4);
  const means = avatar.buffers.means as Float32Array, scales = avatar.buffers.scales as Float32Array;
  const colors = avatar.buffers.colors as Float32Array, opac = avatar.buffers.opacities as Float32Array;
  const sj = avatar.buffers.skinJoints as Uint16Array, sw = avatar.buffers.skinWeights as Float32Array;
  const ga = avatar.buffers.gaussianAnchors as Uint32Array | undefined;
  const gw = avatar.buffers.gaussianAnchorWeights as Float32Array | undefined;
  for (let i = 0; i < n; i++) {
    const b = i * L.stride * 4; // rows are whole records, so the flat texel index is i·stride
    data[b] = means[i * 3]!; data[b + 1] = means[i * 3 + 1]!; data[b + 2] = means[i * 3 + 2]!; data[b + 3] = scales[i]!;
    data[b + 4] = colors[i * 3]!; data[b + 5] = colors[i * 3 + 1]!; data[b + 6] = colors[i * 3 + 2]!; data[b + 7] = opac[i]!;
    for (let q = 0; q < k; q++) {
      data[b + L.skinJointTexel * 4 + q] = sj[i * k + q]!;
      data[b + L.skinWeightTexel * 4 + q] = sw[i * k + q]!;
    }
    if (ga && gw) {
      for (let q = 0; q < m; q++) {
        data[b + L.anchorTexel * 4 + q] = ga[i * m + q]!;
        data[b + L.anchorWeightTexel * 4 + q] = gw[i * m + q]!;
      }
    }
  }
  return { layout: L, data };
}

/** Width (texels) of the anchor-offset texture; anchor a lives at (a mod width, a div width). */
export const ANCHOR_TEXTURE_WIDTH = 2048;

/** Packs A×3 anchor offsets into an RGBA32F texture buffer (ANCHOR_TEXTURE_WIDTH wide), reusing `out`. */
export function packAnchorOffsets(offsets: Float32Array, out?: Float32Array): Float32Array {
  const a = offsets.length / 3;
  const rows = Math.max(1, Math.ceil(a / ANCHOR_TEXTURE_WIDTH));
  const size = rows * ANCHOR_TEXTURE_WIDTH * 4;
  const o = out && out.length === size ? out : new Float32Array(size);
  for (let i = 0; i < a; i++) {
    o[i * 4] = offsets[i * 3]!; o[i * 4 + 1] = offsets[i * 3 + 1]!; o[i * 4 + 2] = offsets[i * 3 + 2]!; o[i * 4 + 3] = 0;
  }
  return o;
}

/**
 * The reference of what the vertex shader computes for Gaussian i from the packed texture, the J×12 skinning
 * matrices and the packed anchor offsets: canonical mean + Σ anchor weight · anchor offset, then LBS.
 * Used by tests to check the packing against src/avatar/pose.ts (poseAvatarMeans).
 */
export function shaderReferencePosition(
  layout: SplatLayout, data: Float32Array, skin: ArrayLike<number>, anchorTex: Float32Array | null, i: number, k: number, m: number,
): [number, number, number] {
  const b = i * layout.stride * 4;
  let x = data[b]!, y = data[b + 1]!, z = data[b + 2]!;
  if (anchorTex) {
    for (let q = 0; q < m; q++) {
      const a = data[b + layout.anchorTexel * 4 + q]!, w = data[b + layout.anchorWeightTexel * 4 + q]!;
      x += w * anchorTex[a * 4]!; y += w * anchorTex[a * 4 + 1]!; z += w * anchorTex[a * 4 + 2]!;
    }
  }
  let ox = 0, oy = 0, oz = 0;
  for (let q = 0; q < k; q++) {
    const j = data[b + layout.skinJointTexel * 4 + q]!, w = data[b + layout.skinWeightTexel * 4 + q]!;
    const g = j * 12;
    ox += w * (skin[g]! * x + skin[g + 1]! * y + skin[g + 2]! * z + skin[g + 3]!);
    oy += w * (skin[g + 4]! * x + skin[g + 5]! * y + skin[g + 6]! * z + skin[g + 7]!);
    oz += w * (skin[g + 8]! * x + skin[g + 9]! * y + skin[g + 10]! * z + skin[g + 11]!);
  }
  return [ox, oy, oz];
}
