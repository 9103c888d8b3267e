/** The two engines behind `createRasterizer` draw the same frame of a small scene, to a stated tolerance. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRasterizer, shutdownRasterWorkers, SPLAT_ENGINES, type IsotropicGaussians } from '../../src/splat/index.js';
import { randomScene } from './scene.js';

after(() => shutdownRasterWorkers());

/**
 * Tolerance (max absolute difference per channel and of alpha): both composite in float32, the reference engine
 * with its WASM kernels and an exact depth sort, the fast engine with multiplicative recurrences and a 16-bit
 * depth sort (ties within 1/65536 of the depth range may swap). Measured on this scene: 8e-7 in colour and alpha.
 */
const COLOUR_TOLERANCE = 2e-5;
const ALPHA_TOLERANCE = 2e-5;

test('createRasterizer: the reference and fast engines render the same scene within tolerance', () => {
  const { gaussians: g, camera } = randomScene({ count: 400, channels: 3, width: 64, height: 48, isotropic: true, seed: 5, scale: [0.02, 0.08] });
  const scene: IsotropicGaussians = { count: g.count, means: g.means, scales: g.scales, colors: g.features, opacities: g.opacities! };
  const background = [0.2, 0.5, 0.9];
  const frames = SPLAT_ENGINES.map((engine) => {
    const r = createRasterizer({ engine, threads: 1 });
    assert.equal(r.engine, engine);
    const f = r.render(scene, camera, background);
    return { ...f, image: Float32Array.from(f.image.subarray(0, 64 * 48 * 3)), alpha: Float32Array.from(f.alpha.subarray(0, 64 * 48)) };
  });
  const [ref, fast] = frames as [typeof frames[0], typeof frames[0]];
  assert.equal(ref.width, 64);
  assert.equal(fast.height, 48);
  assert.equal(ref.visible, fast.visible);
  let e = 0, ea = 0, covered = 0;
  for (let i = 0; i < ref.image.length; i++) e = Math.max(e, Math.abs(ref.image[i]! - fast.image[i]!));
  for (let i = 0; i < ref.alpha.length; i++) { ea = Math.max(ea, Math.abs(ref.alpha[i]! - fast.alpha[i]!)); if (ref.alpha[i]! > 0.5) covered++; }
  assert.ok(covered > 200, `the scene covers the frame (${covered} pixels)`);
  assert.ok(e < COLOUR_TOLERANCE && ea < ALPHA_TOLERANCE, `colour diff ${e}, alpha diff ${ea}`);
});

test('createRasterizer: a rasterizer reused for a second frame draws it the same', () => {
  const { gaussians: g, camera } = randomScene({ count: 100, channels: 3, width: 32, height: 24, isotropic: true, seed: 2 });
  const scene: IsotropicGaussians = { count: g.count, means: g.means, scales: g.scales, colors: g.features, opacities: g.opacities! };
  for (const engine of SPLAT_ENGINES) {
    const r = createRasterizer({ engine });
    const first = Float32Array.from(r.render(scene, camera, [1, 1, 1]).image);
    assert.deepEqual(Float32Array.from(r.render(scene, camera, [1, 1, 1]).image), first, engine);
  }
});
