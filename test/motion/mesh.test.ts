import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { BodyPoser } from '../../src/body/skinning.js';
import { PART_INDEX, type BodyPose } from '../../src/body/types.js';
import { restSkeletonOf } from '../../src/motion/body.js';
import { getBuiltinMotion, listBuiltinMotions } from '../../src/motion/builtin.js';
import { createPoseSampler } from '../../src/motion/sample.js';
import { createFkResult, quatForwardKinematics } from '../../src/body/fk.js';
import { quatToMatrix } from '../../src/core/rotation.js';

/** Convex hull (monotone chain) of 2-D points, counter-clockwise. */
function hull(pts: Array<[number, number]>): Array<[number, number]> {
  const p = [...pts].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: number[], a: number[], b: number[]): number => (a[0]! - o[0]!) * (b[1]! - o[1]!) - (a[1]! - o[1]!) * (b[0]! - o[0]!);
  const lower: Array<[number, number]> = [], upper: Array<[number, number]> = [];
  for (const q of p) { while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0) lower.pop(); lower.push(q); }
  for (const q of p.reverse()) { while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0) upper.pop(); upper.push(q); }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** Depth of point q inside the CCW polygon h (negative outside). */
function depthInside(h: Array<[number, number]>, q: [number, number]): number {
  let d = Infinity;
  for (let i = 0; i < h.length; i++) {
    const a = h[i]!, b = h[(i + 1) % h.length]!;
    const ex = b[0] - a[0], ey = b[1] - a[1], n = Math.hypot(ex, ey);
    d = Math.min(d, ((q[1] - a[1]) * ex - (q[0] - a[0]) * ey) / n);
  }
  return d;
}

const model = loadBodyModel();
const rs = restSkeletonOf(model);
const poser = new BodyPoser(model);
const J = rs.skeleton.names.length;
const spine = rs.skeleton.names.indexOf('spine_02');
const torso: number[] = [], limbs: number[] = [];
for (let v = 0; v < model.vertexCount; v++) {
  const p = model.partLabels[v]!;
  if (p === PART_INDEX.torso) torso.push(v);
  else if (p === PART_INDEX.leftHand || p === PART_INDEX.rightHand || p === PART_INDEX.leftForearm || p === PART_INDEX.rightForearm) limbs.push(v);
}
const SLAB = 0.02, MARGIN = 0.015; // m
const fk = createFkResult(J);

/** How deep (m) the deepest hand/forearm vertex lies inside the torso's cross-section hulls (negative: outside). */
function deepest(localQuats: ArrayLike<number>, translation: ArrayLike<number>, pose: BodyPose): { depth: number; vertex: number } {
  const x = poser.forward({ pose }).vertices;
  // Work in the mid-spine frame so that the torso is upright.
  quatForwardKinematics(rs.skeleton, rs.rest, localQuats, translation, fk);
  const R = quatToMatrix(fk.globalQuats.subarray(spine * 4, spine * 4 + 4));
  const o = [0, 1, 2].map((k) => fk.positions[spine * 3 + k]!);
  const local = (v: number): [number, number, number] => {
    const d = [0, 1, 2].map((k) => x[v * 3 + k]! - o[k]!);
    return [0, 1, 2].map((c) => R[c]! * d[0]! + R[3 + c]! * d[1]! + R[6 + c]! * d[2]!) as [number, number, number];
  };
  const slabs = new Map<number, Array<[number, number]>>();
  for (const v of torso) {
    const p = local(v), k = Math.floor(p[1] / SLAB);
    (slabs.get(k) ?? slabs.set(k, []).get(k)!).push([p[0], p[2]]);
  }
  const hulls = new Map<number, Array<[number, number]>>();
  for (const [k, pts] of slabs) if (pts.length >= 8) hulls.set(k, hull(pts));
  let depth = -Infinity, vertex = -1;
  for (const v of limbs) {
    const p = local(v);
    const h = hulls.get(Math.floor(p[1] / SLAB));
    if (!h || h.length < 3) continue;
    const d = depthInside(h, [p[0], p[2]]);
    if (d > depth) { depth = d; vertex = v; }
  }
  return { depth, vertex };
}

test('the torso check catches an arm pushed through the chest', () => {
  const q = new Float64Array(J * 4);
  for (let j = 0; j < J; j++) q[j * 4] = 1;
  // Left upper arm swung 120° about the forward axis: from the A-pose across and into the chest.
  const ua = rs.skeleton.names.indexOf('upperarm_l');
  const aa = (-120 * Math.PI) / 180;
  q.set([Math.cos(aa / 2), 0, 0, Math.sin(aa / 2)], ua * 4);
  const rotations = new Float64Array(J * 3);
  rotations.set([0, 0, aa], ua * 3);
  const r = deepest(q, [0, 0, 0], { rotations, translation: [0, 0, 0] });
  assert.ok(r.depth > 0.05, `expected a deep intersection, got ${(r.depth * 100).toFixed(1)} cm`);
});

test('posed meshes: hands and forearms never sink into the torso (cross-section hulls, every 4th frame)', () => {
  let worst = -Infinity, where = '';
  for (const { name } of listBuiltinMotions()) {
    const m = getBuiltinMotion(name, rs.skeleton, rs.rest);
    const sample = createPoseSampler(m, rs.skeleton);
    for (let f = 0; f < m.frameCount; f += 4) {
      const r = deepest(m.rotations.subarray(f * J * 4, (f + 1) * J * 4), m.rootTranslation.subarray(f * 3, f * 3 + 3), sample(f / m.fps));
      if (r.depth > worst) { worst = r.depth; where = `${name} frame ${f} vertex ${r.vertex}`; }
    }
  }
  console.log(`deepest hand/forearm vertex relative to the torso hull: ${(worst * 100).toFixed(1)} cm (${where})`);
  assert.ok(worst < MARGIN, `a hand or forearm vertex lies ${(worst * 100).toFixed(1)} cm inside the torso (${where})`);
});
