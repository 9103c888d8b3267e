import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { BodyPoser, linearBlendSkinning, restPose } from '../../src/body/skinning.js';
import { namedPose, POSE_NAMES } from '../../src/body/poses.js';
import { BODY_PARTS, PART_INDEX } from '../../src/body/types.js';

const m = loadBodyModel();
const poser = new BodyPoser(m);

test('compiled model: counts, part labels, triangles in range, size under 15 MB', () => {
  assert.equal(m.vertexCount, m.template.length / 3);
  assert.equal(m.skeleton.names.length, 55);
  assert.equal(m.skeleton.names[54], 'jaw');
  assert.equal(m.skeleton.names[0], 'pelvis');
  assert.ok(m.shapeCount >= 10 && m.expressionNames.length >= 30);
  assert.ok(m.compiledBytes < 15e6, `compiled size ${m.compiledBytes}`);
  for (const t of m.triangles) assert.ok(t < m.vertexCount);
  for (const u of m.cornerUvs) assert.ok(u >= 0 && u <= 1);
  const counts = new Array(BODY_PARTS.length).fill(0);
  for (const l of m.partLabels) counts[l]++;
  for (const p of BODY_PARTS) assert.ok(counts[PART_INDEX[p]] > 50, `part ${p} has ${counts[PART_INDEX[p]]} vertices`);
  // Metres, Y up, facing +Z: about 1.7 m tall, nose in front of the head joint.
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < m.vertexCount; i++) { lo = Math.min(lo, m.template[i * 3 + 1]!); hi = Math.max(hi, m.template[i * 3 + 1]!); }
  assert.ok(hi - lo > 1.5 && hi - lo < 1.9, `height ${hi - lo}`);
  const J = m.jointPositions(m.template);
  const head = m.skeleton.names.indexOf('head'), eye = m.skeleton.names.indexOf('eye_l'), hand = m.skeleton.names.indexOf('hand_l');
  assert.ok(J[eye * 3 + 2]! > J[head * 3 + 2]!, 'eyes are in front (+Z) of the head joint');
  assert.ok(J[hand * 3]! > 0.2, "the person's left hand is at +X");
});

test('skinning weights are non-negative and sum to 1 per vertex', () => {
  const K = m.skinning.influences;
  for (let i = 0; i < m.vertexCount; i++) {
    let s = 0;
    for (let k = 0; k < K; k++) { const w = m.skinning.weights[i * K + k]!; assert.ok(w >= 0); s += w; }
    assert.ok(Math.abs(s - 1) < 1e-5, `vertex ${i} sums to ${s}`);
  }
});

test('rest pose reproduces the template, and LBS with identity transforms is the identity', () => {
  const posed = poser.forward({ pose: restPose(55) });
  for (let i = 0; i < m.template.length; i++) assert.ok(Math.abs(posed.vertices[i]! - m.template[i]!) < 1e-6);
  const beta = Float64Array.from({ length: m.shapeCount }, (_, k) => Math.sin(k + 1));
  const rest = m.shapedVertices64(beta);
  const eye = new Float64Array(55 * 12);
  for (let j = 0; j < 55; j++) { eye[j * 12] = 1; eye[j * 12 + 5] = 1; eye[j * 12 + 10] = 1; }
  const out = new Float64Array(rest.length);
  linearBlendSkinning(rest, m.skinning, eye, [0.1, -0.2, 0.3], out);
  for (let i = 0; i < rest.length; i++) assert.ok(Math.abs(out[i]! - rest[i]! - [0.1, -0.2, 0.3][i % 3]!) < 1e-6); // weights are float32
  // Posed joints at rest equal the regressed rest joints.
  const shaped = poser.forward({ shape: beta, pose: restPose(55) });
  for (let i = 0; i < shaped.joints.length; i++) assert.ok(Math.abs(shaped.joints[i]! - shaped.restJoints[i]!) < 1e-9);
});

test('joint positions follow shape (taller body → higher head joint, wider hips)', () => {
  const short = m.jointPositions(m.shapedVertices64(m.semanticShape({ height: 0.1 })));
  const tall = m.jointPositions(m.shapedVertices64(m.semanticShape({ height: 0.9 })));
  const head = m.skeleton.names.indexOf('head');
  assert.ok(tall[head * 3 + 1]! - short[head * 3 + 1]! > 0.15, 'head joint rises with height');
  const thin = m.jointPositions(m.shapedVertices64(m.semanticShape({ weight: 0, gender: 1 })));
  const fem = m.jointPositions(m.shapedVertices64(m.semanticShape({ weight: 0, gender: 0 })));
  const thigh = m.skeleton.names.indexOf('thigh_l'), ua = m.skeleton.names.indexOf('upperarm_l');
  assert.ok(thin[ua * 3]! > fem[ua * 3]!, 'male shoulders are wider');
  assert.notEqual(thin[thigh * 3], fem[thigh * 3]);
  // Joints stay inside the body: the regressed pelvis lies between the hip joints.
  const pel = 0;
  assert.ok(Math.abs(tall[pel * 3]!) < 0.005);
});

