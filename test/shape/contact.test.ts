import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSubject } from '../../src/bench/subjects.js';
import { createImage, type FloatImage } from '../../src/core/image.js';
import { buildClothedProxy, SHAPE_CONFIG, type ClothedProxy } from '../../src/shape/index.js';
import { shinsTouch } from '../../src/shape/partition.js';
import { thighLiftedTowardsCamera } from '../../src/shape/legBend.js';
import { cameraCentre } from '../../src/core/camera.js';

/** The matte of a render grown by `radius` pixels: a loose top over the whole body, so arm and trunk carve as one blob. */
function grownMatte(alpha: Float32Array, width: number, height: number, radius: number): FloatImage {
  const matte = createImage(width, height, 1);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let hit = 0;
      for (let dy = -radius; dy <= radius && !hit; dy++)
        for (let dx = -radius; dx <= radius && !hit; dx++) {
          const xx = x + dx, yy = y + dy;
          if (dx * dx + dy * dy <= radius * radius && xx >= 0 && yy >= 0 && xx < width && yy < height && alpha[yy * width + xx]! >= 0.5) hit = 1;
        }
      matte.data[y * width + x] = hit;
    }
  return matte;
}

/** Triangles with an edge more than 5 cm longer in the canonical pose than in the photo's: a surface that joined two limbs, unposed. */
function stretchedTriangles(proxy: ClothedProxy): number {
  const T = proxy.model.triangles, rest = proxy.model.template, P = proxy.posed;
  const length = (X: ArrayLike<number>, a: number, b: number): number => Math.hypot(X[a * 3]! - X[b * 3]!, X[a * 3 + 1]! - X[b * 3 + 1]!, X[a * 3 + 2]! - X[b * 3 + 2]!);
  let stretched = 0;
  for (let f = 0; f < T.length / 3; f++) {
    let grow = 0;
    for (let e = 0; e < 3; e++) { const a = T[f * 3 + e]!, b = T[f * 3 + ((e + 1) % 3)]!; grow = Math.max(grow, length(rest, a, b) - length(P, a, b)); }
    if (grow > 0.05) stretched++;
  }
  return stretched;
}

test('arms crossed in front of the body: the proxy unposes without sheets between arms and trunk', () => {
  // subject 3 with the forearms crossed over the belly, hands on the opposite forearms; the matte grown by 6 px (~1.5 cm)
  const subject = makeSubject(3, { textureSize: 64 });
  const pose = subject.poseFromRecipe({
    aims: [
      ['upperarm_l', 'lowerarm_l', [0.12, -0.9, 0.3]], ['lowerarm_l', 'hand_l', [-0.8, -0.15, 0.55]],
      ['upperarm_r', 'lowerarm_r', [-0.12, -0.9, 0.3]], ['lowerarm_r', 'hand_r', [0.8, -0.15, 0.55]],
    ],
  });
  const posed = subject.pose(pose);
  const camera = subject.frameCamera(posed);
  const render = subject.render(posed, camera, { background: [1, 1, 1] });
  const matte = grownMatte(render.alpha, camera.width, camera.height, 6);
  const proxy = buildClothedProxy({ body: subject.model, shape: subject.shape, pose, camera, matte });
  assert.deepEqual(proxy.stats.shellTopology, { boundaryEdges: 0, nonManifoldEdges: 0, inconsistentEdges: 0 });
  // unposing a surface that joined arm and trunk stretched it into sheets: before the limb partition 723 of 36k triangles
  // grew an edge by more than 5 cm from the photo pose to the canonical pose; now 6 (elbow creases)
  const stretched = stretchedTriangles(proxy), F = proxy.model.triangles.length / 3;
  assert.ok(stretched < 0.002 * F, `${stretched} of ${F} triangles stretched by > 5 cm`);
});

test('calves crossed in the photo: the lower legs are carved apart, and unposing leaves no sheet between them', () => {
  // subject 3 (tight shorts, bare legs) with the shins crossed, the left in front: the calves touch below the knees
  const subject = makeSubject(3, { textureSize: 64 });
  const pose = subject.poseFromRecipe({ aims: [['calf_l', 'foot_l', [-0.45, -0.9, 0.1]], ['calf_r', 'foot_r', [0.45, -0.9, -0.1]]] });
  const posed = subject.pose(pose);
  const camera = subject.frameCamera(posed);
  const matte = createImage(camera.width, camera.height, 1);
  matte.data.set(subject.render(posed, camera, { background: [1, 1, 1] }).alpha);
  const count = (shinContact: number): { apart: boolean; mixed: number; stretched: number; topology: object } => {
    const proxy = buildClothedProxy({ body: subject.model, shape: subject.shape, pose, camera, matte, config: { ...SHAPE_CONFIG, shinContact } });
    const m = proxy.model, K = m.skinning.influences, names = m.skeleton.names;
    const left = ['calf_l', 'foot_l', 'ball_l'].map((x) => names.indexOf(x)), right = ['calf_r', 'foot_r', 'ball_r'].map((x) => names.indexOf(x));
    // vertices skinned to both lower legs: unposed, they land between the legs
    let mixed = 0;
    for (let v = 0; v < m.template.length / 3; v++) {
      let wl = 0, wr = 0;
      for (let k = 0; k < K; k++) { const j = m.skinning.joints[v * K + k]!, w = m.skinning.weights[v * K + k]!; if (left.includes(j)) wl += w; if (right.includes(j)) wr += w; }
      if (wl > 0.15 && wr > 0.15) mixed++;
    }
    return { apart: proxy.stats.shinsApart, mixed, stretched: stretchedTriangles(proxy), topology: proxy.stats.shellTopology };
  };
  const split = count(SHAPE_CONFIG.shinContact), fused = count(0);
  assert.equal(split.apart, true);
  assert.deepEqual(split.topology, { boundaryEdges: 0, nonManifoldEdges: 0, inconsistentEdges: 0 });
  // carved as one part (shinContact 0) the crossing fused: 11 vertices skinned to both calves, 135 triangles stretched > 5 cm
  assert.equal(fused.apart, false);
  assert.ok(fused.mixed > 0 && fused.stretched > 50, `fused: ${JSON.stringify(fused)}`);
  assert.equal(split.mixed, 0);
  assert.ok(split.stretched < 10, `carved apart: ${split.stretched} triangles stretched by > 5 cm`);
});

