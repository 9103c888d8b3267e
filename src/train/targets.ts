/**
 * Geometry targets of a training frame — mask, normal, depth, part segmentation — from the fitted body.
 * PERSONA takes normals, depth and part segmentation from Sapiens networks on every frame; we have no such
 * network in an npm package, so by default we render them from the body fitted to the frame and cut them
 * to the frame's matte ("refined at the silhouette"): where the matte says background the targets are
 * empty; where the matte has the person but the body mesh does not (loose clothing, hair), the targets are
 * left empty (zero), which the losses treat as "no supervision" (as PERSONA's losses skip zero normals/
 * depth). What this gives up against Sapiens: no clothing or hair geometry beyond the body surface in
 * normals/depth, and no clothing/skin parsing — the segmentation only separates head, hands and body.
 */
import type { Camera } from '../core/camera.js';
import { rasterizeMesh, toCameraFrame, computeVertexNormals } from '../render/index.js';
import { SEG_CHANNEL_COUNT, segChannelOfPart } from '../avatar/segmentation.js';

/** Per-pixel geometry targets (H×W layouts). Zero where there is no supervision. */
export interface GeometryTargets {
  width: number;
  height: number;
  /** H×W×3 unit normals in camera coordinates (x right, y down, z forward); 0 where empty. */
  normal: Float32Array;
  /** H×W camera depth (metres); 0 where empty. */
  depth: Float32Array;
  /** H×W×3 one-hot segmentation (head, hands, body); 0 where empty. */
  seg: Float32Array;
  /** H×W body-mesh coverage (0/1), before cutting to the matte. */
  bodyMask: Float32Array;
}

/**
 * Renders the geometry targets of a posed body mesh seen by `camera`, cut to `matte` (H×W in [0,1];
 * pixels with matte < 0.5 are background).
 */
export function renderGeometryTargets(
  posedVertices: Float32Array,
  triangles: Uint32Array,
  partLabels: ArrayLike<number>,
  camera: Camera,
  matte?: Float32Array,
): GeometryTargets {
  const W = camera.width, H = camera.height;
  const raster = rasterizeMesh(posedVertices, triangles, camera, { cull: 'back' });
  const normalsCam = toCameraFrame(computeVertexNormals(posedVertices, triangles), camera);
  const normal = new Float32Array(W * H * 3), depth = new Float32Array(W * H), seg = new Float32Array(W * H * SEG_CHANNEL_COUNT);
  const bodyMask = new Float32Array(W * H);
  for (let p = 0; p < W * H; p++) {
    const tri = raster.triangleId[p]!;
    if (tri < 0) continue;
    bodyMask[p] = 1;
    if (matte && matte[p]! < 0.5) continue;
    const b0 = raster.bary[p * 3]!, b1 = raster.bary[p * 3 + 1]!, b2 = raster.bary[p * 3 + 2]!;
    const i0 = triangles[tri * 3]!, i1 = triangles[tri * 3 + 1]!, i2 = triangles[tri * 3 + 2]!;
    let nx = 0, ny = 0, nz = 0;
    for (const [i, b] of [[i0, b0], [i1, b1], [i2, b2]] as const) {
      nx += b * normalsCam[i * 3]!; ny += b * normalsCam[i * 3 + 1]!; nz += b * normalsCam[i * 3 + 2]!;
    }
    const len = Math.hypot(nx, ny, nz) || 1;
    normal[p * 3] = nx / len; normal[p * 3 + 1] = ny / len; normal[p * 3 + 2] = nz / len;
    depth[p] = raster.depth[p]!;
    // the part of the corner with the largest barycentric weight
    const part = b0 >= b1 && b0 >= b2 ? partLabels[i0]! : b1 >= b2 ? partLabels[i1]! : partLabels[i2]!;
    seg[p * SEG_CHANNEL_COUNT + segChannelOfPart(part)] = 1;
  }
  return { width: W, height: H, normal, depth, seg, bodyMask };
}
