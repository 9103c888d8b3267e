import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { kinematicChainBackward } from '../../src/body/fk.js';
import { skinningMatrices } from '../../src/avatar/pose.js';
import { skinPoints, skinPointsPoseBackward } from '../../src/body/lbs.js';
import { buildGaussianTemplate } from '../../src/avatar/buildTemplate.js';
import { AvatarModel, CHANNELS } from '../../src/train/model.js';
import { trainConfig } from '../../src/train/config.js';
import { lookAtCamera } from '../../src/core/camera.js';
import { axisAngleToMatrix } from '../../src/core/rotation.js';
import { Rng } from '../../src/core/rng.js';
import type { BodyPose } from '../../src/body/types.js';

/** Per-frame pose refinement: d(skinned points)/d(pose) through LBS and the kinematic chain, in float64. */
test('pose gradient of skinned points (LBS → kinematic chain) matches float64 finite differences', () => {
  const body = loadBodyModel();
  const sk = body.skeleton, J = sk.names.length, rng = new Rng(5);
  const restJoints = body.jointPositions(body.shapedVertices64([]));
  const n = 200, K = 3;
  const points = Float64Array.from({ length: n * 3 }, () => rng.uniform(-0.5, 0.5));
  const joints = Uint16Array.from({ length: n * K }, () => Math.floor(rng.uniform(0, J - 1e-9)));
  const weights = new Float64Array(n * K);
  for (let i = 0; i < n; i++) { const w = [rng.uniform(0.1, 1), rng.uniform(0.1, 1), rng.uniform(0, 1)]; const s = w[0]! + w[1]! + w[2]!; for (let k = 0; k < K; k++) weights[i * K + k] = w[k]! / s; }
  const rotations = Float64Array.from({ length: J * 3 }, () => rng.uniform(-0.5, 0.5));
  const translation = [0.1, -0.2, 0.3];
  const g = Float64Array.from({ length: n * 3 }, () => rng.normal());
  const loss = (): number => {
    const world = new Float64Array(J * 12), skin = new Float64Array(J * 12), out = new Float64Array(n * 3);
    skinningMatrices(sk.parents, restJoints, rotations, translation, world, skin);
    skinPoints(points, joints, weights, K, skin, out);
    let s = 0;
    for (let i = 0; i < n * 3; i++) s += g[i]! * out[i]!;
    return s;
  };
  const world = new Float64Array(J * 12), skin = new Float64Array(J * 12);
  skinningMatrices(sk.parents, restJoints, rotations, translation, world, skin);
  const dRg = new Float64Array(J * 9), dtg = new Float64Array(J * 3), dT = new Float64Array(3);
  skinPointsPoseBackward(g, points, joints, weights, K, restJoints, dRg, dtg, dT);
  const local = new Float64Array(J * 9), R = new Float64Array(9);
  for (let j = 0; j < J; j++) local.set(axisAngleToMatrix(rotations[j * 3]!, rotations[j * 3 + 1]!, rotations[j * 3 + 2]!, R), j * 9);
  const dPose = kinematicChainBackward(sk.parents, restJoints, local, world, rotations, dRg, dtg);
  const eps = 1e-6;
  for (let i = 0; i < J * 3; i += 7) {
    const v = rotations[i]!;
    rotations[i] = v + eps; const lp = loss();
    rotations[i] = v - eps; const lm = loss();
    rotations[i] = v;
    const fd = (lp - lm) / (2 * eps);
    assert.ok(Math.abs(fd - dPose[i]!) <= 1e-6 * Math.max(1, Math.abs(fd)), `rotation[${i}]: analytic ${dPose[i]} vs finite difference ${fd}`);
  }
  for (let a = 0; a < 3; a++) {
    const v = translation[a]!;
    translation[a] = v + eps; const lp = loss();
    translation[a] = v - eps; const lm = loss();
    translation[a] = v;
    const fd = (lp - lm) / (2 * eps);
    assert.ok(Math.abs(fd - dT[a]!) <= 1e-6 * Math.max(1, Math.abs(fd)), `translation[${a}]: analytic ${dT[a]} vs ${fd}`);
  }
});

/** The avatar's pose gradient (LBS and normals; pose offsets off) against finite differences of the renderer inputs. */
test('avatar backward with dPose matches finite differences of the pose', () => {
  const body = loadBodyModel();
  const template = buildGaussianTemplate(body, { shape: [], levels: 0 });
  const model = new AvatarModel(template, trainConfig('test').avatar, 3);
  const rng = new Rng(12), names = body.skeleton.names, J = names.length;
  const rot = new Float64Array(J * 3);
  for (const nm of ['upperarm_l', 'lowerarm_r', 'thigh_l', 'spine_02']) rot.set([rng.uniform(-0.4, 0.4), rng.uniform(-0.4, 0.4), rng.uniform(-0.4, 0.4)], names.indexOf(nm) * 3);
  const pose: BodyPose = { rotations: rot, translation: [0.01, 0.02, 0] };
  const camera = lookAtCamera([0.5, 0.2, 3], [0, 0, 0], { width: 24, height: 36 });
  const N = model.n, C = CHANNELS.count;
  const gM = [0, 1].map(() => Float32Array.from({ length: N * 3 }, () => rng.normal()));
  const gF = [0, 1].map(() => Float32Array.from({ length: N * C }, () => rng.normal()));
  const loss = (): number => {
    const f = model.forward(pose, camera, { poseOffsets: false });
    let s = 0;
    [f.base, f.refined].forEach((r, k) => {
      const feats = r.result.saved.gaussians.features;
      for (let i = 0; i < N * 3; i++) s += gM[k]![i]! * r.means[i]!;
      for (let i = 0; i < N * C; i++) s += gF[k]![i]! * feats[i]!;
    });
    return s;
  };
  const fwd = model.forward(pose, camera, { poseOffsets: false });
  const dPose = { rotations: new Float64Array(J * 3), translation: new Float64Array(3) };
  const zeros = new Float32Array(N);
  model.backwardFromGaussians(fwd, { means: gM[0]!.slice(), features: gF[0]!, scales: zeros }, { means: gM[1]!.slice(), features: gF[1]!, scales: zeros }, { poseOffsets: false, dPose });
  const check = (what: string, arr: { [i: number]: number }, i: number, an: number, eps: number): void => {
    const v = arr[i]!;
    arr[i] = v + eps; const lp = loss();
    arr[i] = v - eps; const lm = loss();
    arr[i] = v;
    const fd = (lp - lm) / (2 * eps);
    assert.ok(Math.abs(fd - an) <= 0.02 * Math.max(Math.abs(fd), Math.abs(an)) + 2e-2, `${what}: analytic ${an} vs finite difference ${fd}`);
  };
  for (const nm of ['pelvis', 'spine_02', 'upperarm_l', 'thigh_l', 'calf_r']) for (const a of [0, 1, 2]) { const i = names.indexOf(nm) * 3 + a; check(`rotation ${nm}.${a}`, rot, i, dPose.rotations[i]!, 1e-3); }
  for (const a of [0, 1, 2]) check(`translation.${a}`, pose.translation as number[], a, dPose.translation[a]!, 1e-3);
});
