/**
 * A tiny synthetic avatar for export/animate tests: a stick figure whose bones are thin tubes of
 * Gaussians (with triangles), each vertex skinned rigidly to its bone's start joint.
 */
import { createAvatarBundle, type AvatarBundle } from '../../src/avatar/bundle.js';

/** Joint names (SMPL-X naming so that motion retargeting recognises them), parents and T-pose rest positions. */
export const FIXTURE_JOINTS: Array<[string, number, [number, number, number]]> = [
  ['pelvis', -1, [0, 0.95, 0]],
  ['left_hip', 0, [0.09, 0.88, 0]],
  ['right_hip', 0, [-0.09, 0.88, 0]],
  ['spine1', 0, [0, 1.05, 0]],
  ['left_knee', 1, [0.1, 0.49, 0]],
  ['right_knee', 2, [-0.1, 0.49, 0]],
  ['spine2', 3, [0, 1.18, 0]],
  ['left_ankle', 4, [0.1, 0.08, 0]],
  ['right_ankle', 5, [-0.1, 0.08, 0]],
  ['spine3', 6, [0, 1.25, 0]],
  ['neck', 9, [0, 1.47, 0]],
  ['left_collar', 9, [0.07, 1.4, 0]],
  ['right_collar', 9, [-0.07, 1.4, 0]],
  ['head', 10, [0, 1.56, 0]],
  ['left_shoulder', 11, [0.18, 1.41, 0]],
  ['right_shoulder', 12, [-0.18, 1.41, 0]],
  ['left_elbow', 14, [0.44, 1.41, 0]],
  ['right_elbow', 15, [-0.44, 1.41, 0]],
  ['left_wrist', 16, [0.69, 1.41, 0]],
  ['right_wrist', 17, [-0.69, 1.41, 0]],
];

/** Builds the stick-figure avatar with `segments` rings of `ring` vertices per bone. */
export function fixtureAvatar(options: { segments?: number; ring?: number; radius?: number; withTriangles?: boolean } = {}): AvatarBundle {
  const S = options.segments ?? 4, R = options.ring ?? 6, rad = options.radius ?? 0.03;
  const J = FIXTURE_JOINTS.length;
  const rest = FIXTURE_JOINTS.flatMap(([, , p]) => p);
  const pos: number[] = [], col: number[] = [], sj: number[] = [], sw: number[] = [], tri: number[] = [], parts: number[] = [];
  // bones: child joint j → from parent p to j, skinned to p; plus a head blob above the head joint
  const bones: Array<[number, number[], number[]]> = [];
  for (let j = 1; j < J; j++) {
    const p = FIXTURE_JOINTS[j]![1];
    bones.push([p, FIXTURE_JOINTS[p]![2], FIXTURE_JOINTS[j]![2]]);
  }
  bones.push([13, [0, 1.56, 0], [0, 1.75, 0]]);
  bones.forEach(([joint, a, b], bi) => {
    const d = [b[0]! - a[0]!, b[1]! - a[1]!, b[2]! - a[2]!];
    const len = Math.hypot(d[0]!, d[1]!, d[2]!) || 1;
    const u = d.map((x) => x / len);
    const ref = Math.abs(u[1]!) < 0.9 ? [0, 1, 0] : [1, 0, 0];
    const e1 = [u[1]! * ref[2]! - u[2]! * ref[1]!, u[2]! * ref[0]! - u[0]! * ref[2]!, u[0]! * ref[1]! - u[1]! * ref[0]!];
    const n1 = Math.hypot(e1[0]!, e1[1]!, e1[2]!);
    for (let k = 0; k < 3; k++) e1[k]! /= n1;
    const e2 = [u[1]! * e1[2]! - u[2]! * e1[1]!, u[2]! * e1[0]! - u[0]! * e1[2]!, u[0]! * e1[1]! - u[1]! * e1[0]!];
    const base = pos.length / 3;
    const r = bi === bones.length - 1 ? rad * 3 : rad;
    for (let s = 0; s <= S; s++) {
      for (let k = 0; k < R; k++) {
        const t = s / S, ang = (2 * Math.PI * k) / R;
        for (let c = 0; c < 3; c++) pos.push(a[c]! + d[c]! * t + r * (Math.cos(ang) * e1[c]! + Math.sin(ang) * e2[c]!));
        col.push(0.2 + 0.6 * ((bi * 37) % 11) / 10, 0.3 + 0.5 * (k / R), 0.8 - 0.6 * t);
        sj.push(joint, 0);
        sw.push(1, 0);
        parts.push(0);
      }
    }
    for (let s = 0; s < S; s++)
      for (let k = 0; k < R; k++) {
        const a0 = base + s * R + k, a1 = base + s * R + ((k + 1) % R), b0 = a0 + R, b1 = a1 + R;
        tri.push(a0, b0, a1, a1, b0, b1);
      }
  });
  const N = pos.length / 3;
  const arrays: Record<string, { data: Float32Array | Uint8Array | Uint16Array | Uint32Array; shape: number[] }> = {
    means: { data: Float32Array.from(pos), shape: [N, 3] },
    scales: { data: new Float32Array(N).fill(0.012), shape: [N] },
    colors: { data: Float32Array.from(col), shape: [N, 3] },
    opacities: { data: new Float32Array(N).fill(1), shape: [N] },
    parts: { data: Uint8Array.from(parts), shape: [N] },
    skinJoints: { data: Uint16Array.from(sj), shape: [N, 2] },
    skinWeights: { data: Float32Array.from(sw), shape: [N, 2] },
  };
  if (options.withTriangles ?? true) arrays.triangles = { data: Uint32Array.from(tri), shape: [tri.length / 3, 3] };
  return createAvatarBundle(
    {
      gaussianCount: N,
      body: { kind: 'fixture', shape: [], subdivisionLevels: 0 },
      skeleton: { names: FIXTURE_JOINTS.map(([n]) => n), parents: FIXTURE_JOINTS.map(([, p]) => p), restJoints: rest },
      skinInfluences: 2,
      poseOffsets: null,
    },
    arrays,
  );
}
