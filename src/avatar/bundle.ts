import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
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
  /**
   * Expression units (docs/avatar.md "Expression"): their names, with buffers expressionGaussians (Nf, u32)
   * and expressionBasis (E×Nf×3, f32). Absent or null in bundles made before expressions: no expression.
   */
  expression?: { names: string[] } | null;
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
  checkHeader(header, jsonPath); // every count, index and offset of the header, before any allocation
  const binPath = join(base, 'avatar.bin');
  if (!existsSync(binPath)) throw new PersonaError(`${binPath} is missing.`, { hint: 'Copy avatar.bin beside avatar.json.' });
  const binSize = (await stat(binPath)).size;
  if (binSize > MAX_BIN_BYTES)
    throw new PersonaError(`${binPath} is ${binSize} bytes, over the ${MAX_BIN_BYTES}-byte limit of an avatar bundle.`, { hint: DAMAGED_HINT });
  for (const [name, view] of Object.entries(header.buffers)) {
    const end = view.byteOffset + elementCount(view) * BYTES[view.dtype];
    if (end > binSize)
      throw new PersonaError(`${binPath} is truncated: buffer "${name}" ends past the end of the file (${binSize} bytes).`, {
        hint: 'The avatar is damaged; copy it again or bundle it again.',
      });
  }
  const bytes = new Uint8Array(await readFile(binPath));
  const buffers: Record<string, BundleArray> = {};
  for (const [name, view] of Object.entries(header.buffers)) buffers[name] = makeArray(view.dtype, bytes, view.byteOffset, elementCount(view));
  validate(header, buffers, jsonPath);
  return { header, buffers };
}

/** Limits of what a bundle may ask for, checked before allocating (a corrupt header must not exhaust memory). */
export const BUNDLE_LIMITS = {
  /** Gaussians: 2^24 (PERSONA's SMPL-X avatar has about 167k). */
  gaussians: 1 << 24,
  /** Skeleton joints (SMPL-X has 55, our default body about 60 after the face/eye joints). */
  joints: 1024,
  /** Skin influences per Gaussian. */
  skinInfluences: 16,
  /** Width of any layer of the pose-offset MLP (PERSONA: 128). */
  layerWidth: 4096,
  /** Hidden layers of the MLP (PERSONA: 3). */
  hiddenLayers: 16,
  /** Anchors per Gaussian of the offset spreading map. */
  anchorsPerGaussian: 16,
};
/** Largest avatar.bin read: Node's readFile limit (2 GiB). */
const MAX_BIN_BYTES = 2 ** 31 - 1;
const DAMAGED_HINT = 'The avatar is damaged or was written by another tool; bundle it again (`persona train`).';

function elementCount(view: BufferView): number {
  return view.shape.reduce((a, b) => a * b, 1);
}

const isCount = (v: unknown, max: number, min = 0): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * Checks the header alone: counts within limits, the skeleton's parent order (every parent before its
 * child: no cycle, no self-parent), the pose-offset network's sizes, and each buffer view's dtype, shape
 * and byte offset (non-negative, 4-byte aligned as the writer aligns, size within limits).
 */
