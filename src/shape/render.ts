/**
 * Renders a posed proxy as the builtin generator shows the person: per-vertex colours on the carved shell,
 * the unwrapped texture at the template's own UVs on hands and face (so eyes and mouth keep their detail).
 */
import type { Camera } from '../core/camera.js';
import type { FloatImage } from '../core/image.js';
import { rasterizeMesh, sampleTexture, shadeRaster, type MeshRender, type ShadeOptions, type RasterOptions } from '../render/index.js';
import type { ClothedProxy } from './proxy.js';

/** Renders `posed` (V×3 world positions of the proxy) seen by `camera`. */
export function renderProxy(proxy: ClothedProxy, posed: Float32Array | Float64Array, colors: Float32Array, texture: FloatImage, camera: Camera, options: RasterOptions & ShadeOptions = {}): MeshRender {
  const T = proxy.model.triangles, uv = proxy.model.cornerUvs, tmpl = proxy.templateTriangles;
  const raster = rasterizeMesh(posed, T, camera, options);
  const texel = new Float32Array(texture.channels);
  const image = shadeRaster(raster, 3, (tri, b0, b1, b2, out) => {
    if (tmpl[tri]) {
      const o = tri * 6;
      sampleTexture(texture, b0 * uv[o]! + b1 * uv[o + 2]! + b2 * uv[o + 4]!, b0 * uv[o + 1]! + b1 * uv[o + 3]! + b2 * uv[o + 5]!, texel);
      out[0] = texel[0]!; out[1] = texel[1]!; out[2] = texel[2]!;
      return;
    }
    const i0 = T[tri * 3]! * 3, i1 = T[tri * 3 + 1]! * 3, i2 = T[tri * 3 + 2]! * 3;
    for (let c = 0; c < 3; c++) out[c] = b0 * colors[i0 + c]! + b1 * colors[i1 + c]! + b2 * colors[i2 + c]!;
  }, options);
  return { image, alpha: raster.alpha, raster };
}
