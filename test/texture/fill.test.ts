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

test('bodySpaceFill: an unknown texel takes the mean of its own group\'s known texels nearby on the body, not of other groups', async () => {
  const { bodySpaceFill, BODY_FILL } = await import('../../src/texture/fill.js');
  // texels on a line around y = 1 m: group 0 known red at x < 0, group 1 known blue right next to the unknown one
  const pts: Array<[number, number, number, number, number[] | null]> = [
    [-0.02, 1.0, 0, 0, [1, 0, 0]], [-0.015, 1.0, 0, 0, [0.8, 0, 0]],
    [0.002, 1.0, 0, 1, [0, 0, 1]],
    [0.005, 1.0, 0, 0, null], // unknown, group 0
    [5, 5, 5, 0, null], // unknown, far from everything: stays
    [0.004, 1.0, 0, -1, null], // off the body: left alone
  ];
  const N = pts.length;
  const data = new Float32Array(N * 3), w = new Float32Array(N), pos = new Float32Array(N * 3), group = new Int8Array(N), filled = new Uint8Array(N);
  pts.forEach(([x, y, z, g, c], i) => { pos.set([x, y, z], i * 3); group[i] = g; if (c) { data.set(c, i * 3); w[i] = 1; } });
  const n = bodySpaceFill(data, w, pos, group, filled);
  assert.equal(n, 1);
  assert.deepEqual(Array.from(filled), [0, 0, 0, 1, 0, 0]);
  // plain reference: the finest level whose 3×3×3 neighbourhood holds group-0 known texels, count-weighted mean
  let ref: number[] | null = null;
  for (let l = 0; l < BODY_FILL.levels && !ref; l++) {
    const h = BODY_FILL.baseCell * 2 ** l, v = h / BODY_FILL.anisotropy;
    const cell = (x: number, y: number, z: number) => [Math.floor(x / h), Math.floor(y / v), Math.floor(z / h)];
    const me = cell(0.005, 1.0, 0);
    const near = pts.filter(([x, y, z, g, c]) => g === 0 && c && cell(x, y, z).every((k, a) => Math.abs(k - me[a]!) <= 1));
    if (near.length) ref = [0, 1, 2].map((ch) => near.reduce((s, p) => s + p[4]![ch]!, 0) / near.length);
  }
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(data[3 * 3 + c]! - ref![c]!) < 1e-6, `channel ${c}: ${data[3 * 3 + c]} vs ${ref![c]}`);
  assert.equal(data[3 * 3 + 2], 0, 'no blue from the other group');
});
