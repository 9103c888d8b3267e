/**
 * MakeHuman macro phenotype → macro-target weights.
 *
 * MakeHuman (and MPFB2) shape a body from "macro" targets whose weights are products of
 * piecewise-linear factors of a few semantic values in [0, 1] (MakeHuman 1.1
 * `apps/humanmodifier.py` MacroModifier; the same rule is described in naver/anny
 * `phenotype.py`; written here from that description, not copied):
 *  - gender g: female 1−g, male g;
 *  - age a, anchors baby 0 (1 yr), child 0.1875 (11 yr), young 0.5 (25 yr), old 1 (90 yr);
 *  - muscle and weight: min 0, average 0.5, max 1;
 *  - height and proportions: one-sided, min/uncommon below 0.5, max/ideal above 0.5, nothing at 0.5;
 *  - ethnicity african/asian/caucasian: shares normalised to sum 1 (default 1/3 each).
 * Target groups (files under `targets/macrodetails`):
 *  race-gender-age (`{race}-{gender}-{age}`), gender-age-muscle-weight (`universal-…`),
 *  …-height (`height/…-{min|max}height`), …-proportions (`proportions/…-{uncommon|ideal}proportions`).
 */
import { PersonaError } from '../core/errors.js';

/** The six semantic macro values of the body model, each in [0, 1] (0.5 = average). */
export interface Phenotype {
  /** 0 female … 1 male. */
  gender: number;
  /** 0 = 1 year, 0.1875 = 11, 0.5 = 25, 1 = 90 years (MakeHuman's age axis). */
  age: number;
  muscle: number;
  weight: number;
  height: number;
  /** 0 uncommon … 0.5 neutral … 1 ideal proportions. */
  proportions: number;
  /** Optional ethnic mix (normalised; default 1/3 each). */
  african?: number;
  asian?: number;
  caucasian?: number;
}

/** The default phenotype: every value 0.5 (an average young adult of neutral gender). */
export const DEFAULT_PHENOTYPE: Readonly<Phenotype> = Object.freeze({ gender: 0.5, age: 0.5, muscle: 0.5, weight: 0.5, height: 0.5, proportions: 0.5 });

/** Phenotype values covered by the compiled shape basis (sampling range of the converter). */
export const PHENOTYPE_RANGE: Readonly<Record<'gender' | 'age' | 'muscle' | 'weight' | 'height' | 'proportions', [number, number]>> = Object.freeze({
  gender: [0, 1], age: [0.25, 1], muscle: [0, 1], weight: [0, 1], height: [0, 1], proportions: [0, 1],
});

/** Factor names as they appear in target file names. */
export type MacroFactor = string;

/** One macro target: its file (relative to macrodetails) and the factors whose weights multiply. */
export interface MacroTarget {
  file: string;
  factors: MacroFactor[];
}

const AGE_ANCHORS: Array<[string, number]> = [['baby', 0], ['child', 0.1875], ['young', 0.5], ['old', 1]];

/** Factor weights (name → weight) for a phenotype. */
export function macroFactorWeights(p: Partial<Phenotype>): Record<string, number> {
  const v = { ...DEFAULT_PHENOTYPE, ...p };
  for (const k of ['gender', 'age', 'muscle', 'weight', 'height', 'proportions'] as const) {
    const x = v[k];
    if (!Number.isFinite(x) || x < 0 || x > 1) throw new PersonaError(`phenotype ${k}=${x} is outside [0, 1]`, { hint: 'give each of gender, age, muscle, weight, height, proportions as a number from 0 to 1 (0.5 = average)' });
  }
  const w: Record<string, number> = {};
  w.female = 1 - v.gender; w.male = v.gender;
  for (const [n] of AGE_ANCHORS) w[n] = 0;
  for (let i = 0; i + 1 < AGE_ANCHORS.length; i++) {
    const [n0, a0] = AGE_ANCHORS[i]!, [n1, a1] = AGE_ANCHORS[i + 1]!;
    if (v.age >= a0 && v.age <= a1) { const t = (v.age - a0) / (a1 - a0); w[n0] = 1 - t; w[n1] = t; break; }
  }
  const tri = (x: number, lo: string, mid: string, hi: string): void => {
    w[lo] = Math.max(0, 1 - 2 * x); w[hi] = Math.max(0, 2 * x - 1); w[mid] = 1 - w[lo]! - w[hi]!;
  };
  tri(v.muscle, 'minmuscle', 'averagemuscle', 'maxmuscle');
  tri(v.weight, 'minweight', 'averageweight', 'maxweight');
  w.minheight = Math.max(0, 1 - 2 * v.height); w.maxheight = Math.max(0, 2 * v.height - 1);
  w.uncommonproportions = Math.max(0, 1 - 2 * v.proportions); w.idealproportions = Math.max(0, 2 * v.proportions - 1);
  const ra = v.african ?? 1 / 3, rs = v.asian ?? 1 / 3, rc = v.caucasian ?? 1 / 3;
  const rsum = ra + rs + rc;
  if (!(ra >= 0 && rs >= 0 && rc >= 0 && rsum > 0)) throw new PersonaError('ethnic mix (african, asian, caucasian) must be non-negative and not all zero');
  w.african = ra / rsum; w.asian = rs / rsum; w.caucasian = rc / rsum;
  w.universal = 1;
  return w;
}

/** Weight of every target for a phenotype (products of its factors' weights). */
export function macroTargetWeights(targets: readonly MacroTarget[], p: Partial<Phenotype>, out = new Float64Array(targets.length)): Float64Array {
  const f = macroFactorWeights(p);
  targets.forEach((t, i) => {
    let w = 1;
    for (const name of t.factors) {
      const x = f[name];
      if (x === undefined) throw new PersonaError(`macro target '${t.file}' has unknown factor '${name}'`);
      w *= x;
    }
    out[i] = w;
  });
  return out;
}

/** Parses a macrodetails target file name into its factors, or undefined if it is not a macro target. */
export function parseMacroTargetFile(file: string): MacroTarget | undefined {
  const base = file.replace(/\.target(\.gz)?$/, '');
  const parts = base.split('/');
  const name = parts[parts.length - 1]!;
  const factors = name.split('-');
  const known = new Set(Object.keys(macroFactorWeights({})));
  if (!factors.every((f) => known.has(f))) return undefined;
  return { file: base, factors };
}
