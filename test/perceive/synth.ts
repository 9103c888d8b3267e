/**
 * Synthetic people for the perception tests, benchmark and docs images: the MakeHuman
 * base mesh (CC0, the few files committed under `test/assets/mpfb2/`), posed by
 * linear blend skinning with the `game_engine` rig weights, drawn with a tiny z-buffer
 * rasterizer (Gouraud-shaded vertex colours: skin, shirt, trousers, shoes, painted eyes,
 * brows and mouth so that the face detectors have features to find).
 *
 * Ground truth: the joint cubes of the base mesh (`joint-l-shoulder`, …) are posed with
 * the same skinning and projected with the same camera, so keypoints are exact.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/version.js';
import { axisAngleToMatrix, mat3Multiply } from '../../src/core/rotation.js';
import { type Camera, lookAtCamera, projectPoint } from '../../src/core/camera.js';
import { createImage, type FloatImage } from '../../src/core/image.js';

/** Where the test's MPFB2 files are (committed with the repository; see its README.md). */
export function mpfbDir(): string {
  return join(packageRoot(), 'test', 'assets', 'mpfb2');
}

/** Reads a committed asset, gunzipping `<rel>.gz`. */
export function readMpfbText(rel: string): string {
  const plain = join(mpfbDir(), rel);
  return existsSync(plain) ? readFileSync(plain, 'utf8') : gunzipSync(readFileSync(`${plain}.gz`)).toString('utf8');
}

/** Joints (BlazePose-comparable) whose truth the tests check, as MakeHuman joint cubes. */
export const TRUTH_JOINTS = {
  leftShoulder: 'joint-l-shoulder',
  rightShoulder: 'joint-r-shoulder',
  leftElbow: 'joint-l-elbow',
  rightElbow: 'joint-r-elbow',
  leftWrist: 'joint-l-hand',
  rightWrist: 'joint-r-hand',
  leftHip: 'joint-l-upper-leg',
  rightHip: 'joint-r-upper-leg',
  leftKnee: 'joint-l-knee',
  rightKnee: 'joint-r-knee',
  leftAnkle: 'joint-l-ankle',
  rightAnkle: 'joint-r-ankle',
} as const;
export type TruthJoint = keyof typeof TRUTH_JOINTS;

/** The loaded mesh with its rig. */
export interface SynthBody {
  /** V×3 rest positions, metres (Y up, facing +Z). */
  rest: Float32Array;
  /** F×3 triangles of the `body` group. */
  triangles: Uint32Array;
  /** Vertex → dominant bone name. */
  dominantBone: string[];
  /** Bone names, parents before children. */
  bones: string[];
  parent: Int32Array;
  /** Bone × 3 pivot (bone head) at rest. */
  pivots: Float64Array;
  /** Sparse weights: vertex → list of (bone, weight). */
  weights: Array<Array<[number, number]>>;
  /** Joint-cube name → rest centre. */
  cubes: Map<string, [number, number, number]>;
  /** Joint-cube name → the bone that carries it. */
  cubeBone: Map<string, number>;
}

const cache = new Map<string, SynthBody>();

/**
 * Macro shape targets (files under `targets/macrodetails/`, `.target.gz` omitted) and their weights, added to the
 * base mesh. Only targets committed under test/assets/mpfb2/ can be named (none are: the tests use the base mesh).
 */
export type SynthShape = Array<[string, number]>;

