/**
 * The default body model: the compiled MakeHuman/MPFB2 model in `assets/body/` (CC0),
 * plus a generic array-backed implementation of `BodyModel` that the SMPL-X loader and
 * subdivision reuse.
 */
import { join } from 'node:path';
import { PersonaError } from '../core/errors.js';
import { packageRoot } from '../core/version.js';
import { readContainer } from './format.js';
import type { BodyMeta } from './compiled.js';
import { macroTargetWeights, type MacroTarget, type Phenotype } from './phenotype.js';
import type { BodyModel, ShapeCoefficients, Skeleton, SkinWeights, SparseRegressor } from './types.js';

/** Everything an array-backed body model holds. */
export interface BodyModelData {
  kind: string;
  template: Float32Array;
  triangles: Uint32Array;
  cornerUvs: Float32Array;
  partLabels: Uint8Array;
  skeleton: Skeleton;
  shapeCount: number;
  shapeBasis: Float32Array;
  expressionNames: string[];
  expressionBasis: Float32Array;
  skinning: SkinWeights;
  jointRegressor: SparseRegressor;
  landmarkNames: string[];
  landmarkJoints: Int32Array;
  landmarkRegressor: SparseRegressor;
  mirror?: Int32Array;
}

/** Applies a CSR regressor to V×3 vertices → rows×3 (float64). */
export function applyRegressor(r: SparseRegressor, vertices: ArrayLike<number>, out?: Float64Array): Float64Array {
  const rows = r.offsets.length - 1;
  const o = out ?? new Float64Array(rows * 3);
  for (let j = 0; j < rows; j++) {
    let x = 0, y = 0, z = 0;
    for (let e = r.offsets[j]!; e < r.offsets[j + 1]!; e++) {
      const v = r.vertices[e]! * 3, w = r.weights[e]!;
      x += w * vertices[v]!; y += w * vertices[v + 1]!; z += w * vertices[v + 2]!;
    }
    o[j * 3] = x; o[j * 3 + 1] = y; o[j * 3 + 2] = z;
  }
  return o;
}

/** A BodyModel over plain arrays. */
export class ArrayBodyModel implements BodyModel {
  readonly kind: string;
  readonly vertexCount: number;
  readonly template: Float32Array;
  readonly triangles: Uint32Array;
  readonly cornerUvs: Float32Array;
  readonly partLabels: Uint8Array;
  readonly skeleton: Skeleton;
  readonly shapeCount: number;
  readonly shapeBasis: Float32Array;
  readonly expressionNames: string[];
  readonly expressionBasis: Float32Array;
  readonly skinning: SkinWeights;
  readonly jointRegressor: SparseRegressor;
  readonly landmarkNames: string[];
  readonly landmarkJoints: Int32Array;
  readonly landmarkRegressor: SparseRegressor;
  readonly mirror?: Int32Array;

  constructor(d: BodyModelData) {
    this.kind = d.kind;
    this.vertexCount = d.template.length / 3;
    this.template = d.template; this.triangles = d.triangles; this.cornerUvs = d.cornerUvs; this.partLabels = d.partLabels;
    this.skeleton = d.skeleton; this.shapeCount = d.shapeCount; this.shapeBasis = d.shapeBasis;
    this.expressionNames = d.expressionNames; this.expressionBasis = d.expressionBasis; this.skinning = d.skinning;
    this.jointRegressor = d.jointRegressor; this.landmarkNames = d.landmarkNames; this.landmarkJoints = d.landmarkJoints;
    this.landmarkRegressor = d.landmarkRegressor; this.mirror = d.mirror;
    const V = this.vertexCount, J = d.skeleton.names.length;
    const check = (ok: boolean, what: string): void => { if (!ok) throw new PersonaError(`body model (${d.kind}): ${what}`); };
    check(Number.isInteger(V) && V > 0, 'template must be V×3');
    check(d.shapeBasis.length === d.shapeCount * V * 3, `shapeBasis has ${d.shapeBasis.length} values, expected ${d.shapeCount}×${V}×3`);
    check(d.expressionBasis.length === d.expressionNames.length * V * 3, 'expressionBasis must be E×V×3');
    check(d.partLabels.length === V, 'partLabels must have V entries');
    check(d.cornerUvs.length === (d.triangles.length / 3) * 6, 'cornerUvs must be F×3×2');
    check(d.skinning.joints.length === V * d.skinning.influences && d.skinning.weights.length === V * d.skinning.influences, 'skinning must be V×K');
    check(d.skeleton.parents.length === J, 'parents must have J entries');
    for (let j = 0; j < J; j++) check(d.skeleton.parents[j]! < j, `joint ${j} must come after its parent`);
    check(d.jointRegressor.offsets.length === J + 1, 'joint regressor must have J rows');
    check(d.landmarkRegressor.offsets.length === d.landmarkNames.length + 1, 'landmark regressor must have one row per landmark');
  }

  get jointCount(): number { return this.skeleton.names.length; }

  /** Joint positions (J×3) of rest vertices. */
  jointPositions(vertices: Float32Array | Float64Array): Float64Array {
    return applyRegressor(this.jointRegressor, vertices);
  }

  /** Landmark positions (L×3) of rest vertices. */
  landmarkPositions(vertices: Float32Array | Float64Array): Float64Array {
    return applyRegressor(this.landmarkRegressor, vertices);
  }

