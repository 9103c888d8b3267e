import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { linearBackwardInput, linearBackwardWeight, linearForward, linearForwardJs, linearBackwardInputJs, linearBackwardWeightJs } from '../../src/nn/kernels.js';
import { gemmModuleBytes } from '../../src/nn/wasm-gemm.js';
import { wasmGemmAvailable } from '../../src/nn/wasm-linear.js';
import { randArray } from './fd.js';
import { GroupNorm } from '../../src/nn/groupnorm.js';

/** |a − b| ≤ 1e-5·(1 + scale) elementwise, with scale the magnitude of the summed terms. */
function closeF32(a: ArrayLike<number>, b: ArrayLike<number>, scale: number): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-5 * (1 + scale), `index ${i}: ${a[i]} vs ${b[i]}`);
}

test('the hand-assembled WASM SIMD module validates and is used for float32', () => {
  assert.ok(WebAssembly.validate(gemmModuleBytes()));
  assert.ok(wasmGemmAvailable(), 'Node 20 supports WebAssembly SIMD; the fast path must be active');
});

// Shapes with ragged rows (mod 4) and columns (mod 8), PERSONA's 222- and 96-wide inputs, and
// a weight-gradient row count spanning several 256-row tiles.
const SHAPES: [number, number, number][] = [
  [64, 8, 8],
  [130, 222, 128],
  [67, 96, 128],
  [601, 128, 12],
  [99, 13, 20],
  [130, 128, 3],
  [70, 16, 1],
];

test('WASM float32 kernels match the float64 JS kernels (forward, dx, dW, db)', () => {
  const rng = new Rng(9);
  for (const [n, K, O] of SHAPES) {
    const x = randArray(rng, n * K), w = randArray(rng, O * K), b = randArray(rng, O), dy = randArray(rng, n * O);
    const f = (a: Float64Array) => Float32Array.from(a);
    const r64 = (a: Float64Array) => Float64Array.from(Float32Array.from(a)); // same rounding of inputs
    const y32 = new Float32Array(n * O), y64 = new Float64Array(n * O);
    linearForward(f(x), f(w), f(b), y32, n, K, O);
    linearForwardJs(r64(x), r64(w), r64(b), y64, n, K, O);
    closeF32(y32, y64, K);
    const dx32 = new Float32Array(n * K), dx64 = new Float64Array(n * K);
    linearBackwardInput(f(dy), f(w), dx32, n, K, O);
    linearBackwardInputJs(r64(dy), r64(w), dx64, n, K, O);
    closeF32(dx32, dx64, O);
    const dw32 = new Float32Array(O * K).fill(0.25), dw64 = new Float64Array(O * K).fill(0.25);
    const db32 = new Float32Array(O), db64 = new Float64Array(O);
    linearBackwardWeight(f(x), f(dy), dw32, db32, n, K, O);
    linearBackwardWeightJs(r64(x), r64(dy), dw64, db64, n, K, O);
    closeF32(dw32, dw64, n);
    closeF32(db32, db64, n);
  }
});

test('WASM GroupNorm kernels (norm+affine+ReLU, affine ReLU, fused backward) match float64 JS', () => {
  const rng = new Rng(11);
  for (const [n, C, G] of [[100, 128, 4], [65, 24, 2]] as [number, number, number][]) {
    const g64 = new GroupNorm(C, G, { dtype: Float64Array }), g32 = new GroupNorm(C, G, { dtype: Float32Array });
    for (let c = 0; c < C; c++) {
      g32.gamma[c] = rng.uniform(0.5, 1.5);
      g32.beta[c] = rng.uniform(-0.5, 0.5);
    }
    g64.gamma.set(g32.gamma);
    g64.beta.set(g32.beta);
    const x = Float32Array.from(randArray(rng, n * C, -2, 3));
    const x64 = Float64Array.from(x), r64 = new Float64Array(n * G), y64 = new Float64Array(n * C);
    const r32 = new Float32Array(n * G), y32 = new Float32Array(n * C);
    g64.normalizeAffineRelu(x64, r64, y64, n);
    g32.normalizeAffineRelu(x, r32, y32, n); // x becomes x̂
    closeF32(x, x64, 1);
    closeF32(r32, r64, 1);
    closeF32(y32, y64, 1);
    const ya = new Float32Array(n * C);
    g32.affine(x, ya, n, true);
    closeF32(ya, y64, 1);
    const dy = Float32Array.from(randArray(rng, n * C));
    const dx32 = new Float32Array(n * C), dx64 = new Float64Array(n * C);
    g32.gradGamma.fill(0.5);
    g64.gradGamma.fill(0.5);
    g32.backward(dy, x, r32, n, dx32, true);
    g64.backward(Float64Array.from(dy), Float64Array.from(x), Float64Array.from(r32), n, dx64, true);
    closeF32(dx32, dx64, 1);
    closeF32(g32.gradGamma, g64.gradGamma, n);
    closeF32(g32.gradBeta, g64.gradBeta, n);
  }
});
