import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { buildGaussianTemplate } from '../../src/avatar/buildTemplate.js';
import { AvatarModel, CHANNELS } from '../../src/train/model.js';
import { trainConfig } from '../../src/train/config.js';
import { lookAtCamera } from '../../src/core/camera.js';
import { Rng } from '../../src/core/rng.js';
import type { BodyPose } from '../../src/body/types.js';

/**
 * The avatar's own backward pass (offsets/scales/colours/MLP/triplane → LBS → normals → rasterizer inputs)
 * against central finite differences of a random linear function of the rasterizer inputs. The parameters are
 * float32, so the tolerance is that of float32 differences; every kernel in the chain also has its own float64
 * finite-difference test (LBS, vertex normals, nn layers, triplane, rasterizer, losses).
 */
test('avatar backward (to the rasterizer inputs) matches finite differences', () => {
  const body = loadBodyModel();
  const template = buildGaussianTemplate(body, { shape: [], levels: 0 });
  const model = new AvatarModel(template, trainConfig('test').avatar, 3);
  const rng = new Rng(11);
  // make the pose-offset network non-trivial
  for (let i = 0; i < model.triplane.planes.length; i++) model.triplane.planes[i] = rng.uniform(-0.5, 0.5);
  const names = body.skeleton.names;
  const rot = new Float64Array(names.length * 3);
  for (const n of ['upperarm_l', 'lowerarm_r', 'thigh_l', 'spine_02']) rot.set([rng.uniform(-0.4, 0.4), rng.uniform(-0.4, 0.4), rng.uniform(-0.4, 0.4)], names.indexOf(n) * 3);
  const pose: BodyPose = { rotations: rot, translation: [0.01, 0.02, 0] };
  const camera = lookAtCamera([0.5, 0.2, 3], [0, 0, 0], { width: 24, height: 36 });
  const N = model.n, C = CHANNELS.count;
  const gM = [0, 1].map(() => Float32Array.from({ length: N * 3 }, () => rng.normal()));
  const gF = [0, 1].map(() => Float32Array.from({ length: N * C }, () => rng.normal()));
  const gS = [0, 1].map(() => Float32Array.from({ length: N }, () => rng.normal()));
  const loss = (): number => {
    const f = model.forward(pose, camera);
    let s = 0;
    [f.base, f.refined].forEach((r, k) => {
      const feats = r.result.saved.gaussians.features, scales = r.result.saved.gaussians.scales;
      for (let i = 0; i < N * 3; i++) s += gM[k]![i]! * r.means[i]!;
      for (let i = 0; i < N * C; i++) s += gF[k]![i]! * feats[i]!;
      for (let i = 0; i < N; i++) s += gS[k]![i]! * scales[i]!;
    });
    return s;
  };
  model.zeroGrad();
  const fwd = model.forward(pose, camera);
  // (the backward adds the normals' gradient into `means` in place: pass copies)
  model.backwardFromGaussians(fwd, { means: gM[0]!.slice(), features: gF[0]!, scales: gS[0]! }, { means: gM[1]!.slice(), features: gF[1]!, scales: gS[1]! });
  const check = (what: string, value: ArrayLike<number> & { [i: number]: number }, grad: ArrayLike<number>, index: number, eps: number, rel = 0.02): void => {
    const v0 = value[index]!;
    value[index] = v0 + eps; const lp = loss();
    value[index] = v0 - eps; const lm = loss();
    value[index] = v0;
    const fd = (lp - lm) / (2 * eps), an = grad[index]!;
    assert.ok(Math.abs(fd - an) <= rel * Math.max(Math.abs(fd), Math.abs(an)) + 2e-3, `${what}[${index}]: analytic ${an} vs finite difference ${fd}`);
  };
  for (const i of [5, 3001, 7777 * 3 + 1, 12000 * 3 + 2]) check('offset', model.offset.value, model.offset.grad, i, 2e-4);
  for (const i of [17, 9000]) check('logScale', model.logScale.value, model.logScale.grad, i, 1e-2);
  for (const i of [40, 20001]) check('rgb', model.rgb.value, model.rgb.grad, i, 1e-2);
  for (const i of [41, 20002]) check('aux', model.aux.value, model.aux.grad, i, 1e-2);
  for (const i of [3, 30000]) check('seg', model.seg.value, model.seg.grad, i, 1e-2);
  const last = model.mlp.trunk.layers.at(-1)!;
  for (const i of [0, 1, 2]) check('mlp.last.bias', last.bias!, last.gradBias!, i, 1e-2);
  const l0 = model.mlp.trunk.layers[0]!;
  let big = 0;
  for (let i = 0; i < l0.gradWeight.length; i++) if (Math.abs(l0.gradWeight[i]!) > Math.abs(l0.gradWeight[big]!)) big = i;
  check('mlp.l0.weight', l0.weight, l0.gradWeight, big, 1e-3);
  // The pose offsets are ×0.01 of the network output, so their finite differences sit near the float32
  // resolution of the means (~1e-7 m): a looser relative tolerance there.
  let bigT = 0;
  for (let i = 0; i < model.triplane.grad.length; i++) if (Math.abs(model.triplane.grad[i]!) > Math.abs(model.triplane.grad[bigT]!)) bigT = i;
  check('triplane', model.triplane.planes, model.triplane.grad, bigT, 3e-3, 0.06);
});