  /** Rest vertices (float64) for shape and expression coefficients; `out` is reused if given. */
  shapedVertices64(beta: ArrayLike<number> | undefined, expression?: ArrayLike<number>, out?: Float64Array): Float64Array {
    const V3 = this.vertexCount * 3;
    const v = out ?? new Float64Array(V3);
    for (let i = 0; i < V3; i++) v[i] = this.template[i]!;
    if (beta) {
      if (beta.length > this.shapeCount) throw new PersonaError(`${beta.length} shape coefficients given; the ${this.kind} model has ${this.shapeCount}`);
      for (let k = 0; k < beta.length; k++) {
        const b = beta[k]!;
        if (b === 0) continue;
        const base = k * V3;
        for (let i = 0; i < V3; i++) v[i]! += b * this.shapeBasis[base + i]!;
      }
    }
    if (expression) {
      if (expression.length > this.expressionNames.length) throw new PersonaError(`${expression.length} expression coefficients given; the ${this.kind} model has ${this.expressionNames.length}`);
      for (let k = 0; k < expression.length; k++) {
        const e = expression[k]!;
        if (e === 0) continue;
        const base = k * V3;
        for (let i = 0; i < V3; i++) v[i]! += e * this.expressionBasis[base + i]!;
      }
    }
    return v;
  }

  shapedVertices(beta: ShapeCoefficients, expression?: ArrayLike<number>): Float32Array {
    return Float32Array.from(this.shapedVertices64(beta, expression));
  }
}

/** The compiled MakeHuman model, with the semantic (phenotype) shape map. */
export class MakeHumanBodyModel extends ArrayBodyModel {
  readonly meta: BodyMeta;
  /** S×T: shape coefficients per unit weight of each macro target. */
  private readonly projection: Float32Array;
  private readonly meanWeights: Float32Array;
  private readonly targets: MacroTarget[];
  /** Size of the compiled binary (bytes). */
  readonly compiledBytes: number;

  constructor(data: BodyModelData, meta: BodyMeta, projection: Float32Array, meanWeights: Float32Array, compiledBytes: number) {
    super(data);
    this.meta = meta; this.projection = projection; this.meanWeights = meanWeights; this.targets = meta.phenotype.targets; this.compiledBytes = compiledBytes;
  }

  /**
   * Shape coefficients for semantic MakeHuman values (each in [0,1], 0.5 = average; see
   * phenotype.ts). Exact MakeHuman macro blending projected onto the PCA basis.
   */
  semanticShape(p: Partial<Phenotype>): Float64Array {
    const T = this.targets.length, S = this.shapeCount;
    const w = macroTargetWeights(this.targets, p);
    const beta = new Float64Array(S);
    for (let k = 0; k < S; k++) {
      let b = 0;
      for (let t = 0; t < T; t++) b += this.projection[k * T + t]! * (w[t]! - this.meanWeights[t]!);
      beta[k] = b;
    }
    return beta;
  }
}

/** Expands a CSR expression basis into a dense E×V×3 array. */
function denseExpressions(offsets: Uint32Array, vertices: Uint32Array, deltas: Float32Array, E: number, V: number): Float32Array {
  const out = new Float32Array(E * V * 3);
  for (let e = 0; e < E; e++)
    for (let i = offsets[e]!; i < offsets[e + 1]!; i++) {
      const v = vertices[i]!;
      for (let c = 0; c < 3; c++) out[(e * V + v) * 3 + c] = deltas[i * 3 + c]!;
    }
  return out;
}

const cache = new Map<string, MakeHumanBodyModel>();

/** Default location of the compiled model. */
export function defaultBodyDir(): string {
  return join(packageRoot(), 'assets', 'body');
}

/** Loads the compiled MakeHuman body model (cached per folder). */
export function loadBodyModel(dir: string = defaultBodyDir()): MakeHumanBodyModel {
  const hit = cache.get(dir);
  if (hit) return hit;
  const { meta, buffers: b, byteLength } = readContainer<BodyMeta>(dir, 'body');
  const need = <T>(name: string): T => {
    const x = b[name];
    if (!x) throw new PersonaError(`compiled body model in '${dir}' lacks buffer '${name}'`, { hint: 'rebuild it with `npm run build:body`' });
    return x as T;
  };
  const J = meta.skeleton.names.length;
  const regOffsets = need<Uint32Array>('regOffsets'), regVertices = need<Uint32Array>('regVertices'), regWeights = need<Float32Array>('regWeights');
  const L = meta.landmarks.names.length;
  const start = regOffsets[J]!;
  const model = new MakeHumanBodyModel(
    {
      kind: 'makehuman',
      template: need('template'), triangles: need('triangles'), cornerUvs: need('cornerUvs'), partLabels: need('partLabels'),
      skeleton: { names: meta.skeleton.names, parents: Int32Array.from(meta.skeleton.parents) },
      shapeCount: meta.shapeCount, shapeBasis: need('shapeBasis'),
      expressionNames: meta.expressionNames,
      expressionBasis: denseExpressions(need('exprOffsets'), need('exprVertices'), need('exprDeltas'), meta.expressionCount, meta.vertexCount),
      skinning: { influences: meta.influences, joints: need('skinJoints'), weights: need('skinWeights') },
      jointRegressor: { offsets: regOffsets.slice(0, J + 1), vertices: regVertices, weights: regWeights },
      landmarkNames: meta.landmarks.names,
      landmarkJoints: Int32Array.from(meta.landmarks.joints),
      landmarkRegressor: { offsets: Uint32Array.from(regOffsets.subarray(J, J + L + 1), (o) => o - start), vertices: regVertices.slice(start), weights: regWeights.slice(start) },
      mirror: need('mirror'),
    },
    meta, need('phenotypeProjection'), need('phenotypeMeanWeights'), byteLength,
  );
  cache.set(dir, model);
  return model;
}

/** Shape coefficients for semantic values on the default (or given) MakeHuman model. */
export function semanticShape(p: Partial<Phenotype>, model: MakeHumanBodyModel = loadBodyModel()): Float64Array {
  return model.semanticShape(p);
}
