import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataEnergy, type FitTarget } from '../../src/fit/energy.js';
import type { Camera } from '../../src/core/camera.js';

// A camera at the origin looking down +z, 64×64 px, and a matte whose every pixel is inside (the model → matte half is 0),
// so the silhouette energy is the matte → model half alone: each boundary sample pulls its nearest projected vertex.
const cam: Camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: 80, fy: 80, cx: 32, cy: 32, width: 64, height: 64 };
const target: FitTarget = {
  keypoints: [],
  heightPx: 50,
  silhouette: {
    width: 64, height: 64, outside: new Float32Array(64 * 64),
    // three samples near vertex 0's projection (31.2, 30.8), one near vertex 6's (21.1, 41.8)
    samples: Float32Array.from([30, 30, 33.5, 29, 31, 39, 20, 44]),
  },
};
// stride 3 (FIT_CONFIG.silhouetteStride): vertices 0, 3 and 6 take part; the others are there to be skipped
const vertices = Float64Array.from([
  -0.02, -0.03, 2, 9, 9, 9, 9, 9, 9,
  0.3, 0.3, 2.5, 9, 9, 9, 9, 9, 9,
  -0.3, 0.27, 2.2,
]);

function energy(v: Float64Array, grad: Float64Array): number {
  return dataEnergy(cam, [], v, new Float64Array(0), target, grad, new Float64Array(0), { silhouette: true }).total;
}

test('silhouette matte → model term: gradient matches central finite differences (float64)', () => {
  const grad = new Float64Array(vertices.length);
  const e = energy(vertices, grad);
  assert.ok(e > 0);
  // vertex 3 is nearest to no sample: it feels nothing
  for (let a = 0; a < 3; a++) assert.equal(grad[9 + a], 0);
  const h = 1e-6;
  for (let i = 0; i < vertices.length; i++) {
    const p = Float64Array.from(vertices), m = Float64Array.from(vertices);
    p[i] = p[i]! + h; m[i] = m[i]! - h;
    const fd = (energy(p, new Float64Array(vertices.length)) - energy(m, new Float64Array(vertices.length))) / (2 * h);
    assert.ok(Math.abs(fd - grad[i]!) < 1e-6 * Math.max(1, Math.abs(fd)), `coordinate ${i}: finite difference ${fd}, analytic ${grad[i]}`);
  }
});

test('silhouette model → matte term: per-vertex weights scale each vertex\'s energy and gradient', () => {
  // every pixel outside the matte, at a distance growing with x (no matte samples: the other half is 0)
  const outside = new Float32Array(64 * 64);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) outside[y * 64 + x] = 1 + x;
  const out: FitTarget = { keypoints: [], heightPx: 50, silhouette: { width: 64, height: 64, outside, samples: new Float32Array(0) } };
  const run = (w?: Float64Array) => {
    const grad = new Float64Array(vertices.length);
    const e = dataEnergy(cam, [], vertices, new Float64Array(0), out, grad, new Float64Array(0), { silhouette: true, vertexWeights: w });
    return { e: e.silhouetteOut!, grad };
  };
  const V = vertices.length / 3;
  const only = (v: number, k: number) => { const w = new Float64Array(V); w[v] = k; return w; };
  const plain = run(), v0 = run(only(0, 1)), v6 = run(only(6, 1)), v0x = run(only(0, 0.25));
  assert.ok(v0.e > 0 && v6.e > 0);
  assert.ok(Math.abs(plain.e - (v0.e + run(only(3, 1)).e + v6.e)) < 1e-12, 'unit weights are the unweighted term');
  assert.ok(Math.abs(v0x.e - 0.25 * v0.e) < 1e-12, 'a quarter weight, a quarter of the energy');
  for (let a = 0; a < 3; a++) {
    assert.ok(Math.abs(v0x.grad[a]! - 0.25 * v0.grad[a]!) < 1e-12, 'and of the gradient');
    assert.equal(v0.grad[18 + a], 0, 'a zero-weight vertex feels nothing');
  }
});
