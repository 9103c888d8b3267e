import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { PersonaError } from '../../src/core/errors.js';
import {
  depthLoss, gaussianWindow, imageLoss, l1Loss, maskLoss, normalLoss, psnr, segLoss, ssim, ssimLoss,
} from '../../src/train/losses.js';
import { checkGradient, randArray } from '../nn/fd.js';
import { trainConfig } from '../../src/train/config.js';

/** The paper's image-loss weights (the config's `loss.imageL1`, `loss.imageSsim`). */
const { imageL1, imageSsim } = trainConfig('standard').loss;
const IMAGE_WEIGHTS = { l1: imageL1, ssim: imageSsim };

const dims = { width: 13, height: 9, channels: 3 };
const P = dims.width * dims.height;

/** Plain (non-separable, 2-D) SSIM map reference with zero padding. */
function refSsimMean(x: ArrayLike<number>, y: ArrayLike<number>, W: number, H: number, C: number): number {
  const g = gaussianWindow(11, 1.5);
  let total = 0;
  for (let c = 0; c < C; c++)
    for (let py = 0; py < H; py++)
      for (let px = 0; px < W; px++) {
        let m1 = 0, m2 = 0, e11 = 0, e22 = 0, e12 = 0;
        for (let dy = -5; dy <= 5; dy++)
          for (let dx = -5; dx <= 5; dx++) {
            const qx = px + dx, qy = py + dy;
            if (qx < 0 || qy < 0 || qx >= W || qy >= H) continue;
            const w = g[dx + 5]! * g[dy + 5]!, a = x[(qy * W + qx) * C + c]!, b = y[(qy * W + qx) * C + c]!;
            m1 += w * a; m2 += w * b; e11 += w * a * a; e22 += w * b * b; e12 += w * a * b;
          }
        const s11 = e11 - m1 * m1, s22 = e22 - m2 * m2, s12 = e12 - m1 * m2;
        total += ((2 * m1 * m2 + 1e-4) * (2 * s12 + 9e-4)) / ((m1 * m1 + m2 * m2 + 1e-4) * (s11 + s22 + 9e-4));
      }
  return total / (W * H * C);
}

test('ssim metric equals a plain 2-D reference; identical images give 1', () => {
  const rng = new Rng(1);
  const a = randArray(rng, P * 3, 0, 1), b = randArray(rng, P * 3, 0, 1);
  assert.ok(Math.abs(ssim(a, b, dims) - refSsimMean(a, b, 13, 9, 3)) < 1e-12);
  assert.ok(Math.abs(ssim(a, a, dims) - 1) < 1e-12);
  const gw = gaussianWindow();
  assert.ok(Math.abs(gw.reduce((s, v) => s + v, 0) - 1) < 1e-15);
});

test('psnr: hand-computed value, mask, identical → Infinity', () => {
  const a = new Float64Array(12).fill(0.5), b = new Float64Array(12).fill(0.6);
  const d = { width: 2, height: 2, channels: 3 };
  assert.ok(Math.abs(psnr(a, b, d) - 20) < 1e-9); // mse 0.01
  b[0] = 0.5; b[1] = 0.5; b[2] = 0.5; // pixel 0 exact
  assert.equal(psnr(a, b, d, [1, 0, 0, 0]), Infinity);
  assert.throws(() => psnr(a, b, d, [0, 0, 0, 0]), PersonaError);
});

test('l1Loss: value and gradient with weight and mask (float64 FD)', () => {
  const rng = new Rng(2);
  const pred = randArray(rng, P * 3, 0, 1), target = randArray(rng, P * 3, 0, 1);
  const weight = randArray(rng, P, 0.1, 1), mask = Float64Array.from({ length: P }, (_, i) => (i % 5 === 0 ? 0 : 1));
  const opts = { weight, mask, scale: 0.7 };
  const r = l1Loss(pred, target, dims, opts);
  let ref = 0;
  for (let p = 0; p < P; p++) for (let c = 0; c < 3; c++) ref += weight[p]! * mask[p]! * Math.abs(pred[p * 3 + c]! - target[p * 3 + c]!);
  assert.ok(Math.abs(r.value - (0.7 * ref) / (P * 3)) < 1e-14);
  checkGradient('l1', pred, r.grad, () => l1Loss(pred, target, dims, opts).value, { samples: 60 });
});

