/**
 * Typed arrays on SharedArrayBuffers: what a worker thread can read and write in place (other typed arrays reach a
 * worker as structured-clone copies). Used by the training step's two-thread paths (src/train/).
 */

/** A zeroed Float32Array of `n` values on shared memory. */
export function sharedFloat32(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(4 * n));
}

/** A zeroed Float64Array of `n` values on shared memory. */
export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * n));
}

/** Whether a worker sees `a` itself (its buffer is shared). */
export function isShared(a: ArrayBufferView): boolean {
  return a.buffer instanceof SharedArrayBuffer;
}

/** `src` itself when it is already shared, else a copy of the same type on shared memory. */
export function sharedCopy<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array>(src: T): T {
  if (isShared(src)) return src;
  const C = src.constructor as new (b: SharedArrayBuffer) => T;
  const out = new C(new SharedArrayBuffer(src.byteLength));
  out.set(src);
  return out;
}
