/**
 * SMPL-X loader: reads a user-supplied `SMPLX_{NEUTRAL,MALE,FEMALE}.npz` into the BodyModel
 * interface. Never shipped with Persona (its licence forbids redistribution).
 *
 * Read: v_template (V×3), f (F×3), shapedirs (V×3×(S+E): shape columns, then expression
 * columns), J_regressor (J×V, dense or already sparse-in-dense), weights (V×J),
 * kintree_table (2×J, row 0 = parents, root = −1 or 2³²−1), ft/vt (per-corner UVs) if present.
 * posedirs (pose-corrective blend shapes) are ignored: PERSONA's avatar learns its own
 * pose-dependent offsets, and the open model has none either.
 * Part labels come from the dominant skinning joint (SMPLX_PART_OF), the face box in front
 * of the eyes, and the mirror table from mirrored positions (1 mm tolerance).
 */
import { PersonaError } from '../core/errors.js';
import { readNpz, npyToFloat64, type NpyArray } from '../core/npz.js';
import { ArrayBodyModel } from './model.js';
import { PART_INDEX, type BodyPart } from './types.js';

/** The 55 SMPL-X joint names in model order. */
export const SMPLX_JOINT_NAMES: readonly string[] = (() => {
  const body = ['pelvis', 'left_hip', 'right_hip', 'spine1', 'left_knee', 'right_knee', 'spine2', 'left_ankle', 'right_ankle', 'spine3', 'left_foot', 'right_foot',
    'neck', 'left_collar', 'right_collar', 'head', 'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist', 'jaw', 'left_eye_smplhf', 'right_eye_smplhf'];
  const hand = (s: string): string[] => ['index', 'middle', 'pinky', 'ring', 'thumb'].flatMap((f) => [1, 2, 3].map((k) => `${s}_${f}${k}`));
  return [...body, ...hand('left'), ...hand('right')];
})();

/** Joint name → body part (by prefix). */
export function smplxPartOf(joint: string): BodyPart {
  const side = joint.startsWith('left') ? 'left' : joint.startsWith('right') ? 'right' : '';
  const p = (s: string): BodyPart => `${side}${s}` as BodyPart;
  if (/eye/.test(joint)) return 'eyes';
  if (/^(neck|head|jaw)$/.test(joint)) return 'head';
  if (/_hip$/.test(joint)) return p('UpperLeg');
  if (/_knee$/.test(joint)) return p('LowerLeg');
  if (/_(ankle|foot)$/.test(joint)) return p('Foot');
  if (/_shoulder$/.test(joint)) return p('UpperArm');
  if (/_elbow$/.test(joint)) return p('Forearm');
  if (/_(wrist|index\d|middle\d|pinky\d|ring\d|thumb\d)$/.test(joint)) return p('Hand');
  return 'torso';
}

/** Options of {@link loadSmplx}. */
export interface SmplxOptions {
  /** Shape components to keep (default 10, as PERSONA and most SMPL-X fitting). */
  shapeComponents?: number;
  /** Expression components to keep (default 10). */
  expressionComponents?: number;
  /** Shape columns in shapedirs before the expression columns (default: 300 when there are 400 columns, 10 when 20, else all). */
  shapeColumns?: number;
  /** Skin influences kept per vertex (default 8). */
  influences?: number;
}

function arr(z: Record<string, NpyArray>, name: string, file: string): NpyArray {
  const a = z[name];
  if (!a) throw new PersonaError(`'${file}' has no '${name}' array; is it an SMPL-X model file?`, { hint: 'use SMPLX_NEUTRAL.npz (or MALE/FEMALE) from the SMPL-X download' });
  return a;
}

