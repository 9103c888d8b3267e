import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, lrMultiplier } from '../../src/nn/adam.js';
import type { Param } from '../../src/nn/types.js';
import { PersonaError } from '../../src/core/errors.js';

/** PyTorch's Adam defaults (Adam itself has none). */
const HP = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

function param(name: string, values: number[], grads: number[]): Param {
  return { name, value: Float64Array.from(values), grad: Float64Array.from(grads) };
}

test('Adam: first two steps match a hand computation (PyTorch formulation)', () => {
  const p = param('w', [1, -2], [0.5, -0.1]);
  const adam = new Adam([{ name: 'g', params: [p], lr: 0.1 }], { beta1: 0.9, beta2: 0.999, eps: 1e-15 });
  adam.step();
  // step 1: m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g² → update = lr·sign(g)
  assert.ok(Math.abs(p.value[0]! - 0.9) < 1e-7);
  assert.ok(Math.abs(p.value[1]! - -1.9) < 1e-7);
  p.grad[0] = 0.2;
  p.grad[1] = 0.3;
  adam.step();
  // step 2 by hand for element 0
  const m = 0.9 * 0.05 + 0.1 * 0.2, v = 0.999 * 0.00025 + 0.001 * 0.04;
  const mh = m / (1 - 0.81), vh = v / (1 - 0.999 ** 2);
  const expected = 0.9 - (0.1 * mh) / (Math.sqrt(vh) + 1e-15);
  assert.ok(Math.abs(p.value[0]! - expected) < 1e-6, `${p.value[0]} vs ${expected}`);
  assert.equal(adam.stepCount('g'), 2);
});

test('Adam: per-group lr, schedule, inactive groups are skipped, state round-trips', () => {
  const a = param('a', [0], [1]), b = param('b', [0], [1]);
  const adam = new Adam([{ name: 'A', params: [a], lr: 1e-3 }, { name: 'B', params: [b], lr: 1e-2 }], HP);
  adam.step(new Set(['A']));
  assert.ok(Math.abs(a.value[0]! + 1e-3) < 1e-9);
  assert.equal(b.value[0], 0);
  assert.equal(adam.stepCount('B'), 0);
  adam.setLrScale(lrMultiplier(75, 100, 0.75, 10));
  assert.ok(Math.abs(adam.lr('B') - 1e-3) < 1e-15);
  assert.equal(lrMultiplier(74, 100, 0.75, 10), 1);
  assert.equal(lrMultiplier(75, 100, 0.75, 10), 0.1);
  const saved = adam.state();
  const a2 = param('a', [0], [1]), b2 = param('b', [0], [1]);
  const other = new Adam([{ name: 'A', params: [a2], lr: 1e-3 }, { name: 'B', params: [b2], lr: 1e-2 }], HP);
  other.loadState(saved);
  assert.equal(other.stepCount('A'), 1);
  assert.ok(Math.abs(other.lr('A') - 1e-4) < 1e-15);
  a2.value[0] = a.value[0]!;
  adam.step();
  other.step();
  assert.equal(a2.value[0], a.value[0]);
  adam.zeroGrad();
  assert.equal(a.grad[0], 0);
  assert.throws(() => new Adam([{ name: 'x', params: [a], lr: 1 }, { name: 'x', params: [], lr: 1 }], HP), PersonaError);
  assert.throws(() => new Adam([{ name: 'x', params: [a], lr: 1 }, { name: 'y', params: [a], lr: 1 }], HP), /two groups/);
});
