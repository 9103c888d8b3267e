/**
 * Per-vertex weights of the fit's silhouette term: 1, except on the hands, where a vertex weighs its share of the hand's
 * surface area relative to the body's mean vertex area (a third of its triangles' areas in the rest template).
 *
 * Why: the term sums over vertices, and the MakeHuman template is dense on its hands — each hand is 11.8 % of the
 * vertices on 2.3 % of the area — while the fit keeps the fingers in the template's rest pose (fitImage.ts frozenJoints).
 * A photo's hand (curled, spread or seen edge-on) rarely matches that hand's outline, and per vertex its fingers reaching
 * past the matte cost as much as the whole torso: the fit tucked hands into the body's matte, tens of pixels off their
 * keypoints, rather than onto them (docs/fit.md *Hands held off the matte*). The face, also dense, is left at 1: its
 * outline is the head's, which the template does fit.
 */
import { PART_INDEX, type ArrayBodyModel } from '../body/index.js';
import { vertexAreas } from '../core/vertexAreas.js';

const cache = new WeakMap<ArrayBodyModel, Float64Array>();

/** The silhouette term's vertex weights for `body` (see the module comment). */
export function silhouetteVertexWeights(body: ArrayBodyModel): Float64Array {
  const hit = cache.get(body);
  if (hit) return hit;
  const V = body.vertexCount;
  const area = vertexAreas(body.template, body.triangles, V);
  let total = 0;
  for (let v = 0; v < V; v++) total += area[v]!;
  const mean = total / Math.max(1, V);
  const hands = new Set<number>([PART_INDEX.leftHand, PART_INDEX.rightHand]);
  const w = new Float64Array(V).fill(1);
  if (mean > 0) for (let v = 0; v < V; v++) if (hands.has(body.partLabels[v]!)) w[v] = Math.min(1, area[v]! / mean);
  cache.set(body, w);
  return w;
}
