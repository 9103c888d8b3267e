/**
 * BVH (Biovision hierarchy) motion files: parsing (any channel order, position channels,
 * End Sites), conversion to a Motion on a body skeleton (joint names mapped through naming
 * families, rest-pose alignment, root translation scaled by leg length), and export of a
 * Motion on a body skeleton (which the importer reads back exactly).
 *
 * BVH semantics: each joint's OFFSET is its rest position relative to its parent, in a rest
 * pose where every rotation is identity; a frame's rotation channels (degrees) compose in the
 * order listed, R = R_c1 · R_c2 · R_c3, as a local rotation in the parent's frame; the root's
 * position channels give its position in the world.
 * Browser-safe (no Node imports); file reading and writing live in io.ts.
 */
import { PersonaError } from '../core/errors.js';
import { checkMotionSize } from './limits.js';
import { matrixToQuat, quatToMatrix } from '../core/rotation.js';
import { BVH_EXPORT_UNITS_PER_METRE } from './config.js';
import type { RestSkeleton } from './canonical.js';
import { assignRoles, stripNamespace } from './names.js';
import { qmul } from '../core/rotation.js';
import { retargetMotion, validateRestSkeleton } from './retarget.js';
import { validateMotion } from './sample.js';
import type { Motion } from './types.js';

/** The channel names BVH allows. */
export type BvhChannel = 'Xposition' | 'Yposition' | 'Zposition' | 'Xrotation' | 'Yrotation' | 'Zrotation';
const CHANNELS: readonly string[] = ['Xposition', 'Yposition', 'Zposition', 'Xrotation', 'Yrotation', 'Zrotation'];

/** One joint of a BVH hierarchy. */
export interface BvhJoint {
  name: string;
  parent: number;
  offset: [number, number, number];
  channels: BvhChannel[];
  /** Index of this joint's first channel in a frame's values. */
  channelStart: number;
  /** Offset of the End Site below this joint, if it has one. */
  endSite?: [number, number, number];
}

/** A parsed BVH file. */
export interface Bvh {
  joints: BvhJoint[];
  channelCount: number;
  frameCount: number;
  frameTime: number;
  /** frameCount × channelCount values, as in the file. */
  values: Float64Array;
}

interface Token { text: string; line: number }

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    for (const t of lines[i]!.split(/\s+/)) if (t) tokens.push({ text: t, line: i + 1 });
  }
  return tokens;
}

