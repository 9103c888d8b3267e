/**
 * Hip anchoring of skirt-like cloth for the simulated path (docs/sim.md, "Skirts hang from the hips").
 *
 * Skinning gives every loose vertex the weights of the body nearest to it, so a long skirt's hem follows the
 * calves (the shape stage skins subject 4's hem 93 % to the legs) and, under skinning alone, the skirt moves
 * like a pair of trousers. A real skirt hangs from the waist and is pushed by the legs. For the simulated
 * path, cloth of a loose region that spans both legs (one connected loose cloth component with vertices
 * dominated by the left leg's chain and others by the right's) moves a fraction of its leg-chain weight to
 * the pelvis: fraction = `amount`·min(1, freedom/`full`), so the blend from the attached waistband (freedom
 * 0, weights unchanged) to the hem is smooth. The leg capsules then push the cloth out (the solver's
 * collisions). Loose cloth around one leg (a wide trouser leg) and hair keep their weights.
 */
import type { SkinWeights } from '../body/index.js';
import { isFree, weldMap } from './topology.js';
import { MATERIAL, type DeformableSurface } from './types.js';

/** Joints in the subtree of `root` (itself included), as a mask over the skeleton. */
function subtree(parents: Int32Array, root: number): Uint8Array {
  const m = new Uint8Array(parents.length);
  if (root < 0) return m;
  m[root] = 1;
  for (let j = 0; j < parents.length; j++) if (parents[j]! >= 0 && m[parents[j]!]) m[j] = 1; // parents precede children
  return m;
}

/** Result: the re-weighted surface and how many vertices were re-weighted. */
export interface HipAnchorResult { surface: DeformableSurface; anchored: number }

/**
 * Moves `amount`·min(1, freedom/full) of the leg-chain skinning weight of skirt-like cloth vertices to the
 * pelvis. `names`/`parents`: the body skeleton (joints `pelvis`, `thigh_l`, `thigh_r`). Unchanged when the
 * skeleton lacks them or no loose cloth spans both legs.
 */
export function anchorSkirtsToHips(s: DeformableSurface, names: string[], parents: Int32Array, amount: number, full: number): HipAnchorResult {
  const pelvis = names.indexOf('pelvis'), left = subtree(parents, names.indexOf('thigh_l')), right = subtree(parents, names.indexOf('thigh_r'));
  if (pelvis < 0 || !left.some((x) => x) || !right.some((x) => x) || !(amount > 0)) return { surface: s, anchored: 0 };
  const V = s.rest.length / 3, K = s.skin.influences, canon = weldMap(s.rest);
  const cloth = (v: number) => s.material[v] === MATERIAL.cloth && isFree(s, v);
  // connected components of loose cloth (welded), union–find
  const parent = Int32Array.from({ length: V }, (_, i) => i);
  const find = (a: number): number => { while (parent[a] !== a) { parent[a] = parent[parent[a]!]!; a = parent[a]!; } return a; };
  for (let f = 0; f < s.triangles.length; f += 3) for (let e = 0; e < 3; e++) {
    const a = canon[s.triangles[f + e]!]!, b = canon[s.triangles[f + ((e + 1) % 3)]!]!;
    if (cloth(a) && cloth(b)) { const ra = find(a), rb = find(b); if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb); }
  }
  // which components have vertices dominated by each leg chain
  const side = new Uint8Array(V); // bit 1 left, bit 2 right, per component root
  for (let v = 0; v < V; v++) {
    if (!cloth(canon[v]!)) continue;
    let best = -1, bw = -1;
    for (let k = 0; k < K; k++) if (s.skin.weights[v * K + k]! > bw) { bw = s.skin.weights[v * K + k]!; best = s.skin.joints[v * K + k]!; }
    const r = find(canon[v]!);
    if (left[best]) side[r]! |= 1;
    if (right[best]) side[r]! |= 2;
  }
  const joints = Uint16Array.from(s.skin.joints), weights = Float32Array.from(s.skin.weights);
  let anchored = 0;
  for (let v = 0; v < V; v++) {
    const c = canon[v]!;
    if (!cloth(c) || side[find(c)] !== 3) continue;
    const a = amount * Math.min(1, s.freedom[v]! / full);
    let moved = 0, slot = -1;
    for (let k = 0; k < K; k++) {
      const j = joints[v * K + k]!, w = weights[v * K + k]!;
      if (w > 0 && (left[j] || right[j])) { moved += a * w; weights[v * K + k] = w * (1 - a); }
      if (j === pelvis && w > 0) slot = k;
    }
    if (moved === 0) continue;
    if (slot < 0) { // the smallest slot takes the pelvis (its weight goes to the pelvis too)
      slot = 0;
      for (let k = 1; k < K; k++) if (weights[v * K + k]! < weights[v * K + slot]!) slot = k;
      moved += weights[v * K + slot]!;
      joints[v * K + slot] = pelvis; weights[v * K + slot] = 0;
    }
    weights[v * K + slot]! += moved;
    anchored++;
  }
  const skin: SkinWeights = { influences: K, joints, weights };
  return { surface: { ...s, skin }, anchored };
}
