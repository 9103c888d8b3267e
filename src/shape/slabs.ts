/**
 * The single-view prior of the clothed proxy, as depth slabs per pixel of the photo camera: along each
 * pixel's ray, the depth intervals that clothing and hair occupy beyond the body (docs/shape.md, with
 * pictures). Read row by row over the matte:
 * - a run of matte pixels that the body covers up to a thin rim (`tightRim`) is skin or tight clothing:
 *   the rim copies the depth interval of the nearest body pixel in the row, nothing else is added;
 * - a looser run above the hips (a loose top) follows the body: each body pixel's depth interval grown by the
 *   overhang depth (`overhangDepthRatio` × the sideways overhang, capped), and beyond the body the nearest body
 *   pixel's interval, grown alike and rounded off towards the run's end;
 * - a region of looser runs below the hips (overlapping runs in consecutive rows) in which every pixel lies within
 *   `bridgeRim` of a leg bridges the narrow gaps between them (the depth interval interpolated between the legs on
 *   either side) and rounds off its rim like a tight one;
 * - any other looser run below the hips (a skirt, dress or coat) is a garment cross-section:
 *   an ellipse as wide as the run, centred on the body's depth in that row, whose depth half-axis is the body's
 *   half-depth plus the overhang depth (at least `skirtRoundness` × its half-width) — without arms hanging beside
 *   the legs at its ends, whose matte follows the arm (garmentCore);
 * - a run with no body at all (hair above the head, a hem below hidden feet) takes its depth centre and
 *   half-depth from the nearest run above or below that has them;
 * - above the head joint (the skull) even a thin rim of matte beside the head is hair, as thick behind the skull as
 *   beside it: the skull's rows follow the body reaching backwards only, by the overhang depth;
 * - between mouth height (the head joint) and the shoulder line, loose matte beside the jaw and neck is hair
 *   falling behind them: it follows the body like a loose top but reaches backwards only — above the chin at
 *   least as far back as the skull in the same column (hair hangs straight down from the back of the head);
 * - beside the jaw and neck only pixels whose photo colour does not rule out hair count as hair (`hairLike`,
 *   hairColour.ts: a collar of the chest's colour is not hair);
 * - hair that the matte shows beside the neck continues behind the shoulders, as a layer on the back
 *   `hairLengthFactor` chin-to-shoulder distances long — if the matte shows it beside the neck down to where the
 *   shoulders begin; hair that stops higher (a bob) ends on the back where it stops beside the neck;
 * - a hem is no lower than where the matte's lowest loose pixel of its column first meets the garment: a ray
 *   through the hem's silhouette grazes its near side, and continuing it into an ellipse would hang the far
 *   side lower by the ray's slope × the garment's depth (a band under the hem seen from behind).
 */
import type { Camera } from '../core/camera.js';
import { SHAPE_CONFIG, type ShapeConfig } from './config.js';

/** Up to two depth intervals per pixel (camera depth, metres); front > back means none. */
export interface DepthSlabs {
  width: number;
  height: number;
  /** H×W×2 front depths of slab 0 and slab 1. */
  front: Float32Array;
  /** H×W×2 back depths. */
  back: Float32Array;
  /** H×W: 1 on pixels of loose runs (clothing beyond the body), 2 on hair, 0 elsewhere (for labels and pictures). */
  kind: Uint8Array;
  /** H×W: 1 where slab 0 is a loose garment cross-section (body pixels of a loose run included). */
  loose: Uint8Array;
  /** H×W: 1 on the rows of a garment that spans the legs (a skirt, dress or coat: its matte covers the gap between the fitted
   * legs), from its top down to the lowest row where it still spans them; 0 elsewhere (trousers, legs below a hem). */
  spansLegs: Uint8Array;
  /** Per image column: the height along `up` (metres) below which loose slabs hold nothing (the hem); −∞ where none. */
  hemFloor: Float32Array;
  /** The body's up direction (world, unit) the hem floor is measured along. */
  up: readonly [number, number, number];
}