/** Loads an SMPL-X `.npz` (path or bytes) as a BodyModel. */
export function loadSmplx(source: string | Uint8Array, opts: SmplxOptions = {}): ArrayBodyModel {
  const file = typeof source === 'string' ? source : 'SMPL-X npz';
  // Only the arrays used are inflated (posedirs alone is ~120 MB in the 2020 files).
  const z = readNpz(source, ['v_template', 'f', 'kintree_table', 'J_regressor', 'weights', 'shapedirs'], ['ft', 'vt']).arrays;
  const vt0 = arr(z, 'v_template', file);
  const V = vt0.shape[0]!;
  if (vt0.shape.length !== 2 || vt0.shape[1] !== 3) throw new PersonaError(`'${file}': v_template must be V×3, got (${vt0.shape.join(', ')})`);
  const template = Float32Array.from(npyToFloat64(vt0));
  const fA = arr(z, 'f', file);
  const triangles = Uint32Array.from(npyToFloat64(fA));
  const F = triangles.length / 3;
  for (const t of triangles) if (t >= V) throw new PersonaError(`'${file}': face index ${t} ≥ vertex count ${V}`);
  // Kinematic tree
  const kt = arr(z, 'kintree_table', file);
  const J = kt.shape[1]!;
  const ktd = npyToFloat64(kt);
  const parents = new Int32Array(J);
  for (let j = 0; j < J; j++) { const p = ktd[j]!; parents[j] = p < 0 || p >= 2 ** 31 || p >= J ? -1 : p; }
  for (let j = 0; j < J; j++) if (parents[j]! >= j) throw new PersonaError(`'${file}': joint ${j}'s parent ${parents[j]} does not precede it`);
  const names = J === SMPLX_JOINT_NAMES.length ? [...SMPLX_JOINT_NAMES] : Array.from({ length: J }, (_, j) => `joint_${j}`);
  // Regressor (dense J×V → CSR)
  const jr = arr(z, 'J_regressor', file);
  if (jr.shape[0] !== J || jr.shape[1] !== V) throw new PersonaError(`'${file}': J_regressor must be ${J}×${V}, got (${jr.shape.join(', ')})`);
  const jrd = npyToFloat64(jr);
  const offsets = [0], rv: number[] = [], rw: number[] = [];
  for (let j = 0; j < J; j++) { for (let v = 0; v < V; v++) { const w = jrd[j * V + v]!; if (w !== 0) { rv.push(v); rw.push(w); } } offsets.push(rv.length); }
  // Skinning (dense V×J → top-K)
  const wA = arr(z, 'weights', file);
  if (wA.shape[0] !== V || wA.shape[1] !== J) throw new PersonaError(`'${file}': weights must be ${V}×${J}, got (${wA.shape.join(', ')})`);
  const wd = npyToFloat64(wA);
  const K = opts.influences ?? 8;
  const sj = new Uint16Array(V * K), sw = new Float32Array(V * K);
  const partLabels = new Uint8Array(V);
  const byPart = new Float64Array(16);
  for (let v = 0; v < V; v++) {
    const list: Array<[number, number]> = [];
    byPart.fill(0);
    for (let j = 0; j < J; j++) { const w = wd[v * J + j]!; if (w > 0) { list.push([j, w]); byPart[PART_INDEX[smplxPartOf(names[j]!)]]! += w; } }
    if (list.length === 0) throw new PersonaError(`'${file}': vertex ${v} has no skinning weight`);
    list.sort((a, b) => b[1] - a[1]);
    const top = list.slice(0, K), s = top.reduce((t, [, w]) => t + w, 0);
    top.forEach(([j, w], k) => { sj[v * K + k] = j; sw[v * K + k] = w / s; });
    let best = 0;
    for (let p = 1; p < 16; p++) if (byPart[p]! > byPart[best]!) best = p;
    partLabels[v] = best;
  }
  // Shape and expression bases
  const sd = arr(z, 'shapedirs', file);
  if (sd.shape[0] !== V || sd.shape[1] !== 3) throw new PersonaError(`'${file}': shapedirs must be ${V}×3×N, got (${sd.shape.join(', ')})`);
  const cols = sd.shape[2] ?? 1;
  const shapeCols = opts.shapeColumns ?? (cols === 400 ? 300 : cols === 20 ? 10 : cols);
  const S = Math.min(opts.shapeComponents ?? 10, shapeCols);
  const E = Math.min(opts.expressionComponents ?? 10, cols - shapeCols);
  const sdd = npyToFloat64(sd);
  const shapeBasis = new Float32Array(S * V * 3), expressionBasis = new Float32Array(E * V * 3);
  for (let i = 0; i < V * 3; i++) {
    for (let k = 0; k < S; k++) shapeBasis[k * V * 3 + i] = sdd[i * cols + k]!;
    for (let k = 0; k < E; k++) expressionBasis[k * V * 3 + i] = sdd[i * cols + shapeCols + k]!;
  }
  // UVs
  const cornerUvs = new Float32Array(F * 6);
  if (z.ft && z.vt) {
    const ft = npyToFloat64(z.ft), vt = npyToFloat64(z.vt);
    if (ft.length !== F * 3) throw new PersonaError(`'${file}': ft must be F×3 like f`);
    for (let i = 0; i < F * 3; i++) { cornerUvs[i * 2] = vt[ft[i]! * 2]!; cornerUvs[i * 2 + 1] = vt[ft[i]! * 2 + 1]!; }
  }
  const model0 = { offsets: Uint32Array.from(offsets), vertices: Uint32Array.from(rv), weights: Float32Array.from(rw) };
  // Face labels: head vertices in front of the eyes, chin to brow (as the MakeHuman converter).
  const eyeL = names.indexOf('left_eye_smplhf'), eyeR = names.indexOf('right_eye_smplhf');
  if (eyeL >= 0 && eyeR >= 0) {
    const Jr = new Float64Array(J * 3);
    for (let j = 0; j < J; j++) for (let e = model0.offsets[j]!; e < model0.offsets[j + 1]!; e++) for (let c = 0; c < 3; c++) Jr[j * 3 + c]! += model0.weights[e]! * template[model0.vertices[e]! * 3 + c]!;
    const ey = (Jr[eyeL * 3 + 1]! + Jr[eyeR * 3 + 1]!) / 2, ez = (Jr[eyeL * 3 + 2]! + Jr[eyeR * 3 + 2]!) / 2;
    for (let v = 0; v < V; v++) {
      if (partLabels[v] !== PART_INDEX.head) continue;
      const y = template[v * 3 + 1]! - ey, zz = template[v * 3 + 2]! - ez;
      if (zz > -0.05 + (y < -0.08 ? 0.035 : 0) && y > -0.125 && y < 0.06) partLabels[v] = PART_INDEX.face;
    }
  }
  return new ArrayBodyModel({
    kind: 'smplx', template, triangles, cornerUvs, partLabels,
    skeleton: { names, parents }, shapeCount: S, shapeBasis, expressionNames: Array.from({ length: E }, (_, k) => `expression_${k}`), expressionBasis,
    skinning: { influences: K, joints: sj, weights: sw },
    jointRegressor: model0, landmarkNames: [], landmarkJoints: new Int32Array(0),
    landmarkRegressor: { offsets: Uint32Array.from([0]), vertices: new Uint32Array(0), weights: new Float32Array(0) },
    mirror: mirrorByPosition(template, 1e-3),
  });
}

