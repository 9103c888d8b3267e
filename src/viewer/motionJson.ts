/**
 * Motion JSON as the viewer exchanges it (the pre-exported builtin motions and dropped `.json` files):
 * the Motion interface (src/motion/types.ts) with its typed arrays as plain number lists. Pure TS.
 */
import type { Motion } from '../motion/types.js';
import { PersonaError } from '../core/errors.js';

/** Serialises a Motion as JSON text (rotations rounded to 6 decimals, translations to 0.1 mm). */
export function motionToJson(m: Motion): string {
  const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
  return JSON.stringify({
    format: 'persona-motion', formatVersion: 1, name: m.name, fps: m.fps, frameCount: m.frameCount, jointNames: m.jointNames,
    rotations: Array.from(m.rotations, r6), rootTranslation: Array.from(m.rootTranslation, (x) => Math.round(x * 1e4) / 1e4),
  });
}

/** Reads a Motion from parsed JSON, with clear errors for missing or malformed fields. */
export function motionFromJson(value: unknown, fallbackName = 'motion'): Motion {
  const o = value as Record<string, unknown>;
  const fail = (msg: string): never => {
    throw new PersonaError(`motion JSON: ${msg}`, { hint: 'Expected {name, fps, frameCount, jointNames, rotations (frames×joints×4 quaternions w,x,y,z), rootTranslation (frames×3)}.' });
  };
  if (!o || typeof o !== 'object') fail('not an object.');
  const fps = Number(o.fps);
  const jointNames = o.jointNames;
  if (!Array.isArray(jointNames) || jointNames.some((n) => typeof n !== 'string')) fail('jointNames must be a list of strings.');
  if (!Array.isArray(o.rotations)) fail('rotations must be a list of numbers.');
  const rotations = Float32Array.from(o.rotations as number[]);
  const J = (jointNames as string[]).length;
  const frameCount = o.frameCount === undefined ? rotations.length / (J * 4) : Number(o.frameCount);
  const rootTranslation = o.rootTranslation === undefined ? new Float32Array(frameCount * 3) : Float32Array.from(o.rootTranslation as number[]);
  if (!(fps > 0)) fail(`fps must be positive (got ${String(o.fps)}).`);
  if (!Number.isInteger(frameCount) || frameCount < 1) fail(`frameCount must be a positive integer (got ${frameCount}).`);
  if (rotations.length !== frameCount * J * 4) fail(`rotations has ${rotations.length} values, expected ${frameCount}×${J}×4.`);
  if (rootTranslation.length !== frameCount * 3) fail(`rootTranslation has ${rootTranslation.length} values, expected ${frameCount}×3.`);
  for (const x of rotations) if (!Number.isFinite(x)) fail('rotations has a non-finite value.');
  for (const x of rootTranslation) if (!Number.isFinite(x)) fail('rootTranslation has a non-finite value.');
  return { name: typeof o.name === 'string' ? o.name : fallbackName, fps, frameCount, jointNames: jointNames as string[], rotations, rootTranslation };
}
