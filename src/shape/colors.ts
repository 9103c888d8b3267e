/**
 * Colours of the proxy's vertices: the photo where the photo camera sees the vertex (front-facing, not
 * hidden, inside the matte away from its edge), the unwrapped body texture elsewhere — at the template's
 * own UVs on hands and face, at the nearest body vertex's UV on the shell (the body texture already holds
 * the filled-in unseen side, texture/fill.ts).
 */
import { projectPoint, type Camera } from '../core/camera.js';
import type { FloatImage } from '../core/image.js';
import type { ArrayBodyModel } from '../body/index.js';
import { computeVertexNormals, rasterizeMesh, sampleTexture } from '../render/index.js';
import type { ClothedProxy } from './proxy.js';

/** Photo pixels closer than this to the matte's edge are not trusted (background bleeds in). */
const EDGE_MARGIN_PX = 2;
/** A vertex is seen when its normal faces the camera at least this much (cosine; grazing views smear). */
const MIN_FACING = 0.25;

/** V×3 colours (see the module comment). */
export function proxyColors(proxy: ClothedProxy, body: ArrayBodyModel, texture: FloatImage, photo: FloatImage, matte: Float32Array, camera: Camera): { colors: Float32Array; seenFraction: number } {
  const m = proxy.model, V = m.vertexCount, W = camera.width, H = camera.height;
  const colors = new Float32Array(V * 3);
  const rgb = new Float32Array(3);
  // one UV per body vertex (its first corner) for the fill
  const bodyUv = new Float32Array(body.vertexCount * 2).fill(-1);
  for (let c = 0; c < body.triangles.length; c++) {
    const v = body.triangles[c]!;
    if (bodyUv[v * 2]! < 0) { bodyUv[v * 2] = body.cornerUvs[c * 2]!; bodyUv[v * 2 + 1] = body.cornerUvs[c * 2 + 1]!; }
  }
  // template vertices: average of the texture at their corners' UVs
  const count = new Uint16Array(V);
  for (let f = 0; f < m.triangles.length / 3; f++) {
    if (!proxy.templateTriangles[f]) continue;
    for (let k = 0; k < 3; k++) {
      const v = m.triangles[f * 3 + k]!;
      sampleTexture(texture, m.cornerUvs[(f * 3 + k) * 2]!, m.cornerUvs[(f * 3 + k) * 2 + 1]!, rgb);
      for (let c = 0; c < 3; c++) colors[v * 3 + c]! += rgb[c]!;
      count[v]!++;
    }
  }
  // visibility of the shell from the photo camera
  const raster = rasterizeMesh(proxy.posed, m.triangles, camera, { cull: 'back' });
  const normals = computeVertexNormals(proxy.posed, m.triangles);
  const edge = matteEdgeDistance(matte, W, H, EDGE_MARGIN_PX);
  let seen = 0, shell = 0;
  for (let v = 0; v < V; v++) {
    if (count[v]! > 0) { for (let c = 0; c < 3; c++) colors[v * 3 + c]! /= count[v]!; continue; }
    shell++;
    const x = proxy.posed[v * 3]!, y = proxy.posed[v * 3 + 1]!, z = proxy.posed[v * 3 + 2]!;
    const pr = projectPoint(camera, x, y, z);
    const px = Math.floor(pr.u), py = Math.floor(pr.v);
    let visible = false;
    if (px >= 0 && py >= 0 && px < W && py < H && edge[py * W + px]) {
      // facing: the normal against the viewing ray
      const cx = camera.R[0]! * x + camera.R[1]! * y + camera.R[2]! * z + camera.t[0]!, cy = camera.R[3]! * x + camera.R[4]! * y + camera.R[5]! * z + camera.t[1]!, cz = pr.depth;
      const nx = normals[v * 3]!, ny = normals[v * 3 + 1]!, nz = normals[v * 3 + 2]!;
      const ncx = camera.R[0]! * nx + camera.R[1]! * ny + camera.R[2]! * nz, ncy = camera.R[3]! * nx + camera.R[4]! * ny + camera.R[5]! * nz, ncz = camera.R[6]! * nx + camera.R[7]! * ny + camera.R[8]! * nz;
      const facing = -(ncx * cx + ncy * cy + ncz * cz) / Math.hypot(cx, cy, cz);
      visible = facing > MIN_FACING && pr.depth <= raster.depth[py * W + px]! + 0.01;
    }
    if (visible) {
      sampleTexture(photo, pr.u / W, 1 - pr.v / H, rgb);
      seen++;
    } else {
      const bv = proxy.bodyVertex[v]!;
      sampleTexture(texture, bodyUv[bv * 2]!, bodyUv[bv * 2 + 1]!, rgb);
    }
    colors.set(rgb, v * 3);
  }
  return { colors, seenFraction: seen / Math.max(1, shell) };
}

/** 1 on matte pixels at least `margin` pixels inside the matte (a square erosion). */
function matteEdgeDistance(matte: Float32Array, W: number, H: number, margin: number): Uint8Array {
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let ok = matte[y * W + x]! >= 0.5;
      for (let dy = -margin; ok && dy <= margin; dy++)
        for (let dx = -margin; ok && dx <= margin; dx++) {
          const xx = x + dx, yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= W || yy >= H || matte[yy * W + xx]! < 0.5) ok = false;
        }
      out[y * W + x] = ok ? 1 : 0;
    }
  return out;
}
