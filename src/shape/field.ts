/**
 * The occupancy field of the clothed proxy in the photo's pose (world coordinates): a signed distance-like
 * value, negative inside, composed as CSG of three parts —
 *
 *   f = max( f_matte , min( f_body , f_slabs ) )
 *
 * i.e. (body ∪ clothing-and-hair slabs) ∩ the matte's visual cone. f_matte is the matte's 2D signed distance
 * (pixels → metres at the voxel's depth), so the silhouette from the photo camera lands at sub-voxel
 * precision; f_body is the 3D signed distance of the voxelized body; f_slabs the depth distance to the
 * nearest slab of the voxel's pixel (slabs.ts).
 */
import { projectPoint, type Camera } from '../core/camera.js';
import { matteSignedDistance, signedDistance } from './edt.js';
import type { ScalarGrid } from './marchingTetrahedra.js';
import type { DepthSlabs } from './slabs.js';
import { voxelizeMesh, type VoxelGrid } from './voxelize.js';
import { MeshDistance } from './meshDistance.js';

/** Inputs of {@link occupancyField}. */
export interface FieldInputs {
  grid: VoxelGrid;
  /** Posed body (world) vertices and triangles. */
  bodyPositions: ArrayLike<number>;
  bodyTriangles: Uint32Array;
  /** The carving camera (matte-sized) and the matte (H×W in [0,1]). */
  camera: Camera;
  matte: Float32Array;
  slabs: DepthSlabs;
}

/** Value used far outside everything (metres). */
const FAR = 1;

/** The occupancy field and, at the same samples, the body's own signed distance (metres, negative inside). */
export interface OccupancyField extends ScalarGrid {
  bodyDistance: Float32Array;
}

/** Samples the composed field at the grid's cell centres (a ScalarGrid whose samples sit at those centres). */
export function occupancyField(inp: FieldInputs): OccupancyField {
  const { grid, camera: cam, slabs } = inp;
  const [nx, ny, nz] = grid.dims, h = grid.spacing;
  const bodyInside = voxelizeMesh(inp.bodyPositions, inp.bodyTriangles, grid);
  const bodySdf = signedDistance(bodyInside, grid.dims);
  refineNearSurface(bodySdf, grid, inp.bodyPositions, inp.bodyTriangles);
  const W = cam.width, H = cam.height;
  const matteSdf = matteSignedDistance(inp.matte, W, H);
  const values = new Float32Array(nx * ny * nz);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const i = (z * ny + y) * nx + x;
        const X = grid.origin[0] + (x + 0.5) * h, Y = grid.origin[1] + (y + 0.5) * h, Z = grid.origin[2] + (z + 0.5) * h;
        const pr = projectPoint(cam, X, Y, Z);
        let fm: number, fs = FAR;
        if (pr.depth <= 0 || pr.u < 0 || pr.v < 0 || pr.u >= W || pr.v >= H) fm = FAR;
        else {
          fm = bilinear(matteSdf, W, H, pr.u - 0.5, pr.v - 0.5) * (pr.depth / cam.fx);
          const p = Math.floor(pr.v) * W + Math.floor(pr.u);
          // height of the sample along the body's up, for the hem floor of loose slabs
          const height = slabs.up[0] * X + slabs.up[1] * Y + slabs.up[2] * Z;
          for (let k = 0; k < 2; k++) {
            const f = slabs.front[p * 2 + k]!, b = slabs.back[p * 2 + k]!;
            if (f > b) continue;
            let d = Math.max(f - pr.depth, pr.depth - b);
            if (k === 0 && slabs.loose[p]) d = Math.max(d, slabs.hemFloor[Math.floor(pr.u)]! - height);
            fs = Math.min(fs, d);
          }
        }
        const fb = bodySdf[i]! * h;
        let v = Math.max(fm, Math.min(fb, fs));
        // a sample exactly on the level would make a degenerate vertex: nudge it outside
        if (Math.abs(v) < 1e-7) v = 1e-7;
        values[i] = v;
      }
  // the cell centres are the samples: shift the origin by half a cell
  const origin: [number, number, number] = [grid.origin[0] + h / 2, grid.origin[1] + h / 2, grid.origin[2] + h / 2];
  // keep the border outside so the surface is closed
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++)
    if (x === 0 || y === 0 || z === 0 || x === nx - 1 || y === ny - 1 || z === nz - 1) values[(z * ny + y) * nx + x] = FAR;
  const bodyDistance = new Float32Array(bodySdf.length);
  for (let i = 0; i < bodySdf.length; i++) bodyDistance[i] = bodySdf[i]! * h;
  return { dims: [nx, ny, nz], origin, spacing: h, values, bodyDistance };
}

