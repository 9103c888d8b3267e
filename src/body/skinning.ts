/**
 * Forward kinematics and linear blend skinning with analytic gradients.
 *
 * Convention (src/body/types.ts, as SMPL): local rotations R_j in world-aligned rest axes;
 * G_root = [R_root | J_root], G_j = G_parent · [R_j | J_j − J_parent]; the skinning transform
 * of joint j is A_j = G_j · [I | −J_j]; posed v = Σ_k w_k A_k v_rest + t; posed joints are
 * the translations of G_j, plus t. Rest vertices = template + shape basis·β + expression·ψ;
 * rest joints = regressor · rest vertices.
 *
 * `BodyPoser.backward` turns dL/d(posed vertices) and dL/d(posed joints) into dL/dpose
 * (axis-angle per joint), dL/dtranslation, dL/dβ and dL/dψ (all float64).
 */
import { axisAngleToMatrix } from '../core/rotation.js';
import { PersonaError } from '../core/errors.js';
import type { BodyPose, SkinWeights, SparseRegressor } from './types.js';
import { applyRegressor, type ArrayBodyModel } from './model.js';

/** Inputs of one posed body. */
export interface BodyParams {
  /** Shape coefficients (≤ shapeCount; missing = 0). */
  shape?: ArrayLike<number>;
  /** Expression coefficients (≤ expressionCount; missing = 0). */
  expression?: ArrayLike<number>;
  pose: BodyPose;
  /**
   * Precomputed rest vertices and joints (from `BodyPoser.rest`) to skip the shape and
   * expression bases when only the pose changes (animation, avatar training).
   */
  rest?: RestBody;
}

/** Rest vertices (V×3) and joints (J×3) of one shape and expression. */
export interface RestBody {
  vertices: Float64Array;
  joints: Float64Array;
}

/** Which gradients `backward` computes (all by default). */
export interface BackwardOptions {
  shape?: boolean;
  expression?: boolean;
  /** dL/d(posed landmarks) (L×3, as returned by `landmarks`). */
  gradLandmarks?: ArrayLike<number>;
}

/** The result of a forward pass (kept for the backward pass). */
export interface PosedBody {
  /** V×3 posed vertices (metres). */
  vertices: Float64Array;
  /** J×3 posed joint positions. */
  joints: Float64Array;
  /** V×3 rest vertices (shape + expression). */
  restVertices: Float64Array;
  /** J×3 rest joints. */
  restJoints: Float64Array;
  /** J×9 local rotation matrices. */
  localRotations: Float64Array;
  /** J×12 global transforms G_j as 3×4 row-major [R | t] (without the root translation t). */
  globals: Float64Array;
  /** J×12 skinning transforms A_j = G_j·[I | −J_j] as 3×4 row-major (without t). */
  skinTransforms: Float64Array;
  params: BodyParams;
}

/** Gradients with respect to the body parameters. */
export interface BodyGradients {
  /** J×3 dL/d(axis-angle) per joint. */
  pose: Float64Array;
  translation: Float64Array;
  /** dL/dβ (shapeCount). */
  shape: Float64Array;
  /** dL/dψ (expressionCount). */
  expression: Float64Array;
  /** V×3 dL/d(rest vertices) (before the shape/expression bases). */
  restVertices: Float64Array;
}

import { forwardKinematics, kinematicChainBackward } from './fk.js';
import { linearBlendSkinning } from './lbs.js';
export { forwardKinematics, linearBlendSkinning };

/** Adds Rᵀ-weighted regressor transpose: dV[v] += Σ_j R[j,v]·dJ[j]. */
function regressorTranspose(r: SparseRegressor, dJ: Float64Array, dV: Float64Array): void {
  const rows = r.offsets.length - 1;
  for (let j = 0; j < rows; j++)
    for (let e = r.offsets[j]!; e < r.offsets[j + 1]!; e++) {
      const v = r.vertices[e]! * 3, w = r.weights[e]!;
      dV[v]! += w * dJ[j * 3]!; dV[v + 1]! += w * dJ[j * 3 + 1]!; dV[v + 2]! += w * dJ[j * 3 + 2]!;
    }
}

/** Poses one body model: shape → rest joints → FK → LBS, and the matching backward pass. */
export class BodyPoser {
  readonly model: ArrayBodyModel;

  constructor(model: ArrayBodyModel) {
    this.model = model;
  }

