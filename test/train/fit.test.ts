import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { PoseOffsetMlp } from '../../src/nn/pose-mlp.js';
import { Triplane } from '../../src/nn/triplane.js';
import { Adam } from '../../src/nn/adam.js';

/**
 * Integration: triplane → PoseOffsetMlp → MSE, optimised with Adam, must fit a smooth
 * pose-dependent offset field (the shape of PERSONA's problem at toy size). Checks that the
 * pieces compose: features flow into the MLP, gradients flow back into the planes, Adam steps.
 */
test('triplane + PoseOffsetMlp + Adam fit a pose-dependent field (loss falls > 20×)', () => {
  const rng = new Rng(3);
  const n = 256, M = 4, P = 6;
  const tp = new Triplane({ channels: 4, resolution: 8, extent: 2 });
  const mlp = new PoseOffsetMlp({ featDim: tp.featDim, condDim: P, hidden: [32, 32], groups: 4, rng });
  const pts = Float32Array.from({ length: n * 3 }, () => rng.uniform(-0.9, 0.9));
  const taps = tp.taps(pts, n, [0, 0, 0]);
  const cond = Float32Array.from({ length: M * P }, () => rng.uniform(-1, 1));
  const gIdx = Int32Array.from({ length: n }, (_, i) => i % M);
  // target: depends on position (through the triplane) and on the condition row
  const target = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const [x, y, z] = [pts[3 * i]!, pts[3 * i + 1]!, pts[3 * i + 2]!], c = cond[gIdx[i]! * P]!;
    target[3 * i] = Math.sin(2 * x) * c;
    target[3 * i + 1] = 0.5 * y * z;
    target[3 * i + 2] = Math.cos(2 * y) * 0.3 + 0.2 * c;
  }
  const feat = new Float32Array(n * tp.featDim), dFeat = new Float32Array(n * tp.featDim), dOut = new Float32Array(n * 3);
  const adam = new Adam([
    { name: 'triplane', params: tp.params(), lr: 1e-2 },
    { name: 'mlp', params: mlp.params(), lr: 3e-3 },
  ], { beta1: 0.9, beta2: 0.999, eps: 1e-15 });
  // the planes start at zero, as PERSONA's; give them a little signal so gradients are not symmetric
  for (let i = 0; i < tp.planes.length; i++) tp.planes[i] = rng.uniform(-0.01, 0.01);
  const lossAt = (): number => {
    tp.sample(taps, feat);
    const y = mlp.forward(feat, cond, gIdx, n, M);
    let l = 0;
    for (let i = 0; i < n * 3; i++) {
      const d = y[i]! - target[i]!;
      l += d * d;
      dOut[i] = (2 * d) / (n * 3);
    }
    return l / (n * 3);
  };
  const first = lossAt();
  let last = first;
  for (let step = 0; step < 300; step++) {
    adam.zeroGrad();
    last = lossAt();
    mlp.backward(feat, cond, gIdx, dOut, n, M, dFeat);
    tp.backward(taps, dFeat);
    adam.step();
  }
  last = lossAt();
  assert.ok(last < first / 20, `loss ${first} → ${last}`);
  if (process.env.PERSONA_VERBOSE) console.log(`fit: loss ${first.toExponential(2)} → ${last.toExponential(2)}`);
  assert.ok(tp.grad.some((v) => v !== 0), 'gradients reached the triplane');
});
