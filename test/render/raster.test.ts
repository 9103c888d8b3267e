import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Camera } from '../../src/core/camera.js';
import { lookAtCamera } from '../../src/core/camera.js';
import { Rng } from '../../src/core/rng.js';
import { createRasterBuffers, rasterizeInto, rasterizeMesh, snapToSubpixel } from '../../src/render/raster.js';

/** Identity camera: world = camera frame (x right, y down, z forward). */
function simpleCamera(width: number, height: number, f = 50): Camera {
  return { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: f, fy: f, cx: width / 2, cy: height / 2, width, height };
}

function randomScene(rng: Rng, count: number): { positions: Float32Array; triangles: Uint32Array } {
  const positions = new Float32Array(count * 9);
  for (let i = 0; i < count; i++) {
    const cx = rng.uniform(-0.7, 0.7), cy = rng.uniform(-0.5, 0.5), cz = rng.uniform(1.5, 4);
    for (let c = 0; c < 3; c++) {
      positions[i * 9 + c * 3] = cx + rng.uniform(-0.4, 0.4);
      positions[i * 9 + c * 3 + 1] = cy + rng.uniform(-0.4, 0.4);
      positions[i * 9 + c * 3 + 2] = cz + rng.uniform(-0.5, 0.5);
    }
  }
  const triangles = Uint32Array.from({ length: count * 3 }, (_, i) => i);
  return { positions, triangles };
}

/**
 * Plain reference: for every pixel and every triangle, a point-in-triangle test on the
 * snapped projected corners with the same top-left tie rule, the nearest hit wins.
 */
function referenceRaster(positions: Float32Array, triangles: Uint32Array, cam: Camera, snap: boolean) {
  const W = cam.width, H = cam.height, F = triangles.length / 3;
  const ids = new Int32Array(W * H).fill(-1), depth = new Float64Array(W * H).fill(Infinity), bary = new Float64Array(W * H * 3);
  const proj = (v: number) => {
    const x = positions[v * 3]!, y = positions[v * 3 + 1]!, z = positions[v * 3 + 2]!;
    let u = (cam.fx * x) / z + cam.cx, w = (cam.fy * y) / z + cam.cy;
    if (snap) { u = snapToSubpixel(u); w = snapToSubpixel(w); }
    return { u, v: w, z };
  };
  const edge = (a: { u: number; v: number }, b: { u: number; v: number }, px: number, py: number) => (b.u - a.u) * (py - a.v) - (b.v - a.v) * (px - a.u);
  const topLeft = (a: { u: number; v: number }, b: { u: number; v: number }) => {
    const dx = b.u - a.u, dy = b.v - a.v;
    return -dy > 0 || (dy === 0 && dx > 0);
  };
  for (let f = 0; f < F; f++) {
    let p = [proj(triangles[f * 3]!), proj(triangles[f * 3 + 1]!), proj(triangles[f * 3 + 2]!)];
    let order = [0, 1, 2];
    const area = edge(p[0]!, p[1]!, p[2]!.u, p[2]!.v);
    if (area === 0) continue;
    if (area < 0) { p = [p[0]!, p[2]!, p[1]!]; order = [0, 2, 1]; }
    const A = Math.abs(area);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const px = x + 0.5, py = y + 0.5;
      const e = [edge(p[1]!, p[2]!, px, py), edge(p[2]!, p[0]!, px, py), edge(p[0]!, p[1]!, px, py)];
      const inc = [topLeft(p[1]!, p[2]!), topLeft(p[2]!, p[0]!), topLeft(p[0]!, p[1]!)];
      if (!e.every((ei, i) => ei > 0 || (ei === 0 && inc[i]))) continue;
      const w = e.map((ei, i) => ei / A / p[i]!.z);
      const z = 1 / (w[0]! + w[1]! + w[2]!);
      if (z < depth[y * W + x]!) {
        depth[y * W + x] = z;
        ids[y * W + x] = f;
        for (let i = 0; i < 3; i++) bary[(y * W + x) * 3 + order[i]!] = w[i]! * z;
      }
    }
  }
  return { ids, depth, bary };
}

