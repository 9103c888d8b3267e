/**
 * The face crop pass: the crop ↔ frame coordinate mapping (pure, exact) and, with the models, refined landmarks on
 * a synthetic full-body frame.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropPointsToImage, eyeRoi, faceRoi, faceRoiFromBody } from '../../src/perceive/faceCrop.js';
import { cropToImage, imageToCrop, type SquareRoi } from '../../src/perceive/roi.js';
import { FACE_REFINE } from '../../src/perceive/config.js';
import { BODY_INDEX, BODY_KEYPOINTS, FACE_LANDMARKS, FACE_MESH_POINTS } from '../../src/perceive/names.js';
import { Perceiver } from '../../src/perceive/perceiver.js';
import { renderCaptureClip } from '../../src/bench/captureClip.js';

const det = (r: SquareRoi): number => r.ex[0] * r.ey[1] - r.ex[1] * r.ey[0];
const close = (a: number, b: number, tol = 1e-9): boolean => Math.abs(a - b) <= tol;

/** A face mesh: every point of a 100 × 140 rectangle's edge pattern, rotated by `angle` about (300, 200). */
function rotatedMesh(angle: number): Array<[number, number, number]> {
  const c = Math.cos(angle), s = Math.sin(angle);
  const rot = (u: number, v: number): [number, number, number] => [300 + c * u - s * v, 200 + s * u + c * v, 0];
  const mesh = Array.from({ length: FACE_MESH_POINTS }, (_, i) => rot(-50 + (100 * (i % 11)) / 10, -70 + (140 * Math.floor(i / 11)) / 42));
  const L = FACE_LANDMARKS;
  mesh[L.rightEyeOuter] = rot(-35, -20); mesh[L.rightEyeInner] = rot(-10, -20);
  mesh[L.leftEyeInner] = rot(10, -20); mesh[L.leftEyeOuter] = rot(35, -20);
  return mesh;
}

test('face crop: centred on the landmarks in the eye-line frame, side faceScale × the longer extent, level eyes', () => {
  for (const angle of [0, 0.3, -0.7]) {
    const roi = faceRoi(rotatedMesh(angle))!;
    // Extent 100 × 140 centred at (0, 0) in the face's frame → centre (300, 200), side 1.5 × 140.
    assert.ok(close(roi.cx, 300) && close(roi.cy, 200), `centre ${roi.cx}, ${roi.cy}`);
    assert.ok(close(roi.size, FACE_REFINE.faceScale * 140));
    assert.ok(close(roi.ex[0], Math.cos(angle)) && close(roi.ex[1], Math.sin(angle)) && close(det(roi), 1), 'x along the eye line, no mirror');
  }
  const flat = rotatedMesh(0).map(() => [5, 5, 0] as [number, number, number]);
  assert.equal(faceRoi(flat), null, 'degenerate mesh');
});

test('crop ↔ frame mapping is exact both ways, mirrored crops included', () => {
  const S = 192;
  const rois: SquareRoi[] = [
    faceRoi(rotatedMesh(0.4))!,
    eyeRoi([100, 50], [130, 54], false)!,
    eyeRoi([200, 54], [170, 50], true)!,
  ];
  for (const roi of rois)
    for (const [px, py] of [[0, 0], [S, 0], [S / 2, S / 2], [17.25, 150.5], [S, S]] as Array<[number, number]>) {
      const [x, y] = cropToImage(roi, px, py, S);
      const [qx, qy] = imageToCrop(roi, x, y, S);
      assert.ok(close(qx, px, 1e-9) && close(qy, py, 1e-9), `(${px}, ${py}) → (${x}, ${y}) → (${qx}, ${qy})`);
    }
  // The crop's corners are the square's corners: (0, 0) is centre − size/2·(ex + ey).
  const r = rois[0]!;
  const [x0, y0] = cropToImage(r, 0, 0, S);
  assert.ok(close(x0, r.cx - (r.size / 2) * (r.ex[0] + r.ey[0])) && close(y0, r.cy - (r.size / 2) * (r.ex[1] + r.ey[1])));
  // Model outputs (crop pixels, z in crop pixels) → frame pixels; z scales with the crop.
  const pts = cropPointsToImage([S / 2, S / 2, 4, 0, 0, -2], 0, 2, r, S);
  assert.ok(close(pts[0]![0], r.cx) && close(pts[0]![1], r.cy) && close(pts[0]![2], (4 * r.size) / S));
  assert.ok(close(pts[1]![0], x0) && close(pts[1]![1], y0) && close(pts[1]![2], (-2 * r.size) / S));
  assert.deepEqual(cropPointsToImage([1, 2, 3, 5, 6, 7], 1, 1, r, S), cropPointsToImage([5, 6, 7], 0, 1, r, S), 'first skips points');
});

