/**
 * PLY in the INRIA 3D Gaussian Splatting layout (Kerbl et al. 2023, the layout every splat tool reads):
 * binary little-endian float properties x y z, nx ny nz (zero), f_dc_0..2 (colour = 0.5 + SH_C0·f_dc),
 * opacity (logit), scale_0..2 (natural log), rot_0..3 (quaternion w x y z). Also a plain reader for
 * binary/ASCII PLY vertex elements (used to check exports and to import clouds).
 */
import { PersonaError } from '../core/errors.js';
import { EXPORT_CONFIG } from './config.js';
import type { GaussianCloud } from './cloud.js';

/** Property names, in file order, of the INRIA layout without higher-order SH. */
export const INRIA_PROPERTIES = [
  'x', 'y', 'z', 'nx', 'ny', 'nz', 'f_dc_0', 'f_dc_1', 'f_dc_2', 'opacity',
  'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3',
] as const;

/** Encodes a Gaussian cloud as an INRIA-layout binary PLY. */
export function encodeGaussianPly(cloud: GaussianCloud, comment = 'persona-avatar'): Uint8Array {
  const n = cloud.count;
  const P = INRIA_PROPERTIES.length;
  const header =
    `ply\nformat binary_little_endian 1.0\ncomment ${comment.replace(/\n/g, ' ')}\nelement vertex ${n}\n` +
    INRIA_PROPERTIES.map((p) => `property float ${p}\n`).join('') +
    'end_header\n';
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(head.length + n * P * 4);
  out.set(head, 0);
  const view = new DataView(out.buffer, head.length);
  const { SH_C0, OPACITY_EPS, MIN_SCALE } = EXPORT_CONFIG;
  const { means, scales, rotations, colors, opacities } = cloud;
  const row = new Float32Array(P);
  for (let i = 0; i < n; i++) {
    row[0] = means[i * 3]!; row[1] = means[i * 3 + 1]!; row[2] = means[i * 3 + 2]!;
    row[3] = 0; row[4] = 0; row[5] = 0;
    for (let c = 0; c < 3; c++) row[6 + c] = (colors[i * 3 + c]! - 0.5) / SH_C0;
    const o = Math.min(Math.max(opacities[i]!, OPACITY_EPS), 1 - OPACITY_EPS);
    row[9] = Math.log(o / (1 - o));
    for (let c = 0; c < 3; c++) row[10 + c] = Math.log(Math.max(scales[i * 3 + c]!, MIN_SCALE));
    for (let c = 0; c < 4; c++) row[13 + c] = rotations[i * 4 + c]!;
    const base = i * P * 4;
    for (let p = 0; p < P; p++) view.setFloat32(base + p * 4, row[p]!, true);
  }
  return out;
}

/** A PLY element read back: its row count and each property as a Float64Array column. */
export interface PlyElement {
  name: string;
  count: number;
  columns: Map<string, Float64Array>;
}

const SIZES: Record<string, number> = {
  char: 1, int8: 1, uchar: 1, uint8: 1, short: 2, int16: 2, ushort: 2, uint16: 2,
  int: 4, int32: 4, uint: 4, uint32: 4, float: 4, float32: 4, double: 8, float64: 8,
};

function reader(type: string, view: DataView, little: boolean): (o: number) => number {
  switch (type) {
    case 'char': case 'int8': return (o) => view.getInt8(o);
    case 'uchar': case 'uint8': return (o) => view.getUint8(o);
    case 'short': case 'int16': return (o) => view.getInt16(o, little);
    case 'ushort': case 'uint16': return (o) => view.getUint16(o, little);
    case 'int': case 'int32': return (o) => view.getInt32(o, little);
    case 'uint': case 'uint32': return (o) => view.getUint32(o, little);
    case 'float': case 'float32': return (o) => view.getFloat32(o, little);
    default: return (o) => view.getFloat64(o, little);
  }
}

/**
 * Reads the elements of a PLY file (binary little/big endian or ASCII; list properties are not supported
 * in binary files and are skipped in ASCII ones). `where` names the file in error messages.
 */