test('rasterizeMesh matches a brute-force point-in-triangle reference (ids, depth, barycentrics)', () => {
  const rng = new Rng(7);
  const { positions, triangles } = randomScene(rng, 60);
  const cam = simpleCamera(64, 48, 40);
  const r = rasterizeMesh(positions, triangles, cam);
  const ref = referenceRaster(positions, triangles, cam, true);
  let covered = 0;
  for (let i = 0; i < 64 * 48; i++) {
    assert.equal(r.triangleId[i], ref.ids[i], `pixel ${i}`);
    if (ref.ids[i]! < 0) { assert.equal(r.depth[i], Infinity); assert.equal(r.alpha[i], 0); continue; }
    covered++;
    assert.equal(r.alpha[i], 1);
    assert.ok(Math.abs(r.depth[i]! - ref.depth[i]!) < 1e-5 * ref.depth[i]!);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(r.bary[i * 3 + c]! - ref.bary[i * 3 + c]!) < 1e-5);
  }
  assert.ok(covered > 500, `scene covers ${covered} pixels`);
  // Against the unsnapped continuous reference only pixels on edges may differ.
  const exact = referenceRaster(positions, triangles, cam, false);
  let diff = 0;
  for (let i = 0; i < 64 * 48; i++) if (exact.ids[i] !== r.triangleId[i]) diff++;
  assert.ok(diff < 0.01 * 64 * 48, `${diff} pixels differ from the unsnapped reference`);
});

test('shared edges are watertight: a triangulated quad covers each inside pixel exactly once', () => {
  // A fan of 12 triangles around an interior point, plus irregular vertex positions.
  const cam = simpleCamera(80, 60, 60);
  const ring: number[] = [];
  const rng = new Rng(3);
  for (let k = 0; k < 12; k++) {
    const a = (k / 12) * 2 * Math.PI, rad = 0.5 + rng.uniform(-0.1, 0.1);
    ring.push(Math.cos(a) * rad, Math.sin(a) * rad * 0.8, 2 + rng.uniform(-0.3, 0.3));
  }
  const positions = Float32Array.from([0.03, -0.02, 2, ...ring]);
  const tris: number[] = [];
  for (let k = 0; k < 12; k++) tris.push(0, 1 + k, 1 + ((k + 1) % 12));
  const triangles = Uint32Array.from(tris);
  const counts = new Int32Array(80 * 60);
  for (let f = 0; f < 12; f++) {
    const buf = createRasterBuffers(80, 60);
    rasterizeInto(buf, positions, triangles, cam, 1, { triangleSubset: [f] });
    for (let i = 0; i < counts.length; i++) if (buf.triangleId[i]! >= 0) counts[i]!++;
  }
  const whole = rasterizeMesh(positions, triangles, cam);
  let inside = 0;
  for (let i = 0; i < counts.length; i++) {
    assert.ok(counts[i]! <= 1, `pixel ${i} covered ${counts[i]} times`);
    assert.equal(counts[i]! === 1, whole.triangleId[i]! >= 0);
    if (counts[i] === 1) inside++;
  }
  // The fan is convex-ish and closed: its centre region must be fully covered (no cracks).
  for (let y = 26; y < 34; y++) for (let x = 34; x < 46; x++) assert.equal(counts[y * 80 + x], 1, `hole at ${x},${y}`);
  assert.ok(inside > 200, `${inside} pixels inside`);
});

