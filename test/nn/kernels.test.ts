import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { linearBackwardInput, linearBackwardWeight, linearForward } from '../../src/nn/kernels.js';
import { randArray } from './fd.js';

/** Plain reference: y = x·Wᵀ + b. */
function refForward(x: Float64Array, w: Float64Array, b: Float64Array, n: number, K: number, O: number): Float64Array {
  const y = new Float64Array(n * O);
  for (let r = 0; r < n; r++)
    for (let o = 0; o < O; o++) {
      let s = b[o]!;
      for (let k = 0; k < K; k++) s += x[r * K + k]! * w[o * K + k]!;
      y[r * O + o] = s;
    }
  return y;
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol * (1 + Math.abs(b[i]!)), `index ${i}: ${a[i]} vs ${b[i]}`);
}

// Shapes that exercise every remainder path of the 4×4 blocking (rows, outputs, inputs ≢ 0 mod 4),
// and a tile boundary of the weight-gradient kernel (n > 64).
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 5, 3],
  [8, 8, 8],
  [13, 10, 6],
  [130, 9, 7],
  [67, 128, 3],
];

test('linearForward matches the plain reference on every blocking remainder', () => {
  const rng = new Rng(1);
  for (const [n, K, O] of SHAPES) {
    const x = randArray(rng, n * K), w = randArray(rng, O * K), b = randArray(rng, O);
    const y = new Float64Array(n * O);
    linearForward(x, w, b, y, n, K, O);
    close(y, refForward(x, w, b, n, K, O));
    const y0 = new Float64Array(n * O);
    linearForward(x, w, null, y0, n, K, O);
    close(y0, refForward(x, w, new Float64Array(O), n, K, O));
  }
});

test('linearBackwardInput and linearBackwardWeight match plain references', () => {
  const rng = new Rng(2);
  for (const [n, K, O] of SHAPES) {
    const x = randArray(rng, n * K), w = randArray(rng, O * K), dy = randArray(rng, n * O);
    const dx = new Float64Array(n * K);
    linearBackwardInput(dy, w, dx, n, K, O);
    const dxRef = new Float64Array(n * K);
    for (let r = 0; r < n; r++) for (let k = 0; k < K; k++) for (let o = 0; o < O; o++) dxRef[r * K + k] += dy[r * O + o]! * w[o * K + k]!;
    close(dx, dxRef);
    const dw = new Float64Array(O * K).fill(0.5), db = new Float64Array(O).fill(-1);
    linearBackwardWeight(x, dy, dw, db, n, K, O);
    const dwRef = new Float64Array(O * K).fill(0.5), dbRef = new Float64Array(O).fill(-1);
    for (let r = 0; r < n; r++)
      for (let o = 0; o < O; o++) {
        dbRef[o] += dy[r * O + o]!;
        for (let k = 0; k < K; k++) dwRef[o * K + k] += dy[r * O + o]! * x[r * K + k]!;
      }
    close(dw, dwRef);
    close(db, dbRef);
  }
});

test('float32 kernels agree with float64 to float32 precision', () => {
  const rng = new Rng(3);
  const [n, K, O] = [37, 128, 128];
  const x = randArray(rng, n * K), w = randArray(rng, O * K), b = randArray(rng, O);
  const y32 = new Float32Array(n * O);
  linearForward(Float32Array.from(x), Float32Array.from(w), Float32Array.from(b), y32, n, K, O);
  const ref = refForward(Float64Array.from(Float32Array.from(x)), Float64Array.from(Float32Array.from(w)), Float64Array.from(Float32Array.from(b)), n, K, O);
  close(y32, ref, 1e-5);
});