  /** Forward pass. Pose rotations must have J×3 entries. */
  forward(params: BodyParams): PosedBody {
    const m = this.model, J = m.skeleton.names.length, V = m.vertexCount;
    const rot = params.pose.rotations;
    if (rot.length !== J * 3) throw new PersonaError(`pose has ${rot.length / 3} joint rotations; the ${m.kind} skeleton has ${J}`, { hint: 'give one axis-angle per joint in skeleton order (index 0 = root)' });
    const restVertices = params.rest?.vertices ?? m.shapedVertices64(params.shape, params.expression);
    const restJoints = params.rest?.joints ?? applyRegressor(m.jointRegressor, restVertices);
    if (restVertices.length !== V * 3 || restJoints.length !== J * 3) throw new PersonaError('precomputed rest body does not match the model', { hint: 'make it with BodyPoser.rest() of the same model' });
    const localRotations = new Float64Array(J * 9);
    const tmp = new Float64Array(9);
    for (let j = 0; j < J; j++) { axisAngleToMatrix(rot[j * 3]!, rot[j * 3 + 1]!, rot[j * 3 + 2]!, tmp); localRotations.set(tmp, j * 9); }
    const globals = new Float64Array(J * 12), skinTransforms = new Float64Array(J * 12);
    forwardKinematics(m.skeleton.parents, restJoints, localRotations, globals, skinTransforms);
    const t = params.pose.translation;
    const vertices = new Float64Array(V * 3);
    linearBlendSkinning(restVertices, m.skinning, skinTransforms, t, vertices);
    const joints = new Float64Array(J * 3);
    for (let j = 0; j < J; j++) for (let c = 0; c < 3; c++) joints[j * 3 + c] = globals[j * 12 + c * 4 + 3]! + t[c]!;
    return { vertices, joints, restVertices, restJoints, localRotations, globals, skinTransforms, params };
  }

  /** Rest vertices and joints for a shape and expression, to reuse across many poses. */
  rest(shape?: ArrayLike<number>, expression?: ArrayLike<number>): RestBody {
    const vertices = this.model.shapedVertices64(shape, expression);
    return { vertices, joints: applyRegressor(this.model.jointRegressor, vertices) };
  }

  /** Posed landmark positions (L×3): each rides rigidly on its joint. */
  landmarks(posed: PosedBody): Float64Array {
    const m = this.model, L = m.landmarkNames.length;
    const rest = applyRegressor(m.landmarkRegressor, posed.restVertices);
    const out = new Float64Array(L * 3), t = posed.params.pose.translation;
    for (let l = 0; l < L; l++) {
      const A = m.landmarkJoints[l]! * 12;
      for (let a = 0; a < 3; a++) {
        const T = posed.skinTransforms;
        out[l * 3 + a] = T[A + a * 4]! * rest[l * 3]! + T[A + a * 4 + 1]! * rest[l * 3 + 1]! + T[A + a * 4 + 2]! * rest[l * 3 + 2]! + T[A + a * 4 + 3]! + t[a]!;
      }
    }
    return out;
  }

