/**
 * Renders a posed proxy as the builtin generator shows the person: the carved shell in its vertex colours — or, given the
 * images they were sampled from, those images between the vertices (detail.ts: the photo on the seen surface, the body
 * texture on the unseen one, so prints and stripes keep their resolution rather than the shell's 2.5 cm vertex spacing) —
 * and the unwrapped texture at the template's own UVs on hands and face (so eyes and mouth keep their detail).
 */
import type { Camera } from '../core/camera.js';
import type { FloatImage } from '../core/image.js';
import { rasterizeMesh, sampleTexture, shadeRaster, type MeshRender, type ShadeOptions, type RasterOptions } from '../render/index.js';
import type { ClothedProxy } from './proxy.js';
import { detailColour, DetailScratch, type ProxyDetail } from './detail.js';

/** Renders `posed` (V×3 world positions of the proxy) seen by `camera`; with `detail`, the shell shows the photo and the texture
 * between its vertices (detail.ts) rather than their colours' blend. */
export function renderProxy(proxy: ClothedProxy, posed: Float32Array | Float64Array, colors: Float32Array, texture: FloatImage, camera: Camera, options: RasterOptions & ShadeOptions = {}, detail: ProxyDetail = {}): MeshRender {
  const T = proxy.model.triangles, uv = proxy.model.cornerUvs, tmpl = proxy.templateTriangles;
  const raster = rasterizeMesh(posed, T, camera, options);
  const texel = new Float32Array(texture.channels), scratch = new DetailScratch(3);
  const image = shadeRaster(raster, 3, (tri, b0, b1, b2, out) => {
    if (tmpl[tri]) {
      const o = tri * 6;
      sampleTexture(texture, b0 * uv[o]! + b1 * uv[o + 2]! + b2 * uv[o + 4]!, b0 * uv[o + 1]! + b1 * uv[o + 3]! + b2 * uv[o + 5]!, texel);
      out[0] = texel[0]!; out[1] = texel[1]!; out[2] = texel[2]!;
      return;
    }
    scratch.vertices[0] = T[tri * 3]!; scratch.vertices[1] = T[tri * 3 + 1]!; scratch.vertices[2] = T[tri * 3 + 2]!;
    scratch.weights[0] = b0; scratch.weights[1] = b1; scratch.weights[2] = b2;
    detailColour(3, colors, detail, out, scratch);
  }, options);
  return { image, alpha: raster.alpha, raster };
}
