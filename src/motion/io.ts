/**
 * Motion file reading and writing (Node only): persona-motion JSON, BVH and SMPL-X parameter
 * files. The parsers and writers themselves are browser-safe (json.ts, bvh.ts, smplx.ts).
 */
import { readFile } from 'node:fs/promises';
import { PersonaError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic.js';
import { readNpz, npyToFloat64, type NpyArray } from '../core/npz.js';
import { bvhToMotion, motionToBvh, parseBvh, type Bvh, type BvhImportOptions } from './bvh.js';
import type { RestSkeleton } from './canonical.js';
import { motionToJsonText, parseMotionJson, type MotionFile } from './json.js';
import { parseSmplxJson, smplxSequenceFromArrays, smplxToMotion, type Arr, type SmplxImportOptions, type SmplxSequence } from './smplx.js';
import type { Motion } from './types.js';

/** Writes a motion as persona-motion JSON (atomically), with its skeleton when given. */
export async function writeMotionJson(path: string, motion: Motion, skeleton?: RestSkeleton): Promise<void> {
  await writeFileAtomic(path, motionToJsonText(motion, skeleton));
}

/** Reads a persona-motion JSON file; errors name the file and the field. */
export async function readMotionJson(path: string): Promise<MotionFile> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch (e) {
    throw new PersonaError(`cannot read motion file ${path}: ${(e as Error).message}`);
  }
  let value: unknown;
  try { value = JSON.parse(text); } catch (e) {
    throw new PersonaError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseMotionJson(value, path);
}

/** Reads and parses a BVH file. */
export async function readBvh(path: string): Promise<Bvh> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch (e) {
    throw new PersonaError(`cannot read BVH file ${path}: ${(e as Error).message}`);
  }
  return parseBvh(text, path);
}

/** Reads a BVH file onto a body skeleton (see bvhToMotion). */
export async function readBvhMotion(path: string, target: RestSkeleton, options: BvhImportOptions = {}): Promise<Motion> {
  const name = options.name ?? path.replace(/^.*[\\/]/, '').replace(/\.bvh$/i, '');
  return bvhToMotion(await readBvh(path), target, { ...options, name });
}

/** Writes a motion on a body skeleton as a BVH file (atomically). */
export async function writeBvh(path: string, motion: Motion, rs: RestSkeleton): Promise<void> {
  await writeFileAtomic(path, motionToBvh(motion, rs));
}

function npyArr(a: NpyArray, name: string): Arr {
  return { data: npyToFloat64(a, name), shape: a.shape.length === 0 ? [1] : a.shape };
}

/** Reads an AMASS-style `.npz` (numeric arrays only; strings such as `gender` are ignored). */
export function readSmplxNpz(path: string): SmplxSequence {
  const npz = readNpz(path);
  const arrays: Record<string, Arr> = {};
  for (const [k, a] of Object.entries(npz.arrays)) if (!Array.isArray(a.data)) arrays[k] = npyArr(a, k);
  return smplxSequenceFromArrays(arrays, path);
}

/** Reads the SMPL-X JSON form from a file. */
export async function readSmplxJson(path: string): Promise<SmplxSequence> {
  let v: unknown;
  try { v = JSON.parse(await readFile(path, 'utf8')); } catch (e) {
    throw new PersonaError(`${path}: cannot read SMPL-X JSON (${(e as Error).message})`);
  }
  return parseSmplxJson(v, path);
}

/** Reads an SMPL-X `.npz` or `.json` parameter file onto a body skeleton. */
export async function readSmplxMotion(path: string, target: RestSkeleton, options: SmplxImportOptions = {}): Promise<Motion> {
  const seq = /\.npz$/i.test(path) ? readSmplxNpz(path) : await readSmplxJson(path);
  const name = options.name ?? path.replace(/^.*[\\/]/, '').replace(/\.(npz|json)$/i, '');
  return smplxToMotion(seq, target, { ...options, name });
}
