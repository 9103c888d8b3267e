import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSlabs } from '../../src/shape/slabs.js';
import { SHAPE_CONFIG } from '../../src/shape/config.js';
import type { Camera } from '../../src/core/camera.js';

/**
 * A trunk turned away from the camera, in rows above the hips: its depth grows across the row (near side at
 * 2.0 m, far side at 2.3 m, 10 cm deep everywhere), and a loose top's matte overhangs it 6 px on each side.
 */
function turnedTrunk(hairRows = false) {
  const W = 60, H = 8;
  const camera: Camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: 100, fy: 100, cx: W / 2, cy: H / 2, width: W, height: H };
  const matte = new Float32Array(W * H), bodyFront = new Float32Array(W * H).fill(Infinity), bodyBack = new Float32Array(W * H).fill(Infinity);
  for (let y = 0; y < H; y++)
    for (let x = 14; x < 46; x++) {
      const p = y * W + x;
      matte[p] = 1;
      if (x >= 20 && x < 40) { bodyFront[p] = 2 + 0.015 * (x - 20); bodyBack[p] = bodyFront[p]! + 0.1; }
    }
  return buildSlabs({ camera, matte, bodyFront, bodyBack, chinRow: NaN, headRow: hairRows ? 0 : NaN, shoulderRow: hairRows ? H : NaN, neckColumn: NaN, hipRow: H + 10, up: [0, 1, 0] });
}

test('above the hips a loose top follows a turned trunk: no slab bulges behind the near side, and every matte pixel gets depth', () => {
  const s = turnedTrunk(), W = s.width, e = SHAPE_CONFIG.maxOverhangDepth;
  for (let y = 0; y < s.height; y++) {
    for (let x = 14; x < 46; x++) {
      const p = y * W + x;
      assert.ok(s.front[p * 2]! < s.back[p * 2]!, `pixel ${x},${y} has a slab`);
      assert.equal(s.loose[p], 1);
      if (x >= 20 && x < 40) {
        const f = 2 + 0.015 * (x - 20);
        // the body's own interval grown by at most the overhang depth, not the row's whole 2.0–2.4 m span
        assert.ok(s.front[p * 2]! >= f - e - 1e-6 && s.back[p * 2]! <= f + 0.1 + e + 1e-6, `pixel ${x}: ${s.front[p * 2]}–${s.back[p * 2]}`);
      } else {
        // beyond the body it rounds off from the nearest body pixel's interval
        const q = x < 20 ? 20 : 39, fq = 2 + 0.015 * (q - 20);
        assert.ok(s.front[p * 2]! >= fq - e - 1e-6 && s.back[p * 2]! <= fq + 0.1 + e + 1e-6, `pixel ${x}: ${s.front[p * 2]}–${s.back[p * 2]}`);
      }
    }
  }
  // near-side pixel: one camera-aligned ellipse over the run would reach 2.4 m behind it (zc 2.2 + 0.15 + 0.1)
  assert.ok(s.back[(2 * W + 20) * 2]! < 2.25);
});

test('between mouth height and the shoulders the loose matte beside the neck reaches only behind the body (hair falling behind it)', () => {
  const s = turnedTrunk(true), W = s.width;
  for (let x = 14; x < 46; x++) {
    const p = 3 * W + x;
    const q = Math.min(39, Math.max(20, x)), fq = 2 + 0.015 * (q - 20);
    // nothing in front of the body: covered pixels start at the body's front, the others at the nearest body pixel's centre
    assert.ok(s.front[p * 2]! >= (x === q ? fq : fq + 0.05) - 1e-6, `pixel ${x}: front ${s.front[p * 2]}`);
    assert.ok(s.back[p * 2]! > s.front[p * 2]!, `pixel ${x} has a slab`);
  }
});

/**
 * A head and neck 10 px wide (1 cm per px at 2 m): jaw rows 0–9 (head joint at row 0, chin at row 10), neck rows 10–29 down
 * to the shoulder line at row 30. The matte reaches 8 px beyond both sides on the neck rows, and on the jaw rows too when
 * `besideJaw` (long hair framing the face; without it, a collar or padded shoulders).
 */
