import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Camera } from '../../src/core/camera.js';
import { lookAtCamera } from '../../src/core/camera.js';
import { createImage } from '../../src/core/image.js';
import { rasterizeMesh } from '../../src/render/raster.js';
import {
  colorizeLabels, computeVertexNormals, interpolateCornerAttributes, interpolateVertexAttributes, renderShaded,
  renderTextured, renderVertexLabels, sampleTexture, shadeRaster,
} from '../../src/render/shade.js';

function simpleCamera(width: number, height: number, f = 50): Camera {
  return { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: f, fy: f, cx: width / 2, cy: height / 2, width, height };
}

/** A front-facing unit quad in the world z = 0 plane (Y up), CCW from +Z, with UVs (v up). */
function quad() {
  const positions = Float32Array.from([-1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 1, 0]);
  const triangles = Uint32Array.from([0, 1, 2, 0, 2, 3]);
  const uv = [0, 0, 1, 0, 1, 1, 0, 1];
  const cornerUvs = new Float32Array(12);
  for (let k = 0; k < 6; k++) { cornerUvs[k * 2] = uv[triangles[k]! * 2]!; cornerUvs[k * 2 + 1] = uv[triangles[k]! * 2 + 1]!; }
  return { positions, triangles, cornerUvs };
}

test('interpolateVertexAttributes equals the barycentric combination computed by hand', () => {
  const positions = Float32Array.from([-1, -1, 2, 1, -1, 3, 0, 1, 2.5]);
  const triangles = Uint32Array.from([0, 1, 2]);
  const attr = Float32Array.from([1, 0, 5, 0, 1, -5, 0.5, 0.5, 0]);
  const r = rasterizeMesh(positions, triangles, simpleCamera(40, 30, 20));
  const img = interpolateVertexAttributes(r, triangles, attr, 3, { background: 9 });
  for (let i = 0; i < 40 * 30; i++) {
    if (r.triangleId[i]! < 0) { assert.equal(img.data[i * 3], 9); continue; }
    for (let c = 0; c < 3; c++) {
      const ref = r.bary[i * 3]! * attr[c]! + r.bary[i * 3 + 1]! * attr[3 + c]! + r.bary[i * 3 + 2]! * attr[6 + c]!;
      assert.ok(Math.abs(img.data[i * 3 + c]! - ref) < 1e-5);
    }
  }
});

test('supersampled shading averages samples and composites over the background', () => {
  const cam = simpleCamera(20, 10, 10);
  const xr = (10.25 - 10) / 10;
  const positions = Float32Array.from([-5, -5, 1, xr, -5, 1, xr, 5, 1, -5, 5, 1]);
  const triangles = Uint32Array.from([0, 1, 2, 0, 2, 3]);
  const r = rasterizeMesh(positions, triangles, cam, { supersample: 4 });
  const img = shadeRaster(r, 1, (_t, _a, _b, _c, out) => { out[0] = 1; }, { background: 0.2 });
  assert.ok(Math.abs(img.data[10]! - (0.25 * 1 + 0.75 * 0.2)) < 1e-6);
  assert.equal(img.data[9], 1);
  assert.ok(Math.abs(img.data[11]! - 0.2) < 1e-7);
  const centre = shadeRaster(r, 1, (_t, _a, _b, _c, out) => { out[0] = 1; }, { background: 0.2, antialias: false });
  assert.ok(Math.abs(centre.data[10]! - 0.2) < 1e-7); // pixel centre 10.5 is outside
});

