/** Per-limb depth-ordering check of the photo fit (issue #19, src/fit/depthOrder.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { BodyPoser } from '../../src/body/skinning.js';
import { bodyAnchors, fitImage } from '../../src/fit/fitImage.js';
import { fitPose } from '../../src/fit/types.js';
import { depthOrderConflicts, DEPTH_PAIRS } from '../../src/fit/depthOrder.js';
import { poseFrom, syntheticCase } from './synthetic.js';

const body = loadBodyModel();
const names = body.skeleton.names;

test('depthOrderConflicts: a forearm the landmarks put towards the camera and the fit away from it is reported; agreement, small gaps and unseen keypoints are not', () => {
  const world = Array.from({ length: 33 }, () => [0, 0, 0]);
  const depth = new Float64Array(33).fill(3);
  const conf = new Float64Array(33).fill(0.9);
  world[15] = [0, 0, -0.2]; // left wrist 20 cm nearer the camera than the left elbow (index 13)
  depth[15] = 3.1; // the fit puts it 10 cm farther
  const c = depthOrderConflicts(world, conf, depth);
  // against its elbow and against the other shoulder (the chest)
  assert.deepEqual(c.map((d) => [d.part, d.segment]), [['leftHand', 'left elbow → wrist'], ['leftHand', 'right shoulder → left wrist']]);
  assert.equal(c[0]!.photo, -0.2);
  assert.equal(c[0]!.fit, 0.1);
  // the fit agreeing (wrist nearer) is no conflict
  depth[15] = 2.9;
  assert.deepEqual(depthOrderConflicts(world, conf, depth), []);
  // a gap in the landmarks below minGap says nothing
  depth[15] = 3.1; world[15] = [0, 0, -0.03];
  assert.deepEqual(depthOrderConflicts(world, conf, depth), []);
  // nor does an unseen wrist
  world[15] = [0, 0, -0.2]; conf[15] = 0.1;
  assert.deepEqual(depthOrderConflicts(world, conf, depth), []);
  // every pair names a part of the per-part confidence
  for (const p of DEPTH_PAIRS) assert.match(p.part, /^(left|right)(Arm|Hand|Leg|Foot)$/);
});

test('a fit of a synthetic person with the forearm reaching towards the camera: no conflict with true landmarks; landmarks mirrored in depth are caught', () => {
  // left elbow bent so that the forearm points forward (+Z, towards the camera)
  const pose = poseFrom(names, { upperarm_l: [0, 0, 60], lowerarm_l: [0, -80, 0], upperarm_r: [0, 0, -10] }, [0, -0.9, -3.2]);
  const c = syntheticCase(pose, { gender: 0.6, weight: 0.5 });
  const w = c.perception.body.world;
  assert.ok(w[15]![2] - w[13]![2] < -0.08, `the truth's forearm points towards the camera (${(w[15]![2] - w[13]![2]).toFixed(3)} m)`);
  const fit = fitImage(c.perception, body, { iterationScale: 0.5 });
  assert.deepEqual(fit.depthOrder, [], JSON.stringify(fit.depthOrder));
  // the fitted depths of the keypoint anchors, checked against landmarks whose depth is mirrored
  const posed = new BodyPoser(body).forward({ shape: fit.shape, pose: fitPose(fit) });
  const R = fit.camera.R, t = fit.camera.t;
  const depth = bodyAnchors(body).map((a) => { const s = a.kind === 'joint' ? posed.joints : posed.vertices; return R[6]! * s[a.index * 3]! + R[7]! * s[a.index * 3 + 1]! + R[8]! * s[a.index * 3 + 2]! + t[2]!; });
  const mirrored = w.map((p) => [p[0], p[1], -p[2]]);
  const conflicts = depthOrderConflicts(mirrored, c.perception.body.keypoints.map((k) => k[2]), depth);
  assert.ok(conflicts.some((d) => d.segment === 'left elbow → wrist'), JSON.stringify(conflicts));
});
