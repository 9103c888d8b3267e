import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage } from '../../src/core/image.js';
import { drawCircle, drawLine, drawMaskOutline, drawSkeleton, drawText, textWidth, tintMask } from '../../src/render/draw.js';
import { glyphRows, hasGlyph } from '../../src/render/font.js';
import { contactSheet, resizeImage, toRgb } from '../../src/render/sheet.js';

const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);

test('drawLine: a horizontal 1-pixel line covers exactly its row', () => {
  const img = createImage(20, 10, 1);
  drawLine(img, 2, 5.5, 17, 5.5, [1], 1);
  for (let x = 3; x < 17; x++) assert.ok(Math.abs(img.data[5 * 20 + x]! - 1) < 1e-6, `x=${x}`);
  for (let x = 0; x < 20; x++) { assert.equal(img.data[3 * 20 + x], 0); assert.equal(img.data[7 * 20 + x], 0); }
  // Coverage sums to about length × width.
  assert.ok(Math.abs(sum(img.data) - 15) < 1.5, `sum ${sum(img.data)}`);
});

test('drawCircle: filled area ≈ πr², ring stays near the radius, colours blend per channel', () => {
  const img = createImage(64, 64, 1);
  drawCircle(img, 32, 32, 10, [1]);
  assert.ok(Math.abs(sum(img.data) - Math.PI * 100) < 3, `area ${sum(img.data)}`);
  const ring = createImage(64, 64, 1);
  drawCircle(ring, 32, 32, 10, [1], { fill: false, width: 2 });
  assert.equal(ring.data[32 * 64 + 32], 0);
  assert.ok(Math.abs(sum(ring.data) - 2 * Math.PI * 10 * 2) < 8, `ring ${sum(ring.data)}`);
  const rgb = createImage(8, 8, 3, [1, 1, 1]);
  drawCircle(rgb, 4, 4, 2, [1, 0, 0], { opacity: 0.5 });
  assert.deepEqual(Array.from(rgb.data.subarray((4 * 8 + 4) * 3, (4 * 8 + 4) * 3 + 3)), [1, 0.5, 0.5]);
});

test('drawSkeleton skips invisible and non-finite keypoints', () => {
  const img = createImage(30, 30, 3);
  drawSkeleton(img, [5, 5, 25, 5, NaN, 20], [[0, 1], [1, 2]], { visible: [1, 0, 1] });
  assert.equal(sum(img.data), 0 + sumAfter(img));
  function sumAfter(i: typeof img) { return sum(i.data); }
  // Point 0 is drawn, point 1 hidden, so no bone and nothing at point 1.
  assert.ok(img.data[(5 * 30 + 5) * 3]! > 0.5);
  assert.equal(img.data[(5 * 30 + 25) * 3], 0);
  assert.equal(img.data[(5 * 30 + 15) * 3 + 1], 0);
});

test('drawText draws glyph dots inside textWidth × 7·scale; font covers digits and letters', () => {
  for (const ch of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
    assert.ok(hasGlyph(ch), ch);
    assert.ok(glyphRows(ch).some((r) => r > 0), ch);
  }
  assert.ok(hasGlyph('a'));
  const glyphs = new Set('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((c) => glyphRows(c).join(',')));
  assert.equal(glyphs.size, 36, 'every glyph is distinct');
  const img = createImage(80, 30, 1);
  drawText(img, 'AB12', 3, 4, [1], 2);
  const w = textWidth('AB12', 2);
  assert.equal(w, 46);
  let inside = 0, outside = 0;
  for (let y = 0; y < 30; y++) for (let x = 0; x < 80; x++) {
    const v = img.data[y * 80 + x]!;
    if (x >= 3 && x < 3 + w && y >= 4 && y < 4 + 14) inside += v; else outside += v;
  }
  assert.ok(inside > 50);
  assert.equal(outside, 0);
});

test('mask outline marks only boundary pixels; tint blends inside the mask', () => {
  const mask = new Float32Array(16 * 16);
  for (let y = 4; y < 12; y++) for (let x = 4; x < 12; x++) mask[y * 16 + x] = 1;
  const img = createImage(16, 16, 1);
  drawMaskOutline(img, mask, [1]);
  assert.equal(sum(img.data), 28); // perimeter of an 8×8 block
  assert.equal(img.data[8 * 16 + 8], 0);
  const t = createImage(16, 16, 1);
  tintMask(t, mask, [1], 0.5);
  assert.equal(sum(t.data), 32);
  assert.throws(() => tintMask(t, new Float32Array(3), [1]), /mask has 3 values/);
});

test('resizeImage preserves constants and area-averages when shrinking', () => {
  const checker = createImage(8, 8, 1);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) checker.data[y * 8 + x] = (x + y) % 2;
  const small = resizeImage(checker, 4, 4);
  for (const v of small.data) assert.ok(Math.abs(v - 0.5) < 1e-6);
  const flat = resizeImage(createImage(5, 3, 2, [0.25, 0.75]), 11, 7);
  for (let i = 0; i < flat.data.length; i++) assert.ok(Math.abs(flat.data[i]! - (i % 2 ? 0.75 : 0.25)) < 1e-6);
});

test('contactSheet lays out cells with padding and labels; toRgb flattens alpha', () => {
  const a = createImage(10, 20, 3, [1, 0, 0]);
  const b = createImage(20, 20, 4, [0, 0, 1, 0.5]);
  const sheet = contactSheet([a, b, a], { columns: 2, cellWidth: 20, cellHeight: 20, padding: 4, labels: ['A', 'B', ''] });
  assert.equal(sheet.channels, 3);
  assert.equal(sheet.width, 2 * 20 + 3 * 4);
  assert.equal(sheet.height, 2 * (20 + 14 + 4) + 3 * 4);
  const px = (x: number, y: number) => Array.from(sheet.data.subarray((y * sheet.width + x) * 3, (y * sheet.width + x) * 3 + 3));
  assert.deepEqual(px(4 + 10, 4 + 10), [1, 0, 0]); // a is centred in its 20-wide cell
  assert.deepEqual(px(4 + 2, 4 + 10), [1, 1, 1]); // left margin of the narrow image
  assert.deepEqual(px(28 + 10, 4 + 10), [0.5, 0.5, 1]); // b composited over white
  const rgb = toRgb(createImage(2, 1, 1, 0.3));
  assert.deepEqual(Array.from(rgb.data).map((v) => Math.round(v * 10) / 10), [0.3, 0.3, 0.3, 0.3, 0.3, 0.3]);
  assert.throws(() => contactSheet([]), /no images/);
});