/** Parses BVH text; errors name the line (and `source`, e.g. the file path). */
export function parseBvh(text: string, source = 'BVH'): Bvh {
  const lines = text.split(/\r?\n/);
  const motionLine = lines.findIndex((l) => l.trim().toUpperCase() === 'MOTION');
  const err = (line: number, msg: string): never => {
    throw new PersonaError(`${source}: line ${line}: ${msg}`, { hint: 'check the file is a BVH motion (HIERARCHY … MOTION …)' });
  };
  if (motionLine < 0) err(lines.length, 'no MOTION section');
  const tokens = tokenize(lines.slice(0, motionLine).join('\n'));
  let p = 0;
  const next = (what: string): Token => {
    const t = tokens[p++];
    if (!t) err(motionLine + 1, `file ends early: expected ${what}`);
    return t!;
  };
  const num = (what: string): number => {
    const t = next(what);
    const v = Number(t.text);
    if (!Number.isFinite(v)) err(t.line, `expected ${what}, got '${t.text}'`);
    return v;
  };
  const first = next('HIERARCHY');
  if (first.text.toUpperCase() !== 'HIERARCHY') err(first.line, `expected HIERARCHY, got '${first.text}'`);
  const joints: BvhJoint[] = [];
  let channelCount = 0;
  const parseJoint = (parent: number, keyword: Token): void => {
    const nameTok = next('a joint name');
    if (nameTok.text === '{') err(nameTok.line, `${keyword.text} needs a name`);
    const open = next('{');
    if (open.text !== '{') err(open.line, `expected '{' after ${keyword.text} ${nameTok.text}, got '${open.text}'`);
    const index = joints.length;
    const joint: BvhJoint = { name: nameTok.text, parent, offset: [0, 0, 0], channels: [], channelStart: channelCount };
    joints.push(joint);
    let sawOffset = false;
    for (;;) {
      const t = next(`'}' closing ${nameTok.text}`);
      const kw = t.text.toUpperCase();
      if (t.text === '}') break;
      if (kw === 'OFFSET') {
        joint.offset = [num('an OFFSET x'), num('an OFFSET y'), num('an OFFSET z')];
        sawOffset = true;
      } else if (kw === 'CHANNELS') {
        const n = num('a channel count');
        if (!Number.isInteger(n) || n < 0 || n > 6) err(t.line, `CHANNELS count must be 0…6, got ${n}`);
        for (let i = 0; i < n; i++) {
          const c = next('a channel name');
          const canonical = CHANNELS.find((x) => x.toLowerCase() === c.text.toLowerCase());
          if (!canonical) err(c.line, `unknown channel '${c.text}' (expected one of ${CHANNELS.join(', ')})`);
          joint.channels.push(canonical as BvhChannel);
        }
        joint.channelStart = channelCount;
        channelCount += n;
      } else if (kw === 'JOINT') {
        parseJoint(index, t);
      } else if (kw === 'END') {
        const site = next('Site');
        if (site.text.toUpperCase() !== 'SITE') err(site.line, `expected 'End Site', got 'End ${site.text}'`);
        const o = next('{');
        if (o.text !== '{') err(o.line, `expected '{' after End Site`);
        const off = next('OFFSET');
        if (off.text.toUpperCase() !== 'OFFSET') err(off.line, `expected OFFSET in End Site, got '${off.text}'`);
        joint.endSite = [num('an OFFSET x'), num('an OFFSET y'), num('an OFFSET z')];
        const c = next('}');
        if (c.text !== '}') err(c.line, `expected '}' closing End Site, got '${c.text}'`);
      } else {
        err(t.line, `unexpected '${t.text}' in joint ${nameTok.text} (expected OFFSET, CHANNELS, JOINT, End Site or '}')`);
      }
    }
    if (!sawOffset) err(nameTok.line, `joint ${nameTok.text} has no OFFSET`);
  };
  const root = next('ROOT');
  if (root.text.toUpperCase() !== 'ROOT') err(root.line, `expected ROOT, got '${root.text}'`);
  parseJoint(-1, root);
  if (p < tokens.length) {
    const extra = tokens[p]!;
    if (extra.text.toUpperCase() === 'ROOT') err(extra.line, 'several ROOT hierarchies are not supported');
    err(extra.line, `unexpected '${extra.text}' after the hierarchy`);
  }
  if (channelCount === 0) err(motionLine + 1, 'the hierarchy has no CHANNELS');
  // MOTION section.
  let li = motionLine + 1;
  while (li < lines.length && lines[li]!.trim() === '') li++;
  const fm = /^\s*Frames:\s*(\S+)\s*$/i.exec(lines[li] ?? '');
  if (!fm) err(li + 1, `expected 'Frames: <count>', got '${(lines[li] ?? '').trim()}'`);
  const frameCount = Number(fm![1]);
  if (!Number.isInteger(frameCount) || frameCount < 1) err(li + 1, `frame count must be a positive integer, got '${fm![1]}'`);
  li++;
  const tm = /^\s*Frame\s+Time:\s*(\S+)\s*$/i.exec(lines[li] ?? '');
  if (!tm) err(li + 1, `expected 'Frame Time: <seconds>', got '${(lines[li] ?? '').trim()}'`);
  const frameTime = Number(tm![1]);
  if (!(frameTime > 0) || !Number.isFinite(frameTime)) err(li + 1, `frame time must be a positive number, got '${tm![1]}'`);
  checkMotionSize(`${source}: line ${li + 1}: Frame Time ${tm![1]} s, Frames ${frameCount}`, frameCount, 1 / frameTime); // before allocating
  li++;
  const values = new Float64Array(frameCount * channelCount);
  let f = 0;
  for (; li < lines.length && f < frameCount; li++) {
    const s = lines[li]!.trim();
    if (s === '') continue;
    const parts = s.split(/\s+/);
    if (parts.length !== channelCount) err(li + 1, `frame ${f} has ${parts.length} values, expected ${channelCount} (the hierarchy's channel count)`);
    for (let c = 0; c < channelCount; c++) {
      const v = Number(parts[c]);
      if (!Number.isFinite(v)) err(li + 1, `frame ${f}, value ${c + 1} is '${parts[c]}', not a number`);
      values[f * channelCount + c] = v;
    }
    f++;
  }
  if (f < frameCount) err(lines.length, `the header says ${frameCount} frames but the file has ${f}`);
  for (; li < lines.length; li++) if (lines[li]!.trim() !== '') err(li + 1, `more frame data than the ${frameCount} frames the header declares`);
  return { joints, channelCount, frameCount, frameTime, values };
}

