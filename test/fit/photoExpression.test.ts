import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expressivePhoto } from '../../src/bench/expressionPhoto.js';
import { mixNamedExpressions, NAMED_EXPRESSIONS } from '../../src/body/index.js';
import { Perceiver } from '../../src/perceive/index.js';
import { estimatePhotoExpression, photoExpressionPose } from '../../src/fit/expression.js';
import type { FaceResult } from '../../src/perceive/index.js';

test('the fit reads the photo’s own expression from its face mesh: smiling and open-mouthed photos of synthetic subjects', { timeout: 300_000 }, async () => {
  const perceiver = await Perceiver.create({ face: true, hands: false, matte: false, people: true });
  const rows: string[] = [];
  for (const id of [0, 2, 4]) {
    const est: Record<string, { aa: number; smile: number }> = {};
    for (const [expr, weight] of [['neutral', 1], ['smile', 1], ['smile', 0.5], ['aa', 1]] as const) {
      const p = await perceiver.perceive(expressivePhoto(id, expr, weight), {});
      const e = estimatePhotoExpression(p.face);
      assert.ok(e, `subject ${id} ${expr}: a face`);
      est[`${expr}${weight === 0.5 ? "Half" : ""}`] = { aa: e.weights[0]!, smile: e.weights[1]! };
    }
    rows.push(`subject ${id}: ${Object.entries(est).map(([k, v]) => `${k} aa ${v.aa.toFixed(2)} smile ${v.smile.toFixed(2)}`).join('; ')}`);
    assert.ok(est.neutral!.smile < 0.25 && est.neutral!.aa < 0.2, `subject ${id}: neutral reads neutral (${JSON.stringify(est.neutral)})`);
    assert.ok(est.smile!.smile > 0.6, `subject ${id}: smile reads as smile (${JSON.stringify(est.smile)})`);
    assert.ok(est.smile!.smile > est.smileHalf!.smile && est.smileHalf!.smile > est.neutral!.smile, `subject ${id}: half a smile lies between`);
    assert.ok(est.aa!.aa > 0.6 && est.aa!.smile < 0.4, `subject ${id}: an open mouth reads as aa, not smile (${JSON.stringify(est.aa)})`);
  }
  console.log(`photo expression:\n${rows.join('\n')}`);
  assert.equal(estimatePhotoExpression(null), null);
  assert.equal(estimatePhotoExpression({ score: 0.1, box: [0, 0, 1, 1], mesh: [], rotation: null, iris: null } as FaceResult), null);
});

test('the photo’s expression becomes the fit’s unit weights and jaw; noise under the thresholds and models without the units stay neutral', () => {
  const units = ['mouth-open', 'mouth-corner-puller', 'mouth-upward-retraction', 'eye-left-slit', 'eye-right-slit'];
  const e = (aa: number, smile: number) => ({ names: ['aa', 'smile'], weights: [aa, smile], features: { gap: 0, width: 0 } });
  const smile = photoExpressionPose(e(0.1, 0.8), units);
  assert.deepEqual(smile.applied, { smile: 0.8 }, 'aa 0.1 is under its threshold');
  assert.equal(smile.jaw, 0);
  const mix = mixNamedExpressions(units, { smile: 0.8 });
  assert.deepEqual(smile.weights, Array.from(mix.weights, (w) => Math.round(w * 1e4) / 1e4));
  assert.equal(smile.weights[units.indexOf('mouth-corner-puller')], 0.8 * NAMED_EXPRESSIONS.smile!.units['mouth-corner-puller']!);
  const open = photoExpressionPose(e(0.9, 0), units);
  assert.ok(Math.abs(open.jaw - 0.9 * NAMED_EXPRESSIONS.aa!.jaw!) < 1e-4, 'aa opens the jaw');
  assert.deepEqual(photoExpressionPose(e(0.1, 0.1), units), { weights: [], jaw: 0, applied: {} }, 'a neutral reading applies nothing');
  assert.deepEqual(photoExpressionPose(null, units).weights, []);
  assert.deepEqual(photoExpressionPose(e(0.9, 0.9), ['expr00', 'expr01']).weights, [], 'SMPL-X components are not the named units: neutral');
});