test('face crop from the body: along the eye line, centred on the seen face keypoints, side bodyFaceScale × their extent', () => {
  // A face turned 0.5 rad in the image: eyes 40 px apart, ears 90 px apart, mouth 50 px below the eyes.
  const a = 0.5, c = Math.cos(a), s = Math.sin(a);
  const at = (u: number, v: number, score = 0.9): [number, number, number] => [200 + c * u - s * v, 300 + s * u + c * v, score];
  const kp: Array<[number, number, number]> = BODY_KEYPOINTS.map(() => [0, 0, 0]);
  const put = (n: keyof typeof BODY_INDEX, p: [number, number, number]): void => { kp[BODY_INDEX[n]] = p; };
  put('rightEye', at(-20, 0)); put('leftEye', at(20, 0)); put('nose', at(0, 25));
  put('rightEar', at(-45, 10)); put('leftEar', at(45, 10)); put('mouthRight', at(-15, 50)); put('mouthLeft', at(15, 50));
  put('leftHip', at(0, 600)); // not a face keypoint: ignored
  const roi = faceRoiFromBody(kp, 0.5)!;
  // Extent 90 (ears) × 50 (eyes → mouth) about (0, 25) in the face's frame.
  const [cx, cy] = at(0, 25);
  assert.ok(close(roi.cx, cx, 1e-9) && close(roi.cy, cy, 1e-9), `centre ${roi.cx}, ${roi.cy}`);
  assert.ok(close(roi.size, FACE_REFINE.bodyFaceScale * 90, 1e-9));
  assert.ok(close(roi.ex[0], c) && close(roi.ex[1], s) && close(det(roi), 1), 'x along the eye line, no mirror');
  // Keypoints below the score are left out; no eyes or no nose, no crop.
  put('rightEar', at(-45, 10, 0.2)); put('leftEar', at(45, 10, 0.2));
  assert.ok(close(faceRoiFromBody(kp, 0.5)!.size, FACE_REFINE.bodyFaceScale * 50, 1e-9), 'unseen ears do not widen the crop');
  put('nose', at(0, 25, 0.1));
  assert.equal(faceRoiFromBody(kp, 0.5), null);
});

test('eye crops: the person\'s right eye upright, the left mirrored; both run from the outer corner to the inner one', () => {
  const S = FACE_REFINE.irisInput;
  const right = eyeRoi([100, 50], [130, 50], false)!, left = eyeRoi([200, 50], [170, 50], true)!;
  assert.ok(close(det(right), 1) && close(det(left), -1));
  assert.ok(close(right.size, FACE_REFINE.eyeScale * 30) && close(right.cx, 115) && close(left.cx, 185));
  for (const [roi, outer, inner] of [[right, [100, 50], [130, 50]], [left, [200, 50], [170, 50]]] as const) {
    const o = imageToCrop(roi, outer[0], outer[1], S), i = imageToCrop(roi, inner[0], inner[1], S);
    assert.ok(o[0] < S / 2 && i[0] > S / 2 && close(o[1], S / 2) && close(i[1], S / 2));
    // Down in the image is down in the crop for both eyes.
    const below = imageToCrop(roi, (outer[0] + inner[0]) / 2, 60, S);
    assert.ok(below[1] > S / 2 && close(below[0], S / 2));
  }
  assert.equal(eyeRoi([1, 1], [1, 1], false), null);
});

test('refined landmarks of a synthetic full-body frame land inside the face box, eyes near the first pass', async () => {
  const clip = renderCaptureClip({ motion: 'idle', fps: 10, frames: 1, size: 512, supersample: 2 });
  const perceiver = await Perceiver.create({ face: true, hands: false, matte: false, people: false });
  try {
    const p = await perceiver.perceive(clip.images[0]!);
    assert.ok(p.face, 'the first pass found the face');
    const face = p.face;
    const refined = await perceiver.refineFace(clip.images[0]!, face);
    assert.ok(refined, 'the crop holds a face');
    assert.equal(refined.mesh.length, FACE_MESH_POINTS + 10);
    const [bx0, by0, bx1, by1] = face.box;
    for (const [x, y] of refined.mesh) assert.ok(x >= bx0 && x <= bx1 && y >= by0 && y <= by1, `(${x.toFixed(1)}, ${y.toFixed(1)}) outside [${face.box.map((v) => v.toFixed(1)).join(', ')}]`);
    const L = FACE_LANDMARKS;
    const eyeDist = Math.hypot(face.mesh[L.leftEyeOuter]![0] - face.mesh[L.rightEyeOuter]![0], face.mesh[L.leftEyeOuter]![1] - face.mesh[L.rightEyeOuter]![1]);
    for (const k of [L.rightEyeOuter, L.rightEyeInner, L.leftEyeInner, L.leftEyeOuter]) {
      const d = Math.hypot(refined.mesh[k]![0] - face.mesh[k]![0], refined.mesh[k]![1] - face.mesh[k]![1]);
      assert.ok(d < 0.2 * eyeDist, `landmark ${k} moved ${d.toFixed(2)} px of a ${eyeDist.toFixed(1)} px eye distance`);
    }
    // Iris centres sit between their eye's corners.
    for (const [c, o, i] of [[refined.iris!.right, L.rightEyeOuter, L.rightEyeInner], [refined.iris!.left, L.leftEyeOuter, L.leftEyeInner]] as const) {
      const a = refined.mesh[o]!, b = refined.mesh[i]!;
      const t = ((c[0] - a[0]) * (b[0] - a[0]) + (c[1] - a[1]) * (b[1] - a[1])) / ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2);
      assert.ok(t > 0.2 && t < 0.8, `iris at ${t.toFixed(2)} of the eye`);
    }
    // Looked for where the body's keypoints place it (what perceive does when the detector misses a face), the same
    // face is found, its eyes where the detector's mesh has them.
    const fromBody = await perceiver.findFaceFromBody(clip.images[0]!, p.body.keypoints);
    assert.ok(fromBody, 'found from the body keypoints');
    assert.equal(fromBody.source, 'body');
    assert.equal(fromBody.mesh.length, FACE_MESH_POINTS + 10);
    for (const k of [L.rightEyeOuter, L.rightEyeInner, L.leftEyeInner, L.leftEyeOuter]) {
      const d = Math.hypot(fromBody.mesh[k]![0] - face.mesh[k]![0], fromBody.mesh[k]![1] - face.mesh[k]![1]);
      assert.ok(d < 0.2 * eyeDist, `landmark ${k}: ${d.toFixed(2)} px from the detector's of a ${eyeDist.toFixed(1)} px eye distance`);
    }
  } finally {
    await perceiver.close();
  }
});
