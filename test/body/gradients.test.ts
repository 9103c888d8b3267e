import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisAngleToMatrix, axisAngleToMatrixDerivatives } from '../../src/core/rotation.js';
import { ArrayBodyModel, loadBodyModel } from '../../src/body/model.js';
import { BodyPoser, type BodyParams } from '../../src/body/skinning.js';
import { Rng } from '../../src/core/rng.js';

test('dR/d(axis-angle) matches central differences (generic, small and zero angles)', () => {
  const rng = new Rng(3);
  const cases = [[0, 0, 0], [1e-6, -2e-6, 3e-7], [0.3, -0.2, 0.5], [2.5, 1.0, -0.4], [0, 0, 3.0]];
  for (let i = 0; i < 5; i++) cases.push([rng.normal(), rng.normal(), rng.normal()]);
  for (const r of cases) {
    const d = axisAngleToMatrixDerivatives(r[0]!, r[1]!, r[2]!);
    for (let i = 0; i < 3; i++) {
      const h = 1e-6, p = [...r], q = [...r];
      p[i]! += h; q[i]! -= h;
      const Rp = axisAngleToMatrix(p[0]!, p[1]!, p[2]!), Rq = axisAngleToMatrix(q[0]!, q[1]!, q[2]!);
      for (let k = 0; k < 9; k++) assert.ok(Math.abs((Rp[k]! - Rq[k]!) / (2 * h) - d[i * 9 + k]!) < 1e-7, `r=${r} i=${i} k=${k}`);
    }
  }
});

/** Checks BodyPoser.backward against float64 central differences of L = Σ c·v + Σ d·J + Σ e·landmarks. */
function checkGradients(model: ArrayBodyModel, params: BodyParams, seed: number, sample: { pose: number[]; shape: number[]; expression: number[] }): void {
  const poser = new BodyPoser(model);
  const rng = new Rng(seed);
  const V3 = model.vertexCount * 3, J3 = model.skeleton.names.length * 3;
  const c = Float64Array.from({ length: V3 }, () => rng.normal());
  const d = Float64Array.from({ length: J3 }, () => rng.normal());
  const L3 = model.landmarkNames.length * 3;
  const e = Float64Array.from({ length: L3 }, () => rng.normal());
  const loss = (p: BodyParams): number => {
    const r = poser.forward(p);
    let s = 0;
    for (let i = 0; i < V3; i++) s += c[i]! * r.vertices[i]!;
    for (let i = 0; i < J3; i++) s += d[i]! * r.joints[i]!;
    const lm = poser.landmarks(r);
    for (let i = 0; i < L3; i++) s += e[i]! * lm[i]!;
    return s;
  };
  const g = poser.backward(poser.forward(params), c, d, { gradLandmarks: e });
  const h = 1e-6;
  const fd = (mutate: (p: BodyParams, e: number) => void): number => {
    const clone = (): BodyParams => ({ shape: Float64Array.from(params.shape ?? []), expression: Float64Array.from(params.expression ?? []), pose: { rotations: Float64Array.from(params.pose.rotations), translation: [...params.pose.translation] } });
    const a = clone(), b = clone();
    mutate(a, h); mutate(b, -h);
    return (loss(a) - loss(b)) / (2 * h);
  };
  const close = (an: number, num: number, what: string): void => assert.ok(Math.abs(an - num) <= 1e-5 * Math.max(1, Math.abs(num)), `${what}: analytic ${an} vs numeric ${num}`);
  for (const i of sample.pose) close(g.pose[i]!, fd((p, e) => { p.pose.rotations[i]! += e; }), `pose[${i}]`);
  for (let i = 0; i < 3; i++) close(g.translation[i]!, fd((p, e) => { p.pose.translation[i]! += e; }), `translation[${i}]`);
  for (const k of sample.shape) close(g.shape[k]!, fd((p, e) => { (p.shape as Float64Array)[k]! += e; }), `shape[${k}]`);
  for (const k of sample.expression) close(g.expression[k]!, fd((p, e) => { (p.expression as Float64Array)[k]! += e; }), `expression[${k}]`);
}

test('FK/LBS gradients match finite differences on a small synthetic chain', () => {
  // 4 joints in a chain with a branch; 30 vertices with 2 influences each; 2 shape and 1 expression directions.
  const rng = new Rng(11);
  const V = 30, J = 4;
  const template = Float32Array.from({ length: V * 3 }, () => rng.uniform(-1, 1));
  const skinJ = new Uint16Array(V * 2), skinW = new Float32Array(V * 2);
  for (let i = 0; i < V; i++) { const a = rng.int(J), b = (a + 1 + rng.int(J - 1)) % J, w = rng.uniform(0.2, 0.8); skinJ[i * 2] = a; skinJ[i * 2 + 1] = b; skinW[i * 2] = w; skinW[i * 2 + 1] = 1 - w; }
  const reg = { offsets: Uint32Array.from([0, 3, 6, 9, 12]), vertices: Uint32Array.from({ length: 12 }, (_, i) => i * 2), weights: Float32Array.from({ length: 12 }, () => 1 / 3) };
  const lmReg = { offsets: Uint32Array.from([0, 2, 3]), vertices: Uint32Array.from([5, 7, 11]), weights: Float32Array.from([0.25, 0.75, 1]) };
  const model = new ArrayBodyModel({
    kind: 'test', template, triangles: Uint32Array.from([0, 1, 2]), cornerUvs: new Float32Array(6), partLabels: new Uint8Array(V),
    skeleton: { names: ['a', 'b', 'c', 'd'], parents: Int32Array.from([-1, 0, 1, 1]) },
    shapeCount: 2, shapeBasis: Float32Array.from({ length: 2 * V * 3 }, () => rng.uniform(-0.1, 0.1)),
    expressionNames: ['e'], expressionBasis: Float32Array.from({ length: V * 3 }, () => rng.uniform(-0.1, 0.1)),
    skinning: { influences: 2, joints: skinJ, weights: skinW },
    jointRegressor: reg, landmarkNames: ['p', 'q'], landmarkJoints: Int32Array.from([2, 3]), landmarkRegressor: lmReg,
  });
  for (const scale of [0, 1e-5, 0.7]) {
    const params: BodyParams = { shape: [0.3, -0.5], expression: [0.4], pose: { rotations: Float64Array.from({ length: J * 3 }, () => scale * rng.normal()), translation: [0.1, 0.2, -0.3] } };
    checkGradients(model, params, 5, { pose: Array.from({ length: J * 3 }, (_, i) => i), shape: [0, 1], expression: [0] });
  }
});

test('FK/LBS gradients match finite differences on the compiled MakeHuman model', () => {
  const model = loadBodyModel();
  const rng = new Rng(7);
  const J = model.skeleton.names.length;
  const params: BodyParams = {
    shape: Float64Array.from({ length: model.shapeCount }, () => rng.normal() * 0.5),
    expression: Float64Array.from({ length: model.expressionNames.length }, () => rng.uniform(0, 0.3)),
    pose: { rotations: Float64Array.from({ length: J * 3 }, () => rng.normal() * 0.3), translation: [0.05, 0.9, 2] },
  };
  const names = model.skeleton.names;
  const joints = ['pelvis', 'spine_02', 'upperarm_l', 'lowerarm_r', 'index_02_l', 'calf_r', 'head'].map((n) => names.indexOf(n));
  checkGradients(model, params, 9, { pose: joints.flatMap((j) => [j * 3, j * 3 + 1, j * 3 + 2]), shape: [0, 3, model.shapeCount - 1], expression: [0, 5] });
});