/** Loads and caches the MakeHuman base mesh (plus macro shape targets) and `game_engine` rig. */
export function loadSynthBody(shape: SynthShape = []): SynthBody {
  const key = JSON.stringify(shape);
  const hit = cache.get(key);
  if (hit) return hit;
  const obj = readMpfbText('3dobjs/base.obj').split('\n');
  const verts: number[] = [];
  const tris: number[] = [];
  const groupVerts = new Map<string, Set<number>>();
  let group = '';
  for (const line of obj) {
    if (line.startsWith('v ')) {
      const p = line.split(/\s+/);
      verts.push(+p[1]! * 0.1, +p[2]! * 0.1, +p[3]! * 0.1);
    } else if (line.startsWith('g ')) group = line.slice(2).trim();
    else if (line.startsWith('f ')) {
      const idx = line.trim().split(/\s+/).slice(1).map((s) => parseInt(s, 10) - 1);
      if (group === 'body') for (let k = 1; k + 1 < idx.length; k++) tris.push(idx[0]!, idx[k]!, idx[k + 1]!);
      if (group.startsWith('joint-')) {
        let s = groupVerts.get(group);
        if (!s) groupVerts.set(group, (s = new Set()));
        for (const i of idx) s.add(i);
      }
    }
  }
  const rest = Float32Array.from(verts);
  const V = rest.length / 3;
  for (const [name, weight] of shape) {
    const lines = readMpfbText(`targets/macrodetails/${name}.target`).split('\n');
    for (const line of lines) {
      const p = line.trim().split(/\s+/);
      if (p.length < 4 || p[0]!.startsWith('#')) continue;
      const v = parseInt(p[0]!, 10);
      for (let a = 0; a < 3; a++) rest[v * 3 + a]! += weight * 0.1 * parseFloat(p[a + 1]!);
    }
  }
  const cubes = new Map<string, [number, number, number]>();
  for (const [g, s] of groupVerts) {
    const c: [number, number, number] = [0, 0, 0];
    for (const i of s) for (let a = 0; a < 3; a++) c[a]! += rest[i * 3 + a]! / s.size;
    cubes.set(g, c);
  }

  type RigBone = { parent: string; head: { strategy: string; vertex_indices?: number[]; cube_name?: string } };
  const rig = JSON.parse(readMpfbText('rigs/standard/rig.game_engine.json')) as Record<string, RigBone>;
  const order: string[] = [];
  const visit = (b: string): void => {
    if (order.includes(b)) return;
    const p = rig[b]!.parent;
    if (p) visit(p);
    order.push(b);
  };
  for (const b of Object.keys(rig)) visit(b);
  const index = new Map(order.map((b, i) => [b, i]));
  const parent = Int32Array.from(order.map((b) => (rig[b]!.parent ? index.get(rig[b]!.parent)! : -1)));
  const pivots = new Float64Array(order.length * 3);
  order.forEach((b, i) => {
    const h = rig[b]!.head;
    if (h.strategy === 'CUBE' && h.cube_name && cubes.has(h.cube_name)) {
      const c = cubes.get(h.cube_name)!;
      pivots.set(c, i * 3);
    } else if (h.vertex_indices?.length) {
      for (const vi of h.vertex_indices) for (let a = 0; a < 3; a++) pivots[i * 3 + a]! += rest[vi * 3 + a]! / h.vertex_indices.length;
    }
  });

  const wj = JSON.parse(readMpfbText('rigs/standard/weights.game_engine.json')) as {
    weights: Record<string, Array<[number, number]>>;
  };
  const weights: Array<Array<[number, number]>> = Array.from({ length: V }, () => []);
  for (const [bone, list] of Object.entries(wj.weights)) {
    const bi = index.get(bone);
    if (bi === undefined) continue;
    for (const [v, w] of list) weights[v]!.push([bi, w]);
  }
  const dominantBone = weights.map((ws) => {
    let best = -1, bw = -1;
    for (const [b, w] of ws) if (w > bw) (bw = w), (best = b);
    return best >= 0 ? order[best]! : 'Root';
  });
  // Each joint cube rides on the bone whose head it is (or the nearest pivot's bone).
  const cubeBone = new Map<string, number>();
  for (const [name, c] of cubes) {
    let best = 0, bd = Infinity;
    for (let i = 0; i < order.length; i++) {
      const d = Math.hypot(pivots[i * 3]! - c[0], pivots[i * 3 + 1]! - c[1], pivots[i * 3 + 2]! - c[2]);
      if (d < bd) (bd = d), (best = i);
    }
    cubeBone.set(name, best);
  }
  const body: SynthBody = { rest, triangles: Uint32Array.from(tris), dominantBone, bones: order, parent, pivots, weights, cubes, cubeBone };
  cache.set(key, body);
  return body;
}

/** A pose: bone name → axis-angle (radians, world axes at rest), plus a yaw of the whole body. */
export interface SynthPose {
  rotations?: Record<string, [number, number, number]>;
  /** Rotation of the whole body about the vertical axis (radians; 0 faces the camera). */
  yaw?: number;
}

/** Posed vertices and posed joint-cube centres. */
export interface PosedBody {
  vertices: Float32Array;
  joints: Map<string, [number, number, number]>;
}

