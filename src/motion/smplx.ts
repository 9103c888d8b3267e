/**
 * SMPL-X (and SMPL-H / SMPL) parameter sequences as motions: AMASS-style `.npz` files
 * (`poses` F×165 / F×156 / F×72, or `root_orient` + `pose_body` + `pose_hand` + `pose_jaw` +
 * `pose_eye`; `trans`; `mocap_framerate`) and the same in JSON, or per-frame JSON objects with
 * the SMPL-X layer's names (`global_orient`, `body_pose`, `left_hand_pose`, `right_hand_pose`,
 * `jaw_pose`, `leye_pose`, `reye_pose`, `transl`). The rotations live on the canonical
 * SMPL-X-named T-pose skeleton and reach a body by retargeting (rest-pose alignment).
 *
 * World axes: AMASS stores Z-up worlds. The up axis is detected from the first frame's root
 * orientation (the body's own up axis, +Y, is turned toward world Z in a Z-up file) or forced.
 * A Z-up world is turned to ours by W = Rx(−90°): the root orientation becomes W·R and the
 * translation W·t. SMPL rotates the body about its pelvis joint and then adds `trans`, the same
 * as our convention up to a constant offset, which `recenter` (subtracting the first frame's
 * translation) removes.
 * Browser-safe (no Node imports); file reading lives in io.ts.
 */
import { PersonaError } from '../core/errors.js';
import { checkMotionSize } from './limits.js';
import { axisAngleToQuat } from '../core/rotation.js';
import { canonicalSkeleton, type RestSkeleton } from './canonical.js';
import { SMPLX_JOINTS, SMPLH_JOINTS } from './names.js';
import { qmul, qrotate } from '../core/rotation.js';
import { retargetMotion, validateRestSkeleton } from './retarget.js';
import type { Motion } from './types.js';

/** A parameter sequence on the 55 SMPL-X joints. */
export interface SmplxSequence {
  fps: number;
  frameCount: number;
  /** F×55×3 axis-angle (radians) in SMPL-X joint order; zero where the source had no value. */
  poses: Float64Array;
  /** F×3 translation (metres) in the source world. */
  trans: Float64Array;
  /** Which parts the source provided. */
  parts: { hands: boolean; face: boolean };
}

/** A named numeric array with its shape (from npz or JSON). */
export interface Arr { data: Float64Array; shape: number[] }

const FPS_KEYS = ['mocap_framerate', 'mocap_frame_rate', 'fps', 'frame_rate', 'framerate'];
const DEFAULT_FPS = 30;

function fail(source: string, field: string, problem: string): never {
  throw new PersonaError(`${source}: ${field} ${problem}`, {
    hint: 'expected AMASS-style arrays (poses F×165/F×156, trans F×3, mocap_framerate) or SMPL-X layer names (global_orient, body_pose, …, transl); see docs/motion.md',
  });
}

/** Rows of a 2-D (or F×K×3) array as F × width. */
function rows(source: string, name: string, a: Arr, widths: number[], F?: number): { F: number; width: number; data: Float64Array } {
  const shape = a.shape.length === 3 ? [a.shape[0]!, a.shape[1]! * a.shape[2]!] : a.shape.length === 1 && F === 1 ? [1, a.shape[0]!] : a.shape;
  if (shape.length !== 2) fail(source, name, `has shape [${a.shape.join(', ')}], expected frames × values`);
  if (!widths.includes(shape[1]!)) fail(source, name, `has ${shape[1]} values per frame, expected ${widths.join(' or ')}`);
  if (F !== undefined && shape[0] !== F) fail(source, name, `has ${shape[0]} frames, but the poses have ${F}`);
  for (let i = 0; i < a.data.length; i++) if (!Number.isFinite(a.data[i]!)) fail(source, name, `has a non-finite value at index ${i}`);
  return { F: shape[0]!, width: shape[1]!, data: a.data };
}

