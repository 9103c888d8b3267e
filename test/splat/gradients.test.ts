import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rasterize, rasterizeBackward, type GaussianSet } from '../../src/splat/index.js';
import { referenceRender, type ReferenceGaussians } from '../../src/splat/reference.js';
import type { Camera } from '../../src/core/camera.js';
import { randomScene, randomWeights } from './scene.js';

type Key = 'means' | 'scales' | 'rotations' | 'opacities' | 'features';

/** L = Σ wI·image + Σ wA·alpha + Σ wD·depth, from the float64 reference. */
function referenceLoss(g: ReferenceGaussians, cam: Camera, bg: number[], wI: Float32Array, wA: Float32Array, wD: Float32Array, dilation?: number): number {
  const r = referenceRender(g, cam, { background: bg, ...(dilation === undefined ? {} : { dilation }) });
  let L = 0;
  for (let i = 0; i < wI.length; i++) L += wI[i]! * r.image[i]!;
  for (let i = 0; i < wA.length; i++) L += wA[i]! * r.alpha[i]! + wD[i]! * r.depth[i]!;
  return L;
}

function checkGradients(gaussians: GaussianSet, camera: Camera, keys: Key[], seed: number, threads: number): void {
  checkGradientsWith(gaussians, camera, keys, seed, undefined, threads);
}

function checkGradientsWith(gaussians: GaussianSet, camera: Camera, keys: Key[], seed: number, dilation?: number, threads = 1, engine: 'wasm' | 'js' = 'wasm'): void {
  const C = gaussians.channels, P = camera.width * camera.height;
  const bg = Array.from({ length: C }, (_, c) => 0.2 * c);
  const wI = randomWeights(P * C, seed), wA = randomWeights(P, seed + 1), wD = randomWeights(P, seed + 2);
  const res = rasterize(gaussians, camera, { background: bg, depth: true, threads, engine, ...(dilation === undefined ? {} : { dilation }) });
  const grads = rasterizeBackward(res.saved, wI, wA, { dDepth: wD });
  const g64: ReferenceGaussians = {
    count: gaussians.count, channels: C,
    means: Float64Array.from(gaussians.means), scales: Float64Array.from(gaussians.scales),
    ...(gaussians.rotations ? { rotations: Float64Array.from(gaussians.rotations) } : {}),
    opacities: Float64Array.from(gaussians.opacities!), features: Float64Array.from(gaussians.features),
  };
  for (const key of keys) {
    const arr = g64[key] as Float64Array;
    const analytic = grads[key];
    const fd = new Float64Array(arr.length);
    for (let k = 0; k < arr.length; k++) {
      const x = arr[k]!;
      const eps = 1e-6 * Math.max(0.1, Math.abs(x));
      arr[k] = x + eps;
      const lp = referenceLoss(g64, camera, bg, wI, wA, wD, dilation);
      arr[k] = x - eps;
      const lm = referenceLoss(g64, camera, bg, wI, wA, wD, dilation);
      arr[k] = x;
      fd[k] = (lp - lm) / (2 * eps);
    }
    let scale = 0;
    for (const v of fd) scale = Math.max(scale, Math.abs(v));
    assert.ok(scale > 1e-3, `${key}: gradient not trivially zero (${scale})`);
    let checked = 0;
    for (let k = 0; k < arr.length; k++) {
      const a = analytic[k]!, f = fd[k]!;
      if (Math.abs(f) > 1e-3 * scale) {
        const rel = Math.abs(a - f) / Math.abs(f);
        assert.ok(rel < 1e-3, `${key}[${k}]: analytic ${a} vs finite difference ${f} (relative error ${rel.toExponential(2)})`);
        checked++;
      } else {
        assert.ok(Math.abs(a - f) < 1e-5 * scale + 1e-9, `${key}[${k}]: tiny gradient ${a} vs ${f}`);
      }
    }
    assert.ok(checked >= arr.length / 3, `${key}: ${checked} of ${arr.length} entries are not tiny`);
  }
}

test('gradients match float64 finite differences (anisotropic, rotations, opacities, depth, alpha)', () => {
  const { gaussians, camera } = randomScene({ count: 7, channels: 3, width: 26, height: 21, seed: 11, scale: [0.08, 0.25] });
  checkGradients(gaussians, camera, ['means', 'scales', 'rotations', 'opacities', 'features'], 100, 1);
});

test('gradients match float64 finite differences (isotropic training case, 2 threads)', () => {
  const { gaussians, camera } = randomScene({ count: 8, channels: 4, width: 24, height: 36, isotropic: true, seed: 5, scale: [0.08, 0.25] });
  checkGradients(gaussians, camera, ['means', 'scales', 'opacities', 'features'], 200, 2);
});

test('gradients of the TypeScript kernels match float64 finite differences', () => {
  const { gaussians, camera } = randomScene({ count: 7, channels: 5, width: 26, height: 21, seed: 12, scale: [0.08, 0.25] });
  checkGradientsWith(gaussians, camera, ['means', 'scales', 'rotations', 'opacities', 'features'], 500, undefined, 2, 'js');
});

test('gradients near the field-of-view clamp match finite differences', () => {
  const { gaussians, camera } = randomScene({ count: 6, channels: 2, width: 24, height: 20, seed: 9, scale: [0.1, 0.3] });
  // push two Gaussians far to the side so that x/z is clamped in the EWA Jacobian but their tails still show
  gaussians.means[0] = 2.4; gaussians.means[1] = 0.1; gaussians.scales.fill(0.9, 0, 3);
  gaussians.means[3] = -2.6; gaussians.means[4] = -2.2; gaussians.scales.fill(0.9, 3, 6);
  checkGradients(gaussians, camera, ['means', 'scales', 'rotations'], 300, 1);
});

test('gradients of needle-like Gaussians without dilation (exp() per pixel fallback) match finite differences', () => {
  const { gaussians, camera } = randomScene({ count: 5, channels: 2, width: 24, height: 24, seed: 13, scale: [0.1, 0.3] });
  for (let i = 0; i < gaussians.count; i += 2) { gaussians.scales[3 * i] = 0.004; gaussians.scales[3 * i + 2] = 0.004; }
  const saved = { ...gaussians };
  checkGradientsWith(saved, camera, ['means', 'scales', 'rotations', 'opacities'], 400, 0);
});