export function readPly(bytes: Uint8Array, where = 'PLY'): PlyElement[] {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 65536)));
  const end = text.indexOf('end_header');
  if (!text.startsWith('ply') || end < 0) throw new PersonaError(`${where} is not a PLY file (no "ply … end_header" header).`);
  let bodyStart = end + 'end_header'.length;
  if (text[bodyStart] === '\r') bodyStart++;
  if (text[bodyStart] === '\n') bodyStart++;
  const lines = text.slice(0, end).split(/\r?\n/);
  let format = '';
  const elements: Array<{ name: string; count: number; props: Array<{ name: string; type: string; list: boolean }> }> = [];
  lines.forEach((line, lineNo) => {
    const t = line.trim().split(/\s+/);
    if (t[0] === 'format') format = t[1] ?? '';
    else if (t[0] === 'element') elements.push({ name: t[1] ?? '', count: Number(t[2]), props: [] });
    else if (t[0] === 'property') {
      const el = elements[elements.length - 1];
      if (!el) throw new PersonaError(`${where}: header line ${lineNo + 1} has a property before any element.`);
      if (t[1] === 'list') el.props.push({ name: t[4] ?? '', type: t[3] ?? '', list: true });
      else {
        if (!(t[1]! in SIZES)) throw new PersonaError(`${where}: header line ${lineNo + 1}: unknown property type "${t[1]}".`);
        el.props.push({ name: t[2] ?? '', type: t[1]!, list: false });
      }
    }
  });
  for (const el of elements)
    if (!Number.isInteger(el.count) || el.count < 0) throw new PersonaError(`${where}: element "${el.name}" has a bad count.`);
  const out: PlyElement[] = [];
  if (format === 'ascii') {
    const tokens = new TextDecoder('latin1').decode(bytes.subarray(bodyStart)).split(/\s+/).filter((s) => s.length > 0);
    let k = 0;
    for (const el of elements) {
      const cols = new Map(el.props.filter((p) => !p.list).map((p) => [p.name, new Float64Array(el.count)] as const));
      for (let i = 0; i < el.count; i++) {
        for (const p of el.props) {
          if (k >= tokens.length) throw new PersonaError(`${where} is truncated in element "${el.name}" row ${i}.`);
          if (p.list) { const m = Number(tokens[k++]); k += m; continue; }
          cols.get(p.name)![i] = Number(tokens[k++]);
        }
      }
      out.push({ name: el.name, count: el.count, columns: cols });
    }
    return out;
  }
  const little = format === 'binary_little_endian';
  if (!little && format !== 'binary_big_endian') throw new PersonaError(`${where}: unsupported PLY format "${format}".`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = bodyStart;
  for (const el of elements) {
    if (el.props.some((p) => p.list)) throw new PersonaError(`${where}: binary list properties (element "${el.name}") are not supported.`);
    const stride = el.props.reduce((s, p) => s + SIZES[p.type]!, 0);
    if (offset + stride * el.count > bytes.length)
      throw new PersonaError(`${where} is truncated: element "${el.name}" needs ${stride * el.count} bytes, ${bytes.length - offset} remain.`);
    const cols = new Map<string, Float64Array>();
    let po = 0;
    for (const p of el.props) {
      const col = new Float64Array(el.count);
      const get = reader(p.type, view, little);
      for (let i = 0; i < el.count; i++) col[i] = get(offset + i * stride + po);
      cols.set(p.name, col);
      po += SIZES[p.type]!;
    }
    offset += stride * el.count;
    out.push({ name: el.name, count: el.count, columns: cols });
  }
  return out;
}

/** Decodes an INRIA-layout PLY back into a Gaussian cloud (inverse of {@link encodeGaussianPly}). */
export function decodeGaussianPly(bytes: Uint8Array, where = 'PLY'): GaussianCloud {
  const v = readPly(bytes, where).find((e) => e.name === 'vertex');
  if (!v) throw new PersonaError(`${where} has no "vertex" element.`);
  const col = (name: string): Float64Array => {
    const c = v.columns.get(name);
    if (!c) throw new PersonaError(`${where} lacks property "${name}" of the 3DGS layout.`);
    return c;
  };
  return cloudFromColumns(v.count, col);
}

/**
 * A Gaussian cloud from the columns of the INRIA 3DGS layout (x y z, f_dc_0..2, opacity as a logit,
 * scale_0..2 as logs, rot_0..3 as w x y z), however they were read (PLY here, splat-transform's tables).
 */
export function cloudFromColumns(n: number, col: (name: string) => ArrayLike<number>): GaussianCloud {
  const cloud: GaussianCloud = {
    count: n, means: new Float32Array(n * 3), scales: new Float32Array(n * 3), rotations: new Float32Array(n * 4),
    colors: new Float32Array(n * 3), opacities: new Float32Array(n),
  };
  const { SH_C0 } = EXPORT_CONFIG;
  for (let a = 0; a < 3; a++) {
    const m = col('xyz'[a]!), f = col(`f_dc_${a}`), s = col(`scale_${a}`);
    for (let i = 0; i < n; i++) {
      cloud.means[i * 3 + a] = m[i]!;
      cloud.colors[i * 3 + a] = 0.5 + SH_C0 * f[i]!;
      cloud.scales[i * 3 + a] = Math.exp(s[i]!);
    }
  }
  for (let a = 0; a < 4; a++) {
    const r = col(`rot_${a}`);
    for (let i = 0; i < n; i++) cloud.rotations[i * 4 + a] = r[i]!;
  }
  const op = col('opacity');
  for (let i = 0; i < n; i++) cloud.opacities[i] = 1 / (1 + Math.exp(-op[i]!));
  return cloud;
}
