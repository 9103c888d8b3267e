/**
 * Seeded synthetic subjects with ground truth, for tests and the benchmark: the MakeHuman body
 * model with varied shapes, procedural clothing/skin/hair/face textures baked into the body UV
 * map (appearance.ts), loose garments with pose-dependent non-rigid deformation (garments.ts),
 * posed with the body model's FK + LBS (src/body/skinning.ts) and rendered with the mesh
 * rasterizer: image, alpha, mask, part labels, material labels, depth, normals and the 2D/3D
 * joints, in any pose and view.
 */
import type { Camera } from '../core/camera.js';
import { lookAtCamera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';
import { createImage, type FloatImage } from '../core/image.js';
import { axisAngleToMatrix } from '../core/rotation.js';
import type { BodyPose } from '../body/index.js';
import { loadBodyModel, type MakeHumanBodyModel } from '../body/index.js';
import { BodyPoser, forwardKinematics, linearBlendSkinning } from '../body/index.js';
import { rasterizeMesh } from '../render/index.js';
import { computeVertexNormals, renderVertexLabels, sampleTexture, shadeRaster } from '../render/index.js';
import { rasterizeUvSpace, dilateTexture } from '../render/index.js';
import { bakeAppearance, evaluatePattern, MATERIALS, restLandmarks, valueNoise, type Appearance } from './appearance.js';
import { addSleeveOffsets, buildHair, buildSkirt, buildSleeveBand, hairOffsets, skirtDrivers, skirtOffsets, type GarmentMesh, type SkirtSpec, type SleeveBand } from './garments.js';
import type { Phenotype } from '../body/index.js';
import { keypointAnchors, posedKeypoints, type KeypointAnchor } from './keypoints.js';

/** A pose written as world directions of bones (aimed in order) plus extra rotations, all by joint name. */
export interface PoseRecipe {
  /** [joint, child joint, world direction] — the bone joint→child is turned (minimal rotation) to point along the direction. */
  aims?: Array<[string, string, [number, number, number]]>;
  /** [joint, axis-angle in degrees about world-aligned axes] applied as local rotations before aiming. */
  rotations?: Array<[string, [number, number, number]]>;
}

/** Everything that defines a subject. */
export interface SubjectSpec {
  id: number;
  name: string;
  description: string;
  phenotype: Partial<Phenotype>;
  appearance: Appearance;
  /** A skirt garment (only with appearance.bottom.kind 'skirt'). */
  skirt?: SkirtSpec;
  /** Loose short sleeves that sag and open with the arm (t-shirts). */
  looseSleeves: boolean;
  /** The recommended photo pose. */
  photoPose: PoseRecipe;
  /** Photo camera: image size, yaw of the view around the person (degrees, 0 = front). */
  photo: { width: number; height: number; yawDeg: number; fovYDeg: number };
}

const SKIN = {
  light: [0.93, 0.78, 0.68], fair: [0.9, 0.73, 0.62], olive: [0.8, 0.63, 0.48], tan: [0.7, 0.5, 0.36],
  brown: [0.52, 0.36, 0.26], dark: [0.36, 0.24, 0.17],
} as const satisfies Record<string, [number, number, number]>;

/** Photo poses (see PoseRecipe). Directions: +X the person's left, +Y up, +Z forward. */
const POSES: Record<string, PoseRecipe> = {
  aPose: {
    aims: [
      ['upperarm_l', 'lowerarm_l', [0.52, -0.85, 0.03]], ['lowerarm_l', 'hand_l', [0.42, -0.9, 0.12]],
      ['upperarm_r', 'lowerarm_r', [-0.52, -0.85, 0.03]], ['lowerarm_r', 'hand_r', [-0.42, -0.9, 0.12]],
      ['thigh_l', 'calf_l', [0.1, -1, 0]], ['thigh_r', 'calf_r', [-0.1, -1, 0]],
      ['calf_l', 'foot_l', [0.08, -1, -0.02]], ['calf_r', 'foot_r', [-0.08, -1, -0.02]],
    ],
  },
  handOnHip: {
    rotations: [['pelvis', [0, 0, 3]], ['spine_02', [0, 0, -3]], ['head', [0, 0, 5]]],
    aims: [
      ['upperarm_l', 'lowerarm_l', [0.72, -0.66, -0.12]], ['lowerarm_l', 'hand_l', [-0.55, -0.7, 0.2]],
      ['upperarm_r', 'lowerarm_r', [-0.3, -0.95, 0.05]], ['lowerarm_r', 'hand_r', [-0.15, -0.95, 0.2]],
      ['thigh_l', 'calf_l', [0.12, -1, 0.12]], ['calf_l', 'foot_l', [0.08, -1, -0.1]],
      ['thigh_r', 'calf_r', [-0.04, -1, -0.02]], ['calf_r', 'foot_r', [-0.05, -1, -0.02]],
    ],
  },
  relaxed: {
    rotations: [['head', [6, 0, 0]]],
    aims: [
      ['upperarm_l', 'lowerarm_l', [0.3, -0.95, 0.02]], ['lowerarm_l', 'hand_l', [0.2, -0.95, 0.25]],
      ['upperarm_r', 'lowerarm_r', [-0.3, -0.95, 0.02]], ['lowerarm_r', 'hand_r', [-0.2, -0.95, 0.25]],
      ['thigh_l', 'calf_l', [0.08, -1, 0]], ['thigh_r', 'calf_r', [-0.08, -1, 0]],
      ['calf_l', 'foot_l', [0.06, -1, -0.02]], ['calf_r', 'foot_r', [-0.06, -1, -0.02]],
    ],
  },
  step: {
    rotations: [['head', [0, -8, 0]]],
    aims: [
      ['upperarm_l', 'lowerarm_l', [0.45, -0.88, -0.1]], ['lowerarm_l', 'hand_l', [0.3, -0.9, 0.25]],
      ['upperarm_r', 'lowerarm_r', [-0.45, -0.88, 0.12]], ['lowerarm_r', 'hand_r', [-0.3, -0.85, 0.35]],
      ['thigh_l', 'calf_l', [0.12, -1, 0.3]], ['calf_l', 'foot_l', [0.1, -1, 0.1]],
      ['thigh_r', 'calf_r', [-0.1, -1, -0.12]], ['calf_r', 'foot_r', [-0.08, -1, -0.25]],
    ],
  },
  waveish: {
    rotations: [['head', [0, 0, -6]]],
    aims: [
      ['upperarm_l', 'lowerarm_l', [0.85, -0.5, 0.05]], ['lowerarm_l', 'hand_l', [0.55, 0.75, 0.2]],
      ['upperarm_r', 'lowerarm_r', [-0.35, -0.93, 0.05]], ['lowerarm_r', 'hand_r', [-0.25, -0.93, 0.2]],
      ['thigh_l', 'calf_l', [0.09, -1, 0]], ['thigh_r', 'calf_r', [-0.12, -1, 0]],
      ['calf_l', 'foot_l', [0.07, -1, -0.02]], ['calf_r', 'foot_r', [-0.1, -1, -0.02]],
    ],
  },
};

const PHOTO = { width: 512, height: 768, yawDeg: 0, fovYDeg: 35 };

/**
 * The women's brows: thinner (0.45× the painted thickness) and 3.5 mm higher, as women's brows typically are. All six
 * subjects used to share one heavy brow, and the face-description model read the three women as men (issue #19:
 * ava male 0.65, chloe 0.26, emi 0.25) while it reads every real woman of the photo set right. Variants probed
 * (node dist/scripts/face-sex-brows.js, docs/fit.md "Female-typical brows"): this is the one whose reading is female
 * at ≥ 0.2 for all three women at texture sizes 256, 1024 and 2048 and supersampling 1 and 2; the men keep theirs.
 */
const FEMALE_BROWS = { browScale: 0.45, browLift: 0.0035 } as const;

/** The six built-in subjects. */
export const SUBJECT_SPECS: readonly SubjectSpec[] = [
  {
    id: 0, name: 'ava', description: 'woman, long dark-brown hair, red/white striped loose t-shirt, jeans, white sneakers',
    phenotype: { gender: 0.05, age: 0.45, muscle: 0.5, weight: 0.45, height: 0.55 },
    appearance: {
      ...FEMALE_BROWS,
      skin: [0.86, 0.68, 0.56], hair: [0.24, 0.14, 0.08], hairStyle: 'long', iris: [0.35, 0.22, 0.12], lips: [0.72, 0.34, 0.36],
      top: { kind: 'tshirt', neck: 'round', pattern: { kind: 'stripes', colors: [[0.95, 0.95, 0.93], [0.82, 0.12, 0.14]], period: 0.05, direction: 'horizontal' } },
      bottom: { kind: 'trousers', pattern: { kind: 'denim', color: [0.24, 0.34, 0.58] } },
      shoes: [0.16, 0.16, 0.2],
    },
    looseSleeves: true, photoPose: POSES.aPose!, photo: PHOTO,
  },
  {
    id: 1, name: 'ben', description: 'man, short blond hair, green plaid long-sleeve shirt, khaki trousers, brown shoes; hand on hip',
    phenotype: { gender: 0.95, age: 0.5, muscle: 0.6, weight: 0.5, height: 0.6 },
    appearance: {
      skin: [...SKIN.light], hair: [0.8, 0.64, 0.36], hairStyle: 'short', iris: [0.3, 0.5, 0.75], lips: [0.7, 0.42, 0.4],
      top: { kind: 'longsleeve', neck: 'round', pattern: { kind: 'plaid', base: [0.12, 0.42, 0.22], bands: [0.05, 0.2, 0.1], lines: [0.92, 0.9, 0.8], period: 0.08 } },
      bottom: { kind: 'trousers', pattern: { kind: 'solid', color: [0.72, 0.63, 0.45] } },
      shoes: [0.4, 0.24, 0.13],
    },
    looseSleeves: false, photoPose: POSES.handOnHip!, photo: PHOTO,
  },
  {
    id: 2, name: 'chloe', description: 'woman, black bob, yellow tank top, navy pleated A-line skirt that swings with the legs, red shoes',
    phenotype: { gender: 0.0, age: 0.38, muscle: 0.45, weight: 0.4, height: 0.45 },
    appearance: {
      ...FEMALE_BROWS,
      skin: [...SKIN.dark], hair: [0.05, 0.04, 0.04], hairStyle: 'bob', iris: [0.18, 0.1, 0.06], lips: [0.42, 0.2, 0.2],
      top: { kind: 'tank', neck: 'round', pattern: { kind: 'solid', color: [0.98, 0.8, 0.18] } },
      bottom: { kind: 'skirt', pattern: { kind: 'stripes', colors: [[0.1, 0.14, 0.36], [0.16, 0.22, 0.5]], period: 0.045, direction: 'vertical', duty: 0.5 } },
      shoes: [0.78, 0.1, 0.12],
    },
    skirt: { length: 0.85, flare: 0.16 },
    looseSleeves: false, photoPose: POSES.step!, photo: PHOTO,
  },
  {
    id: 3, name: 'dev', description: 'muscular man, buzz cut, grey v-neck loose t-shirt, black shorts, blue shoes',
    phenotype: { gender: 1, age: 0.4, muscle: 0.9, weight: 0.55, height: 0.5 },
    appearance: {
      skin: [...SKIN.tan], hair: [0.08, 0.06, 0.05], hairStyle: 'buzz', iris: [0.2, 0.12, 0.07], lips: [0.55, 0.3, 0.28],
      top: { kind: 'tshirt', neck: 'v', pattern: { kind: 'solid', color: [0.55, 0.57, 0.6] } },
      bottom: { kind: 'shorts', pattern: { kind: 'solid', color: [0.1, 0.1, 0.12] } },
      shoes: [0.15, 0.4, 0.85],
    },
    looseSleeves: true, photoPose: POSES.waveish!, photo: PHOTO,
  },
  {
    id: 4, name: 'emi', description: 'woman, long auburn hair, teal polka-dot long-sleeve top, long purple checked skirt, black shoes',
    phenotype: { gender: 0.1, age: 0.55, muscle: 0.4, weight: 0.55, height: 0.4 },
    appearance: {
      ...FEMALE_BROWS,
      skin: [...SKIN.fair], hair: [0.52, 0.2, 0.1], hairStyle: 'long', iris: [0.32, 0.52, 0.32], lips: [0.76, 0.36, 0.4],
      top: { kind: 'longsleeve', neck: 'round', pattern: { kind: 'dots', base: [0.05, 0.5, 0.52], dot: [0.97, 0.97, 0.95], period: 0.04, radius: 0.009 } },
      bottom: { kind: 'skirt', pattern: { kind: 'checks', colors: [[0.42, 0.18, 0.52], [0.72, 0.6, 0.82]], period: 0.05 } },
      shoes: [0.08, 0.08, 0.08],
    },
    skirt: { length: 1.3, flare: 0.22 },
    looseSleeves: false, photoPose: POSES.relaxed!, photo: PHOTO,
  },
  {
    id: 5, name: 'finn', description: 'older heavy man, grey hair, navy/sky-blue striped loose t-shirt, charcoal trousers, dark shoes',
    phenotype: { gender: 0.9, age: 0.85, muscle: 0.35, weight: 0.85, height: 0.5 },
    appearance: {
      skin: [...SKIN.brown], hair: [0.66, 0.66, 0.64], hairStyle: 'short', iris: [0.22, 0.14, 0.08], lips: [0.45, 0.26, 0.24],
      top: { kind: 'tshirt', neck: 'round', pattern: { kind: 'stripes', colors: [[0.55, 0.75, 0.92], [0.1, 0.16, 0.38]], period: 0.09, direction: 'horizontal', duty: 0.4 } },
      bottom: { kind: 'trousers', pattern: { kind: 'solid', color: [0.24, 0.24, 0.27] } },
      shoes: [0.2, 0.13, 0.08],
    },
    looseSleeves: true, photoPose: POSES.aPose!, photo: PHOTO,
  },
];

/** Ids, names and descriptions of the built-in subjects. */
export function listSubjects(): Array<{ id: number; name: string; description: string }> {
  return SUBJECT_SPECS.map((s) => ({ id: s.id, name: s.name, description: s.description }));
}

/** A posed subject: body (and garment) vertices and joints in world space. */
export interface PosedSubject {
  pose: BodyPose;
  /** V×3 posed body vertices (with garment offsets). */
  body: Float64Array;
  /** Posed skirt vertices, if the subject has one. */
  skirt?: Float64Array;
  /** Posed hair-curtain vertices, if the subject has one. */
  hair?: Float64Array;
  /** J×3 posed joints. */
  joints: Float64Array;
  /** L×3 posed landmarks (fingertips, toes, head top; names in model.landmarkNames). */
  landmarks: Float64Array;
  /** J×12 global joint transforms (3×4 row-major, without the root translation). */
  globals: Float64Array;
  /** 33×3 BlazePose-order keypoints (GT_BODY_KEYPOINTS in keypoints.ts). */
  keypoints: Float64Array;
}

/** Ground-truth render of a subject. */
export interface SubjectRender {
  /** RGB over the background, anti-aliased. */
  image: FloatImage;
  /** H×W coverage in [0,1]. */
  alpha: Float32Array;
  /** H×W 0/1 mask at pixel centres. */
  mask: Uint8Array;
  /** H×W BODY_PARTS index, −1 background (skirt pixels take the nearest body region). */
  partLabels: Int16Array;
  /** H×W MATERIALS index, −1 background. */
  materialLabels: Int16Array;
  /** H×W camera z (metres), +∞ background. */
  depth: Float32Array;
  /** Camera-frame unit normals (3 channels, facing the camera), 0 on the background. */
  normals: FloatImage;
  /** J×2 projected joints (pixels), and their camera depths. */
  joints2d: Float64Array;
  jointDepth: Float64Array;
  /** L×2 projected landmarks. */
  landmarks2d: Float64Array;
  /** 33×2 projected BlazePose-order keypoints, their camera depths, and visibility (1 when no surface hides them; joints count as visible within 12 cm behind the surface, surface points within 2 cm). */
  keypoints2d: Float64Array;
  keypointDepth: Float64Array;
  keypointVisible: Uint8Array;
}

/** Options of {@link SyntheticSubject.render}. */
export interface SubjectRenderOptions {
  supersample?: number;
  background?: [number, number, number];
  /** Camera-space direction towards the light (default from the upper left, towards the viewer). */
  light?: [number, number, number];
  /** Ambient light share (default 0.5). */
  ambient?: number;
  /** Body texture to use instead of the subject's own (e.g. a face-detail variant). */
  texture?: FloatImage;
}

/** One synthetic subject: shaped body, baked texture, garments; poses and renders itself. */
export class SyntheticSubject {
  readonly spec: SubjectSpec;
  readonly model: MakeHumanBodyModel;
  /** Shape coefficients of the body model. */
  readonly shape: Float64Array;
  /** V×3 rest vertices (shaped). */
  readonly rest: Float64Array;
  /** J×3 rest joints. */
  readonly restJoints: Float64Array;
  /** Body UV texture (RGB, v up) and its material map. */
  readonly texture: FloatImage;
  readonly materials: Uint8Array;
  readonly skirt?: { mesh: GarmentMesh; texture: FloatImage };
  /** Hair curtain for long hair and bobs (the scalp itself is painted). */
  readonly hair?: { mesh: GarmentMesh; texture: FloatImage };
  readonly sleeves?: SleeveBand;
  private readonly poser: BodyPoser;
  /** Where each of the 33 BlazePose keypoints rides on the body. */
  readonly keypointAnchors: KeypointAnchor[];

  constructor(spec: SubjectSpec, model: MakeHumanBodyModel, textureSize = 1024) {
    this.spec = spec;
    this.model = model;
    this.poser = new BodyPoser(model);
    this.shape = model.semanticShape(spec.phenotype);
    this.rest = model.shapedVertices64(this.shape);
    this.restJoints = model.jointPositions(this.rest);
    const names = model.skeleton.names;
    const landmarkRest = model.landmarkPositions(this.rest);
    const jointsAndLandmarks = new Float64Array(this.restJoints.length + landmarkRest.length);
    jointsAndLandmarks.set(this.restJoints); jointsAndLandmarks.set(landmarkRest, this.restJoints.length);
    const ctx = { appearance: spec.appearance, landmarks: restLandmarks([...names, ...model.landmarkNames], jointsAndLandmarks), seed: spec.id * 7919 + 13 };
    const baked = bakeAppearance(ctx, this.rest, model.triangles, model.cornerUvs, model.partLabels, textureSize);
    this.texture = baked.texture;
    this.materials = baked.materials;
    this.keypointAnchors = keypointAnchors({
      rest: this.rest, partLabels: model.partLabels, triangles: model.triangles, cornerUvs: model.cornerUvs,
      jointNames: names, restJoints: this.restJoints, landmarkNames: model.landmarkNames,
    });
    if (spec.skirt) {
      const mesh = buildSkirt(this.rest, model.partLabels, names, this.restJoints, spec.skirt);
      this.skirt = { mesh, texture: bakeSkirtTexture(mesh, spec.appearance) };
    }
    const style = spec.appearance.hairStyle;
    if (style === 'long' || style === 'bob') {
      const mesh = buildHair(this.rest, model.partLabels, names, this.restJoints, { length: style === 'long' ? 'shoulders' : 'chin', openingDeg: style === 'long' ? 72 : 80 });
      this.hair = { mesh, texture: bakeHairTexture(spec.appearance.hair, spec.id) };
    }
    if (spec.looseSleeves && spec.appearance.top.kind === 'tshirt') {
      this.sleeves = buildSleeveBand(this.rest, model.partLabels, names, this.restJoints, 0.5);
    }
  }

  /** The recommended photo pose as a BodyPose. */
  photoPose(): BodyPose {
    return this.poseFromRecipe(this.spec.photoPose);
  }

  /** Turns a recipe (aimed bones + extra rotations by joint name) into a BodyPose for this body. */
  poseFromRecipe(recipe: PoseRecipe, translation: [number, number, number] = [0, 0, 0]): BodyPose {
    return poseFromRecipe(this.model, this.restJoints, recipe, translation);
  }

  /**
   * Poses body and garments: garment offsets (canonical, pose-dependent) then LBS. With
   * `deform: false` the garments follow LBS only (no pose-dependent offsets). `expression`: the body
   * model's expression-unit weights (face only; garments and hair do not follow them).
   */
  pose(pose: BodyPose, options: { deform?: boolean; expression?: ArrayLike<number> } = {}): PosedSubject {
    const deform = options.deform ?? true;
    const posed = this.poser.forward({ shape: this.shape, pose, expression: options.expression });
    const names = this.model.skeleton.names;
    let body = posed.vertices;
    if (this.sleeves && deform) {
      const rest = options.expression ? this.model.shapedVertices64(this.shape, options.expression) : Float64Array.from(this.rest);
      addSleeveOffsets(this.sleeves, names, this.restJoints, posed.globals, rest);
      body = new Float64Array(rest.length);
      linearBlendSkinning(rest, this.model.skinning, posed.skinTransforms, pose.translation, body);
    }
    let skirt: Float64Array | undefined;
    if (this.skirt) {
      const m = this.skirt.mesh;
      const d = skirtDrivers(names, this.restJoints, posed.globals);
      const off = deform ? skirtOffsets(m, d) : new Float32Array(m.rest.length);
      const rest = new Float64Array(m.rest.length);
      for (let i = 0; i < rest.length; i++) rest[i] = m.rest[i]! + off[i]!;
      skirt = new Float64Array(rest.length);
      linearBlendSkinning(rest, m.skin, posed.skinTransforms, pose.translation, skirt);
    }
    let hair: Float64Array | undefined;
    if (this.hair) {
      const m = this.hair.mesh;
      const off = deform ? hairOffsets(m, names, posed.globals) : new Float32Array(m.rest.length);
      const rest = new Float64Array(m.rest.length);
      for (let i = 0; i < rest.length; i++) rest[i] = m.rest[i]! + off[i]!;
      hair = new Float64Array(rest.length);
      linearBlendSkinning(rest, m.skin, posed.skinTransforms, pose.translation, hair);
    }
    const landmarks = this.poser.landmarks(posed);
    const keypoints = posedKeypoints(this.keypointAnchors, body, posed.joints, landmarks);
    return { pose, body, skirt, hair, joints: posed.joints, landmarks, globals: posed.globals, keypoints };
  }

  /** A body texture baked for a variant of this subject's appearance (same body and UVs). */
  bakeVariant(change: Partial<Appearance>, textureSize = this.texture.width): FloatImage {
    const names = this.model.skeleton.names;
    const landmarkRest = this.model.landmarkPositions(this.rest);
    const all = new Float64Array(this.restJoints.length + landmarkRest.length);
    all.set(this.restJoints); all.set(landmarkRest, this.restJoints.length);
    const ctx = { appearance: { ...this.spec.appearance, ...change }, landmarks: restLandmarks([...names, ...this.model.landmarkNames], all), seed: this.spec.id * 7919 + 13 };
    return bakeAppearance(ctx, this.rest, this.model.triangles, this.model.cornerUvs, this.model.partLabels, textureSize).texture;
  }

  /** A front (or yawed) camera framing the posed subject with a margin. */
  frameCamera(posed: PosedSubject | PosedSubject[], opts: { width?: number; height?: number; yawDeg?: number; fovYDeg?: number; fill?: number } = {}): Camera {
    const width = opts.width ?? this.spec.photo.width, height = opts.height ?? this.spec.photo.height;
    const fov = opts.fovYDeg ?? this.spec.photo.fovYDeg, fill = opts.fill ?? 0.86;
    const yaw = ((opts.yawDeg ?? this.spec.photo.yawDeg) * Math.PI) / 180;
    const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
    for (const arr of (Array.isArray(posed) ? posed : [posed]).flatMap((p) => [p.body, p.skirt, p.hair])) {
      if (!arr) continue;
      for (let i = 0; i < arr.length; i += 3) for (let c = 0; c < 3; c++) { lo[c] = Math.min(lo[c]!, arr[i + c]!); hi[c] = Math.max(hi[c]!, arr[i + c]!); }
    }
    const centre: [number, number, number] = [(lo[0]! + hi[0]!) / 2, (lo[1]! + hi[1]!) / 2, (lo[2]! + hi[2]!) / 2];
    const tanHalf = Math.tan((fov * Math.PI) / 360);
    const aspect = width / height;
    const hNeed = (hi[1]! - lo[1]!) / fill, wNeed = Math.max(hi[0]! - lo[0]!, hi[2]! - lo[2]!) / fill;
    const dist = Math.max(hNeed / (2 * tanHalf), wNeed / (2 * tanHalf * aspect)) + (hi[2]! - lo[2]!) / 2;
    const eye: [number, number, number] = [centre[0] + Math.sin(yaw) * dist, centre[1], centre[2] + Math.cos(yaw) * dist];
    return lookAtCamera(eye, centre, { width, height, fovYDeg: fov });
  }

  /** The photo: photo pose, framing camera. */
  photo(options: SubjectRenderOptions = {}): { posed: PosedSubject; camera: Camera; render: SubjectRender } {
    const posed = this.pose(this.photoPose());
    const camera = this.frameCamera(posed);
    return { posed, camera, render: this.render(posed, camera, { supersample: 3, background: [1, 1, 1], ...options }) };
  }

  /** Ground-truth render of a posed subject. */
  render(posed: PosedSubject, camera: Camera, options: SubjectRenderOptions = {}): SubjectRender {
    const m = this.model, Vb = m.vertexCount, Fb = m.triangles.length / 3;
    // Body, then the extra meshes (skirt, hair) appended with their own textures and materials.
    const extras: Array<{ mesh: GarmentMesh; texture: FloatImage; verts: Float64Array; material: number; f0: number; v0: number }> = [];
    let Vt = Vb, Ft = Fb;
    for (const [g, verts, mat] of [[this.skirt, posed.skirt, 'skirt'], [this.hair, posed.hair, 'hair']] as const) {
      if (!g || !verts) continue;
      extras.push({ mesh: g.mesh, texture: g.texture, verts, material: MATERIALS.indexOf(mat), f0: Ft, v0: Vt });
      Vt += g.mesh.rest.length / 3; Ft += g.mesh.triangles.length / 3;
    }
    const positions = new Float64Array(Vt * 3);
    positions.set(posed.body);
    const triangles = new Uint32Array(Ft * 3);
    triangles.set(m.triangles);
    for (const e of extras) {
      positions.set(e.verts, e.v0 * 3);
      for (let i = 0; i < e.mesh.triangles.length; i++) triangles[e.f0 * 3 + i] = e.mesh.triangles[i]! + e.v0;
    }
    const extraOf = (tri: number) => { for (let k = extras.length - 1; k >= 0; k--) if (tri >= extras[k]!.f0) return extras[k]!; return undefined; };
    const S = options.supersample ?? 2;
    const raster = rasterizeMesh(positions, triangles, camera, { supersample: S });
    // Camera-frame vertex normals (per mesh; the meshes share no vertices).
    const nWorld = computeVertexNormals(positions, triangles);
    const R = camera.R, t = camera.t;
    const V = Vt;
    const nCam = new Float32Array(V * 3), pCam = new Float32Array(V * 3);
    for (let v = 0; v < V; v++) {
      const x = nWorld[v * 3]!, y = nWorld[v * 3 + 1]!, z = nWorld[v * 3 + 2]!;
      const X = positions[v * 3]!, Y = positions[v * 3 + 1]!, Z = positions[v * 3 + 2]!;
      for (let a = 0; a < 3; a++) {
        nCam[v * 3 + a] = R[a * 3]! * x + R[a * 3 + 1]! * y + R[a * 3 + 2]! * z;
        pCam[v * 3 + a] = R[a * 3]! * X + R[a * 3 + 1]! * Y + R[a * 3 + 2]! * Z + t[a]!;
      }
    }
    const light = options.light ?? [-0.35, -0.55, -1];
    const ll = Math.hypot(light[0], light[1], light[2]);
    const lx = light[0] / ll, ly = light[1] / ll, lz = light[2] / ll;
    const ambient = options.ambient ?? 0.5;
    const texel = [0, 0, 0];
    const bodyTexture = options.texture ?? this.texture;
    const uvs = m.cornerUvs;
    const nrm = [0, 0, 0];
    /** Interpolated camera normal of a sample, flipped towards the camera. */
    const normalAt = (tri: number, b0: number, b1: number, b2: number): void => {
      const i0 = triangles[tri * 3]! * 3, i1 = triangles[tri * 3 + 1]! * 3, i2 = triangles[tri * 3 + 2]! * 3;
      let nx = b0 * nCam[i0]! + b1 * nCam[i1]! + b2 * nCam[i2]!;
      let ny = b0 * nCam[i0 + 1]! + b1 * nCam[i1 + 1]! + b2 * nCam[i2 + 1]!;
      let nz = b0 * nCam[i0 + 2]! + b1 * nCam[i1 + 2]! + b2 * nCam[i2 + 2]!;
      const px = b0 * pCam[i0]! + b1 * pCam[i1]! + b2 * pCam[i2]!;
      const py = b0 * pCam[i0 + 1]! + b1 * pCam[i1 + 1]! + b2 * pCam[i2 + 1]!;
      const pz = b0 * pCam[i0 + 2]! + b1 * pCam[i1 + 2]! + b2 * pCam[i2 + 2]!;
      const l = Math.hypot(nx, ny, nz) || 1;
      nx /= l; ny /= l; nz /= l;
      if (nx * px + ny * py + nz * pz > 0) { nx = -nx; ny = -ny; nz = -nz; }
      nrm[0] = nx; nrm[1] = ny; nrm[2] = nz;
    };
    const image = shadeRaster(raster, 3, (tri, b0, b1, b2, out) => {
      if (tri < Fb) {
        const o = tri * 6;
        sampleTexture(bodyTexture, b0 * uvs[o]! + b1 * uvs[o + 2]! + b2 * uvs[o + 4]!, b0 * uvs[o + 1]! + b1 * uvs[o + 3]! + b2 * uvs[o + 5]!, texel);
      } else {
        const e = extraOf(tri)!, cu = e.mesh.cornerUvs, o = (tri - e.f0) * 6;
        sampleTexture(e.texture, b0 * cu[o]! + b1 * cu[o + 2]! + b2 * cu[o + 4]!, b0 * cu[o + 1]! + b1 * cu[o + 3]! + b2 * cu[o + 5]!, texel);
      }
      normalAt(tri, b0, b1, b2);
      const k = ambient + (1 - ambient) * Math.max(0, nrm[0]! * lx + nrm[1]! * ly + nrm[2]! * lz);
      out[0] = texel[0]! * k; out[1] = texel[1]! * k; out[2] = texel[2]! * k;
    }, { background: options.background ?? [1, 1, 1] });
    const normals = shadeRaster(raster, 3, (tri, b0, b1, b2, out) => {
      normalAt(tri, b0, b1, b2);
      out[0] = nrm[0]!; out[1] = nrm[1]!; out[2] = nrm[2]!;
    }, { antialias: false });
    const labels = new Uint8Array(V);
    labels.set(m.partLabels);
    for (const e of extras) labels.set(e.mesh.partLabels, e.v0);
    const partLabels = renderVertexLabels(raster, triangles, labels);
    const W = camera.width, H = camera.height, n = W * H;
    const mask = new Uint8Array(n), materialLabels = new Int16Array(n).fill(-1);
    const ts = this.texture.width;
    for (let i = 0; i < n; i++) {
      const tri = raster.triangleId[i]!;
      if (tri < 0) continue;
      mask[i] = 1;
      if (tri >= Fb) { materialLabels[i] = extraOf(tri)!.material; continue; }
      const b0 = raster.bary[i * 3]!, b1 = raster.bary[i * 3 + 1]!, b2 = raster.bary[i * 3 + 2]!, o = tri * 6;
      const u = b0 * uvs[o]! + b1 * uvs[o + 2]! + b2 * uvs[o + 4]!, v = b0 * uvs[o + 1]! + b1 * uvs[o + 3]! + b2 * uvs[o + 5]!;
      const tx = Math.min(ts - 1, Math.max(0, Math.floor(u * ts))), ty = Math.min(ts - 1, Math.max(0, Math.floor((1 - v) * ts)));
      const mat = this.materials[ty * ts + tx]!;
      materialLabels[i] = mat === 255 ? 0 : mat;
    }
    const project = (pts: Float64Array) => {
      const N = pts.length / 3, uv = new Float64Array(N * 2), depth = new Float64Array(N);
      for (let j = 0; j < N; j++) {
        const X = pts[j * 3]!, Y = pts[j * 3 + 1]!, Z = pts[j * 3 + 2]!;
        const xc = R[0]! * X + R[1]! * Y + R[2]! * Z + t[0]!, yc = R[3]! * X + R[4]! * Y + R[5]! * Z + t[1]!, zc = R[6]! * X + R[7]! * Y + R[8]! * Z + t[2]!;
        uv[j * 2] = (camera.fx * xc) / zc + camera.cx; uv[j * 2 + 1] = (camera.fy * yc) / zc + camera.cy; depth[j] = zc;
      }
      return { uv, depth };
    };
    const pj = project(posed.joints);
    const pk = project(posed.keypoints);
    const keypointVisible = new Uint8Array(this.keypointAnchors.length);
    this.keypointAnchors.forEach((a, k) => {
      const u = pk.uv[k * 2]!, v = pk.uv[k * 2 + 1]!;
      if (!(u >= 0 && v >= 0 && u < W && v < H && pk.depth[k]! > 0)) return;
      const surface = raster.depth[Math.floor(v) * W + Math.floor(u)]!;
      keypointVisible[k] = pk.depth[k]! <= surface + (a.kind === 'vertex' ? 0.02 : 0.12) ? 1 : 0;
    });
    return {
      keypoints2d: pk.uv, keypointDepth: pk.depth, keypointVisible,
      image, alpha: raster.alpha, mask, partLabels, materialLabels, depth: raster.depth, normals,
      joints2d: pj.uv, jointDepth: pj.depth, landmarks2d: project(posed.landmarks).uv,
    };
  }
}

/** Hair texture over the curtain's UVs (u around the head, v up): strands as fine noise along u. */
function bakeHairTexture(hair: [number, number, number], seed: number, width = 512, height = 64): FloatImage {
  const tex = createImage(width, height, 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const u = (x + 0.5) / width, v = 1 - (y + 0.5) / height;
    const k = 0.7 + 0.4 * valueNoise(u * 400, v * 4, 0, seed + 5) + 0.08 * (v - 0.5);
    for (let c = 0; c < 3; c++) tex.data[(y * width + x) * 3 + c] = Math.min(1, hair[c]! * k);
  }
  return tex;
}

/** Bakes the skirt's pattern (evaluated at its rest points) into a texture over its own UVs. */
function bakeSkirtTexture(mesh: GarmentMesh, appearance: Appearance, width = 512, height = 128): FloatImage {
  const r = rasterizeUvSpace(mesh.cornerUvs, width, height);
  const tex = createImage(width, height, 3, 0.5);
  const mask = new Uint8Array(width * height);
  const p = [0, 0, 0], out = [0, 0, 0];
  for (let i = 0; i < width * height; i++) {
    const tri = r.triangleId[i]!;
    if (tri < 0) continue;
    const b = [r.bary[i * 3]!, r.bary[i * 3 + 1]!, r.bary[i * 3 + 2]!];
    let hem = 0;
    for (let c = 0; c < 3; c++) p[c] = 0;
    for (let k = 0; k < 3; k++) {
      const v = mesh.triangles[tri * 3 + k]!;
      for (let c = 0; c < 3; c++) p[c]! += b[k]! * mesh.rest[v * 3 + c]!;
      hem += b[k]! * mesh.hem[v]!;
    }
    evaluatePattern(appearance.bottom.pattern, p, out);
    // Waistband and hem bands slightly darker.
    const k = hem < 0.06 || hem > 0.95 ? 0.78 : 1;
    tex.data[i * 3] = out[0]! * k; tex.data[i * 3 + 1] = out[1]! * k; tex.data[i * 3 + 2] = out[2]! * k;
    mask[i] = 1;
  }
  dilateTexture(tex, mask, 4);
  return tex;
}

/**
 * Builds a BodyPose from a recipe: first the listed local rotations (degrees), then each aim
 * turns its bone (joint → child, rest direction) to the world direction given, compensating
 * for the rotations of the joint's ancestors (minimal rotation, no twist).
 */
export function poseFromRecipe(model: MakeHumanBodyModel, restJoints: Float64Array, recipe: PoseRecipe, translation: [number, number, number] = [0, 0, 0]): BodyPose {
  const names = model.skeleton.names, J = names.length;
  const idx = (n: string) => {
    const j = names.indexOf(n);
    if (j < 0) throw new PersonaError(`pose recipe: unknown joint '${n}'`, { hint: `Use MakeHuman game_engine joint names (e.g. ${names.slice(0, 4).join(', ')}).` });
    return j;
  };
  const rotations = new Float64Array(J * 3);
  for (const [n, deg] of recipe.rotations ?? []) rotations.set(deg.map((d) => (d * Math.PI) / 180), idx(n) * 3);
  const local = new Float64Array(J * 9), globals = new Float64Array(J * 12), skin = new Float64Array(J * 12);
  const tmp = new Float64Array(9);
  const fk = () => {
    for (let j = 0; j < J; j++) { axisAngleToMatrix(rotations[j * 3]!, rotations[j * 3 + 1]!, rotations[j * 3 + 2]!, tmp); local.set(tmp, j * 9); }
    forwardKinematics(model.skeleton.parents, restJoints, local, globals, skin);
  };
  for (const [n, child, dir] of recipe.aims ?? []) {
    fk();
    const j = idx(n), c = idx(child), p = model.skeleton.parents[j]!;
    const d0 = [restJoints[c * 3]! - restJoints[j * 3]!, restJoints[c * 3 + 1]! - restJoints[j * 3 + 1]!, restJoints[c * 3 + 2]! - restJoints[j * 3 + 2]!];
    // Target in the parent's frame: Rp^T · dir.
    const w = [0, 0, 0];
    for (let a = 0; a < 3; a++) w[a] = p < 0 ? dir[a]! : globals[p * 12 + a]! * dir[0] + globals[p * 12 + 4 + a]! * dir[1] + globals[p * 12 + 8 + a]! * dir[2];
    const nd = Math.hypot(d0[0]!, d0[1]!, d0[2]!), nw = Math.hypot(w[0]!, w[1]!, w[2]!);
    const a = d0.map((x) => x / nd), b = w.map((x) => x / nw);
    const ax = [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
    const s = Math.hypot(ax[0]!, ax[1]!, ax[2]!), cth = a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
    const angle = Math.atan2(s, cth);
    if (s < 1e-9) { rotations.fill(0, j * 3, j * 3 + 3); continue; }
    for (let k = 0; k < 3; k++) rotations[j * 3 + k] = (ax[k]! / s) * angle;
  }
  return { rotations, translation };
}

const subjectCache = new Map<string, SyntheticSubject>();

/**
 * The synthetic subject `id` (0 … SUBJECT_SPECS.length − 1), built on the default body model
 * (or `options.model`); cached per id, model and texture size.
 */
export function makeSubject(id: number, options: { model?: MakeHumanBodyModel; textureSize?: number } = {}): SyntheticSubject {
  const spec = SUBJECT_SPECS[id];
  if (!spec) throw new PersonaError(`no synthetic subject ${id}`, { hint: `Use an id from 0 to ${SUBJECT_SPECS.length - 1} (see listSubjects()).` });
  const model = options.model ?? loadBodyModel();
  const size = options.textureSize ?? 1024;
  const key = `${id}:${size}:${model.meta.source}:${model.vertexCount}`;
  let s = subjectCache.get(key);
  if (!s || s.model !== model) {
    s = new SyntheticSubject(spec, model, size);
    subjectCache.set(key, s);
  }
  return s;
}