test('ssimLoss: exact backward matches finite differences (float64), with weights', () => {
  const rng = new Rng(3);
  const pred = randArray(rng, P * 3, 0, 1), target = randArray(rng, P * 3, 0, 1);
  const weight = randArray(rng, P, 0.1, 1);
  const r = ssimLoss(pred, target, dims, { weight, scale: 2 });
  assert.ok(r.value > 0);
  checkGradient('ssim', pred, r.grad, () => ssimLoss(pred, target, dims, { weight, scale: 2 }).value, { samples: 80, rtol: 1e-5, atol: 1e-9 });
  // Unweighted value = 1 − mean SSIM.
  assert.ok(Math.abs(ssimLoss(pred, target, dims).value - (1 - ssim(pred, target, dims))) < 1e-12);
});

test('imageLoss = 0.8·L1 + 0.2·SSIM-loss; accumulates into a given buffer', () => {
  const rng = new Rng(4);
  const pred = randArray(rng, P * 3, 0, 1), target = randArray(rng, P * 3, 0, 1);
  const r = imageLoss(pred, target, dims, { weights: IMAGE_WEIGHTS });
  const l1 = l1Loss(pred, target, dims).value, s = ssimLoss(pred, target, dims).value;
  assert.ok(Math.abs(r.value - (0.8 * l1 + 0.2 * s)) < 1e-12);
  checkGradient('image', pred, r.grad, () => imageLoss(pred, target, dims, { weights: IMAGE_WEIGHTS }).value, { samples: 40, atol: 1e-9 });
  const acc = new Float64Array(P * 3).fill(1);
  imageLoss(pred, target, dims, { grad: acc, scale: 0.1, weights: IMAGE_WEIGHTS });
  for (let i = 0; i < 10; i++) assert.ok(Math.abs(acc[i]! - (1 + 0.1 * r.grad[i]!)) < 1e-12);
  assert.throws(() => imageLoss(pred, target, { ...dims, width: 12 }, { weights: IMAGE_WEIGHTS }), /buffer has/);
});

test('maskLoss and segLoss: values and gradients; seg ignores unlabelled (black) target pixels', () => {
  const rng = new Rng(5);
  const d1 = { width: 13, height: 9 };
  const alpha = randArray(rng, P, 0, 1), mask = Float64Array.from({ length: P }, (_, i) => i % 3 === 0 ? 1 : 0);
  const m = maskLoss(alpha, mask, d1);
  let ref = 0;
  for (let p = 0; p < P; p++) ref += Math.abs(alpha[p]! - mask[p]!);
  assert.ok(Math.abs(m.value - ref / P) < 1e-14);
  checkGradient('mask', alpha, m.grad, () => maskLoss(alpha, mask, d1).value, { samples: 40 });

  const pred = randArray(rng, P * 3, 0, 1), target = randArray(rng, P * 3, 0, 1);
  for (let p = 0; p < P; p += 4) target.fill(0, p * 3, p * 3 + 3);
  const s = segLoss(pred, target, dims);
  let sref = 0;
  for (let p = 0; p < P; p++) if (p % 4 !== 0) for (let c = 0; c < 3; c++) sref += Math.abs(pred[p * 3 + c]! - target[p * 3 + c]!);
  assert.ok(Math.abs(s.value - sref / (P * 3)) < 1e-14);
  assert.equal(s.grad[0], 0);
  checkGradient('seg', pred, s.grad, () => segLoss(pred, target, dims).value, { samples: 40 });
});

