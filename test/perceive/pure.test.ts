/** Tests of the model-free parts of perception: decoding, boxes, report, drawing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxIou, decodePeople } from '../../src/perceive/people.js';
import { clampBox, growBox } from '../../src/perceive/perceiver.js';
import { buildReport, facingFromYaw, facingYaw, matteTouches } from '../../src/perceive/report.js';
import { drawDisc, drawLine } from '../../src/perceive/overlay.js';
import { BODY_EDGES, BODY_INDEX, BODY_KEYPOINTS, HAND_EDGES, HAND_KEYPOINTS } from '../../src/perceive/names.js';
import { createImage, sampleBilinear } from '../../src/core/image.js';
import { handRoiFromBody } from '../../src/perceive/hands.js';
import { cropToImage, sampleRoi } from '../../src/perceive/roi.js';
import { keepPersonRegions } from '../../src/perceive/matte.js';
import { Rng } from '../../src/core/rng.js';
import type { BodyResult } from '../../src/perceive/types.js';

/** One MoveNet MultiPose row: box (normalized ymin, xmin, ymax, xmax), score, keypoints all at the box centre. */
function moveNetRow(box: [number, number, number, number], score: number): number[] {
  const row = new Array<number>(56).fill(0);
  for (let k = 0; k < 17; k++) {
    row[k * 3] = (box[0] + box[2]) / 2;
    row[k * 3 + 1] = (box[1] + box[3]) / 2;
    row[k * 3 + 2] = 0.9;
  }
  row.splice(51, 5, ...box, score);
  return row;
}

test('decodePeople: filters low scores, suppresses duplicates, sorts largest first, scales to pixels', () => {
  const raw = [
    ...moveNetRow([0.1, 0.1, 0.5, 0.3], 0.9), // small person
    ...moveNetRow([0.1, 0.5, 0.9, 0.9], 0.8), // large person
    ...moveNetRow([0.11, 0.51, 0.9, 0.9], 0.7), // duplicate of the large one
    ...moveNetRow([0.0, 0.0, 1.0, 1.0], 0.1), // below the score threshold
  ];
  const people = decodePeople(raw, 200, 200, 150);
  assert.equal(people.length, 2);
  assert.equal(people[0]!.score, 0.8);
  assert.deepEqual(people[0]!.box.map((v) => Math.round(v)), [100, 20, 180, 150]); // y clamped to height 150
  assert.deepEqual(people[1]!.box.map((v) => Math.round(v)), [20, 20, 60, 100]);
});

test('boxIou against a direct pixel count', () => {
  const a: [number, number, number, number] = [2, 3, 10, 9], b: [number, number, number, number] = [5, 1, 14, 7];
  let inter = 0, uni = 0;
  for (let y = 0; y < 20; y++)
    for (let x = 0; x < 20; x++) {
      const ia = x >= a[0] && x < a[2] && y >= a[1] && y < a[3], ib = x >= b[0] && x < b[2] && y >= b[1] && y < b[3];
      if (ia && ib) inter++;
      if (ia || ib) uni++;
    }
  assert.ok(Math.abs(boxIou(a, b) - inter / uni) < 1e-12);
  assert.equal(boxIou(a, [30, 30, 40, 40]), 0);
});

test('growBox and clampBox stay inside the image and contain the box', () => {
  const g = growBox([40, 10, 60, 90], 0.25, 100, 100);
  assert.deepEqual(g, [10, 0, 90, 100]); // margin 0.25×80 each side, width grown to half the height
  assert.ok(g[0] <= 40 && g[1] <= 10 && g[2] >= 60 && g[3] >= 90);
  const small = growBox([500, 500, 510, 540], 0.25, 1000, 1000);
  assert.ok(small[2] - small[0] >= 20 && small[3] - small[1] >= 40);
  assert.deepEqual(clampBox([-5.5, 2.2, 300, 7.9], 100, 50), [0, 2, 100, 8]);
  assert.deepEqual(clampBox([120, 60, 130, 70], 100, 50), [99, 49, 100, 50]);
});

