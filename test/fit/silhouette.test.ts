import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { fitImage } from '../../src/fit/fitImage.js';
import { poseFrom, syntheticCase } from './synthetic.js';

test('the silhouette shapes the body when the keypoints are biased (a heavy person, keypoints pulled 7 % towards the axis)', () => {
  const body = loadBodyModel();
  const pose = poseFrom(body.skeleton.names, { upperarm_l: [0, 0, 25], upperarm_r: [0, 0, -20], thigh_l: [0, 0, 6], thigh_r: [0, 0, -6] }, [0, 0.1, -3.6]);
  const c = syntheticCase(pose, { gender: 0.9, weight: 0.9, muscle: 0.8 });
  // a detector whose points sit elsewhere on the body than the model's anchors: horizontally squeezed
  const kp = c.perception.body.keypoints;
  const cx = kp.reduce((a, k) => a + k[0], 0) / kp.length;
  for (const k of kp) k[0] = cx + (k[0] - cx) * 0.93;
  const fit = fitImage(c.perception, body, { iterationScale: 0.5 });
  // with the keypoints alone (the earlier weak silhouette term) the fit followed the squeeze: IoU 0.813
  assert.ok(fit.residuals.silhouetteIoU >= 0.835, `silhouette IoU ${fit.residuals.silhouetteIoU.toFixed(3)}`);
  assert.ok(fit.residuals.keypointPx < 0.01 * c.perception.person.heightPx, `keypoint residual ${fit.residuals.keypointPx.toFixed(2)} px`);
});