test('legs apart (synthetic subjects in their photo poses): the lower legs stay with the rest', () => {
  for (const id of [0, 1, 3, 5]) {
    const subject = makeSubject(id, { textureSize: 64 });
    const body = subject.pose(subject.photoPose()).body;
    assert.equal(shinsTouch(body, subject.model.partLabels, SHAPE_CONFIG.shinContact), false, `subject ${id}`);
  }
});

test('sitting (thighs lifted towards the camera): the legs are carved apart from the trunk, and unposing leaves no sheet from the lap', () => {
  // subject 3 with the thighs pointing forwards and the shins hanging down, as on a chair; a loose top (the matte grown by
  // 6 px, ~1.5 cm) so the lap and the belly carve as one blob unless the legs are parts of their own
  const subject = makeSubject(3, { textureSize: 64 });
  const pose = subject.poseFromRecipe({
    aims: [
      ['thigh_l', 'calf_l', [0.08, -0.15, 1]], ['calf_l', 'foot_l', [0, -1, 0.05]],
      ['thigh_r', 'calf_r', [-0.08, -0.15, 1]], ['calf_r', 'foot_r', [0, -1, 0.05]],
    ],
  });
  const posed = subject.pose(pose);
  const camera = subject.frameCamera(posed);
  const matte = grownMatte(subject.render(posed, camera, { background: [1, 1, 1] }).alpha, camera.width, camera.height, 6);
  const build = (legSplitLift: number): ClothedProxy =>
    buildClothedProxy({ body: subject.model, shape: subject.shape, pose, camera, matte, config: { ...SHAPE_CONFIG, legSplitLift } });
  const split = build(SHAPE_CONFIG.legSplitLift), fused = build(180);
  assert.equal(split.stats.legsApart, true);
  assert.equal(fused.stats.legsApart, false);
  assert.deepEqual(split.stats.shellTopology, { boundaryEdges: 0, nonManifoldEdges: 0, inconsistentEdges: 0 });
  // carved with the trunk the lap unposes into a panel over the groin (3.8 % of the canonical area in triangles stretched > 10×); apart, none
  assert.ok(fused.stats.sheetFraction > 0.02, `fused: sheet fraction ${fused.stats.sheetFraction}`);
  assert.ok(split.stats.sheetFraction < 0.005, `carved apart: sheet fraction ${split.stats.sheetFraction}`);
  const stretchedSplit = stretchedTriangles(split), stretchedFused = stretchedTriangles(fused);
  assert.ok(stretchedSplit < stretchedFused, `fused ${stretchedFused}, carved apart ${stretchedSplit} triangles stretched by > 5 cm`);
});

test('standing (synthetic subjects in their photo poses): no thigh is lifted towards the camera, the legs stay with the trunk', () => {
  for (const id of [0, 1, 2, 3, 4, 5]) {
    const subject = makeSubject(id, { textureSize: 64 });
    const posed = subject.pose(subject.photoPose());
    const joint = jointOf(subject, posed.joints);
    const camera = subject.frameCamera(posed);
    // with margin: no thigh passes even at 10° less lift
    const lifted = thighLiftedTowardsCamera(joint, trunkUp(joint), cameraCentre(camera), { ...SHAPE_CONFIG, legSplitLift: SHAPE_CONFIG.legSplitLift - 10 });
    assert.equal(lifted, false, `subject ${id}`);
  }
});

test('a thigh lifted across the image (a kick to the side) is not lifted towards the camera; one pointing at it is', () => {
  const subject = makeSubject(3, { textureSize: 64 });
  const lifted = (aim: [number, number, number]): boolean => {
    const posed = subject.pose(subject.poseFromRecipe({ aims: [['thigh_l', 'calf_l', aim]] }));
    const joint = jointOf(subject, posed.joints);
    return thighLiftedTowardsCamera(joint, trunkUp(joint), cameraCentre(subject.frameCamera(posed)), SHAPE_CONFIG);
  };
  assert.equal(lifted([0.9, -0.3, 0.1]), false); // sideways, 72° from down, 6° into depth
  assert.equal(lifted([0.1, -0.3, 0.9]), true); // forwards, at the camera
  assert.equal(lifted([0.1, -0.9, 0.3]), false); // a step: 19° from down
});

function jointOf(subject: ReturnType<typeof makeSubject>, joints: Float64Array): (n: string) => [number, number, number] {
  const names = subject.model.skeleton.names;
  return (n) => { const j = names.indexOf(n); return [joints[j * 3]!, joints[j * 3 + 1]!, joints[j * 3 + 2]!]; };
}

function trunkUp(joint: (n: string) => [number, number, number]): number[] {
  const neck = joint('neck_01'), hipL = joint('thigh_l'), hipR = joint('thigh_r');
  return [0, 1, 2].map((a) => neck[a]! - (hipL[a]! + hipR[a]!) / 2);
}