/** The BVH skeleton (names without namespace prefixes) with rest positions in file units and axes. */
export function bvhRestSkeleton(bvh: Bvh): RestSkeleton {
  const J = bvh.joints.length;
  const rest = new Float64Array(J * 3);
  bvh.joints.forEach((j, i) => {
    for (let k = 0; k < 3; k++) rest[i * 3 + k] = j.offset[k]! + (j.parent >= 0 ? rest[j.parent * 3 + k]! : 0);
  });
  return { skeleton: { names: bvh.joints.map((j) => stripNamespace(j.name)), parents: Int32Array.from(bvh.joints.map((j) => j.parent)) }, rest };
}

/**
 * The rotation taking the BVH world to ours (Y up, facing +Z, the person's left +X), found
 * from the rest skeleton (up: hips → head; left: right hip → left hip, or shoulders) and
 * snapped to the nearest axis permutation. Identity when the skeleton gives no clue.
 */
export function bvhBasis(rs: RestSkeleton): [number, number, number, number] {
  const roles = assignRoles(rs.skeleton.names).roles;
  const pos = (r: string): number[] | null => {
    const j = roles.indexOf(r as never);
    return j < 0 ? null : [rs.rest[j * 3]!, rs.rest[j * 3 + 1]!, rs.rest[j * 3 + 2]!];
  };
  const diff = (a: number[] | null, b: number[] | null): number[] | null => (a && b ? [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!] : null);
  const up = diff(pos('head') ?? pos('neck') ?? pos('spine3'), pos('pelvis'));
  const left = diff(pos('left_hip'), pos('right_hip')) ?? diff(pos('left_shoulder'), pos('right_shoulder'));
  if (!up || !left) return [1, 0, 0, 0];
  // Snap each to the dominant signed axis.
  const snap = (v: number[]): number[] => {
    let k = 0;
    for (let i = 1; i < 3; i++) if (Math.abs(v[i]!) > Math.abs(v[k]!)) k = i;
    const s = [0, 0, 0]; s[k] = Math.sign(v[k]!) || 1; return s;
  };
  const u = snap(up), l = snap(left);
  if (u.some((x, i) => x !== 0 && l[i] !== 0)) return [1, 0, 0, 0]; // up and left along one axis: no clue
  const fwd = [l[1]! * u[2]! - l[2]! * u[1]!, l[2]! * u[0]! - l[0]! * u[2]!, l[0]! * u[1]! - l[1]! * u[0]!];
  // Rows of B are our X (left), Y (up), Z (forward) expressed in BVH coordinates.
  return matrixToQuat([l[0]!, l[1]!, l[2]!, u[0]!, u[1]!, u[2]!, fwd[0]!, fwd[1]!, fwd[2]!]);
}

/** Options of bvhToMotion. */
export interface BvhImportOptions {
  name?: string;
  /** Move the first frame's root to the rest position horizontally (default true). */
  recenter?: boolean;
  /** File units per metre, used only when the BVH has no recognizable legs to scale by (default: guessed from the height). */
  unitsPerMetre?: number;
}

