import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BalancedSampler } from '../../src/train/sampler.js';
import { PersonaError } from '../../src/core/errors.js';

test('balanced sampler: exactly half of every epoch is the photo, every frame once, shuffled', () => {
  const s = new BalancedSampler({ generatedFrames: 37, balanced: true, seed: 3 });
  assert.equal(s.stepsPerEpoch, 74);
  for (let e = 0; e < 3; e++) {
    const order = s.epoch(e);
    assert.equal(order.length, 74);
    assert.equal(order.filter((x) => x.kind === 'photo').length, 37);
    const frames = order.filter((x) => x.kind === 'generated').map((x) => x.index).sort((a, b) => a - b);
    assert.deepEqual(frames, [...Array(37).keys()]);
  }
  // shuffled (not all photos first), different per epoch, deterministic per seed
  const e0 = s.epoch(0).map((x) => x.kind).join();
  assert.notEqual(e0, [...Array(37).fill('photo'), ...Array(37).fill('generated')].join());
  assert.notEqual(e0, s.epoch(1).map((x) => x.kind).join());
  assert.deepEqual(s.epoch(2), new BalancedSampler({ generatedFrames: 37, balanced: true, seed: 3 }).epoch(2));
  assert.deepEqual(s.at(74 + 5), s.epoch(1)[5]);
});

test('unbalanced sampler (ablation): the photo once per epoch', () => {
  const s = new BalancedSampler({ generatedFrames: 10, balanced: false, seed: 0 });
  assert.equal(s.stepsPerEpoch, 11);
  assert.equal(s.epoch(0).filter((x) => x.kind === 'photo').length, 1);
  assert.throws(() => new BalancedSampler({ generatedFrames: 0, balanced: true, seed: 0 }), PersonaError);
});
