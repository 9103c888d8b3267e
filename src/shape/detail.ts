/**
 * Colour between the proxy's vertices at the resolution of the images its vertex colours were sampled from. The shell's
 * vertices lie 2.5 cm apart (~9 px on a full-length photo), so colours interpolated between them blur a print or stripes
 * into blotches. Each vertex remembers where its colour came from (ProxyColors.photoUv, textureUv); a point between
 * vertices samples that image at the weighted mix of their coordinates instead. Vertices of one source form one group;
 * the point's colour is the groups' samples and the remaining vertices' own colours, by weight.
 */
import type { FloatImage } from '../core/image.js';
import { sampleTexture } from '../render/index.js';
import { PROXY_COLOR_CONFIG } from './config.js';
import type { ProxyLook } from './format.js';

/** Images behind the proxy's vertex colours, with each vertex's place in them (V×2 texture coordinates, v up; NaN where
 * the vertex's colour did not come from that image). */
export interface ProxyDetail {
  /** The photo (the seen surface). */
  photo?: { image: FloatImage; uv: Float32Array };
  /** The unwrapped body texture (the unseen surface: at the UV of the fitted body's nearest surface point). */
  texture?: { image: FloatImage; uv: Float32Array };
}

/** The detail of a proxy's `look`: the photo and the body texture, each where the look's vertices sampled them (none for a look
 * written before its sample coordinates, or without a `photo`). */
export function proxyDetail(look: ProxyLook, photo: FloatImage | undefined, texture: FloatImage): ProxyDetail {
  return {
    ...(look.photoUv && photo ? { photo: { image: photo, uv: look.photoUv } } : {}),
    ...(look.textureUv ? { texture: { image: texture, uv: look.textureUv } } : {}),
  };
}

/** Scratch space of {@link detailColour} (one per caller; no allocation per point): callers write the point's vertices and
 * weights into `vertices` and `weights`. */
export class DetailScratch {
  readonly vertices: Uint32Array;
  readonly weights: Float64Array;
  readonly rgb = new Float32Array(3);
  readonly own: Float64Array;
  constructor(readonly capacity: number) {
    this.vertices = new Uint32Array(capacity);
    this.weights = new Float64Array(capacity);
    this.own = new Float64Array(capacity);
  }
}

/**
 * The colour at a point that mixes `count` proxy vertices (scratch.vertices) with weights (scratch.weights, summing to 1), into `out`:
 * photo-coloured vertices' share samples the photo at their mixed photo coordinates; texture-coloured vertices' share
 * samples the body texture at their mixed UVs when those lie within PROXY_COLOR_CONFIG.textureUvSpan of their mix (one
 * UV island: neighbouring shell vertices whose nearest body vertices sit on different islands keep their own colours);
 * every other vertex gives its own colour.
 */
export function detailColour(count: number, colors: Float32Array, detail: ProxyDetail, out: Float32Array | number[], scratch: DetailScratch): void {
  const own = scratch.own;
  own.set(scratch.weights.subarray(0, count));
  out[0] = 0; out[1] = 0; out[2] = 0;
  if (detail.photo) addGroup(count, detail.photo, Infinity, out, scratch);
  if (detail.texture) addGroup(count, detail.texture, PROXY_COLOR_CONFIG.textureUvSpan, out, scratch);
  for (let k = 0; k < count; k++) {
    const w = own[k]!;
    if (w === 0) continue;
    const v = scratch.vertices[k]! * 3;
    for (let c = 0; c < 3; c++) out[c] = out[c]! + w * colors[v + c]!;
  }
}

/** Adds the share of the vertices placed in `source` (and takes their weight out of `own`), when their coordinates lie within
 * `span` of their mix. */
function addGroup(count: number, source: { image: FloatImage; uv: Float32Array }, span: number, out: Float32Array | number[], scratch: DetailScratch): void {
  const P = source.uv, own = scratch.own, vertex = scratch.vertices;
  let w = 0, u = 0, v = 0;
  for (let k = 0; k < count; k++) {
    const i = vertex[k]! * 2, x = P[i]!;
    if (own[k] === 0 || x !== x) continue;
    w += own[k]!; u += own[k]! * x; v += own[k]! * P[i + 1]!;
  }
  if (w === 0) return;
  u /= w; v /= w;
  if (span !== Infinity)
    for (let k = 0; k < count; k++) {
      const i = vertex[k]! * 2, x = P[i]!;
      if (own[k] === 0 || x !== x) continue;
      if (Math.hypot(x - u, P[i + 1]! - v) > span) return;
    }
  sampleTexture(source.image, u, v, scratch.rgb);
  for (let c = 0; c < 3; c++) out[c] = out[c]! + w * scratch.rgb[c]!;
  for (let k = 0; k < count; k++) if (P[vertex[k]! * 2]! === P[vertex[k]! * 2]!) own[k] = 0;
}
