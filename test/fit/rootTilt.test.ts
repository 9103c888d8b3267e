import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootTiltEnergy } from '../../src/fit/rootTilt.js';

test('root tilt: zero upright (any yaw) and upside down, the weight lying down, and about the angle squared for small tilts', () => {
  const g = new Float64Array(3);
  assert.equal(rootTiltEnergy([0, 0, 0], 0.2, g), 0);
  assert.ok(rootTiltEnergy([0, 2.5, 0], 0.2, g) < 1e-24, 'turned about the vertical: no tilt');
  assert.ok(rootTiltEnergy([Math.PI, 0, 0], 0.2, g) < 1e-24, 'upside down: no pull');
  assert.ok(Math.abs(rootTiltEnergy([Math.PI / 2, 0, 0], 0.2, g) - 0.2) < 1e-12, 'lying down: the weight');
  const a = 0.1; // about 5.7° forward: sin²(a)
  assert.ok(Math.abs(rootTiltEnergy([a, 0, 0], 1, g) - Math.sin(a) ** 2) < 1e-12);
  assert.ok(Math.abs(rootTiltEnergy([0, 0, a], 1, g) - Math.sin(a) ** 2) < 1e-12, 'sideways alike');
});

test('root tilt: the gradient matches central finite differences (float64), near zero and far from it', () => {
  for (const r of [[0.1, -0.3, 0.2], [1e-5, 2e-5, -1e-5], [2.9, 0.4, -0.7], [0, 3.0, 0.05]]) {
    const grad = new Float64Array(3);
    rootTiltEnergy(r, 0.7, grad);
    for (let i = 0; i < 3; i++) {
      const h = 1e-6, rp = [...r], rm = [...r];
      rp[i]! += h; rm[i]! -= h;
      const fd = (rootTiltEnergy(rp, 0.7, new Float64Array(3)) - rootTiltEnergy(rm, 0.7, new Float64Array(3))) / (2 * h);
      assert.ok(Math.abs(fd - grad[i]!) < 1e-7, `r ${r}, ∂/∂r${i}: analytic ${grad[i]}, finite difference ${fd}`);
    }
  }
  // the gradient adds into what is there
  const grad = Float64Array.from([1, 2, 3]);
  rootTiltEnergy([0, 0, 0], 0.2, grad);
  assert.deepEqual(Array.from(grad), [1, 2, 3]);
});
