import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { BodyPoser } from '../../src/body/skinning.js';
import { axisAngleToMatrix, rotationAngleBetween, mat3Multiply } from '../../src/core/rotation.js';
import { fitImage, fitFrames } from '../../src/fit/fitImage.js';
import { fitPose } from '../../src/fit/types.js';
import { poseFrom, syntheticCase } from './synthetic.js';

const body = loadBodyModel();
const names = body.skeleton.names;
const gtPose = poseFrom(
  names,
  {
    pelvis: [0, 20, 0],
    upperarm_l: [0, 0, 25], lowerarm_l: [0, -50, 0], upperarm_r: [0, 0, -10], lowerarm_r: [0, 20, 0],
    thigh_l: [-20, 0, 8], calf_l: [30, 0, 0], thigh_r: [0, 0, -6],
  },
  [0.05, 0.1, -3.6],
);

/** Global rotation of a joint (product along its chain). */
function globalRot(rot: ArrayLike<number>, j: number): Float64Array {
  const chain: number[] = [];
  for (let k = j; k >= 0; k = body.skeleton.parents[k]!) chain.unshift(k);
  let G: Float64Array = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  for (const k of chain) G = mat3Multiply(G, axisAngleToMatrix(rot[k * 3]!, rot[k * 3 + 1]!, rot[k * 3 + 2]!));
  return G;
}

test('fitImage recovers a synthetic person: keypoints, silhouette, limb proportions, limb angles', () => {
  const c = syntheticCase(gtPose, { gender: 0.3, weight: 0.65, height: 0.6 });
  const fit = fitImage(c.perception, body);
  const h = c.perception.person.heightPx;
  assert.ok(fit.residuals.keypointPx / h < 0.02, `mean keypoint error ${(100 * fit.residuals.keypointPx / h).toFixed(2)}% of height`);
  assert.ok(fit.residuals.silhouetteIoU >= 0.9, `silhouette IoU ${fit.residuals.silhouetteIoU.toFixed(3)}`);
  const posed = new BodyPoser(body).forward({ shape: fit.shape, pose: fitPose(fit) });
  const height = (J: Float64Array, V: Float64Array) => { let lo = Infinity, hi = -Infinity; for (let i = 1; i < V.length; i += 3) { lo = Math.min(lo, V[i]!); hi = Math.max(hi, V[i]!); } void J; return hi - lo; };
  const limb = (J: Float64Array, a: string, b: string) => { const i = names.indexOf(a) * 3, k = names.indexOf(b) * 3; return Math.hypot(J[i]! - J[k]!, J[i + 1]! - J[k + 1]!, J[i + 2]! - J[k + 2]!); };
  const restGT = new BodyPoser(body).forward({ shape: c.shape, pose: { rotations: new Float64Array(names.length * 3), translation: [0, 0, 0] } });
  const restFit = new BodyPoser(body).forward({ shape: fit.shape, pose: { rotations: new Float64Array(names.length * 3), translation: [0, 0, 0] } });
  for (const [a, b] of [['upperarm_l', 'lowerarm_l'], ['lowerarm_l', 'hand_l'], ['thigh_l', 'calf_l'], ['calf_l', 'foot_l'], ['thigh_r', 'calf_r']]) {
    const rg = limb(restGT.joints, a!, b!) / height(restGT.joints, restGT.vertices);
    const rf = limb(restFit.joints, a!, b!) / height(restFit.joints, restFit.vertices);
    assert.ok(Math.abs(rf / rg - 1) < 0.05, `${a}–${b} ratio off by ${(100 * (rf / rg - 1)).toFixed(1)}%`);
  }
  let sum = 0, n = 0;
  for (const j of ['upperarm_l', 'lowerarm_l', 'upperarm_r', 'lowerarm_r', 'thigh_l', 'calf_l', 'thigh_r', 'calf_r']) {
    const k = names.indexOf(j);
    sum += (rotationAngleBetween(globalRot(fit.pose.rotations, k), globalRot(c.pose.rotations, k)) * 180) / Math.PI;
    n++;
  }
  assert.ok(sum / n < 15, `mean limb angle error ${(sum / n).toFixed(1)}°`);
  void posed;
});

