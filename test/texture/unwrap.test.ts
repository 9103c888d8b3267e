import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSubject } from '../../src/bench/subjects.js';
import { renderTextured } from '../../src/render/index.js';
import { scalpColour, unwrapTexture, UNWRAP } from '../../src/texture/unwrap.js';
import { lookAtCamera } from '../../src/core/camera.js';
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

test('scalpColour: the group of colours lying higher on the head is the hair; without one, the mean of all', () => {
  const skin = [0.7, 0.5, 0.4], hair = [0.1, 0.08, 0.06];
  const samples: number[] = [];
  // a man's short hair above his forehead: 60 % forehead (lower), 40 % hair (higher), each with a little shading
  for (let i = 0; i < 100; i++) {
    const c = i < 60 ? skin : hair, y = i < 60 ? 1.60 + i * 0.0005 : 1.66 + i * 0.0005, s = 1 + 0.05 * Math.sin(i);
    samples.push(c[0]! * s, c[1]! * s, c[2]! * s, y);
  }
  const got = scalpColour(samples)!;
  assert.ok(Math.hypot(got[0]! - hair[0]!, got[1]! - hair[1]!, got[2]! - hair[2]!) < 0.02, `hair ${got.map((v) => v.toFixed(3))}`);
  // a bald head: one colour, two shades — the higher group is under scalpHairMinShare or alike: close to the mean
  const bald: number[] = [];
  for (let i = 0; i < 100; i++) bald.push(skin[0]!, skin[1]!, skin[2]!, 1.6 + i * 0.001);
  assert.deepEqual(scalpColour(bald)!.map((v) => v.toFixed(4)), skin.map((v) => v.toFixed(4)));
  // a few dark texels on top (a hair clip) are under scalpHairMinShare: the mean stays
  const clip = bald.slice();
  for (let i = 0; i < 10; i++) clip.push(0, 0, 0, 1.8);
  const m = scalpColour(clip)!;
  assert.ok(Math.abs(m[0]! - (skin[0]! * 100) / 110) < 1e-6, `mean ${m[0]}`);
  assert.equal(scalpColour([]), null);
});

test('the back of a short-haired head takes the hair\'s colour, not the forehead\'s (synthetic dev: black hair)', () => {
  const s = makeSubject(3, { textureSize: 256 });
  const { posed, camera, render } = s.photo();
  const r = unwrapTexture({
    posedVertices: Float32Array.from(posed.body), triangles: s.model.triangles, cornerUvs: s.model.cornerUvs, partLabels: s.model.partLabels,
    camera, photo: render.image, matte: Float32Array.from(render.mask), size: 256,
  });
  // the head seen from behind (the far side from the photo camera), rendered with the unwrapped texture
  const J = s.model.skeleton.names.indexOf('head') * 3;
  const head: [number, number, number] = [posed.joints[J]!, posed.joints[J + 1]! + 0.08, posed.joints[J + 2]!];
  const C = [0, 1, 2].map((a) => -(camera.R[a]! * camera.t[0]! + camera.R[3 + a]! * camera.t[1]! + camera.R[6 + a]! * camera.t[2]!));
  const away = [head[0] - C[0]!, 0, head[2] - C[2]!], len = Math.hypot(away[0]!, away[2]!);
  const eye: [number, number, number] = [head[0] + (away[0]! / len) * 1.2, head[1], head[2] + (away[2]! / len) * 1.2];
  const view = renderTextured(Float32Array.from(posed.body), s.model.triangles, s.model.cornerUvs, r.texture, lookAtCamera(eye, head, { width: 64, height: 64, focal: 64 * 1.2 / 0.25 }), { background: [1, 1, 1] });
  // the middle of the back of the skull
  const mean = [0, 0, 0];
  let n = 0;
  for (let py = 20; py < 36; py++) for (let px = 24; px < 40; px++) { for (let c = 0; c < 3; c++) mean[c]! += view.image.data[(py * 64 + px) * 3 + c]!; n++; }
  for (let c = 0; c < 3; c++) mean[c]! /= n;
  const hairTrue = s.spec.appearance.hair, skinTrue = s.spec.appearance.skin;
  const d = (a: readonly number[]): number => Math.hypot(mean[0]! - a[0]!, mean[1]! - a[1]!, mean[2]! - a[2]!);
  assert.ok(d(hairTrue) < d(skinTrue), `back of the head ${mean.map((v) => v.toFixed(2))}: ${d(hairTrue).toFixed(2)} from the hair, ${d(skinTrue).toFixed(2)} from the skin`);
});
