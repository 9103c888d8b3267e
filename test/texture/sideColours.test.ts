import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SideColours } from '../../src/texture/sideColours.js';
import { UNWRAP, unwrapTexture, handNeighbourhood } from '../../src/texture/unwrap.js';
import { makeSubject } from '../../src/bench/subjects.js';
import { projectPoint } from '../../src/core/camera.js';
import { PART_INDEX } from '../../src/body/index.js';
import { rasterizeMesh, renderTextured } from '../../src/render/index.js';

/** Side texels every 5 mm from height 0 to 0.4 m, coloured by `colour(height)`, on both sides; one back cell's texels, in the
 * back's middle (so the front's centre shows that cell's colour: without the open-garment rule, tested on its own below). */
function sides(colour: (h: number, side: number) => number[], cell: number[], cellHeight = 0.2): { s: SideColours; out: number[]; replaced: boolean } {
  const s = new SideColours(0, 0.4, { ...UNWRAP, openGarment: false });
  for (let h = 0; h < 0.4; h += 0.005) for (const side of [-1, 1]) for (let k = 0; k < 3; k++) s.add(side * 0.15, h, colour(h, side));
  for (let k = 0; k < 20; k++) s.addMirror(0.01, cellHeight + k * 0.001, cell);
  const out = [-1, -1, -1];
  return { s, out, replaced: s.backColour(0.01, cellHeight + 0.01, out) };
}

test('SideColours: a plain jacket replaces the shirt between its lapels; shading and patterns keep the mirror; sides that disagree give each half of the back its own', () => {
  const jacket = [0.12, 0.1, 0.09], shirt = [0.92, 0.92, 0.9];
  const open = sides(() => jacket, shirt);
  assert.ok(open.replaced, 'white shirt on the back of a dark jacket');
  open.out.forEach((c, i) => assert.ok(Math.abs(c - jacket[i]!) < 1e-9, `back takes the sides' colour ${open.out}`));
  // the same cloth, darker at the sides (grazing light): kept
  assert.ok(!sides(() => [0.5, 0.1, 0.1], [0.8, 0.16, 0.16]).replaced, 'shading alone is not another colour');
  // horizontal red/white stripes of 5 cm: the sides spread over both colours, a cell mostly white stays
  const stripes = (h: number): number[] => (Math.floor(h / 0.025) % 2 ? [0.95, 0.95, 0.93] : [0.82, 0.12, 0.14]);
  assert.ok(!sides(stripes, [0.95, 0.95, 0.93]).replaced, 'a stripe keeps its mirror');
  // the sides disagree (an open coat lit on one side, its dark lining on the other): the cell (right of the centre) takes the right side's
  const green = [0.2, 0.5, 0.2];
  const apart = sides((_h, side) => (side < 0 ? jacket : green), shirt);
  assert.ok(apart.replaced, 'a shirt unlike either side is replaced');
  apart.out.forEach((c, i) => assert.ok(Math.abs(c - green[i]!) < 1e-9, `back takes its own side's colour ${apart.out}`));
  // ... but where the mirror is like its own side, it stays
  assert.ok(!sides((_h, side) => (side < 0 ? jacket : green), green).replaced, 'a mirror like its own side stays');
  // ... and at the shoulders and hips (the top and bottom quarters of the torso: neck skin and arms beside the collar, a waistband)
  // disagreeing sides say nothing
  assert.ok(!sides((_h, side) => (side < 0 ? jacket : green), shirt, 0.04).replaced, 'no own-side colour at the shoulders');
  assert.ok(!sides((_h, side) => (side < 0 ? jacket : green), shirt, 0.36).replaced, '... nor at the hips');
  assert.ok(sides(() => jacket, shirt, 0.04).replaced, 'sides that agree still replace the mirror at the shoulders');
});