function headAndNeck(besideJaw: boolean, hairLike?: (x: number, y: number) => boolean) {
  const W = 60, H = 40;
  const camera: Camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: 200, fy: 200, cx: W / 2, cy: H / 2, width: W, height: H };
  const matte = new Float32Array(W * H), bodyFront = new Float32Array(W * H).fill(Infinity), bodyBack = new Float32Array(W * H).fill(Infinity);
  for (let y = 0; y < 30; y++)
    for (let x = 17; x < 43; x++) {
      const body = x >= 25 && x < 35;
      if (!body && y < 10 && !besideJaw) continue;
      const p = y * W + x;
      matte[p] = 1;
      if (body) { bodyFront[p] = 2; bodyBack[p] = 2.1; }
    }
  const like = hairLike && Uint8Array.from({ length: W * H }, (_, p) => (hairLike(p % W, Math.floor(p / W)) ? 1 : 0));
  return buildSlabs({ camera, matte, bodyFront, bodyBack, chinRow: 10, headRow: 0, shoulderRow: 30, neckColumn: 30, hipRow: H + 10, up: [0, 1, 0], hairLike: like });
}

const hairPixels = (s: ReturnType<typeof buildSlabs>): number => s.kind.reduce((n, k) => n + (k === 2 ? 1 : 0), 0);

test('matte beside the neck is hair only when it also frames the jaw; a collar beside the neck alone is not (man-suit-dance)', () => {
  assert.ok(hairPixels(headAndNeck(true)) > 100, `long hair: ${hairPixels(headAndNeck(true))} hair pixels`);
  assert.equal(hairPixels(headAndNeck(false)), 0, 'a collar: no hair');
});

test('matte beside the jaw and neck whose colour rules hair out is not hair: a high collar (man-coat-beard)', () => {
  const everywhere = hairPixels(headAndNeck(true));
  // hairLike everywhere: the same as without the colour test
  assert.equal(hairPixels(headAndNeck(true, () => true)), everywhere);
  // a collar of the chest's colour up to the jaw: no hair, no layer down the back
  assert.equal(hairPixels(headAndNeck(true, () => false)), 0, 'a collar up to the jaw');
  // hair-coloured beside the jaw, a collar below the chin: the hair frames the face but nothing beside the neck is hair
  const jawOnly = headAndNeck(true, (_x, y) => y < 10);
  assert.equal(hairPixels(jawOnly), 0, `hair beside the jaw only: ${hairPixels(jawOnly)} hair pixels`);
  // hair beside the jaw and the neck's outer 4 px a collar: the 4 px nearer the neck still reach hairSideMin (3 cm)
  const outerCollar = headAndNeck(true, (x) => x >= 21 && x < 39);
  assert.ok(hairPixels(outerCollar) > 0 && hairPixels(outerCollar) < everywhere, `inner hair: ${hairPixels(outerCollar)} of ${everywhere}`);
});

/**
 * Rows below the hips: two legs 20 px wide (2.0–2.15 m deep; 1 cm per px at the rows' centre depth 2.075 m and fx 207.5) with a gap of `gap` px
 * between them in the fitted body, and a matte that spans the gap and reaches `rim` px past each leg's outer edge.
 */
function legsBelowHips(gap: number, rim: number | ((y: number) => number)) {
  const W = 90, H = 4;
  const rimOf = typeof rim === 'number' ? () => rim : rim;
  const camera: Camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: 207.5, fy: 207.5, cx: W / 2, cy: H / 2, width: W, height: H };
  const matte = new Float32Array(W * H), bodyFront = new Float32Array(W * H).fill(Infinity), bodyBack = new Float32Array(W * H).fill(Infinity);
  const l0 = 25, l1 = l0 + 20, r0 = l1 + gap, r1 = r0 + 20;
  for (let y = 0; y < H; y++)
    for (let x = l0 - rimOf(y); x < r1 + rimOf(y); x++) {
      const p = y * W + x;
      matte[p] = 1;
      if ((x >= l0 && x < l1) || (x >= r0 && x < r1)) { bodyFront[p] = 2; bodyBack[p] = 2.15; }
    }
  const s = buildSlabs({ camera, matte, bodyFront, bodyBack, chinRow: NaN, headRow: NaN, shoulderRow: NaN, neckColumn: NaN, hipRow: -1, up: [0, 1, 0] });
  const onLeg = (x: number): boolean => (x >= l0 && x < l1) || (x >= r0 && x < r1);
  return { s, W, x0: l0 - rimOf(0), x1: r1 + rimOf(0), onLeg };
}