test('semantic shape: default lies within the population and heights are ordered', () => {
  // Coefficients have unit variance over the sampled population, so typical |β| ≈ √S.
  const b = m.semanticShape({});
  assert.ok(Math.hypot(...b) < Math.sqrt(m.shapeCount), `default phenotype |β| = ${Math.hypot(...b)}`);
  const h = (p: object): number => { const v = m.shapedVertices64(m.semanticShape(p)); let lo = Infinity, hi = -Infinity; for (let i = 1; i < v.length; i += 3) { lo = Math.min(lo, v[i]!); hi = Math.max(hi, v[i]!); } return hi - lo; };
  assert.ok(h({ gender: 0, height: 0.3 }) < h({ gender: 0, height: 0.7 }));
  assert.ok(h({ gender: 0 }) < h({ gender: 1 }));
  assert.throws(() => m.semanticShape({ weight: 1.5 }), /outside \[0, 1\]/);
});

test('rest mesh and skeleton are left/right symmetric within 1 mm (mirror table)', () => {
  const mir = m.mirror!;
  let worst = 0;
  for (let i = 0; i < m.vertexCount; i++) {
    const j = mir[i]!;
    const d = Math.hypot(m.template[i * 3]! + m.template[j * 3]!, m.template[i * 3 + 1]! - m.template[j * 3 + 1]!, m.template[i * 3 + 2]! - m.template[j * 3 + 2]!);
    worst = Math.max(worst, d);
  }
  assert.ok(worst < 1e-3, `worst mirror mismatch ${worst * 1000} mm`);
  const J = m.jointPositions(m.template), names = m.skeleton.names;
  names.forEach((n, a) => {
    const other = n.endsWith('_l') ? n.slice(0, -2) + '_r' : n.endsWith('_r') ? n.slice(0, -2) + '_l' : n;
    const b = names.indexOf(other);
    assert.ok(b >= 0);
    const d = Math.hypot(J[a * 3]! + J[b * 3]!, J[a * 3 + 1]! - J[b * 3 + 1]!, J[a * 3 + 2]! - J[b * 3 + 2]!);
    assert.ok(d < 1e-3, `joint ${n} vs ${other}: ${d * 1000} mm`);
  });
});

test('named test poses keep the mesh intact (99.9% of edges within 2× rest length, none over 8× (LBS crotch and armpit stretch), i.e. nothing explodes)', () => {
  const beta = m.semanticShape({ gender: 0.8, weight: 0.7 });
  const rest = m.shapedVertices64(beta);
  for (const name of POSE_NAMES) {
    const v = poser.forward({ shape: beta, pose: namedPose(m, name) }).vertices;
    const ratios: number[] = [];
    for (let f = 0; f < m.triangles.length; f += 3)
      for (let e = 0; e < 3; e++) {
        const a = m.triangles[f + e]! * 3, b = m.triangles[f + ((e + 1) % 3)]! * 3;
        const l0 = Math.hypot(rest[a]! - rest[b]!, rest[a + 1]! - rest[b + 1]!, rest[a + 2]! - rest[b + 2]!);
        const l1 = Math.hypot(v[a]! - v[b]!, v[a + 1]! - v[b + 1]!, v[a + 2]! - v[b + 2]!);
        if (l0 > 1e-4) ratios.push(l1 / l0);
      }
    ratios.sort((x, y) => x - y);
    const p999 = ratios[Math.floor(ratios.length * 0.999)]!, worst = ratios[ratios.length - 1]!;
    assert.ok(p999 < 2 && worst < 8, `${name}: edge stretch p99.9 ${p999}, max ${worst}`);
  }
});

