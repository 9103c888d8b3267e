/**
 * The header fields of the compiled MakeHuman body model (`assets/body/body.json` → meta).
 * Buffer names and layouts are listed in docs/body.md and in `BODY_BUFFERS`.
 */
import type { MacroTarget } from './phenotype.js';

/** Model-specific header of the compiled body container. */
export interface BodyMeta {
  kind: 'makehuman';
  /** Where the data came from and how it was made. */
  source: string;
  licence: string;
  units: 'm';
  vertexCount: number;
  triangleCount: number;
  shapeCount: number;
  expressionCount: number;
  /** Skin influences per vertex (K). */
  influences: number;
  skeleton: { names: string[]; parents: number[] };
  /** Extra regressed points that ride rigidly on a joint (fingertips, toe tips, head top). */
  landmarks: { names: string[]; joints: number[] };
  /** Part names, in label order (BODY_PARTS). */
  parts: string[];
  expressionNames: string[];
  /** Macro targets (in the order of `phenotypeProjection` columns). */
  phenotype: { targets: MacroTarget[] };
  /** Contiguous vertex ranges by source group (body, helper-l-eye, helper-r-eye). */
  vertexGroups: Array<{ name: string; first: number; count: number }>;
  /** Figures measured by the converter (variance explained, reconstruction and regressor errors…). */
  stats: Record<string, number | string>;
}

/** Buffers of the compiled body model (name → element type and shape symbolically). */
export const BODY_BUFFERS = {
  template: 'f32 V×3 — rest vertices of the mean shape (metres, Y up, facing +Z)',
  triangles: 'u32 F×3 — triangle vertex indices (counter-clockwise seen from outside)',
  cornerUvs: 'f32 F×3×2 — per-corner UV (v up)',
  partLabels: 'u8 V — index into BODY_PARTS',
  skinJoints: 'u16 V×K — joint index per influence',
  skinWeights: 'f32 V×K — weights (sum 1, zero-padded)',
  shapeBasis: 'f32 S×V×3 — PCA shape directions scaled to unit-variance coefficients (metres)',
  exprOffsets: 'u32 (E+1) — CSR row starts into exprVertices',
  exprVertices: 'u32 N — vertex index of each expression delta',
  exprDeltas: 'f32 N×3 — expression deltas (metres per unit)',
  regOffsets: 'u32 (J+L+1) — CSR row starts of the joint (then landmark) regressor',
  regVertices: 'u32 R — vertex index of each regressor weight',
  regWeights: 'f32 R — regressor weights (each row sums to 1)',
  mirror: 'i32 V — index of the left/right mirror vertex',
  sourceIndex: 'u32 V — vertex index in MakeHuman base.obj',
  phenotypeProjection: 'f32 S×T — shape coefficients per unit weight of each macro target',
  phenotypeMeanWeights: 'f32 T — mean macro-target weights of the sampled population (β = P·(w − w̄))',
} as const;