export function checkHeader(header: AvatarHeader, where: string): void {
  const fail = (msg: string): never => {
    throw new PersonaError(`${where}: ${msg}`, { hint: DAMAGED_HINT });
  };
  if (!isCount(header.gaussianCount, BUNDLE_LIMITS.gaussians, 1))
    fail(`gaussianCount must be an integer in 1…${BUNDLE_LIMITS.gaussians} (got ${JSON.stringify(header.gaussianCount)}).`);
  if (!isCount(header.skinInfluences, BUNDLE_LIMITS.skinInfluences, 1))
    fail(`skinInfluences must be an integer in 1…${BUNDLE_LIMITS.skinInfluences} (got ${JSON.stringify(header.skinInfluences)}).`);
  const sk = header.skeleton as Partial<AvatarHeader['skeleton']> | undefined;
  if (typeof sk !== 'object' || sk === null || !Array.isArray(sk.names) || !Array.isArray(sk.parents) || !Array.isArray(sk.restJoints))
    fail('skeleton must have "names", "parents" and "restJoints" arrays.');
  const J = sk!.names!.length;
  if (!isCount(J, BUNDLE_LIMITS.joints, 1)) fail(`the skeleton must have 1…${BUNDLE_LIMITS.joints} joints (got ${J}).`);
  if (sk!.parents!.length !== J || sk!.restJoints!.length !== J * 3) fail(`skeleton is incomplete: ${J} names, ${sk!.parents!.length} parents, ${sk!.restJoints!.length / 3} rest joints.`);
  sk!.names!.forEach((n, j) => { if (typeof n !== 'string' || n === '') fail(`skeleton.names[${j}] must be a non-empty string.`); });
  sk!.parents!.forEach((p, j) => {
    if (p === -1) return;
    if (!Number.isInteger(p)) fail(`skeleton.parents[${j}] must be an integer (got ${JSON.stringify(p)}).`);
    if (p === j) fail(`skeleton joint ${j} ("${sk!.names![j]}") is its own parent.`);
    if (p < 0 || p >= J) fail(`skeleton.parents[${j}] = ${p} is not a joint (the skeleton has ${J}).`);
    if (p > j) fail(`skeleton joint ${j} ("${sk!.names![j]}") comes before its parent ${p}: parents must come before children (a cycle or a damaged order).`);
  });
  sk!.restJoints!.forEach((v, i) => { if (typeof v !== 'number' || !Number.isFinite(v)) fail(`skeleton.restJoints[${i}] must be a finite number (got ${JSON.stringify(v)}).`); });
  const po = header.poseOffsets;
  if (po !== null && po !== undefined) {
    if (typeof po !== 'object') fail('poseOffsets must be an object or null.');
    if (!isCount(po.anchorCount, BUNDLE_LIMITS.gaussians, 1)) fail(`poseOffsets.anchorCount must be an integer in 1…${BUNDLE_LIMITS.gaussians} (got ${JSON.stringify(po.anchorCount)}).`);
    if (!isCount(po.featureDim, BUNDLE_LIMITS.layerWidth, 1)) fail(`poseOffsets.featureDim must be an integer in 1…${BUNDLE_LIMITS.layerWidth} (got ${JSON.stringify(po.featureDim)}).`);
    if (!isCount(po.anchorsPerGaussian, BUNDLE_LIMITS.anchorsPerGaussian, 1)) fail(`poseOffsets.anchorsPerGaussian must be an integer in 1…${BUNDLE_LIMITS.anchorsPerGaussian} (got ${JSON.stringify(po.anchorsPerGaussian)}).`);
    if (!isCount(po.groupNormGroups, BUNDLE_LIMITS.layerWidth)) fail(`poseOffsets.groupNormGroups must be a non-negative integer (got ${JSON.stringify(po.groupNormGroups)}).`);
    if (typeof po.outputScale !== 'number' || !Number.isFinite(po.outputScale)) fail(`poseOffsets.outputScale must be a finite number (got ${JSON.stringify(po.outputScale)}).`);
    if (!Array.isArray(po.hidden) || po.hidden.length > BUNDLE_LIMITS.hiddenLayers) fail(`poseOffsets.hidden must be an array of at most ${BUNDLE_LIMITS.hiddenLayers} layer widths.`);
    po.hidden.forEach((h, i) => {
      if (!isCount(h, BUNDLE_LIMITS.layerWidth, 1)) fail(`poseOffsets.hidden[${i}] must be a layer width in 1…${BUNDLE_LIMITS.layerWidth} (got ${JSON.stringify(h)}).`);
      if (po.groupNormGroups > 0 && h % po.groupNormGroups !== 0) fail(`poseOffsets.hidden[${i}] = ${h} is not a multiple of groupNormGroups (${po.groupNormGroups}).`);
    });
    if (!Array.isArray(po.inputJoints)) fail('poseOffsets.inputJoints must be an array of joint names.');
    po.inputJoints.forEach((n, i) => { if (!sk!.names!.includes(n)) fail(`poseOffsets.inputJoints[${i}] = ${JSON.stringify(n)} is not a joint of the skeleton.`); });
  }
  if (typeof header.buffers !== 'object' || header.buffers === null || Array.isArray(header.buffers)) fail('"buffers" must be an object.');
  for (const [name, view] of Object.entries(header.buffers)) {
    if (typeof view !== 'object' || view === null) fail(`buffer "${name}" must be an object.`);
    if (!(view.dtype in BYTES)) fail(`buffer "${name}" has an unknown dtype ${JSON.stringify(view.dtype)} (f32, u8, u16 or u32).`);
    if (!Array.isArray(view.shape) || view.shape.length === 0 || view.shape.length > 4 || !view.shape.every((d) => isCount(d, MAX_BIN_BYTES)))
      fail(`buffer "${name}" has a bad shape ${JSON.stringify(view.shape)} (1 to 4 non-negative integers).`);
    const bytes = elementCount(view) * BYTES[view.dtype];
    if (!(bytes <= MAX_BIN_BYTES)) fail(`buffer "${name}" would take ${bytes} bytes, over the ${MAX_BIN_BYTES}-byte limit.`);
    if (typeof view.byteOffset !== 'number' || !Number.isInteger(view.byteOffset) || view.byteOffset < 0)
      fail(`buffer "${name}" has a bad byteOffset ${JSON.stringify(view.byteOffset)} (a non-negative integer).`);
    if (view.byteOffset % 4 !== 0) fail(`buffer "${name}" has byteOffset ${view.byteOffset}, not a multiple of 4 (buffers are 4-byte aligned).`);
    if (view.byteOffset + bytes > MAX_BIN_BYTES) fail(`buffer "${name}" ends past ${MAX_BIN_BYTES} bytes.`);
  }
}