test('landmarks: names, rest positions from the regressor, and they ride with the skin when posed', () => {
  for (const n of ['index_tip_l', 'thumb_tip_r', 'head_top', 'nose', 'ear_l', 'ear_r', 'mouth_l', 'heel_r']) assert.ok(m.landmarkNames.includes(n), n);
  const beta = m.semanticShape({ gender: 0.7 });
  const pose = namedPose(m, 'sit');
  const posed = poser.forward({ shape: beta, pose });
  const lm = poser.landmarks(posed);
  // Left/right symmetric at rest.
  const rest = m.landmarkPositions(m.template);
  const li = m.landmarkNames.indexOf('mouth_l'), ri = m.landmarkNames.indexOf('mouth_r');
  assert.ok(Math.abs(rest[li * 3]! + rest[ri * 3]!) < 1e-3 && rest[li * 3]! > 0.01);
  // Each posed landmark stays within 2 cm of the posed surface (fingertips curl with the fingers).
  m.landmarkNames.forEach((name, l) => {
    let best = Infinity;
    for (let v = 0; v < m.vertexCount; v++) best = Math.min(best, Math.hypot(posed.vertices[v * 3]! - lm[l * 3]!, posed.vertices[v * 3 + 1]! - lm[l * 3 + 1]!, posed.vertices[v * 3 + 2]! - lm[l * 3 + 2]!));
    assert.ok(best < 0.02, `${name} is ${best * 1000} mm from the posed surface`);
  });
  // The nose is in front of the face: its z exceeds the eyes' z at rest.
  const eye = m.skeleton.names.indexOf('eye_l'), J = m.jointPositions(m.template);
  assert.ok(rest[m.landmarkNames.indexOf('nose') * 3 + 2]! > J[eye * 3 + 2]!);
});

test('a precomputed rest body gives the same posed result', () => {
  const beta = m.semanticShape({ weight: 0.8 });
  const expr = new Float64Array(m.expressionNames.length); expr[3] = 0.5;
  const pose = namedPose(m, 'walk');
  const a = poser.forward({ shape: beta, expression: expr, pose });
  const b = poser.forward({ pose, rest: poser.rest(beta, expr) });
  for (let i = 0; i < a.vertices.length; i++) assert.equal(a.vertices[i], b.vertices[i]);
  const g = poser.backward(b, a.vertices, null, { shape: false, expression: false });
  assert.ok(g.shape.every((x) => x === 0) && g.pose.some((x) => x !== 0));
});

test('jaw joint: rotating it opens the mouth like the mouth-open unit', () => {
  const jaw = m.skeleton.names.indexOf('jaw');
  assert.equal(m.skeleton.parents[jaw], m.skeleton.names.indexOf('head'));
  const open = new Float64Array(m.expressionNames.length);
  open[m.expressionNames.indexOf('mouth-open')] = 1;
  const target = poser.forward({ pose: restPose(55), expression: open }).vertices;
  const pose = restPose(55);
  pose.rotations[jaw * 3] = (18.8 * Math.PI) / 180; // the hinge angle the converter fitted
  const jawOpen = poser.forward({ pose }).vertices;
  let sqJaw = 0, sqRest = 0, n = 0;
  for (let v = 0; v < m.vertexCount; v++) {
    const dt = Math.hypot(target[v * 3]! - m.template[v * 3]!, target[v * 3 + 1]! - m.template[v * 3 + 1]!, target[v * 3 + 2]! - m.template[v * 3 + 2]!);
    if (dt < 2e-3) continue;
    n++;
    sqRest += dt * dt;
    sqJaw += (jawOpen[v * 3]! - target[v * 3]!) ** 2 + (jawOpen[v * 3 + 1]! - target[v * 3 + 1]!) ** 2 + (jawOpen[v * 3 + 2]! - target[v * 3 + 2]!) ** 2;
  }
  assert.ok(n > 100);
  assert.ok(Math.sqrt(sqJaw / n) < 0.35 * Math.sqrt(sqRest / n), `jaw RMS ${Math.sqrt(sqJaw / n)} vs unit RMS ${Math.sqrt(sqRest / n)}`);
});

test('fingers bend in the walk and sit poses: fingertips come closer to the wrist and towards the palm', () => {
  const names = m.skeleton.names;
  const tipRest = poser.landmarks(poser.forward({ pose: restPose(55) }));
  for (const p of ['walk', 'sit']) {
    const posed = poser.forward({ pose: namedPose(m, p) });
    const tips = poser.landmarks(posed);
    for (const side of ['l', 'r']) {
      const w = names.indexOf(`hand_${side}`);
      const t = m.landmarkNames.indexOf(`middle_tip_${side}`);
      const dist = (lm: Float64Array, J: Float64Array): number => Math.hypot(lm[t * 3]! - J[w * 3]!, lm[t * 3 + 1]! - J[w * 3 + 1]!, lm[t * 3 + 2]! - J[w * 3 + 2]!);
      const rest = poser.forward({ pose: restPose(55) });
      assert.ok(dist(tips, posed.joints) < 0.9 * dist(tipRest, rest.joints), `${p} ${side}: the middle finger does not curl`);
    }
  }
});
