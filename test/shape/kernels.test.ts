import { test } from 'node:test';
import assert from 'node:assert/strict';
import { squaredDistanceToSeeds, signedDistance } from '../../src/shape/edt.js';
import { marchingTetrahedra } from '../../src/shape/marchingTetrahedra.js';
import { meshTopology, PointIndex, stretchedAreaFraction } from '../../src/shape/meshOps.js';
import { computeVertexNormals } from '../../src/render/index.js';
import { voxelizeMesh } from '../../src/shape/voxelize.js';
import { closestOnTriangle, pointTriangleDist2 } from '../../src/shape/meshDistance.js';
import { Rng } from '../../src/core/rng.js';

test('distance transform equals brute force on a random 3D grid', () => {
  const dims = [9, 7, 5] as const;
  const n = dims[0] * dims[1] * dims[2];
  const R = new Rng(3); const rng = (): number => R.next();
  const seed = new Uint8Array(n);
  for (let i = 0; i < n; i++) seed[i] = rng() < 0.08 ? 1 : 0;
  seed[17] = 1;
  const d = squaredDistanceToSeeds(seed, dims);
  const coord = (i: number): number[] => [i % dims[0], Math.floor(i / dims[0]) % dims[1], Math.floor(i / (dims[0] * dims[1]))];
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    const a = coord(i);
    for (let j = 0; j < n; j++) if (seed[j]) { const b = coord(j); best = Math.min(best, (a[0]! - b[0]!) ** 2 + (a[1]! - b[1]!) ** 2 + (a[2]! - b[2]!) ** 2); }
    assert.equal(d[i], best, `cell ${i}`);
  }
});

test('signed distance is negative inside, positive outside, ±0.5 at the boundary', () => {
  const inside = new Uint8Array(10);
  for (let i = 3; i < 7; i++) inside[i] = 1;
  const s = signedDistance(inside, [10]);
  assert.deepEqual(Array.from(s), [2.5, 1.5, 0.5, -0.5, -1.5, -1.5, -0.5, 0.5, 1.5, 2.5]);
});

/** Samples a sphere's SDF on a grid. */
function sphereGrid(r: number, h: number, n: number) {
  const values = new Float32Array(n * n * n);
  const c = ((n - 1) * h) / 2;
  for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) values[(z * n + y) * n + x] = Math.hypot(x * h - c, y * h - c, z * h - c) - r;
  return { grid: { dims: [n, n, n] as [number, number, number], origin: [-c, -c, -c] as [number, number, number], spacing: h, values }, c };
}

test('marching tetrahedra: a sphere comes out closed, manifold, outward-facing and on the surface', () => {
  const r = 0.3, { grid } = sphereGrid(r, 0.04, 21);
  const m = marchingTetrahedra(grid);
  const topo = meshTopology(m.triangles);
  assert.equal(topo.boundaryEdges, 0);
  assert.equal(topo.nonManifoldEdges, 0);
  assert.equal(topo.inconsistentEdges, 0);
  // Euler characteristic of a sphere: V − E + F = 2
  assert.equal(m.positions.length / 3 - topo.edges + m.triangles.length / 3, 2);
  const n = computeVertexNormals(m.positions, m.triangles);
  let maxErr = 0, outward = 0;
  for (let v = 0; v < m.positions.length / 3; v++) {
    const x = m.positions[v * 3]!, y = m.positions[v * 3 + 1]!, z = m.positions[v * 3 + 2]!;
    maxErr = Math.max(maxErr, Math.abs(Math.hypot(x, y, z) - r));
    if (n[v * 3]! * x + n[v * 3 + 1]! * y + n[v * 3 + 2]! * z > 0) outward++;
  }
  assert.ok(maxErr < 0.01, `vertices within 1 cm of the sphere (max ${maxErr})`);
  assert.equal(outward, m.positions.length / 3);
});

