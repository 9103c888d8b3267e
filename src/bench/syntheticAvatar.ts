/**
 * A synthetic avatar bundle for viewer tests and benchmarks: Gaussians on capsules along the bones of the
 * canonical SMPL-X-named skeleton (src/motion/canonical.ts), skinned to the bone's joint with a blend into
 * the child near the joint, coloured per body part, with a random pose-offset MLP of the PERSONA shape on
 * anchors. It looks like a mannequin, not like anyone, and exercises every code path of the viewer.
 */
import { createAvatarBundle, type AvatarBundle } from '../avatar/bundle.js';
import { PART_INDEX, type BodyPart } from '../body/index.js';
import { canonicalSkeleton } from '../motion/index.js';
import { Rng } from '../core/rng.js';

/** Options for `syntheticAvatar`. */
export interface SyntheticAvatarOptions {
  /** Number of Gaussians (default 4000). */
  gaussians?: number;
  /** Anchors of the pose-offset MLP (0 = no pose offsets; default gaussians/50). */
  anchors?: number;
  /** Hidden widths of the pose-offset MLP (PERSONA: 128-128-128). */
  hidden?: number[];
  /** Triplane feature width per anchor (PERSONA: 3 planes × 32 channels = 96; default 16). */
  featureDim?: number;
  seed?: number;
}

/** The 21 body joints (SMPL-X order after the pelvis) whose rotations feed the pose-offset MLP (PERSONA). */
export const POSE_INPUT_JOINTS = [
  'left_hip', 'right_hip', 'spine1', 'left_knee', 'right_knee', 'spine2', 'left_ankle', 'right_ankle', 'spine3', 'left_foot',
  'right_foot', 'neck', 'left_collar', 'right_collar', 'head', 'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow',
  'left_wrist', 'right_wrist',
];

interface Segment { joint: string; child: string | null; radius: number; part: BodyPart; color: [number, number, number]; extra?: [number, number, number] }

const SKIN: [number, number, number] = [0.85, 0.66, 0.55];
const SHIRT: [number, number, number] = [0.2, 0.45, 0.75];
const PANTS: [number, number, number] = [0.25, 0.25, 0.3];
const SHOE: [number, number, number] = [0.1, 0.1, 0.1];

const SEGMENTS: Segment[] = [
  { joint: 'pelvis', child: 'spine1', radius: 0.15, part: 'torso', color: PANTS },
  { joint: 'spine1', child: 'spine2', radius: 0.14, part: 'torso', color: SHIRT },
  { joint: 'spine2', child: 'spine3', radius: 0.15, part: 'torso', color: SHIRT },
  { joint: 'spine3', child: 'neck', radius: 0.16, part: 'torso', color: SHIRT },
  { joint: 'neck', child: 'head', radius: 0.05, part: 'head', color: SKIN },
  { joint: 'head', child: null, radius: 0.1, part: 'head', color: SKIN, extra: [0, 0.1, 0] },
  ...(['left', 'right'] as const).flatMap((s): Segment[] => {
    const L = s === 'left';
    return [
      { joint: `${s}_collar`, child: `${s}_shoulder`, radius: 0.06, part: 'torso', color: SHIRT },
      { joint: `${s}_shoulder`, child: `${s}_elbow`, radius: 0.05, part: L ? 'leftUpperArm' : 'rightUpperArm', color: SHIRT },
      { joint: `${s}_elbow`, child: `${s}_wrist`, radius: 0.04, part: L ? 'leftForearm' : 'rightForearm', color: SKIN },
      { joint: `${s}_wrist`, child: `${s}_middle1`, radius: 0.035, part: L ? 'leftHand' : 'rightHand', color: SKIN },
      { joint: `${s}_hip`, child: `${s}_knee`, radius: 0.08, part: L ? 'leftUpperLeg' : 'rightUpperLeg', color: PANTS },
      { joint: `${s}_knee`, child: `${s}_ankle`, radius: 0.055, part: L ? 'leftLowerLeg' : 'rightLowerLeg', color: PANTS },
      { joint: `${s}_ankle`, child: `${s}_foot`, radius: 0.045, part: L ? 'leftFoot' : 'rightFoot', color: SHOE },
    ];
  }),
];

