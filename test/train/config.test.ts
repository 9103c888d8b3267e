import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stepWeights, totalIterations, trainConfig } from '../../src/train/config.js';
import { PRESET_NAMES } from '../../src/subject/quality.js';
import { PersonaError } from '../../src/core/errors.js';

test('standard preset carries the paper/code constants', () => {
  const c = trainConfig('standard');
  assert.equal(c.loss.imageL1, 0.8);
  assert.equal(c.loss.imageSsim, 0.2);
  assert.equal(c.loss.refinedImage, 0.1);
  assert.equal(c.loss.boundaryImage, 0.1);
  assert.equal(c.loss.geometryGenerated, 1);
  assert.equal(c.loss.geometryPhoto, 0.1);
  assert.equal(c.loss.handMask, 50);
  assert.equal(c.loss.depth, 0.01);
  assert.equal(c.schedule.adamEps, 1e-15);
  assert.equal(c.lr.offset, 1e-3);
  assert.equal(c.lr.triplane, 1e-3);
  assert.equal(c.lr.mlp, 1e-3);
  assert.equal(c.lr.scale, 1e-2);
  assert.equal(c.lr.color, 1e-2);
  assert.equal(c.lr.segmentation, 1e-2);
  assert.equal(c.schedule.decayFactor, 10);
  assert.equal(c.schedule.decayAt, 0.75);
  assert.equal(c.schedule.epochs, 5);
  assert.deepEqual(c.avatar.mlpHidden, [128, 128, 128]);
  assert.equal(c.avatar.triplaneChannels, 32);
  assert.equal(c.avatar.triplaneResolution, 128);
  assert.equal(c.sampling.balanced, true);
  assert.equal(totalIterations(c, 100), 500);
});

test('presets exist, overrides apply, invalid values are rejected', () => {
  for (const p of PRESET_NAMES) assert.equal(trainConfig(p).preset, p);
  assert.ok(trainConfig('test').avatar.triplaneResolution < trainConfig('fast').avatar.triplaneResolution);
  const c = trainConfig('fast', { sampling: { balanced: false }, lr: { offset: 5e-4 } });
  assert.equal(c.sampling.balanced, false);
  assert.equal(c.lr.offset, 5e-4);
  assert.equal(c.lr.scale, 1e-2);
  assert.throws(() => trainConfig('fast', { avatar: { mlpHidden: [130] } }), /divisible/);
  assert.throws(() => trainConfig('fast', { loss: { depth: -1 } }), PersonaError);
  assert.throws(() => trainConfig('huge' as never), /unknown quality preset/);
  // presets are independent copies
  trainConfig('standard').avatar.mlpHidden.push(1);
  assert.equal(trainConfig('standard').avatar.mlpHidden.length, 3);
});

test('stepWeights: photo vs generated, and the geometry-weighting ablation', () => {
  const c = trainConfig('standard');
  const p = stepWeights(c.loss, 'photo', true), g = stepWeights(c.loss, 'generated', true);
  assert.deepEqual(p, { useBoundaryWeights: true, refinedImage: 0.1, geometry: 0.1 });
  assert.deepEqual(g, { useBoundaryWeights: false, refinedImage: 0.1, geometry: 1 });
  assert.deepEqual(stepWeights(c.loss, 'generated', false), g);
  const off = stepWeights(c.loss, 'photo', false);
  assert.equal(off.useBoundaryWeights, false);
  assert.equal(off.geometry, 1);
  assert.equal(off.refinedImage, 1);
});
