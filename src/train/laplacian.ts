/**
 * Laplacian regularizers over a mesh neighbour graph (PERSONA LaplacianReg): the uniform
 * Laplacian Δx_i = x_i − mean_{j∈N(i)} x_j of per-vertex values (offsets, scales, colours),
 * penalised as a weighted mean of squares.
 */
import { PersonaError } from '../core/errors.js';
import type { Floats } from '../nn/index.js';
import type { LossResult } from './losses.js';

/** A neighbour graph in CSR form: the neighbours of i are neighbors[offsets[i] .. offsets[i+1]). */
export interface CsrGraph {
  vertexCount: number;
  offsets: Int32Array; // vertexCount + 1
  neighbors: Int32Array; // offsets[vertexCount]
}

/**
 * Builds the CSR neighbour graph of a polygon mesh: j is a neighbour of i when they share a
 * face (for triangles: an edge). `faces` is flat, `faceSize` indices per face (3 or 4).
 * Neighbours are sorted by index; with `maxNeighbors`, only the first that many are kept
 * (PERSONA keeps the first 10 of a Python set — an arbitrary subset; sorting makes ours
 * deterministic).
 */
export function graphFromFaces(vertexCount: number, faces: ArrayLike<number>, faceSize = 3, maxNeighbors = Infinity): CsrGraph {
  if (faces.length % faceSize !== 0) throw new PersonaError(`graphFromFaces: ${faces.length} indices is not a multiple of ${faceSize}`);
  const sets: Set<number>[] = Array.from({ length: vertexCount }, () => new Set<number>());
  for (let f = 0; f < faces.length; f += faceSize) {
    for (let a = 0; a < faceSize; a++) {
      const i = faces[f + a]!;
      if (!(i >= 0 && i < vertexCount)) throw new PersonaError(`graphFromFaces: face index ${i} is outside [0, ${vertexCount})`);
      for (let b = 0; b < faceSize; b++) if (a !== b) sets[i]!.add(faces[f + b]!);
    }
  }
  const offsets = new Int32Array(vertexCount + 1);
  const lists = sets.map((s) => [...s].sort((x, y) => x - y).slice(0, maxNeighbors));
  for (let i = 0; i < vertexCount; i++) offsets[i + 1] = offsets[i]! + lists[i]!.length;
  const neighbors = new Int32Array(offsets[vertexCount]!);
  for (let i = 0; i < vertexCount; i++) neighbors.set(lists[i]!, offsets[i]!);
  return { vertexCount, offsets, neighbors };
}

/** Options of `laplacianLoss`. */
export interface LaplacianOptions {
  /** Penalise Δx − Δt instead of Δx (PERSONA: hands/face keep the template's shape). */
  target?: ArrayLike<number>;
  /** Per-vertex weight (V). */
  vertexWeight?: ArrayLike<number>;
  /** Loss weight λ. */
  scale?: number;
  /** Accumulate λ·∂L/∂x here instead of allocating. */
  grad?: Floats;
}

/**
 * L = λ/(V·D) Σ_i w_i Σ_d (Δx_i,d − Δt_i,d)², values V×D row-major, with
 * Δx_i = x_i − (1/|N_i|)Σ_{j∈N_i} x_j (Δx_i = x_i when i has no neighbours, as PERSONA).
 * Gradient: ∂L/∂x_k = 2λ/(VD)·[w_k r_k − Σ_{i: k∈N_i} w_i r_i/|N_i|], r = Δx − Δt.
 */
export function laplacianLoss(values: Floats, dim: number, graph: CsrGraph, opts: LaplacianOptions = {}): LossResult {
  const V = graph.vertexCount;
  if (values.length !== V * dim) throw new PersonaError(`laplacianLoss: ${values.length} values for ${V} vertices × ${dim}`);
  if (opts.target && opts.target.length !== V * dim) throw new PersonaError(`laplacianLoss: target has ${opts.target.length} values, need ${V * dim}`);
  if (opts.vertexWeight && opts.vertexWeight.length !== V) throw new PersonaError(`laplacianLoss: vertexWeight has ${opts.vertexWeight.length} values, need ${V}`);
  const grad = opts.grad ?? (values instanceof Float64Array ? new Float64Array(values.length) : new Float32Array(values.length));
  if (grad.length !== values.length) throw new PersonaError(`laplacianLoss: grad has ${grad.length} values, need ${values.length}`);
  const { offsets, neighbors } = graph;
  const k = (2 * (opts.scale ?? 1)) / (V * dim);
  const r = new Float64Array(dim);
  let sum = 0;
  for (let i = 0; i < V; i++) {
    const s = offsets[i]!, e = offsets[i + 1]!, deg = e - s;
    const w = opts.vertexWeight ? opts.vertexWeight[i]! : 1;
    if (w === 0) continue;
    for (let d = 0; d < dim; d++) {
      let m = 0;
      for (let q = s; q < e; q++) m += values[neighbors[q]! * dim + d]!;
      let lap = values[i * dim + d]! - (deg > 0 ? m / deg : 0);
      if (opts.target) {
        let mt = 0;
        for (let q = s; q < e; q++) mt += opts.target[neighbors[q]! * dim + d]!;
        lap -= opts.target[i * dim + d]! - (deg > 0 ? mt / deg : 0);
      }
      r[d] = lap;
      sum += w * lap * lap;
    }
    for (let d = 0; d < dim; d++) {
      const g = k * w * r[d]!;
      grad[i * dim + d] += g;
      if (deg > 0) {
        const gn = g / deg;
        for (let q = s; q < e; q++) grad[neighbors[q]! * dim + d] -= gn;
      }
    }
  }
  return { value: (sum * k) / 2, grad };
}
