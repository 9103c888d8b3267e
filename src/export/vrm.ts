/**
 * VRM 1.0 (`.vrm`): a binary glTF with the `VRMC_vrm` extension, the humanoid avatar format of VTubing
 * apps and three-vrm. Built from the rigged GLB with VRM humanoid joint names, a T-pose rest (VRM 1.0
 * requires one, facing +Z, Y up, metres: the avatar's own frame), the baked colour texture and the origin
 * on the floor; then `VRMC_vrm` is added to the JSON chunk: `specVersion` 1.0, `meta` (name, authors,
 * licence; permissions default to the most restrictive values, as the avatar shows a real person's
 * likeness) and `humanoid.humanBones` (bone name → node index for every joint with a VRM role).
 * Follows the VRMC_vrm 1.0 specification (vrm-c/vrm-specification, specification/VRMC_vrm-1.0).
 */
import type { AvatarBundle } from '../avatar/bundle.js';
import { PersonaError } from '../core/errors.js';
import { avatarGlb } from './glb.js';
import { exportJointNames } from './skeletonNames.js';
import { VRM_EXPRESSION_PRESETS } from './config.js';
import { hasExpression } from '../avatar/expression.js';

/** Bones VRM 1.0 requires (humanoid.md, "Required bones"). */
export const VRM_REQUIRED_BONES = [
  'hips', 'spine', 'head', 'leftUpperArm', 'leftLowerArm', 'leftHand', 'rightUpperArm', 'rightLowerArm', 'rightHand',
  'leftUpperLeg', 'leftLowerLeg', 'leftFoot', 'rightUpperLeg', 'rightLowerLeg', 'rightFoot',
] as const;

/** The VRM Public License 1.0, which `meta.licenseUrl` names (required by the schema). */
export const VRM_LICENSE_URL = 'https://vrm.dev/licenses/1.0/';

export interface VrmOptions {
  /** meta.name (default "Persona avatar"). */
  name?: string;
  /** meta.authors[0] (required by VRM; default "unknown"). */
  author?: string;
  /** A URL to the licence the author grants on top of the VRM licence (meta.otherLicenseUrl). */
  licence?: string;
}

const GLB_MAGIC = 0x46546c67, JSON_CHUNK = 0x4e4f534a, BIN_CHUNK = 0x004e4942;

/** Splits a GLB into its JSON and BIN chunks. */
export function readGlbChunks(glb: Uint8Array): { json: Record<string, unknown>; bin: Uint8Array | null } {
  const dv = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
  if (glb.length < 20 || dv.getUint32(0, true) !== GLB_MAGIC || dv.getUint32(12 + 4, true) !== JSON_CHUNK) throw new PersonaError('Not a GLB file.');
  const jsonLen = dv.getUint32(12, true);
  const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + jsonLen))) as Record<string, unknown>;
  let bin: Uint8Array | null = null;
  const at = 20 + jsonLen;
  if (at + 8 <= glb.length && dv.getUint32(at + 4, true) === BIN_CHUNK) bin = glb.subarray(at + 8, at + 8 + dv.getUint32(at, true));
  return { json, bin };
}

/** Packs JSON and BIN chunks into a GLB (chunks padded to 4 bytes: JSON with spaces, BIN with zeros). */
export function writeGlbChunks(json: unknown, bin: Uint8Array | null): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(json));
  const jsonLen = Math.ceil(text.length / 4) * 4;
  const binLen = bin ? Math.ceil(bin.length / 4) * 4 : 0;
  const total = 12 + 8 + jsonLen + (bin ? 8 + binLen : 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, GLB_MAGIC, true); dv.setUint32(4, 2, true); dv.setUint32(8, total, true);
  dv.setUint32(12, jsonLen, true); dv.setUint32(16, JSON_CHUNK, true);
  out.fill(0x20, 20, 20 + jsonLen);
  out.set(text, 20);
  if (bin) {
    const at = 20 + jsonLen;
    dv.setUint32(at, binLen, true); dv.setUint32(at + 4, BIN_CHUNK, true);
    out.set(bin, at + 8);
  }
  return out;
}

