import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSubject } from '../../src/bench/subjects.js';
import { NAMED_EXPRESSIONS } from '../../src/body/index.js';
import { Perceiver } from '../../src/perceive/index.js';
import { estimatePhotoExpression } from '../../src/fit/expression.js';
import type { FaceResult } from '../../src/perceive/index.js';

/** Subject `id`'s photo (photo pose, framing camera) with `expr` at `weight`. */
function photo(id: number, expr: string, weight: number) {
  const s = makeSubject(id);
  const names = s.model.expressionNames, jaw = s.model.skeleton.names.indexOf('jaw');
  const ne = NAMED_EXPRESSIONS[expr]!;
  const w = new Float64Array(names.length);
  for (const [u, v] of Object.entries(ne.units)) w[names.indexOf(u)] = weight * v;
  const pose = s.photoPose();
  const rotations = Float64Array.from(pose.rotations);
  rotations[jaw * 3] = rotations[jaw * 3]! + weight * (ne.jaw ?? 0);
  const posed = s.pose({ ...pose, rotations }, { expression: w });
  return s.render(posed, s.frameCamera(posed), { supersample: 2, background: [1, 1, 1] }).image;
}

test('the fit reads the photo’s own expression from its face mesh: smiling and open-mouthed photos of synthetic subjects', { timeout: 300_000 }, async () => {
  const perceiver = await Perceiver.create({ face: true, hands: false, matte: false, people: true });
  const rows: string[] = [];
  for (const id of [0, 2, 4]) {
    const est: Record<string, { aa: number; smile: number }> = {};
    for (const [expr, weight] of [['neutral', 1], ['smile', 1], ['smile', 0.5], ['aa', 1]] as const) {
      const p = await perceiver.perceive(photo(id, expr, weight), {});
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
