import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundaryKernelSize, dilate, partBoundary, sobelMagnitude } from '../../src/train/boundary.js';

test('sobelMagnitude: zero on flat maps, 1/2·jump next to a vertical step (normalised Sobel)', () => {
  const W = 8, H = 5;
  const flat = new Float32Array(W * H * 3).fill(0.4);
  assert.ok(sobelMagnitude(flat, W, H, 3).every((v) => v === 0));
  const step = new Float32Array(W * H); // one channel: 0 left, 1 right of x = 4
  for (let y = 0; y < H; y++) for (let x = 4; x < W; x++) step[y * W + x] = 1;
  const m = sobelMagnitude(step, W, H, 1);
  // at x = 3 and x = 4: gx = (1+2+1)/8 = 0.5
  assert.ok(Math.abs(m[2 * W + 3]! - 0.5) < 1e-7);
  assert.ok(Math.abs(m[2 * W + 4]! - 0.5) < 1e-7);
  assert.equal(m[2 * W + 1], 0);
});

test('dilate equals a brute-force square max filter', () => {
  const W = 11, H = 7;
  const mask = new Uint8Array(W * H);
  mask[3 * W + 5] = 1; mask[0] = 1; mask[6 * W + 10] = 1;
  for (const k of [1, 3, 5]) {
    const d = dilate(mask, W, H, k), r = (k - 1) / 2;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        let any = 0;
        for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
          const qx = x + dx, qy = y + dy;
          if (qx >= 0 && qy >= 0 && qx < W && qy < H && mask[qy * W + qx]) any = 1;
        }
        assert.equal(d[y * W + x], any, `k=${k} (${x},${y})`);
      }
  }
  assert.throws(() => dilate(mask, W, H, 2), /odd/);
});

test('partBoundary: dilated edges of a two-part map; exclusion works', () => {
  const W = 40, H = 30;
  const map = new Float32Array(W * H * 3);
  const alpha = new Float32Array(W * H);
  for (let y = 5; y < 25; y++)
    for (let x = 5; x < 35; x++) {
      alpha[y * W + x] = 1;
      const part = x < 20 ? 0.2 : 0.8;
      map.set([part, 0.5, 0.5], (y * W + x) * 3);
    }
  // silhouette bbox 30 px → k = round(0.1·30) = 3
  assert.equal(boundaryKernelSize(alpha, W, H, 0.1), 3);
  const r = partBoundary(map, W, H, 3, { threshold: 0.02, kernel: { alpha, ratio: 0.1 } });
  assert.equal(r.kernelSize, 3);
  assert.equal(r.boundary[15 * W + 19], 1); // at the part seam
  assert.equal(r.boundary[15 * W + 18], 1); // within the dilation (radius 1)
  assert.equal(r.boundary[15 * W + 17], 0); // just outside it
  assert.equal(r.boundary[15 * W + 12], 0); // inside a part
  assert.equal(r.boundary[15 * W + 4], 1); // silhouette edge also jumps
  assert.equal(partBoundary(map, W, H, 3, { threshold: 0.02, kernel: { size: 5 } }).boundary[15 * W + 17], 1); // a given kernel
  const ex = new Float32Array(W * H).fill(1);
  const none = partBoundary(map, W, H, 3, { threshold: 0.02, kernel: 'none', exclude: ex });
  assert.ok(none.boundary.every((v) => v === 0));
  assert.equal(boundaryKernelSize(new Float32Array(W * H), W, H, 0.1), 0);
});