test('below the hips a gap between the fitted legs that the matte spans, with a rim under bridgeRim, is bridged at the legs\' depth, not made a skirt', () => {
  // 4 cm gap and 2 cm rim, like the demo's crotch rows (2–3 cm gap, 2.5 cm rim), where the skirt rule built a 32 cm deep flap
  const { s, W, x0, x1, onLeg } = legsBelowHips(4, 2);
  assert.ok(0.02 < SHAPE_CONFIG.bridgeRim, 'the case is under the threshold');
  for (let x = x0; x < x1; x++) {
    const p = W + x;
    assert.equal(s.loose[p], 0, `pixel ${x} is not a loose garment cross-section (no hem clipping)`);
    if (onLeg(x)) continue; // the body itself fills the legs' pixels
    assert.ok(s.front[p * 2]! < s.back[p * 2]!, `pixel ${x} has a slab`);
    assert.ok(s.front[p * 2]! >= 2 - 1e-6 && s.back[p * 2]! <= 2.15 + 1e-6, `pixel ${x}: ${s.front[p * 2]}–${s.back[p * 2]} leaves the legs' depth`);
  }
});

test('below the hips a skirt stays a round cross-section deeper than the legs: past the legs, or over legs set wide apart', () => {
  // 8 cm past each leg; and a 24 cm gap with no overhang at all (woman-plaid-skirt: legs wide apart inside the skirt)
  for (const [gap, rim] of [[6, 8], [24, 0]] as const) {
    const { s, W } = legsBelowHips(gap, rim);
    const mid = W + 25 + 20 + gap / 2; // the middle of the gap
    assert.equal(s.loose[mid], 1, `gap ${gap}, rim ${rim}: loose`);
    assert.ok(s.back[mid * 2]! - s.front[mid * 2]! > 0.15 + 0.1, `gap ${gap}, rim ${rim}: skirt depth ${s.back[mid * 2]! - s.front[mid * 2]!} m at the gap`);
  }
});

/**
 * A skirt below the hips (legs 20 px wide with a 6 px gap, matte 4 px past each leg; 1 cm per px) and, when `hands`, a hand on each
 * side: 6 px of arm pixels (2.0–2.06 m deep) `handGap` px past the skirt's edge (4 cm from the legs when 0), with 2 px of matte around it and the skirt's matte
 * reaching it (`handPixels`: the matte past the hands' outer sides).
 */
function skirtWithHands(hands: boolean, handGap = 0) {
  const W = 140, H = 4;
  const camera: Camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: 207.5, fy: 207.5, cx: W / 2, cy: H / 2, width: W, height: H };
  const matte = new Float32Array(W * H), bodyFront = new Float32Array(W * H).fill(Infinity), bodyBack = new Float32Array(W * H).fill(Infinity);
  const legSide = new Uint8Array(W * H), armPixels = new Uint8Array(W * H);
  const l0 = 45, l1 = 65, r0 = 71, r1 = 91, rim = 4, hand = 6;
  const starts = [l0 - rim - handGap - hand, r1 + rim + handGap];
  for (let y = 0; y < H; y++) {
    for (let x = hands ? starts[0]! : l0 - rim; x < (hands ? starts[1]! : r1 + rim); x++) matte[y * W + x] = 1;
    for (let x = l0; x < r1; x++) {
      if (x >= l1 && x < r0) continue;
      const p = y * W + x;
      bodyFront[p] = 2; bodyBack[p] = 2.15; legSide[p] = x < l1 ? 1 : 2;
    }
    if (!hands) continue;
    for (const start of starts)
      for (let x = start - 2; x < start + hand + 2; x++) {
        const p = y * W + x;
        matte[p] = 1;
        if (x >= start && x < start + hand) { bodyFront[p] = 2; bodyBack[p] = 2.06; armPixels[p] = 1; }
      }
  }
  const s = buildSlabs({ camera, matte, bodyFront, bodyBack, chinRow: NaN, headRow: NaN, shoulderRow: NaN, neckColumn: NaN, hipRow: -1, up: [0, 1, 0], legSide, armPixels });
  return { s, W, mid: W + (l1 + r0) / 2, handPixels: [starts[0]! - 2, starts[0]! - 1, starts[1]! + hand, starts[1]! + hand + 1].map((x) => W + x) };
}

