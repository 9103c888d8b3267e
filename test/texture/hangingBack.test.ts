/**
 * The back of clothing over the legs from the garment's sides (texture/hangingBack.ts): on the synthetic short-skirted subject
 * (chloe) with a white strip painted down the front of her skirt — a scarf, an apron, an open coat's shirt — the skirt's back
 * takes the skirt's colour, not the strip mirrored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSubject } from '../../src/bench/subjects.js';
import { createImage, type FloatImage } from '../../src/core/image.js';
import { projectPoint } from '../../src/core/camera.js';
import { PART_INDEX } from '../../src/body/index.js';
import { buildClothedProxy, proxyColors, PROXY_MATERIAL, COLOUR_SOURCE } from '../../src/shape/index.js';
import { unwrapTexture, UNWRAP } from '../../src/texture/unwrap.js';
import { hangingBackFromSides } from '../../src/texture/hangingBack.js';

const subject = makeSubject(2, { textureSize: 256 });
const photo = subject.photo();
const { camera } = photo, W = camera.width, H = camera.height;
const matte = createImage(W, H, 1);
matte.data.set(photo.render.alpha);
const body = subject.model;
const posedBody = Float32Array.from(photo.posed.body);
const proxy = buildClothedProxy({ body, shape: subject.shape, pose: photo.posed.pose, camera, matte, photo: photo.render.image });
const legs = new Set([PART_INDEX.leftUpperLeg, PART_INDEX.rightUpperLeg, PART_INDEX.leftLowerLeg, PART_INDEX.rightLowerLeg]);
const white = (c: ArrayLike<number>, v: number): boolean => c[v * 3]! > 0.85 && c[v * 3 + 1]! > 0.85 && c[v * 3 + 2]! > 0.85;

/** The proxy's colours from `image` as the texture stage makes them, before and after the hanging garment's back rule; the
 * unseen clothing over the legs (`back`); the skin tone and the skirt's colour (the mean of its front: cloth over the legs seen
 * at a facing ratio above 0.8). */
function colours(image: FloatImage): { before: Float32Array; after: Float32Array; changed: number; back: number[]; skin: number[]; skirt: number[] } {
  const r = unwrapTexture({ posedVertices: posedBody, triangles: body.triangles, cornerUvs: body.cornerUvs, partLabels: body.partLabels, camera, photo: image, matte: matte.data, size: 256 });
  const pc = proxyColors(proxy, body, r.texture, image, matte.data, camera, { posedBody, skinTone: r.skin });
  const before = Float32Array.from(pc.colors);
  const changed = hangingBackFromSides(proxy, body, camera, pc, UNWRAP);
  const back: number[] = [], skirt = [0, 0, 0];
  let n = 0;
  for (let v = 0; v < proxy.model.vertexCount; v++) {
    if (proxy.material[v] !== PROXY_MATERIAL.cloth || !legs.has(body.partLabels[proxy.bodyVertex[v]!]!)) continue;
    if (pc.source[v] === COLOUR_SOURCE.bodyTexture) back.push(v);
    else if (pc.source[v] === COLOUR_SOURCE.photo && pc.facing[v]! > 0.8) { for (let c = 0; c < 3; c++) skirt[c]! += before[v * 3 + c]!; n++; }
  }
  return { before, after: pc.colors, changed, back, skin: [...r.skin], skirt: skirt.map((x) => x / n) };
}

test('hangingBackFromSides: a strip down the front of a skirt is not mirrored onto its back; the plain skirt\'s back comes nearer its colour', () => {
  // the skirt's front in the photo: its cloth vertices over the legs; the strip is the middle fifth of their columns
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
  for (let v = 0; v < proxy.model.vertexCount; v++) {
    if (proxy.material[v] !== PROXY_MATERIAL.cloth || !legs.has(body.partLabels[proxy.bodyVertex[v]!]!)) continue;
    const q = projectPoint(camera, proxy.posed[v * 3]!, proxy.posed[v * 3 + 1]!, proxy.posed[v * 3 + 2]!);
    u0 = Math.min(u0, q.u); u1 = Math.max(u1, q.u); v0 = Math.min(v0, q.v); v1 = Math.max(v1, q.v);
  }
  const painted = { ...photo.render.image, data: Float32Array.from(photo.render.image.data) };
  for (let y = Math.max(0, Math.floor(v0)); y < Math.min(H, v1); y++)
    for (let x = Math.round(u0 + 0.4 * (u1 - u0)); x < u0 + 0.6 * (u1 - u0); x++) if (matte.data[y * W + x]! >= 0.5) painted.data.set([0.95, 0.95, 0.95], (y * W + x) * 3);
  const strip = colours(painted);
  const whiteBefore = strip.back.filter((v) => white(strip.before, v)).length, whiteAfter = strip.back.filter((v) => white(strip.after, v)).length;
  // measured: 311 → 32 of 3118
  assert.ok(whiteBefore > 100, `the mirror puts the strip on the skirt's back: ${whiteBefore} of ${strip.back.length} unseen vertices white`);
  assert.ok(whiteAfter < 0.2 * whiteBefore, `white back vertices ${whiteBefore} → ${whiteAfter} (${strip.changed} changed)`);
  // the skirt as it is: the bare thighs' colour mirrored onto the back of the short skirt goes, and the back comes nearer the
  // skirt's own colour (measured: 190 skin-coloured vertices → 48; mean distance to the skirt's colour 0.095 → 0.081)
  const plain = colours(photo.render.image);
  const distance = (c: ArrayLike<number>, v: number, ref: number[]): number => Math.hypot(c[v * 3]! - ref[0]!, c[v * 3 + 1]! - ref[1]!, c[v * 3 + 2]! - ref[2]!);
  const skinLike = (c: ArrayLike<number>): number => plain.back.filter((v) => distance(c, v, plain.skin) < distance(c, v, plain.skirt)).length;
  const meanToSkirt = (c: ArrayLike<number>): number => plain.back.reduce((a, v) => a + distance(c, v, plain.skirt), 0) / plain.back.length;
  assert.ok(skinLike(plain.after) < 0.5 * skinLike(plain.before), `skin-coloured back vertices ${skinLike(plain.before)} → ${skinLike(plain.after)}`);
  assert.ok(meanToSkirt(plain.after) < meanToSkirt(plain.before), `the back's distance to the skirt's colour ${meanToSkirt(plain.before)} → ${meanToSkirt(plain.after)}`);
});
