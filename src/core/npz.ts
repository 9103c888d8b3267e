/**
 * NumPy `.npy` / `.npz` reading (and writing, for tests and tools).
 *
 * `.npz` is a zip of `.npy` files (numpy.savez: stored; savez_compressed: deflate; both may
 * carry ZIP64 records, which fflate reads). Supported dtypes: little-endian or byte-order-free
 * f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, b1, and unicode strings `<U…`. C and Fortran order;
 * Fortran arrays are transposed to C (row-major) order on load, so `data` is always row-major.
 * 64-bit integers are returned as Float64Array (exact below 2^53; larger values throw).
 * Object arrays (`|O`, pickled) cannot be read without Python: such entries are listed in
 * `NpzFile.unsupported` instead of failing the whole file.
 */
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { PersonaError } from './errors.js';

/** Numeric element storage of an `.npy` array (row-major). */
export type NpyNumeric = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/** One array read from an `.npy` file. */
export interface NpyArray {
  /** The dtype as written in the header, without the byte-order mark (e.g. 'f4', 'i8', 'b1', 'U7'). */
  dtype: string;
  /** Shape; [] for a scalar. */
  shape: number[];
  /** Row-major elements (numeric dtypes) or strings (unicode dtypes). */
  data: NpyNumeric | string[];
}