/** Builds a sequence from named arrays (AMASS or SMPL-X layer naming). */
export function smplxSequenceFromArrays(arrays: Record<string, Arr>, source = 'SMPL-X parameters'): SmplxSequence {
  const has = (k: string): boolean => arrays[k] !== undefined;
  let F: number | undefined;
  const J = SMPLX_JOINTS.length;
  let poses!: Float64Array;
  const parts = { hands: false, face: false };
  const put = (f: number, joint: number, src: Float64Array, o: number): void => {
    poses[(f * J + joint) * 3] = src[o]!; poses[(f * J + joint) * 3 + 1] = src[o + 1]!; poses[(f * J + joint) * 3 + 2] = src[o + 2]!;
  };
  const alloc = (n: number): void => { F = n; poses = new Float64Array(n * J * 3); };
  if (has('poses')) {
    const p = rows(source, 'poses', arrays.poses!, [165, 156, 72, 66]);
    alloc(p.F);
    // 165: SMPL-X 55 joints; 156: SMPL-H 52 (no jaw/eyes); 72: SMPL 24 (22 body + 2 hand joints, ignored); 66: 22 body joints.
    const order: readonly string[] = p.width === 165 ? SMPLX_JOINTS : p.width === 156 ? SMPLH_JOINTS : SMPLX_JOINTS.slice(0, 22);
    const idx = order.map((n) => (SMPLX_JOINTS as readonly string[]).indexOf(n));
    for (let f = 0; f < p.F; f++) for (let k = 0; k < idx.length; k++) put(f, idx[k]!, p.data, f * p.width + k * 3);
    parts.hands = p.width === 165 || p.width === 156;
    parts.face = p.width === 165;
  }
  const rootKey = has('root_orient') ? 'root_orient' : has('global_orient') ? 'global_orient' : undefined;
  const bodyKey = has('pose_body') ? 'pose_body' : has('body_pose') ? 'body_pose' : undefined;
  if (F === undefined) {
    if (!rootKey && !bodyKey) fail(source, 'the file', `has none of poses, root_orient/global_orient, pose_body/body_pose (it has: ${Object.keys(arrays).join(', ') || 'nothing'})`);
    const a = arrays[(rootKey ?? bodyKey)!]!;
    alloc(a.shape.length === 1 ? 1 : a.shape[0]!);
  }
  const frames = F!;
  const block = (key: string | undefined, first: number, count: number, widths = [count * 3]): boolean => {
    if (!key || !has(key)) return false;
    const r = rows(source, key, arrays[key]!, widths, frames);
    for (let f = 0; f < frames; f++) for (let k = 0; k < Math.min(count, r.width / 3); k++) put(f, first + k, r.data, f * r.width + k * 3);
    return true;
  };
  block(rootKey, 0, 1);
  block(bodyKey, 1, 21, [63, 69]); // SMPL body_pose has 23 joints (69): the first 21 are shared
  if (block('pose_hand', 25, 30)) parts.hands = true;
  for (const [key, first] of [['left_hand_pose', 25], ['right_hand_pose', 40]] as const) {
    const sh = arrays[key]?.shape;
    const width = sh ? (sh.length === 1 ? sh[0]! : sh.slice(1).reduce((a, b) => a * b, 1)) : 45;
    if (width !== 45) fail(source, key, `has ${width} values per frame: PCA hand components are not supported; export full 45-value hand poses (use_pca=False)`);
    if (block(key, first, 15)) parts.hands = true;
  }
  if (block('pose_jaw', 22, 1) || block('jaw_pose', 22, 1)) parts.face = true;
  block('pose_eye', 23, 2);
  block('leye_pose', 23, 1);
  block('reye_pose', 24, 1);
  const trans = new Float64Array(frames * 3);
  const tKey = has('trans') ? 'trans' : has('transl') ? 'transl' : undefined;
  if (tKey) trans.set(rows(source, tKey, arrays[tKey]!, [3], frames).data);
  let fps = DEFAULT_FPS;
  const fk = FPS_KEYS.find(has);
  if (fk) {
    const v = arrays[fk]!.data[0];
    if (!(v !== undefined && Number.isFinite(v) && v > 0)) fail(source, fk, `must be a positive number, got ${v}`);
    fps = v;
  }
  checkMotionSize(source, frames, fps);
  return { fps, frameCount: frames, poses, trans, parts };
}

function jsonArr(source: string, name: string, v: unknown): Arr {
  if (typeof v === 'number') return { data: Float64Array.of(v), shape: [1] };
  if (!Array.isArray(v)) fail(source, name, 'must be a number or an array of numbers');
  const shape: number[] = [];
  let probe: unknown = v;
  while (Array.isArray(probe)) { shape.push(probe.length); probe = probe[0]; }
  const flat = (v as unknown[]).flat(Infinity as 1) as unknown[];
  if (flat.length !== shape.reduce((a, b) => a * b, 1)) fail(source, name, 'is a ragged array (rows of different lengths)');
  flat.forEach((x, i) => { if (typeof x !== 'number' || !Number.isFinite(x)) fail(source, `${name}`, `has a non-number at flat index ${i}: ${typeof x === 'number' ? String(x) : JSON.stringify(x)}`); });
  return { data: Float64Array.from(flat as number[]), shape };
}

/**
 * Parses the JSON form: either AMASS-like columns (`{"poses": [[…165], …], "trans": [[x,y,z], …],
 * "mocap_framerate": 30}`) or `{"fps": 30, "frames": [{"global_orient": [3], "body_pose": [63],
 * "left_hand_pose": [45], "right_hand_pose": [45], "jaw_pose": [3], "transl": [3]}, …]}`.
 */