test('fitFrames tracks a short sequence with the shape fixed and low jitter', () => {
  const first = syntheticCase(gtPose, { gender: 0.5 });
  const subject = fitImage(first.perception, body, { iterationScale: 0.5 });
  const frames = [];
  for (let f = 0; f < 6; f++) {
    const p = poseFrom(names, { pelvis: [0, 20, 0], upperarm_l: [0, 0, 25 + 5 * f], lowerarm_l: [0, -50, 0], thigh_l: [-20 + 3 * f, 0, 8], calf_l: [30, 0, 0] }, [0.05, 0.1, -3.6]);
    frames.push(syntheticCase(p, { gender: 0.5 }).perception);
  }
  const res = fitFrames(frames, subject, body, { iterationScale: 0.6 });
  assert.equal(res.length, 6);
  for (const r of res) assert.ok(r.residuals!.keypointRelative < 0.03, `frame error ${(100 * r.residuals!.keypointRelative).toFixed(2)}%`);
});

test('fitFrames starts a frame from its driving pose when given one: a back view after a front view keeps its turn', () => {
  const first = syntheticCase(gtPose, { gender: 0.5 });
  const subject = fitImage(first.perception, body, { iterationScale: 0.5 });
  const turned = (deg: number) => poseFrom(names, { pelvis: [0, deg, 0], upperarm_l: [0, 0, 25], lowerarm_l: [0, -50, 0], thigh_l: [-20, 0, 8], calf_l: [30, 0, 0] }, [0.05, 0.1, -3.6]);
  const truth = turned(170);
  const frames = [first.perception, syntheticCase(truth, { gender: 0.5 }).perception];
  // the driving pose is 15° off the frame (a model follows it only roughly)
  const res = fitFrames(frames, subject, body, { iterationScale: 0.6, initialPoses: [undefined, turned(155)] });
  const warm = fitFrames(frames, subject, body, { iterationScale: 0.6 });
  const pelvis = names.indexOf('pelvis');
  const off = (r: typeof res): number => (rotationAngleBetween(globalRot(r[1]!.pose.rotations, pelvis), globalRot(truth.rotations, pelvis)) * 180) / Math.PI;
  console.log(`back view's pelvis off by ${off(res).toFixed(1)}° from the driving pose, ${off(warm).toFixed(1)}° from the previous frame`);
  assert.ok(off(res) < 15, `back view's pelvis off by ${off(res).toFixed(1)}° (the driving pose: 15°)`);
  assert.ok(off(res) < off(warm));
  assert.ok(res[1]!.residuals!.keypointRelative < 0.03, `back view keypoint error ${(100 * res[1]!.residuals!.keypointRelative).toFixed(2)}%`);
});

test('fitFrames keeps the warm start when a frame does not follow its driving pose', () => {
  const first = syntheticCase(gtPose, { gender: 0.5 });
  const subject = fitImage(first.perception, body, { iterationScale: 0.5 });
  // the frame repeats the photo's pose, the "driving pose" says the person has turned round
  const wrong = poseFrom(names, { pelvis: [0, 200, 0] }, [0.05, 0.1, -3.6]);
  const res = fitFrames([first.perception, first.perception], subject, body, { iterationScale: 0.6, initialPoses: [undefined, wrong] });
  const pelvis = names.indexOf('pelvis');
  const err = (rotationAngleBetween(globalRot(res[1]!.pose.rotations, pelvis), globalRot(gtPose.rotations, pelvis)) * 180) / Math.PI;
  assert.ok(err < 15, `pelvis off by ${err.toFixed(1)}°`);
  assert.ok(res[1]!.residuals!.keypointRelative < 0.03);
});
