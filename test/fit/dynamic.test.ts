import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { fitImage } from '../../src/fit/fitImage.js';
import { poseFrom, syntheticCase } from './synthetic.js';

const body = loadBodyModel();
const names = body.skeleton.names;

test('dynamic pose (issue #19): a jump with the arms out whose right-arm world landmarks lean towards hanging — the matte does not trap the arm at the torso', () => {
  // a jump: arms out and down, both knees bent, feet pointed
  const pose = poseFrom(names, {
    upperarm_l: [0, 0, 30], lowerarm_l: [0, -15, 0], upperarm_r: [0, 0, -30], lowerarm_r: [0, 15, 0],
    thigh_l: [-25, 0, 3], calf_l: [50, 0, 0], thigh_r: [-10, 0, -3], calf_r: [30, 0, 0], foot_l: [30, 0, 0], foot_r: [30, 0, 0],
  }, [0, 0, -2.3]);
  const c = syntheticCase(pose, { gender: 0.8, weight: 0.5 });
  // BlazePose's world landmarks are coarse (man-jump-yellow: its right forearm 0.14 m long against 0.23 m for the
  // left): the right elbow and wrist are moved 60 % of the way to an arm hanging along the body. The 2D keypoints
  // and the matte stay true. Initialised from these, the arm starts at the torso, with background between it and
  // its keypoints: with the matte from the start (the fit before) it stayed there, wrist 180 px off.
  const w = c.perception.body.world;
  const t = 0.6;
  const hangElbow = [w[12]![0] - 0.02, w[12]![1] + 0.27, w[12]![2] + 0.03];
  const forearm = [0, 1, 2].map((i) => w[16]![i]! - w[14]![i]!);
  const elbow = [0, 1, 2].map((i) => w[14]![i]! * (1 - t) + hangElbow[i]! * t);
  const hangForearm = [0.01, 0.25, -0.02];
  w[14] = elbow as [number, number, number];
  w[16] = [0, 1, 2].map((i) => elbow[i]! + forearm[i]! * (1 - t) + hangForearm[i]! * t) as [number, number, number];
  const fit = fitImage(c.perception, body, { iterationScale: 0.5 });
  const h = c.perception.person.heightPx;
  const wrist = fit.residuals.perKeypointPx!.rightWrist!;
  assert.ok(wrist / h < 0.02, `right wrist ${wrist.toFixed(1)} px off (${(100 * wrist / h).toFixed(1)} % of ${h} px)`);
  assert.ok(fit.residuals.keypointPx / h < 0.01, `mean keypoint error ${fit.residuals.keypointPx.toFixed(1)} px`);
  assert.ok(fit.residuals.silhouetteIoU > 0.9, `IoU ${fit.residuals.silhouetteIoU.toFixed(3)}`);
  assert.equal(fit.poseStart?.used, 'keypointsFirst', JSON.stringify(fit.poseStart));
});