  /**
   * Backward pass: gradients of a scalar loss given dL/d(posed vertices) (V×3, or null) and
   * dL/d(posed joints) (J×3, optional).
   */
  backward(posed: PosedBody, gradVertices: ArrayLike<number> | null, gradJoints?: ArrayLike<number> | null, options: BackwardOptions = {}): BodyGradients {
    const m = this.model, J = m.skeleton.names.length, V = m.vertexCount, K = m.skinning.influences;
    const parents = m.skeleton.parents;
    const dRg = new Float64Array(J * 9), dtg = new Float64Array(J * 3);
    const dRestJ = new Float64Array(J * 3), dRestV = new Float64Array(V * 3);
    const translation = new Float64Array(3);
    const S = posed.skinTransforms, G = posed.globals, rv = posed.restVertices, rj = posed.restJoints;
    if (gradVertices) {
      for (let i = 0; i < V; i++) {
        const gx = gradVertices[i * 3]!, gy = gradVertices[i * 3 + 1]!, gz = gradVertices[i * 3 + 2]!;
        if (gx === 0 && gy === 0 && gz === 0) continue;
        translation[0]! += gx; translation[1]! += gy; translation[2]! += gz;
        const x = rv[i * 3]!, y = rv[i * 3 + 1]!, z = rv[i * 3 + 2]!;
        let ax = 0, ay = 0, az = 0;
        for (let k = 0; k < K; k++) {
          const w = m.skinning.weights[i * K + k]!;
          if (w === 0) continue;
          const j = m.skinning.joints[i * K + k]!, a = j * 12;
          const wx = w * gx, wy = w * gy, wz = w * gz;
          // v_posed = Rg (v − J) + tg  ⇒  dRg += w g (v − J)ᵀ, dtg += w g, dJ −= Rgᵀ w g, dv += Rgᵀ w g
          const px = x - rj[j * 3]!, py = y - rj[j * 3 + 1]!, pz = z - rj[j * 3 + 2]!;
          const r = j * 9;
          dRg[r]! += wx * px; dRg[r + 1]! += wx * py; dRg[r + 2]! += wx * pz;
          dRg[r + 3]! += wy * px; dRg[r + 4]! += wy * py; dRg[r + 5]! += wy * pz;
          dRg[r + 6]! += wz * px; dRg[r + 7]! += wz * py; dRg[r + 8]! += wz * pz;
          dtg[j * 3]! += wx; dtg[j * 3 + 1]! += wy; dtg[j * 3 + 2]! += wz;
          const bx = S[a]! * wx + S[a + 4]! * wy + S[a + 8]! * wz;
          const by = S[a + 1]! * wx + S[a + 5]! * wy + S[a + 9]! * wz;
          const bz = S[a + 2]! * wx + S[a + 6]! * wy + S[a + 10]! * wz;
          dRestJ[j * 3]! -= bx; dRestJ[j * 3 + 1]! -= by; dRestJ[j * 3 + 2]! -= bz;
          ax += bx; ay += by; az += bz;
        }
        dRestV[i * 3] = ax; dRestV[i * 3 + 1] = ay; dRestV[i * 3 + 2] = az;
      }
    }
    if (gradJoints) for (let j = 0; j < J; j++) for (let c = 0; c < 3; c++) { const g = gradJoints[j * 3 + c]!; dtg[j * 3 + c]! += g; translation[c]! += g; }
    if (options.gradLandmarks) {
      // A landmark is a point skinned 100% to its joint: p = Rg (l − J) + tg + t, l = Reg_L · rest vertices.
      const L = m.landmarkNames.length, gl = options.gradLandmarks;
      const rl = applyRegressor(m.landmarkRegressor, rv);
      const dRestL = new Float64Array(L * 3);
      for (let l = 0; l < L; l++) {
        const gx = gl[l * 3]!, gy = gl[l * 3 + 1]!, gz = gl[l * 3 + 2]!;
        if (gx === 0 && gy === 0 && gz === 0) continue;
        const j = m.landmarkJoints[l]!, a = j * 12, r = j * 9;
        translation[0]! += gx; translation[1]! += gy; translation[2]! += gz;
        const px = rl[l * 3]! - rj[j * 3]!, py = rl[l * 3 + 1]! - rj[j * 3 + 1]!, pz = rl[l * 3 + 2]! - rj[j * 3 + 2]!;
        dRg[r]! += gx * px; dRg[r + 1]! += gx * py; dRg[r + 2]! += gx * pz;
        dRg[r + 3]! += gy * px; dRg[r + 4]! += gy * py; dRg[r + 5]! += gy * pz;
        dRg[r + 6]! += gz * px; dRg[r + 7]! += gz * py; dRg[r + 8]! += gz * pz;
        dtg[j * 3]! += gx; dtg[j * 3 + 1]! += gy; dtg[j * 3 + 2]! += gz;
        for (let b = 0; b < 3; b++) {
          const d = S[a + b]! * gx + S[a + 4 + b]! * gy + S[a + 8 + b]! * gz;
          dRestJ[j * 3 + b]! -= d; dRestL[l * 3 + b] = d;
        }
      }
      regressorTranspose(m.landmarkRegressor, dRestL, dRestV);
    }
    const pose = kinematicChainBackward(parents, rj, posed.localRotations, G, posed.params.pose.rotations, dRg, dtg, dRestJ);
    regressorTranspose(m.jointRegressor, dRestJ, dRestV);
    const V3 = V * 3;
    const shape = new Float64Array(m.shapeCount);
    if (options.shape !== false) for (let k = 0; k < m.shapeCount; k++) { let s = 0; const base = k * V3; for (let i = 0; i < V3; i++) s += m.shapeBasis[base + i]! * dRestV[i]!; shape[k] = s; }
    const E = m.expressionNames.length;
    const expression = new Float64Array(E);
    if (options.expression !== false) for (let k = 0; k < E; k++) { let s = 0; const base = k * V3; for (let i = 0; i < V3; i++) s += m.expressionBasis[base + i]! * dRestV[i]!; expression[k] = s; }
    return { pose, translation, shape, expression, restVertices: dRestV };
  }

  /** Forward passes for a batch of parameter sets (shape evaluated once per distinct array). */
  forwardBatch(batch: readonly BodyParams[]): PosedBody[] {
    return batch.map((p) => this.forward(p));
  }
}

/** A zero pose (all joints at rest, no translation) for a skeleton of J joints. */
export function restPose(jointCount: number): BodyPose {
  return { rotations: new Float64Array(jointCount * 3), translation: [0, 0, 0] };
}
