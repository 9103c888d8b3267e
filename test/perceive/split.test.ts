/** Touching people's matte split and the feet-visibility rule for a person in mid-jump (issue #19). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage } from '../../src/core/image.js';
import { BODY_KEYPOINTS } from '../../src/perceive/names.js';
import { buildReport } from '../../src/perceive/report.js';
import { skeletonFromBody, skeletonFromCoco, splitTouchingPeople, COCO_KEYPOINTS } from '../../src/perceive/split.js';
import type { BodyResult } from '../../src/perceive/types.js';

/** A standing person's keypoints centred at x = cx (pixels), head at y ≈ 40, feet at y ≈ 300. */
function person(cx: number): Record<string, [number, number, number]> {
  const k: Record<string, [number, number, number]> = {
    nose: [cx, 40, 0.99], leftEye: [cx + 4, 36, 0.99], rightEye: [cx - 4, 36, 0.99], leftEar: [cx + 9, 38, 0.99], rightEar: [cx - 9, 38, 0.99],
    leftShoulder: [cx + 22, 80, 0.99], rightShoulder: [cx - 22, 80, 0.99], leftElbow: [cx + 28, 130, 0.99], rightElbow: [cx - 28, 130, 0.99],
    leftWrist: [cx + 30, 175, 0.99], rightWrist: [cx - 30, 175, 0.99], leftHip: [cx + 14, 170, 0.99], rightHip: [cx - 14, 170, 0.99],
    leftKnee: [cx + 15, 235, 0.99], rightKnee: [cx - 15, 235, 0.99], leftAnkle: [cx + 15, 295, 0.99], rightAnkle: [cx - 15, 295, 0.99],
    leftHeel: [cx + 15, 300, 0.99], rightHeel: [cx - 15, 300, 0.99], leftFootIndex: [cx + 18, 305, 0.99], rightFootIndex: [cx - 18, 305, 0.99],
  };
  return k;
}
function bodyResult(k: Record<string, [number, number, number]>): BodyResult {
  return { score: 0.99, keypoints: BODY_KEYPOINTS.map((n) => k[n] ?? [0, 0, 0]), world: BODY_KEYPOINTS.map(() => [0, 0, 0]) };
}

test('splitTouchingPeople: two people arm in arm share one matte region; the other one is cut away', () => {
  const W = 260, H = 330;
  const mask = createImage(W, H, 1, 0);
  // both bodies as 60-px-wide columns from head to feet, joined by their touching arms (x 100 … 160)
  for (let y = 30; y < 310; y++) for (let x = 50; x < 210; x++) if (x < 110 || x >= 150 || (y > 110 && y < 160)) mask.data[y * W + x] = 1;
  const me = bodyResult(person(80));
  const other = person(180);
  const coco = COCO_KEYPOINTS.map((n) => other[n]!);
  const r = splitTouchingPeople(mask, skeletonFromBody(me.keypoints), [skeletonFromCoco(coco)], 270, [0, 0, W, H]);
  assert.equal(r.people, 1);
  assert.ok(r.pixels > 60 * 250, `cut ${r.pixels}`);
  assert.equal(mask.data[200 * W + 80], 1, 'my legs stay');
  assert.equal(mask.data[200 * W + 180], 0, "the neighbour's legs go");
  assert.equal(mask.data[60 * W + 80], 1, 'my head stays');
  // the boundary between the two lies halfway between the skeletons' nearest bones
  assert.equal(mask.data[130 * W + 120], 1);
  assert.equal(mask.data[130 * W + 145], 0);
});

test('splitTouchingPeople: the chosen person detected twice is not cut', () => {
  const W = 200, H = 330;
  const mask = createImage(W, H, 1, 0);
  for (let y = 30; y < 310; y++) for (let x = 50; x < 110; x++) mask.data[y * W + x] = 1;
  const me = person(80);
  const r = splitTouchingPeople(mask, skeletonFromBody(bodyResult(me).keypoints), [skeletonFromCoco(COCO_KEYPOINTS.map((n) => [me[n]![0] + 3, me[n]![1], 0.9] as [number, number, number]))], 270, [0, 0, W, H]);
  assert.deepEqual(r, { people: 0, pixels: 0 });
});

test('buildReport: a matte touching the bottom border away from the seen feet (a shadow) is not a cut', () => {
  const W = 260, H = 330;
  const k = person(80);
  const mask = createImage(W, H, 1, 0);
  for (let y = 30; y < 308; y++) for (let x = 55; x < 105; x++) mask.data[y * W + x] = 1;
  for (let y = 280; y < H; y++) for (let x = 180; x < 250; x++) mask.data[y * W + x] = 1; // shadow reaching the border
  const jump = buildReport({ body: bodyResult(k), width: W, height: H, mask, index: 0, peopleFound: 1, faceFound: true });
  assert.equal(jump.fullBodyVisible, true, jump.warnings.join('; '));
  // a shoe whose sole ends on the bottom row, heel and toe seen inside the image (man-suit-dance): not a cut
  for (let y = 300; y < H; y++) for (let x = 60; x < 100; x++) mask.data[y * W + x] = 1;
  const sole = buildReport({ body: bodyResult(k), width: W, height: H, mask, index: 0, peopleFound: 1, faceFound: true });
  assert.equal(sole.fullBodyVisible, true, sole.warnings.join('; '));
  assert.equal(sole.truncated.bottom, false);
  // the same matte, but the toes are not seen (the frame cuts the shoes: BlazePose's toe confidence drops): a cut
  const cutK = { ...k, leftFootIndex: [98, 305, 0.2] as [number, number, number], rightFootIndex: [62, 305, 0.2] as [number, number, number] };
  const cut = buildReport({ body: bodyResult(cutK), width: W, height: H, mask, index: 0, peopleFound: 1, faceFound: true });
  assert.equal(cut.fullBodyVisible, false);
  assert.ok(cut.warnings.some((w) => /feet cut off/.test(w)), cut.warnings.join('; '));
});