/** Poses the body by linear blend skinning. */
export function poseBody(body: SynthBody, pose: SynthPose): PosedBody {
  const B = body.bones.length;
  const G = new Float64Array(B * 12); // per bone: 3×3 rotation + translation (world)
  const yawR = axisAngleToMatrix(0, pose.yaw ?? 0, 0);
  for (let b = 0; b < B; b++) {
    const aa = pose.rotations?.[body.bones[b]!] ?? [0, 0, 0];
    const Rl = axisAngleToMatrix(aa[0], aa[1], aa[2]);
    const p = body.parent[b]!;
    const piv = [body.pivots[b * 3]!, body.pivots[b * 3 + 1]!, body.pivots[b * 3 + 2]!];
    // local transform: x → Rl (x − piv) + piv ; global = parent ∘ local
    const Rp = p >= 0 ? G.subarray(p * 12, p * 12 + 9) : yawR;
    const tp = p >= 0 ? [G[p * 12 + 9]!, G[p * 12 + 10]!, G[p * 12 + 11]!] : [0, 0, 0];
    const R = mat3Multiply(Rp, Rl);
    const tl = [0, 1, 2].map((i) => piv[i]! - (Rl[i * 3]! * piv[0]! + Rl[i * 3 + 1]! * piv[1]! + Rl[i * 3 + 2]! * piv[2]!));
    const t = [0, 1, 2].map((i) => Rp[i * 3]! * tl[0]! + Rp[i * 3 + 1]! * tl[1]! + Rp[i * 3 + 2]! * tl[2]! + tp[i]!);
    G.set(R, b * 12);
    G.set(t, b * 12 + 9);
  }
  const apply = (b: number, x: number, y: number, z: number, out: number[], w: number): void => {
    const o = b * 12;
    out[0]! += w * (G[o]! * x + G[o + 1]! * y + G[o + 2]! * z + G[o + 9]!);
    out[1]! += w * (G[o + 3]! * x + G[o + 4]! * y + G[o + 5]! * z + G[o + 10]!);
    out[2]! += w * (G[o + 6]! * x + G[o + 7]! * y + G[o + 8]! * z + G[o + 11]!);
  };
  const V = body.rest.length / 3;
  const vertices = new Float32Array(V * 3);
  const acc = [0, 0, 0];
  for (let v = 0; v < V; v++) {
    acc[0] = acc[1] = acc[2] = 0;
    const x = body.rest[v * 3]!, y = body.rest[v * 3 + 1]!, z = body.rest[v * 3 + 2]!;
    const ws = body.weights[v]!;
    let sum = 0;
    for (const [b, w] of ws) (sum += w), apply(b, x, y, z, acc, w);
    if (sum < 1e-6) apply(0, x, y, z, acc, 1), (sum = 1);
    vertices[v * 3] = acc[0]! / sum;
    vertices[v * 3 + 1] = acc[1]! / sum;
    vertices[v * 3 + 2] = acc[2]! / sum;
  }
  const joints = new Map<string, [number, number, number]>();
  for (const [name, c] of body.cubes) {
    const out = [0, 0, 0];
    apply(body.cubeBone.get(name)!, c[0], c[1], c[2], out, 1);
    joints.set(name, out as [number, number, number]);
  }
  return { vertices, joints };
}

/** Colours of one synthetic person (RGB in [0,1]). */
export interface SynthLook {
  skin: [number, number, number];
  shirt: [number, number, number];
  trousers: [number, number, number];
  shoes: [number, number, number];
  background: [number, number, number];
}

export const DEFAULT_LOOK: SynthLook = {
  skin: [0.85, 0.66, 0.55],
  shirt: [0.2, 0.35, 0.7],
  trousers: [0.25, 0.25, 0.28],
  shoes: [0.1, 0.08, 0.07],
  background: [0.93, 0.93, 0.9],
};