/** The BVH motion on its own skeleton (names stripped of prefixes, axes converted to ours, units kept). */
export function bvhSourceMotion(bvh: Bvh, name = 'bvh'): { motion: Motion; skeleton: RestSkeleton } {
  const raw = bvhRestSkeleton(bvh);
  const B = bvhBasis(raw);
  const J = bvh.joints.length, F = bvh.frameCount;
  const rest = new Float64Array(J * 3);
  const Bm = quatToMatrix(B);
  for (let j = 0; j < J; j++) {
    for (let r = 0; r < 3; r++) rest[j * 3 + r] = Bm[r * 3]! * raw.rest[j * 3]! + Bm[r * 3 + 1]! * raw.rest[j * 3 + 1]! + Bm[r * 3 + 2]! * raw.rest[j * 3 + 2]!;
  }
  const rotations = new Float32Array(F * J * 4), rootTranslation = new Float32Array(F * 3);
  const q = new Float64Array(4), e = new Float64Array(4);
  const root = bvh.joints.findIndex((j) => j.parent < 0);
  for (let f = 0; f < F; f++) {
    const vals = bvh.values.subarray(f * bvh.channelCount, (f + 1) * bvh.channelCount);
    for (let j = 0; j < J; j++) {
      const joint = bvh.joints[j]!;
      q[0] = 1; q[1] = 0; q[2] = 0; q[3] = 0;
      const pos = [0, 0, 0];
      let hasPos = false;
      joint.channels.forEach((c, i) => {
        const v = vals[joint.channelStart + i]!;
        if (c.endsWith('position')) { pos[c.charCodeAt(0) - 88] = v; hasPos = true; return; }
        const half = (v * Math.PI) / 360;
        e[0] = Math.cos(half); e[1] = 0; e[2] = 0; e[3] = 0;
        e[1 + c.charCodeAt(0) - 88] = Math.sin(half);
        qmul(q, 0, e, 0, q, 0);
      });
      // Change of basis: q' = B q B⁻¹.
      qmul(B, 0, q, 0, q, 0);
      const Bc = [B[0], -B[1], -B[2], -B[3]];
      qmul(q, 0, Bc, 0, q, 0);
      if (q[0]! < 0) for (let k = 0; k < 4; k++) q[k] = -q[k]!;
      rotations.set(q, (f * J + j) * 4);
      if (j === root && hasPos) {
        const d = [pos[0]! - joint.offset[0], pos[1]! - joint.offset[1], pos[2]! - joint.offset[2]];
        for (let r = 0; r < 3; r++) rootTranslation[f * 3 + r] = Bm[r * 3]! * d[0]! + Bm[r * 3 + 1]! * d[1]! + Bm[r * 3 + 2]! * d[2]!;
      }
    }
  }
  const skeleton: RestSkeleton = { skeleton: { names: raw.skeleton.names, parents: raw.skeleton.parents }, rest };
  return { motion: { name, fps: 1 / bvh.frameTime, frameCount: F, jointNames: [...raw.skeleton.names], rotations, rootTranslation }, skeleton };
}

/**
 * A BVH motion on a body skeleton: joints mapped by name (Mixamo, CMU, SMPL-X, MakeHuman and
 * common conventions; `mixamorig:` and other namespace prefixes stripped), rotations
 * rest-aligned (a T-pose BVH drives an A-pose body correctly), root translation scaled by the
 * leg-length ratio (which also converts units).
 */
export function bvhToMotion(bvh: Bvh, target: RestSkeleton, options: BvhImportOptions = {}): Motion {
  validateRestSkeleton(target, 'target skeleton');
  const { motion, skeleton } = bvhSourceMotion(bvh, options.name ?? 'bvh');
  const out = retargetMotion(motion, skeleton, target);
  const roles = assignRoles(skeleton.skeleton.names).roles;
  if (!roles.includes('left_hip') || !roles.includes('left_knee')) {
    // No legs to scale by: convert units instead.
    let lo = Infinity, hi = -Infinity;
    for (let j = 0; j < skeleton.skeleton.names.length; j++) { lo = Math.min(lo, skeleton.rest[j * 3 + 1]!); hi = Math.max(hi, skeleton.rest[j * 3 + 1]!); }
    const upm = options.unitsPerMetre ?? (hi - lo > 10 ? 100 : 1);
    for (let i = 0; i < out.rootTranslation.length; i++) out.rootTranslation[i] = motion.rootTranslation[i]! / upm;
  }
  if (options.recenter !== false && out.frameCount > 0) {
    const x0 = out.rootTranslation[0]!, z0 = out.rootTranslation[2]!;
    for (let f = 0; f < out.frameCount; f++) { out.rootTranslation[f * 3] = out.rootTranslation[f * 3]! - x0; out.rootTranslation[f * 3 + 2] = out.rootTranslation[f * 3 + 2]! - z0; }
  }
  return out;
}