/** Builds the synthetic avatar (deterministic for a given seed). */
export function syntheticAvatar(options: SyntheticAvatarOptions = {}): AvatarBundle {
  const N = options.gaussians ?? 4000;
  const A = options.anchors ?? Math.max(4, Math.floor(N / 50));
  const hidden = options.hidden ?? [128, 128, 128];
  const rng = new Rng(options.seed ?? 7);
  const { skeleton, rest } = canonicalSkeleton();
  const names = skeleton.names;
  const J = names.length;
  const idx = (n: string): number => { const j = names.indexOf(n); if (j < 0) throw new Error(`no joint ${n}`); return j; };
  const pos = (j: number): [number, number, number] => [rest[j * 3]!, rest[j * 3 + 1]!, rest[j * 3 + 2]!];

  // Share of Gaussians per segment ∝ its lateral area.
  const geo = SEGMENTS.map((s) => {
    const a = pos(idx(s.joint));
    const b = s.child ? pos(idx(s.child)) : [a[0] + s.extra![0], a[1] + s.extra![1], a[2] + s.extra![2]] as [number, number, number];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    return { s, a, b, len, area: 2 * Math.PI * s.radius * (len + 2 * s.radius) };
  });
  const totalArea = geo.reduce((t, g) => t + g.area, 0);
  const K = 2;
  const means = new Float32Array(N * 3), scales = new Float32Array(N), colors = new Float32Array(N * 3), opac = new Float32Array(N).fill(1);
  const parts = new Uint8Array(N), sj = new Uint16Array(N * K), sw = new Float32Array(N * K);
  const sigma = Math.sqrt(totalArea / N) * 0.5;
  let i = 0;
  geo.forEach((g, gi) => {
    const count = gi === geo.length - 1 ? N - i : Math.min(N - i, Math.round((N * g.area) / totalArea));
    const d = [(g.b[0] - g.a[0]) / (g.len || 1), (g.b[1] - g.a[1]) / (g.len || 1), (g.b[2] - g.a[2]) / (g.len || 1)];
    // two unit vectors perpendicular to d
    const h = Math.abs(d[1]!) < 0.9 ? [0, 1, 0] : [1, 0, 0];
    let u = [d[1]! * h[2]! - d[2]! * h[1]!, d[2]! * h[0]! - d[0]! * h[2]!, d[0]! * h[1]! - d[1]! * h[0]!];
    const ul = Math.hypot(u[0]!, u[1]!, u[2]!); u = u.map((c) => c / ul);
    const v = [d[1]! * u[2]! - d[2]! * u[1]!, d[2]! * u[0]! - d[0]! * u[2]!, d[0]! * u[1]! - d[1]! * u[0]!];
    const j0 = idx(g.s.joint), j1 = g.s.child ? idx(g.s.child) : j0;
    for (let c = 0; c < count; c++, i++) {
      // capsule: cylinder part plus hemispherical caps (t beyond [0, len] bends inward)
      const t = -g.s.radius + rng.next() * (g.len + 2 * g.s.radius);
      const th = rng.next() * 2 * Math.PI;
      const over = t < 0 ? -t : t > g.len ? t - g.len : 0;
      const r = Math.sqrt(Math.max(0, g.s.radius ** 2 - over ** 2));
      const tc = Math.min(Math.max(t, 0), g.len) + (t < 0 ? -over : t > g.len ? over : 0);
      for (let k = 0; k < 3; k++) means[i * 3 + k] = g.a[k]! + d[k]! * tc + r * (Math.cos(th) * u[k]! + Math.sin(th) * v[k]!);
      scales[i] = sigma * (0.8 + 0.4 * rng.next());
      const shade = 0.9 + 0.1 * Math.cos(th);
      for (let k = 0; k < 3; k++) colors[i * 3 + k] = Math.min(1, g.s.color[k]! * shade);
      parts[i] = PART_INDEX[g.s.part];
      // blend into the child joint over the last 30% of the bone
      const f = g.len > 0 ? Math.min(1, Math.max(0, t / g.len)) : 0;
      const wc = j1 !== j0 && f > 0.7 ? ((f - 0.7) / 0.3) * 0.5 : 0;
      sj[i * K] = j0; sw[i * K] = 1 - wc;
      sj[i * K + 1] = j1; sw[i * K + 1] = wc;
    }
  });

  const arrays: Record<string, { data: Float32Array | Uint8Array | Uint16Array | Uint32Array; shape: number[] }> = {
    means: { data: means, shape: [N, 3] }, scales: { data: scales, shape: [N] }, colors: { data: colors, shape: [N, 3] },
    opacities: { data: opac, shape: [N] }, parts: { data: parts, shape: [N] },
    skinJoints: { data: sj, shape: [N, K] }, skinWeights: { data: sw, shape: [N, K] },
  };
  const P = POSE_INPUT_JOINTS.length, F = options.featureDim ?? 16, M = 3;
  let poseOffsets = null;
  if (A > 0) {
    const step = N / A;
    const feats = new Float32Array(A * F).map(() => rng.normal());
    const mask = new Uint8Array(A * P).map(() => (rng.next() < 0.3 ? 1 : 0));
    const enabled = new Uint8Array(A).fill(1);
    const ga = new Uint32Array(N * M), gw = new Float32Array(N * M);
    for (let g = 0; g < N; g++) {
      const a = Math.min(A - 1, Math.floor(g / step));
      ga[g * M] = a; gw[g * M] = 0.5;
      ga[g * M + 1] = Math.max(0, a - 1); gw[g * M + 1] = 0.25;
      ga[g * M + 2] = Math.min(A - 1, a + 1); gw[g * M + 2] = 0.25;
    }
    Object.assign(arrays, {
      anchorFeatures: { data: feats, shape: [A, F] }, anchorJointMask: { data: mask, shape: [A, P] }, anchorEnabled: { data: enabled, shape: [A] },
      gaussianAnchors: { data: ga, shape: [N, M] }, gaussianAnchorWeights: { data: gw, shape: [N, M] },
    });
    const widths = [F + P * 6, ...hidden, 3];
    for (let l = 0; l < widths.length - 1; l++) {
      const nin = widths[l]!, nout = widths[l + 1]!;
      const W = new Float32Array(nout * nin).map(() => rng.normal() * Math.sqrt(2 / nin));
      arrays[`mlp.${l}.weight`] = { data: W, shape: [nout, nin] };
      arrays[`mlp.${l}.bias`] = { data: new Float32Array(nout), shape: [nout] };
      if (l < widths.length - 2) {
        arrays[`mlp.${l}.gamma`] = { data: new Float32Array(nout).fill(1), shape: [nout] };
        arrays[`mlp.${l}.beta`] = { data: new Float32Array(nout), shape: [nout] };
      }
    }
    poseOffsets = {
      anchorCount: A, inputJoints: POSE_INPUT_JOINTS, featureDim: F, hidden, groupNormGroups: 8, activation: 'relu' as const,
      outputScale: 0.01, anchorsPerGaussian: M,
    };
  }
  return createAvatarBundle(
    {
      gaussianCount: N,
      body: { kind: 'synthetic', shape: [], subdivisionLevels: 0 },
      skeleton: { names: [...names], parents: Array.from(skeleton.parents), restJoints: Array.from(rest) },
      skinInfluences: K,
      poseOffsets,
      training: { synthetic: true, note: 'viewer test mannequin (src/viewer/syntheticAvatar.ts)' },
    },
    arrays,
  );
}
