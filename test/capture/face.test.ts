import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FACE_CLIPS, faceClipCorrelations, renderFaceClip } from '../../src/bench/faceClip.js';
import { captureImages } from '../../src/capture/capture.js';
import { applyFaceChannels, blinkWeight, estimateFaceChannels, FACE_CHANNELS, medianFilter, openReference } from '../../src/capture/face.js';
import { FACE_CAPTURE_CONFIG } from '../../src/capture/config.js';
import { EYELID_PAIRS } from '../../src/perceive/config.js';
import type { FaceResult } from '../../src/perceive/types.js';
import { FACE_LANDMARKS } from '../../src/perceive/names.js';
import type { Motion } from '../../src/motion/types.js';

test('from-video recovers the expression weights a synthetic subject performs (aa and smile correlate ≥ 0.9, blinks ≥ 0.8)', async () => {
  const spec = FACE_CLIPS.A;
  const clip = renderFaceClip(spec);
  const r = await captureImages(clip.images, spec.fps, { fovDeg: clip.fovDeg, pinFeet: false });
  assert.ok(r.face, 'a face was tracked');
  const seen = r.face.seen.reduce((a, b) => a + b, 0);
  assert.ok(seen >= spec.frames - 2, `face on ${seen} of ${spec.frames}`);
  const m = r.motion.expressions!;
  assert.deepEqual(m.names, [...FACE_CHANNELS]);
  const corr = faceClipCorrelations(m.names, m.weights, clip.weights);
  console.log(`face capture: correlation with the truth ${Object.entries(corr).map(([n, c]) => `${n} ${c.toFixed(2)}`).join(', ')} (face on ${seen}/${spec.frames} frames)`);
  assert.ok(corr.aa! >= 0.9, `aa correlation ${corr.aa!.toFixed(2)}`);
  assert.ok(corr.smile! >= 0.9, `smile correlation ${corr.smile!.toFixed(2)}`);
  assert.ok(corr.blinkLeft! >= 0.8, `blinkLeft correlation ${corr.blinkLeft!.toFixed(2)}`);
  assert.ok(corr.blinkRight! >= 0.8, `blinkRight correlation ${corr.blinkRight!.toFixed(2)}`);
  for (let i = 0; i < m.weights.length; i++) assert.ok(m.weights[i]! >= 0 && m.weights[i]! <= 1);
});

/** A face mesh with only the landmarks the features read: eyes, lids, lips, with given gaps. */
function face(gap: number, width: number, eyeGap: number, iris: [number, number] | null): FaceResult {
  const mesh: Array<[number, number, number]> = Array.from({ length: 478 }, () => [0, 0, 0]);
  const L = FACE_LANDMARKS;
  mesh[L.rightEyeOuter] = [0, 0, 0]; mesh[L.rightEyeInner] = [30, 0, 0]; mesh[L.leftEyeInner] = [70, 0, 0]; mesh[L.leftEyeOuter] = [100, 0, 0];
  EYELID_PAIRS.right.forEach(([u, l], k) => { mesh[u] = [5 + 5 * k, -eyeGap / 2, 0]; mesh[l] = [5 + 5 * k, eyeGap / 2, 0]; });
  EYELID_PAIRS.left.forEach(([u, l], k) => { mesh[u] = [95 - 5 * k, -eyeGap / 2, 0]; mesh[l] = [95 - 5 * k, eyeGap / 2, 0]; });
  mesh[L.rightCheek] = [-50, 40, 0]; mesh[L.leftCheek] = [150, 40, 0];
  mesh[L.upperLip] = [50, 60 - gap / 2, 0]; mesh[L.lowerLip] = [50, 60 + gap / 2, 0];
  mesh[L.mouthRight] = [50 - width / 2, 60, 0]; mesh[L.mouthLeft] = [50 + width / 2, 60, 0];
  const ir: FaceResult['iris'] = iris ? { right: [15 + iris[0], iris[1]], left: [85 + iris[0], iris[1]] } : null;
  return { score: 1, box: [0, 0, 100, 100], mesh, rotation: null, iris: ir };
}

