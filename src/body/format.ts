/**
 * The compiled body-model container: a JSON header (`body.json`) that names typed buffers
 * stored back to back in a binary file (`body.bin`, little-endian, each buffer 4-byte aligned).
 * See docs/body.md for the list of buffers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersonaError } from '../core/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic.js';

/** Element types a buffer may hold. */
export type BufferDtype = 'f32' | 'u32' | 'i32' | 'u16' | 'u8';
export type TypedBuffer = Float32Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;

/** Where a buffer lives in the binary file. */
export interface BufferRef {
  dtype: BufferDtype;
  shape: number[];
  offset: number;
  byteLength: number;
}

/** The container header; `meta` carries the model-specific fields. */
export interface ContainerHeader<M> {
  format: 'persona-body';
  version: number;
  binary: string;
  buffers: Record<string, BufferRef>;
  meta: M;
}

export const CONTAINER_VERSION = 1;

function dtypeOf(a: TypedBuffer): BufferDtype {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint16Array) return 'u16';
  return 'u8';
}

function make(dtype: BufferDtype, buf: ArrayBuffer, offset: number, byteLength: number): TypedBuffer {
  switch (dtype) {
    case 'f32': return new Float32Array(buf, offset, byteLength / 4);
    case 'u32': return new Uint32Array(buf, offset, byteLength / 4);
    case 'i32': return new Int32Array(buf, offset, byteLength / 4);
    case 'u16': return new Uint16Array(buf, offset, byteLength / 2);
    case 'u8': return new Uint8Array(buf, offset, byteLength);
  }
}

/** Writes `<dir>/<name>.json` and `<dir>/<name>.bin` atomically; returns the binary size in bytes. */
export async function writeContainer<M>(dir: string, name: string, meta: M, buffers: Record<string, { data: TypedBuffer; shape: number[] }>): Promise<number> {
  const refs: Record<string, BufferRef> = {};
  let size = 0;
  for (const [k, b] of Object.entries(buffers)) {
    const count = b.shape.reduce((x, y) => x * y, 1);
    if (count !== b.data.length) throw new PersonaError(`buffer '${k}': ${b.data.length} elements, shape (${b.shape.join(', ')}) needs ${count}`);
    refs[k] = { dtype: dtypeOf(b.data), shape: b.shape, offset: size, byteLength: b.data.byteLength };
    size += Math.ceil(b.data.byteLength / 4) * 4;
  }
  const bin = new Uint8Array(size);
  for (const [k, b] of Object.entries(buffers)) bin.set(new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength), refs[k]!.offset);
  const header: ContainerHeader<M> = { format: 'persona-body', version: CONTAINER_VERSION, binary: `${name}.bin`, buffers: refs, meta };
  await writeFileAtomic(join(dir, `${name}.bin`), bin);
  await writeJsonAtomic(join(dir, `${name}.json`), header);
  return size;
}

/** Reads a container; buffers are views on one aligned copy of the binary file. */
export function readContainer<M>(dir: string, name: string): { meta: M; buffers: Record<string, TypedBuffer>; shapes: Record<string, number[]>; byteLength: number } {
  const jsonPath = join(dir, `${name}.json`);
  let header: ContainerHeader<M>;
  try { header = JSON.parse(readFileSync(jsonPath, 'utf8')) as ContainerHeader<M>; }
  catch (e) { throw new PersonaError(`cannot read the compiled body model '${jsonPath}': ${(e as Error).message}`, { hint: 'rebuild it with `npm run build:body` (needs the MPFB2 assets)', cause: e }); }
  if (header.format !== 'persona-body' || header.version !== CONTAINER_VERSION) throw new PersonaError(`'${jsonPath}' is not a persona-body v${CONTAINER_VERSION} file`, { hint: 'rebuild it with `npm run build:body`' });
  const raw = readFileSync(join(dir, header.binary));
  const buf = new ArrayBuffer(raw.byteLength);
  new Uint8Array(buf).set(raw);
  const buffers: Record<string, TypedBuffer> = {};
  const shapes: Record<string, number[]> = {};
  for (const [k, r] of Object.entries(header.buffers)) {
    if (r.offset + r.byteLength > buf.byteLength) throw new PersonaError(`'${header.binary}' is truncated (buffer '${k}')`, { hint: 'rebuild it with `npm run build:body`' });
    buffers[k] = make(r.dtype, buf, r.offset, r.byteLength);
    shapes[k] = r.shape;
  }
  return { meta: header.meta, buffers, shapes, byteLength: raw.byteLength };
}
