import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { PART_INDEX } from '../../src/body/types.js';
import { buildGaussianTemplate } from '../../src/avatar/buildTemplate.js';
import { bundleFromTemplate } from './templateBundle.js';
import { addExpressionOffsets, hasExpression, resolveExpression, listNamedExpressions } from '../../src/avatar/expression.js';
import { poseAvatarMeans } from '../../src/avatar/pose.js';
import { NAMED_EXPRESSIONS } from '../../src/body/index.js';
import { Rng } from '../../src/core/rng.js';

const body = loadBodyModel();
const shape = Array.from({ length: 4 }, (_, i) => 0.3 * (i % 2 ? -1 : 1));
const tpl = buildGaussianTemplate(body, { shape, levels: 1 });

const bundleOf = (withExpression: boolean) => bundleFromTemplate(tpl, withExpression);

test('the template carries every face and eye Gaussian the expression units move, and only Gaussians they move', () => {
  const ex = tpl.expression!;
  assert.equal(ex.names.length, body.expressionNames.length);
  const inSet = new Set(ex.gaussians);
  let face = 0, covered = 0;
  for (let i = 0; i < tpl.count; i++) if (tpl.parts[i] === PART_INDEX.face || tpl.parts[i] === PART_INDEX.eyes) face++;
  for (const g of ex.gaussians) if (tpl.parts[g] === PART_INDEX.face || tpl.parts[g] === PART_INDEX.eyes) covered++;
  assert.ok(ex.gaussians.length < tpl.count / 5, `${ex.gaussians.length} of ${tpl.count} Gaussians carry a basis: not sparse`);
  assert.ok(covered > 0.5 * face, `only ${covered} of ${face} face/eye Gaussians are moved by some unit`);
  assert.ok(inSet.size === ex.gaussians.length);
});

test('bundle expression offsets reproduce the body model expression deformation (exact at base vertices, subdivision-interpolated between)', () => {
  const av = bundleOf(true);
  const rng = new Rng(7);
  const E = body.expressionNames.length;
  const psi = Float64Array.from({ length: E }, () => rng.uniform(-0.5, 1));
  const ref0 = body.shapedVertices64(shape), ref1 = body.shapedVertices64(shape, psi);
  const means = av.buffers.means as Float32Array;
  const moved = Float32Array.from(means);
  addExpressionOffsets(av, psi, moved);
  const V = body.vertexCount;
  let maxBase = 0, maxMid = 0, faceCount = 0, maxDef = 0;
  for (let v = 0; v < V; v++) { // subdivision keeps the base vertices' indices
    if (body.partLabels[v] !== PART_INDEX.face && body.partLabels[v] !== PART_INDEX.eyes) continue;
    faceCount++;
    for (let c = 0; c < 3; c++) {
      const d = ref1[v * 3 + c]! - ref0[v * 3 + c]!;
      maxDef = Math.max(maxDef, Math.abs(d));
      maxBase = Math.max(maxBase, Math.abs(moved[v * 3 + c]! - means[v * 3 + c]! - d));
    }
  }
  // midpoints: the offset is the mean of the two base vertices' body-model offsets (the subdivision's interpolation)
  const M = tpl.anchorsPerGaussian;
  for (let i = V; i < tpl.count; i++) {
    if (tpl.parts[i] !== PART_INDEX.face && tpl.parts[i] !== PART_INDEX.eyes) continue;
    for (let c = 0; c < 3; c++) {
      let d = 0;
      for (let m = 0; m < M; m++) { const a = tpl.gaussianAnchors[i * M + m]!, w = tpl.gaussianAnchorWeights[i * M + m]!; d += w * (ref1[a * 3 + c]! - ref0[a * 3 + c]!); }
      maxMid = Math.max(maxMid, Math.abs(moved[i * 3 + c]! - means[i * 3 + c]! - d));
    }
  }
  assert.ok(faceCount > 500);
  assert.ok(maxDef > 0.005, `expression moves the face by ${maxDef} m: the test would be vacuous`);
  assert.ok(maxBase < 2e-6, `base vertices differ by ${maxBase} m`);
  assert.ok(maxMid < 2e-6, `midpoints differ from the interpolated offset by ${maxMid} m`);
});

test('posing applies expression before skinning; neutral and old bundles are unchanged', () => {
  const av = bundleOf(true), old = bundleOf(false);
  const J = av.header.skeleton.names.length, N = av.header.gaussianCount;
  const rot = new Float64Array(J * 3);
  const head = av.header.skeleton.names.indexOf('head');
  rot[head * 3 + 1] = 0.7; // turn the head: the smile must turn with it
  const smile = resolveExpression(av, 'smile');
  const a = poseAvatarMeans(av, rot, [0, 0, 0], new Float32Array(N * 3), undefined, { expression: smile.weights });
  const b = poseAvatarMeans(av, rot, [0, 0, 0], new Float32Array(N * 3));
  const c = poseAvatarMeans(old, rot, [0, 0, 0], new Float32Array(N * 3), undefined, { expression: smile.weights });
  assert.deepEqual(b, c, 'an avatar without a basis ignores expression weights');
  // a smile's offsets, rotated by the head's 0.7 rad yaw
  const canon = Float32Array.from(av.buffers.means as Float32Array);
  addExpressionOffsets(av, smile.weights, canon);
  let checked = 0;
  for (let i = 0; i < N; i++) {
    const dx = canon[i * 3]! - (av.buffers.means as Float32Array)[i * 3]!, dz = canon[i * 3 + 2]! - (av.buffers.means as Float32Array)[i * 3 + 2]!;
    if (Math.hypot(dx, dz) < 2e-3 || av.buffers.skinJoints[i * av.header.skinInfluences] !== head || (av.buffers.skinWeights as Float32Array)[i * av.header.skinInfluences]! < 0.999) continue;
    const ex = a[i * 3]! - b[i * 3]!, ez = a[i * 3 + 2]! - b[i * 3 + 2]!;
    const cs = Math.cos(0.7), sn = Math.sin(0.7);
    assert.ok(Math.abs(ex - (cs * dx + sn * dz)) < 1e-5 && Math.abs(ez - (-sn * dx + cs * dz)) < 1e-5, `Gaussian ${i}`);
    checked++;
  }
  assert.ok(checked > 10, `${checked} rigid head Gaussians checked`);
  assert.equal(hasExpression(old), false);
  assert.doesNotThrow(() => resolveExpression(old, 'neutral'));
  assert.throws(() => resolveExpression(old, 'smile'), /carries no expression basis/);
  assert.throws(() => resolveExpression(av, 'grin'), /Unknown expression/);
  assert.throws(() => resolveExpression(av, 'nope-unit=1'), /not in this avatar/);
  const custom = resolveExpression(av, 'mouth-open=0.5,jaw=0.2');
  assert.equal(custom.jaw, 0.2);
  assert.equal(custom.weights[body.expressionNames.indexOf('mouth-open')], 0.5);
});

test('every named expression resolves on the default body and names only its units', () => {
  const av = bundleOf(true);
  for (const name of listNamedExpressions()) {
    const r = resolveExpression(av, name);
    const nonzero = Array.from(r.weights).filter((w) => w !== 0).length;
    assert.equal(nonzero, Object.keys(NAMED_EXPRESSIONS[name]!.units).length, name);
  }
  for (const n of ['neutral', 'smile', 'surprise', 'anger', 'sadness', 'blinkLeft', 'blinkRight', 'aa', 'ih', 'ou', 'ee', 'oh']) assert.ok(listNamedExpressions().includes(n), n);
});
