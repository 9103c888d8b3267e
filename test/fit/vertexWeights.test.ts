import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { PART_INDEX } from '../../src/body/index.js';
import { silhouetteVertexWeights } from '../../src/fit/vertexWeights.js';

test('silhouette vertex weights: 1 off the hands; on them, area shares that bring each hand to about its share of the surface', () => {
  const body = loadBodyModel();
  const w = silhouetteVertexWeights(body);
  const hands = new Set<number>([PART_INDEX.leftHand, PART_INDEX.rightHand]);
  let handWeight = 0, handCount = 0, total = 0;
  for (let v = 0; v < body.vertexCount; v++) {
    total += w[v]!;
    if (hands.has(body.partLabels[v]!)) { handWeight += w[v]!; handCount++; assert.ok(w[v]! > 0 && w[v]! <= 1); }
    else assert.equal(w[v], 1);
  }
  // the template's hands: ~24 % of the vertices; weighted, a few per cent of the term (their ~5 % of the surface, clamped at 1)
  assert.ok(handCount / body.vertexCount > 0.2, `hands hold ${handCount} of ${body.vertexCount} vertices`);
  assert.ok(handWeight / total < 0.08, `hands weigh ${(handWeight / total).toFixed(3)} of the term`);
  assert.equal(silhouetteVertexWeights(body), w, 'computed once per body');
});
