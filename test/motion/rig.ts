/**
 * Test helper: the MakeHuman game_engine skeleton and rest joints straight from the MPFB2 rig
 * JSON (committed under test/assets/mpfb2/) (bone heads at their `default_position`, Blender Z-up metres → Y up, facing +Z; it keeps
 * the floor-level `Root` bone), and the compiled default body model's skeleton.
 */
import type { RestSkeleton } from '../../src/motion/canonical.js';
import { restSkeletonOf } from '../../src/motion/body.js';
import { loadBodyModel } from '../../src/body/model.js';
import { readMpfbText } from '../perceive/synth.js';

let cached: RestSkeleton | undefined;

interface Bone { parent: string; head: { default_position: [number, number, number] } }

/** The game_engine rig as a RestSkeleton (parents before children). */
export function gameEngineRig(): RestSkeleton {
  if (cached) return cached;
  const bones = JSON.parse(readMpfbText('rigs/standard/rig.game_engine.json')) as Record<string, Bone>;
  const names: string[] = [];
  const visit = (n: string): void => {
    if (names.includes(n)) return;
    const p = bones[n]!.parent;
    if (p) visit(p);
    names.push(n);
  };
  for (const n of Object.keys(bones)) visit(n);
  const parents = Int32Array.from(names.map((n) => (bones[n]!.parent ? names.indexOf(bones[n]!.parent) : -1)));
  const rest = new Float64Array(names.length * 3);
  names.forEach((n, j) => {
    const [x, y, z] = bones[n]!.head.default_position;
    rest.set([x, z, -y], j * 3);
  });
  cached = { skeleton: { names, parents }, rest };
  return cached;
}

/** The body skeleton used by the motion tests: the compiled default body model (src/body). */
export async function bodyRig(): Promise<RestSkeleton> {
  return restSkeletonOf(loadBodyModel());
}

