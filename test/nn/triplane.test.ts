import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { Triplane } from '../../src/nn/triplane.js';
import { checkGradient, dot, randArray } from './fd.js';

/** Plain grid_sample(align_corners=False, zero padding) of channel c on plane k at (u, v) ∈ [−1,1]². */
function refSample(tp: Triplane, k: number, u: number, v: number, c: number): number {
  const R = tp.resolution, C = tp.channels;
  const fx = ((u + 1) * R - 1) / 2, fy = ((v + 1) * R - 1) / 2;
  const x0 = Math.floor(fx), y0 = Math.floor(fy);
  const tex = (x: number, y: number) => (x < 0 || y < 0 || x >= R || y >= R ? 0 : tp.planes[k * R * R * C + (y * R + x) * C + c]!);
  const ax = fx - x0, ay = fy - y0;
  return (tex(x0, y0) * (1 - ax) + tex(x0 + 1, y0) * ax) * (1 - ay) + (tex(x0, y0 + 1) * (1 - ax) + tex(x0 + 1, y0 + 1) * ax) * ay;
}

test('Triplane.sample equals a plain grid_sample reference, planes xy|xz|yz concatenated', () => {
  const rng = new Rng(50);
  const tp = new Triplane({ channels: 3, resolution: 5, extent: 2, dtype: Float64Array });
  tp.planes.set(randArray(rng, tp.planes.length));
  const n = 20;
  // Points inside and a few outside the cube (zero padding), around centre (0.1, −0.2, 0.3).
  const center: [number, number, number] = [0.1, -0.2, 0.3];
  const pts = randArray(rng, n * 3, -1.3, 1.3);
  const taps = tp.taps(pts, n, center);
  const out = new Float64Array(n * 9);
  tp.sample(taps, out);
  const axes = [[0, 1], [0, 2], [1, 2]];
  for (let p = 0; p < n; p++)
    for (let k = 0; k < 3; k++)
      for (let c = 0; c < 3; c++) {
        const u = pts[3 * p + axes[k]![0]!]! - center[axes[k]![0]!]!;
        const v = pts[3 * p + axes[k]![1]!]! - center[axes[k]![1]!]!;
        assert.ok(Math.abs(out[p * 9 + k * 3 + c]! - refSample(tp, k, u, v, c)) < 1e-12);
      }
});

test('Triplane: a texel centre returns that texel; default centre is the mean', () => {
  const tp = new Triplane({ channels: 2, resolution: 4, extent: 2, dtype: Float64Array });
  // texel (col 2, row 1) of plane xy → centre u = (2·2+1)/4 − 1 = 0.25, v = (2·1+1)/4 − 1 = −0.25
  tp.planes[(1 * 4 + 2) * 2 + 1] = 7;
  const pts = new Float64Array([0.25, -0.25, 0, -0.25, 0.25, 0]); // mean (0,0,0)
  const out = new Float64Array(2 * 6);
  tp.sample(tp.taps(pts, 2), out);
  assert.equal(out[1], 7);
  assert.equal(out[6 + 1], 0);
});

test('Triplane.backward matches finite differences (float64)', () => {
  const rng = new Rng(51);
  const tp = new Triplane({ channels: 4, resolution: 6, extent: 2, dtype: Float64Array });
  tp.planes.set(randArray(rng, tp.planes.length));
  const n = 15;
  const pts = randArray(rng, n * 3, -1.1, 1.1);
  const taps = tp.taps(pts, n, [0, 0, 0]);
  const proj = randArray(rng, n * tp.featDim);
  const out = new Float64Array(n * tp.featDim);
  const loss = () => {
    tp.sample(taps, out);
    return dot(out, proj);
  };
  tp.zeroGrad();
  tp.backward(taps, proj);
  checkGradient('planes', tp.planes, Float64Array.from(tp.grad), loss, { samples: 200 });
});