test('face channels: neutral reference, calibrated gains, lost frames interpolated, gaze into the eye joints', () => {
  // Frames: neutral ×3, mouth open by one aa-gain, lost, smile by one smile-gain, eyes closed, gaze 6 px to the left.
  const n = face(5, 55, 10, [0, 0]);
  // Gains (FACE_CAPTURE_CONFIG): aa of the 100 px eye distance, smile of the 200 px cheek width after widthPerGap per unit of gap.
  const { aaGap, smileWidth, widthPerGap } = FACE_CAPTURE_CONFIG;
  const faces = [n, n, n, face(5 + 100 * aaGap, 55 + widthPerGap * aaGap * 200, 10, [0, 0]), null, face(5, 55 + smileWidth * 200, 10, [0, 0]), face(5, 55, 0, [0, 0]), face(5, 55, 10, [6, 0]), n, n];
  const ch = estimateFaceChannels(faces, 10)!;
  assert.deepEqual(Array.from(ch.seen), [1, 1, 1, 1, 0, 1, 1, 1, 1, 1]);
  // Raw (before the 3-frame median) checks go through medianFilter's identity at n = 1; here the median keeps single-frame peaks only
  // where both neighbours agree, so compare with the median of the expected raw values.
  const C = FACE_CHANNELS.length;
  const expectRaw = [
    [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0], [0.5, 0.5, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0],
  ];
  const expect = medianFilter(Float64Array.from(expectRaw.flat()), 10, C, 3, (k) => k < 2);
  for (let i = 0; i < expect.length; i++) assert.ok(Math.abs(ch.weights[i]! - expect[i]!) < 1e-5, `weight ${i}: ${ch.weights[i]} vs ${expect[i]}`);
  assert.ok(Math.abs(ch.weights[4 * C]! - 0.5) < 1e-5 && Math.abs(ch.weights[4 * C + 1]! - 0.5) < 1e-5, 'lost frame interpolated');
  // Gaze: 6 px over a 30 px eye = 0.2 of its width → asin(0.2 / 0.4) = 0.5236 rad towards the person's left (median keeps the neighbour's 0 at frame 7).
  assert.ok(ch.gaze);
  const single = estimateFaceChannels([n, n, face(5, 55, 10, [6, 0]), face(5, 55, 10, [6, 0]), face(5, 55, 10, [6, 0]), n, n], 10)!;
  assert.ok(Math.abs(single.gaze![3 * 2]! - Math.asin(0.5)) < 1e-6, `gaze yaw ${single.gaze![6]}`);
  assert.ok(Math.abs(single.gaze![3 * 2 + 1]!) < 1e-6);
  // Into a motion: expression channels, and the eye joints turned about +Y.
  const J = 3, Fm = 7;
  const motion: Motion = { name: 'm', fps: 10, frameCount: Fm, jointNames: ['head', 'eye_l', 'eye_r'], rotations: new Float32Array(Fm * J * 4), rootTranslation: new Float32Array(Fm * 3) };
  applyFaceChannels(motion, single);
  assert.deepEqual(motion.expressions!.names, [...FACE_CHANNELS]);
  const q = motion.rotations.subarray((3 * J + 1) * 4, (3 * J + 2) * 4);
  assert.ok(Math.abs(q[0]! - Math.cos(Math.asin(0.5) / 2)) < 1e-6 && Math.abs(q[2]! - Math.sin(Math.asin(0.5) / 2)) < 1e-6 && Math.abs(q[1]!) < 1e-6);
  assert.equal(motion.rotations[(3 * J) * 4], 0, 'the head is untouched');
  assert.equal(estimateFaceChannels([null, null], 10), null);
});

test('blinks: the open-eye reference follows a slow change of the lid gap (a head turn) within its window', () => {
  // The open gap shrinks from 10 to 5 over 40 frames at 10 fps (the eye foreshortens as the head turns); one blink at frame 30.
  const F = 40, gaps = Array.from({ length: F }, (_, f) => (f === 30 ? 0.5 : 10 - (5 * f) / (F - 1)));
  const half = Math.round(FACE_CAPTURE_CONFIG.openEyeWindowSeconds * 10);
  const open = openReference(gaps, half);
  const w = gaps.map((g, f) => blinkWeight(g, open[f]!));
  assert.equal(w[30], 1, 'the blink');
  for (let f = 0; f < F; f++) if (f !== 30) assert.equal(w[f], 0, `frame ${f}: ${w[f]}`);
  // A global reference (the whole clip's quantile) would read the turned head's open eye as half closed.
  const global = openReference(gaps, F);
  assert.ok(blinkWeight(gaps[F - 1]!, global[F - 1]!) > 0.3);
  assert.ok(Number.isNaN(openReference([null, null], 1)[0]!) && blinkWeight(1, NaN) === 0);
});
