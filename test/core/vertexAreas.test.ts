/** Lumped vertex areas against a plain reference (Heron's formula, vertex by vertex). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vertexAreas } from '../../src/core/vertexAreas.js';
import { Rng } from '../../src/core/rng.js';

/** Reference: for each vertex, a third of the Heron area of every triangle holding it. */
function referenceAreas(p: ArrayLike<number>, T: ArrayLike<number>, V: number): number[] {
  const len = (i: number, j: number): number => Math.hypot(p[i * 3]! - p[j * 3]!, p[i * 3 + 1]! - p[j * 3 + 1]!, p[i * 3 + 2]! - p[j * 3 + 2]!);
  const out: number[] = [];
  for (let v = 0; v < V; v++) {
    let sum = 0;
    for (let f = 0; f < T.length / 3; f++) {
      const [a, b, c] = [T[f * 3]!, T[f * 3 + 1]!, T[f * 3 + 2]!];
      if (a !== v && b !== v && c !== v) continue;
      const x = len(a, b), y = len(b, c), z = len(c, a), s = (x + y + z) / 2;
      sum += Math.sqrt(Math.max(0, s * (s - x) * (s - y) * (s - z))) / 3;
    }
    out.push(sum);
  }
  return out;
}

test('vertexAreas: a unit square of two triangles gives its corners 1/6 and 1/3, and sums to the area', () => {
  const p = [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 5, 5, 5];
  const a = vertexAreas(p, [0, 1, 2, 0, 2, 3], 5);
  const want = [1 / 3, 1 / 6, 1 / 3, 1 / 6, 0];
  want.forEach((w, i) => assert.ok(Math.abs(a[i]! - w) < 1e-15, `vertex ${i}: ${a[i]} vs ${w}`));
});

test('vertexAreas matches the reference on a random mesh (float64)', () => {
  const rng = new Rng(7), rand = (): number => rng.next();
  const V = 40, F = 90;
  const p = Array.from({ length: V * 3 }, () => rand() * 2 - 1);
  const T: number[] = [];
  for (let f = 0; f < F; f++) { const a = Math.floor(rand() * V); let b = Math.floor(rand() * V), c = Math.floor(rand() * V); if (b === a) b = (a + 1) % V; if (c === a || c === b) c = (Math.max(a, b) + 1) % V; T.push(a, b, c); }
  const got = vertexAreas(Float64Array.from(p), Uint32Array.from(T), V), ref = referenceAreas(p, T, V);
  for (let v = 0; v < V; v++) assert.ok(Math.abs(got[v]! - ref[v]!) <= 1e-12 * Math.max(1, ref[v]!), `vertex ${v}: ${got[v]} vs ${ref[v]}`);
  const total = ref.reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(got.reduce((s, x) => s + x, 0) - total) < 1e-12);
});
