/**
 * The motion JSON file format (`persona-motion`, version 1), read by `persona animate
 * --motion`, the viewer and written by motion capture. See docs/motion.md:
 *
 *   { "format": "persona-motion", "version": 1, "name": "dance", "fps": 30,
 *     "joints": ["pelvis", …],                 // J joint names
 *     "rotation": "quaternion",                // or "axis-angle" (radians)
 *     "frames": [ { "r": [[w,x,y,z], …J], "t": [x,y,z], "flag": 0 }, … ],
 *     "skeleton": { "parents": [-1, 0, …], "rest": [[x,y,z], …J] },  // optional
 *     "expressions": ["smile", "aa", …]       // optional: C expression channels; each frame then has "e": [C weights]
 *   }
 *
 * Rotations are local, in the BodyModel pose convention; `t` is the root translation (metres)
 * relative to the rest root position. With `skeleton` the motion can be retargeted onto a
 * body with another rest pose; without it, joints are matched by name.
 * Browser-safe (no Node imports); file reading and writing live in io.ts.
 */
import { PersonaError } from '../core/errors.js';
import { checkMotionSize } from './limits.js';
import { axisAngleToQuat } from '../core/rotation.js';
import { MOTION_JSON_FORMAT, MOTION_JSON_VERSION } from './config.js';
import type { RestSkeleton } from './canonical.js';
import { validateRestSkeleton } from './retarget.js';
import { validateMotion } from './sample.js';
import type { Motion } from './types.js';

/** A motion read from JSON, with the skeleton it was recorded on when the file has one. */
export interface MotionFile { motion: Motion; skeleton?: RestSkeleton }

function fail(source: string, field: string, problem: string): never {
  throw new PersonaError(`${source}: ${field} ${problem}`, { hint: 'see docs/motion.md for the persona-motion JSON format' });
}

/** A value as the message shows it: JSON, except numbers that JSON cannot show (Infinity, NaN would print as null). */
function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

function numberArray(source: string, field: string, v: unknown, length: number): number[] {
  if (!Array.isArray(v)) fail(source, field, `must be an array of ${length} numbers, got ${v === null ? 'null' : typeof v}`);
  if (v.length !== length) fail(source, field, `has ${v.length} numbers, expected ${length}`);
  v.forEach((x, i) => { if (typeof x !== 'number' || !Number.isFinite(x)) fail(source, `${field}[${i}]`, `must be a finite number, got ${show(x)}`); });
  return v as number[];
}