test('below the hips hands hanging beside a skirt do not widen its cross-section: the matte around them follows the arm (man-coat-beard)', () => {
  const bare = skirtWithHands(false), withHands = skirtWithHands(true);
  const depth = (r: typeof bare, p: number): number => r.s.back[p * 2]! - r.s.front[p * 2]!;
  assert.ok(Math.abs(depth(withHands, withHands.mid) - depth(bare, bare.mid)) < 1e-6, `skirt depth ${depth(withHands, withHands.mid)} with hands, ${depth(bare, bare.mid)} without`);
  for (const p of withHands.handPixels) {
    assert.ok(withHands.s.front[p * 2]! < withHands.s.back[p * 2]!, `pixel ${p - withHands.W} beside a hand has a slab`);
    assert.ok(withHands.s.front[p * 2]! >= 2 - SHAPE_CONFIG.bentLegOverhangDepth - 1e-6 && withHands.s.back[p * 2]! <= 2.06 + SHAPE_CONFIG.bentLegOverhangDepth + 1e-6,
      `pixel ${p - withHands.W}: ${withHands.s.front[p * 2]}–${withHands.s.back[p * 2]} leaves the hand's depth`);
  }
  // hands 20 cm out from the legs lie on the skirt (woman-dress-stairs holds hers out): the skirt goes on under them, as wide as the run
  const far = skirtWithHands(true, 16);
  assert.ok((4 + 16) * 0.01 > SHAPE_CONFIG.handBesideGarment);
  assert.ok(depth(far, far.mid) > depth(bare, bare.mid) + 0.05, `skirt under far hands ${depth(far, far.mid)} m deep, bare ${depth(bare, bare.mid)}`);
});

test('below the hips narrow rows that continue into a skirt below them (a coat close to the legs, then flaring) stay part of the skirt', () => {
  const { s, W } = legsBelowHips(4, (y) => (y < 2 ? 2 : 8));
  const mid = W + 25 + 20 + 2; // row 1 (narrow), the middle of the gap
  assert.equal(s.loose[mid], 1);
  assert.ok(s.back[mid * 2]! - s.front[mid * 2]! > 0.15 + 0.05, `depth ${s.back[mid * 2]! - s.front[mid * 2]!} m`);
});

/**
 * `rows` rows below the hips (1 cm a row at 2.075 m): two fitted legs 20 px wide with a 10 px gap, each leg's pixels labelled
 * with its side; the matte reaches 15 px past each outer edge (a wide garment) and covers the gap when `matteSpansGap`,
 * else stops at the gap (two wide trouser legs).
 */
function sidedLegs(rows: number, matteSpansGap: boolean, skirtsAllowed = true) {
  const W = 120, H = rows, l0 = 30, l1 = 50, r0 = 60, r1 = 80;
  const camera: Camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: 207.5, fy: 207.5, cx: W / 2, cy: H / 2, width: W, height: H };
  const matte = new Float32Array(W * H), bodyFront = new Float32Array(W * H).fill(Infinity), bodyBack = new Float32Array(W * H).fill(Infinity);
  const legSide = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = l0 - 15; x < r1 + 15; x++) {
      const p = y * W + x, left = x >= l0 && x < l1, right = x >= r0 && x < r1;
      if (matteSpansGap || x < l1 + 3 || x >= r0 - 3) matte[p] = 1;
      if (left || right) { bodyFront[p] = 2; bodyBack[p] = 2.15; legSide[p] = left ? 1 : 2; }
    }
  return buildSlabs({ camera, matte, bodyFront, bodyBack, chinRow: NaN, headRow: NaN, shoulderRow: NaN, neckColumn: NaN, hipRow: -1, up: [0, 1, 0], legSide, skirtsAllowed });
}