test('normalLoss: value (L1/3 + 1 − dot per pixel) and gradient', () => {
  const rng = new Rng(6);
  const d2 = { width: 13, height: 9 };
  const pred = randArray(rng, P * 3), target = randArray(rng, P * 3);
  const mask = Float64Array.from({ length: P }, (_, i) => (i % 7 === 0 ? 0 : 1));
  const r = normalLoss(pred, target, d2, { mask, scale: 1.5 });
  let ref = 0;
  for (let p = 0; p < P; p++) {
    if (!mask[p]) continue;
    let l1 = 0, dp = 0;
    for (let c = 0; c < 3; c++) { l1 += Math.abs(pred[p * 3 + c]! - target[p * 3 + c]!); dp += pred[p * 3 + c]! * target[p * 3 + c]!; }
    ref += l1 / 3 + 1 - dp;
  }
  assert.ok(Math.abs(r.value - (1.5 * ref) / P) < 1e-13);
  checkGradient('normal', pred, r.grad, () => normalLoss(pred, target, d2, { mask, scale: 1.5 }).value, { samples: 60 });
});

test('depthLoss: scale-invariant (depth·k + b gives 0), exact gradient incl. min/max paths', () => {
  const rng = new Rng(7);
  const d2 = { width: 13, height: 9 };
  const target = randArray(rng, P, 1, 3);
  for (let p = 0; p < P; p += 6) target[p] = 0; // background
  // An affine copy of the target normalises identically (up to the 1e-4 range ε).
  const affine = Float64Array.from(target, (t) => (t > 0 ? 2 * t + 5 : 0));
  assert.ok(depthLoss(affine, target, d2).value < 1e-3);
  const pred = randArray(rng, P, 1, 3);
  const r = depthLoss(pred, target, d2, { scale: 0.01 });
  assert.ok(r.value > 0 && r.pixels > 0 && r.pixels < P);
  // Reference value by the definition.
  const valid = (p: number) => pred[p]! > 0 && target[p]! > 0;
  const idx = [...Array(P).keys()].filter(valid);
  const dmin = Math.min(...idx.map((p) => pred[p]!)), dmax = Math.max(...idx.map((p) => pred[p]!));
  const tmin = Math.min(...idx.map((p) => target[p]!)), tmax = Math.max(...idx.map((p) => target[p]!));
  const es: number[] = [];
  for (const p of idx) {
    const dn = (pred[p]! - dmin) / (dmax - dmin + 1e-4), tn = (target[p]! - tmin) / (tmax - tmin + 1e-4);
    if (dn > 0 && tn > 0) es.push(Math.log(tn) - Math.log(dn));
  }
  const m1 = es.reduce((a, b) => a + b, 0) / es.length, m2 = es.reduce((a, b) => a + b * b, 0) / es.length;
  assert.ok(Math.abs(r.value - 0.01 * Math.sqrt(m2 - 0.5 * m1 * m1)) < 1e-14);
  // Every pixel, including the argmin/argmax of the rendered depth.
  checkGradient('depth', pred, r.grad, () => depthLoss(pred, target, d2, { scale: 0.01 }).value, { samples: P, h: 1e-7, atol: 1e-10, rtol: 1e-4 });
  assert.equal(depthLoss(new Float64Array(P), target, d2).value, 0);
});

test('float32 SSIM (WASM SIMD filter) matches the float64 path to float32 precision', () => {
  const rng = new Rng(8);
  const d = { width: 37, height: 23, channels: 3 };
  const n = 37 * 23 * 3;
  const a64 = randArray(rng, n, 0, 1), b64 = randArray(rng, n, 0, 1);
  const a32 = Float32Array.from(a64), b32 = Float32Array.from(b64);
  const r64 = ssimLoss(Float64Array.from(a32), b32, d, { scale: 1 });
  const r32 = ssimLoss(a32, b32, d, { scale: 1 });
  assert.ok(Math.abs(r32.value - r64.value) < 1e-5);
  let maxG = 0;
  for (let i = 0; i < n; i++) maxG = Math.max(maxG, Math.abs(r64.grad[i]!));
  for (let i = 0; i < n; i++) assert.ok(Math.abs(r32.grad[i]! - r64.grad[i]!) < 1e-3 * maxG, `grad[${i}]`);
  assert.ok(Math.abs(ssim(a32, b32, d) - ssim(Float64Array.from(a32), b32, d)) < 1e-5);
});
