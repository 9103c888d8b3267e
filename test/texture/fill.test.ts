import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pushPullFill } from '../../src/texture/fill.js';

test('push-pull fills holes in a constant image with the constant and keeps known texels', () => {
  const W = 37, H = 23;
  const data = new Float32Array(W * H * 2);
  const w = new Float32Array(W * H);
  for (let p = 0; p < W * H; p++) if (p % 7 === 0 || p % 11 === 0) { w[p] = 1; data[p * 2] = 0.25; data[p * 2 + 1] = 0.75; }
  pushPullFill(data, w, W, H, 2);
  for (let p = 0; p < W * H; p++) {
    assert.ok(Math.abs(data[p * 2]! - 0.25) < 1e-5);
    assert.ok(Math.abs(data[p * 2 + 1]! - 0.75) < 1e-5);
  }
});

test('push-pull fill of a ramp stays within the known range and follows it', () => {
  const W = 64, H = 8;
  const data = new Float32Array(W * H);
  const w = new Float32Array(W * H);
  for (let y = 0; y < H; y++) { w[y * W] = 1; data[y * W] = 0; w[y * W + W - 1] = 1; data[y * W + W - 1] = 1; }
  pushPullFill(data, w, W, H, 1);
  for (let p = 0; p < W * H; p++) assert.ok(data[p]! >= -1e-6 && data[p]! <= 1 + 1e-6);
  assert.ok(data[8]! < data[32]! && data[32]! < data[56]!, 'monotone along the ramp');
});