/** What the slabs are made from. */
export interface SlabInputs {
  camera: Camera;
  /** H×W matte in [0,1] at the camera's size. */
  matte: Float32Array;
  /** H×W nearest front-facing body depth (+∞ where the body does not cover). */
  bodyFront: Float32Array;
  /** H×W nearest back-facing body depth (+∞ where none). */
  bodyBack: Float32Array;
  /** Image rows of the chin and of the shoulder line (for the hair prior); NaN when unknown. */
  chinRow: number;
  /** Image row of the head joint (the skull base, about mouth height): below it hair beside the head lies behind it. */
  headRow: number;
  shoulderRow: number;
  /** Image column of the neck. */
  neckColumn: number;
  /** Image row of the hip joints: above it garment depth is capped (`maxOverhangDepth`), below it (skirts) it is not. */
  hipRow: number;
  /** The body's up direction in the world (unit; the trunk's), along which a hem hangs level. */
  up: readonly [number, number, number];
  /** H×W: which leg the front-most body surface is (1 left thigh, 2 right thigh, 3 left shin or foot, 4 right shin or foot, 0
   * neither); without it no garment spans the legs and every narrow gap between legs is bridged. */
  legSide?: Uint8Array;
  /** H×W: 1 where the front-most body surface is an arm or a hand. Beside the neck the hair prior reads the matte only up to
   * the first of them: a raised arm beside the head is not hair (man-jump-red: the hand on the head made the whole arm's
   * overhang hair, and a layer as wide as head and arm together down the back). */
  armPixels?: Uint8Array;
  /** False when the fitted legs are bent (a jump, a kick, sitting): then no region below the hips is a skirt — a run reaching
   * farther than `bridgeRim` from the legs follows their depth (followingRun) grown by at most `bentLegOverhangDepth` (rows
   * run along a bent shin, not across it), the narrow ones are bridged. */
  skirtsAllowed?: boolean;
  /** H×W: 0 where the photo's colour rules hair out (hairColour.ts: a collar the chest's colour beside the jaw and neck), 1 elsewhere.
   * Beside the jaw and neck only pixels not ruled out count as hair; without it every pixel may be hair. */
  hairLike?: Uint8Array;
}

interface RunStats { x0: number; x1: number; zc: number; hb: number; }

