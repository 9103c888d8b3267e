import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage } from '../../src/core/image.js';
import { dilateTexture, rasterizeUvSpace } from '../../src/render/uvraster.js';
import { interpolateCornerAttributes, sampleTexture } from '../../src/render/shade.js';

test('rasterizeUvSpace: each covered texel interpolates to its own centre UV (v up)', () => {
  // Two UV triangles covering the lower-left half-square and a small island.
  const cornerUvs = Float32Array.from([0, 0, 1, 0, 0, 1, 0.7, 0.7, 0.95, 0.7, 0.95, 0.95]);
  const W = 32, H = 16;
  const r = rasterizeUvSpace(cornerUvs, W, H);
  const uv = interpolateCornerAttributes(r, cornerUvs, 2);
  let covered = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x, u = (x + 0.5) / W, v = 1 - (y + 0.5) / H;
    const inFirst = u + v < 1, inSecond = v >= 0.7 && u <= 0.95 && v <= u;
    if (r.triangleId[i]! < 0) { assert.ok(!(u + v < 0.98) || !inFirst, `texel ${x},${y} should be covered`); continue; }
    covered++;
    assert.equal(r.triangleId[i], inFirst ? 0 : 1, `texel ${x},${y}`);
    assert.ok(inFirst || inSecond);
    // Corners are snapped to 1/256 texel, so UVs agree to about 1/(256·H).
    assert.ok(Math.abs(uv.data[i * 2]! - u) < 3e-4 && Math.abs(uv.data[i * 2 + 1]! - v) < 3e-4);
  }
  assert.ok(covered > 200);
});

test('a texture baked through rasterizeUvSpace reads back with sampleTexture', () => {
  const cornerUvs = Float32Array.from([0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1]);
  const W = 20, H = 20;
  const r = rasterizeUvSpace(cornerUvs, W, H);
  const tex = interpolateCornerAttributes(r, cornerUvs, 2); // colour = (u, v)
  const out = [0, 0];
  for (const [u, v] of [[0.3, 0.8], [0.61, 0.27], [0.5, 0.5]] as const) {
    sampleTexture(tex, u, v, out);
    assert.ok(Math.abs(out[0]! - u) < 1e-5 && Math.abs(out[1]! - v) < 1e-5, `${u},${v} → ${out}`);
  }
});

test('dilateTexture pads valid texels outward ring by ring', () => {
  const img = createImage(7, 7, 1);
  const mask = new Uint8Array(49);
  img.data[3 * 7 + 3] = 0.8; mask[3 * 7 + 3] = 1;
  dilateTexture(img, mask, 2);
  for (let y = 0; y < 7; y++) for (let x = 0; x < 7; x++) {
    const ring = Math.max(Math.abs(x - 3), Math.abs(y - 3));
    assert.equal(mask[y * 7 + x], ring <= 2 ? 1 : 0);
    if (ring <= 2) assert.ok(Math.abs(img.data[y * 7 + x]! - 0.8) < 1e-6);
    else assert.equal(img.data[y * 7 + x], 0);
  }
});
