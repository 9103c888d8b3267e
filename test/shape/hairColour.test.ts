import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hairColourMask, type HairColourInputs } from '../../src/shape/hairColour.js';

/**
 * A person's top half, 60×100 px: a head (columns 20–39, rows 10–39; head joint at row 35) with `crown` colour over its top
 * and skin below; a neck and collar band (rows 40–49, columns 15–44) whose outer 5 px each side are `collar` and the rest skin;
 * a chest (rows 50–99, columns 10–49) of `chest` colour; shoulder line at row 50, hips at row 100.
 */
function person(crown: number[], collar: number[], chest: number[]): HairColourInputs {
  const W = 60, H = 100;
  const photo = new Float32Array(W * H * 3).fill(0.9), matte = new Float32Array(W * H);
  const skin = [0.8, 0.6, 0.5];
  const paint = (x: number, y: number, c: number[]): void => { matte[y * W + x] = 1; photo.set(c, (y * W + x) * 3); };
  for (let y = 10; y < 40; y++) for (let x = 20; x < 40; x++) paint(x, y, y < 20 ? crown : skin);
  for (let y = 40; y < 50; y++) for (let x = 15; x < 45; x++) paint(x, y, x < 20 || x >= 40 ? collar : skin);
  for (let y = 50; y < H; y++) for (let x = 10; x < 50; x++) paint(x, y, chest);
  return { width: W, height: H, photo, matte, neckColumn: 30, headRow: 35, shoulderRow: 50, hipRow: 100 };
}

test('a collar of the chest colour is ruled out as hair; the crown colour and skin are not', () => {
  const dark = [0.15, 0.12, 0.1], green = [0.3, 0.35, 0.2];
  const r = hairColourMask(person(dark, green, green));
  assert.ok(r.decisive);
  const near = (a: number[] | null, b: number[]): boolean => a !== null && a.every((v, i) => Math.abs(v - b[i]!) < 1e-6);
  assert.ok(near(r.crown, dark), `crown ${r.crown}`);
  assert.ok(near(r.torso, green), `torso ${r.torso}`);
  const W = 60;
  assert.equal(r.mask[45 * W + 16], 0, 'collar beside the neck');
  assert.equal(r.mask[45 * W + 42], 0, 'collar on the other side');
  assert.equal(r.mask[15 * W + 30], 1, 'crown');
  // the same band hair-coloured stays possible hair
  const hair = hairColourMask(person(dark, dark, green));
  assert.equal(hair.mask[45 * W + 16], 1);
  assert.equal(hair.mask[45 * W + 42], 1);
});

test('hair the colour of the coat gives no evidence: every pixel stays possible hair', () => {
  const black = [0.1, 0.1, 0.1];
  const r = hairColourMask(person(black, black, [0.12, 0.11, 0.1]));
  assert.equal(r.decisive, false);
  assert.ok(r.mask.every((v) => v === 1));
});

test('without rows to read (no head joint in the image) the mask rules nothing out', () => {
  const inp = { ...person([0.15, 0.12, 0.1], [0.3, 0.35, 0.2], [0.3, 0.35, 0.2]), headRow: NaN };
  const r = hairColourMask(inp);
  assert.equal(r.crown, null);
  assert.equal(r.decisive, false);
  assert.ok(r.mask.every((v) => v === 1));
});