test('a garment whose matte covers the gap between the legs spans them (a skirt); two wide trouser legs and a few rows do not', () => {
  const count = (s: ReturnType<typeof buildSlabs>): number => s.spansLegs.reduce((n, v) => n + v, 0);
  const skirt = sidedLegs(12, true);
  // every pixel of every row, legs and gap included (12 cm of rows ≥ skirtSpanMin)
  assert.equal(count(skirt), 12 * 80);
  assert.equal(count(sidedLegs(12, false)), 0, 'trouser legs with the background between them');
  assert.ok(SHAPE_CONFIG.skirtSpanMin > 0.04);
  assert.equal(count(sidedLegs(4, true)), 0, '4 cm of spanning rows is a fit that opened the legs, not a skirt');
});

test('on bent legs (skirtsAllowed false) matte beyond the legs below the hips follows the legs\' depth: no round skirt cross-section, nothing spans', () => {
  const skirt = sidedLegs(12, true), bent = sidedLegs(12, true, false), W = skirt.width;
  const gap = 5 * W + 55, thickness = (s: ReturnType<typeof buildSlabs>, p: number): number => s.back[p * 2]! - s.front[p * 2]!;
  // the skirt rule: one ellipse over the whole 80 px (0.8 m) run, at least skirtRoundness × its half-width deep
  assert.ok(thickness(skirt, gap) > 0.5, `skirt slab ${thickness(skirt, gap)} m`);
  // bent legs: each pixel takes its nearest leg's interval (15 cm) grown by at most bentLegOverhangDepth on each side, however
  // far the row's matte reaches past the legs (15 px = 15 cm here: a row along a bent shin)
  const e = SHAPE_CONFIG.bentLegOverhangDepth;
  assert.ok(e < 0.9 * 0.15);
  for (let x = 15; x < 95; x++) {
    const p = 5 * W + x;
    assert.ok(thickness(bent, p) > 0, `pixel ${x} has a slab`);
    assert.ok(bent.front[p * 2]! >= 2 - e - 1e-6 && bent.back[p * 2]! <= 2.15 + e + 1e-6, `pixel ${x}: ${bent.front[p * 2]}–${bent.back[p * 2]}`);
  }
  const onLeg = 5 * W + 35;
  assert.ok(Math.abs(bent.front[onLeg * 2]! - (2 - e)) < 1e-6 && Math.abs(bent.back[onLeg * 2]! - (2.15 + e)) < 1e-6, 'a leg pixel grows by exactly the cap');
  assert.equal(bent.spansLegs.reduce((n, v) => n + v, 0), 0);
});

test('a gap between crossed shins that the matte covers is left open; between thighs it is filled', () => {
  // two legs 20 px wide, 3 px apart (1 cm a pixel: a tight rim), matte over both and the gap, no rim past the outer edges
  const gapFill = (codes: [number, number]): number => {
    const W = 80, H = 4, l0 = 20, l1 = 40, r0 = 43, r1 = 63;
    const camera: Camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: 207.5, fy: 207.5, cx: W / 2, cy: H / 2, width: W, height: H };
    const matte = new Float32Array(W * H), bodyFront = new Float32Array(W * H).fill(Infinity), bodyBack = new Float32Array(W * H).fill(Infinity);
    const legSide = new Uint8Array(W * H);
    for (let y = 0; y < H; y++)
      for (let x = l0; x < r1; x++) {
        const p = y * W + x;
        matte[p] = 1;
        if (x < l1 || x >= r0) { bodyFront[p] = 2; bodyBack[p] = 2.15; legSide[p] = x < l1 ? codes[0] : codes[1]; }
      }
    const s = buildSlabs({ camera, matte, bodyFront, bodyBack, chinRow: NaN, headRow: NaN, shoulderRow: NaN, neckColumn: NaN, hipRow: -1, up: [0, 1, 0], legSide });
    let filled = 0;
    for (let y = 0; y < H; y++) for (let x = l1; x < r0; x++) if (s.front[(y * W + x) * 2]! < s.back[(y * W + x) * 2]!) filled++;
    return filled;
  };
  assert.equal(gapFill([3, 4]), 0, 'left and right shins');
  assert.equal(gapFill([1, 2]), 4 * 3, 'left and right thighs');
});

/**
 * The head and neck of `headAndNeck` (body x 25–34, rows 0–29; matte 8 px beyond it on the left, a collar or a cap's edge)
 * with a raised arm against them on the right: the arm's body x 35–44, its matte 8 px wider than the fitted arm (x 45–52), as
 * a hand held on the head leaves it.
 */
