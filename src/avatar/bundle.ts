import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDirAtomic } from '../core/atomic.js';
import { PersonaError } from '../core/errors.js';
import { packageVersion } from '../core/version.js';
import { writeFile } from 'node:fs/promises';

/** Version of the avatar bundle format written by this code (docs/formats.md). */
export const AVATAR_FORMAT_VERSION = 1;

/** Element types a bundle buffer may have. */
export type BufferDtype = 'f32' | 'u8' | 'u16' | 'u32';
/** Any typed array a bundle stores. */
export type BundleArray = Float32Array | Uint8Array | Uint16Array | Uint32Array;

/** Where a buffer lies in `avatar.bin`. */
export interface BufferView {
  dtype: BufferDtype;
  shape: number[];
  byteOffset: number;
}

/** The pose-driven offset network (PERSONA §3: triplane features + masked joint 6D → MLP → offset/100). */
export interface PoseOffsetSpec {
  /** Offsets are evaluated on A anchors and spread to Gaussians by `gaussianAnchors`/`gaussianAnchorWeights`. */
  anchorCount: number;
  /** Names of the joints whose 6D local rotations are the pose input (PERSONA: the 21 body joints). */
  inputJoints: string[];
  /** Per-anchor pre-sampled triplane feature width. */
  featureDim: number;
  /** Hidden layer widths (PERSONA: 128-128-128). */
  hidden: number[];
  /** Groups of the group norm after each hidden linear layer (0 = none). */
  groupNormGroups: number;
  activation: 'relu';
  /** Output multiplier (PERSONA divides the MLP output by 100). */
  outputScale: number;
  /** Anchors per Gaussian in the spreading map. */
  anchorsPerGaussian: number;
}

/** avatar.json */
export interface AvatarHeader {
  format: 'persona-avatar';
  formatVersion: number;
  createdAt: string;
  tool: { name: string; version: string };
  gaussianCount: number;
  /** Body model the avatar was made on and the subject's shape. */
  body: { kind: string; shape: number[]; subdivisionLevels: number };
  skeleton: { names: string[]; parents: number[]; restJoints: number[] };
  skinInfluences: number;
  poseOffsets: PoseOffsetSpec | null;
  buffers: Record<string, BufferView>;
  /** Free-form provenance: quality preset, iterations, losses, timings. */
  training?: Record<string, unknown>;
}

/**
 * An avatar in memory. Required buffers (N Gaussians, K skin influences):
 * means N×3 (canonical rest-pose positions), scales N (linear, isotropic), colors N×3 (linear [0,1]),
 * opacities N, parts N (BODY_PARTS index, u8), skinJoints N×K (u16), skinWeights N×K.
 * With pose offsets (A anchors, F features, P input joints, M anchors per Gaussian): anchorFeatures A×F,
 * anchorJointMask A×P (u8, 1 where the joint is in the anchor's 4-ring neighbourhood), anchorEnabled A (u8,
 * 0 on hands/face/eyes), gaussianAnchors N×M (u32), gaussianAnchorWeights N×M, and the MLP:
 * mlp.<i>.weight (out×in), mlp.<i>.bias, mlp.<i>.gamma / mlp.<i>.beta (group norm, hidden layers only).
 */
export interface AvatarBundle {
  header: AvatarHeader;
  buffers: Record<string, BundleArray>;
}

const REQUIRED: Array<[string, BufferDtype]> = [
  ['means', 'f32'], ['scales', 'f32'], ['colors', 'f32'], ['opacities', 'f32'], ['parts', 'u8'],
  ['skinJoints', 'u16'], ['skinWeights', 'f32'],
];

function dtypeOf(a: BundleArray): BufferDtype {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint16Array) return 'u16';
  return 'u32';
}

