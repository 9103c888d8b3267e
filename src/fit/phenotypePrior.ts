/**
 * The body-shape prior from evidence in the photo (issue #19): the apparent sex from the face-description
 * model (perception's `face.attributes`), or the user's `--sex`, moves the centre of the fit's shape prior
 * along the body model's semantic gender axis (MakeHuman macro `gender`, phenotype.ts) and stiffens the
 * prior along that axis, so that a man is not fitted with the population-average (half-female) chest and a
 * woman not with a male one. The keypoints and the matte still move the shape; the prior only decides what
 * they cannot see (the chest and hips in depth, from a front photo).
 *
 * Centre: β₀ = semanticShape({gender: g}) − semanticShape({gender: 0.5}), i.e. the population mean shifted
 * along the gender axis only (the other macros stay at the population mean). g = 0.5 ± 0.5·s, where the
 * strength s grows linearly from 0 at the confidence floor to 1 at FIT_CONFIG.sexPrior.fullConfidence.
 */
import type { ArrayBodyModel } from '../body/index.js';
import type { Phenotype } from '../body/index.js';
import type { Perception } from '../perceive/index.js';
import { FIT_CONFIG } from './config.js';

/** `--sex`: use the photo's evidence (auto) or the user's word. */
export type SexChoice = 'male' | 'female' | 'auto';

import type { PhenotypePriorRecord } from '../subject/index.js';
export type { PhenotypePriorRecord };

/** The shape prior the optimiser uses: isotropic weight around a centre, plus stiffer directions. */
export interface ShapePrior {
  centre: Float64Array;
  /** Unit directions in shape space with their extra weight (squared projection of β − centre). */
  directions: Array<{ dir: Float64Array; weight: number }>;
}

/** A body model with the semantic phenotype → shape map (the MakeHuman model). */
interface SemanticBody {
  semanticShape(p: Partial<Phenotype>): Float64Array;
}
const isSemantic = (b: ArrayBodyModel): b is ArrayBodyModel & SemanticBody =>
  typeof (b as unknown as Partial<SemanticBody>).semanticShape === 'function';

/** Decides the sex used by the fit from perception and the user's choice. */
export function decideSex(p: Perception, choice: SexChoice = 'auto'): Omit<PhenotypePriorRecord, 'applied' | 'note'> {
  const a = p.face?.attributes ?? null;
  const inferred = a?.sex ?? 'unknown';
  const confidence = a ? a.sexConfidence : 0;
  const age = a ? a.age : null;
  const cfg = FIT_CONFIG.sexPrior;
  if (choice !== 'auto') return { sex: { inferred, confidence, age, used: choice, source: 'user' }, gender: choice === 'male' ? 1 : 0 };
  if (inferred === 'unknown' || confidence < cfg.minConfidence) return { sex: { inferred, confidence, age, used: 'neutral', source: 'none' }, gender: 0.5 };
  const s = Math.min(1, (confidence - cfg.minConfidence) / (cfg.fullConfidence - cfg.minConfidence));
  return { sex: { inferred, confidence, age, used: inferred, source: 'photo' }, gender: 0.5 + (inferred === 'male' ? 0.5 : -0.5) * s };
}

/**
 * Combines the face's vote (±confidence) with the body's (tanh of the relative energy difference of the
 * male and female shape fits over FIT_CONFIG.sexPrior.bodyScale) into the sex the fit uses; their sum below
 * FIT_CONFIG.sexPrior.minConfidence stays neutral, and sets the prior's strength up to fullConfidence.
 */
