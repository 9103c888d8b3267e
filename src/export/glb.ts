/**
 * Binary glTF (GLB) of the avatar's body mesh through `@gltf-transform/core`: the surface whose vertices
 * are the Gaussian means (PERSONA puts one Gaussian on each vertex of the subdivided template), coloured
 * per vertex with the Gaussian colours. Two modes:
 * - baked: positions posed (pose offsets included), no skin;
 * - rigged: rest positions with a skin (joint node hierarchy, top-4 influences, inverse bind matrices),
 *   the pose on the joint nodes, and optionally a motion as a glTF animation.
 * Without a `triangles` buffer in the bundle the Gaussians are written as a point primitive.
 */
import { Document, NodeIO, Primitive, TextureInfo, type Node } from '@gltf-transform/core';
import sharp from 'sharp';
import { bakeAtlas, expand } from './atlas.js';
import { rebasePose, tPoseRest } from './tpose.js';
import type { AvatarBundle } from '../avatar/bundle.js';
import { vertexNormals } from '../avatar/normals.js';
import { createPoseScratch, poseAvatarMeans } from '../avatar/pose.js';
import { hasExpression, resolveExpression } from '../avatar/expression.js';
import { axisAngleToQuat } from '../core/rotation.js';
import { PersonaError } from '../core/errors.js';
import { avatarCloud, type AvatarPose } from './cloud.js';
import { EXPORT_CONFIG } from './config.js';
import { assignRoles } from '../motion/index.js';
import { exportJointNames, type SkeletonNaming } from './skeletonNames.js';

/** A skeleton with skinning for a rigged export. */
export interface GlbSkin {
  names: string[];
  parents: ArrayLike<number>;
  /** J×3 rest joint positions. */
  restJoints: ArrayLike<number>;
  /** K influences per vertex. */
  influences: number;
  /** V×K joint indices. */
  joints: Uint16Array;
  /** V×K weights. */
  weights: Float32Array;
  /** Pose put on the joint nodes (rest when omitted). */
  pose?: AvatarPose;
  /** Frames of a motion, written as one glTF animation. */
  animation?: { name: string; fps: number; poses: AvatarPose[] };
}

/** What a GLB export holds. */
export interface GlbInput {
  /** V×3 vertex positions (rest positions when `skin` is given). */
  positions: Float32Array;
  /** F×3 triangles, or null for a point cloud. */
  triangles: Uint32Array | null;
  /** V×3 display RGB in [0,1] (sRGB); converted to linear for COLOR_0 as glTF requires. */
  colors: Float32Array;
  skin?: GlbSkin;
  name?: string;
  /**
   * Triangle meshes: bake the colours into a base-colour texture with UVs (atlas.ts). The vertex colours
   * are then kept as `_COLOR_0` (an application attribute): as COLOR_0 they would multiply the texture and
   * square every colour (glTF 2.0 §3.9.2: base colour = factor × texture × COLOR_0).
   */
  texture?: boolean;
  /** Morph targets (glTF 2.0 §3.7.2.2): V×3 POSITION deltas each, named in mesh.extras.targetNames, weights 0. */
  morphTargets?: { name: string; deltas: Float32Array }[];
}