test('sampleTexture uses OBJ v-up: v = 1 reads the top row, bilinear in between', () => {
  const tex = createImage(2, 2, 3);
  // top row red / green, bottom row blue / white
  tex.data.set([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
  const out = [0, 0, 0];
  sampleTexture(tex, 0.25, 0.75, out); assert.deepEqual(out, [1, 0, 0]);
  sampleTexture(tex, 0.75, 0.75, out); assert.deepEqual(out, [0, 1, 0]);
  sampleTexture(tex, 0.25, 0.25, out); assert.deepEqual(out, [0, 0, 1]);
  sampleTexture(tex, 0.5, 0.75, out); assert.deepEqual(out, [0.5, 0.5, 0]);
});

test('renderTextured maps the texture upright onto a front-facing quad', () => {
  const { positions, triangles, cornerUvs } = quad();
  const tex = createImage(2, 2, 3);
  tex.data.set([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
  const cam = lookAtCamera([0, 0, 4], [0, 0, 0], { width: 40, height: 40, fovYDeg: 40 });
  const { image, alpha } = renderTextured(positions, triangles, cornerUvs, tex, cam, { background: [0.5, 0.5, 0.5], cull: 'back' });
  const px = (x: number, y: number) => Array.from(image.data.subarray((y * 40 + x) * 3, (y * 40 + x) * 3 + 3));
  assert.deepEqual(px(8, 8), [1, 0, 0]); // top-left of the image: texture top-left
  assert.deepEqual(px(31, 8), [0, 1, 0]);
  assert.deepEqual(px(8, 31), [0, 0, 1]);
  assert.deepEqual(px(31, 31), [1, 1, 1]);
  assert.deepEqual(px(1, 1), [0.5, 0.5, 0.5]);
  assert.equal(alpha[1 * 40 + 1], 0);
  assert.equal(alpha[20 * 40 + 20], 1);
  // UV interpolation at the centre of the quad is (0.5, 0.5).
  const uvImg = interpolateCornerAttributes(rasterizeMesh(positions, triangles, cam), cornerUvs, 2);
  const c = (19 * 40 + 19) * 2;
  assert.ok(Math.abs(uvImg.data[c]! - 0.5) < 0.03 && Math.abs(uvImg.data[c + 1]! - 0.5) < 0.03);
  assert.ok(uvImg.data[(10 * 40 + 10) * 2 + 1]! > 0.8, 'upper image rows have high v');
});

test('computeVertexNormals: flat quad faces +Z, cube corners point diagonally outward', () => {
  const { positions, triangles } = quad();
  const n = computeVertexNormals(positions, triangles);
  for (let v = 0; v < 4; v++) assert.deepEqual(Array.from(n.subarray(v * 3, v * 3 + 3)), [0, 0, 1]);
  // Unit cube, CCW from outside.
  const P = Float32Array.from([-1, -1, -1, 1, -1, -1, 1, 1, -1, -1, 1, -1, -1, -1, 1, 1, -1, 1, 1, 1, 1, -1, 1, 1]);
  const T = Uint32Array.from([0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 3, 7, 6, 3, 6, 2, 0, 4, 7, 0, 7, 3, 1, 2, 6, 1, 6, 5]);
  const cn = computeVertexNormals(P, T);
  for (let v = 0; v < 8; v++) {
    const dot = (cn[v * 3]! * P[v * 3]! + cn[v * 3 + 1]! * P[v * 3 + 1]! + cn[v * 3 + 2]! * P[v * 3 + 2]!) / Math.sqrt(3);
    assert.ok(dot > 0.9, `corner ${v} normal points outward (${dot})`);
  }
});

test('renderShaded: lit faces brighter than faces turned away; flat and smooth agree on a plane', () => {
  const { positions, triangles } = quad();
  const cam = lookAtCamera([0, 0, 4], [0, 0, 0], { width: 32, height: 32 });
  const lit = renderShaded(positions, triangles, cam, { light: [0, 0, -1], ambient: 0.2 });
  const away = renderShaded(positions, triangles, cam, { light: [0, 0, 1], ambient: 0.2 });
  const flat = renderShaded(positions, triangles, cam, { light: [0, 0, -1], ambient: 0.2, flat: true });
  const c = (16 * 32 + 16) * 3;
  assert.ok(Math.abs(lit.image.data[c]! - 0.8) < 1e-5); // full light × default albedo 0.8
  assert.ok(Math.abs(away.image.data[c]! - 0.2 * 0.8) < 1e-5); // ambient only
  assert.ok(Math.abs(flat.image.data[c]! - lit.image.data[c]!) < 1e-5);
});

test('renderVertexLabels picks the nearest corner label; colorizeLabels keeps background', () => {
  const { positions, triangles } = quad();
  const cam = lookAtCamera([0, 0, 4], [0, 0, 0], { width: 40, height: 40, fovYDeg: 40 });
  const r = rasterizeMesh(positions, triangles, cam);
  const labels = renderVertexLabels(r, triangles, [0, 1, 2, 3]);
  assert.equal(labels[0], -1);
  assert.equal(labels[12 * 40 + 12], 3); // top-left: vertex 3 (-1, 1)
  assert.equal(labels[27 * 40 + 27], 1); // bottom-right: vertex 1 (1, -1)
  const img = colorizeLabels(labels, 40, 40, [1, 1, 1]);
  assert.deepEqual(Array.from(img.data.subarray(0, 3)), [1, 1, 1]);
  assert.notDeepEqual(Array.from(img.data.subarray((12 * 40 + 12) * 3, (12 * 40 + 12) * 3 + 3)), Array.from(img.data.subarray((27 * 40 + 27) * 3, (27 * 40 + 27) * 3 + 3)));
});