function makeArray(dtype: BufferDtype, bytes: Uint8Array, offset: number, count: number): BundleArray {
  const slice = bytes.slice(offset, offset + count * BYTES[dtype]); // copy: aligned and independent of the file buffer
  switch (dtype) {
    case 'f32': return new Float32Array(slice.buffer, 0, count);
    case 'u8': return new Uint8Array(slice.buffer, 0, count);
    case 'u16': return new Uint16Array(slice.buffer, 0, count);
    case 'u32': return new Uint32Array(slice.buffer, 0, count);
  }
}
const BYTES: Record<BufferDtype, number> = { f32: 4, u8: 1, u16: 2, u32: 4 };

/** Builds the header + binary for a bundle; shapes are given per buffer. */
export function createAvatarBundle(
  meta: Omit<AvatarHeader, 'format' | 'formatVersion' | 'createdAt' | 'tool' | 'buffers'>,
  arrays: Record<string, { data: BundleArray; shape: number[] }>,
): AvatarBundle {
  const buffers: Record<string, BundleArray> = {};
  const views: Record<string, BufferView> = {};
  let offset = 0;
  for (const [name, { data, shape }] of Object.entries(arrays)) {
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new Error(`avatar buffer ${name}: shape ${shape.join('×')} does not match length ${data.length}`);
    offset = Math.ceil(offset / 4) * 4; // 4-byte alignment for typed-array views in viewers
    views[name] = { dtype: dtypeOf(data), shape, byteOffset: offset };
    buffers[name] = data;
    offset += data.byteLength;
  }
  const header: AvatarHeader = {
    format: 'persona-avatar',
    formatVersion: AVATAR_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    tool: { name: 'persona-avatar', version: packageVersion() },
    ...meta,
    buffers: views,
  };
  validate(header, buffers, 'avatar');
  return { header, buffers };
}

/** Serialises the binary part of a bundle. */
export function packBuffers(bundle: AvatarBundle): Uint8Array {
  let size = 0;
  for (const [name, view] of Object.entries(bundle.header.buffers)) size = Math.max(size, view.byteOffset + bundle.buffers[name]!.byteLength);
  const out = new Uint8Array(size);
  for (const [name, view] of Object.entries(bundle.header.buffers)) {
    const a = bundle.buffers[name]!;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), view.byteOffset);
  }
  return out;
}

/** Writes `avatar.json` + `avatar.bin` into `dir` atomically (the whole folder is replaced). */
export async function writeAvatarBundle(dir: string, bundle: AvatarBundle): Promise<void> {
  await writeDirAtomic(dir, async (tmp) => {
    await writeFile(join(tmp, 'avatar.bin'), packBuffers(bundle));
    await writeFile(join(tmp, 'avatar.json'), JSON.stringify(bundle.header, null, 1) + '\n');
  });
}

/**
 * Loads and validates an avatar bundle from a folder (or the folder's `avatar/` subfolder, so a subject
 * folder works too). Corrupt, truncated or wrong-version files give a PersonaError saying what is wrong.
 */
export async function loadAvatar(dir: string): Promise<AvatarBundle> {
  const base = existsSync(join(dir, 'avatar.json')) ? dir : existsSync(join(dir, 'avatar', 'avatar.json')) ? join(dir, 'avatar') : null;
  if (!base)
    throw new PersonaError(`No avatar found in ${dir} (expected avatar.json and avatar.bin).`, {
      hint: 'Give the avatar folder written by `persona create` or `persona train` (e.g. <subject>/avatar).',
    });
  const jsonPath = join(base, 'avatar.json');
  let header: AvatarHeader;
  try {
    header = JSON.parse(await readFile(jsonPath, 'utf8')) as AvatarHeader;
  } catch (err) {
    throw new PersonaError(`${jsonPath} is not valid JSON (${(err as Error).message}).`, { hint: 'The avatar is damaged; bundle it again (`persona train`).' });
  }
  if (header?.format !== 'persona-avatar') throw new PersonaError(`${jsonPath} is not a Persona avatar (format is ${JSON.stringify(header?.format)}).`);
  if (header.formatVersion !== AVATAR_FORMAT_VERSION)
    throw new PersonaError(`${jsonPath} has avatar format version ${header.formatVersion}; this Persona reads version ${AVATAR_FORMAT_VERSION}.`, {
      hint: 'Re-bundle the avatar with this version of Persona.',
    });
  const binPath = join(base, 'avatar.bin');
  if (!existsSync(binPath)) throw new PersonaError(`${binPath} is missing.`, { hint: 'Copy avatar.bin beside avatar.json.' });
  const bytes = new Uint8Array(await readFile(binPath));
  const buffers: Record<string, BundleArray> = {};
  for (const [name, view] of Object.entries(header.buffers ?? {})) {
    const count = view.shape.reduce((a, b) => a * b, 1);
    if (!(view.dtype in BYTES) || !Number.isInteger(count) || count < 0)
      throw new PersonaError(`${jsonPath}: buffer "${name}" has a bad dtype or shape.`);
    if (view.byteOffset + count * BYTES[view.dtype] > bytes.length)
      throw new PersonaError(`${binPath} is truncated: buffer "${name}" ends past the end of the file (${bytes.length} bytes).`, {
        hint: 'The avatar is damaged; copy it again or bundle it again.',
      });
    buffers[name] = makeArray(view.dtype, bytes, view.byteOffset, count);
  }
  validate(header, buffers, jsonPath);
  return { header, buffers };
}