/** Trilinear sample of a grid of values at the same samples as `grid` (clamped to the grid). */
export function sampleGrid(grid: ScalarGrid, values: Float32Array, x: number, y: number, z: number): number {
  const [nx, ny, nz] = grid.dims, h = grid.spacing;
  const gx = Math.max(0, Math.min(nx - 1.001, (x - grid.origin[0]) / h));
  const gy = Math.max(0, Math.min(ny - 1.001, (y - grid.origin[1]) / h));
  const gz = Math.max(0, Math.min(nz - 1.001, (z - grid.origin[2]) / h));
  const x0 = Math.floor(gx), y0 = Math.floor(gy), z0 = Math.floor(gz);
  const fx = gx - x0, fy = gy - y0, fz = gz - z0;
  let acc = 0;
  for (let c = 0; c < 8; c++) {
    const dx = c & 1, dy = (c >> 1) & 1, dz = (c >> 2) & 1;
    const w = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz);
    acc += w * values[((z0 + dz) * ny + y0 + dy) * nx + x0 + dx]!;
  }
  return acc;
}

/** Bilinear sample of an H×W grid at continuous cell coordinates (clamped). */
function bilinear(a: Float32Array, W: number, H: number, x: number, y: number): number {
  const x0 = Math.max(0, Math.min(W - 1, Math.floor(x))), y0 = Math.max(0, Math.min(H - 1, Math.floor(y)));
  const x1 = Math.min(W - 1, x0 + 1), y1 = Math.min(H - 1, y0 + 1);
  const fx = Math.max(0, Math.min(1, x - x0)), fy = Math.max(0, Math.min(1, y - y0));
  const top = a[y0 * W + x0]! * (1 - fx) + a[y0 * W + x1]! * fx;
  const bot = a[y1 * W + x0]! * (1 - fx) + a[y1 * W + x1]! * fx;
  return top * (1 - fy) + bot * fy;
}

/** Separable [1 2 1]/4 blur of a 3D grid (x fastest), clamped at the borders. */
export function blurGrid(a: Float32Array, dims: readonly [number, number, number]): Float32Array {
  const [nx, ny, nz] = dims;
  let src: Float32Array = a, dst: Float32Array = new Float32Array(a.length);
  const strides = [1, nx, nx * ny], sizes = [nx, ny, nz];
  for (let axis = 0; axis < 3; axis++) {
    const s = strides[axis]!, n = sizes[axis]!;
    for (let i = 0; i < src.length; i++) {
      const c = Math.floor(i / s) % n;
      const l = c > 0 ? src[i - s]! : src[i]!, r = c < n - 1 ? src[i + s]! : src[i]!;
      dst[i] = 0.25 * l + 0.5 * src[i]! + 0.25 * r;
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/**
 * Replaces the grid distance (which steps at cell faces) by the exact distance to the mesh within two cells
 * of the surface, keeping the voxelization's sign: the body's surface then comes out smooth, not terraced.
 */
function refineNearSurface(sdf: Float32Array, grid: VoxelGrid, positions: ArrayLike<number>, triangles: Uint32Array): void {
  const [nx, ny] = grid.dims, h = grid.spacing;
  const dist = new MeshDistance(positions, triangles);
  for (let i = 0; i < sdf.length; i++) {
    const s = sdf[i]!;
    if (Math.abs(s) > 2) continue;
    const x = i % nx, y = Math.floor(i / nx) % ny, z = Math.floor(i / (nx * ny));
    const d = dist.distance(grid.origin[0] + (x + 0.5) * h, grid.origin[1] + (y + 0.5) * h, grid.origin[2] + (z + 0.5) * h) / h;
    sdf[i] = s < 0 ? -d : d;
  }
}