/** The arrays of an `.npz` file by name (without the `.npy` suffix). */
export interface NpzFile {
  arrays: Record<string, NpyArray>;
  /** Names of entries that could not be parsed (object dtype, big-endian…), with the reason. */
  unsupported: Record<string, string>;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function fail(name: string, what: string): never {
  throw new PersonaError(`npy '${name}': ${what}`, { hint: 'write the array with numpy.save / numpy.savez from a numeric array (float32/64, int, uint, bool)' });
}

/** Parses the Python-literal header dict of an .npy file. */
function parseHeader(text: string, name: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(name, `unreadable header ${JSON.stringify(text.slice(0, 120))}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) fail(name, `bad shape entry '${s}'`);
      return n;
    });
  return { descr, fortran: fortran === 'True', shape };
}

const ELEMENT_BYTES: Record<string, number> = { f4: 4, f8: 8, i1: 1, i2: 2, i4: 4, i8: 8, u1: 1, u2: 2, u4: 4, u8: 8, b1: 1 };

/** Reads little-endian elements into a fresh typed array (copying, so alignment never matters). */
function readElements(dtype: string, bytes: Uint8Array, count: number, name: string): NpyNumeric {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'f4': { const o = new Float32Array(count); for (let i = 0; i < count; i++) o[i] = dv.getFloat32(i * 4, true); return o; }
    case 'f8': { const o = new Float64Array(count); for (let i = 0; i < count; i++) o[i] = dv.getFloat64(i * 8, true); return o; }
    case 'i1': return new Int8Array(bytes.slice(0, count).buffer);
    case 'u1': case 'b1': return bytes.slice(0, count);
    case 'i2': { const o = new Int16Array(count); for (let i = 0; i < count; i++) o[i] = dv.getInt16(i * 2, true); return o; }
    case 'u2': { const o = new Uint16Array(count); for (let i = 0; i < count; i++) o[i] = dv.getUint16(i * 2, true); return o; }
    case 'i4': { const o = new Int32Array(count); for (let i = 0; i < count; i++) o[i] = dv.getInt32(i * 4, true); return o; }
    case 'u4': { const o = new Uint32Array(count); for (let i = 0; i < count; i++) o[i] = dv.getUint32(i * 4, true); return o; }
    case 'i8': case 'u8': {
      const o = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const v = dtype === 'i8' ? dv.getBigInt64(i * 8, true) : dv.getBigUint64(i * 8, true);
        const n = Number(v);
        if (!Number.isSafeInteger(n)) fail(name, `64-bit integer ${v} at element ${i} does not fit a double exactly`);
        o[i] = n;
      }
      return o;
    }
    default: fail(name, `unsupported dtype '${dtype}'`);
  }
}

/** Reorders Fortran-order (column-major) data to C order. */
function fortranToC<T extends NpyNumeric | string[]>(src: T, shape: number[]): T {
  const nd = shape.length;
  if (nd < 2) return src;
  const count = src.length;
  const dst = (Array.isArray(src) ? new Array<string>(count) : new (src.constructor as new (n: number) => NpyNumeric)(count)) as T;
  // Strides of the Fortran source for a C-order multi-index.
  const fStride = new Array<number>(nd);
  let s = 1;
  for (let d = 0; d < nd; d++) { fStride[d] = s; s *= shape[d]!; }
  const idx = new Array<number>(nd).fill(0);
  for (let c = 0; c < count; c++) {
    let f = 0;
    for (let d = 0; d < nd; d++) f += idx[d]! * fStride[d]!;
    (dst as unknown as { [k: number]: unknown })[c] = (src as unknown as { [k: number]: unknown })[f];
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return dst;
}

/** Parses one `.npy` file. `name` is used in error messages. */
export function parseNpy(bytes: Uint8Array, name = 'array'): NpyArray {
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) fail(name, 'not an .npy file (bad magic)');
  const major = bytes[6]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number, headerStart: number;
  if (major === 1) { headerLen = dv.getUint16(8, true); headerStart = 10; }
  else if (major === 2 || major === 3) { headerLen = dv.getUint32(8, true); headerStart = 12; }
  else fail(name, `unsupported .npy version ${major}`);
  const header = parseHeader(new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLen)), name);
  const body = bytes.subarray(headerStart + headerLen);
  const count = header.shape.reduce((a, b) => a * b, 1);
  let order = header.descr[0]!;
  let dtype = header.descr.slice(1);
  if (!'<>|='.includes(order)) { order = '|'; dtype = header.descr; }
  if (dtype === 'O') fail(name, 'object arrays (pickled Python objects) cannot be read');
  if (dtype.startsWith('U')) {
    const width = Number(dtype.slice(1));
    if (order === '>') fail(name, 'big-endian unicode strings are not supported');
    if (body.length < count * width * 4) fail(name, `truncated: expected ${count * width * 4} bytes`);
    const strings: string[] = [];
    const bv = new DataView(body.buffer, body.byteOffset, body.byteLength);
    for (let i = 0; i < count; i++) {
      let s = '';
      for (let k = 0; k < width; k++) {
        const cp = bv.getUint32((i * width + k) * 4, true);
        if (cp === 0) break;
        s += String.fromCodePoint(cp);
      }
      strings.push(s);
    }
    return { dtype, shape: header.shape, data: header.fortran ? fortranToC(strings, header.shape) : strings };
  }
  const size = ELEMENT_BYTES[dtype];
  if (size === undefined) fail(name, `unsupported dtype '${header.descr}'`);
  if (order === '>' && size > 1) fail(name, `big-endian dtype '${header.descr}' is not supported; convert with arr.astype('<${dtype}')`);
  if (body.length < count * size) fail(name, `truncated: expected ${count * size} bytes of data, found ${body.length}`);
  const data = readElements(dtype, body, count, name);
  return { dtype, shape: header.shape, data: header.fortran ? fortranToC(data, header.shape) : data };
}

/**
 * Reads an `.npz` from a path or its bytes. `names` restricts parsing to those arrays (the
 * others are not inflated); a requested name that is missing or unreadable throws. `optional`
 * names (used only with `names`) are read when present and skipped silently otherwise.
 */
export function readNpz(source: string | Uint8Array, names?: readonly string[], optional: readonly string[] = []): NpzFile {
  let bytes: Uint8Array;
  const label = typeof source === 'string' ? source : 'npz';
  if (typeof source === 'string') {
    try { bytes = readFileSync(source); }
    catch (e) { throw new PersonaError(`cannot read '${source}': ${(e as Error).message}`, { hint: 'check the path to the .npz file', cause: e }); }
  } else bytes = source;
  const want = names ? new Set([...names, ...optional]) : undefined;
  const required = new Set(names ?? []);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => !want || want.has(f.name.replace(/\.npy$/, '')) });
  } catch (e) {
    throw new PersonaError(`'${label}' is not a readable .npz (zip) file: ${(e as Error).message}`, { hint: 'write it with numpy.savez or numpy.savez_compressed', cause: e });
  }
  const arrays: Record<string, NpyArray> = {};
  const unsupported: Record<string, string> = {};
  for (const [file, data] of Object.entries(entries)) {
    const name = file.replace(/\.npy$/, '');
    try { arrays[name] = parseNpy(data, name); }
    catch (e) {
      if (required.has(name)) throw e;
      unsupported[name] = (e as Error).message;
    }
  }
  for (const n of required) if (!(n in arrays)) throw new PersonaError(`'${label}' has no array '${n}' (it has: ${Object.keys(entries).join(', ') || 'nothing'})`);
  return { arrays, unsupported };
}

/** The numeric data of an array, or a PersonaError naming it. */
export function npyNumbers(arr: NpyArray | undefined, name: string): NpyNumeric {
  if (!arr) throw new PersonaError(`missing array '${name}'`);
  if (Array.isArray(arr.data)) throw new PersonaError(`array '${name}' holds strings, expected numbers`);
  return arr.data;
}

/** The array's data converted to Float64Array (bools/ints included). */
export function npyToFloat64(arr: NpyArray, name = 'array'): Float64Array {
  const d = npyNumbers(arr, name);
  return d instanceof Float64Array ? d : Float64Array.from(d);
}

/** The array's data converted to Float32Array. */
export function npyToFloat32(arr: NpyArray, name = 'array'): Float32Array {
  const d = npyNumbers(arr, name);
  return d instanceof Float32Array ? d : Float32Array.from(d);
}

/** An array to write: numeric typed data with a shape (C order). */
export interface NpyInput {
  data: NpyNumeric | string[];
  shape: number[];
  /** Override the dtype (e.g. 'b1' for a Uint8Array of booleans, 'i8' for Float64Array of integers). */
  dtype?: string;
  /** Write Fortran order (data is still given in C order). */
  fortran?: boolean;
}

function dtypeOf(a: NpyInput): string {
  if (a.dtype) return a.dtype;
  const d = a.data;
  if (Array.isArray(d)) return `U${Math.max(1, ...d.map((s) => [...s].length))}`;
  if (d instanceof Float32Array) return 'f4';
  if (d instanceof Float64Array) return 'f8';
  if (d instanceof Int8Array) return 'i1';
  if (d instanceof Int16Array) return 'i2';
  if (d instanceof Int32Array) return 'i4';
  if (d instanceof Uint8Array) return 'u1';
  if (d instanceof Uint16Array) return 'u2';
  return 'u4';
}

/** Serialises an array as `.npy` version 1.0 (little-endian). */
export function encodeNpy(a: NpyInput): Uint8Array {
  const dtype = dtypeOf(a);
  const count = a.shape.reduce((x, y) => x * y, 1);
  if (a.data.length !== count) throw new PersonaError(`encodeNpy: ${a.data.length} elements do not match shape (${a.shape.join(', ')})`);
  // Fortran order: element (i0..in) goes to column-major position.
  let src: NpyNumeric | string[] = a.data;
  if (a.fortran && a.shape.length >= 2) {
    const nd = a.shape.length;
    const out = (Array.isArray(src) ? new Array<string>(count) : new (src.constructor as new (n: number) => NpyNumeric)(count)) as NpyNumeric | string[];
    const fStride: number[] = [];
    let s = 1;
    for (let d = 0; d < nd; d++) { fStride.push(s); s *= a.shape[d]!; }
    const idx = new Array<number>(nd).fill(0);
    for (let c = 0; c < count; c++) {
      let f = 0;
      for (let d = 0; d < nd; d++) f += idx[d]! * fStride[d]!;
      (out as unknown as { [k: number]: unknown })[f] = (src as unknown as { [k: number]: unknown })[c];
      for (let d = nd - 1; d >= 0; d--) { if (++idx[d]! < a.shape[d]!) break; idx[d] = 0; }
    }
    src = out;
  }
  const shapeText = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  const order = dtype === 'u1' || dtype === 'i1' || dtype === 'b1' ? '|' : '<';
  let header = `{'descr': '${order}${dtype}', 'fortran_order': ${a.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  let body: Uint8Array;
  if (dtype.startsWith('U')) {
    const width = Number(dtype.slice(1));
    body = new Uint8Array(count * width * 4);
    const bv = new DataView(body.buffer);
    (src as string[]).forEach((s, i) => [...s].forEach((ch, k) => bv.setUint32((i * width + k) * 4, ch.codePointAt(0)!, true)));
  } else {
    const size = ELEMENT_BYTES[dtype];
    if (!size) throw new PersonaError(`encodeNpy: unsupported dtype '${dtype}'`);
    body = new Uint8Array(count * size);
    const bv = new DataView(body.buffer);
    const d = src as NpyNumeric;
    for (let i = 0; i < count; i++) {
      const v = d[i]!;
      switch (dtype) {
        case 'f4': bv.setFloat32(i * 4, v, true); break;
        case 'f8': bv.setFloat64(i * 8, v, true); break;
        case 'i1': bv.setInt8(i, v); break;
        case 'u1': case 'b1': bv.setUint8(i, v); break;
        case 'i2': bv.setInt16(i * 2, v, true); break;
        case 'u2': bv.setUint16(i * 2, v, true); break;
        case 'i4': bv.setInt32(i * 4, v, true); break;
        case 'u4': bv.setUint32(i * 4, v, true); break;
        case 'i8': bv.setBigInt64(i * 8, BigInt(Math.trunc(v)), true); break;
        case 'u8': bv.setBigUint64(i * 8, BigInt(Math.trunc(v)), true); break;
      }
    }
  }
  const out = new Uint8Array(10 + header.length + body.length);
  out.set(MAGIC, 0);
  out[6] = 1; out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(body, 10 + header.length);
  return out;
}

/** Serialises arrays as an `.npz` (zip; `compress` deflates like numpy.savez_compressed). */
export function encodeNpz(arrays: Record<string, NpyInput>, compress = false): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const [name, a] of Object.entries(arrays)) files[`${name}.npy`] = [encodeNpy(a), { level: compress ? 6 : 0 }];
  return zipSync(files);
}
