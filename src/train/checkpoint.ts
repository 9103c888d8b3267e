/**
 * Training checkpoints: named float32 tensors + Adam state + step counter in one binary file.
 *
 * Layout (little-endian):
 *   0   8 bytes  magic "PRSNCKPT"
 *   8   u32      format version (CHECKPOINT_VERSION)
 *   12  u32      header length H (bytes of UTF-8 JSON)
 *   16  H bytes  JSON header: { step, meta, tensors: [{name, offset, length}], adam?, payloadBytes, payloadSha256 }
 *   …   zero padding to a multiple of 8
 *   …   payload: float32 tensors back to back, each at `offset` bytes from the payload start
 * Adam moments are stored as tensors named `adam.m/<tensor>` and `adam.v/<tensor>`.
 * The file is written atomically; on load the size, version and SHA-256 of the payload are
 * checked and every problem is reported as a PersonaError saying what to do.
 */
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../core/atomic.js';
import { PersonaError } from '../core/errors.js';
import type { Floats, Param } from '../nn/index.js';
import type { AdamState } from '../nn/index.js';

export const CHECKPOINT_MAGIC = 'PRSNCKPT';
export const CHECKPOINT_VERSION = 1;

/** What a checkpoint holds. */
export interface Checkpoint {
  /** Training iterations done. */
  step: number;
  /** Named tensors (stored as float32). */
  tensors: Record<string, Floats>;
  /** Optimizer state, if saved. */
  adam?: AdamState;
  /** Free-form JSON (config hash, preset, epoch…). */
  meta?: Record<string, unknown>;
}

interface HeaderTensor {
  name: string;
  offset: number;
  length: number;
}

interface Header {
  step: number;
  meta: Record<string, unknown>;
  tensors: HeaderTensor[];
  adam?: { beta1: number; beta2: number; eps: number; groups: AdamState['groups']; tensors: string[] };
  payloadBytes: number;
  payloadSha256: string;
}

const ADAM_M = 'adam.m/';
const ADAM_V = 'adam.v/';

function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new PersonaError('checkpoints are little-endian; this machine is big-endian and is not supported');
}

