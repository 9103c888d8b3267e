import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSubject } from '../../src/bench/subjects.js';
import { renderTextured } from '../../src/render/index.js';
import { unwrapTexture, UNWRAP } from '../../src/texture/unwrap.js';
import type { FloatImage } from '../../src/core/image.js';

/** PSNR (dB) of two RGB images over the pixels where `use` is set. */
function psnr(a: FloatImage, b: FloatImage, use: (p: number) => boolean): { psnr: number; pixels: number } {
  let se = 0, n = 0;
  for (let p = 0; p < a.width * a.height; p++) {
    if (!use(p)) continue;
    for (let c = 0; c < 3; c++) { const d = a.data[p * a.channels + c]! - b.data[p * b.channels + c]!; se += d * d; }
    n++;
  }
  return { psnr: 10 * Math.log10(1 / (se / (3 * n))), pixels: n };
}

test('unwrap then re-render at the fitted pose reproduces the photo inside the matte (synthetic ground truth as the fit)', () => {
  // Subject 1 (ben): body mesh only (no skirt or hair curtain), so the body model is the whole person.
  const s = makeSubject(1, { textureSize: 512 });
  const { posed, camera, render } = s.photo({ supersample: 2 });
  const matte = Float32Array.from(render.mask);
  const r = unwrapTexture({
    posedVertices: Float32Array.from(posed.body), triangles: s.model.triangles, cornerUvs: s.model.cornerUvs, partLabels: s.model.partLabels,
    camera, photo: render.image, matte, size: 1024,
  });
  assert.equal(r.texture.width, 1024);
  assert.ok(r.seenFraction > 0.3 && r.seenFraction < 0.7, `seen fraction ${r.seenFraction.toFixed(3)} (a front view sees about half of the body)`);
  const back = renderTextured(Float32Array.from(posed.body), s.model.triangles, s.model.cornerUvs, r.texture, camera, { background: [1, 1, 1], supersample: 2 });
  const inside = psnr(back.image, render.image, (p) => render.mask[p] === 1);
  assert.ok(inside.pixels > 20000, `matte pixels ${inside.pixels}`);
  assert.ok(inside.psnr >= 25, `PSNR inside the matte ${inside.psnr.toFixed(2)} dB`);
  // confidence: visible texels carry the facing ratio, mirrored ones UNWRAP.mirrorConfidence
  let mirrored = 0, visible = 0;
  for (const v of r.visibility.data) { if (Math.abs(v - UNWRAP.mirrorConfidence) < 1e-6) mirrored++; else if (v > 0) visible++; }
  assert.ok(visible > 0 && mirrored > 0);
});

test('erodeMask matches a brute-force square min filter', async () => {
  const { erodeMask } = await import('../../src/texture/unwrap.js');
  const W = 23, H = 17, r = 2;
  const m = new Float32Array(W * H);
  let seed = 7;
  for (let i = 0; i < m.length; i++) { seed = (seed * 1103515245 + 12345) >>> 0; m[i] = (seed >>> 16) % 10 < 8 ? 1 : 0; }
  for (let y = 3; y < 14; y++) for (let x = 4; x < 20; x++) m[y * W + x] = 1;
  const e = erodeMask(m, W, H, r);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let all = 1;
    for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
      const yy = y + dy, xx = x + dx;
      if (yy < 0 || xx < 0 || yy >= H || xx >= W) continue; // outside the image does not erode
      if (m[yy * W + xx]! < 0.5) all = 0;
    }
    assert.equal(e[y * W + x], all, `pixel ${x},${y}`);
  }
});