/** Parses and validates a motion JSON value; errors name the offending field. `source` labels messages (a path). */
export function parseMotionJson(value: unknown, source = 'motion JSON'): MotionFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(source, 'the top level', 'must be an object');
  const o = value as Record<string, unknown>;
  if (o.format !== MOTION_JSON_FORMAT) fail(source, 'format', `must be "${MOTION_JSON_FORMAT}", got ${JSON.stringify(o.format)}`);
  if (typeof o.version !== 'number' || !Number.isInteger(o.version)) fail(source, 'version', `must be an integer, got ${JSON.stringify(o.version)}`);
  if (o.version > MOTION_JSON_VERSION) fail(source, 'version', `is ${o.version}; this Persona reads up to version ${MOTION_JSON_VERSION} (update Persona)`);
  if (o.version < 1) fail(source, 'version', `must be ≥ 1, got ${o.version}`);
  const name = o.name === undefined ? 'motion' : o.name;
  if (typeof name !== 'string') fail(source, 'name', 'must be a string');
  if (typeof o.fps !== 'number' || !(o.fps > 0) || !Number.isFinite(o.fps)) fail(source, 'fps', `must be a positive number, got ${show(o.fps)}`);
  if (!Array.isArray(o.joints) || o.joints.length === 0) fail(source, 'joints', 'must be a non-empty array of joint names');
  o.joints.forEach((n, i) => { if (typeof n !== 'string' || n.length === 0) fail(source, `joints[${i}]`, 'must be a non-empty string'); });
  const joints = o.joints as string[];
  const dup = joints.find((n, i) => joints.indexOf(n) !== i);
  if (dup !== undefined) fail(source, 'joints', `names '${dup}' twice`);
  const encoding = o.rotation ?? 'quaternion';
  if (encoding !== 'quaternion' && encoding !== 'axis-angle') fail(source, 'rotation', `must be "quaternion" or "axis-angle", got ${JSON.stringify(encoding)}`);
  if (!Array.isArray(o.frames) || o.frames.length === 0) fail(source, 'frames', 'must be a non-empty array');
  checkMotionSize(source, o.frames.length, o.fps as number);
  if (o.frameCount !== undefined && o.frameCount !== o.frames.length) fail(source, 'frameCount', `is ${JSON.stringify(o.frameCount)} but frames has ${o.frames.length} entries`);
  const J = joints.length, F = o.frames.length;
  const rotations = new Float32Array(F * J * 4), rootTranslation = new Float32Array(F * 3);
  let flags: Uint8Array | undefined;
  const width = encoding === 'quaternion' ? 4 : 3;
  let expressions: Motion['expressions'];
  if (o.expressions !== undefined) {
    if (!Array.isArray(o.expressions) || !o.expressions.every((n) => typeof n === 'string' && n.length > 0))
      fail(source, 'expressions', 'must be an array of expression names (named expressions or body-model units)');
    const en = o.expressions as string[];
    const d = en.find((n, i) => en.indexOf(n) !== i);
    if (d !== undefined) fail(source, 'expressions', `names '${d}' twice`);
    expressions = { names: [...en], weights: new Float32Array(o.frames.length * en.length) };
  }
  (o.frames as unknown[]).forEach((fr, f) => {
    const field = `frames[${f}]`;
    if (typeof fr !== 'object' || fr === null || Array.isArray(fr)) fail(source, field, 'must be an object with "r" and "t"');
    const frame = fr as Record<string, unknown>;
    if (!Array.isArray(frame.r)) fail(source, `${field}.r`, `must be an array of ${J} rotations`);
    if (frame.r.length !== J) fail(source, `${field}.r`, `has ${frame.r.length} rotations, expected ${J} (one per joint)`);
    frame.r.forEach((q, j) => {
      const v = numberArray(source, `${field}.r[${j}] (${joints[j]})`, q, width);
      let quat: number[] = v;
      if (width === 3) quat = axisAngleToQuat(v[0]!, v[1]!, v[2]!);
      const n = Math.hypot(quat[0]!, quat[1]!, quat[2]!, quat[3]!);
      if (Math.abs(n - 1) > 1e-3) fail(source, `${field}.r[${j}] (${joints[j]})`, `is not a unit quaternion (norm ${n.toFixed(4)})`);
      for (let k = 0; k < 4; k++) rotations[(f * J + j) * 4 + k] = quat[k]! / n;
    });
    const t = frame.t === undefined ? [0, 0, 0] : numberArray(source, `${field}.t`, frame.t, 3);
    if (expressions) {
      const C = expressions.names.length;
      if (frame.e !== undefined) expressions.weights.set(numberArray(source, `${field}.e`, frame.e, C), f * C);
    } else if (frame.e !== undefined) fail(source, `${field}.e`, 'needs a top-level "expressions" list naming its channels');
    rootTranslation.set(t, f * 3);
    if (frame.flag !== undefined) {
      if (frame.flag !== 0 && frame.flag !== 1) fail(source, `${field}.flag`, 'must be 0 or 1');
      flags ??= new Uint8Array(F);
      flags[f] = frame.flag;
    }
  });
  const motion: Motion = { name, fps: o.fps, frameCount: F, jointNames: [...joints], rotations, rootTranslation, ...(flags ? { flags } : {}), ...(expressions ? { expressions } : {}) };
  let skeleton: RestSkeleton | undefined;
  if (o.skeleton !== undefined) {
    if (typeof o.skeleton !== 'object' || o.skeleton === null) fail(source, 'skeleton', 'must be an object with "parents" and "rest"');
    const s = o.skeleton as Record<string, unknown>;
    const parents = numberArray(source, 'skeleton.parents', s.parents, J);
    parents.forEach((p, j) => { if (!Number.isInteger(p) || p < -1 || p >= j) fail(source, `skeleton.parents[${j}]`, `is ${p}; parents must be −1 or the index of an earlier joint`); });
    if (!Array.isArray(s.rest) || s.rest.length !== J) fail(source, 'skeleton.rest', `must hold ${J} joint positions [x, y, z]`);
    const rest = new Float64Array(J * 3);
    s.rest.forEach((p, j) => rest.set(numberArray(source, `skeleton.rest[${j}]`, p, 3), j * 3));
    skeleton = { skeleton: { names: [...joints], parents: Int32Array.from(parents) }, rest };
    validateRestSkeleton(skeleton, `${source}: skeleton`);
  }
  return skeleton ? { motion, skeleton } : { motion };
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** A motion as a persona-motion JSON value (quaternions rounded to 6 decimals, translations to 0.1 mm). */
export function motionToJson(motion: Motion, skeleton?: RestSkeleton): Record<string, unknown> {
  validateMotion(motion);
  const J = motion.jointNames.length;
  const frames = [];
  for (let f = 0; f < motion.frameCount; f++) {
    const r = [];
    for (let j = 0; j < J; j++) {
      const o = (f * J + j) * 4;
      r.push([0, 1, 2, 3].map((k) => round(motion.rotations[o + k]!, 6)));
    }
    const frame: Record<string, unknown> = { r, t: [0, 1, 2].map((k) => round(motion.rootTranslation[f * 3 + k]!, 4)) };
    if (motion.flags) frame.flag = motion.flags[f]! ? 1 : 0;
    if (motion.expressions) {
      const C = motion.expressions.names.length;
      frame.e = Array.from(motion.expressions.weights.subarray(f * C, (f + 1) * C), (x) => round(x, 4));
    }
    frames.push(frame);
  }
  const out: Record<string, unknown> = {
    format: MOTION_JSON_FORMAT, version: MOTION_JSON_VERSION, name: motion.name, fps: motion.fps, frameCount: motion.frameCount,
    joints: [...motion.jointNames], rotation: 'quaternion', frames,
  };
  if (motion.expressions) out.expressions = [...motion.expressions.names];
  if (skeleton) {
    validateRestSkeleton(skeleton);
    if (skeleton.skeleton.names.some((n, i) => n !== motion.jointNames[i]) || skeleton.skeleton.names.length !== J) {
      throw new PersonaError(`motionToJson: the skeleton's joints differ from the motion's joints`);
    }
    out.skeleton = {
      parents: Array.from(skeleton.skeleton.parents),
      rest: Array.from({ length: J }, (_, j) => [0, 1, 2].map((k) => round(skeleton.rest[j * 3 + k]!, 6))),
    };
  }
  return out;
}

/** A motion as persona-motion JSON text, one frame per line (compact yet diffable). */
export function motionToJsonText(motion: Motion, skeleton?: RestSkeleton): string {
  const { frames, ...head } = motionToJson(motion, skeleton) as { frames: unknown[] };
  const headText = JSON.stringify(head, null, 2);
  return `${headText.slice(0, -2)},\n  "frames": [\n${frames.map((f) => '    ' + JSON.stringify(f)).join(',\n')}\n  ]\n}\n`;
}