test('barycentrics and depth are perspective-correct on a slanted plane', () => {
  // Plane through two triangles, strongly slanted in depth; attribute = world x.
  const positions = Float32Array.from([-1, -0.8, 1.2, 1, -0.8, 4, 1, 0.8, 4, -1, 0.8, 1.2]);
  const triangles = Uint32Array.from([0, 1, 2, 0, 2, 3]);
  const cam = simpleCamera(96, 64, 70);
  const r = rasterizeMesh(positions, triangles, cam);
  // Plane: points P with n·P = d; n from the corners.
  const p0 = [-1, -0.8, 1.2], p1 = [1, -0.8, 4], p3 = [-1, 0.8, 1.2];
  const a = [p1[0]! - p0[0]!, p1[1]! - p0[1]!, p1[2]! - p0[2]!], b = [p3[0]! - p0[0]!, p3[1]! - p0[1]!, p3[2]! - p0[2]!];
  const n = [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
  const d = n[0]! * p0[0]! + n[1]! * p0[1]! + n[2]! * p0[2]!;
  let checked = 0;
  for (let y = 0; y < 64; y++) for (let x = 0; x < 96; x++) {
    const i = y * 96 + x, tri = r.triangleId[i]!;
    if (tri < 0) continue;
    const ray = [(x + 0.5 - 48) / 70, (y + 0.5 - 32) / 70, 1];
    const s = d / (n[0]! * ray[0]! + n[1]! * ray[1]! + n[2]! * ray[2]!);
    const hit = [ray[0]! * s, ray[1]! * s, ray[2]! * s];
    assert.ok(Math.abs(r.depth[i]! - hit[2]!) < 1e-4, `depth at ${x},${y}`);
    // Interpolated world position from barycentrics must equal the ray hit.
    for (let c = 0; c < 3; c++) {
      let v = 0;
      for (let k = 0; k < 3; k++) v += r.bary[i * 3 + k]! * positions[triangles[tri * 3 + k]! * 3 + c]!;
      assert.ok(Math.abs(v - hit[c]!) < 2e-4, `position ${c} at ${x},${y}: ${v} vs ${hit[c]}`);
    }
    checked++;
  }
  assert.ok(checked > 1000);
});

test('empty scene and triangles behind the camera render nothing', () => {
  const cam = simpleCamera(32, 24);
  const empty = rasterizeMesh(new Float32Array(0), new Uint32Array(0), cam, { supersample: 2 });
  assert.ok(empty.triangleId.every((v) => v === -1));
  assert.ok(empty.alpha.every((v) => v === 0));
  const behind = Float32Array.from([-1, -1, -2, 1, -1, -2, 0, 1, -2]);
  const r = rasterizeMesh(behind, Uint32Array.from([0, 1, 2]), cam);
  assert.ok(r.triangleId.every((v) => v === -1));
});

test('near-plane clipping: a triangle crossing the camera plane draws its visible part correctly', () => {
  // A floor triangle y = 0.5 (below the camera, y down) reaching from behind to far in front.
  const positions = Float32Array.from([-3, 0.5, -2, 3, 0.5, -2, 0, 0.5, 8]);
  const triangles = Uint32Array.from([0, 1, 2]);
  const cam = simpleCamera(64, 64, 32);
  const r = rasterizeMesh(positions, triangles, cam, { near: 0.05 });
  let hits = 0;
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) {
    const i = y * 64 + x;
    const ray = [(x + 0.5 - 32) / 32, (y + 0.5 - 32) / 32, 1];
    if (r.triangleId[i]! < 0) continue;
    hits++;
    const s = 0.5 / ray[1]!; // intersection with y = 0.5
    assert.ok(s > 0.05 - 1e-9, 'hit in front of the near plane');
    assert.ok(Math.abs(r.depth[i]! - s) < 1e-3 * s, `depth at ${x},${y}`);
    // Barycentrics refer to the original corners: reconstruct the hit point.
    for (let c = 0; c < 3; c++) {
      let v = 0;
      for (let k = 0; k < 3; k++) v += r.bary[i * 3 + k]! * positions[k * 3 + c]!;
      assert.ok(Math.abs(v - ray[c]! * s) < 1e-3 * Math.max(1, s), `coord ${c} at ${x},${y}`);
    }
  }
  assert.ok(hits > 300, `${hits} pixels`);
  // The lower image corners see the floor close to the camera: covered.
  assert.ok(r.triangleId[63 * 64 + 32]! >= 0);
  // Everything above the horizon is empty.
  for (let y = 0; y < 32; y++) for (let x = 0; x < 64; x++) assert.equal(r.triangleId[y * 64 + x], -1);
});

