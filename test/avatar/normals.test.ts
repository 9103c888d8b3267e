import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vertexNormals, vertexNormalsBackward } from '../../src/avatar/normals.js';
import { Rng } from '../../src/core/rng.js';

/** A small closed mesh: an irregular octahedron. */
function octahedron(rng: Rng): { pos: Float64Array; tri: Uint32Array } {
  const base = [1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1];
  const pos = Float64Array.from(base, (v) => v + rng.uniform(-0.2, 0.2));
  const tri = Uint32Array.from([0, 2, 4, 2, 1, 4, 1, 3, 4, 3, 0, 4, 2, 0, 5, 1, 2, 5, 3, 1, 5, 0, 3, 5]);
  return { pos, tri };
}

test('vertex normals point outward and have unit length', () => {
  const { pos, tri } = octahedron(new Rng(3));
  const { normals } = vertexNormals(pos, tri);
  for (let v = 0; v < 6; v++) {
    const n = [normals[v * 3]!, normals[v * 3 + 1]!, normals[v * 3 + 2]!];
    assert.ok(Math.abs(Math.hypot(...n) - 1) < 1e-6);
    const dot = n[0]! * pos[v * 3]! + n[1]! * pos[v * 3 + 1]! + n[2]! * pos[v * 3 + 2]!;
    assert.ok(dot > 0, `vertex ${v} normal points outward`);
  }
});

test('vertex normal backward matches float64 finite differences', () => {
  const rng = new Rng(7);
  const { pos, tri } = octahedron(rng);
  const g = Float64Array.from({ length: 18 }, () => rng.normal());
  const loss = (p: Float64Array): number => {
    const { raw } = vertexNormals(p, tri);
    let s = 0;
    for (let v = 0; v < 6; v++) {
      const len = Math.hypot(raw[v * 3]!, raw[v * 3 + 1]!, raw[v * 3 + 2]!);
      for (let a = 0; a < 3; a++) s += g[v * 3 + a]! * (raw[v * 3 + a]! / len); // float64 normals
    }
    return s;
  };
  const fwd = vertexNormals(pos, tri);
  const grad = new Float64Array(18);
  vertexNormalsBackward(pos, tri, fwd, g, grad);
  const eps = 1e-6;
  for (let i = 0; i < 18; i++) {
    const p = Float64Array.from(pos); p[i]! += eps;
    const m = Float64Array.from(pos); m[i]! -= eps;
    const fd = (loss(p) - loss(m)) / (2 * eps);
    assert.ok(Math.abs(fd - grad[i]!) <= 1e-6 + 1e-4 * Math.abs(fd), `coordinate ${i}: analytic ${grad[i]} vs fd ${fd}`);
  }
});
