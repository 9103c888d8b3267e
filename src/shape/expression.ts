/**
 * The body model's expression units carried onto a clothed proxy: each proxy vertex that is the body's
 * own template (the face and hand patches) or skin hugging the body takes the expression offsets of the body
 * vertex it stands on (`bodyVertex`); cloth and hair keep none (hair over the brow does not follow the brows).
 * Only vertices of the face, eyes and head (the chin, which the mouth-open unit moves) take a basis.
 */
import { ArrayBodyModel } from '../body/index.js';
import { PART_INDEX, type BodyModel } from '../body/index.js';
import { PROXY_MATERIAL, type ClothedProxy } from './proxy.js';

/** The proxy's model with the body's expression basis gathered onto it (docs/avatar.md "Expression"). */
export function proxyWithExpression(proxy: ClothedProxy, body: BodyModel): ArrayBodyModel {
  const m = proxy.model, V = m.vertexCount, Vb = body.vertexCount, E = body.expressionNames.length;
  const basis = new Float32Array(E * V * 3);
  const parts = new Set<number>([PART_INDEX.face, PART_INDEX.eyes, PART_INDEX.head]);
  for (let v = 0; v < V; v++) {
    const mat = proxy.material[v]!, bv = proxy.bodyVertex[v]!;
    if (mat !== PROXY_MATERIAL.template && mat !== PROXY_MATERIAL.skin) continue;
    if (bv < 0 || bv >= Vb || !parts.has(body.partLabels[bv]!)) continue;
    for (let k = 0; k < E; k++) for (let c = 0; c < 3; c++) basis[(k * V + v) * 3 + c] = body.expressionBasis[(k * Vb + bv) * 3 + c]!;
  }
  return new ArrayBodyModel({
    kind: m.kind, template: m.template, triangles: m.triangles, cornerUvs: m.cornerUvs, partLabels: m.partLabels, skeleton: m.skeleton,
    shapeCount: m.shapeCount, shapeBasis: m.shapeBasis, expressionNames: [...body.expressionNames], expressionBasis: basis,
    skinning: m.skinning, jointRegressor: m.jointRegressor, landmarkNames: m.landmarkNames, landmarkJoints: m.landmarkJoints,
    landmarkRegressor: m.landmarkRegressor, ...(m.mirror ? { mirror: m.mirror } : {}),
  });
}