test('SideColours: an open coat whose flap flies off one side — that side and the front\'s centre show the shirt, the other the coat — gives the back the coat from the shoulders to the waist', () => {
  const coat = [0.75, 0.6, 0.42], shirt = [0.15, 0.6, 0.45], rust = [0.6, 0.25, 0.12];
  const build = (left: number[], right: number[], centre: number[], openGarment = true) => {
    const s = new SideColours(0, 0.4, { ...UNWRAP, openGarment });
    for (let h = 0; h < 0.4; h += 0.005) { s.add(-0.15, h, left); s.add(0.15, h, right); }
    // the back's cells: the middle columns mirror the shirt; a cell on the right half at 8 cm mirrors the shirt too, one on the
    // left half at 12 cm the coat's front panel
    for (let h = 0; h < 0.4; h += 0.005) { s.addMirror(-0.01, h, centre); s.addMirror(0.01, h, centre); s.addMirror(0.09, h, centre); s.addMirror(-0.13, h, left); }
    return s;
  };
  for (const height of [0.04, 0.2]) {
    const out = [-1, -1, -1];
    assert.ok(build(coat, shirt, shirt).backColour(0.09, height, out), `the shirt's mirror on the back at ${height} m is replaced`);
    out.forEach((c, i) => assert.ok(Math.abs(c - coat[i]!) < 1e-9, `by the coat's side, not its own (the shirt's): ${out}`));
    assert.ok(build(coat, shirt, shirt).backColour(0.01, height, out), 'the middle too');
    assert.ok(!build(coat, shirt, shirt).backColour(-0.13, height, [0, 0, 0]), 'the coat panel\'s own mirror stays');
  }
  // not at the hips (the trousers at the front's centre and on one side, a sleeve beside the hip on the other: synthetic ben)
  assert.ok(!build(coat, shirt, shirt).backColour(0.09, 0.36, [0, 0, 0]), 'nothing below the waist');
  // without the rule, the right half keeps the shirt (its own side's colour) and the shoulders say nothing
  assert.ok(!build(coat, shirt, shirt, false).backColour(0.09, 0.2, [0, 0, 0]));
  // a lit side and a shaded one (the same hue): not an open garment — each half its own side's colour between shoulders and waist
  const lit = [0.8, 0.2, 0.2], shade = [0.3, 0.075, 0.075];
  assert.ok(!build(lit, shade, [0.3, 0.075, 0.075]).backColour(0.09, 0.2, [0, 0, 0]), 'a mirror like its own (shaded) side stays');
  assert.ok(!build(lit, shade, [0.3, 0.075, 0.075]).backColour(0.09, 0.04, [0, 0, 0]), 'and nothing at the shoulders');
  // sides a hue apart but a centre like neither (a white shirt between a coat and its rust lining): each half its own side
  const out = [-1, -1, -1];
  assert.ok(build(coat, rust, [0.92, 0.92, 0.9]).backColour(0.09, 0.2, out));
  out.forEach((c, i) => assert.ok(Math.abs(c - rust[i]!) < 1e-9, `own side ${out}`));
});

test('unwrap: the back of an open jacket is the jacket, not the mirrored shirt (subject 3 with a white strip down its front)', () => {
  const s = makeSubject(3, { textureSize: 512 });
  const { posed, camera, render } = s.photo({ supersample: 1 });
  const P = posed.body, W = camera.width;
  // the shirt between the lapels: the middle quarter of the torso's projected width, from its upper sixth to its waist
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
  for (let v = 0; v < s.model.partLabels.length; v++) {
    if (s.model.partLabels[v] !== PART_INDEX.torso) continue;
    const p = projectPoint(camera, P[v * 3]!, P[v * 3 + 1]!, P[v * 3 + 2]!);
    u0 = Math.min(u0, p.u); u1 = Math.max(u1, p.u); v0 = Math.min(v0, p.v); v1 = Math.max(v1, p.v);
  }
  const photo = { ...render.image, data: Float32Array.from(render.image.data) };
  for (let y = Math.round(v0 + 0.15 * (v1 - v0)); y < v0 + 0.7 * (v1 - v0); y++)
    for (let x = Math.round(u0 + 0.38 * (u1 - u0)); x < u0 + 0.62 * (u1 - u0); x++) if (render.mask[y * W + x] === 1) photo.data.set([0.95, 0.95, 0.95], (y * W + x) * 3);
  const back = s.frameCamera(posed, { yawDeg: 180, width: camera.width, height: camera.height });
  const whiteOnBack = (backFromSides: boolean): { white: number; texels: number } => {
    const r = unwrapTexture({ posedVertices: Float32Array.from(P), triangles: s.model.triangles, cornerUvs: s.model.cornerUvs, partLabels: s.model.partLabels, camera, photo, matte: Float32Array.from(render.mask), size: 512, backFromSides });
    const img = renderTextured(Float32Array.from(P), s.model.triangles, s.model.cornerUvs, r.texture, back, { background: [0, 0, 0] }).image;
    let white = 0;
    for (let p = 0; p < W * camera.height; p++) if (img.data[p * 3]! > 0.85 && img.data[p * 3 + 1]! > 0.85 && img.data[p * 3 + 2]! > 0.85) white++;
    return { white, texels: r.backFromSides };
  };
  const mirror = whiteOnBack(false), fromSides = whiteOnBack(true);
  assert.ok(mirror.white > 500, `the plain mirror puts the shirt on the back (${mirror.white} white pixels)`);
  assert.ok(fromSides.texels > 0 && fromSides.white < 0.5 * mirror.white, `white back pixels ${mirror.white} → ${fromSides.white}`);
  // the subject's own grey shirt (no strip): its back stays the mirror
  const plain = unwrapTexture({ posedVertices: Float32Array.from(P), triangles: s.model.triangles, cornerUvs: s.model.cornerUvs, partLabels: s.model.partLabels, camera, photo: render.image, matte: Float32Array.from(render.mask), size: 512 });
  assert.equal(plain.backFromSides, 0);
});

