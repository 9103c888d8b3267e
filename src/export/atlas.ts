/**
 * A base-colour texture baked from per-vertex colours, for meshes without UVs (the avatar surface has
 * none). Each triangle gets its own C×C-texel cell of a square atlas; its three corners sit on texel
 * centres of the cell's lower-left half, and every texel of the cell holds the vertex colours interpolated
 * (barycentric, clamped into the triangle) at that texel, so bilinear sampling inside a triangle never reads
 * another triangle's colours. Vertices are unwelded (3 per triangle) so each corner has its own UV;
 * `expand` copies any other per-vertex attribute the same way.
 */
import { PersonaError } from '../core/errors.js';

/** Texels per cell side: corners at texel centres 0.5 and C − 0.5. */
const CELL = 3;
/** Largest atlas side (texels); 4096² holds 1.86 M triangles. */
const MAX_SIZE = 4096;

export interface Atlas {
  /** Side of the square atlas (texels). */
  size: number;
  /** size×size×3 sRGB bytes, rows top to bottom (glTF UV origin is the top-left corner). */
  rgb: Uint8Array;
  /** 3F×2 UVs of the unwelded corners. */
  uvs: Float32Array;
  /** For corner c of triangle f (index 3f + c), the original vertex. */
  source: Uint32Array;
}

/** Bakes `colors` (V×3 display RGB in [0,1]) of a triangle mesh into an atlas; see the module comment. */
export function bakeAtlas(triangles: Uint32Array, colors: Float32Array): Atlas {
  const F = triangles.length / 3;
  // a power-of-two side (older WebGL and some engines resize other sizes, blurring the cells)
  const size = 2 ** Math.ceil(Math.log2(Math.max(1, Math.ceil(Math.sqrt(F))) * CELL));
  const grid = Math.floor(size / CELL);
  if (size > MAX_SIZE) throw new PersonaError(`The mesh has ${F} triangles; a colour atlas for it would exceed ${MAX_SIZE}² texels.`, { hint: 'Export without --texture (vertex colours only).' });
  const rgb = new Uint8Array(size * size * 3);
  const uvs = new Float32Array(F * 6);
  const source = Uint32Array.from(triangles);
  const byte = (v: number): number => Math.round(Math.min(Math.max(v, 0), 1) * 255);
  const span = CELL - 1; // corner-to-corner distance in texels
  for (let f = 0; f < F; f++) {
    const x0 = (f % grid) * CELL, y0 = Math.floor(f / grid) * CELL;
    const a = triangles[f * 3]!, b = triangles[f * 3 + 1]!, c = triangles[f * 3 + 2]!;
    // corners: a at (0.5, 0.5), b at (C − 0.5, 0.5), c at (0.5, C − 0.5) within the cell
    uvs.set([(x0 + 0.5) / size, (y0 + 0.5) / size, (x0 + CELL - 0.5) / size, (y0 + 0.5) / size, (x0 + 0.5) / size, (y0 + CELL - 0.5) / size], f * 6);
    for (let ty = 0; ty < CELL; ty++) {
      for (let tx = 0; tx < CELL; tx++) {
        // barycentrics of the texel centre (tx+0.5, ty+0.5) relative to the corners, clamped into the triangle
        let wb = tx / span, wc = ty / span;
        const s = wb + wc;
        if (s > 1) { wb /= s; wc /= s; }
        const wa = 1 - wb - wc;
        const o = ((y0 + ty) * size + x0 + tx) * 3;
        for (let k = 0; k < 3; k++) rgb[o + k] = byte(wa * colors[a * 3 + k]! + wb * colors[b * 3 + k]! + wc * colors[c * 3 + k]!);
      }
    }
  }
  return { size, rgb, uvs, source };
}

/** Copies a per-vertex attribute (V×width) onto the atlas's unwelded corners. */
export function expand<T extends Float32Array | Uint16Array>(values: T, width: number, source: Uint32Array): T {
  const out = new (values.constructor as { new (n: number): T })(source.length * width);
  for (let i = 0; i < source.length; i++) for (let k = 0; k < width; k++) out[i * width + k] = values[source[i]! * width + k]!;
  return out;
}