/** Checks that required buffers exist with the right shapes, that every index is in range and that values are finite. */
function validate(header: AvatarHeader, buffers: Record<string, BundleArray>, where: string): void {
  checkHeader(header, where);
  const n = header.gaussianCount;
  const k = header.skinInfluences;
  const fail = (msg: string): never => {
    throw new PersonaError(`${where}: ${msg}`, { hint: DAMAGED_HINT });
  };
  const expect: Record<string, number> = { means: n * 3, scales: n, colors: n * 3, opacities: n, parts: n, skinJoints: n * k, skinWeights: n * k };
  for (const [name, dtype] of REQUIRED) {
    const a = buffers[name];
    if (!a) fail(`buffer "${name}" is missing.`);
    if (dtypeOf(a!) !== dtype) fail(`buffer "${name}" must be ${dtype}.`);
    if (a!.length !== expect[name]) fail(`buffer "${name}" has ${a!.length} values, expected ${expect[name]}.`);
  }
  const J = header.skeleton.names.length;
  const joints = buffers.skinJoints as Uint16Array;
  for (let i = 0; i < joints.length; i++) if (joints[i]! >= J) fail(`skinJoints[${i}] = ${joints[i]} is not a joint (skeleton has ${J}).`);
  for (const name of ['means', 'scales', 'colors', 'opacities', 'skinWeights']) finite(buffers[name] as Float32Array, name, fail);
  const ex = header.expression;
  if (ex !== null && ex !== undefined) {
    if (typeof ex !== 'object' || !Array.isArray(ex.names) || !ex.names.every((x) => typeof x === 'string' && x !== ''))
      fail('expression must be null or { names: [non-empty strings] }.');
    const gs = buffers.expressionGaussians, B = buffers.expressionBasis;
    if (!(gs instanceof Uint32Array)) fail('expression needs buffer "expressionGaussians" (u32).');
    if (!(B instanceof Float32Array)) fail('expression needs buffer "expressionBasis" (f32).');
    if (B!.length !== ex.names.length * gs!.length * 3) fail(`buffer "expressionBasis" has ${B!.length} values, expected ${ex.names.length}×${gs!.length}×3.`);
    for (let i = 0; i < gs!.length; i++) if (gs![i]! >= n) fail(`expressionGaussians[${i}] = ${gs![i]} is not a Gaussian (there are ${n}).`);
    finite(B as Float32Array, 'expressionBasis', fail);
  }
  const po = header.poseOffsets;
  if (po) {
    const A = po.anchorCount, M = po.anchorsPerGaussian, P = po.inputJoints.length;
    const sized: Array<[string, BufferDtype, number]> = [
      ['anchorFeatures', 'f32', A * po.featureDim], ['anchorJointMask', 'u8', A * P], ['anchorEnabled', 'u8', A],
      ['gaussianAnchors', 'u32', n * M], ['gaussianAnchorWeights', 'f32', n * M],
    ];
    const widths = [po.featureDim + P * 6, ...po.hidden, 3];
    for (let l = 0; l + 1 < widths.length; l++) {
      sized.push([`mlp.${l}.weight`, 'f32', widths[l + 1]! * widths[l]!], [`mlp.${l}.bias`, 'f32', widths[l + 1]!]);
      if (l < po.hidden.length && po.groupNormGroups > 0) sized.push([`mlp.${l}.gamma`, 'f32', widths[l + 1]!], [`mlp.${l}.beta`, 'f32', widths[l + 1]!]);
    }
    for (const [name, dtype, count] of sized) {
      const a = buffers[name];
      if (!a) fail(`pose offsets need buffer "${name}".`);
      if (dtypeOf(a!) !== dtype) fail(`buffer "${name}" must be ${dtype}.`);
      if (a!.length !== count) fail(`buffer "${name}" has ${a!.length} values, expected ${count}.`);
      if (dtype === 'f32') finite(a as Float32Array, name, fail);
    }
    const anchors = buffers.gaussianAnchors as Uint32Array;
    for (let i = 0; i < anchors.length; i++) if (anchors[i]! >= A) fail(`gaussianAnchors[${i}] = ${anchors[i]} is not an anchor (there are ${A}).`);
  }
}

function finite(a: Float32Array, name: string, fail: (msg: string) => never): void {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) fail(`buffer "${name}" has a non-finite value at ${i}.`);
}

/** Typed accessor: a required f32 buffer. */
export function f32(bundle: AvatarBundle, name: string): Float32Array {
  const a = bundle.buffers[name];
  if (!(a instanceof Float32Array)) throw new PersonaError(`avatar buffer "${name}" is missing or not f32.`);
  return a;
}