/** A body facing the camera rotated by `yawDeg` about the vertical axis, standing in a W×H image. */
function syntheticBody(yawDeg: number, opts: { cutBelow?: number } = {}): BodyResult {
  const yaw = (yawDeg * Math.PI) / 180;
  // Person-frame offsets (metres): x to the person's left, y down, z towards the camera is negative.
  const local: Partial<Record<(typeof BODY_KEYPOINTS)[number], [number, number]>> = {
    nose: [0, -0.65], leftEye: [0.03, -0.68], rightEye: [-0.03, -0.68], leftEar: [0.07, -0.66], rightEar: [-0.07, -0.66],
    leftShoulder: [0.18, -0.45], rightShoulder: [-0.18, -0.45], leftHip: [0.1, 0], rightHip: [-0.1, 0],
    leftAnkle: [0.12, 0.85], rightAnkle: [-0.12, 0.85], leftHeel: [0.12, 0.9], rightHeel: [-0.12, 0.9],
    leftFootIndex: [0.12, 0.92], rightFootIndex: [-0.12, 0.92],
  };
  const keypoints: BodyResult['keypoints'] = [];
  const world: BodyResult['world'] = [];
  for (const name of BODY_KEYPOINTS) {
    const [lx, ly] = local[name] ?? [0, 0];
    // Rotating the person by yaw about up: x_cam = lx cos, z_cam = lx sin (away from the camera).
    world.push([lx * Math.cos(yaw), ly, lx * Math.sin(yaw)]);
    const px = 200 + 200 * lx * Math.cos(yaw), py = 250 + 200 * ly;
    const hidden = opts.cutBelow !== undefined && py > opts.cutBelow;
    keypoints.push([px, hidden ? opts.cutBelow! + 5 : py, local[name] && !hidden ? 0.95 : 0.1]);
  }
  return { score: 0.99, keypoints, world };
}

test('facingYaw recovers the body yaw from world landmarks; facingFromYaw classifies it', () => {
  for (const yaw of [-150, -60, 0, 20, 75, 170]) assert.ok(Math.abs(facingYaw(syntheticBody(yaw)) - yaw) < 1e-6, `yaw ${yaw}`);
  assert.equal(facingFromYaw(0), 'front');
  assert.equal(facingFromYaw(-30), 'front');
  assert.equal(facingFromYaw(90), 'side');
  assert.equal(facingFromYaw(-100), 'side');
  assert.equal(facingFromYaw(170), 'back');
  assert.equal(facingFromYaw(-179), 'back');
});

test('buildReport: full body, half body, tiny person, several people', () => {
  const full = buildReport({ body: syntheticBody(0), width: 400, height: 500, index: 0, peopleFound: 1, faceFound: true });
  assert.equal(full.fullBodyVisible, true);
  assert.equal(full.facing, 'front');
  assert.deepEqual(full.warnings, []);
  assert.ok(Math.abs(full.heightPx - (434 - (114 - 0.6 * 46))) < 1e-6, `height ${full.heightPx}`); // feet to eyes less 0.6 × eye–shoulder

  const half = buildReport({ body: syntheticBody(0, { cutBelow: 300 }), width: 400, height: 300, index: 0, peopleFound: 1, faceFound: true });
  assert.equal(half.feetVisible, false);
  assert.equal(half.fullBodyVisible, false);
  assert.ok(half.truncated.bottom);
  assert.ok(half.warnings.some((w) => /feet/.test(w) && /full-body results will be poor/.test(w)));
  assert.ok(half.warnings.some((w) => /px tall/.test(w)), 'a person under 200 px is warned about');

  const many = buildReport({ body: syntheticBody(180), width: 400, height: 500, index: 1, peopleFound: 3, faceFound: false });
  assert.equal(many.facing, 'back');
  assert.ok(many.warnings.some((w) => /3 people found; using person 1/.test(w)));
  // A face mesh that was found rules out a back view.
  assert.equal(buildReport({ body: syntheticBody(180), width: 400, height: 500, index: 0, peopleFound: 1, faceFound: true }).facing, 'side');
});

test('matteTouches reports the borders an alpha matte reaches', () => {
  const m = createImage(20, 10, 1, 0);
  for (let y = 2; y < 10; y++) for (let x = 5; x < 12; x++) m.data[y * 20 + x] = 1;
  assert.deepEqual(matteTouches(m), { top: false, bottom: true, left: false, right: false });
});

