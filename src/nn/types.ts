/**
 * Shared types of the CPU neural-net kit. Every module works on either Float32Array
 * (production) or Float64Array (finite-difference tests); one module instance uses one type.
 */

/** A dense float buffer: Float32Array in production, Float64Array in gradient tests. */
export type Floats = Float32Array | Float64Array;

/** The constructor of a `Floats` type. */
export type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

/** One learnable tensor and its gradient (same length, same type), with a stable name. */
export interface Param {
  /** Stable name, e.g. `mlp.l0.weight`; used by the optimizer and checkpoints. */
  name: string;
  value: Floats;
  grad: Floats;
}

/** Returns `buf` if it holds at least `len` elements, else a new buffer of `ctor` with `len`. */
export function ensureLength<T extends Floats>(buf: T | null, len: number, ctor: FloatCtor): T {
  if (buf !== null && buf.length >= len) return buf;
  return new ctor(len) as T;
}
