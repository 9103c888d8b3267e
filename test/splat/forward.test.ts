import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rasterize, rasterizeBackward } from '../../src/splat/index.js';
import { referenceRender } from '../../src/splat/reference.js';
import { maxAbsDiff, randomScene, randomWeights } from './scene.js';

for (const engine of ['wasm', 'js'] as const)
for (const isotropic of [true, false]) {
  for (const threads of [1, 2, 3]) {
    test(`forward matches the float64 reference (${engine}, ${isotropic ? 'isotropic' : 'anisotropic'}, ${threads} thread${threads > 1 ? 's' : ''})`, () => {
      const { gaussians, camera } = randomScene({ count: 80, channels: 5, width: 61, height: 47, isotropic, seed: 7 + threads });
      const background = [0.1, 0.5, 1, -0.3, 0];
      const res = rasterize(gaussians, camera, { background, depth: true, threads, engine });
      const ref = referenceRender(gaussians, camera, { background });
      assert.equal(res.stats.threads, threads);
      assert.ok(res.stats.visible > 60, `most Gaussians visible (${res.stats.visible})`);
      assert.ok(maxAbsDiff(res.image, ref.image) < 1e-4, `image error ${maxAbsDiff(res.image, ref.image)}`);
      assert.ok(maxAbsDiff(res.alpha, ref.alpha) < 1e-4, `alpha error ${maxAbsDiff(res.alpha, ref.alpha)}`);
      assert.ok(maxAbsDiff(res.depth!, ref.depth) < 1e-4, `depth error ${maxAbsDiff(res.depth!, ref.depth)}`);
      // the scene is not trivial: some pixels are covered, some are not
      const covered = Array.from(res.alpha).filter((a) => a > 0.5).length;
      assert.ok(covered > 100 && covered < res.alpha.length, `covered pixels ${covered}`);
    });
  }
}

for (const engine of ['wasm', 'js'] as const)
test(`forward with opaque, dense Gaussians (early stop, alpha clamp) matches the reference (${engine})`, () => {
  const { gaussians, camera } = randomScene({ count: 400, channels: 3, width: 50, height: 40, isotropic: true, opacity: [0.9, 1], scale: [0.08, 0.2], seed: 3 });
  const res = rasterize(gaussians, camera, { threads: 2, depth: true, engine });
  const ref = referenceRender(gaussians, camera);
  assert.ok(maxAbsDiff(res.image, ref.image) < 1e-4);
  assert.ok(maxAbsDiff(res.alpha, ref.alpha) < 1e-4);
  assert.ok(maxAbsDiff(res.depth!, ref.depth) < 1e-4);
  // early stop happened: many pixels reached T just above 1e-4
  const stopped = Array.from(res.alpha).filter((a) => a > 0.999).length;
  assert.ok(stopped > 100, `${stopped} saturated pixels`);
});

test('a single Gaussian at the image centre peaks at the pixel under its mean with the right value', () => {
  const camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: 100, fy: 100, cx: 16, cy: 16, width: 32, height: 32 };
  const gaussians = {
    count: 1, channels: 2,
    means: new Float32Array([0.005, 0.005, 2]), // projects to (16.25, 16.25)
    scales: new Float32Array([0.04]), // σ = 2 px
    opacities: new Float32Array([0.5]),
    features: new Float32Array([1, 2]),
  };
  const res = rasterize(gaussians, camera, { dilation: 0 });
  const pix = 16 * 32 + 16; // centre (16.5, 16.5): dx = dy = 0.25 px
  const expected = 0.5 * Math.exp(-0.5 * (0.25 * 0.25 * 2) / 4);
  assert.ok(Math.abs(res.alpha[pix]! - expected) < 1e-6);
  assert.ok(Math.abs(res.image[2 * pix + 1]! - 2 * expected) < 1e-6);
  assert.ok(Math.abs(res.alpha[0]!) === 0, 'far corner untouched');
});

for (const engine of ['wasm', 'js'] as const)
test(`very thin or very small Gaussians (exp() per pixel fallback) match the reference (${engine})`, () => {
  const { gaussians, camera } = randomScene({ count: 60, channels: 3, width: 64, height: 48, seed: 17, scale: [0.001, 0.2] });
  // make every other Gaussian needle-like: one long axis, two ~0 axes
  for (let i = 0; i < gaussians.count; i += 2) {
    gaussians.scales[3 * i] = 0.0005; gaussians.scales[3 * i + 2] = 0.0005; gaussians.scales[3 * i + 1] = 0.4;
  }
  const res = rasterize(gaussians, camera, { dilation: 0, threads: 2, engine });
  const ref = referenceRender(gaussians, camera, { dilation: 0 });
  assert.ok(maxAbsDiff(res.image, ref.image) < 1e-4, `image error ${maxAbsDiff(res.image, ref.image)}`);
  assert.ok(maxAbsDiff(res.alpha, ref.alpha) < 1e-4);
  assert.ok(res.image.every(Number.isFinite));
});

test('the WebAssembly and TypeScript kernels agree (forward and backward, 8 channels, depth)', () => {
  const { gaussians, camera } = randomScene({ count: 300, channels: 8, width: 90, height: 70, isotropic: true, seed: 31, scale: [0.02, 0.1] });
  const P = camera.width * camera.height;
  const wI = randomWeights(P * 8, 1), wA = randomWeights(P, 2);
  const out = (['wasm', 'js'] as const).map((engine) => {
    const r = rasterize(gaussians, camera, { depth: true, engine, threads: 2 });
    const g = rasterizeBackward(r.saved, wI, wA, { dDepth: wA });
    return { image: Float32Array.from(r.image), alpha: Float32Array.from(r.alpha), depth: Float32Array.from(r.depth!), g };
  });
  const [w, j] = out as [typeof out[0], typeof out[0]];
  assert.ok(maxAbsDiff(w.image, j.image) < 1e-5);
  assert.ok(maxAbsDiff(w.alpha, j.alpha) < 1e-6);
  assert.ok(maxAbsDiff(w.depth, j.depth) < 1e-5);
  for (const key of ['means', 'scales', 'opacities', 'features'] as const) {
    let scale = 0;
    for (const v of j.g[key]) scale = Math.max(scale, Math.abs(v));
    assert.ok(scale > 0);
    assert.ok(maxAbsDiff(w.g[key], j.g[key]) < 1e-4 * scale, `${key}: ${maxAbsDiff(w.g[key], j.g[key])} vs scale ${scale}`);
  }
});
