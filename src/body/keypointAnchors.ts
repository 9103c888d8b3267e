/**
 * Where the 33 BlazePose keypoints (src/perceive/names.ts order) sit on the body model: each rides on a
 * skeleton joint (shoulders = upper-arm joints, elbows, wrists, hips = thigh joints, knees, ankles, finger
 * knuckles), a model landmark (toe tip) or a surface vertex chosen once on the rest mesh by a geometric rule
 * (nose tip, eye corners, pupils, ears, heels) or by the template's UV layout (mouth corners). The photo fit
 * reprojects these anchors; the synthetic subjects (src/bench) use the same anchors as ground truth.
 * "left"/"right" are the person's own sides (+X is left).
 */
import { PART_INDEX } from './types.js';

/**
 * The lips in the template's HM08 UV layout (MakeHuman, CC0): measured on MakeHuman's skin-blend mask
 * `mpfb2/textures/mpfb_lips.jpg` (2048², bounding box of the mask > 50 %): u ∈ [0.8945, 0.9243],
 * v ∈ [0.4629, 0.5034]. The face is laid out sideways: u runs down the face, v across it, so the mouth
 * corners are the ends of the ellipse along v.
 */
export const HM08_LIPS_UV = { u: 0.9093, v: 0.4832, halfU: 0.0149, halfV: 0.0203 } as const;

/** Where a keypoint comes from. */
export type KeypointAnchor = { kind: 'joint'; index: number } | { kind: 'landmark'; index: number } | { kind: 'vertex'; index: number };

/** What the anchor search needs from a subject's rest body. */
export interface AnchorRestBody {
  rest: ArrayLike<number>;
  partLabels: ArrayLike<number>;
  triangles: Uint32Array;
  cornerUvs: Float32Array;
  jointNames: string[];
  restJoints: ArrayLike<number>;
  landmarkNames: string[];
}

/** Chooses the 33 anchors on a rest body (see the module comment for the rules). */
export function keypointAnchors(b: AnchorRestBody): KeypointAnchor[] {
  const V = b.rest.length / 3;
  const J = (n: string): KeypointAnchor => {
    const i = b.jointNames.indexOf(n);
    if (i < 0) throw new Error(`keypoints: no joint '${n}'`);
    return { kind: 'joint', index: i };
  };
  const jp = (n: string) => { const i = b.jointNames.indexOf(n); return [b.restJoints[i * 3]!, b.restJoints[i * 3 + 1]!, b.restJoints[i * 3 + 2]!]; };
  const P = (v: number, c: number) => b.rest[v * 3 + c]!;
  /** The vertex among those passing `ok` with the largest `score`. */
  const best = (ok: (v: number) => boolean, score: (v: number) => number): KeypointAnchor => {
    let bi = -1, bs = -Infinity;
    for (let v = 0; v < V; v++) if (ok(v)) { const s = score(v); if (s > bs) { bs = s; bi = v; } }
    if (bi < 0) throw new Error('keypoints: no vertex matches an anchor rule');
    return { kind: 'vertex', index: bi };
  };
  const isFaceOrHead = (v: number) => b.partLabels[v] === PART_INDEX.face || b.partLabels[v] === PART_INDEX.head;
  const eyeL = jp('eye_l'), eyeR = jp('eye_r'), head = jp('head');
  const near = (q: number[]) => (v: number) => -Math.hypot(P(v, 0) - q[0]!, P(v, 1) - q[1]!, P(v, 2) - q[2]!);
  const eyeY = (eyeL[1]! + eyeR[1]!) / 2;
  // Nose tip: frontmost face vertex near the midline, between eyes and mouth.
  const nose = best((v) => isFaceOrHead(v) && Math.abs(P(v, 0)) < 0.012 && P(v, 1) < eyeY - 0.01 && P(v, 1) > eyeY - 0.06, (v) => P(v, 2));
  const pupil = (side: 'l' | 'r') => best((v) => b.partLabels[v] === PART_INDEX.eyes && (side === 'l' ? P(v, 0) > 0 : P(v, 0) < 0), (v) => P(v, 2));
  const corner = (e: number[], outward: number) => best((v) => isFaceOrHead(v), near([e[0]! + outward * 0.016, e[1]!, e[2]! + 0.006]));
  const ear = (s: number) => best((v) => isFaceOrHead(v) && Math.abs(P(v, 1) - (eyeY - 0.015)) < 0.02 && P(v, 2) < head[2]! + 0.04 && P(v, 2) > head[2]! - 0.06, (v) => s * P(v, 0));
  // Mouth corners: the vertices whose UV is nearest to the ends of the lips ellipse (along v).
  const L = HM08_LIPS_UV;
  const uvBest = (tu: number, tv: number): number => {
    let bi = 0, bd = Infinity;
    for (let k = 0; k < b.triangles.length; k++) {
      const du = b.cornerUvs[k * 2]! - tu, dv = b.cornerUvs[k * 2 + 1]! - tv, d = du * du + dv * dv;
      if (d < bd) { bd = d; bi = b.triangles[k]!; }
    }
    return bi;
  };
  const m1 = uvBest(L.u, L.v - L.halfV), m2 = uvBest(L.u, L.v + L.halfV);
  const [mouthLeft, mouthRight] = P(m1, 0) > P(m2, 0) ? [m1, m2] : [m2, m1];
  const heel = (s: 'l' | 'r') => {
    const part = s === 'l' ? PART_INDEX.leftFoot : PART_INDEX.rightFoot, a = jp(`foot_${s}`);
    return best((v) => b.partLabels[v] === part && P(v, 1) < a[1]! - 0.02, (v) => -P(v, 2) - 0.5 * P(v, 1) - 2 * Math.abs(P(v, 0) - a[0]!));
  };
  const lm = (n: string): KeypointAnchor => ({ kind: 'landmark', index: b.landmarkNames.indexOf(n) });
  return [
    nose, corner(eyeL, -1), pupil('l'), corner(eyeL, 1), corner(eyeR, 1), pupil('r'), corner(eyeR, -1), ear(1), ear(-1),
    { kind: 'vertex', index: mouthLeft }, { kind: 'vertex', index: mouthRight },
    J('upperarm_l'), J('upperarm_r'), J('lowerarm_l'), J('lowerarm_r'), J('hand_l'), J('hand_r'),
    J('pinky_01_l'), J('pinky_01_r'), J('index_01_l'), J('index_01_r'), J('thumb_02_l'), J('thumb_02_r'),
    J('thigh_l'), J('thigh_r'), J('calf_l'), J('calf_r'), J('foot_l'), J('foot_r'),
    heel('l'), heel('r'), lm('bigtoe_tip_l'), lm('bigtoe_tip_r'),
  ];
}

/** Posed 3D keypoints (33×3) from posed vertices, joints and landmarks. */
export function posedKeypoints(anchors: KeypointAnchor[], vertices: ArrayLike<number>, joints: ArrayLike<number>, landmarks: ArrayLike<number>): Float64Array {
  const out = new Float64Array(anchors.length * 3);
  anchors.forEach((a, k) => {
    const src = a.kind === 'joint' ? joints : a.kind === 'landmark' ? landmarks : vertices;
    for (let c = 0; c < 3; c++) out[k * 3 + c] = src[a.index * 3 + c]!;
  });
  return out;
}
