/**
 * frameLosses with `parallelRenders` (the base render's losses on this thread, the refined render's on the
 * splat pool at the same time) against the serial path: with one loss thread the serial path runs the very
 * same per-render code, so values and gradients must be equal bit for bit; with the default SSIM bands they
 * agree to float32 rounding. Photo frames (boundary terms) and
 * generated frames (auxiliary colours, hand mask) both.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { buildGaussianTemplate } from '../../src/avatar/buildTemplate.js';
import { AvatarModel } from '../../src/train/model.js';
import { trainConfig } from '../../src/train/config.js';
import { frameLosses } from '../../src/train/step.js';
import { getLossThreads, setLossThreads } from '../../src/train/losses.js';
import { shutdownRasterWorkers } from '../../src/splat/index.js';
import { syntheticFrames, stripedTexture } from './fixture.js';

after(() => shutdownRasterWorkers());

// 96 rows of avatar and more: the default SSIM engine splits such images into two bands
const frames = syntheticFrames(2, 96, 144);
const cfg = trainConfig('test', { avatar: { renderSize: 144 } });
const model = new AvatarModel(buildGaussianTemplate(loadBodyModel(), { shape: [], levels: 0, texture: stripedTexture() }), cfg.avatar, 3);
// non-zero pose offsets and varied colours, so that base and refined renders differ
for (let i = 0; i < model.rgb.value.length; i++) model.aux.value[i] = model.rgb.value[i]! + 0.3 * Math.sin(i);

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

test('parallel render losses equal the serial ones bit for bit with one loss thread, photo and generated frames', () => {
  const before = getLossThreads();
  try {
    for (const frame of [frames[0]!, frames[1]!]) {
      const fwd = model.forward(frame.pose, frame.camera);
      setLossThreads(1);
      const serial = frameLosses(fwd, frame, cfg, { geometryWeighting: true });
      const parallel = frameLosses(fwd, frame, cfg, { geometryWeighting: true, parallelRenders: true });
      assert.deepEqual(Object.keys(parallel.losses), Object.keys(serial.losses));
      assert.deepEqual(parallel.losses, serial.losses);
      for (const k of ['image', 'alpha', 'depth'] as const) {
        assert.ok(maxAbs(serial.dRefined[k]) > 0 && maxAbs(serial.dBase[k]) > 0, `${frame.kind}: ${k} gradients are not all zero`);
        assert.deepEqual(Array.from(parallel.dBase[k]), Array.from(serial.dBase[k]), `${frame.kind} base ${k}`);
        assert.deepEqual(Array.from(parallel.dRefined[k]), Array.from(serial.dRefined[k]), `${frame.kind} refined ${k}`);
      }
      const names = Object.keys(serial.losses);
      if (frame.kind === 'photo') assert.ok(names.includes('boundary.base') && names.includes('boundary.refined'), names.join(','));
      else assert.ok(names.includes('imageAux.refined') && names.includes('handMask'), names.join(','));
      // the default engine (SSIM in two row bands, a band's gradient summed before it is added): equal to float32 rounding
      setLossThreads(2);
      const banded = frameLosses(fwd, frame, cfg, { geometryWeighting: true });
      for (const k of ['image', 'alpha', 'depth'] as const) {
        const a = parallel.dRefined[k], b = banded.dRefined[k], tol = 1e-5 * maxAbs(b);
        for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${k}[${i}]: ${a[i]} vs ${b[i]}`);
      }
      for (const [name, v] of Object.entries(banded.losses)) assert.ok(Math.abs(v - parallel.losses[name]!) <= 1e-6 * Math.abs(v) + 1e-12, `${name}: ${v} vs ${parallel.losses[name]}`);
    }
  } finally {
    setLossThreads(before);
  }
});

test('parallel render losses: the ablation without geometry weighting too', () => {
  const before = getLossThreads();
  try {
    setLossThreads(1);
    const frame = frames[0]!;
    const fwd = model.forward(frame.pose, frame.camera);
    const serial = frameLosses(fwd, frame, cfg, { geometryWeighting: false });
    const parallel = frameLosses(fwd, frame, cfg, { geometryWeighting: false, parallelRenders: true });
    assert.deepEqual(parallel.losses, serial.losses);
    assert.ok(!('boundary.base' in serial.losses));
    assert.deepEqual(Array.from(parallel.dRefined.image), Array.from(serial.dRefined.image));
  } finally {
    setLossThreads(before);
  }
});
