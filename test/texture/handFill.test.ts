/** A seen hand's rest from its own skin (texture stage 14, src/texture/handFill.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillHandFromItsSkin, handSkin } from '../../src/texture/handFill.js';

const SIZE = 16;
const SKIN = [0.8, 0.6, 0.5], NAVY = [0.1, 0.11, 0.16], RED = [0.9, 0.1, 0.1];

/** A 16×16 atlas painted red, a hand of rows 2–9, columns 3–12: rows 2–5 seen skin, row 6 seen navy (the hat), rows 7–9 unknown. */
function atlas() {
  const data = new Float32Array(SIZE * SIZE * 3), confidence = new Float32Array(SIZE * SIZE);
  for (let q = 0; q < SIZE * SIZE; q++) data.set(RED, q * 3);
  const texels: number[] = [];
  for (let y = 2; y <= 9; y++)
    for (let x = 3; x <= 12; x++) {
      const q = y * SIZE + x;
      texels.push(q);
      if (y <= 5) { data.set(SKIN.map((c) => c * (0.9 + 0.02 * x)), q * 3); confidence[q] = 0.8; }
      else if (y === 6) { data.set(NAVY, q * 3); confidence[q] = 0.6; }
      else data.set([0, 0, 0], q * 3);
    }
  return { data, confidence, texels };
}

test('a hand keeps its skin texels and fills the navy leaks and the unseen side from them, touching nothing outside it', () => {
  const { data, confidence, texels } = atlas();
  const kept = data.slice();
  const r = fillHandFromItsSkin(data, confidence, SIZE, texels, SKIN, 20, 0.15);
  assert.equal(r.painted, false);
  assert.equal(r.leaks, 10);
  assert.equal(r.filled, 40);
  for (const q of texels) {
    const y = Math.floor(q / SIZE);
    const rgb = [...data.subarray(q * 3, q * 3 + 3)];
    if (y <= 5) assert.deepEqual(rgb, [...kept.subarray(q * 3, q * 3 + 3)], 'skin texels kept as seen');
    else {
      assert.ok(Math.hypot(rgb[0]! - SKIN[0]!, rgb[1]! - SKIN[1]!, rgb[2]! - SKIN[2]!) < 0.15, `texel ${q}: ${rgb.map((c) => c.toFixed(2))}`);
      assert.equal(confidence[q], Math.fround(0.15));
    }
  }
  // the red texels around the hand are neither read nor written
  for (let q = 0; q < SIZE * SIZE; q++) if (!texels.includes(q)) assert.deepEqual([...data.subarray(q * 3, q * 3 + 3)], [...kept.subarray(q * 3, q * 3 + 3)]);
});

test('a hand with fewer skin texels than the minimum takes the skin tone throughout', () => {
  const { data, confidence, texels } = atlas();
  const r = fillHandFromItsSkin(data, confidence, SIZE, texels, SKIN, 41, 0.15);
  assert.equal(r.painted, true);
  for (const q of texels) assert.deepEqual([...data.subarray(q * 3, q * 3 + 3)].map((c) => +c.toFixed(5)), SKIN);
});

test('handSkin: pale and dark skin in light and shade are skin, by the hand\'s own brightness; brown hair, grey-olive cloth and a navy hat are not', () => {
  const b = (c: number[]) => c[0]! + c[1]! + c[2]!;
  assert.equal(handSkin([0.8, 0.6, 0.5], SKIN, b(SKIN)), true);
  assert.equal(handSkin([0.56, 0.42, 0.35], SKIN, b(SKIN)), true); // in shade
  const dark = [0.36, 0.25, 0.23];
  assert.equal(handSkin(dark, dark, b(dark)), true);
  assert.equal(handSkin([0.25, 0.17, 0.15], dark, b(dark)), true);
  // woman-red-dress-jump: a face lit warm and dark ([0.46, 0.25, 0.18]), pale hands — their own brightness, not the face's
  const warmFace = [0.46, 0.254, 0.181], paleHand = [0.79, 0.62, 0.59];
  assert.equal(handSkin(paleHand, warmFace, b(paleHand)), true);
  assert.equal(handSkin(paleHand, warmFace, b(warmFace)), false, 'against the face tone\'s brightness it would be rejected');
  const stripesHand = [0.87, 0.69, 0.59];
  assert.equal(handSkin([0.25, 0.15, 0.1], stripesHand, b(stripesHand)), false); // woman-stripes' hair beside her hand: skin's hue, too dark
  assert.equal(handSkin([0.35, 0.34, 0.27], [0.64, 0.45, 0.4], b([0.64, 0.45, 0.4])), false); // man-coat-beard's sleeve: r ≈ g
  assert.equal(handSkin(NAVY, SKIN, b(SKIN)), false);
});

test('the hand\'s brightness is its own: a hand twice as bright as the skin tone keeps its texels', () => {
  const { data, confidence, texels } = atlas();
  const dim = [0.4, 0.3, 0.25]; // the skin tone from a face in shade
  const kept = data.slice();
  const r = fillHandFromItsSkin(data, confidence, SIZE, texels, dim, 20, 0.15);
  assert.equal(r.leaks, 10, 'only the navy row');
  for (const q of texels) if (Math.floor(q / SIZE) <= 5) assert.deepEqual([...data.subarray(q * 3, q * 3 + 3)], [...kept.subarray(q * 3, q * 3 + 3)]);
});