/** Builds the per-pixel slabs (see the module comment). */
export function buildSlabs(inp: SlabInputs, cfg: ShapeConfig = SHAPE_CONFIG): DepthSlabs {
  const { camera: cam, matte, bodyFront, bodyBack } = inp;
  const W = cam.width, H = cam.height;
  const front = new Float32Array(W * H * 2).fill(1), back = new Float32Array(W * H * 2).fill(0);
  const kind = new Uint8Array(W * H), loose = new Uint8Array(W * H), spansLegs = new Uint8Array(W * H);
  const covered = (p: number): boolean => Number.isFinite(bodyFront[p]!) && Number.isFinite(bodyBack[p]!) && bodyBack[p]! > bodyFront[p]!;
  const rows: RunStats[][] = [];
  const craniumBack = new Float32Array(W).fill(-Infinity);
  const orphans: Array<{ y: number; x0: number; x1: number }> = [];
  // loose runs below the hips, written once the rows above and below are known (resolveBelowHips)
  const belowHips: Array<{ y: number; x0: number; x1: number; bx0: number; bx1: number; zc: number; depth: number; narrow: boolean }> = [];
  for (let y = 0; y < H; y++) {
    const runs: RunStats[] = [];
    let x = 0;
    while (x < W) {
      if (matte[y * W + x]! < 0.5) { x++; continue; }
      const x0 = x;
      while (x < W && matte[y * W + x]! >= 0.5) x++;
      const x1 = x - 1;
      const stats = runStats(y, x0, x1);
      if (stats) runs.push(stats);
      else orphans.push({ y, x0, x1 });
    }
    rows.push(runs);
  }
  resolveBelowHips();
  // Runs with no body pixels borrow depth from the nearest run above or below overlapping them.
  for (const o of orphans) {
    let best: RunStats | undefined;
    for (let d = 1; d < H && !best; d++)
      for (const yy of [o.y - d, o.y + d]) {
        if (yy < 0 || yy >= H || best) continue;
        best = rows[yy]!.find((r) => r.x1 >= o.x0 && r.x0 <= o.x1);
      }
    if (!best) continue;
    looseRun(o.y, o.x0, o.x1, best.zc, best.hb);
  }
  hairBehind();
  return { width: W, height: H, front, back, kind, loose, spansLegs, hemFloor: hemFloor(), up: inp.up };

  /** Per column, the higher end (along `up`) of the lowest loose pixel's slab: see the module comment. */
  function hemFloor(): Float32Array {
    const floor = new Float32Array(W).fill(-Infinity);
    for (let x = 0; x < W; x++)
      for (let y = H - 1; y >= 0; y--) {
        const p = y * W + x;
        if (!loose[p]) continue;
        floor[x] = Math.max(heightOnRay(cam, inp.up, x + 0.5, y + 0.5, front[p * 2]!), heightOnRay(cam, inp.up, x + 0.5, y + 0.5, back[p * 2]!));
        break;
      }
    return floor;
  }

  function setSlab(p: number, k: 0 | 1, f: number, b: number): void {
    if (front[p * 2 + k]! <= back[p * 2 + k]!) { // merge with what is there
      front[p * 2 + k] = Math.min(front[p * 2 + k]!, f);
      back[p * 2 + k] = Math.max(back[p * 2 + k]!, b);
    } else { front[p * 2 + k] = f; back[p * 2 + k] = b; }
  }

  /** Stats of one run, after writing its rim or cross-section slabs; undefined when no body pixel is in it. */
  function runStats(y: number, x0: number, x1: number): RunStats | undefined {
    let zf = Infinity, zb = -Infinity, bx0 = -1, bx1 = -1;
    for (let x = x0; x <= x1; x++) {
      const p = y * W + x;
      if (!covered(p)) continue;
      zf = Math.min(zf, bodyFront[p]!); zb = Math.max(zb, bodyBack[p]!);
      if (bx0 < 0) bx0 = x;
      bx1 = x;
    }
    if (bx0 < 0) return undefined;
    const zc = (zf + zb) / 2, hb = (zb - zf) / 2;
    const metresPerPx = zc / cam.fx;
    // distance of each uncovered pixel to the nearest covered one in the row, both directions
    let loose = false, farthest = 0; // farthest: the largest distance (px) of a run pixel from the body in the row
    const nearest = new Int32Array(x1 - x0 + 1).fill(-1);
    let last = -1;
    for (let x = x0; x <= x1; x++) { if (covered(y * W + x)) last = x; nearest[x - x0] = last; }
    last = -1;
    for (let x = x1; x >= x0; x--) {
      if (covered(y * W + x)) last = x;
      const l = nearest[x - x0]!;
      if (last >= 0 && (l < 0 || last - x < x - l)) nearest[x - x0] = last;
      farthest = Math.max(farthest, Math.abs(nearest[x - x0]! - x));
    }
    loose = farthest * metresPerPx > cfg.tightRim;
    const overhang = Math.max(0, ((x1 - x0 + 1) - (bx1 - bx0 + 1)) / 2) * metresPerPx;
    if (!loose && y < inp.headRow && overhang > 0 && !touchesArm(y, x0, x1)) {
      // over the skull a thin rim is hair, and hair is about as thick behind the head as beside it
      followingRun(y, x0, x1, nearest, metresPerPx, depthOverhang(y, overhang), true);
      recordCraniumBack(y, x0, x1);
      return { x0, x1, zc, hb };
    }
    if (!loose) {
      // the rim rounds off like the run's own elliptical cross-section (no overhang)
      const a = (x1 - x0 + 1) / 2, xm = (x0 + x1 + 1) / 2;
      for (let x = x0; x <= x1; x++) {
        const p = y * W + x;
        if (covered(p) || betweenCrossedShins(y, x, bx0, bx1)) continue;
        const u = (x + 0.5 - xm) / a;
        const half = Math.max(cfg.minHalfThickness, hb * Math.sqrt(Math.max(0, 1 - u * u)));
        setSlab(p, 0, zc - half, zc + half);
      }
      return { x0, x1, zc, hb };
    }
    const depth = looseDepth(y, ((x1 - x0 + 1) / 2) * metresPerPx, hb, overhang);
    // above the hips a loose top follows the body's own depth pixel by pixel (hair beside the jaw and neck only
    // behind it); below them a skirt spans the legs as one round cross-section (looseRun) or, in a region of narrow
    // runs only, the legs are bridged (resolveBelowHips)
    if (y < inp.hipRow) followingRun(y, x0, x1, nearest, metresPerPx, depthOverhang(y, overhang), y >= inp.headRow && y <= inp.shoulderRow);
    else if (inp.skirtsAllowed === false && farthest * metresPerPx > cfg.bridgeRim) followingRun(y, x0, x1, nearest, metresPerPx, Math.min(cfg.bentLegOverhangDepth, depthOverhang(y, overhang)), false);
    else {
      // hands hanging beside a coat or skirt: the garment is the run between them; the matte around each arm follows the arm
      const { g0, g1 } = garmentCore(y, x0, x1, metresPerPx);
      const armGrowth = Math.min(cfg.bentLegOverhangDepth, depthOverhang(y, overhang));
      if (g0 > x0) followingRun(y, x0, x1, nearest, metresPerPx, armGrowth, false, x0, Math.min(x1, g0 - 1));
      if (g1 < x1) followingRun(y, x0, x1, nearest, metresPerPx, armGrowth, false, Math.max(x0, g1 + 1), x1);
      if (g0 === x0 && g1 === x1) belowHips.push({ y, x0, x1, bx0, bx1, zc, depth, narrow: farthest * metresPerPx <= cfg.bridgeRim });
      else if (g0 <= g1) {
        let cb0 = -1, cb1 = -1, coreFarthest = 0;
        for (let x = g0; x <= g1; x++) {
          if (covered(y * W + x)) { if (cb0 < 0) cb0 = x; cb1 = x; }
          coreFarthest = Math.max(coreFarthest, Math.abs(nearest[x - x0]! - x));
        }
        const coreOverhang = Math.max(0, ((g1 - g0 + 1) - (cb0 < 0 ? 0 : cb1 - cb0 + 1)) / 2) * metresPerPx;
        const coreDepth = looseDepth(y, ((g1 - g0 + 1) / 2) * metresPerPx, hb, coreOverhang);
        if (cb0 < 0) followingRun(y, x0, x1, nearest, metresPerPx, armGrowth, false, g0, g1);
        else belowHips.push({ y, x0: g0, x1: g1, bx0: cb0, bx1: cb1, zc, depth: coreDepth, narrow: coreFarthest * metresPerPx <= cfg.bridgeRim });
      }
    }
    if (y < inp.headRow) recordCraniumBack(y, x0, x1);
    return { x0, x1, zc, hb: depth };
  }

  /**
   * A loose run above the hips as the body's own cross-section inflated: each covered pixel takes the body's depth
   * interval grown by `e` in front and behind; each pixel beyond the body takes the interval of the nearest covered
   * pixel in the row, grown by `e` and rounded off elliptically towards the run's end. One camera-aligned ellipse
   * over the whole run (looseRun) is as deep as the row's nearest and farthest body points: on a trunk turned
   * 30–40° from the camera, or an arm held against it, it bulges behind the back where no body is, and unposed
   * these bulges become fins (man-jump-yellow, docs/shape.md).
   */
  function followingRun(y: number, x0: number, x1: number, nearest: Int32Array, metresPerPx: number, e: number, behindOnly: boolean, from = x0, to = x1): void {
    // beside the jaw, hair hangs straight down from the back of the skull (the rows above the head joint)
    const curtain = behindOnly && y >= inp.headRow && y < inp.chinRow && !touchesArm(y, x0, x1);
    for (let x = from; x <= to; x++) {
      const p = y * W + x;
      loose[p] = 1;
      const q = nearest[x - x0]!;
      const hang = curtain ? craniumBack[x]! : -Infinity;
      if (q === x) { setSlab(p, 0, behindOnly ? bodyFront[p]! : bodyFront[p]! - e, Math.max(hang, bodyBack[p]! + e)); continue; }
      const pq = y * W + q;
      const zq = (bodyFront[pq]! + bodyBack[pq]!) / 2, half = (bodyBack[pq]! - bodyFront[pq]!) / 2 + e;
      const reach = (x < q ? q - x0 + 0.5 : x1 - q + 0.5) * metresPerPx, s = Math.abs(x - q) * metresPerPx;
      const h = Math.max(cfg.minHalfThickness, half * Math.sqrt(Math.max(0, 1 - (s / reach) ** 2)));
      // between mouth height and the shoulders, matte beside the jaw and neck is hair falling behind them
      setSlab(p, 0, behindOnly ? zq : zq - h, Math.max(hang, zq + h));
      kind[p] = 1;
    }
  }

  /** Per column, the farthest back of the head's slabs over the skull (rows above the head joint, runs without an arm). */
  function recordCraniumBack(y: number, x0: number, x1: number): void {
    if (touchesArm(y, x0, x1)) return;
    for (let x = x0; x <= x1; x++) {
      const p = y * W + x;
      if (front[p * 2]! <= back[p * 2]!) craniumBack[x] = Math.max(craniumBack[x]!, back[p * 2]!);
    }
  }

  /**
   * Below the hips, the part of a loose run between the arms that hang beside it: the run from just inside the innermost arm
   * pixel left of the legs to just inside the innermost one right of them, where that pixel lies within `handBesideGarment` of
   * the legs (the whole run without such arms, or without legs in the row). Hands at the sides of a coat widened its round
   * cross-section to take them in, and the canonical pose, lifting the arms out, left that width behind as a tyre around the
   * hips (man-coat-beard: hands 3–7 cm from the legs). A hand farther out lies on the garment (woman-dress-stairs holds her
   * skirt out 30 cm from her legs): the garment goes on under it.
   */
  function garmentCore(y: number, x0: number, x1: number, metresPerPx: number): { g0: number; g1: number } {
    const arm = inp.armPixels, leg = inp.legSide;
    if (!arm || !leg) return { g0: x0, g1: x1 };
    let l0 = -1, l1 = -1;
    for (let x = x0; x <= x1; x++) if (leg[y * W + x]) { if (l0 < 0) l0 = x; l1 = x; }
    if (l0 < 0) return { g0: x0, g1: x1 };
    let a0 = -1, a1 = -1;
    for (let x = x0; x < l0; x++) if (arm[y * W + x]) a0 = x;
    for (let x = x1; x > l1; x--) if (arm[y * W + x]) a1 = x;
    const near = (gapPx: number): boolean => gapPx * metresPerPx <= cfg.handBesideGarment;
    return { g0: a0 >= 0 && near(l0 - a0 - 1) ? a0 + 1 : x0, g1: a1 >= 0 && near(a1 - l1 - 1) ? a1 - 1 : x1 };
  }

  /** Whether an arm or hand is the front-most body surface anywhere in the run (a hand on the head, an arm raised beside it):
   * the hair rules over the skull and beside the jaw leave such runs alone — grown behind, the arm became hair and its skinning
   * stretched the growth into sheets (man-jump-red, woman-stripes). */
  function touchesArm(y: number, x0: number, x1: number): boolean {
    const arm = inp.armPixels;
    if (!arm) return false;
    for (let x = x0; x <= x1; x++) if (arm[y * W + x]) return true;
    return false;
  }

  /**
   * Writes the loose runs below the hips. Runs in consecutive rows that overlap form a region; a region whose runs are
   * all narrow (every pixel within `bridgeRim` of the body in its row) is a gap between the legs that the fit opened
   * and the photo did not, or a matte a little wider than the legs: it is bridged (bridgeRun). Any other region is a
   * skirt, dress or coat: round cross-sections (looseRun), its narrow rows included (a coat hanging close to the legs
   * below its hips, then flaring).
   */
  function resolveBelowHips(): void {
    const n = belowHips.length, parent = Int32Array.from({ length: n }, (_, i) => i);
    const find = (a: number): number => { while (parent[a] !== a) { parent[a] = parent[parent[a]!]!; a = parent[a]!; } return a; };
    let prev0 = 0, cur0 = 0; // first index of the previous row's runs and of this row's
    for (let i = 0; i < n; i++) {
      const r = belowHips[i]!;
      if (i > 0 && r.y !== belowHips[i - 1]!.y) { prev0 = belowHips[i - 1]!.y === r.y - 1 ? cur0 : i; cur0 = i; }
      for (let k = prev0; k < cur0; k++) {
        const q = belowHips[k]!;
        if (q.y === r.y - 1 && q.x1 >= r.x0 && q.x0 <= r.x1) { const a = find(i), b = find(k); if (a !== b) parent[Math.max(a, b)] = Math.min(a, b); }
      }
    }
    const wide = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (!belowHips[i]!.narrow) wide[find(i)] = 1;
    for (let i = 0; i < n; i++) {
      const r = belowHips[i]!;
      if (wide[find(i)]) looseRun(r.y, r.x0, r.x1, r.zc, r.depth);
      else bridgeRun(r.y, r.x0, r.x1, r.bx0, r.bx1);
    }
    // a wide region whose runs cover the gap between the fitted legs over at least `skirtSpanMin` of height spans the legs
    // down to its lowest such row
    const legSide = inp.legSide;
    if (!legSide) return;
    const spanRows = new Float64Array(n), lowestSpan = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      const r = belowHips[i]!, root = find(i);
      if (!wide[root] || !runSpansLegs(legSide, r.y, r.x0, r.x1)) continue;
      spanRows[root]! += r.zc / cam.fy;
      lowestSpan[root] = Math.max(lowestSpan[root]!, r.y);
    }
    for (let i = 0; i < n; i++) {
      const r = belowHips[i]!, root = find(i);
      if (spanRows[root]! < cfg.skirtSpanMin || r.y > lowestSpan[root]!) continue;
      for (let x = r.x0; x <= r.x1; x++) spansLegs[r.y * W + x] = 1;
    }
  }

  /** True when the run holds an uncovered pixel with one leg's body pixels on one side and the other leg's on the other. */
  function runSpansLegs(legSide: Uint8Array, y: number, x0: number, x1: number): boolean {
    let side = 0, gap = false;
    for (let x = x0; x <= x1; x++) {
      const p = y * W + x;
      if (!covered(p)) { if (side) gap = true; continue; }
      const s = sideOf(legSide[p]!);
      if (s === 0) continue;
      if (side && s !== side && gap) return true;
      side = s; gap = false;
    }
    return false;
  }

  /**
   * A run below the hips whose every pixel lies within `bridgeRim` of the body in its row (thighs that touch in the
   * photo but not in the fit, a matte a little wider than the fitted legs): each gap pixel between covered pixels
   * takes the depth interval interpolated between the covered pixels on either side; the rim past the outer edges
   * takes the edge pixel's interval, rounded off elliptically towards the run's end. The skirt rule (looseRun, at
   * least `skirtRoundness` deep) made such rows of the demo's leggings a flap 4–6 cm out in front of and behind the
   * hips. A skirt over legs set wide apart reaches hardly past their outer edges but spans a wide gap: it stays a skirt.
   */
  function bridgeRun(y: number, x0: number, x1: number, bx0: number, bx1: number): void {
    let left = -1;
    for (let x = x0; x <= x1; x++) {
      const p = y * W + x;
      if (covered(p)) { left = x; continue; }
      if (x < bx0 || x > bx1) {
        // rim past an outer edge: the edge's interval, thinning towards the run's end
        const q = x < bx0 ? bx0 : bx1, pq = y * W + q;
        const zq = (bodyFront[pq]! + bodyBack[pq]!) / 2, half = (bodyBack[pq]! - bodyFront[pq]!) / 2;
        const u = Math.abs(x - q) / ((x < bx0 ? bx0 - x0 : x1 - bx1) + 0.5);
        const h = Math.max(cfg.minHalfThickness, half * Math.sqrt(Math.max(0, 1 - u * u)));
        setSlab(p, 0, zq - h, zq + h);
        continue;
      }
      let right = x + 1;
      while (!covered(y * W + right)) right++; // x < bx1, which is covered
      const t = (x - left) / (right - left), pl = y * W + left, pr = y * W + right;
      // between two shins (calves crossed in the photo, apart in the fit) a bridge is a sheet that every step tears
      if (inp.legSide && crossedShins(inp.legSide[pl]!, inp.legSide[pr]!)) continue;
      setSlab(p, 0, bodyFront[pl]! + t * (bodyFront[pr]! - bodyFront[pl]!), bodyBack[pl]! + t * (bodyBack[pr]! - bodyBack[pl]!));
      kind[p] = 1;
    }
  }

  /** True for an uncovered pixel of row y between covered pixels bx0…bx1 whose nearest covered pixels on either side are the shins
   * of different legs (calves crossed in the photo, apart in the fit): filling it would join the shins with a sheet. */
  function betweenCrossedShins(y: number, x: number, bx0: number, bx1: number): boolean {
    const legSide = inp.legSide;
    if (!legSide || x <= bx0 || x >= bx1) return false;
    let l = x - 1, r = x + 1;
    while (l > bx0 && !covered(y * W + l)) l--;
    while (r < bx1 && !covered(y * W + r)) r++;
    return crossedShins(legSide[y * W + l]!, legSide[y * W + r]!);
  }

  /** How far a garment reaches in front and behind, from its sideways overhang in row y. */
  function depthOverhang(y: number, overhang: number): number {
    const d = cfg.overhangDepthRatio * overhang;
    return y < inp.hipRow ? Math.min(cfg.maxOverhangDepth, d) : d;
  }

  /** Depth half-axis of a loose cross-section of half-width `a` (metres) over a body of half-depth `hb`: below the hips a
   * garment that spans the legs is close to round however little it overhangs the legs' outer edges. */
  function looseDepth(y: number, a: number, hb: number, overhang: number): number {
    const c = hb + depthOverhang(y, overhang);
    return y < inp.hipRow ? c : Math.max(c, cfg.skirtRoundness * a);
  }

  /** An elliptical cross-section over the run. */
  function looseRun(y: number, x0: number, x1: number, zc: number, c: number): void {
    const a = (x1 - x0 + 1) / 2, xm = (x0 + x1 + 1) / 2;
    // from the head joint (mouth height) to the shoulders, matte beside the jaw and neck is hair falling behind
    // them, not a beard or a collar in front
    const behindOnly = y >= inp.headRow && y <= inp.shoulderRow;
    for (let x = x0; x <= x1; x++) {
      const u = (x + 0.5 - xm) / a;
      const half = Math.max(cfg.minHalfThickness, c * Math.sqrt(Math.max(0, 1 - u * u)));
      const p = y * W + x;
      setSlab(p, 0, behindOnly ? zc : zc - half, zc + half);
      loose[p] = 1;
      if (!covered(p)) kind[p] = 1;
    }
  }

  /** Row y's matte run through the neck column and the body's extent bx0…bx1 in it; null without one or without body pixels. */
  function neckRun(y: number): { run: RunStats; bx0: number; bx1: number } | null {
    const whole = rows[y]!.find((r) => r.x0 <= inp.neckColumn && r.x1 >= inp.neckColumn);
    if (!whole) return null;
    // the run around the neck ends where an arm begins (armPixels)
    const arm = inp.armPixels, nc = Math.round(inp.neckColumn);
    let x0 = whole.x0, x1 = whole.x1;
    if (arm) {
      if (arm[y * W + nc]) return null;
      for (let x = nc; x >= whole.x0; x--) if (arm[y * W + x]) { x0 = x + 1; break; }
      for (let x = nc; x <= whole.x1; x++) if (arm[y * W + x]) { x1 = x - 1; break; }
    }
    const run = x0 === whole.x0 && x1 === whole.x1 ? whole : { ...whole, x0, x1 };
    let bx0 = -1, bx1 = -1;
    for (let x = run.x0; x <= run.x1; x++) if (covered(y * W + x)) { if (bx0 < 0) bx0 = x; bx1 = x; }
    return bx0 < 0 ? null : { run, bx0, bx1 };
  }

  /** Pixels of possible hair (hairLike) beyond the body's extent on each side of a neck run. */
  function hairRim(y: number, r: { run: RunStats; bx0: number; bx1: number }): { left: number; right: number } {
    const like = inp.hairLike;
    if (!like) return { left: r.bx0 - r.run.x0, right: r.run.x1 - r.bx1 };
    let left = 0, right = 0;
    for (let x = r.run.x0; x < r.bx0; x++) left += like[y * W + x]!;
    for (let x = r.bx1 + 1; x <= r.run.x1; x++) right += like[y * W + x]!;
    return { left, right };
  }

  /** Whether the matte reaches beyond the fitted head beside the jaw (rows from the head joint to above the chin), on both sides together by hairSideMin, on some row. */
  function hairBesideJaw(): boolean {
    const { headRow, chinRow } = inp;
    if (!Number.isFinite(headRow) || !(chinRow > headRow)) return true; // no jaw rows to look at: as before
    for (let y = Math.max(0, Math.round(headRow)); y < Math.min(H, Math.round(chinRow)); y++) {
      const r = neckRun(y);
      if (!r) continue;
      const rim = hairRim(y, r);
      if ((rim.left + rim.right) * (r.run.zc / cam.fx) >= cfg.hairSideMin) return true;
    }
    return false;
  }

  /** Hair seen beside the neck continues as a layer on the back below the shoulder line. */
  function hairBehind(): void {
    const { chinRow, shoulderRow, neckColumn } = inp;
    if (!Number.isFinite(chinRow) || !Number.isFinite(shoulderRow) || shoulderRow <= chinRow) return;
    // hair that falls beside the neck also frames the face: without matte beyond the fitted head beside the jaw (rows from
    // the head joint to the chin), what sticks out beside the neck is a collar or padded shoulders (man-suit-dance)
    if (!hairBesideJaw()) return;
    // widest hair beside the neck: matte runs containing the neck column between chin and shoulders,
    // compared with the body's own extent there
    let hairHalf = 0, lowestHairRow = -1;
    const yMid = Math.round((chinRow + 3 * shoulderRow) / 4);
    for (let y = Math.max(0, Math.round(chinRow)); y <= Math.min(H - 1, yMid); y++) {
      const r = neckRun(y);
      if (!r) continue;
      const { run } = r;
      const metresPerPx = run.zc / cam.fx;
      const rim = hairRim(y, r);
      const side = Math.min(rim.left, rim.right) * metresPerPx;
      if (side >= cfg.hairSideMin) hairHalf = Math.max(hairHalf, (run.x1 - run.x0 + 1) / 2);
      // how far down the hair reaches: both sides together (a fit a few pixels to one side moves hair from one side to the other)
      if ((rim.left + rim.right) * metresPerPx >= cfg.hairSideMin) lowestHairRow = y;
      for (let x = run.x0; x <= run.x1; x++) if (!covered(y * W + x) && side >= cfg.hairSideMin && (inp.hairLike?.[y * W + x] ?? 1)) kind[y * W + x] = 2;
    }
    if (hairHalf === 0) return;
    // hair seen beside the neck well down towards the shoulders falls onto the back, the prior's length below the shoulder
    // line; hair that stops near the chin (a bob) ends on the back where it stops beside the neck
    const reachesShoulders = lowestHairRow - chinRow >= cfg.hairShoulderReach * (yMid - chinRow);
    const length = reachesShoulders ? cfg.hairLengthFactor * (shoulderRow - chinRow) : lowestHairRow - shoulderRow;
    const yEnd = Math.min(H - 1, Math.round(shoulderRow + length));
    // the layer thins towards its lower end from the shoulder line (long hair) or from the chin (a bob)
    const taperFrom = reachesShoulders ? shoulderRow : chinRow, taper = Math.max(1, yEnd - taperFrom);
    for (let y = Math.max(0, Math.round(chinRow)); y <= yEnd; y++)
      for (let x = Math.max(0, Math.round(neckColumn - hairHalf)); x <= Math.min(W - 1, Math.round(neckColumn + hairHalf)); x++) {
        const p = y * W + x;
        if (!covered(p) || matte[p]! < 0.5) continue;
        // the layer rounds off towards its sides and its lower end
        const u = (x + 0.5 - neckColumn) / hairHalf, v = Math.max(0, (y - taperFrom) / taper);
        const t = cfg.hairThickness * Math.sqrt(Math.max(0, 1 - u * u)) * Math.sqrt(Math.max(0, 1 - v * v));
        if (t <= 0) continue;
        setSlab(p, 1, bodyBack[p]! - t, bodyBack[p]! + t);
        kind[p] = 2;
      }
  }
}

/** The leg of a legSide code (1 left, 2 right, 0 neither). */
function sideOf(code: number): number { return code > 2 ? code - 2 : code; }

/** True when two legSide codes are the shins (or feet) of different legs. */
function crossedShins(a: number, b: number): boolean { return a > 2 && b > 2 && a !== b; }

/** Height along `up` of the world point at camera depth `depth` on the ray through pixel (u, v). */
export function heightOnRay(cam: Camera, up: readonly [number, number, number], u: number, v: number, depth: number): number {
  const c = [((u - cam.cx) / cam.fx) * depth - cam.t[0]!, ((v - cam.cy) / cam.fy) * depth - cam.t[1]!, depth - cam.t[2]!];
  const R = cam.R;
  // world = Rᵀ·(camera − t)
  let h = 0;
  for (let a = 0; a < 3; a++) h += up[a]! * (R[a]! * c[0]! + R[3 + a]! * c[1]! + R[6 + a]! * c[2]!);
  return h;
}
