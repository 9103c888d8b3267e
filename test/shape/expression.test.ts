import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel, ArrayBodyModel } from '../../src/body/model.js';
import { PART_INDEX } from '../../src/body/types.js';
import { proxyWithExpression } from '../../src/shape/expression.js';
import { PROXY_MATERIAL, type ClothedProxy } from '../../src/shape/proxy.js';

test('the proxy takes the body expression basis on template and skin face/head vertices only', () => {
  const body = loadBodyModel();
  const V = body.vertexCount, E = body.expressionNames.length;
  // a proxy that is the body itself, vertex for vertex, with mixed materials
  const model = new ArrayBodyModel({
    kind: 'proxy', template: body.template, triangles: body.triangles, cornerUvs: body.cornerUvs, partLabels: body.partLabels,
    skeleton: body.skeleton, shapeCount: 0, shapeBasis: new Float32Array(0), expressionNames: [], expressionBasis: new Float32Array(0),
    skinning: body.skinning, jointRegressor: body.jointRegressor, landmarkNames: [], landmarkJoints: new Int32Array(0),
    landmarkRegressor: { offsets: new Uint32Array(1), vertices: new Uint32Array(0), weights: new Float32Array(0) },
  });
  const material = Uint8Array.from({ length: V }, (_, v) => [PROXY_MATERIAL.template, PROXY_MATERIAL.skin, PROXY_MATERIAL.cloth, PROXY_MATERIAL.hair][v % 4]!);
  const bodyVertex = Int32Array.from({ length: V }, (_, v) => v);
  const proxy = { model, material, bodyVertex } as unknown as ClothedProxy;
  const m = proxyWithExpression(proxy, body);
  assert.deepEqual(m.expressionNames, body.expressionNames);
  let copied = 0, moved = 0;
  const faceLike = new Set<number>([PART_INDEX.face, PART_INDEX.eyes, PART_INDEX.head]);
  for (let v = 0; v < V; v++) {
    const takes = (material[v] === PROXY_MATERIAL.template || material[v] === PROXY_MATERIAL.skin) && faceLike.has(body.partLabels[v]!);
    for (let k = 0; k < E; k++) for (let c = 0; c < 3; c++) {
      const i = (k * V + v) * 3 + c, b = body.expressionBasis[i]!;
      if (b !== 0) moved++;
      assert.equal(m.expressionBasis[i], takes ? b : 0, `vertex ${v} unit ${k}`);
      if (takes && b !== 0) copied++;
    }
  }
  assert.ok(copied > 0.3 * moved && copied < 0.7 * moved, `${copied} of ${moved} non-zero basis entries copied (half the vertices qualify by material)`);
});
