/**
 * Midpoint subdivision of a body model (each triangle → 4), carrying every attribute to the
 * new edge-midpoint vertices: positions, shape and expression bases and per-corner UVs are
 * averaged (exact for linear attributes, so subdivided shapes stay on the coarse surface);
 * skinning weights are the average of the two endpoints' weights (top-K kept, renormalised);
 * part labels take the more specific endpoint part (PART_PRECEDENCE); the mirror of an edge
 * midpoint is the midpoint of the mirrored edge. Original vertices keep their indices, so
 * the joint and landmark regressors carry over unchanged.
 * The PERSONA avatar puts one Gaussian on each vertex of the template subdivided twice.
 */
import { PersonaError } from '../core/errors.js';
import { ArrayBodyModel } from './model.js';
import { PART_INDEX, type BodyPart } from './types.js';

/** When an edge joins two parts, its midpoint takes the part listed first here. */
export const PART_PRECEDENCE: readonly BodyPart[] = [
  'eyes', 'face', 'leftHand', 'rightHand', 'leftFoot', 'rightFoot', 'head',
  'leftForearm', 'rightForearm', 'leftLowerLeg', 'rightLowerLeg', 'leftUpperArm', 'rightUpperArm', 'leftUpperLeg', 'rightUpperLeg', 'torso',
];
const RANK = new Uint8Array(PART_PRECEDENCE.length);
PART_PRECEDENCE.forEach((p, r) => (RANK[PART_INDEX[p]] = r));

/** A subdivided model and, for each vertex, the two coarse vertices it lies between. */
export interface Subdivided {
  model: ArrayBodyModel;
  /** V'×2: endpoints (in the input model) of each vertex; original vertices list themselves twice. */
  parents: Uint32Array;
}