/** Serialises a checkpoint to bytes. */
export function encodeCheckpoint(ckpt: Checkpoint): Uint8Array {
  assertLittleEndian();
  if (!(Number.isInteger(ckpt.step) && ckpt.step >= 0)) throw new PersonaError(`checkpoint: step must be a non-negative integer, got ${ckpt.step}`);
  const all: [string, Floats][] = Object.entries(ckpt.tensors);
  for (const [name] of all) if (name.startsWith(ADAM_M) || name.startsWith(ADAM_V)) throw new PersonaError(`checkpoint: tensor name "${name}" is reserved`);
  const adamNames: string[] = [];
  if (ckpt.adam)
    for (const [name, mv] of Object.entries(ckpt.adam.moments)) {
      adamNames.push(name);
      all.push([ADAM_M + name, mv.m], [ADAM_V + name, mv.v]);
    }
  const tensors: HeaderTensor[] = [];
  let offset = 0;
  for (const [name, t] of all) {
    tensors.push({ name, offset, length: t.length });
    offset += t.length * 4;
  }
  const payload = new Uint8Array(offset);
  const f32 = new Float32Array(payload.buffer, 0, offset / 4);
  for (let i = 0; i < all.length; i++) f32.set(all[i]![1], tensors[i]!.offset / 4);
  const header: Header = {
    step: ckpt.step,
    meta: ckpt.meta ?? {},
    tensors,
    adam: ckpt.adam ? { beta1: ckpt.adam.beta1, beta2: ckpt.adam.beta2, eps: ckpt.adam.eps, groups: ckpt.adam.groups, tensors: adamNames } : undefined,
    payloadBytes: payload.length,
    payloadSha256: createHash('sha256').update(payload).digest('hex'),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = align8(16 + json.length);
  const out = new Uint8Array(start + payload.length);
  out.set(new TextEncoder().encode(CHECKPOINT_MAGIC), 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, CHECKPOINT_VERSION, true);
  dv.setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(payload, start);
  return out;
}

/** Parses checkpoint bytes; `source` names the file in error messages. */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): Checkpoint {
  assertLittleEndian();
  const corrupt = (why: string) =>
    new PersonaError(`${source} is not a valid Persona checkpoint: ${why}`, { hint: 'delete it to restart training from the previous checkpoint (or from scratch)' });
  if (bytes.length < 16) throw corrupt(`only ${bytes.length} bytes`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== CHECKPOINT_MAGIC) throw corrupt('wrong magic bytes');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION)
    throw new PersonaError(`${source} has checkpoint format version ${version}; this Persona reads version ${CHECKPOINT_VERSION}`, {
      hint: 'use the Persona version that wrote it, or retrain',
    });
  const hlen = dv.getUint32(12, true);
  if (16 + hlen > bytes.length) throw corrupt('header runs past the end of the file (truncated?)');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + hlen))) as Header;
  } catch {
    throw corrupt('header is not valid JSON');
  }
  const start = align8(16 + hlen);
  if (!header || !Array.isArray(header.tensors) || typeof header.payloadBytes !== 'number') throw corrupt('header lacks tensors/payloadBytes');
  if (bytes.length !== start + header.payloadBytes)
    throw corrupt(`file has ${bytes.length} bytes, header says ${start + header.payloadBytes} (truncated or appended)`);
  // Copy the payload so the Float32Array is 4-byte aligned whatever the Buffer's offset.
  const payload = bytes.slice(start, start + header.payloadBytes);
  const sha = createHash('sha256').update(payload).digest('hex');
  if (sha !== header.payloadSha256) throw corrupt('payload checksum mismatch (file damaged)');
  const all = new Map<string, Float32Array>();
  for (const t of header.tensors) {
    if (!(t.offset % 4 === 0 && t.offset >= 0 && t.length >= 0 && t.offset + 4 * t.length <= payload.length)) throw corrupt(`tensor "${t.name}" lies outside the payload`);
    all.set(t.name, new Float32Array(payload.buffer, t.offset, t.length));
  }
  const tensors: Record<string, Floats> = {};
  for (const [name, t] of all) if (!name.startsWith(ADAM_M) && !name.startsWith(ADAM_V)) tensors[name] = t;
  let adam: AdamState | undefined;
  if (header.adam) {
    const moments: AdamState['moments'] = {};
    for (const name of header.adam.tensors) {
      const m = all.get(ADAM_M + name), v = all.get(ADAM_V + name);
      if (!m || !v) throw corrupt(`Adam moments of "${name}" missing`);
      moments[name] = { m, v };
    }
    adam = { beta1: header.adam.beta1, beta2: header.adam.beta2, eps: header.adam.eps, groups: header.adam.groups, moments };
  }
  return { step: header.step, tensors, adam, meta: header.meta };
}

/** Writes a checkpoint file atomically. */
export async function saveCheckpoint(path: string, ckpt: Checkpoint): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(ckpt), { evenIfInterrupted: true }); // resume state: saved even while stopping on Ctrl-C
}

/** Reads and validates a checkpoint file. */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new PersonaError(`cannot read checkpoint ${path}: ${(err as Error).message}`, { cause: err });
  }
  return decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

/** The tensors of a parameter list, by name (values are referenced, copied on encode). */
export function tensorsOf(params: readonly Param[]): Record<string, Floats> {
  const out: Record<string, Floats> = {};
  for (const p of params) {
    if (out[p.name]) throw new PersonaError(`checkpoint: duplicate tensor name "${p.name}"`);
    out[p.name] = p.value;
  }
  return out;
}

/** Copies saved tensors into parameters; every parameter must be present with its exact size. */
export function restoreParams(params: readonly Param[], tensors: Record<string, Floats>, source = 'checkpoint'): void {
  for (const p of params) {
    const t = tensors[p.name];
    if (!t) throw new PersonaError(`${source} has no tensor "${p.name}"`, { hint: 'it was written by a different avatar layout or preset; retrain or use the matching preset' });
    if (t.length !== p.value.length)
      throw new PersonaError(`${source}: tensor "${p.name}" has ${t.length} values, the avatar needs ${p.value.length}`, {
        hint: 'it was written for a different quality preset; use the same preset or retrain',
      });
    p.value.set(t);
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
