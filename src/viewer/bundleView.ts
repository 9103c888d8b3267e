/**
 * Browser-safe reading of an avatar bundle (docs/formats.md, format version 1): the parsed `avatar.json`
 * header plus the bytes of `avatar.bin` → typed-array views. No Node imports, so the viewer page uses it
 * (src/avatar/bundle.ts reads files with node:fs and cannot be bundled for the browser).
 */
import type { AvatarHeader, BundleArray, BufferDtype } from '../avatar/bundle.js';
import type { PosableAvatar } from '../avatar/pose.js';
import { PersonaError } from '../core/errors.js';

/** The bundle format version this viewer reads (must equal AVATAR_FORMAT_VERSION in src/avatar/bundle.ts). */
export const VIEWER_AVATAR_FORMAT_VERSION = 1;

const BYTES: Record<BufferDtype, number> = { f32: 4, u8: 1, u16: 2, u32: 4 };

/**
 * Views `bin` through the header's buffer table and checks what the viewer relies on (required buffers,
 * shapes, joint indices in range). Views alias `bin` (no copy) when aligned, which the format guarantees.
 */
export function viewAvatarBundle(header: AvatarHeader, bin: ArrayBuffer): PosableAvatar {
  const fail = (msg: string): never => {
    throw new PersonaError(`avatar: ${msg}`, { hint: 'The avatar is damaged or was written by another tool; bundle it again.' });
  };
  if (header?.format !== 'persona-avatar') fail(`not a Persona avatar (format is ${JSON.stringify(header?.format)}).`);
  if (header.formatVersion !== VIEWER_AVATAR_FORMAT_VERSION)
    fail(`format version ${header.formatVersion}; this viewer reads version ${VIEWER_AVATAR_FORMAT_VERSION}.`);
  const buffers: Record<string, BundleArray> = {};
  for (const [name, v] of Object.entries(header.buffers ?? {})) {
    const count = v.shape.reduce((a, b) => a * b, 1);
    if (!(v.dtype in BYTES) || !Number.isInteger(count) || count < 0) fail(`buffer "${name}" has a bad dtype or shape.`);
    if (v.byteOffset % 4 !== 0) fail(`buffer "${name}" is not 4-byte aligned.`);
    if (v.byteOffset + count * BYTES[v.dtype] > bin.byteLength) fail(`avatar.bin is truncated (buffer "${name}" ends past ${bin.byteLength} bytes).`);
    switch (v.dtype) {
      case 'f32': buffers[name] = new Float32Array(bin, v.byteOffset, count); break;
      case 'u8': buffers[name] = new Uint8Array(bin, v.byteOffset, count); break;
      case 'u16': buffers[name] = new Uint16Array(bin, v.byteOffset, count); break;
      case 'u32': buffers[name] = new Uint32Array(bin, v.byteOffset, count); break;
    }
  }
  const n = header.gaussianCount, k = header.skinInfluences;
  const need: Record<string, [BufferDtype, number]> = {
    means: ['f32', n * 3], scales: ['f32', n], colors: ['f32', n * 3], opacities: ['f32', n],
    skinJoints: ['u16', n * k], skinWeights: ['f32', n * k],
  };
  for (const [name, [dtype, len]] of Object.entries(need)) {
    const a = buffers[name];
    if (!a) fail(`buffer "${name}" is missing.`);
    if (header.buffers[name]!.dtype !== dtype || a!.length !== len) fail(`buffer "${name}" must be ${dtype} with ${len} values.`);
  }
  const J = header.skeleton?.names?.length ?? 0;
  if (J === 0 || header.skeleton.parents.length !== J || header.skeleton.restJoints.length !== J * 3) fail('skeleton is incomplete.');
  const sj = buffers.skinJoints as Uint16Array;
  for (let i = 0; i < sj.length; i++) if (sj[i]! >= J) fail(`skinJoints[${i}] = ${sj[i]} is not a joint (skeleton has ${J}).`);
  const po = header.poseOffsets;
  if (po) {
    for (const name of ['anchorFeatures', 'anchorJointMask', 'anchorEnabled', 'gaussianAnchors', 'gaussianAnchorWeights'])
      if (!buffers[name]) fail(`pose offsets need buffer "${name}".`);
    if (buffers.gaussianAnchors!.length !== n * po.anchorsPerGaussian) fail('gaussianAnchors has the wrong size.');
    const ga = buffers.gaussianAnchors as Uint32Array;
    for (let i = 0; i < ga.length; i++) if (ga[i]! >= po.anchorCount) fail(`gaussianAnchors[${i}] = ${ga[i]} is not an anchor.`);
    for (let l = 0; l <= po.hidden.length; l++) if (!buffers[`mlp.${l}.weight`] || !buffers[`mlp.${l}.bias`]) fail(`MLP layer ${l} is missing.`);
  }
  return { header, buffers };
}
