import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { buildGaussianTemplate } from '../../src/avatar/buildTemplate.js';
import { bundleFromTemplate } from '../avatar/templateBundle.js';
import { NAMED_EXPRESSIONS } from '../../src/body/index.js';
import { bindMotion, samplePose } from '../../src/animate/poses.js';
import { motionToJson, parseMotionJson } from '../../src/motion/json.js';
import type { Motion } from '../../src/motion/types.js';

const body = loadBodyModel();
const tpl = buildGaussianTemplate(body, { shape: [], levels: 0 });

const avatarOf = (withExpression: boolean) => bundleFromTemplate(tpl, withExpression);

/** Three frames at rest with channels smile and aa: smile 0 → 1 → 1, aa 0 → 0 → 1. */
function talkingMotion(): Motion {
  const names = tpl.skeleton.names, J = names.length, F = 3;
  const rotations = new Float32Array(F * J * 4);
  for (let i = 0; i < F * J; i++) rotations[i * 4] = 1;
  return {
    name: 'talk', fps: 10, frameCount: F, jointNames: [...names], rotations, rootTranslation: new Float32Array(F * 3),
    expressions: { names: ['smile', 'aa'], weights: Float32Array.from([0, 0, 1, 0, 1, 1]) },
  };
}

test('motion expression channels interpolate in time into unit weights and a jaw opening', () => {
  const av = avatarOf(true);
  const bound = bindMotion(talkingMotion(), av);
  const names = av.header.expression!.names;
  const jaw = av.header.skeleton.names.indexOf('jaw');
  const corner = names.indexOf('mouth-corner-puller'), open = names.indexOf('mouth-open');
  const p0 = samplePose(bound, 0);
  assert.ok(p0.expression!.every((w) => w === 0));
  assert.equal(p0.rotations[jaw * 3], 0);
  const p = samplePose(bound, 0.15); // halfway between frames 1 and 2
  assert.ok(Math.abs(p.expression![corner]! - NAMED_EXPRESSIONS.smile!.units['mouth-corner-puller']!) < 1e-6);
  assert.ok(Math.abs(p.expression![open]! - 0.5 * NAMED_EXPRESSIONS.aa!.units['mouth-open']!) < 1e-6);
  assert.ok(Math.abs(p.rotations[jaw * 3]! - 0.5 * NAMED_EXPRESSIONS.aa!.jaw!) < 1e-6);
  // a constant expression adds to the channels
  const held = samplePose(bindMotion(talkingMotion(), av, { expression: 'blinkLeft' }), 0);
  assert.equal(held.expression![names.indexOf('eye-left-closure')], 1);
});

test('asking an expression of an avatar without a basis is a clear error; neutral motions still play', () => {
  const old = avatarOf(false);
  assert.throws(() => bindMotion(talkingMotion(), old), /carries no expression basis/);
  assert.throws(() => bindMotion({ ...talkingMotion(), expressions: undefined }, old, { expression: 'smile' }), /carries no expression basis/);
  const p = samplePose(bindMotion({ ...talkingMotion(), expressions: undefined }, old), 0.1);
  assert.equal(p.expression, undefined);
});

test('persona-motion JSON carries expression channels (round trip) and rejects "e" without a channel list', () => {
  const m = talkingMotion();
  const json = motionToJson(m);
  assert.deepEqual(json.expressions, ['smile', 'aa']);
  const back = parseMotionJson(JSON.parse(JSON.stringify(json))).motion;
  assert.deepEqual(back.expressions!.names, ['smile', 'aa']);
  assert.deepEqual(Array.from(back.expressions!.weights), [0, 0, 1, 0, 1, 1]);
  const bad = JSON.parse(JSON.stringify(json));
  delete bad.expressions;
  assert.throws(() => parseMotionJson(bad, 'x.json'), /frames\[0\]\.e needs a top-level "expressions"/);
  const short = JSON.parse(JSON.stringify(json));
  short.frames[1].e = [1];
  assert.throws(() => parseMotionJson(short, 'x.json'), /frames\[1\]\.e has 1 numbers, expected 2/);
});
