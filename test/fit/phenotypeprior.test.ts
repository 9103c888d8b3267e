/** The sex prior of the body shape (issue #19): decision from perception, centre, gradient. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineSexEvidence, decideSex, phenotypePrior, shapePriorEnergy } from '../../src/fit/phenotypePrior.js';
import { loadBodyModel } from '../../src/body/model.js';
import type { Perception } from '../../src/perceive/types.js';

const withFace = (sex: 'male' | 'female' | 'unknown', sexConfidence: number): Perception =>
  ({ face: { attributes: { sex, sexConfidence, age: 30 } } }) as unknown as Perception;

test('decideSex: confident faces set the gender, unsure or missing faces stay neutral, --sex wins', () => {
  assert.equal(decideSex(withFace('male', 0.9)).gender, 1);
  assert.equal(decideSex(withFace('female', 0.9)).gender, 0);
  const weak = decideSex(withFace('male', 0.4));
  assert.ok(weak.gender > 0.5 && weak.gender < 1, `${weak.gender}`);
  assert.equal(decideSex(withFace('male', 0.1)).sex.used, 'neutral');
  assert.equal(decideSex({ face: null } as unknown as Perception).sex.used, 'neutral');
  const user = decideSex(withFace('male', 0.9), 'female');
  assert.equal(user.sex.used, 'female');
  assert.equal(user.sex.source, 'user');
  assert.equal(user.sex.inferred, 'male');
});

test('phenotypePrior: the male centre lies on the male side of the gender axis, the female one opposite', () => {
  const body = loadBodyModel();
  const male = phenotypePrior(body, decideSex(withFace('male', 0.9)));
  const female = phenotypePrior(body, decideSex(withFace('female', 0.9)));
  const dir = male.prior.directions[0]!.dir;
  const dot = (c: Float64Array) => c.reduce((s, v, k) => s + v * dir[k]!, 0);
  assert.ok(dot(male.prior.centre) > 0.5, `male ${dot(male.prior.centre)}`);
  assert.ok(dot(female.prior.centre) < -0.5, `female ${dot(female.prior.centre)}`);
  assert.equal(male.record.applied, true);
  // the male body at the centre has a flatter chest than the female one: compare chest depth (max z of the torso)
  const depth = (beta: Float64Array) => {
    const v = body.shapedVertices(beta);
    let ylo = Infinity, yhi = -Infinity;
    for (let i = 0; i < body.vertexCount; i++) { ylo = Math.min(ylo, v[i * 3 + 1]!); yhi = Math.max(yhi, v[i * 3 + 1]!); }
    // chest band: 70–76 % of the height from the soles, within 12 % of the height of the midline
    const h = yhi - ylo;
    let zmax = -Infinity;
    for (let i = 0; i < body.vertexCount; i++) {
      const t = (v[i * 3 + 1]! - ylo) / h;
      if (t > 0.7 && t < 0.76 && Math.abs(v[i * 3]!) < 0.12 * h) zmax = Math.max(zmax, v[i * 3 + 2]!);
    }
    return zmax;
  };
  assert.ok(depth(female.prior.centre) > depth(male.prior.centre) + 0.01, `chest ${depth(female.prior.centre)} vs ${depth(male.prior.centre)}`);
});

test('shapePriorEnergy: gradient matches central finite differences (float64)', () => {
  const S = 6;
  const prior = { centre: Float64Array.from([0.3, -0.2, 0.1, 0, 0.5, -0.4]), directions: [{ dir: Float64Array.from([0.6, 0, 0.8, 0, 0, 0]), weight: 0.7 }] };
  const beta = Float64Array.from([1, 0.5, -0.3, 0.2, -0.1, 0.9]);
  const grad = new Float64Array(S);
  shapePriorEnergy(beta, prior, 0.01, grad);
  const h = 1e-6;
  for (let k = 0; k < S; k++) {
    const p = beta.slice(), m = beta.slice();
    p[k]! += h; m[k]! -= h;
    const fd = (shapePriorEnergy(p, prior, 0.01, new Float64Array(S)) - shapePriorEnergy(m, prior, 0.01, new Float64Array(S))) / (2 * h);
    assert.ok(Math.abs(fd - grad[k]!) < 1e-7, `k=${k}: ${fd} vs ${grad[k]}`);
  }
});

test('combineSexEvidence: the face and the body-fit votes add; a clearly better female fit outvotes a weak male face', () => {
  assert.equal(combineSexEvidence(decideSex(withFace('male', 0.9)), 1, 1).sex.used, 'male');
  const outvoted = combineSexEvidence(decideSex(withFace('male', 0.3)), 1.2, 1.0);
  assert.equal(outvoted.sex.used, 'female');
  assert.ok(outvoted.gender < 0.1, `${outvoted.gender}`);
  assert.ok(outvoted.sex.body!.bodyVote < -0.9);
  assert.equal(combineSexEvidence(decideSex(withFace('unknown', 0)), 1, 1.001).sex.used, 'neutral');
});
