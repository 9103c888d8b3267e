/**
 * Builds the Gaussian template of a subject from a body model: the subject-shaped mesh subdivided
 * `levels` times, per-Gaussian attributes carried by the subdivision, initial colours from the unwrapped
 * texture, and the anchor map (each Gaussian as an affine combination of base-mesh vertices, composed
 * from the subdivision's edge-midpoint parents).
 */
import type { FloatImage } from '../core/image.js';
import { PART_INDEX } from '../body/index.js';
import type { ArrayBodyModel } from '../body/index.js';
import { subdivide } from '../body/index.js';
import { sampleTexture } from '../render/index.js';
import type { GaussianTemplate } from './template.js';
import { sparseExpressionBasis } from './expression.js';
import { detailColour, DetailScratch, type ProxyDetail } from '../shape/index.js';

/** Colour of Gaussians when no texture is given (mid grey). */
export const UNTEXTURED_COLOR = 0.6;

/** Composes per-level midpoint parents into sparse weights over the base vertices (rows sum to 1). */
export function composeSubdivisionWeights(steps: Array<{ parents: Uint32Array }>, baseCount: number): { anchors: Uint32Array; weights: Float32Array; perRow: number } {
  let rows: Array<Map<number, number>> = Array.from({ length: baseCount }, (_, i) => new Map([[i, 1]]));
  for (const step of steps) {
    const n = step.parents.length / 2;
    const next: Array<Map<number, number>> = new Array(n);
    for (let v = 0; v < n; v++) {
      const a = step.parents[v * 2]!, b = step.parents[v * 2 + 1]!;
      if (a === b) { next[v] = rows[a]!; continue; }
      const m = new Map<number, number>();
      for (const [k, w] of rows[a]!) m.set(k, (m.get(k) ?? 0) + 0.5 * w);
      for (const [k, w] of rows[b]!) m.set(k, (m.get(k) ?? 0) + 0.5 * w);
      next[v] = m;
    }
    rows = next;
  }
  let perRow = 1;
  for (const r of rows) if (r.size > perRow) perRow = r.size; // (no spread: rows can number 200k+)
  const anchors = new Uint32Array(rows.length * perRow), weights = new Float32Array(rows.length * perRow);
  rows.forEach((r, v) => {
    let k = 0;
    for (const [a, w] of r) { anchors[v * perRow + k] = a; weights[v * perRow + k] = w; k++; }
  });
  return { anchors, weights, perRow };
}

/** Colours of the subdivided vertices from the base vertices' colours by their subdivision weights, or from the images behind
 * those colours (`detail`) at each vertex's own place, as renderProxy shades the proxy. */
function interpolateVertexColors(out: Float32Array, vertexColors: Float32Array, map: { anchors: Uint32Array; weights: Float32Array; perRow: number }, detail: ProxyDetail = {}): void {
  const M = map.perRow, N = out.length / 3, scratch = new DetailScratch(M), rgb = new Float32Array(3);
  for (let v = 0; v < N; v++) {
    scratch.vertices.set(map.anchors.subarray(v * M, v * M + M));
    scratch.weights.set(map.weights.subarray(v * M, v * M + M));
    detailColour(M, vertexColors, detail, rgb, scratch);
    out.set(rgb, v * 3);
  }
}

/** Options of `buildGaussianTemplate`. */
export interface TemplateOptions {
  /** Shape coefficients of the subject. */
  shape: number[] | Float64Array | Float32Array;
  /** Subdivision levels (PERSONA: 2). */
  levels: number;
  /** Unwrapped texture for the initial colours (RGB, v-up UVs). */
  texture?: FloatImage;
  /** Per-vertex colours of the base mesh (V×3), interpolated by the subdivision (the clothed proxy's shell). */
  vertexColors?: Float32Array;
  /** Base triangles (F) that take the texture at their UVs instead (the proxy's template hands and face); all when absent. */
  texturedTriangles?: Uint8Array;
  /** With `vertexColors`: the images they were sampled from (the clothed proxy's photo and texture, shape/detail.ts). A Gaussian
   * between such vertices samples them at its own place, not the vertex colours' mean. */
  detail?: ProxyDetail;
}

/** Builds the template (see the module comment). */
export function buildGaussianTemplate(body: ArrayBodyModel, options: TemplateOptions): GaussianTemplate {
  const { model: sub, steps } = subdivide(body, options.levels);
  const baseRest = body.shapedVertices(options.shape);
  const rest = sub.shapedVertices(options.shape);
  const N = sub.vertexCount;
  const map = composeSubdivisionWeights(steps, body.vertexCount);
  const colors = new Float32Array(N * 3).fill(UNTEXTURED_COLOR);
  if (options.vertexColors) interpolateVertexColors(colors, options.vertexColors, map, options.detail);
  if (options.texture) {
    // average of the texture at each corner's UV: smooth across UV seams (PERSONA smooths seam vertices)
    const sum = new Float32Array(N * 3);
    const count = new Uint16Array(N);
    const rgb = [0, 0, 0];
    const T = sub.triangles, uv = sub.cornerUvs;
    const shift = 2 * options.levels; // subdivided triangle t descends from base triangle t >> 2L
    for (let c = 0; c < T.length; c++) {
      if (options.texturedTriangles && !options.texturedTriangles[Math.floor(c / 3) >> shift]) continue;
      sampleTexture(options.texture, uv[c * 2]!, uv[c * 2 + 1]!, rgb);
      const v = T[c]!;
      for (let k = 0; k < 3; k++) sum[v * 3 + k] += rgb[k]!;
      count[v]++;
    }
    for (let v = 0; v < N; v++) if (count[v]! > 0) for (let k = 0; k < 3; k++) colors[v * 3 + k] = sum[v * 3 + k]! / count[v]!;
  }
  const noOffsets = new Set<number>([PART_INDEX.leftHand, PART_INDEX.rightHand, PART_INDEX.face, PART_INDEX.eyes]);
  return {
    count: N,
    rest,
    triangles: sub.triangles,
    parts: sub.partLabels,
    skin: sub.skinning,
    colors,
    skeleton: body.skeleton,
    restJoints: body.jointPositions(baseRest),
    anchorRest: baseRest,
    anchorCount: body.vertexCount,
    anchorTriangles: body.triangles,
    anchorSkin: body.skinning,
    anchorEnabled: Uint8Array.from(body.partLabels, (p) => (noOffsets.has(p) ? 0 : 1)),
    gaussianAnchors: map.anchors,
    gaussianAnchorWeights: map.weights,
    anchorsPerGaussian: map.perRow,
    expression: sparseExpressionBasis(sub.expressionNames, sub.expressionBasis, N),
    body: { kind: body.kind, shape: Array.from(options.shape), subdivisionLevels: options.levels },
  };
}
