/**
 * The `fast` loss engine against the `reference` (full-frame) engine: the SSIM cropped to the difference box
 * and split into row bands (also on worker threads), and the cropped L1 — values and gradients.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { differenceBox, imageLoss, l1Loss, setLossEngine, setLossThreads, ssimLoss, type LossEngine } from '../../src/train/losses.js';
import { shutdownRasterWorkers } from '../../src/splat/index.js';
import { checkGradient } from '../nn/fd.js';
import { trainConfig } from '../../src/train/config.js';

/** The paper's image-loss weights (the config's `loss.imageL1`, `loss.imageSsim`). */
const { imageL1, imageSsim } = trainConfig('standard').loss;
const IMAGE_WEIGHTS = { l1: imageL1, ssim: imageSsim };

after(() => { setLossEngine('fast'); setLossThreads(undefined); shutdownRasterWorkers(); });

/** A W×H×3 target and a pred equal to it except inside [x0,x1)×[y0,y1) (like a render over the photo). */
function scene<T extends Float32Array | Float64Array>(make: (n: number) => T, W: number, H: number, box: [number, number, number, number], seed = 1): { pred: T; target: T; weight: T } {
  const rng = new Rng(seed);
  const target = make(W * H * 3), pred = make(W * H * 3), weight = make(W * H);
  for (let i = 0; i < W * H * 3; i++) target[i] = pred[i] = rng.next();
  const [x0, x1, y0, y1] = box;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) pred[(y * W + x) * 3 + c] = rng.next();
  for (let p = 0; p < W * H; p++) weight[p] = rng.next() < 0.2 ? 0.1 : 1;
  return { pred, target, weight };
}

function withEngine<R>(e: LossEngine, threads: number | undefined, f: () => R): R {
  setLossEngine(e);
  setLossThreads(threads);
  try { return f(); } finally { setLossEngine('fast'); setLossThreads(undefined); }
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

test('differenceBox: the smallest box of differing pixels; null when equal', () => {
  const W = 9, H = 7, dims = { width: W, height: H, channels: 3 };
  const a = new Float64Array(W * H * 3), b = new Float64Array(W * H * 3);
  assert.equal(differenceBox(a, b, dims), null);
  a[(2 * W + 6) * 3 + 2] = 1; // pixel (6, 2), channel 2
  a[(5 * W + 1) * 3] = -1; // pixel (1, 5), channel 0
  assert.deepEqual(differenceBox(a, b, dims), { x0: 1, x1: 7, y0: 2, y1: 6 });
});

test('fast SSIM (cropped, float64) equals the full-frame reference: values and gradients, inside and at the edges', () => {
  for (const box of [[14, 27, 12, 40], [0, 6, 30, 56], [35, 40, 0, 3], [0, 40, 0, 56]] as Array<[number, number, number, number]>) {
    const W = 40, H = 56, dims = { width: W, height: H, channels: 3 };
    const { pred, target, weight } = scene((n) => new Float64Array(n), W, H, box);
    const ref = withEngine('reference', 1, () => ssimLoss(pred, target, dims, { weight, scale: 3 }));
    const fast = withEngine('fast', 1, () => ssimLoss(pred, target, dims, { weight, scale: 3 }));
    assert.ok(Math.abs(fast.value - ref.value) <= 1e-12 * Math.abs(ref.value), `value ${fast.value} vs ${ref.value} (box ${box})`);
    const scale = maxAbs(ref.grad);
    for (let i = 0; i < ref.grad.length; i++) assert.ok(Math.abs(fast.grad[i]! - ref.grad[i]!) <= 1e-12 * scale, `grad[${i}] ${fast.grad[i]} vs ${ref.grad[i]} (box ${box})`);
  }
});

test('fast SSIM: exact backward matches finite differences (float64), cropped', () => {
  const W = 30, H = 26, dims = { width: W, height: H, channels: 3 };
  const { pred, target, weight } = scene((n) => new Float64Array(n), W, H, [8, 19, 6, 17], 3);
  withEngine('fast', 1, () => {
    const r = ssimLoss(pred, target, dims, { weight, scale: 2 });
    checkGradient('ssim fast', pred, r.grad, () => ssimLoss(pred, target, dims, { weight, scale: 2 }).value, { samples: 80, rtol: 1e-5, atol: 1e-9 });
  });
});

test('fast SSIM in float32 row bands (1, 2, 3 threads; worker threads) matches the float64 reference; repeatable', () => {
  const W = 64, H = 200, dims = { width: W, height: H, channels: 3 };
  const s32 = scene((n) => new Float32Array(n), W, H, [20, 44, 30, 180], 5);
  const pred64 = Float64Array.from(s32.pred), target64 = Float64Array.from(s32.target), weight64 = Float64Array.from(s32.weight);
  const ref = withEngine('reference', 1, () => ssimLoss(pred64, target64, dims, { weight: weight64 }));
  const scale = maxAbs(ref.grad);
  const runs: Record<number, { value: number; grad: Float32Array }> = {};
  for (const threads of [1, 2, 3]) {
    const r = withEngine('fast', threads, () => ssimLoss(s32.pred, s32.target, dims, { weight: s32.weight }));
    assert.ok(Math.abs(r.value - ref.value) < 1e-5 * Math.max(1e-3, ref.value), `threads ${threads}: value ${r.value} vs ${ref.value}`);
    for (let i = 0; i < r.grad.length; i++) assert.ok(Math.abs(r.grad[i]! - ref.grad[i]!) < 2e-3 * scale, `threads ${threads}: grad[${i}]`);
    runs[threads] = { value: r.value, grad: r.grad as Float32Array };
    // the same thread count gives bit-identical results
    const again = withEngine('fast', threads, () => ssimLoss(s32.pred, s32.target, dims, { weight: s32.weight }));
    assert.equal(again.value, r.value);
    assert.deepEqual(again.grad, r.grad);
  }
  // bands only change where the band sums are added: the gradient is the same per pixel
  assert.deepEqual(runs[2]!.grad, runs[1]!.grad);
  assert.deepEqual(runs[3]!.grad, runs[1]!.grad);
});

test('fast L1 (cropped) is bit-identical to the full-frame reference; imageLoss accumulates the same', () => {
  const W = 33, H = 21, dims = { width: W, height: H, channels: 3 };
  const { pred, target, weight } = scene((n) => new Float32Array(n), W, H, [5, 17, 4, 15], 7);
  const ref = withEngine('reference', 1, () => l1Loss(pred, target, dims, { weight, scale: 0.7 }));
  const fast = withEngine('fast', 1, () => l1Loss(pred, target, dims, { weight, scale: 0.7 }));
  assert.equal(fast.value, ref.value);
  assert.deepEqual(fast.grad, ref.grad);
  const iRef = withEngine('reference', 1, () => imageLoss(pred, target, dims, { weight, weights: IMAGE_WEIGHTS }));
  const iFast = withEngine('fast', 1, () => imageLoss(pred, target, dims, { weight, weights: IMAGE_WEIGHTS }));
  assert.ok(Math.abs(iFast.value - iRef.value) < 1e-6 * iRef.value);
  const scale = maxAbs(iRef.grad);
  for (let i = 0; i < iRef.grad.length; i++) assert.ok(Math.abs(iFast.grad[i]! - iRef.grad[i]!) < 1e-3 * scale, `grad[${i}]`);
  // no difference at all: zero loss, zero gradient
  const same = withEngine('fast', 2, () => imageLoss(target, target, dims, { weights: IMAGE_WEIGHTS }));
  assert.equal(same.value, 0);
  assert.equal(maxAbs(same.grad), 0);
});
