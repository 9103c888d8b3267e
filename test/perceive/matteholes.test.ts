/** Matte hole closing (issue #19): enclosed person-coloured holes close, holes showing background stay. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage } from '../../src/core/image.js';
import { closeMatteHoles } from '../../src/perceive/matte.js';

/**
 * A 120×160 photo: light-grey wall (0.85) and a tan "coat" body (0.75, 0.6, 0.4) with an arm beside it.
 * The matte has two holes: a patch inside the coat (coat-coloured: the matting model missed it) and the
 * gap between the arm and the torso (wall-coloured: real background).
 */
function scene() {
  const W = 120, H = 160;
  const image = createImage(W, H, 3, [0.85, 0.85, 0.85]);
  const mask = createImage(W, H, 1, 0);
  const coat = [0.75, 0.6, 0.4];
  const paint = (x0: number, y0: number, x1: number, y1: number, colour: number[] | null, alpha: number) => {
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        if (colour) for (let c = 0; c < 3; c++) image.data[(y * W + x) * 3 + c] = colour[c]!;
        mask.data[y * W + x] = alpha;
      }
  };
  paint(40, 20, 80, 150, coat, 1); // torso + legs
  paint(80, 30, 100, 100, coat, 1); // arm, joined at the shoulder and the hand
  paint(80, 45, 88, 90, [0.85, 0.85, 0.85], 0); // gap between arm and torso: wall shows through
  paint(50, 60, 65, 80, null, 0.1); // matte hole inside the coat (the photo still shows coat)
  return { image, mask, W };
}

test('closeMatteHoles: a coat-coloured hole inside the person is closed, the wall between arm and torso is kept', () => {
  const { image, mask, W } = scene();
  const r = closeMatteHoles(mask, image);
  assert.equal(r.closed, 1);
  assert.equal(r.closedPixels, 15 * 20);
  assert.equal(r.kept, 1);
  assert.equal(r.keptPixels, 8 * 45);
  assert.equal(mask.data[70 * W + 57], 1, 'inside the coat patch');
  assert.equal(mask.data[60 * W + 84], 0, 'between arm and torso');
  assert.equal(mask.data[5 * W + 5], 0, 'outer background untouched');
});

test('closeMatteHoles: a hole reaching the image border is background, not a hole', () => {
  const { image, mask, W } = scene();
  // open the coat hole to the left border through a background-coloured corridor
  for (let x = 0; x < 50; x++) { mask.data[70 * W + x] = 0; }
  const r = closeMatteHoles(mask, image);
  assert.equal(r.closed, 0);
  assert.equal(mask.data[70 * W + 57], Math.fround(0.1));
});

test('closeMatteHoles: tiny holes close without the colour test', () => {
  const { image, mask, W } = scene();
  for (let y = 100; y < 103; y++) for (let x = 60; x < 63; x++) { mask.data[y * W + x] = 0; for (let c = 0; c < 3; c++) image.data[(y * W + x) * 3 + c] = 0.85; }
  const r = closeMatteHoles(mask, image);
  assert.equal(mask.data[101 * W + 61], 1);
  assert.equal(r.closed, 2);
});
