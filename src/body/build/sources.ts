/**
 * Readers for the MakeHuman/MPFB2 source assets (converter only; the runtime never reads them).
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PersonaError } from '../../core/errors.js';

/** A quad/triangle OBJ mesh with per-corner UV indices and a group per face. */
export interface ObjMesh {
  /** N×3 positions as written (MakeHuman: decimetres). */
  positions: Float64Array;
  /** T×2 texture coordinates. */
  uvs: Float64Array;
  /** Faces: vertex indices, uv indices, group name. */
  faces: Array<{ v: number[]; vt: number[]; group: string }>;
}

/** Parses a Wavefront OBJ (v, vt, f with v/vt, g). */
export function parseObj(path: string): ObjMesh {
  const text = readFileSync(path, 'utf8');
  const pos: number[] = [], uv: number[] = [];
  const faces: ObjMesh['faces'] = [];
  let group = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('v ')) { const p = line.split(/\s+/); pos.push(+p[1]!, +p[2]!, +p[3]!); }
    else if (line.startsWith('vt ')) { const p = line.split(/\s+/); uv.push(+p[1]!, +p[2]!); }
    else if (line.startsWith('g ')) group = line.slice(2).trim();
    else if (line.startsWith('f ')) {
      const v: number[] = [], vt: number[] = [];
      for (const c of line.trim().split(/\s+/).slice(1)) {
        const [a, b] = c.split('/');
        v.push(Number(a) - 1); vt.push(b ? Number(b) - 1 : -1);
      }
      faces.push({ v, vt, group });
    }
  }
  return { positions: Float64Array.from(pos), uvs: Float64Array.from(uv), faces };
}

/** A sparse target: vertex indices and deltas (as written: decimetres). */
export interface SparseTarget {
  indices: Int32Array;
  deltas: Float64Array; // n×3
}

/** Reads a `.target` or `.target.gz` file (lines `index dx dy dz`, `#` comments). */
export function readTarget(path: string): SparseTarget {
  const raw = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const idx: number[] = [], d: number[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const p = t.split(/\s+/);
    idx.push(Number(p[0])); d.push(Number(p[1]), Number(p[2]), Number(p[3]));
  }
  return { indices: Int32Array.from(idx), deltas: Float64Array.from(d) };
}

/** Lists files under `dir` (recursively) ending in `suffix`, as paths relative to `dir`. */
export function listFiles(dir: string, suffix: string, prefix = ''): string[] {
  if (!existsSync(dir)) throw new PersonaError(`missing asset folder '${dir}'`, { hint: 'pass --assets pointing at the MPFB2 asset folder (with 3dobjs/, targets/, rigs/)' });
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...listFiles(join(dir, e.name), suffix, `${prefix}${e.name}/`));
    else if (e.name.endsWith(suffix)) out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}

/** Vertex groups of the base mesh: name → list of [first, last] inclusive ranges. */
export function readVertexGroups(path: string): Record<string, Array<[number, number]>> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, Array<[number, number]>>;
}

/** Expands inclusive ranges into a list of indices. */
export function expandRanges(ranges: Array<[number, number]>): number[] {
  const out: number[] = [];
  for (const [a, b] of ranges) for (let i = a; i <= b; i++) out.push(i);
  return out;
}

/** The mirror table (`hm08.mirror`: lines `i j side`): mirror[i] = j. */
export function readMirror(path: string, n: number): Int32Array {
  const m = new Int32Array(n).fill(-1);
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const p = line.trim().split(/\s+/);
    if (p.length >= 2 && p[0] !== '') m[Number(p[0])] = Number(p[1]);
  }
  return m;
}

/** One bone of an MPFB2 rig JSON. */
export interface RigBone {
  parent: string;
  head: { strategy: string; cube_name?: string; vertex_indices?: number[] };
  tail: { strategy: string; cube_name?: string; vertex_indices?: number[] };
  roll: number;
}

/** Reads `rig.<name>.json`. */
export function readRig(path: string): Record<string, RigBone> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, RigBone>;
}

/** Reads `weights.<name>.json`: bone → [[vertex, weight], …]. */
export function readRigWeights(path: string): Record<string, Array<[number, number]>> {
  return (JSON.parse(readFileSync(path, 'utf8')) as { weights: Record<string, Array<[number, number]>> }).weights;
}
