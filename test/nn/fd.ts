import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';

/** Random float64 array in [lo, hi). */
export function randArray(rng: Rng, len: number, lo = -1, hi = 1): Float64Array {
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

/**
 * Central finite-difference check of `analytic` (dL/dx) against L = loss() as x[i] is nudged,
 * at up to `samples` indices (all when the array is small). Relative tolerance on each entry
 * with an absolute floor.
 */
export function checkGradient(
  what: string,
  x: Float64Array | Float32Array,
  analytic: ArrayLike<number>,
  loss: () => number,
  options: { samples?: number; h?: number; rtol?: number; atol?: number; rng?: Rng } = {},
): void {
  const h = options.h ?? 1e-6, rtol = options.rtol ?? 1e-5, atol = options.atol ?? 1e-7;
  const rng = options.rng ?? new Rng(7);
  const count = Math.min(options.samples ?? 40, x.length);
  const indices = count === x.length ? [...Array(x.length).keys()] : Array.from({ length: count }, () => rng.int(x.length));
  let checked = 0;
  for (const i of indices) {
    const orig = x[i]!;
    x[i] = orig + h;
    const lp = loss();
    x[i] = orig - h;
    const lm = loss();
    x[i] = orig;
    const numeric = (lp - lm) / (2 * h);
    const a = analytic[i]!;
    const err = Math.abs(a - numeric);
    assert.ok(err <= atol + rtol * Math.max(Math.abs(a), Math.abs(numeric)), `${what}[${i}]: analytic ${a} vs numeric ${numeric}`);
    checked++;
  }
  assert.ok(checked > 0);
}

/** Σ a⊙b over the first len values. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>, len = a.length): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += a[i]! * b[i]!;
  return s;
}
