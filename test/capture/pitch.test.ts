import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCaptureClip } from '../../src/bench/captureClip.js';
import { captureImages } from '../../src/capture/capture.js';
import { torsoPitch } from '../../src/capture/metrics.js';

const FPS = 10, FRAMES = 12, PITCH = 15;

test('a camera pitched 15° down: the captured body stays upright (torso pitch near the truth), the tilt is found', async () => {
  const clip = renderCaptureClip({ motion: 'walk', start: 0.5, fps: FPS, frames: FRAMES, size: 320, supersample: 1, pitchDeg: PITCH });
  const truth = torsoPitch(clip.truth, clip.skeleton);
  const mean = (x: Float64Array): number => x.reduce((a, b) => a + b, 0) / x.length;
  const tilted = await captureImages(clip.images, FPS, { fovDeg: clip.fovDeg, level: false });
  const levelled = await captureImages(clip.images, FPS, { fovDeg: clip.fovDeg });
  const before = mean(torsoPitch(tilted.motion, tilted.skeleton)), after = mean(torsoPitch(levelled.motion, levelled.skeleton));
  const g = levelled.ground;
  console.log(`pitched camera ${PITCH}°: torso pitch truth ${mean(truth).toFixed(1)}°, camera axes ${before.toFixed(1)}°, levelled ${after.toFixed(1)}° (${g.source}: pitch ${g.pitchDeg.toFixed(1)}°, roll ${g.rollDeg.toFixed(1)}°)`);
  // Without levelling the body leans towards the camera by about the camera's pitch.
  assert.ok(before - mean(truth) > 0.6 * PITCH, `camera axes: torso pitch ${before.toFixed(1)}° vs truth ${mean(truth).toFixed(1)}°`);
  assert.ok(Math.abs(after - mean(truth)) < 5, `levelled: torso pitch ${after.toFixed(1)}° vs truth ${mean(truth).toFixed(1)}°`);
  // The tilt removed is the body's apparent lean, which the 2D fit makes smaller than the camera's true pitch.
  assert.ok(g.pitchDeg > 5 && g.pitchDeg < PITCH + 5, `estimated camera pitch ${g.pitchDeg.toFixed(1)}°`);
  assert.ok(Math.abs(g.rollDeg) < 4, `estimated camera roll ${g.rollDeg.toFixed(1)}°`);
});
