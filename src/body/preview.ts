/**
 * Shaded previews of a body mesh (front, side, back) for looking at the model, using the
 * render room's rasterizer.
 */
import { lookAtCamera } from '../core/camera.js';
import type { FloatImage } from '../core/image.js';
import { contactSheet, labelColor, renderShaded } from '../render/index.js';
import { BODY_PARTS } from './types.js';

/** Preview options. */
export interface PreviewOptions {
  /** Image height per view in pixels (width is half). */
  size?: number;
  /** Views: front (from +Z), side (from +X), back, or face (front close-up of the head). */
  views?: Array<PreviewView>;
  /** Per-vertex part labels used to frame the 'face' view (head, face, eyes). */
  headLabels?: Uint8Array;
  /** Colour by part label (else light grey). */
  partLabels?: Uint8Array;
  /** Supersampling per axis. */
  supersample?: number;
  /** A fixed framing (shared by several renders so their sizes compare); default: this mesh's box. */
  frame?: PreviewFrame;
}

/** What the preview cameras look at: the box centre and the extent to fit. */
export interface PreviewFrame {
  centre: [number, number, number];
  /** Height of the region to fit (metres). */
  extent: number;
  /** Image width / height. */
  aspect: number;
  /** Half the horizontal depth of the box, to keep the camera outside it. */
  radius: number;
}

/** The framing that fits every mesh in `meshes` (V×3 arrays). */
export function frameOf(meshes: Array<Float32Array | Float64Array>): PreviewFrame {
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (const vertices of meshes) for (let i = 0; i < vertices.length; i += 3) for (let c = 0; c < 3; c++) { lo[c] = Math.min(lo[c]!, vertices[i + c]!); hi[c] = Math.max(hi[c]!, vertices[i + c]!); }
  const centre: [number, number, number] = [(lo[0]! + hi[0]!) / 2, (lo[1]! + hi[1]!) / 2, (lo[2]! + hi[2]!) / 2];
  const dy = hi[1]! - lo[1]!, dh = Math.max(hi[0]! - lo[0]!, hi[2]! - lo[2]!);
  const aspect = Math.min(1.3, Math.max(0.5, dh / dy));
  const extent = Math.max(dy, dh / aspect) * 1.08;
  return { centre, extent, aspect, radius: dh / 2 };
}

/** The preview views. */
export type PreviewView = 'front' | 'side' | 'back' | 'face';
const VIEW_DIRS: Record<PreviewView, [number, number, number]> = { front: [0, 0, 1], side: [1, 0, 0], back: [0, 0, -1], face: [0.2, 0.1, 1] };

/** Per-vertex RGB colours for part labels (pastel, lit by the shader). */
export function partColors(labels: Uint8Array): Float32Array {
  const out = new Float32Array(labels.length * 3);
  labels.forEach((l, i) => { const c = labelColor(l); out[i * 3] = 0.35 + 0.65 * c[0]; out[i * 3 + 1] = 0.35 + 0.65 * c[1]; out[i * 3 + 2] = 0.35 + 0.65 * c[2]; });
  return out;
}

/** Renders the views of one posed mesh side by side; the camera frames the mesh's bounding box. */
export function renderBodyViews(vertices: Float32Array | Float64Array, triangles: Uint32Array, opts: PreviewOptions = {}): FloatImage[] {
  const size = opts.size ?? 480;
  const views = opts.views ?? ['front', 'side', 'back'];
  const { centre, extent, radius, aspect } = opts.frame ?? frameOf([vertices]);
  const width = Math.round(size * aspect);
  const fov = 30, dist = extent / 2 / Math.tan((fov * Math.PI) / 360) + radius;
  const colors = opts.partLabels ? partColors(opts.partLabels) : undefined;
  return views.map((v) => {
    if (v === 'face') return renderFace(vertices, triangles, opts, size, colors);
    const d = VIEW_DIRS[v];
    const cam = lookAtCamera([centre[0] + d[0] * dist, centre[1] + d[1] * dist, centre[2] + d[2] * dist], centre, { width, height: size, fovYDeg: fov });
    return renderShaded(vertices, triangles, cam, { vertexColors: colors, background: 1, supersample: opts.supersample ?? 2, cull: 'back' }).image;
  });
}

/** A front close-up of the head: frames the head/face/eye vertices (or the top 13% of the body). */
function renderFace(vertices: Float32Array | Float64Array, triangles: Uint32Array, opts: PreviewOptions, size: number, colors?: Float32Array): FloatImage {
  const head: number[] = [];
  const V = vertices.length / 3;
  const labels = opts.headLabels;
  if (labels) {
    const want = new Set([BODY_PARTS.indexOf('head'), BODY_PARTS.indexOf('face'), BODY_PARTS.indexOf('eyes')]);
    for (let v = 0; v < V; v++) if (want.has(labels[v]!)) head.push(v);
  } else {
    let lo = Infinity, hi = -Infinity;
    for (let v = 0; v < V; v++) { lo = Math.min(lo, vertices[v * 3 + 1]!); hi = Math.max(hi, vertices[v * 3 + 1]!); }
    for (let v = 0; v < V; v++) if (vertices[v * 3 + 1]! > hi - 0.13 * (hi - lo)) head.push(v);
  }
  const sub = new Float64Array(head.length * 3);
  head.forEach((v, i) => { sub[i * 3] = vertices[v * 3]!; sub[i * 3 + 1] = vertices[v * 3 + 1]!; sub[i * 3 + 2] = vertices[v * 3 + 2]!; });
  const f = frameOf([sub]);
  const d = VIEW_DIRS.face, n = Math.hypot(d[0], d[1], d[2]);
  const fov = 25, dist = (f.extent * 0.9) / 2 / Math.tan((fov * Math.PI) / 360) + f.radius;
  const c = f.centre;
  const cam = lookAtCamera([c[0] + (d[0] / n) * dist, c[1] + (d[1] / n) * dist, c[2] + (d[2] / n) * dist], c, { width: Math.round(size * 0.85), height: size, fovYDeg: fov });
  return renderShaded(vertices, triangles, cam, { vertexColors: colors, background: 1, supersample: opts.supersample ?? 2, cull: 'back' }).image;
}

/** A labelled grid of previews: rows of views. */
export function previewSheet(rows: Array<{ label: string; views: FloatImage[] }>, columns?: number): FloatImage {
  const images = rows.flatMap((r) => r.views);
  const labels = rows.flatMap((r) => r.views.map((_, i) => (i === 0 ? r.label : '')));
  return contactSheet(images, { columns: columns ?? rows[0]?.views.length ?? 3, labels, padding: 6, labelScale: 2 });
}

/** The part names in label order, for legends. */
export const PART_NAMES = BODY_PARTS;