test('handNeighbourhood: pixels within the reach of a projected hand vertex, at its depth', () => {
  // camera at the origin looking down +z, f = 100 px; a hand vertex 2 m away at the image centre: 6 cm → 3 px
  const camera = { R: Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), t: Float64Array.from([0, 0, 0]), fx: 100, fy: 100, cx: 32, cy: 32, width: 64, height: 64 };
  const P = [0, 0, 2, 0.5, 0, 2];
  const near = handNeighbourhood(P, [PART_INDEX.leftHand, PART_INDEX.torso], camera, 0.06);
  assert.equal(near[32 * 64 + 32], 1);
  assert.equal(near[32 * 64 + 35], 1, '3 px away: within 6 cm');
  assert.equal(near[32 * 64 + 36], 0, '4 px away: beyond');
  assert.equal(near[32 * 64 + 57], 0, 'a torso vertex marks nothing');
});

test('unwrap: the photo\'s hand a few centimetres off the fitted one is not printed on the body; skin colour far from the hands stays', () => {
  // subject 1 (hand on the hip): a skin-coloured patch painted on the hip and thigh within 4.5 cm of the fitted hands (the
  // photo's hand, off the fitted one), and a band of it 20–23 cm from the hands (a print in the clothing itself)
  const s = makeSubject(1, { textureSize: 512 });
  const { posed, camera, render } = s.photo({ supersample: 1 });
  const P = Float32Array.from(posed.body), W = camera.width, H = camera.height;
  const raster = rasterizeMesh(P, s.model.triangles, camera, { cull: 'back' });
  const partAt = (p: number): number => { const f = raster.triangleId[p]!; return f < 0 ? -1 : s.model.partLabels[s.model.triangles[f * 3]!]!; };
  const hands: Array<{ u: number; v: number; depth: number }> = [];
  for (let v = 0; v < s.model.partLabels.length; v++)
    if (s.model.partLabels[v] === PART_INDEX.leftHand || s.model.partLabels[v] === PART_INDEX.rightHand) hands.push(projectPoint(camera, P[v * 3]!, P[v * 3 + 1]!, P[v * 3 + 2]!));
  const pxPerMetre = camera.fx / hands[0]!.depth;
  const handDistance = (x: number, y: number): number => Math.min(...hands.map((h) => Math.hypot(h.u - x, h.v - y))) / pxPerMetre;
  const skin = [0.86, 0.58, 0.48];
  const photo = { ...render.image, data: Float32Array.from(render.image.data) };
  const near: number[] = [], far: number[] = [];
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const p = y * W + x, part = partAt(p);
      if (part !== PART_INDEX.torso && part !== PART_INDEX.leftUpperLeg && part !== PART_INDEX.rightUpperLeg) continue;
      const d = handDistance(x, y);
      if (d < 0.045) near.push(p);
      else if (d > 0.2 && d < 0.23) far.push(p);
    }
  assert.ok(near.length > 30 && far.length > 30, `patches of ${near.length} and ${far.length} pixels`);
  for (const p of [...near, ...far]) photo.data.set(skin, p * 3);
  const r = unwrapTexture({ posedVertices: P, triangles: s.model.triangles, cornerUvs: s.model.cornerUvs, partLabels: s.model.partLabels, camera, photo, matte: Float32Array.from(render.mask), size: 512 });
  const img = renderTextured(P, s.model.triangles, s.model.cornerUvs, r.texture, camera, { background: [0, 0, 0] }).image;
  const painted = (pixels: number[]): number => pixels.filter((p) => Math.hypot(img.data[p * 3]! - skin[0]!, img.data[p * 3 + 1]! - skin[1]!, img.data[p * 3 + 2]! - skin[2]!) < 0.05).length / pixels.length;
  assert.ok(r.handPrints > 0, 'hand prints found');
  assert.ok(painted(near) < 0.2, `beside the hand ${(100 * painted(near)).toFixed(0)} % still the hand's colour`);
  assert.ok(painted(far) > 0.8, `far from the hands ${(100 * painted(far)).toFixed(0)} % of the print kept`);
});
