import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradientEnergy, maskIoU, maskedMean, maskedPsnr, scoreView, silhouette, ssimMap, unionMask } from '../../src/bench/metrics.js';
import { softIoU } from '../../src/bench/evaluate.js';
import { finiteMean, meanScores } from '../../src/bench/protocol.js';
import { replaceSection } from '../../src/bench/report.js';
import { Rng } from '../../src/core/rng.js';

const close = (a: number, b: number, tol = 1e-9, msg = '') => assert.ok(Math.abs(a - b) <= tol, `${msg} ${a} vs ${b}`);

test('masked PSNR: hand-computed on a 2×2 image', () => {
  // pixel 0 differs by 0.1 in every channel, pixel 1 by 0.2 in one channel, pixels 2, 3 are equal
  const t = new Float32Array(12).fill(0.5);
  const p = Float32Array.from(t);
  p[0] += 0.1; p[1] += 0.1; p[2] += 0.1; p[3] += 0.2;
  const all = [1, 1, 1, 1];
  close(maskedPsnr(p, t, 2, 2, all), 10 * Math.log10(1 / ((3 * 0.01 + 0.04) / 12)), 1e-4);
  close(maskedPsnr(p, t, 2, 2, [1, 0, 0, 0]), 20, 1e-4); // MSE 0.01
  close(maskedPsnr(p, t, 2, 2, [0, 1, 1, 0]), 10 * Math.log10(1 / (0.04 / 6)), 1e-4);
  assert.equal(maskedPsnr(p, t, 2, 2, [0, 0, 1, 1]), Infinity);
  assert.ok(Number.isNaN(maskedPsnr(p, t, 2, 2, [0, 0, 0, 0])));
  assert.throws(() => maskedPsnr(p, t, 2, 2, [1, 1]), /expected 4/);
});

test('silhouette IoU, union and soft IoU: hand-computed', () => {
  const a = silhouette([0.9, 0.6, 0.2, 0, 0.5]); // 1 1 0 0 1
  const b = silhouette([1, 0, 0.7, 0, 0.49]); //   1 0 1 0 0
  assert.deepEqual(Array.from(a), [1, 1, 0, 0, 1]);
  close(maskIoU(a, b), 1 / 4);
  assert.deepEqual(Array.from(unionMask(a, b)), [1, 1, 1, 0, 1]);
  assert.equal(maskIoU([0, 0], [0, 0]), 1);
  close(softIoU([0.5, 1, 0], [1, 0.5, 0.25]), (0.5 + 0.5) / (1 + 1 + 0.25));
});

/** Direct SSIM: per pixel, an explicit 11×11 Gaussian-weighted window with zero padding. */
function referenceSsim(x: Float32Array, y: Float32Array, W: number, H: number): Float64Array {
  const g: number[] = [];
  let s = 0;
  for (let i = -5; i <= 5; i++) { g.push(Math.exp(-(i * i) / (2 * 1.5 * 1.5))); s += g[g.length - 1]!; }
  const w = g.map((v) => v / s);
  const out = new Float64Array(W * H);
  for (let c = 0; c < 3; c++) for (let py = 0; py < H; py++) for (let px = 0; px < W; px++) {
    let mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
    for (let dy = -5; dy <= 5; dy++) for (let dx = -5; dx <= 5; dx++) {
      const qx = px + dx, qy = py + dy;
      if (qx < 0 || qy < 0 || qx >= W || qy >= H) continue;
      const k = w[dx + 5]! * w[dy + 5]!, a = x[(qy * W + qx) * 3 + c]!, b = y[(qy * W + qx) * 3 + c]!;
      mx += k * a; my += k * b; xx += k * a * a; yy += k * b * b; xy += k * a * b;
    }
    const C1 = 0.01 ** 2, C2 = 0.03 ** 2;
    out[py * W + px] += ((2 * mx * my + C1) * (2 * (xy - mx * my) + C2)) / ((mx * mx + my * my + C1) * (xx - mx * mx + yy - my * my + C2)) / 3;
  }
  return out;
}

test('SSIM map matches a direct windowed reference; identical images score 1', () => {
  const rng = new Rng(3);
  const W = 13, H = 9;
  const x = Float32Array.from({ length: W * H * 3 }, () => rng.uniform(0, 1));
  const y = Float32Array.from(x, (v) => Math.min(1, Math.max(0, v + rng.normal() * 0.1)));
  const got = ssimMap(x, y, W, H), ref = referenceSsim(x, y, W, H);
  for (let i = 0; i < got.length; i++) close(got[i]!, ref[i]!, 1e-6, `pixel ${i}`);
  const same = ssimMap(x, x, W, H);
  for (const v of same) close(v, 1, 1e-9);
  close(maskedMean([1, 2, 3, 4], [0, 1, 0, 1]), 3);
});

test('gradient energy and scoreView on a hand-made case', () => {
  // 3×2 image: a vertical edge between x = 0 and x = 1 (grey 0 → 1)
  const img = new Float32Array(3 * 2 * 3);
  for (let y = 0; y < 2; y++) for (let x = 1; x < 3; x++) for (let c = 0; c < 3; c++) img[(y * 3 + x) * 3 + c] = 1;
  // forward differences exist only for (x ≤ 1, y = 0): pixel (0,0) has |∇| = 1, pixel (1,0) has 0
  close(gradientEnergy(img, 3, 2, [1, 1, 1, 1, 1, 1]), 0.5);
  const white = new Float32Array(18).fill(1);
  const s = scoreView(img, [1, 1, 1, 1, 1, 1], white, [1, 1, 1, 1, 1, 1], 3, 2, { left: [1, 0, 0, 1, 0, 0], right: [0, 0, 1, 0, 0, 1] });
  close(s.psnr, 10 * Math.log10(1 / (2 / 6)), 1e-4); // two of six pixels are 0 instead of 1
  close(s.iou, 1);
  assert.equal(s.regions.left, 0); // MSE 1 → 0 dB
  assert.equal(s.regions.right, Infinity);
  assert.ok(Number.isNaN(s.sharpness)); // the truth has no gradient: ratio undefined
});

test('report helpers: NaN-skipping means and marked-section replacement', () => {
  close(finiteMean([1, NaN, 3, Infinity]), 2);
  assert.ok(Number.isNaN(finiteMean([NaN])));
  const v = { psnr: 20, ssim: 0.9, psnrFull: 30, iou: 0.8, sharpness: 1, regions: { face: NaN, hands: 10, clothing: 12 } };
  const m = meanScores([v, { ...v, psnr: 30, regions: { face: 14, hands: 20, clothing: NaN } }]);
  close(m.psnr, 25); close(m.regions.face!, 14); close(m.regions.hands!, 15); close(m.regions.clothing!, 12);
  const doc = '# B\n\nintro\n';
  const once = replaceSection(doc, 'quick', 'table 1', '## Q');
  assert.match(once, /intro[\s\S]*<!-- bench:quick:start -->\n## Q\n\ntable 1\n<!-- bench:quick:end -->/);
  const twice = replaceSection(once, 'quick', 'table 2', '## Q');
  assert.ok(twice.includes('table 2') && !twice.includes('table 1') && twice.startsWith('# B\n\nintro'));
});
