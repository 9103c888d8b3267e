/**
 * The Gaussian template of an avatar: one Gaussian per vertex of the subject-shaped body mesh
 * subdivided L times (PERSONA: SMPL-X subdivided twice), with everything training needs per Gaussian,
 * and the anchors on which the pose-offset MLP runs.
 *
 * Anchors: the MLP is evaluated on the vertices of the *unsubdivided* mesh and its offsets are spread
 * to the Gaussians by the subdivision's own linear interpolation weights (each subdivided vertex is an
 * affine combination of base vertices). PERSONA runs the MLP on every Gaussian; since subdivision is
 * linear and the pose input and triplane are smooth, evaluating at the base vertices gives the same
 * offsets at those vertices and interpolates between them — 4× (1 level) to 16× (2 levels) fewer MLP
 * rows, which is what makes CPU training fit in minutes. Documented in docs/avatar.md.
 */
import type { SkinWeights, Skeleton } from '../body/index.js';
import type { ExpressionBasis } from './expression.js';

/** Everything per Gaussian and per anchor that the avatar model needs. */
export interface GaussianTemplate {
  /** N Gaussians. */
  count: number;
  /** N×3 rest positions (subject's shape, rest pose), metres. */
  rest: Float32Array;
  /** F×3 triangles over the Gaussians (subdivided mesh), for normals and the Laplacian graph. */
  triangles: Uint32Array;
  /** N BODY_PARTS labels. */
  parts: Uint8Array;
  /** N×K template skinning weights (subdivided). */
  skin: SkinWeights;
  /** N×3 initial colours in [0,1] (from the unwrapped texture). */
  colors: Float32Array;
  /** The skeleton and the subject's rest joints (J×3). */
  skeleton: Skeleton;
  restJoints: Float64Array;
  /** A anchors (base-mesh vertices): rest positions A×3. */
  anchorRest: Float32Array;
  anchorCount: number;
  /** Triangles of the base mesh (the anchors' neighbour graph). */
  anchorTriangles: Uint32Array;
  /** A×K template skinning of the anchors (their main joint picks the 4-ring). */
  anchorSkin: SkinWeights;
  /** A: 1 where pose-driven offsets apply (not hands, face, eyes). */
  anchorEnabled: Uint8Array;
  /** N×M anchors of each Gaussian and their weights (rows sum to 1). */
  gaussianAnchors: Uint32Array;
  gaussianAnchorWeights: Float32Array;
  anchorsPerGaussian: number;
  /** The body model's expression units over the Gaussians they move (subdivided with the mesh); absent: none. */
  expression?: ExpressionBasis | null;
  /** Body model kind, shape coefficients and subdivision levels (provenance for the bundle). */
  body: { kind: string; shape: number[]; subdivisionLevels: number };
}
