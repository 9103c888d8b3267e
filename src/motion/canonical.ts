/**
 * The canonical skeleton: SMPL-X joint names and parents with nominal T-pose rest joint
 * positions (metres, Y up, facing +Z, feet on y = 0). Builtin motions are authored on it and
 * SMPL-X parameter sequences live on it; both reach a body skeleton by retargeting.
 * The positions are round anatomical figures for an adult of about 1.75 m (made up for this
 * project, not taken from any model file): only bone directions and leg length matter.
 */
import type { Skeleton } from '../body/types.js';
import { SMPLX_JOINTS, SMPLX_PARENTS, type JointRole } from './names.js';

/** A skeleton with its rest joint positions. */
export interface RestSkeleton {
  skeleton: Skeleton;
  /** J×3 rest joint positions (metres). */
  rest: Float64Array;
}

const LEFT_SIDE: Partial<Record<string, [number, number, number]>> = {
  hip: [0.09, 0.88, 0], knee: [0.1, 0.49, 0.01], ankle: [0.1, 0.08, -0.02], foot: [0.11, 0.02, 0.12],
  collar: [0.07, 1.40, -0.01], shoulder: [0.18, 1.41, -0.01], elbow: [0.44, 1.41, -0.01], wrist: [0.69, 1.41, -0.01],
  index1: [0.785, 1.405, 0.025], index2: [0.82, 1.405, 0.025], index3: [0.845, 1.405, 0.025],
  middle1: [0.79, 1.405, 0.005], middle2: [0.83, 1.405, 0.005], middle3: [0.86, 1.405, 0.005],
  ring1: [0.785, 1.403, -0.015], ring2: [0.82, 1.403, -0.015], ring3: [0.845, 1.403, -0.015],
  pinky1: [0.77, 1.40, -0.035], pinky2: [0.80, 1.40, -0.035], pinky3: [0.82, 1.40, -0.035],
  thumb1: [0.723, 1.40, 0.02], thumb2: [0.735, 1.38, 0.042], thumb3: [0.755, 1.365, 0.064],
  eye: [0.032, 1.63, 0.09],
};
const AXIAL: Partial<Record<string, [number, number, number]>> = {
  pelvis: [0, 0.95, 0], spine1: [0, 1.05, -0.01], spine2: [0, 1.18, -0.01], spine3: [0, 1.25, 0],
  neck: [0, 1.47, -0.01], head: [0, 1.56, 0.01], jaw: [0, 1.55, 0.04],
};

/** Nominal T-pose position of a canonical joint. */
export function canonicalRestPosition(role: JointRole): [number, number, number] {
  const axial = AXIAL[role];
  if (axial) return axial;
  const m = /^(left|right)_(.+)$/.exec(role)!;
  const p = LEFT_SIDE[m[2]!]!;
  return m[1] === 'left' ? [p[0], p[1], p[2]] : [-p[0], p[1], p[2]];
}

let cached: RestSkeleton | undefined;

/** The canonical SMPL-X-named T-pose skeleton (55 joints). */
export function canonicalSkeleton(): RestSkeleton {
  if (cached) return cached;
  const rest = new Float64Array(SMPLX_JOINTS.length * 3);
  SMPLX_JOINTS.forEach((r, j) => rest.set(canonicalRestPosition(r), j * 3));
  cached = { skeleton: { names: [...SMPLX_JOINTS], parents: Int32Array.from(SMPLX_PARENTS) }, rest };
  return cached;
}

/** Leg length (hip → knee → ankle, both legs averaged) of a skeleton, in its units; NaN if it has no recognizable legs. */
export function legLength(rest: ArrayLike<number>, roles: ReadonlyArray<JointRole | null>): number {
  const at = (r: JointRole): number => roles.indexOf(r);
  const dist = (a: number, b: number): number =>
    Math.hypot(rest[a * 3]! - rest[b * 3]!, rest[a * 3 + 1]! - rest[b * 3 + 1]!, rest[a * 3 + 2]! - rest[b * 3 + 2]!);
  let sum = 0, n = 0;
  for (const side of ['left', 'right'] as const) {
    const h = at(`${side}_hip`), k = at(`${side}_knee`), a = at(`${side}_ankle`);
    if (h >= 0 && k >= 0 && a >= 0) { sum += dist(h, k) + dist(k, a); n++; }
  }
  return n > 0 ? sum / n : NaN;
}
