import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bounds, cameraAt, resolveCameraMode } from '../../src/animate/cameras.js';
import { ANIMATE_DEFAULTS } from '../../src/animate/animate.js';
import { projectPoint } from '../../src/core/camera.js';

/** A clip whose root walks `travel` metres along +X over F frames, with a 1.7 m tall body around it. */
function walkFraming(travel: number, F = 30): { bounds: Bounds; rootPath: Float64Array } {
  const rootPath = new Float64Array(F * 3);
  const bounds = new Bounds();
  for (let k = 0; k < F; k++) {
    const x = (travel * k) / (F - 1);
    rootPath.set([x, 0.9, 0], k * 3);
    bounds.add([x - 0.3, 0, -0.15, x + 0.3, 1.7, 0.15]);
  }
  return { bounds, rootPath };
}

test('animate frames a travelling (captured) motion by following the person, and a motion in place from the front', () => {
  assert.equal(ANIMATE_DEFAULTS.camera, 'auto');
  const walk = walkFraming(4), still = walkFraming(0.2);
  assert.equal(resolveCameraMode('auto', walk), 'follow');
  assert.equal(resolveCameraMode('auto', still), 'front');
  assert.equal(resolveCameraMode('orbit', walk), 'orbit');
  // The person's height on screen at the last frame: following keeps them large; the whole path makes them small.
  const size = { width: 256, height: 256 };
  const height = (mode: 'auto' | 'front'): number => {
    const cam = cameraAt(mode, walk, 29, 30, size);
    return projectPoint(cam, 4, 0, 0).v - projectPoint(cam, 4, 1.7, 0).v;
  };
  const auto = height('auto'), front = height('front');
  assert.ok(auto > 1.5 * front, `followed ${auto.toFixed(0)} px vs framed on the path ${front.toFixed(0)} px`);
  assert.ok(auto > 0.5 * size.height, `the person fills over half the frame (${auto.toFixed(0)} px)`);
});