test('back-face culling uses OBJ (counter-clockwise seen from outside) winding', () => {
  // World Y up, camera at +Z looking at the origin: a triangle CCW as seen from the camera.
  const cam = lookAtCamera([0, 0, 3], [0, 0, 0], { width: 32, height: 32, fovYDeg: 40 });
  const ccw = Float32Array.from([-0.5, -0.5, 0, 0.5, -0.5, 0, 0, 0.5, 0]);
  const front = Uint32Array.from([0, 1, 2]), back = Uint32Array.from([0, 2, 1]);
  const covered = (r: { triangleId: Int32Array }) => r.triangleId.filter((v) => v >= 0).length;
  assert.ok(covered(rasterizeMesh(ccw, front, cam, { cull: 'back' })) > 50);
  assert.equal(covered(rasterizeMesh(ccw, back, cam, { cull: 'back' })), 0);
  assert.equal(covered(rasterizeMesh(ccw, front, cam, { cull: 'front' })), 0);
  assert.ok(covered(rasterizeMesh(ccw, back, cam, { cull: 'front' })) > 50);
  assert.equal(covered(rasterizeMesh(ccw, back, cam)), covered(rasterizeMesh(ccw, front, cam)));
  // The top vertex (world y up) appears in the upper half of the image.
  const r = rasterizeMesh(ccw, front, cam);
  const rows = [...r.triangleId.keys()].filter((i) => r.triangleId[i]! >= 0).map((i) => Math.floor(i / 32));
  const top = Math.min(...rows), bottom = Math.max(...rows);
  // The apex row is narrow, the base row wide.
  const width = (row: number) => r.triangleId.subarray(row * 32, row * 32 + 32).filter((v) => v >= 0).length;
  assert.ok(width(top) < width(bottom));
});

test('supersampling gives fractional coverage at edges and leaves pixel-centre buffers unchanged', () => {
  const cam = simpleCamera(20, 10, 10);
  // A big quad whose right edge lies at pixel x = 10.25 (u = fx·X/Z + cx with Z = 1).
  const xr = (10.25 - 10) / 10;
  const positions = Float32Array.from([-5, -5, 1, xr, -5, 1, xr, 5, 1, -5, 5, 1]);
  const triangles = Uint32Array.from([0, 1, 2, 0, 2, 3]);
  const r1 = rasterizeMesh(positions, triangles, cam);
  const r4 = rasterizeMesh(positions, triangles, cam, { supersample: 4 });
  assert.deepEqual(r4.triangleId, r1.triangleId);
  assert.ok(r4.samples && r4.samples.width === 80 && r4.samples.height === 40);
  for (let y = 0; y < 10; y++) {
    assert.equal(r4.alpha[y * 20 + 9], 1);
    assert.equal(r4.alpha[y * 20 + 10], 0.25); // samples at 10.125 covered, 10.375… not
    assert.equal(r4.alpha[y * 20 + 11], 0);
  }
});

test('invalid input raises PersonaError with a message', () => {
  const cam = simpleCamera(8, 8);
  assert.throws(() => rasterizeMesh(new Float32Array(4), new Uint32Array(0), cam), /multiple of 3/);
  assert.throws(() => rasterizeMesh(new Float32Array(9), Uint32Array.from([0, 1, 5]), cam), /only 3 vertices/);
  assert.throws(() => rasterizeMesh(new Float32Array(9), Uint32Array.from([0, 1, 2]), cam, { supersample: 0 }), /supersample/);
});
