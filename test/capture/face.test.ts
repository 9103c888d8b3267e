import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCaptureClip } from '../../src/bench/captureClip.js';
import { captureImages } from '../../src/capture/capture.js';
import { applyFaceChannels, estimateFaceChannels, FACE_CHANNELS, medianFilter } from '../../src/capture/face.js';
import type { FaceResult } from '../../src/perceive/types.js';
import { FACE_LANDMARKS } from '../../src/perceive/names.js';
import type { Motion } from '../../src/motion/types.js';

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]! / n; mb += b[i]! / n; }
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { sab += (a[i]! - ma) * (b[i]! - mb); saa += (a[i]! - ma) ** 2; sbb += (b[i]! - mb) ** 2; }
  return sab / Math.sqrt(saa * sbb);
}

const column = (w: Float32Array, C: number, c: number): Float32Array => Float32Array.from({ length: w.length / C }, (_, f) => w[f * C + c]!);

test('from-video recovers the expression weights a synthetic subject performs (aa and smile correlate ≥ 0.8)', async () => {
  const F = 24, FPS = 10;
  const names = ['aa', 'smile', 'blinkLeft', 'blinkRight'];
  const w = new Float32Array(F * 4);
  for (let f = 0; f < F; f++) {
    w[f * 4] = Math.max(0, Math.sin((2 * Math.PI * f) / 8)); // talking: the mouth opens and closes every 0.8 s
    w[f * 4 + 1] = Math.max(0, -Math.sin((2 * Math.PI * f) / 12)); // a slower smile, overlapping the opening
    w[f * 4 + 2] = f === 5 || f === 17 ? 1 : 0;
    w[f * 4 + 3] = f === 11 ? 1 : 0;
  }
  const clip = renderCaptureClip({ motion: 'idle', fps: FPS, frames: F, size: 512, supersample: 2, expressions: { names, weights: w } });
  const r = await captureImages(clip.images, FPS, { fovDeg: clip.fovDeg, pinFeet: false });
  assert.ok(r.face, 'a face was tracked');
  const seen = r.face.seen.reduce((a, b) => a + b, 0);
  assert.ok(seen >= F - 2, `face on ${seen} of ${F} frames`);
  const m = r.motion.expressions!;
  assert.deepEqual(m.names, [...FACE_CHANNELS]);
  const corr = names.map((n, c) => pearson(column(m.weights, 4, m.names.indexOf(n)), column(w, 4, c)));
  console.log(`face capture: correlation with the truth ${names.map((n, c) => `${n} ${corr[c]!.toFixed(2)}`).join(', ')} (face on ${seen}/${F} frames)`);
  assert.ok(corr[0]! >= 0.8, `aa correlation ${corr[0]!.toFixed(2)}`);
  assert.ok(corr[1]! >= 0.8, `smile correlation ${corr[1]!.toFixed(2)}`);
  for (let i = 0; i < m.weights.length; i++) assert.ok(m.weights[i]! >= 0 && m.weights[i]! <= 1);
});

/** A face mesh with only the landmarks the features read: eyes, lids, lips, with given gaps. */
function face(gap: number, width: number, eyeGap: number, iris: [number, number] | null): FaceResult {
  const mesh: Array<[number, number, number]> = Array.from({ length: 478 }, () => [0, 0, 0]);
  const L = FACE_LANDMARKS;
  mesh[L.rightEyeOuter] = [0, 0, 0]; mesh[L.rightEyeInner] = [30, 0, 0]; mesh[L.leftEyeInner] = [70, 0, 0]; mesh[L.leftEyeOuter] = [100, 0, 0];
  mesh[159] = [15, -eyeGap / 2, 0]; mesh[145] = [15, eyeGap / 2, 0]; mesh[386] = [85, -eyeGap / 2, 0]; mesh[374] = [85, eyeGap / 2, 0];
  mesh[L.rightCheek] = [-50, 40, 0]; mesh[L.leftCheek] = [150, 40, 0];
  mesh[L.upperLip] = [50, 60 - gap / 2, 0]; mesh[L.lowerLip] = [50, 60 + gap / 2, 0];
  mesh[L.mouthRight] = [50 - width / 2, 60, 0]; mesh[L.mouthLeft] = [50 + width / 2, 60, 0];
  const ir: FaceResult['iris'] = iris ? { right: [15 + iris[0], iris[1]], left: [85 + iris[0], iris[1]] } : null;
  return { score: 1, box: [0, 0, 100, 100], mesh, rotation: null, iris: ir };
}

test('face channels: neutral reference, calibrated gains, lost frames interpolated, gaze into the eye joints', () => {
  // Frames: neutral ×3, mouth open by one aa-gain, lost, smile by one smile-gain, eyes closed, gaze 6 px to the left.
  const n = face(5, 55, 10, [0, 0]);
  // Gains (FACE_CAPTURE_CONFIG): aa 0.41 of the 100 px eye distance, smile 0.073 of the 200 px cheek width after 0.05 per unit of gap.
  const faces = [n, n, n, face(5 + 41, 55 + 0.05 * 0.41 * 200, 10, [0, 0]), null, face(5, 55 + 0.073 * 200, 10, [0, 0]), face(5, 55, 0, [0, 0]), face(5, 55, 10, [6, 0]), n, n];
  const ch = estimateFaceChannels(faces)!;
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
  const single = estimateFaceChannels([n, n, face(5, 55, 10, [6, 0]), face(5, 55, 10, [6, 0]), face(5, 55, 10, [6, 0]), n, n])!;
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
  assert.equal(estimateFaceChannels([null, null]), null);
});
