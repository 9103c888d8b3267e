import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSubject } from '../../src/bench/subjects.js';
import { createImage } from '../../src/core/image.js';
import { projectPoint, type Camera } from '../../src/core/camera.js';
import { buildClothedProxy, SHAPE_CONFIG } from '../../src/shape/index.js';
import { PART_INDEX } from '../../src/body/index.js';
import { armRaised, boxMean, raisedSleeveBoost } from '../../src/shape/raisedSleeve.js';

test('boxMean matches the plain mean over each clipped box', () => {
  const W = 13, H = 9, r = 2;
  const img = Float32Array.from({ length: W * H }, (_, i) => Math.sin(i * 1.7) * 0.5 + 0.5);
  const got = boxMean(img, W, H, r);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let s = 0, n = 0;
    for (let yy = Math.max(0, y - r); yy <= Math.min(H - 1, y + r); yy++) for (let xx = Math.max(0, x - r); xx <= Math.min(W - 1, x + r); xx++) { s += img[yy * W + xx]!; n++; }
    assert.ok(Math.abs(got[y * W + x]! - s / n) < 1e-6, `(${x}, ${y})`);
  }
});

test('an arm is raised when its upper arm points above the trunk\'s horizontal, or its forearm points up', () => {
  const up = [0, 1, 0];
  const arm = (elbow: number[], hand: number[]) => (n: string): [number, number, number] =>
    (n.startsWith('upperarm') ? [0, 0, 0] : n.startsWith('lowerarm') ? elbow : hand) as [number, number, number];
  assert.equal(armRaised(arm([0.1, -0.25, 0], [0.15, -0.5, 0]), 'l', up, SHAPE_CONFIG), false); // hanging
  assert.equal(armRaised(arm([0.28, 0.1, 0], [0.5, 0.2, 0]), 'l', up, SHAPE_CONFIG), true); // lifted 20° above the shoulder
  assert.equal(armRaised(arm([0.25, -0.1, 0], [0.15, 0.15, 0]), 'r', up, SHAPE_CONFIG), true); // hand lifted to the head
  assert.equal(armRaised(arm([0.28, 0, 0], [0.55, 0, 0]), 'l', up, SHAPE_CONFIG), false); // held out level
});

test('a raised sleeve reaches out over colours that are not hair and in over hair', () => {
  const camera: Camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 3], fx: 100, fy: 100, cx: 20, cy: 20, width: 40, height: 40 };
  const hairLike = new Uint8Array(40 * 40), matte = new Float32Array(40 * 40).fill(1);
  for (let y = 0; y < 40; y++) for (let x = 0; x < 20; x++) hairLike[y * 40 + x] = 1; // left half may be hair
  const boost = raisedSleeveBoost(camera, hairLike, matte, SHAPE_CONFIG);
  const at = (u: number): number => boost.at(((u - 20) * 3) / 100, 0, 0);
  assert.ok(Math.abs(at(5) - (SHAPE_CONFIG.raisedArmHairReach - SHAPE_CONFIG.armReach)) < 1e-9);
  assert.ok(Math.abs(at(35) - (SHAPE_CONFIG.raisedArmReach - SHAPE_CONFIG.armReach)) < 1e-9);
  assert.ok(at(19.4) > at(5) && at(19.4) < at(35), 'smooth across the colour edge');
  assert.equal(boost.at(10, 0, 0), 0, 'off the image: the ordinary reach');
  assert.equal(boost.max, SHAPE_CONFIG.raisedArmReach - SHAPE_CONFIG.armReach);
});