/** sRGB → linear (IEC 61966-2-1). */
function srgbToLinear(c: number): number {
  const v = Math.min(Math.max(c, 0), 1);
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** Keeps the `target` largest of K influences per vertex and renormalises them. */
export function topInfluences(joints: Uint16Array, weights: Float32Array, K: number, target: number): { joints: Uint16Array; weights: Float32Array } {
  const V = joints.length / K;
  const oj = new Uint16Array(V * target), ow = new Float32Array(V * target);
  const order: number[] = [];
  for (let v = 0; v < V; v++) {
    order.length = 0;
    for (let k = 0; k < K; k++) order.push(k);
    order.sort((a, b) => weights[v * K + b]! - weights[v * K + a]!);
    let sum = 0;
    for (let t = 0; t < Math.min(target, K); t++) sum += weights[v * K + order[t]!]!;
    for (let t = 0; t < Math.min(target, K); t++) {
      const k = order[t]!;
      const w = sum > 0 ? weights[v * K + k]! / sum : t === 0 ? 1 : 0;
      // an unused slot points at joint 0 (glTF validator: a joint with zero weight is ACCESSOR_JOINTS_USED_ZERO_WEIGHT)
      oj[v * target + t] = w > 0 ? joints[v * K + k]! : 0;
      ow[v * target + t] = w;
    }
  }
  return { joints: oj, weights: ow };
}

function quatXyzw(rotations: ArrayLike<number>, j: number): [number, number, number, number] {
  const q = axisAngleToQuat(rotations[j * 3]!, rotations[j * 3 + 1]!, rotations[j * 3 + 2]!);
  return [q[1], q[2], q[3], q[0]];
}

/** Builds a GLB from a mesh (or point cloud), optionally skinned and animated. */
export async function encodeGlb(input: GlbInput): Promise<Uint8Array> {
  const V = input.positions.length / 3;
  if (!Number.isInteger(V) || V === 0) throw new PersonaError('GLB export: no vertices.');
  if (input.colors.length !== V * 3) throw new PersonaError('GLB export: colours do not match the vertices.');
  const doc = new Document();
  doc.getRoot().getAsset().generator = 'persona-avatar';
  const buffer = doc.createBuffer();
  const scene = doc.createScene(input.name ?? 'avatar');
  doc.getRoot().setDefaultScene(scene);
  const prim = doc.createPrimitive();
  const atlas = input.texture && input.triangles ? bakeAtlas(input.triangles, input.colors) : null;
  // with an atlas every per-vertex array is expanded to the unwelded corners
  const perCorner = <T extends Float32Array | Uint16Array>(a: T, width: number): T => (atlas ? expand(a, width, atlas.source) : a);
  prim.setAttribute('POSITION', doc.createAccessor('position', buffer).setType('VEC3').setArray(perCorner(Float32Array.from(input.positions), 3)));
  const lin = new Float32Array(V * 3);
  for (let i = 0; i < V * 3; i++) lin[i] = srgbToLinear(input.colors[i]!);
  prim.setAttribute(atlas ? '_COLOR_0' : 'COLOR_0', doc.createAccessor('color', buffer).setType('VEC3').setArray(perCorner(lin, 3)));
  const material = doc.createMaterial(atlas ? 'baked colour' : 'vertex colour').setBaseColorFactor([1, 1, 1, 1]).setMetallicFactor(0).setRoughnessFactor(1).setDoubleSided(true);
  if (input.triangles) {
    const nrm = vertexNormals(input.positions, input.triangles).normals;
    prim.setAttribute('NORMAL', doc.createAccessor('normal', buffer).setType('VEC3').setArray(perCorner(nrm, 3)));
    const indices = atlas ? Uint32Array.from({ length: input.triangles.length }, (_, i) => i) : Uint32Array.from(input.triangles);
    prim.setIndices(doc.createAccessor('indices', buffer).setType('SCALAR').setArray(indices));
    prim.setMode(Primitive.Mode.TRIANGLES);
  } else {
    prim.setMode(Primitive.Mode.POINTS);
  }
  if (atlas) {
    prim.setAttribute('TEXCOORD_0', doc.createAccessor('uv', buffer).setType('VEC2').setArray(atlas.uvs));
    const png = await sharp(atlas.rgb, { raw: { width: atlas.size, height: atlas.size, channels: 3 } }).png({ compressionLevel: 9 }).toBuffer();
    const texture = doc.createTexture('colour atlas').setImage(new Uint8Array(png)).setMimeType('image/png');
    material.setBaseColorTexture(texture);
    // no mipmaps: a lower level would blend neighbouring triangles' cells
    material.getBaseColorTextureInfo()!.setMinFilter(TextureInfo.MinFilter.LINEAR).setMagFilter(TextureInfo.MagFilter.LINEAR)
      .setWrapS(TextureInfo.WrapMode.CLAMP_TO_EDGE).setWrapT(TextureInfo.WrapMode.CLAMP_TO_EDGE);
  }
  prim.setMaterial(material);
  const mesh = doc.createMesh('body').addPrimitive(prim);
  if (input.morphTargets?.length) {
    for (const mt of input.morphTargets) {
      if (mt.deltas.length !== V * 3) throw new PersonaError(`GLB export: morph target ${mt.name} does not match the vertices.`);
      const target = doc.createPrimitiveTarget(mt.name)
        .setAttribute('POSITION', doc.createAccessor(`morph ${mt.name}`, buffer).setType('VEC3').setSparse(true).setArray(perCorner(Float32Array.from(mt.deltas), 3)));
      prim.addTarget(target);
    }
    mesh.setWeights(input.morphTargets.map(() => 0)).setExtras({ targetNames: input.morphTargets.map((m) => m.name) });
  }
  const meshNode = doc.createNode('body').setMesh(mesh);
  scene.addChild(meshNode);

  const s = input.skin;
  if (s) {
    const J = s.names.length;
    const top = topInfluences(s.joints, s.weights, s.influences, EXPORT_CONFIG.GLTF_INFLUENCES);
    prim.setAttribute('JOINTS_0', doc.createAccessor('joints', buffer).setType('VEC4').setArray(perCorner(top.joints, 4)));
    prim.setAttribute('WEIGHTS_0', doc.createAccessor('weights', buffer).setType('VEC4').setArray(perCorner(top.weights, 4)));
    const nodes: Node[] = [];
    const rot = s.pose?.rotations ?? new Float64Array(J * 3);
    const tr = s.pose?.translation ?? [0, 0, 0];
    const localT = (j: number, t: ArrayLike<number>): [number, number, number] => {
      const p = s.parents[j]!;
      const a = j * 3, b = p * 3;
      return p < 0
        ? [s.restJoints[a]! + t[0]!, s.restJoints[a + 1]! + t[1]!, s.restJoints[a + 2]! + t[2]!]
        : [s.restJoints[a]! - s.restJoints[b]!, s.restJoints[a + 1]! - s.restJoints[b + 1]!, s.restJoints[a + 2]! - s.restJoints[b + 2]!];
    };
    for (let j = 0; j < J; j++) {
      const node = doc.createNode(s.names[j]!).setTranslation(localT(j, tr)).setRotation(quatXyzw(rot, j));
      nodes.push(node);
      const p = s.parents[j]!;
      if (p < 0) scene.addChild(node);
      else {
        if (p >= j) throw new PersonaError(`GLB export: joint ${s.names[j]} comes before its parent.`);
        nodes[p]!.addChild(node);
      }
    }
    const ibm = new Float32Array(J * 16);
    for (let j = 0; j < J; j++) {
      // column-major translate(−J_j)
      ibm[j * 16] = 1; ibm[j * 16 + 5] = 1; ibm[j * 16 + 10] = 1; ibm[j * 16 + 15] = 1;
      ibm[j * 16 + 12] = -s.restJoints[j * 3]!; ibm[j * 16 + 13] = -s.restJoints[j * 3 + 1]!; ibm[j * 16 + 14] = -s.restJoints[j * 3 + 2]!;
    }
    const skin = doc.createSkin('skeleton').setInverseBindMatrices(doc.createAccessor('inverseBind', buffer).setType('MAT4').setArray(ibm));
    const root = nodes.find((_, j) => s.parents[j]! < 0);
    if (root) skin.setSkeleton(root);
    for (const n of nodes) skin.addJoint(n);
    meshNode.setSkin(skin);

    const anim = s.animation;
    if (anim && anim.poses.length > 0) {
      const F = anim.poses.length;
      const times = new Float32Array(F);
      for (let f = 0; f < F; f++) times[f] = f / anim.fps;
      const input = doc.createAccessor('time', buffer).setType('SCALAR').setArray(times);
      const animation = doc.createAnimation(anim.name);
      for (let j = 0; j < J; j++) {
        const q = new Float32Array(F * 4);
        let prev: [number, number, number, number] | null = null;
        for (let f = 0; f < F; f++) {
          let cur = quatXyzw(anim.poses[f]!.rotations, j);
          if (prev && cur[0] * prev[0] + cur[1] * prev[1] + cur[2] * prev[2] + cur[3] * prev[3] < 0) cur = [-cur[0], -cur[1], -cur[2], -cur[3]];
          q.set(cur, f * 4);
          prev = cur;
        }
        const sampler = doc.createAnimationSampler().setInput(input).setOutput(doc.createAccessor(`${s.names[j]}.rotation`, buffer).setType('VEC4').setArray(q)).setInterpolation('LINEAR');
        animation.addSampler(sampler).addChannel(doc.createAnimationChannel().setTargetNode(nodes[j]!).setTargetPath('rotation').setSampler(sampler));
        if (s.parents[j]! < 0) {
          const t = new Float32Array(F * 3);
          for (let f = 0; f < F; f++) t.set(localT(j, anim.poses[f]!.translation), f * 3);
          const ts = doc.createAnimationSampler().setInput(input).setOutput(doc.createAccessor(`${s.names[j]}.translation`, buffer).setType('VEC3').setArray(t)).setInterpolation('LINEAR');
          animation.addSampler(ts).addChannel(doc.createAnimationChannel().setTargetNode(nodes[j]!).setTargetPath('translation').setSampler(ts));
        }
      }
    }
  }
  return new NodeIO().writeBinary(doc);
}

/** Rest pose of a rigged export: the body's own (`apose`) or arms straight out (`tpose`, tpose.ts). */
export type RestPoseKind = 'apose' | 'tpose';
export const REST_POSES: readonly RestPoseKind[] = ['apose', 'tpose'];

/** Options of {@link avatarGlb}. */
export interface AvatarGlbOptions {
  /** Rigged only: named expressions (src/body/expressions.ts) added as morph targets (avatars with an expression basis). */
  expressions?: string[];
  /** Pose (rest when omitted). Baked into positions unless `rigged`. */
  pose?: AvatarPose;
  /** Write a skinned mesh with a joint hierarchy instead of baked positions. */
  rigged?: boolean;
  /** Rigged only: a motion written as a glTF animation. */
  animation?: { name: string; fps: number; poses: AvatarPose[] };
  /** Rigged only: joint naming convention (default `unreal`, the body rig's own). */
  skeleton?: SkeletonNaming;
  /** Bake a base-colour texture with UVs (default true; triangle meshes only). */
  texture?: boolean;
  /** Rigged only: the rest (bind) pose written (default `apose`, the body's own). */
  rest?: RestPoseKind;
}

/**
 * The offset that puts the origin on the floor between the feet: x and z of the midpoint of the ankle
 * joints (the bounding-box centre when the skeleton has no recognisable ankles), y of the lowest rest
 * vertex. Taken from the rest pose, so every pose and frame of one avatar shares it.
 */
export function floorOrigin(avatar: AvatarBundle, means = avatar.buffers.means as Float32Array, restJoints: ArrayLike<number> = avatar.header.skeleton.restJoints): [number, number, number] {
  const n = means.length / 3;
  let minY = Infinity, lx = Infinity, hx = -Infinity, lz = Infinity, hz = -Infinity;
  for (let i = 0; i < n; i++) {
    minY = Math.min(minY, means[i * 3 + 1]!);
    lx = Math.min(lx, means[i * 3]!); hx = Math.max(hx, means[i * 3]!);
    lz = Math.min(lz, means[i * 3 + 2]!); hz = Math.max(hz, means[i * 3 + 2]!);
  }
  const { roles } = assignRoles(avatar.header.skeleton.names);
  const l = roles.indexOf('left_ankle'), r = roles.indexOf('right_ankle');
  const J = restJoints;
  if (l >= 0 && r >= 0) return [-(J[l * 3]! + J[r * 3]!) / 2, -minY, -(J[l * 3 + 2]! + J[r * 3 + 2]!) / 2];
  return [-(lx + hx) / 2, -minY, -(lz + hz) / 2];
}

function shifted(xyz: ArrayLike<number>, d: [number, number, number]): Float32Array {
  const out = new Float32Array(xyz.length);
  for (let i = 0; i < xyz.length; i++) out[i] = xyz[i]! + d[i % 3]!;
  return out;
}

/**
 * Morph targets of named expressions at the rigged rest pose: posed(rest rotations + the expression's jaw
 * opening, expression units) − posed(rest rotations), so offsets (before skinning, as poseAvatarMeans) and
 * the jaw both land in the delta a glTF/VRM player adds before its own skinning.
 */
function expressionMorphs(avatar: AvatarBundle, names: string[], restRotations: Float64Array): { name: string; deltas: Float32Array }[] {
  const N = avatar.header.gaussianCount, scratch = createPoseScratch(avatar);
  const base = poseAvatarMeans(avatar, restRotations, [0, 0, 0], new Float32Array(N * 3), scratch, { poseOffsets: false });
  const jaw = avatar.header.skeleton.names.indexOf('jaw');
  return names.map((name) => {
    const r = resolveExpression(avatar, name);
    const rot = Float64Array.from(restRotations);
    if (jaw >= 0) rot[jaw * 3] += r.jaw;
    const d = poseAvatarMeans(avatar, rot, [0, 0, 0], new Float32Array(N * 3), scratch, { poseOffsets: false, expression: r.weights });
    for (let i = 0; i < d.length; i++) d[i] -= base[i]!;
    return { name, deltas: d };
  });
}

/** The avatar's body surface as GLB (see the module comment for the modes). */
export async function avatarGlb(avatar: AvatarBundle, options: AvatarGlbOptions = {}): Promise<Uint8Array> {
  const h = avatar.header;
  const tri = avatar.buffers.triangles;
  if (tri !== undefined && !(tri instanceof Uint32Array)) throw new PersonaError('avatar buffer "triangles" must be u32.');
  if (tri) for (let i = 0; i < tri.length; i++) if (tri[i]! >= h.gaussianCount) throw new PersonaError(`avatar triangles[${i}] = ${tri[i]} is not a Gaussian index.`);
  const colors = avatar.buffers.colors as Float32Array;
  if (options.rigged) {
    let means = avatar.buffers.means as Float32Array;
    let restJoints: ArrayLike<number> = h.skeleton.restJoints;
    let pose = options.pose, animation = options.animation;
    let restRotations: Float64Array = new Float64Array(h.skeleton.names.length * 3);
    if (options.rest === 'tpose') {
      const t = tPoseRest(avatar);
      restRotations = t.rotations;
      means = t.positions;
      restJoints = t.restJoints;
      const rebase = (p: AvatarPose): AvatarPose => ({ rotations: rebasePose(p.rotations, t.rotations, h.skeleton.parents), translation: p.translation });
      if (pose) pose = rebase(pose);
      if (animation) animation = { ...animation, poses: animation.poses.map(rebase) };
    }
    const origin = floorOrigin(avatar, means, restJoints);
    const morphTargets = options.expressions && hasExpression(avatar) ? expressionMorphs(avatar, options.expressions, restRotations) : undefined;
    return encodeGlb({
      morphTargets,
      positions: shifted(means, origin),
      triangles: tri ?? null,
      colors,
      texture: options.texture ?? true,
      skin: {
        names: exportJointNames(h.skeleton.names, options.skeleton ?? 'unreal').names, parents: h.skeleton.parents,
        restJoints: shifted(restJoints, origin), influences: h.skinInfluences,
        joints: avatar.buffers.skinJoints as Uint16Array, weights: avatar.buffers.skinWeights as Float32Array,
        pose, animation,
      },
    });
  }
  const origin = floorOrigin(avatar);
  const cloud = avatarCloud(avatar, options.pose);
  return encodeGlb({ positions: shifted(cloud.means, origin), triangles: tri ?? null, colors, texture: options.texture ?? true });
}
