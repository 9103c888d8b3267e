/** One entry point for every export format: avatar (+ pose) → bytes → file (atomic). */
import { extname } from 'node:path';
import type { AvatarBundle } from '../avatar/bundle.js';
import { writeFileAtomic } from '../core/atomic.js';
import { PersonaError } from '../core/errors.js';
import { avatarCloud, type AvatarPose } from './cloud.js';
import { encodeGaussianPly } from './ply.js';
import { encodeSplatFormat, type SplatEncodeOptions } from './splatFormats.js';
import { avatarGlb, type RestPoseKind } from './glb.js';
import { avatarVrm, type VrmOptions } from './vrm.js';
import type { SkeletonNaming } from './skeletonNames.js';
import { cloudInFrame, DEFAULT_SPLAT_UP, type SplatUp } from './frame.js';

/** Formats `persona export` writes. */
export const EXPORT_FORMATS = ['ply', 'spz', 'sog', 'splat', 'glb', 'vrm'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Options of {@link exportAvatar}. */
export interface ExportOptions extends SplatEncodeOptions {
  format: ExportFormat;
  /** Splat formats: the frame written (default `-y`, the 3DGS capture frame; see frame.ts). */
  up?: SplatUp;
  /** Pose to bake in (rest when omitted). */
  pose?: AvatarPose;
  /** GLB only: a skinned mesh with the joint hierarchy (the pose goes on the joints). */
  rigged?: boolean;
  /** VRM: meta (name, author, licence URL). */
  vrm?: VrmOptions;
  /** GLB rigged only: rest pose (default `apose`, the body's own). */
  rest?: RestPoseKind;
  /** GLB: bake a base-colour texture with UVs (default true). */
  texture?: boolean;
  /** GLB rigged only: joint naming convention (default `unreal`). */
  skeleton?: SkeletonNaming;
  /** GLB rigged only: a motion as a glTF animation. */
  animation?: { name: string; fps: number; poses: AvatarPose[] };
}

/** The format a file name implies, or undefined. */
export function formatFromPath(path: string): ExportFormat | undefined {
  const ext = extname(path).slice(1).toLowerCase();
  return (EXPORT_FORMATS as readonly string[]).includes(ext) ? (ext as ExportFormat) : undefined;
}

/** Encodes an avatar in one export format. */
export async function encodeAvatar(avatar: AvatarBundle, options: ExportOptions): Promise<Uint8Array> {
  switch (options.format) {
    case 'ply':
      return encodeGaussianPly(cloudInFrame(avatarCloud(avatar, options.pose), options.up ?? DEFAULT_SPLAT_UP));
    case 'spz':
    case 'sog':
    case 'splat':
      return encodeSplatFormat(cloudInFrame(avatarCloud(avatar, options.pose), options.up ?? DEFAULT_SPLAT_UP), options.format, options);
    case 'glb':
      return avatarGlb(avatar, { pose: options.pose, rigged: options.rigged, animation: options.animation, skeleton: options.skeleton, texture: options.texture, rest: options.rest });
    case 'vrm':
      return avatarVrm(avatar, options.vrm);
    default:
      throw new PersonaError(`Unknown export format "${String(options.format)}".`, { hint: `Use one of: ${EXPORT_FORMATS.join(', ')}.`, exitCode: 2 });
  }
}

/** Encodes and writes atomically (no half-written file on error or Ctrl-C). Returns the byte size. */
export async function exportAvatar(avatar: AvatarBundle, out: string, options: ExportOptions): Promise<number> {
  const bytes = await encodeAvatar(avatar, options);
  await writeFileAtomic(out, bytes);
  return bytes.length;
}