test('voxelizing the extracted sphere marks the cells inside it', () => {
  const r = 0.3, { grid } = sphereGrid(r, 0.04, 21);
  const m = marchingTetrahedra(grid);
  const vg = { origin: [-0.45, -0.45, -0.45] as [number, number, number], spacing: 0.03, dims: [30, 30, 30] as [number, number, number] };
  const inside = voxelizeMesh(m.positions, m.triangles, vg);
  let wrong = 0, total = 0;
  for (let z = 0; z < 30; z++) for (let y = 0; y < 30; y++) for (let x = 0; x < 30; x++) {
    const d = Math.hypot(-0.45 + (x + 0.5) * 0.03, -0.45 + (y + 0.5) * 0.03, -0.45 + (z + 0.5) * 0.03);
    if (Math.abs(d - r) < 0.015) continue; // cells within the mesh's own error of the surface
    total++;
    if ((d < r ? 1 : 0) !== inside[(z * 30 + y) * 30 + x]) wrong++;
  }
  assert.equal(wrong, 0, `${wrong} of ${total} cells misclassified`);
});

test('point–triangle distance matches dense sampling of the triangle', () => {
  const P = Float64Array.from([0, 0, 0, 1, 0, 0, 0.2, 1, 0.3]);
  const R = new Rng(9); const rng = (): number => R.next();
  for (let t = 0; t < 200; t++) {
    const p = [rng() * 3 - 1, rng() * 3 - 1, rng() * 2 - 1] as const;
    let best = Infinity;
    const S = 120;
    for (let i = 0; i <= S; i++) for (let j = 0; j <= S - i; j++) {
      const u = i / S, v = j / S;
      const x = u * 1 + v * 0.2, y = v * 1, z = v * 0.3;
      best = Math.min(best, (x - p[0]) ** 2 + (y - p[1]) ** 2 + (z - p[2]) ** 2);
    }
    const d = pointTriangleDist2(P, 0, 1, 2, p[0], p[1], p[2]);
    assert.ok(d <= best + 1e-12 && Math.sqrt(best) - Math.sqrt(d) < 0.01, `exact ${d} vs sampled ${best}`);
    // the nearest point's coordinates lie in the triangle and reproduce the distance
    const uv = new Float64Array(2);
    assert.equal(closestOnTriangle(P, 0, 1, 2, p[0], p[1], p[2], uv), d);
    const [u, v] = [uv[0]!, uv[1]!];
    assert.ok(u >= -1e-12 && v >= -1e-12 && u + v <= 1 + 1e-12, `(${u}, ${v}) inside`);
    const q = [u * 1 + v * 0.2, v * 1, v * 0.3];
    assert.ok(Math.abs((q[0]! - p[0]) ** 2 + (q[1]! - p[1]) ** 2 + (q[2]! - p[2]) ** 2 - d) < 1e-12);
  }
});

test('point index: bounded nearest distance equals brute force, clamped at the bound', () => {
  const rng = new Rng(7);
  const pts = new Float32Array(300 * 3);
  for (let i = 0; i < pts.length; i++) pts[i] = rng.next() * 0.6 - 0.3;
  const index = new PointIndex(pts, 0.05);
  for (let q = 0; q < 200; q++) {
    const x = rng.next() * 1.2 - 0.6, y = rng.next() * 1.2 - 0.6, z = rng.next() * 1.2 - 0.6;
    let best = Infinity;
    for (let i = 0; i < 300; i++) best = Math.min(best, Math.hypot(pts[i * 3]! - x, pts[i * 3 + 1]! - y, pts[i * 3 + 2]! - z));
    for (const bound of [0.02, 0.07, 0.2, Infinity]) {
      const d = index.distanceWithin(x, y, z, bound);
      assert.ok(Math.abs(d - Math.min(best, bound)) < 1e-6, `bound ${bound}: ${d} vs ${Math.min(best, bound)}`);
    }
  }
});

test('stretched area share: triangles grown past the ratio count with their new area', () => {
  // two unit right triangles; the second scaled 4× in x and y (area ×16) in `to`
  const from = [0, 0, 0, 1, 0, 0, 0, 1, 0, 5, 0, 0, 6, 0, 0, 5, 1, 0];
  const to = [0, 0, 0, 1, 0, 0, 0, 1, 0, 5, 0, 0, 9, 0, 0, 5, 4, 0];
  const tris = new Uint32Array([0, 1, 2, 3, 4, 5]);
  assert.ok(Math.abs(stretchedAreaFraction(from, to, tris, 10) - 8 / 8.5) < 1e-12, 'the ×16 triangle is 8 of 8.5 m²');
  assert.equal(stretchedAreaFraction(from, to, tris, 20), 0);
  assert.equal(stretchedAreaFraction(from, from, tris, 1), 0, 'unchanged triangles are not stretched');
  assert.equal(stretchedAreaFraction([], [], new Uint32Array(0), 10), 0);
});