/** For each vertex, the vertex at its mirrored position (x → −x) within `tol` metres, or −1. */
export function mirrorByPosition(p: Float32Array, tol: number): Int32Array {
  const V = p.length / 3, cell = Math.max(tol * 4, 1e-3);
  const grid = new Map<string, number[]>();
  const key = (x: number, y: number, z: number): string => `${Math.floor(x / cell)},${Math.floor(y / cell)},${Math.floor(z / cell)}`;
  for (let v = 0; v < V; v++) { const k = key(p[v * 3]!, p[v * 3 + 1]!, p[v * 3 + 2]!); const l = grid.get(k); if (l) l.push(v); else grid.set(k, [v]); }
  const out = new Int32Array(V).fill(-1);
  for (let v = 0; v < V; v++) {
    const x = -p[v * 3]!, y = p[v * 3 + 1]!, z = p[v * 3 + 2]!;
    let best = -1, bd = tol;
    const cx = Math.floor(x / cell), cy = Math.floor(y / cell), cz = Math.floor(z / cell);
    for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) for (let c = -1; c <= 1; c++)
      for (const u of grid.get(`${cx + a},${cy + b},${cz + c}`) ?? []) {
        const d = Math.hypot(p[u * 3]! - x, p[u * 3 + 1]! - y, p[u * 3 + 2]! - z);
        if (d <= bd) { bd = d; best = u; }
      }
    out[v] = best;
  }
  return out;
}
