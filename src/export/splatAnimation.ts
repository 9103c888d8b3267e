/**
 * Animated splats for splat engines: the avatar's Gaussians with their skin and a motion's bone transforms,
 * as a folder Spark plays (Spark 2's `SplatSkinning`; SuperSplat and the other three.js splat renderers
 * have no skinning, and the glTF Gaussian-splatting extension drafts define no skin). Files:
 * - `avatar.spz`: the rest-pose Gaussians, SPZ v2 (gzip), Y-up (the bones' frame), in skin order;
 * - `skin.bin`: N×4 u16 bone indices, then N×4 f32 weights (the 4 largest influences, renormalised);
 * - `frames.bin`: F×B×7 f32 per frame and bone: the skinning transform A_j = G_j·[I | −J_j] (rest → posed,
 *   root translation included) as a rotation quaternion (x, y, z, w) and a translation;
 * - `animation.json`: format, fps, counts, bones (name, parent, rest position), file names;
 * - `player.js` + `index.html`: a small player (splatPlayer.ts).
 * The player gives every bone the identity at the origin as its rest and A_j as its current transform, so
 * Spark's per-bone transform is exactly our skinning matrix (measured: with rest = (I, J_j) and current =
 * (W_j, joint position), Spark's dual-quaternion path took the translation as p − J_j, not p − W_j·J_j,
 * and flung rotated limbs away). PERSONA's pose-
 * dependent offsets are not included (Spark cannot evaluate the offset network; they are small corrections
 * of a few millimetres to centimetres): the motion is pure skinning.
 */
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { AvatarBundle } from '../avatar/bundle.js';
import { skinningMatrices } from '../avatar/pose.js';
import { writeDirAtomic } from '../core/atomic.js';
import { PersonaError } from '../core/errors.js';
import { matrixToQuat } from '../core/rotation.js';
import { avatarCloud, type AvatarPose } from './cloud.js';
import { EXPORT_CONFIG } from './config.js';
import { topInfluences } from './glb.js';
import { encodeSplatFormat } from './splatFormats.js';
import { PLAYER_HTML, PLAYER_JS } from './splatPlayer.js';

/** Spark packs a bone index into the high byte of a u16 (SplatSkinning.setSplatBones). */
const SPARK_MAX_BONES = 256;

export interface SplatAnimationInput { name: string; fps: number; poses: AvatarPose[] }

/** The folder's files (name → bytes). */
export async function encodeSplatAnimation(avatar: AvatarBundle, motion: SplatAnimationInput): Promise<Map<string, Uint8Array>> {
  const h = avatar.header;
  const sk = h.skeleton;
  const B = sk.names.length, N = h.gaussianCount, F = motion.poses.length;
  if (F === 0) throw new PersonaError('The motion has no frames.');
  if (B > SPARK_MAX_BONES) throw new PersonaError(`The skeleton has ${B} joints; Spark's splat skinning takes at most ${SPARK_MAX_BONES}.`);
  const splats = await encodeSplatFormat(avatarCloud(avatar), 'spz', { spzVersion: 2 });
  const top = topInfluences(avatar.buffers.skinJoints as Uint16Array, avatar.buffers.skinWeights as Float32Array, h.skinInfluences, EXPORT_CONFIG.GLTF_INFLUENCES);
  const skin = new Uint8Array(N * 8 + N * 16);
  skin.set(new Uint8Array(top.joints.buffer, top.joints.byteOffset, N * 8), 0);
  skin.set(new Uint8Array(top.weights.buffer, top.weights.byteOffset, N * 16), N * 8);
  const frames = new Float32Array(F * B * 7);
  const world = new Float64Array(B * 12), skinM = new Float64Array(B * 12), R = new Float64Array(9);
  motion.poses.forEach((pose, f) => {
    skinningMatrices(sk.parents, sk.restJoints, pose.rotations, pose.translation, world, skinM);
    for (let j = 0; j < B; j++) {
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) R[r * 3 + c] = skinM[j * 12 + r * 4 + c]!;
      const q = matrixToQuat(R); // [w, x, y, z]
      const o = (f * B + j) * 7;
      frames.set([q[1], q[2], q[3], q[0]], o);
      for (let a = 0; a < 3; a++) frames[o + 4 + a] = skinM[j * 12 + a * 4 + 3]!;
    }
  });
  const json = {
    format: 'persona-splat-animation', version: 1, name: motion.name, fps: motion.fps, frameCount: F, gaussians: N,
    up: 'y', splats: 'avatar.spz', skin: 'skin.bin', frames: 'frames.bin',
    bones: sk.names.map((name, j) => ({ name, parent: sk.parents[j]!, rest: [sk.restJoints[j * 3]!, sk.restJoints[j * 3 + 1]!, sk.restJoints[j * 3 + 2]!] })),
  };
  const enc = new TextEncoder();
  return new Map([
    ['avatar.spz', splats], ['skin.bin', skin], ['frames.bin', new Uint8Array(frames.buffer)],
    ['animation.json', enc.encode(JSON.stringify(json, null, 1))], ['player.js', enc.encode(PLAYER_JS)], ['index.html', enc.encode(PLAYER_HTML)],
  ]);
}

/** Writes the folder atomically; returns the total byte size. */
export async function exportSplatAnimation(avatar: AvatarBundle, dir: string, motion: SplatAnimationInput): Promise<number> {
  const files = await encodeSplatAnimation(avatar, motion);
  await writeDirAtomic(dir, async (tmp) => {
    for (const [name, bytes] of files) await writeFile(join(tmp, name), bytes);
  });
  return [...files.values()].reduce((s, b) => s + b.length, 0);
}