function vertexColours(body: SynthBody, look: SynthLook): Float32Array {
  const V = body.rest.length / 3;
  const col = new Float32Array(V * 3);
  const head = body.cubes.get('joint-head-2') ?? body.cubes.get('joint-head')!;
  const le = body.cubes.get('joint-l-eye')!, re = body.cubes.get('joint-r-eye')!;
  const mouth = body.cubes.get('joint-mouth')!;
  const eyeY = (le[1] + re[1]) / 2;
  for (let v = 0; v < V; v++) {
    const b = body.dominantBone[v]!;
    const x = body.rest[v * 3]!, y = body.rest[v * 3 + 1]!, z = body.rest[v * 3 + 2]!;
    let c: [number, number, number] = look.skin;
    if (/^(spine|clavicle|upperarm|pelvis|Root)/.test(b)) c = b.startsWith('pelvis') || b === 'Root' ? look.trousers : look.shirt;
    else if (/^lowerarm/.test(b)) c = look.shirt;
    else if (/^(thigh|calf)/.test(b)) c = look.trousers;
    else if (/^(foot|ball)/.test(b)) c = look.shoes;
    else if (b === 'neck_01' || b === 'head') {
      c = look.skin;
      const front = z > head[2]; // facial features only on the front half
      if (front) {
        const dl = Math.hypot(x - le[0], y - le[1]), dr = Math.hypot(x - re[0], y - re[1]);
        if (Math.min(dl, dr) < 0.012) c = [0.08, 0.06, 0.05];
        else if (Math.min(dl, dr) < 0.019 && Math.abs(y - eyeY) < 0.009) c = [0.97, 0.97, 0.97];
        else if (y > eyeY + 0.014 && y < eyeY + 0.022 && Math.min(Math.abs(x - le[0]), Math.abs(x - re[0])) < 0.022) c = [0.25, 0.15, 0.1];
        else if (Math.abs(y - (mouth[1] - 0.005)) < 0.006 && Math.abs(x - mouth[0]) < 0.024) c = [0.6, 0.2, 0.2];
      }
      if (y > eyeY + 0.04 || (!front && y > eyeY - 0.05)) c = [0.2, 0.13, 0.08]; // hair cap
    }
    col.set(c, v * 3);
  }
  return col;
}

/** What `renderSynth` returns: the photo, the true silhouette and projected truth. */
export interface SynthRender {
  image: FloatImage; // RGB
  /** H×W, 1 inside the person. */
  silhouette: Uint8Array;
  /** Truth joint name → pixel (u, v). */
  keypoints: Record<TruthJoint, [number, number]>;
  /** Height of the silhouette's bounding box in pixels. */
  heightPx: number;
  camera: Camera;
}

/** Options of one synthetic photo. */
export interface SynthOptions {
  width?: number;
  height?: number;
  pose?: SynthPose;
  look?: Partial<SynthLook>;
  /** Camera distance (metres) and height of its target. */
  distance?: number;
  targetY?: number;
  /** Macro shape targets with weights (default: the base mesh). */
  shape?: SynthShape;
  /** Offset of the person in metres (to place several people): sideways and away from the camera. */
  offsetX?: number;
  offsetZ?: number;
  fovYDeg?: number;
}