/** Local rotation quaternion → BVH ZXY Euler angles in degrees [z, x, y] (R = Rz·Rx·Ry). */
export function quatToEulerZXY(q: ArrayLike<number>): [number, number, number] {
  const R = quatToMatrix(q);
  const sb = Math.max(-1, Math.min(1, R[7]!));
  const b = Math.asin(sb);
  let a: number, c: number;
  if (Math.abs(sb) < 0.999999) {
    a = Math.atan2(-R[1]!, R[4]!);
    c = Math.atan2(-R[6]!, R[8]!);
  } else {
    c = 0;
    a = Math.atan2(R[3]!, R[0]!);
  }
  const d = 180 / Math.PI;
  return [a * d, b * d, c * d];
}

const fmt = (x: number): string => {
  const s = x.toFixed(6);
  return s === '-0.000000' ? '0.000000' : s;
};

/**
 * A motion (whose joints are the skeleton's, in order) as BVH text: lengths in centimetres,
 * the root with position + ZXY rotation channels, other joints with ZXY rotation channels,
 * leaf joints closed by an End Site along their parent bone.
 */
export function motionToBvh(motion: Motion, rs: RestSkeleton): string {
  validateMotion(motion);
  validateRestSkeleton(rs);
  const { names, parents } = rs.skeleton;
  if (motion.jointNames.length !== names.length || motion.jointNames.some((n, i) => n !== names[i])) {
    throw new PersonaError(`motionToBvh: motion '${motion.name}' joints differ from the skeleton's; retarget it onto the skeleton first`);
  }
  const roots = [...parents].filter((p) => p < 0).length;
  if (roots !== 1) throw new PersonaError(`motionToBvh: the skeleton has ${roots} roots; BVH needs exactly one`);
  const u = BVH_EXPORT_UNITS_PER_METRE;
  const J = names.length;
  const children: number[][] = names.map(() => []);
  parents.forEach((p, j) => { if (p >= 0) children[p]!.push(j); });
  const safe = (n: string): string => n.replace(/\s+/g, '_');
  const out: string[] = ['HIERARCHY'];
  const emit = (j: number, depth: number): void => {
    const pad = '  '.repeat(depth);
    const p = parents[j]!;
    const off = [0, 1, 2].map((k) => (rs.rest[j * 3 + k]! - (p >= 0 ? rs.rest[p * 3 + k]! : 0)) * u);
    out.push(`${pad}${p < 0 ? 'ROOT' : 'JOINT'} ${safe(names[j]!)}`, `${pad}{`);
    out.push(`${pad}  OFFSET ${off.map(fmt).join(' ')}`);
    out.push(p < 0 ? `${pad}  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation` : `${pad}  CHANNELS 3 Zrotation Xrotation Yrotation`);
    for (const c of children[j]!) emit(c, depth + 1);
    if (children[j]!.length === 0) {
      // End Site: half the parent bone's length along its direction (2 cm if degenerate).
      let d = p >= 0 ? [0, 1, 2].map((k) => rs.rest[j * 3 + k]! - rs.rest[p * 3 + k]!) : [0, 0.02, 0];
      let n = Math.hypot(d[0]!, d[1]!, d[2]!);
      if (n < 1e-6) { d = [0, 0.02, 0]; n = 0.02; }
      const len = Math.max(0.01, n * 0.5);
      out.push(`${pad}  End Site`, `${pad}  {`, `${pad}    OFFSET ${d.map((x) => fmt((x / n) * len * u)).join(' ')}`, `${pad}  }`);
    }
    out.push(`${pad}}`);
  };
  emit(parents.indexOf(-1), 0);
  // The BVH channel order follows the depth-first order of the hierarchy.
  const order: number[] = [];
  const walk = (j: number): void => { order.push(j); for (const c of children[j]!) walk(c); };
  walk(parents.indexOf(-1));
  out.push('MOTION', `Frames: ${motion.frameCount}`, `Frame Time: ${(1 / motion.fps).toFixed(8)}`);
  const root = parents.indexOf(-1);
  for (let f = 0; f < motion.frameCount; f++) {
    const vals: string[] = [];
    for (const j of order) {
      if (j === root) for (let k = 0; k < 3; k++) vals.push(fmt((rs.rest[j * 3 + k]! + motion.rootTranslation[f * 3 + k]!) * u));
      const e = quatToEulerZXY(motion.rotations.subarray((f * J + j) * 4, (f * J + j) * 4 + 4));
      vals.push(fmt(e[0]), fmt(e[1]), fmt(e[2]));
    }
    out.push(vals.join(' '));
  }
  return out.join('\n') + '\n';
}