/** The avatar as VRM 1.0 bytes (see the module comment). */
export async function avatarVrm(avatar: AvatarBundle, options: VrmOptions = {}): Promise<Uint8Array> {
  if (!avatar.buffers.triangles) throw new PersonaError('VRM export needs the avatar\'s surface triangles, and this avatar has none.', { hint: 'Re-create the avatar with a current Persona, or export PLY/SPZ.' });
  if (options.licence !== undefined && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(options.licence))
    throw new PersonaError(`--licence "${options.licence}" is not a URL.`, { hint: 'Give the URL of the licence text, e.g. https://creativecommons.org/licenses/by-nc/4.0/.', exitCode: 2 });
  const { names } = exportJointNames(avatar.header.skeleton.names, 'vrm');
  // Avatars with an expression basis: one morph target per mapped named expression (neutral needs none).
  const morphNames = hasExpression(avatar) ? [...new Set(Object.values(VRM_EXPRESSION_PRESETS))].filter((n) => n !== 'neutral') : [];
  const glb = await avatarGlb(avatar, { rigged: true, skeleton: 'vrm', rest: 'tpose', texture: true, expressions: morphNames });
  const { json, bin } = readGlbChunks(glb);
  const nodes = (json.nodes ?? []) as Array<{ name?: string }>;
  const humanBones: Record<string, { node: number }> = {};
  const vrmBones = new Set(VRM_BONE_NAMES);
  nodes.forEach((n, i) => { if (n.name && vrmBones.has(n.name) && names.includes(n.name)) humanBones[n.name] = { node: i }; });
  const missing = VRM_REQUIRED_BONES.filter((b) => !humanBones[b]);
  if (missing.length) throw new PersonaError(`VRM export: the skeleton has no joint for the required VRM bones ${missing.join(', ')}.`, { hint: 'VRM needs a humanoid skeleton (hips, spine, head, arms, legs).' });
  const meta: Record<string, unknown> = {
    name: options.name ?? 'Persona avatar',
    version: '1',
    authors: [options.author ?? 'unknown'],
    licenseUrl: VRM_LICENSE_URL,
    avatarPermission: 'onlyAuthor',
    allowExcessivelyViolentUsage: false,
    allowExcessivelySexualUsage: false,
    commercialUsage: 'personalNonProfit',
    allowPoliticalOrReligiousUsage: false,
    allowAntisocialOrHateUsage: false,
    creditNotation: 'required',
    allowRedistribution: false,
    modification: 'prohibited',
  };
  if (options.licence) meta.otherLicenseUrl = options.licence;
  json.extensionsUsed = [...new Set([...((json.extensionsUsed ?? []) as string[]), 'VRMC_vrm'])];
  const vrm: Record<string, unknown> = { specVersion: '1.0', meta, humanoid: { humanBones } };
  if (morphNames.length) {
    const meshNode = nodes.findIndex((n) => (n as { mesh?: number }).mesh !== undefined);
    const preset: Record<string, unknown> = {};
    for (const [vrmName, ours] of Object.entries(VRM_EXPRESSION_PRESETS)) {
      const index = morphNames.indexOf(ours);
      preset[vrmName] = {
        morphTargetBinds: index >= 0 ? [{ node: meshNode, index, weight: 1 }] : [],
        isBinary: false, overrideBlink: 'none', overrideLookAt: 'none', overrideMouth: 'none',
      };
    }
    vrm.expressions = { preset };
  }
  json.extensions = { ...((json.extensions ?? {}) as object), VRMC_vrm: vrm };
  return writeGlbChunks(json, bin);
}

/** Every VRM 1.0 humanoid bone name (humanoid.md). */
export const VRM_BONE_NAMES: readonly string[] = [
  'hips', 'spine', 'chest', 'upperChest', 'neck', 'head', 'leftEye', 'rightEye', 'jaw',
  ...['left', 'right'].flatMap((s) => [
    'UpperLeg', 'LowerLeg', 'Foot', 'Toes', 'Shoulder', 'UpperArm', 'LowerArm', 'Hand',
    'ThumbMetacarpal', 'ThumbProximal', 'ThumbDistal', 'IndexProximal', 'IndexIntermediate', 'IndexDistal',
    'MiddleProximal', 'MiddleIntermediate', 'MiddleDistal', 'RingProximal', 'RingIntermediate', 'RingDistal',
    'LittleProximal', 'LittleIntermediate', 'LittleDistal',
  ].map((b) => s + b)),
];
