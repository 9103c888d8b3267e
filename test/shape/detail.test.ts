/**
 * detailColour (src/shape/detail.ts) against a plain reference: the photo's share, the texture's share, the vertices'
 * own colours, and texture corners on two UV islands.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage, type FloatImage } from '../../src/core/image.js';
import { sampleTexture } from '../../src/render/index.js';
import { detailColour, DetailScratch, PROXY_COLOR_CONFIG, type ProxyDetail } from '../../src/shape/index.js';
import { Rng } from '../../src/core/rng.js';

/** An image of smooth random colour (so that bilinear samples differ from place to place). */
function randomImage(rng: Rng, size: number): FloatImage {
  const img = createImage(size, size, 3);
  for (let i = 0; i < img.data.length; i++) img.data[i] = rng.next();
  return img;
}

/** The reference: each group's sample at its weight-mixed coordinates, by its weight, plus the rest's own colours. */
function reference(vertices: number[], weights: number[], colors: Float32Array, detail: ProxyDetail): number[] {
  const out = [0, 0, 0], rgb = [0, 0, 0];
  const taken = vertices.map(() => false);
  for (const [source, span] of [[detail.photo, Infinity], [detail.texture, PROXY_COLOR_CONFIG.textureUvSpan]] as const) {
    if (!source) continue;
    const members = vertices.map((v, k) => k).filter((k) => !taken[k] && weights[k]! > 0 && !Number.isNaN(source.uv[vertices[k]! * 2]!));
    const w = members.reduce((s, k) => s + weights[k]!, 0);
    if (w === 0) continue;
    const u = members.reduce((s, k) => s + weights[k]! * source.uv[vertices[k]! * 2]!, 0) / w;
    const v = members.reduce((s, k) => s + weights[k]! * source.uv[vertices[k]! * 2 + 1]!, 0) / w;
    if (members.some((k) => Math.hypot(source.uv[vertices[k]! * 2]! - u, source.uv[vertices[k]! * 2 + 1]! - v) > span)) continue;
    sampleTexture(source.image, u, v, rgb);
    for (let c = 0; c < 3; c++) out[c]! += w * rgb[c]!;
    for (const k of members) taken[k] = true;
  }
  vertices.forEach((v, k) => { if (!taken[k]) for (let c = 0; c < 3; c++) out[c]! += weights[k]! * colors[v * 3 + c]!; });
  return out;
}

test('detailColour equals the plain reference: photo, texture, own colours, two islands', () => {
  const rng = new Rng(5);
  const V = 6;
  const colors = Float32Array.from({ length: V * 3 }, () => rng.next());
  const photo = { image: randomImage(rng, 16), uv: new Float32Array(V * 2).fill(NaN) };
  const texture = { image: randomImage(rng, 16), uv: new Float32Array(V * 2).fill(NaN) };
  // vertices 0, 1 seen in the photo; 2, 3 in the texture close together; 4 in the texture on another island; 5 neither
  photo.uv.set([0.2, 0.3, 0.25, 0.35], 0);
  texture.uv.set([0.6, 0.6, 0.62, 0.61], 4);
  texture.uv.set([0.1, 0.9], 8);
  const detail: ProxyDetail = { photo, texture };
  const scratch = new DetailScratch(3), out = new Float32Array(3);
  const cases: Array<[number[], number[]]> = [
    [[0, 1, 2], [0.2, 0.3, 0.5]], // photo pair + one texture corner
    [[2, 3, 5], [0.4, 0.4, 0.2]], // texture pair + own colour
    [[2, 3, 4], [0.3, 0.3, 0.4]], // texture corners on two islands: own colours
    [[0, 2, 5], [0.5, 0.25, 0.25]],
    [[5, 4, 1], [0.1, 0.6, 0.3]],
  ];
  for (const [vs, ws] of cases) {
    scratch.vertices.set(vs); scratch.weights.set(ws);
    detailColour(3, colors, detail, out, scratch);
    const ref = reference(vs, ws, colors, detail);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(out[c]! - ref[c]!) < 1e-6, `${vs}: ${[...out]} vs ${ref}`);
  }
  // the two islands really fell back: the same weights on the vertices' own colours
  scratch.vertices.set([2, 3, 4]); scratch.weights.set([0.3, 0.3, 0.4]);
  detailColour(3, colors, detail, out, scratch);
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(out[c]! - (0.3 * colors[6 + c]! + 0.3 * colors[9 + c]! + 0.4 * colors[12 + c]!)) < 1e-6);
  // no detail: the vertex colours' blend
  scratch.vertices.set([0, 1, 2]); scratch.weights.set([0.2, 0.3, 0.5]);
  detailColour(3, colors, {}, out, scratch);
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(out[c]! - (0.2 * colors[c]! + 0.3 * colors[3 + c]! + 0.5 * colors[6 + c]!)) < 1e-6);
});
