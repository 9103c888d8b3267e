/**
 * The one body-model interface used by every stage (fitting, texture, avatar, animation).
 * Two sources implement it: the open default compiled from the MakeHuman/MPFB2 assets
 * (CC0) and a user-supplied SMPL-X `.npz`.
 *
 * Conventions (DESIGN.md): metres, right-handed, Y up, the person faces +Z at rest.
 * Pose convention (as SMPL): each joint's local rotation is expressed in axes aligned with
 * the world at rest; the posed global transform is G_j = G_parent(j) · [R_j | J_j − J_parent(j)],
 * and skinning applies G_j · [I | −J_j] to rest vertices (linear blend skinning).
 * Rest poses differ by source: the MakeHuman model rests in its A-pose (arms ~45° down),
 * SMPL-X in a T-pose; the person's left is +X in both. See docs/body.md.
 */

/** Body-part labels carried by every vertex (and by every Gaussian of the avatar). */
export const BODY_PARTS = [
  'torso',
  'head',
  'face',
  'eyes',
  'leftUpperArm',
  'rightUpperArm',
  'leftForearm',
  'rightForearm',
  'leftHand',
  'rightHand',
  'leftUpperLeg',
  'rightUpperLeg',
  'leftLowerLeg',
  'rightLowerLeg',
  'leftFoot',
  'rightFoot',
] as const;
export type BodyPart = (typeof BODY_PARTS)[number];
/** Index of a part in BODY_PARTS. */
export const PART_INDEX: Record<BodyPart, number> = Object.fromEntries(BODY_PARTS.map((p, i) => [p, i])) as Record<BodyPart, number>;

/** The skeleton: joint names and parents, in an order where each parent precedes its children. */
export interface Skeleton {
  names: string[];
  /** parents[j] is the index of j's parent, −1 for the root. */
  parents: Int32Array;
}

/** Sparse skinning weights: each vertex has `influences` (joint, weight) pairs; weights sum to 1. */
export interface SkinWeights {
  influences: number;
  /** V×K joint indices. */
  joints: Uint16Array;
  /** V×K weights (zero-padded). */
  weights: Float32Array;
}

/** Shape parameters: PCA coefficients of the compiled shape basis. */
export type ShapeCoefficients = Float32Array | Float64Array | number[];

/** A body pose: per-joint local axis-angle rotations plus a root translation. */
export interface BodyPose {
  /** J×3 axis-angle (radians), in skeleton order; index 0 is the root (global orientation). */
  rotations: Float64Array;
  /** Root translation (metres), added after rotation of the whole body. */
  translation: [number, number, number];
}

/** The body model. All arrays are flat, row-major. */
export interface BodyModel {
  /** 'makehuman' or 'smplx'. */
  readonly kind: string;
  readonly vertexCount: number;
  /** V×3 rest vertices at the mean shape (shape coefficients all zero), metres. */
  readonly template: Float32Array;
  /** F×3 triangle vertex indices (the body surface that the avatar uses). */
  readonly triangles: Uint32Array;
  /** F×3×2 per-corner UV coordinates in [0,1] (v up, as OBJ). */
  readonly cornerUvs: Float32Array;
  /** V part labels (indices into BODY_PARTS). */
  readonly partLabels: Uint8Array;
  readonly skeleton: Skeleton;
  /** Number of shape coefficients. */
  readonly shapeCount: number;
  /** S×V×3 shape basis (metres per unit coefficient). */
  readonly shapeBasis: Float32Array;
  /** Names of the expression basis vectors. */
  readonly expressionNames: string[];
  /** E×V×3 expression basis. */
  readonly expressionBasis: Float32Array;
  readonly skinning: SkinWeights;
  /** Sparse joint regressor (rows: joints, each an affine combination of vertices). */
  readonly jointRegressor: SparseRegressor;
  /**
   * Extra named points regressed from vertices that ride rigidly on a joint (MakeHuman:
   * fingertips, toe tips, head top; SMPL-X: none). `landmarkJoints[i]` is the joint index.
   */
  readonly landmarkNames: string[];
  readonly landmarkJoints: Int32Array;
  /** Sparse landmark regressor (rows: landmarks). */
  readonly landmarkRegressor: SparseRegressor;
  /** V: index of the left/right mirror of each vertex (−1 where unknown). */
  readonly mirror?: Int32Array;
  /** Joint positions (J×3) of the rest mesh `vertices` (which includes shape). */
  jointPositions(vertices: Float32Array | Float64Array): Float64Array;
  /** Rest vertices for shape coefficients `beta` (and optional expression coefficients). */
  shapedVertices(beta: ShapeCoefficients, expression?: ArrayLike<number>): Float32Array;
}

/** A sparse row-major matrix (CSR): row r uses entries offsets[r] … offsets[r+1]−1. */
export interface SparseRegressor {
  /** rows+1 row starts. */
  offsets: Uint32Array;
  /** Column (vertex) index of each entry. */
  vertices: Uint32Array;
  weights: Float32Array;
}