export function combineSexEvidence(face: PhenotypePriorRecord | Omit<PhenotypePriorRecord, 'applied' | 'note'>, energyMale: number, energyFemale: number): Omit<PhenotypePriorRecord, 'applied' | 'note'> {
  const cfg = FIT_CONFIG.sexPrior;
  const { inferred, confidence, age } = face.sex;
  const faceVote = inferred === 'male' ? confidence : inferred === 'female' ? -confidence : 0;
  const relativeEnergy = (energyFemale - energyMale) / Math.max(1e-12, Math.min(energyMale, energyFemale));
  const bodyVote = Math.tanh(relativeEnergy / cfg.bodyScale);
  const total = faceVote + bodyVote;
  const body = { relativeEnergy: Number(relativeEnergy.toFixed(4)), bodyVote: Number(bodyVote.toFixed(3)), faceVote: Number(faceVote.toFixed(3)) };
  if (Math.abs(total) < cfg.minConfidence) return { sex: { inferred, confidence, age, used: 'neutral', source: 'none', body }, gender: 0.5 };
  const s = Math.min(1, (Math.abs(total) - cfg.minConfidence) / (cfg.fullConfidence - cfg.minConfidence));
  const used = total > 0 ? 'male' : 'female';
  return { sex: { inferred, confidence, age, used, source: 'photo', body }, gender: 0.5 + (used === 'male' ? 0.5 : -0.5) * s };
}

/** The shape prior for a decided gender on `body`, and the record for `fit/body.json`. */
export function phenotypePrior(body: ArrayBodyModel, decision: Omit<PhenotypePriorRecord, 'applied' | 'note'>): { prior: ShapePrior; record: PhenotypePriorRecord } {
  const S = body.shapeCount;
  if (!isSemantic(body)) {
    return {
      prior: { centre: new Float64Array(S), directions: [] },
      record: { ...decision, applied: false, note: `the ${body.kind} body has no semantic gender axis: shape prior left neutral` },
    };
  }
  const mid = body.semanticShape({ gender: 0.5 });
  const at = body.semanticShape({ gender: decision.gender });
  const centre = new Float64Array(S);
  for (let k = 0; k < S; k++) centre[k] = at[k]! - mid[k]!;
  // the gender axis (female → male), unit length
  const f = body.semanticShape({ gender: 0 }), m = body.semanticShape({ gender: 1 });
  const dir = new Float64Array(S);
  let n = 0;
  for (let k = 0; k < S; k++) { dir[k] = m[k]! - f[k]!; n += dir[k]! ** 2; }
  n = Math.sqrt(n) || 1;
  for (let k = 0; k < S; k++) dir[k]! /= n;
  const directions = decision.sex.used === 'neutral' ? [] : [{ dir, weight: FIT_CONFIG.sexPrior.axisWeight }];
  const b = decision.sex.body;
  const who = decision.sex.source === 'user' ? 'given with --sex'
    : decision.sex.source === 'photo' ? `inferred from the photo (face ${decision.sex.inferred} ${decision.sex.confidence.toFixed(2)}${b ? `, body fit vote ${b.bodyVote.toFixed(2)}` : ''})`
    : `not known (face ${decision.sex.inferred} ${decision.sex.confidence.toFixed(2)}${b ? `, body fit vote ${b.bodyVote.toFixed(2)}` : ''}: undecided)`;
  return {
    prior: { centre, directions },
    record: { ...decision, applied: true, note: `shape prior centred at gender ${decision.gender.toFixed(2)} (0 female … 1 male): sex ${who}` },
  };
}

/**
 * Energy of the shape prior and its gradient (added into `grad`):
 * E = w·|β − c|² + Σ_d w_d·(d·(β − c))².
 */
export function shapePriorEnergy(beta: ArrayLike<number>, prior: ShapePrior, weight: number, grad: Float64Array | Float32Array): number {
  let e = 0;
  const S = beta.length;
  for (let k = 0; k < S; k++) {
    const r = beta[k]! - (prior.centre[k] ?? 0);
    e += weight * r * r;
    grad[k] += 2 * weight * r;
  }
  for (const { dir, weight: w } of prior.directions) {
    let proj = 0;
    for (let k = 0; k < S; k++) proj += dir[k]! * (beta[k]! - (prior.centre[k] ?? 0));
    e += w * proj * proj;
    for (let k = 0; k < S; k++) grad[k] += 2 * w * proj * dir[k]!;
  }
  return e;
}
