/** The photo's field of view from an assumed camera distance and the person's size in the image. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { bodyAnchors, restKeypointPositions } from '../../src/fit/fitImage.js';
import { photoFieldOfView } from '../../src/fit/photoCamera.js';
import { FIT_CONFIG } from '../../src/fit/config.js';
import { BODY_INDEX } from '../../src/perceive/names.js';
import type { Perception } from '../../src/perceive/types.js';

const body = loadBodyModel();
const rest = restKeypointPositions(body, bodyAnchors(body), body.jointPositions(body.template));
const W = 600, H = 900;
const focalOf = (fovDeg: number): number => Math.max(W, H) / 2 / Math.tan((fovDeg * Math.PI) / 360);
const fovOf = (focal: number): number => (2 * Math.atan(Math.max(W, H) / 2 / focal) * 180) / Math.PI;

/** The rest body facing a pinhole camera of focal length `focal` from `distance` metres, as perception would report it. */
function photoOf(focal: number, distance: number, score = 0.9): Perception {
  const keypoints = Array.from({ length: 33 }, (_, k): [number, number, number] => {
    const z = distance - rest[k * 3 + 2]!; // the person faces the camera (+Z towards it)
    return [W / 2 + (focal * rest[k * 3]!) / z, H / 2 - (focal * (rest[k * 3 + 1]! - 1)) / z, score];
  });
  return { image: { width: W, height: H }, body: { score: 1, keypoints, world: keypoints.map(() => [0, 0, 0]) } } as unknown as Perception;
}

test('a person 3 m away keeps the camera\'s field of view; twice as far, the view is twice as wide in tan', () => {
  for (const fov of [30, 40, 55]) {
    const r = photoFieldOfView(photoOf(focalOf(fov), FIT_CONFIG.photoDistance), rest);
    assert.equal(r.source, 'distance');
    assert.ok(Math.abs(r.fovDeg - fov) < 0.5, `${fov}° at ${FIT_CONFIG.photoDistance} m → ${r.fovDeg.toFixed(2)}°`);
  }
  const far = photoFieldOfView(photoOf(focalOf(30), 2 * FIT_CONFIG.photoDistance), rest);
  assert.ok(Math.abs(far.fovDeg - fovOf(focalOf(30) / 2)) < 0.8, `twice as far: ${far.fovDeg.toFixed(2)}° vs ${fovOf(focalOf(30) / 2).toFixed(2)}°`);
});

test('a thigh pointing at the camera does not shrink the estimate: the other side\'s thigh counts', () => {
  const p = photoOf(focalOf(40), FIT_CONFIG.photoDistance);
  // sitting on one side: the thigh foreshortened to a fifth, the shin hanging from the knee as before
  const hip = p.body.keypoints[BODY_INDEX.leftHip]!, knee = p.body.keypoints[BODY_INDEX.leftKnee]!, ankle = p.body.keypoints[BODY_INDEX.leftAnkle]!;
  const lift = 0.8 * (knee[1] - hip[1]);
  knee[1] -= lift;
  ankle[1] -= lift;
  assert.ok(Math.abs(photoFieldOfView(p, rest).fovDeg - 40) < 0.5);
});

test('nothing seen: the default field of view; a tiny figure: clamped to the range', () => {
  const none = photoFieldOfView(photoOf(focalOf(40), 3, 0.1), rest);
  assert.deepEqual(none, { fovDeg: FIT_CONFIG.defaultFovDeg, source: 'default', pixelsPerMetre: 0 });
  const tiny = photoFieldOfView(photoOf(focalOf(40), 100), rest);
  assert.equal(tiny.fovDeg, FIT_CONFIG.photoFovRange[1]);
  // not a full-length photo (cut at the knees, a half-body selfie): the 3 m rule does not apply
  const cut = { ...photoOf(focalOf(40), 3), person: { fullBodyVisible: false } } as unknown as Perception;
  assert.equal(photoFieldOfView(cut, rest).source, 'default');
});