/** Checks that required buffers exist with the right shapes and that values are finite. */
function validate(header: AvatarHeader, buffers: Record<string, BundleArray>, where: string): void {
  const n = header.gaussianCount;
  const k = header.skinInfluences;
  const fail = (msg: string): never => {
    throw new PersonaError(`${where}: ${msg}`, { hint: 'The avatar is damaged or was written by another tool.' });
  };
  if (!Number.isInteger(n) || n <= 0) fail(`gaussianCount must be a positive integer (got ${n}).`);
  const expect: Record<string, number> = { means: n * 3, scales: n, colors: n * 3, opacities: n, parts: n, skinJoints: n * k, skinWeights: n * k };
  for (const [name, dtype] of REQUIRED) {
    const a = buffers[name];
    if (!a) fail(`buffer "${name}" is missing.`);
    if (dtypeOf(a!) !== dtype) fail(`buffer "${name}" must be ${dtype}.`);
    if (a!.length !== expect[name]) fail(`buffer "${name}" has ${a!.length} values, expected ${expect[name]}.`);
  }
  const J = header.skeleton?.names?.length ?? 0;
  if (J === 0 || header.skeleton.parents.length !== J || header.skeleton.restJoints.length !== J * 3) fail('skeleton is incomplete.');
  const joints = buffers.skinJoints as Uint16Array;
  for (let i = 0; i < joints.length; i++) if (joints[i]! >= J) fail(`skinJoints[${i}] = ${joints[i]} is not a joint (skeleton has ${J}).`);
  for (const name of ['means', 'scales', 'colors', 'skinWeights']) {
    const a = buffers[name] as Float32Array;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) fail(`buffer "${name}" has a non-finite value at ${i}.`);
  }
  const po = header.poseOffsets;
  if (po) {
    const need = ['anchorFeatures', 'anchorJointMask', 'anchorEnabled', 'gaussianAnchors', 'gaussianAnchorWeights'];
    for (const name of need) if (!buffers[name]) fail(`pose offsets need buffer "${name}".`);
    if (buffers.anchorFeatures!.length !== po.anchorCount * po.featureDim) fail('anchorFeatures has the wrong size.');
    if (buffers.gaussianAnchors!.length !== n * po.anchorsPerGaussian) fail('gaussianAnchors has the wrong size.');
    const layers = po.hidden.length + 1;
    for (let i = 0; i < layers; i++) if (!buffers[`mlp.${i}.weight`] || !buffers[`mlp.${i}.bias`]) fail(`MLP layer ${i} is missing.`);
  }
}

/** Typed accessor: a required f32 buffer. */
export function f32(bundle: AvatarBundle, name: string): Float32Array {
  const a = bundle.buffers[name];
  if (!(a instanceof Float32Array)) throw new PersonaError(`avatar buffer "${name}" is missing or not f32.`);
  return a;
}