export function parseSmplxJson(value: unknown, source = 'SMPL-X JSON'): SmplxSequence {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(source, 'the top level', 'must be an object');
  const o = value as Record<string, unknown>;
  const arrays: Record<string, Arr> = {};
  if (Array.isArray(o.frames)) {
    const frames = o.frames as unknown[];
    if (frames.length === 0) fail(source, 'frames', 'is empty');
    const keys = new Set<string>();
    frames.forEach((fr, f) => {
      if (typeof fr !== 'object' || fr === null) fail(source, `frames[${f}]`, 'must be an object');
      Object.keys(fr as object).forEach((k) => keys.add(k));
    });
    for (const k of keys) {
      const perFrame = frames.map((fr, f) => {
        const v = (fr as Record<string, unknown>)[k];
        if (v === undefined) fail(source, `frames[${f}].${k}`, 'is missing (every frame must have the same fields)');
        return jsonArr(source, `frames[${f}].${k}`, v);
      });
      const width = perFrame[0]!.data.length;
      perFrame.forEach((a, f) => { if (a.data.length !== width) fail(source, `frames[${f}].${k}`, `has ${a.data.length} values, frames[0] has ${width}`); });
      const data = new Float64Array(frames.length * width);
      perFrame.forEach((a, f) => data.set(a.data, f * width));
      arrays[k] = { data, shape: [frames.length, width] };
    }
  } else {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'string' || v === null || typeof v === 'boolean') continue; // gender, model type, …
      arrays[k] = jsonArr(source, k, v);
    }
  }
  for (const k of FPS_KEYS) if (typeof o[k] === 'number') arrays[k] = { data: Float64Array.of(o[k] as number), shape: [1] };
  return smplxSequenceFromArrays(arrays, source);
}

/** Options of smplxToMotion. */
export interface SmplxImportOptions {
  name?: string;
  /** World up axis of the sequence: 'auto' (default: from the first frame), 'y' or 'z' (AMASS). */
  upAxis?: 'auto' | 'y' | 'z';
  /** Subtract the first frame's translation so the motion starts at the rest position (default true). */
  recenter?: boolean;
}

/** The world up axis a sequence uses, judged from its first frame's root orientation. */
export function detectUpAxis(seq: SmplxSequence): 'y' | 'z' {
  const q = axisAngleToQuat(seq.poses[0]!, seq.poses[1]!, seq.poses[2]!);
  const up = new Float64Array(3);
  qrotate(q, 0, [0, 1, 0], 0, up, 0);
  return Math.abs(up[2]!) > Math.abs(up[1]!) ? 'z' : 'y';
}

/** The sequence as a Motion on the canonical SMPL-X-named skeleton (Y-up world, recentred per options). */
export function smplxCanonicalMotion(seq: SmplxSequence, options: SmplxImportOptions = {}): Motion {
  const J = SMPLX_JOINTS.length, F = seq.frameCount;
  const up = !options.upAxis || options.upAxis === 'auto' ? detectUpAxis(seq) : options.upAxis;
  const half = Math.SQRT1_2;
  const W = up === 'z' ? [half, -half, 0, 0] : [1, 0, 0, 0]; // Rx(−90°): Z-up → Y-up
  const rotations = new Float32Array(F * J * 4), rootTranslation = new Float32Array(F * 3);
  const q = new Float64Array(4), t = new Float64Array(3);
  for (let f = 0; f < F; f++) {
    for (let j = 0; j < J; j++) {
      const o = (f * J + j) * 3;
      const a = axisAngleToQuat(seq.poses[o]!, seq.poses[o + 1]!, seq.poses[o + 2]!);
      q.set(a);
      if (j === 0) qmul(W, 0, q, 0, q, 0);
      if (q[0]! < 0) for (let k = 0; k < 4; k++) q[k] = -q[k]!;
      rotations.set(q, (f * J + j) * 4);
    }
    qrotate(W, 0, seq.trans, f * 3, t, 0);
    rootTranslation.set(t, f * 3);
  }
  if (options.recenter !== false) {
    const t0 = rootTranslation.slice(0, 3);
    for (let f = 0; f < F; f++) for (let k = 0; k < 3; k++) rootTranslation[f * 3 + k] = rootTranslation[f * 3 + k]! - t0[k]!;
  }
  return { name: options.name ?? 'smplx', fps: seq.fps, frameCount: F, jointNames: [...SMPLX_JOINTS], rotations, rootTranslation };
}

/**
 * An SMPL-X sequence on a body skeleton: rest-aligned from the SMPL-X T-pose to the body's
 * rest pose, root translation scaled by leg length.
 */
export function smplxToMotion(seq: SmplxSequence, target: RestSkeleton, options: SmplxImportOptions = {}): Motion {
  validateRestSkeleton(target, 'target skeleton');
  return retargetMotion(smplxCanonicalMotion(seq, options), canonicalSkeleton(), target);
}