test('a hand raised to the head: its puffy sleeve goes with the arm, hair beside it stays with the head', () => {
  // subject 3 with the left forearm raised to the head; a matte 10 cm round the forearm (a balloon sleeve, or hair around
  // the hand), painted white (a sleeve) or the crown's dark colour (hair); the crown dark, the rest a green top
  const subject = makeSubject(3, { textureSize: 64 });
  const pose = subject.poseFromRecipe({ aims: [['upperarm_l', 'lowerarm_l', [0.6, -0.35, 0.1]], ['lowerarm_l', 'hand_l', [-0.35, 0.9, 0.15]]] });
  const posed = subject.pose(pose);
  const camera = subject.frameCamera(posed);
  const W = camera.width, H = camera.height;
  const render = subject.render(posed, camera, { background: [1, 1, 1] });
  const names = subject.model.skeleton.names;
  const at = (n: string): [number, number, number] => { const j = names.indexOf(n); return [posed.joints[j * 3]!, posed.joints[j * 3 + 1]!, posed.joints[j * 3 + 2]!]; };
  const elbow = at('lowerarm_l'), wrist = at('hand_l'), head = projectPoint(camera, ...at('head'));
  const e = projectPoint(camera, ...elbow), w = projectPoint(camera, ...wrist);
  const pxPerMetre = camera.fy / e.depth, radius = 0.1 * pxPerMetre;
  const segDist = (x: number, y: number): number => {
    const dx = w.u - e.u, dy = w.v - e.v, s = Math.max(0, Math.min(1, ((x - e.u) * dx + (y - e.v) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - e.u - s * dx, y - e.v - s * dy);
  };
  const proxyWith = (sleeve: number[], raise = true) => {
    const matte = createImage(W, H, 1), photo = createImage(W, H, 3);
    for (let p = 0; p < W * H; p++) {
      const x = (p % W) + 0.5, y = Math.floor(p / W) + 0.5, inSleeve = segDist(x, y) <= radius;
      matte.data[p] = render.alpha[p]! >= 0.5 || inSleeve ? 1 : 0;
      photo.data.set(inSleeve ? sleeve : y < head.v ? [0.12, 0.1, 0.1] : [0.3, 0.5, 0.35], p * 3);
    }
    const config = raise ? SHAPE_CONFIG : { ...SHAPE_CONFIG, raisedArmSine: 2, raisedForearmSine: 2 };
    return buildClothedProxy({ body: subject.model, shape: subject.shape, pose, camera, matte, photo, config });
  };
  // vertices that move with the left arm (skinned ≥ 1/2 to its bones) farther than `beyond` from its body surface
  const armJoints = new Set(['upperarm_l', 'lowerarm_l', 'hand_l'].map((n) => names.indexOf(n)));
  const armParts = new Set([PART_INDEX.leftUpperArm, PART_INDEX.leftForearm, PART_INDEX.leftHand]);
  const armPoints: number[] = [];
  for (let v = 0; v < subject.model.vertexCount; v++) if (armParts.has(subject.model.partLabels[v]!)) armPoints.push(posed.body[v * 3]!, posed.body[v * 3 + 1]!, posed.body[v * 3 + 2]!);
  const farArm = (proxy: ReturnType<typeof proxyWith>, beyond: number): number => {
    const m = proxy.model, K = m.skinning.influences;
    let n = 0;
    for (let v = 0; v < m.vertexCount; v++) {
      let arm = 0;
      for (let k = 0; k < K; k++) if (armJoints.has(m.skinning.joints[v * K + k]!)) arm += m.skinning.weights[v * K + k]!;
      if (arm < 0.5) continue;
      let d = Infinity;
      for (let a = 0; a < armPoints.length; a += 3) d = Math.min(d, Math.hypot(proxy.posed[v * 3]! - armPoints[a]!, proxy.posed[v * 3 + 1]! - armPoints[a + 1]!, proxy.posed[v * 3 + 2]! - armPoints[a + 2]!));
      if (d > beyond) n++;
    }
    return n;
  };
  const sleeve = proxyWith([0.95, 0.95, 0.95]), hair = proxyWith([0.12, 0.1, 0.1]);
  const sleeveBefore = proxyWith([0.95, 0.95, 0.95], false), hairBefore = proxyWith([0.12, 0.1, 0.1], false);
  assert.equal(sleeve.stats.hairColour?.decisive, true);
  for (const p of [sleeve, hair]) assert.deepEqual(p.stats.shellTopology, { boundaryEdges: 0, nonManifoldEdges: 0, inconsistentEdges: 0 });
  const far = {
    sleeve: farArm(sleeve, 0.07), sleeveBefore: farArm(sleeveBefore, 0.07),
    hair: farArm(hair, SHAPE_CONFIG.raisedArmHairReach + 0.015), hairBefore: farArm(hairBefore, SHAPE_CONFIG.raisedArmHairReach + 0.015),
  };
  // the ordinary 6 cm reach: no sleeve beyond 7 cm goes with the arm, and hair within 6 cm does
  assert.ok(far.sleeve > 100 && far.sleeveBefore < far.sleeve / 10, `sleeve surface beyond 7 cm moving with the arm: ${JSON.stringify(far)}`);
  assert.ok(far.hairBefore > 100 && far.hair < far.hairBefore / 10, `hair beyond 3.5 cm moving with the arm: ${JSON.stringify(far)}`);
});