function raisedArmBesideHead(withArmPixels: boolean) {
  const W = 60, H = 40;
  const camera: Camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: 200, fy: 200, cx: W / 2, cy: H / 2, width: W, height: H };
  const matte = new Float32Array(W * H), bodyFront = new Float32Array(W * H).fill(Infinity), bodyBack = new Float32Array(W * H).fill(Infinity);
  const armPixels = new Uint8Array(W * H);
  for (let y = 0; y < 30; y++)
    for (let x = 17; x < 53; x++) {
      const p = y * W + x;
      matte[p] = 1;
      if (x >= 25 && x < 45) { bodyFront[p] = 2; bodyBack[p] = 2.1; }
      if (x >= 35 && x < 45) armPixels[p] = 1;
    }
  return buildSlabs({ camera, matte, bodyFront, bodyBack, chinRow: 10, headRow: 0, shoulderRow: 30, neckColumn: 30, hipRow: H + 10, up: [0, 1, 0], armPixels: withArmPixels ? armPixels : undefined });
}

test('a raised arm against the head is not hair: the hair prior reads the matte beside the neck only up to the arm (man-jump-red)', () => {
  assert.ok(hairPixels(raisedArmBesideHead(false)) > 100, `without the arm map the arm's overhang is hair (${hairPixels(raisedArmBesideHead(false))} pixels)`);
  assert.equal(hairPixels(raisedArmBesideHead(true)), 0);
});

/**
 * A head seen from the front, 0.7 cm per px: skull rows 0–9 (above the head joint at row 10; body 2.00–2.18 m deep) with
 * hair 2 px (1.4 cm, under tightRim) beyond both sides; jaw rows 10–19 (chin at row 20; the face and neck only 2.00–2.10
 * m deep) with hair 8 px beside the jaw (a bob).
 */
function headWithBob() {
  const W = 60, H = 30;
  const camera: Camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: 300, fy: 300, cx: W / 2, cy: H / 2, width: W, height: H };
  const matte = new Float32Array(W * H), bodyFront = new Float32Array(W * H).fill(Infinity), bodyBack = new Float32Array(W * H).fill(Infinity);
  for (let y = 0; y < 20; y++) {
    const hair = y < 10 ? 2 : 8;
    for (let x = 25 - hair; x < 35 + hair; x++) {
      const p = y * W + x;
      matte[p] = 1;
      if (x >= 25 && x < 35) { bodyFront[p] = 2; bodyBack[p] = y < 10 ? 2.18 : 2.1; }
    }
  }
  return buildSlabs({ camera, matte, bodyFront, bodyBack, chinRow: 20, headRow: 10, shoulderRow: 28, neckColumn: 30, hipRow: H + 10, up: [0, 1, 0] });
}

test('hair over the skull is as thick behind the head as beside it, and beside the jaw it hangs straight down from the back of the skull', () => {
  const s = headWithBob(), W = s.width;
  const at = (x: number, y: number) => ({ front: s.front[(y * W + x) * 2]!, back: s.back[(y * W + x) * 2]! });
  // skull: a 1.4 cm rim beside it is hair, so the back grows by about as much (overhangDepthRatio), the front stays
  const skull = at(30, 5);
  assert.equal(skull.front, 2, 'nothing in front of the forehead');
  assert.ok(skull.back > 2.18 + 0.8 * SHAPE_CONFIG.overhangDepthRatio * 0.014, `skull back ${skull.back}`);
  // jaw rows: the face and neck are 8 cm shallower than the skull, the hair behind them is not
  for (const y of [11, 15, 19]) {
    const jaw = at(30, y);
    assert.equal(jaw.front, 2, `row ${y}: nothing in front of the face`);
    assert.ok(jaw.back >= skull.back - 1e-6, `row ${y}: hair behind the jaw reaches ${jaw.back}, the skull's back ${skull.back}`);
  }
  // below the chin (neck rows without matte beside them) nothing hangs
  assert.ok(!(s.front[(22 * W + 30) * 2]! <= s.back[(22 * W + 30) * 2]!), 'no matte, no slab below the bob');
});