/** One level of midpoint subdivision. */
export function subdivideOnce(m: ArrayBodyModel): Subdivided {
  const V = m.vertexCount, F = m.triangles.length / 3;
  const edgeIndex = new Map<number, number>();
  const edges: number[] = [];
  const tri = m.triangles;
  const newTris = new Uint32Array(F * 12), newUvs = new Float32Array(F * 24);
  const mid = [0, 0, 0];
  for (let f = 0; f < F; f++) {
    for (let e = 0; e < 3; e++) {
      const a = tri[f * 3 + e]!, b = tri[f * 3 + ((e + 1) % 3)]!;
      const key = a < b ? a * V + b : b * V + a;
      let k = edgeIndex.get(key);
      if (k === undefined) { k = V + edges.length / 2; edgeIndex.set(key, k); edges.push(Math.min(a, b), Math.max(a, b)); }
      mid[e] = k;
    }
    const c = [tri[f * 3]!, tri[f * 3 + 1]!, tri[f * 3 + 2]!];
    // Corner UVs: originals and edge midpoints (per corner, so seams stay seams).
    const uv = m.cornerUvs, o = f * 6;
    const u = [uv[o]!, uv[o + 2]!, uv[o + 4]!], v = [uv[o + 1]!, uv[o + 3]!, uv[o + 5]!];
    const mu = [0, 1, 2].map((e) => (u[e]! + u[(e + 1) % 3]!) / 2), mv = [0, 1, 2].map((e) => (v[e]! + v[(e + 1) % 3]!) / 2);
    // Children: (c0, m01, m20), (c1, m12, m01), (c2, m20, m12), (m01, m12, m20) — CCW like the parent.
    const kids: Array<Array<[number, number, number]>> = [
      [[c[0]!, u[0]!, v[0]!], [mid[0]!, mu[0]!, mv[0]!], [mid[2]!, mu[2]!, mv[2]!]],
      [[c[1]!, u[1]!, v[1]!], [mid[1]!, mu[1]!, mv[1]!], [mid[0]!, mu[0]!, mv[0]!]],
      [[c[2]!, u[2]!, v[2]!], [mid[2]!, mu[2]!, mv[2]!], [mid[1]!, mu[1]!, mv[1]!]],
      [[mid[0]!, mu[0]!, mv[0]!], [mid[1]!, mu[1]!, mv[1]!], [mid[2]!, mu[2]!, mv[2]!]],
    ];
    kids.forEach((kid, i) => kid.forEach(([vi, uu, vv], j) => {
      newTris[(f * 4 + i) * 3 + j] = vi;
      newUvs[((f * 4 + i) * 3 + j) * 2] = uu; newUvs[((f * 4 + i) * 3 + j) * 2 + 1] = vv;
    }));
  }
  const E = edges.length / 2, V2 = V + E;
  const parents = new Uint32Array(V2 * 2);
  for (let i = 0; i < V; i++) { parents[i * 2] = i; parents[i * 2 + 1] = i; }
  for (let e = 0; e < E; e++) { parents[(V + e) * 2] = edges[e * 2]!; parents[(V + e) * 2 + 1] = edges[e * 2 + 1]!; }
  const lerp = (src: Float32Array, stride: number): Float32Array => {
    const blocks = src.length / (V * stride);
    const out = new Float32Array(blocks * V2 * stride);
    for (let k = 0; k < blocks; k++) {
      const si = k * V * stride, so = k * V2 * stride;
      out.set(src.subarray(si, si + V * stride), so);
      for (let e = 0; e < E; e++) {
        const a = si + edges[e * 2]! * stride, b = si + edges[e * 2 + 1]! * stride, d = so + (V + e) * stride;
        for (let c = 0; c < stride; c++) out[d + c] = 0.5 * (src[a + c]! + src[b + c]!);
      }
    }
    return out;
  };
  // Skinning: average of the endpoints' sparse weights, top-K kept.
  const K = m.skinning.influences;
  const joints = new Uint16Array(V2 * K), weights = new Float32Array(V2 * K);
  joints.set(m.skinning.joints); weights.set(m.skinning.weights);
  const acc = new Map<number, number>();
  for (let e = 0; e < E; e++) {
    acc.clear();
    for (const p of [edges[e * 2]!, edges[e * 2 + 1]!])
      for (let k = 0; k < K; k++) { const w = m.skinning.weights[p * K + k]!; if (w > 0) { const j = m.skinning.joints[p * K + k]!; acc.set(j, (acc.get(j) ?? 0) + 0.5 * w); } }
    const list = [...acc.entries()].sort((x, y) => y[1] - x[1]).slice(0, K);
    const s = list.reduce((t, [, w]) => t + w, 0);
    list.forEach(([j, w], k) => { joints[(V + e) * K + k] = j; weights[(V + e) * K + k] = w / s; });
  }
  const partLabels = new Uint8Array(V2);
  partLabels.set(m.partLabels);
  for (let e = 0; e < E; e++) {
    const la = m.partLabels[edges[e * 2]!]!, lb = m.partLabels[edges[e * 2 + 1]!]!;
    partLabels[V + e] = RANK[la]! <= RANK[lb]! ? la : lb;
  }
  let mirror: Int32Array | undefined;
  if (m.mirror) {
    mirror = new Int32Array(V2).fill(-1);
    mirror.set(m.mirror);
    for (let e = 0; e < E; e++) {
      const a = m.mirror[edges[e * 2]!]!, b = m.mirror[edges[e * 2 + 1]!]!;
      if (a < 0 || b < 0) continue;
      const k = edgeIndex.get(a < b ? a * V + b : b * V + a);
      if (k !== undefined) mirror[V + e] = k;
      // A quad straddling the midline cannot be split symmetrically: its diagonal's midpoint
      // lies on the midline and is its own mirror.
      else if (Math.abs(m.template[edges[e * 2]! * 3]! + m.template[edges[e * 2 + 1]! * 3]!) < 2e-3) mirror[V + e] = V + e;
    }
  }
  const model = new ArrayBodyModel({
    kind: m.kind, template: lerp(m.template, 3), triangles: newTris, cornerUvs: newUvs, partLabels,
    skeleton: m.skeleton, shapeCount: m.shapeCount, shapeBasis: lerp(m.shapeBasis, 3),
    expressionNames: m.expressionNames, expressionBasis: lerp(m.expressionBasis, 3),
    skinning: { influences: K, joints, weights },
    jointRegressor: m.jointRegressor, landmarkNames: m.landmarkNames, landmarkJoints: m.landmarkJoints, landmarkRegressor: m.landmarkRegressor,
    mirror,
  });
  return { model, parents };
}

/** `levels` rounds of midpoint subdivision; `steps[i].parents` index the model of the previous level. */
export function subdivide(m: ArrayBodyModel, levels: number): { model: ArrayBodyModel; steps: Subdivided[] } {
  if (!Number.isInteger(levels) || levels < 0 || levels > 3) throw new PersonaError(`subdivision levels must be 0–3, got ${levels}`, { hint: 'use 0, 1 or 2 (PERSONA uses 2)' });
  const steps: Subdivided[] = [];
  let cur = m;
  for (let l = 0; l < levels; l++) { const s = subdivideOnce(cur); steps.push(s); cur = s.model; }
  return { model: cur, steps };
}