/** Renders one posed person (or draws over `into`, sharing its z-buffer, to make a group). */
export function renderSynth(opts: SynthOptions = {}, into?: { image: FloatImage; depth: Float32Array; silhouette: Uint8Array }): SynthRender & { depth: Float32Array } {
  const body = loadSynthBody(opts.shape);
  const W = opts.width ?? 384, H = opts.height ?? 576;
  const look = { ...DEFAULT_LOOK, ...opts.look };
  const posed = poseBody(body, opts.pose ?? {});
  const ox = opts.offsetX ?? 0, oz = opts.offsetZ ?? 0;
  const cam = lookAtCamera([0, opts.targetY ?? 0.0, opts.distance ?? 3.2], [0, opts.targetY ?? 0.0, 0], { width: W, height: H, fovYDeg: opts.fovYDeg ?? 40 });
  const V = posed.vertices.length / 3;
  const P = new Float32Array(V * 3);
  for (let v = 0; v < V; v++) {
    const p = projectPoint(cam, posed.vertices[v * 3]! + ox, posed.vertices[v * 3 + 1]!, posed.vertices[v * 3 + 2]! + oz);
    P[v * 3] = p.u; P[v * 3 + 1] = p.v; P[v * 3 + 2] = p.depth;
  }
  // Vertex normals for shading.
  const T = body.triangles;
  const N = new Float32Array(V * 3);
  const X = posed.vertices;
  for (let f = 0; f < T.length; f += 3) {
    const a = T[f]! * 3, b = T[f + 1]! * 3, c = T[f + 2]! * 3;
    const e1 = [X[b]! - X[a]!, X[b + 1]! - X[a + 1]!, X[b + 2]! - X[a + 2]!];
    const e2 = [X[c]! - X[a]!, X[c + 1]! - X[a + 1]!, X[c + 2]! - X[a + 2]!];
    const n = [e1[1]! * e2[2]! - e1[2]! * e2[1]!, e1[2]! * e2[0]! - e1[0]! * e2[2]!, e1[0]! * e2[1]! - e1[1]! * e2[0]!];
    for (const i of [a, b, c]) for (let k = 0; k < 3; k++) N[i + k]! += n[k]!;
  }
  const base = vertexColours(body, look);
  const shade = new Float32Array(V * 3);
  const light = [0.3, 0.5, 0.8];
  const ln = Math.hypot(light[0]!, light[1]!, light[2]!);
  for (let v = 0; v < V; v++) {
    const n = Math.hypot(N[v * 3]!, N[v * 3 + 1]!, N[v * 3 + 2]!) || 1;
    const d = Math.abs((N[v * 3]! * light[0]! + N[v * 3 + 1]! * light[1]! + N[v * 3 + 2]! * light[2]!) / n / ln);
    const s = 0.45 + 0.55 * d;
    for (let k = 0; k < 3; k++) shade[v * 3 + k] = base[v * 3 + k]! * s;
  }
  const image = into?.image ?? createImage(W, H, 3, look.background);
  const depth = into?.depth ?? new Float32Array(W * H).fill(Infinity);
  const sil = into?.silhouette ?? new Uint8Array(W * H);
  for (let f = 0; f < T.length; f += 3) {
    const ia = T[f]!, ib = T[f + 1]!, ic = T[f + 2]!;
    const ax = P[ia * 3]!, ay = P[ia * 3 + 1]!, bx = P[ib * 3]!, by = P[ib * 3 + 1]!, cx = P[ic * 3]!, cy = P[ic * 3 + 1]!;
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (Math.abs(area) < 1e-12) continue;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx))), x1 = Math.min(W - 1, Math.ceil(Math.max(ax, bx, cx)));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by, cy))), y1 = Math.min(H - 1, Math.ceil(Math.max(ay, by, cy)));
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5, py = y + 0.5;
        const w0 = ((bx - px) * (cy - py) - (by - py) * (cx - px)) / area;
        const w1 = ((cx - px) * (ay - py) - (cy - py) * (ax - px)) / area;
        const w2 = 1 - w0 - w1;
        if (w0 < 0 || w1 < 0 || w2 < 0) continue;
        const z = w0 * P[ia * 3 + 2]! + w1 * P[ib * 3 + 2]! + w2 * P[ic * 3 + 2]!;
        const pi = y * W + x;
        if (z >= depth[pi]!) continue;
        depth[pi] = z;
        sil[pi] = 1;
        for (let k = 0; k < 3; k++) image.data[pi * 3 + k] = w0 * shade[ia * 3 + k]! + w1 * shade[ib * 3 + k]! + w2 * shade[ic * 3 + k]!;
      }
  }
  const keypoints = {} as Record<TruthJoint, [number, number]>;
  for (const [k, cube] of Object.entries(TRUTH_JOINTS) as Array<[TruthJoint, string]>) {
    const j = posed.joints.get(cube)!;
    const p = projectPoint(cam, j[0] + ox, j[1], j[2] + oz);
    keypoints[k] = [p.u, p.v];
  }
  let top = H, bottom = -1;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (sil[y * W + x]) (top = Math.min(top, y)), (bottom = Math.max(bottom, y));
  return { image, silhouette: sil, keypoints, heightPx: bottom - top + 1, camera: cam, depth };
}

/** A few poses used by tests and docs: relaxed A-pose, one arm raised, a step. */
export const SYNTH_POSES: Record<string, SynthPose> = {
  apose: {},
  wave: { rotations: { upperarm_r: [0, 0, -1.9], lowerarm_r: [0, 0, -0.6], thigh_l: [-0.25, 0, 0.1], calf_l: [0.4, 0, 0] } },
  stride: {
    rotations: { upperarm_l: [0.5, 0, 0.3], upperarm_r: [-0.5, 0, -0.3], thigh_l: [-0.45, 0, 0], calf_l: [0.5, 0, 0], thigh_r: [0.3, 0, 0] },
    yaw: 0.35,
  },
};