test('drawLine and drawDisc colour what lies within the width and nothing far away (reference: distance to segment)', () => {
  const img = createImage(40, 30, 3, 0);
  drawLine(img, 5, 5, 30, 20, 4, [1, 1, 1]);
  drawDisc(img, 10, 25, 3, [1, 0, 0]);
  const segDist = (px: number, py: number): number => {
    const dx = 25, dy = 15, t = Math.max(0, Math.min(1, ((px - 5) * dx + (py - 5) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(px - 5 - t * dx, py - 5 - t * dy);
  };
  for (let y = 0; y < 30; y++)
    for (let x = 0; x < 40; x++) {
      const d = segDist(x + 0.5, y + 0.5), dd = Math.hypot(x + 0.5 - 10, y + 0.5 - 25);
      const g = img.data[(y * 40 + x) * 3 + 1]!; // green: the line only
      if (d <= 1.5) assert.ok(g > 0.99, `line core at ${x},${y}`);
      if (d >= 2.5) assert.equal(g, 0, `outside the line at ${x},${y}`);
      const r = img.data[(y * 40 + x) * 3]!;
      if (dd <= 2.5 && d >= 2.5) assert.ok(r > 0.99, `disc core at ${x},${y}`);
      if (dd >= 3.5 && d >= 2.5) assert.equal(r, 0, `outside the disc at ${x},${y}`);
    }
});

test('keypoint naming: 33 body names, 21 hand names, edges refer to valid points', () => {
  assert.equal(BODY_KEYPOINTS.length, 33);
  assert.equal(new Set(BODY_KEYPOINTS).size, 33);
  assert.equal(HAND_KEYPOINTS.length, 21);
  assert.equal(BODY_INDEX.leftShoulder, 11);
  assert.equal(BODY_INDEX.rightFootIndex, 32);
  for (const [a, b] of BODY_EDGES) assert.ok(a in BODY_INDEX && b in BODY_INDEX);
  for (const [a, b] of HAND_EDGES) assert.ok(a >= 0 && a < 21 && b >= 0 && b < 21);
});

test('hand region from the body: fingers point up in the crop, centred one wrist→knuckle length beyond the wrist', () => {
  const body = syntheticBody(0);
  // Left hand pointing right in the image: wrist (100, 50), index (120, 45), pinky (120, 55).
  body.keypoints[BODY_INDEX.leftWrist] = [100, 50, 0.9];
  body.keypoints[BODY_INDEX.leftIndex] = [120, 45, 0.9];
  body.keypoints[BODY_INDEX.leftPinky] = [120, 55, 0.9];
  const roi = handRoiFromBody(body, 'left')!;
  assert.ok(Math.abs(roi.cx - 120) < 1e-9 && Math.abs(roi.cy - 50) < 1e-9);
  assert.ok(Math.abs(roi.size - 2.6 * 20) < 1e-9);
  // The crop's top centre (fingers) lies towards +x in the image; the crop is a rotation (no mirror).
  const [tx, ty] = cropToImage(roi, 112, 0, 224);
  assert.ok(Math.abs(tx - (120 + 26)) < 1e-9 && Math.abs(ty - 50) < 1e-9);
  assert.ok(Math.abs(roi.ex[0] * roi.ey[1] - roi.ex[1] * roi.ey[0] - 1) < 1e-12, 'det +1');
  body.keypoints[BODY_INDEX.leftPinky] = [120, 55, 0.1];
  assert.equal(handRoiFromBody(body, 'left'), null, 'no region without visible knuckles');
});

test('sampleRoi matches core sampleBilinear at every crop pixel (reference)', () => {
  const rng = new Rng(3);
  const img = createImage(60, 40, 3);
  for (let i = 0; i < img.data.length; i++) img.data[i] = rng.next();
  const roi = { cx: 30, cy: 20, size: 24, ex: [Math.cos(0.6), Math.sin(0.6)] as [number, number], ey: [-Math.sin(0.6), Math.cos(0.6)] as [number, number] };
  const S = 16;
  const crop = sampleRoi(img, roi, S);
  for (let py = 0; py < S; py++)
    for (let px = 0; px < S; px++) {
      const [x, y] = cropToImage(roi, px + 0.5, py + 0.5, S);
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(crop[(py * S + px) * 3 + c]! - sampleBilinear(img, x, y, c)) < 1e-5);
    }
});

test('keepPersonRegions keeps the seeded blob with a soft halo and zeroes the other blob (reference: explicit sets)', () => {
  const m = createImage(30, 20, 1, 0);
  const set = (x0: number, y0: number, x1: number, y1: number, v: number) => {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m.data[y * 30 + x] = v;
  };
  set(2, 2, 10, 18, 1); // the person
  set(10, 2, 11, 18, 0.3); // its soft edge (α < 0.5), next to it
  set(20, 5, 27, 15, 0.9); // someone else
  set(27, 5, 28, 15, 0.3); // their soft edge
  const zeroed = keepPersonRegions(m, [[5.5, 9.5]], 2);
  assert.equal(zeroed, 7 * 10 + 10);
  for (let y = 0; y < 20; y++)
    for (let x = 0; x < 30; x++) {
      const v = m.data[y * 30 + x]!;
      if (x >= 2 && x < 10 && y >= 2 && y < 18) assert.equal(v, 1);
      else if (x === 10 && y >= 2 && y < 18) assert.ok(Math.abs(v - 0.3) < 1e-6, 'soft edge within the halo kept');
      else assert.equal(v, 0, `zeroed at ${x},${y}`);
    }
});
