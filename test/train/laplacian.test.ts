import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { graphFromFaces, laplacianLoss } from '../../src/train/laplacian.js';
import { checkGradient, randArray } from '../nn/fd.js';

/** A small grid of triangles (w×h vertices). */
function gridFaces(w: number, h: number): number[] {
  const f: number[] = [];
  for (let y = 0; y + 1 < h; y++)
    for (let x = 0; x + 1 < w; x++) {
      const a = y * w + x, b = a + 1, c = a + w, d = c + 1;
      f.push(a, b, c, b, d, c);
    }
  return f;
}

test('graphFromFaces: edge neighbours of a triangle grid, sorted, capped', () => {
  const g = graphFromFaces(9, gridFaces(3, 3));
  const nb = (i: number) => [...g.neighbors.subarray(g.offsets[i]!, g.offsets[i + 1]!)];
  assert.deepEqual(nb(0), [1, 3]);
  assert.deepEqual(nb(4), [1, 2, 3, 5, 6, 7]);
  const capped = graphFromFaces(9, gridFaces(3, 3), 3, 2);
  assert.deepEqual([...capped.neighbors.subarray(capped.offsets[4]!, capped.offsets[5]!)], [1, 2]);
  assert.throws(() => graphFromFaces(3, [0, 1, 5]), /outside/);
});

test('laplacianLoss: zero on constant fields, plain-reference value, FD gradient (with target & weights)', () => {
  const rng = new Rng(1);
  const w = 5, h = 4, V = w * h, D = 3;
  const g = graphFromFaces(V, gridFaces(w, h));
  const constant = new Float64Array(V * D).fill(0.3);
  assert.ok(laplacianLoss(constant, D, g).value < 1e-30);
  const x = randArray(rng, V * D), t = randArray(rng, V * D), vw = randArray(rng, V, 0.5, 2);
  const opts = { target: t, vertexWeight: vw, scale: 3 };
  const r = laplacianLoss(x, D, g, opts);
  let ref = 0;
  for (let i = 0; i < V; i++) {
    const nb = [...g.neighbors.subarray(g.offsets[i]!, g.offsets[i + 1]!)];
    for (let d = 0; d < D; d++) {
      const lx = x[i * D + d]! - nb.reduce((s, j) => s + x[j * D + d]!, 0) / nb.length;
      const lt = t[i * D + d]! - nb.reduce((s, j) => s + t[j * D + d]!, 0) / nb.length;
      ref += vw[i]! * (lx - lt) ** 2;
    }
  }
  assert.ok(Math.abs(r.value - (3 * ref) / (V * D)) < 1e-13);
  checkGradient('laplacian', x, r.grad, () => laplacianLoss(x, D, g, opts).value, { samples: V * D });
});
