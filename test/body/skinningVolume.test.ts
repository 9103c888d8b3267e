import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSkinningVolume, sampleSkinningWeights } from '../../src/body/index.js';
import { runTasks } from '../../src/splat/index.js';

/** Two "bones" of points along Y: the lower half weighted to joint 0, the upper half to joint 1. */
function twoBoneCloud(): { verts: Float32Array; skin: { influences: number; joints: Uint16Array; weights: Float32Array } } {
  const pts: number[] = [];
  const joints: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i <= 40; i++) {
    const y = i * 0.025;
    for (const [x, z] of [[0.05, 0], [-0.05, 0], [0, 0.05], [0, -0.05]] as const) {
      pts.push(x, y, z);
      joints.push(0, 1);
      const w1 = Math.min(1, Math.max(0, (y - 0.4) / 0.2));
      weights.push(1 - w1, w1);
    }
  }
  return { verts: Float32Array.from(pts), skin: { influences: 2, joints: Uint16Array.from(joints), weights: Float32Array.from(weights) } };
}

test('the diffused volume reproduces surface weights and stays a partition of unity off the surface', () => {
  const { verts, skin } = twoBoneCloud();
  const vol = buildSkinningVolume(verts, skin, 2, { voxelSize: 0.025, padding: 0.1, iterations: 40 });
  const probe = Float32Array.from([0.05, 0.1, 0, 0.05, 0.9, 0, 0.12, 0.1, 0.1, 0.15, 0.95, -0.1]);
  const w = sampleSkinningWeights(vol, probe, [0.001, 0.001, 0.01, 0.01], 2);
  const weightOf = (i: number, j: number): number => (w.joints[i * 2] === j ? w.weights[i * 2]! : w.joints[i * 2 + 1] === j ? w.weights[i * 2 + 1]! : 0);
  assert.ok(weightOf(0, 0) > 0.95, 'low surface point follows joint 0');
  assert.ok(weightOf(1, 1) > 0.95, 'high surface point follows joint 1');
  assert.ok(weightOf(2, 0) > 0.9, 'a point off the surface near the bottom follows joint 0');
  assert.ok(weightOf(3, 1) > 0.9, 'a point off the surface near the top follows joint 1');
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(w.weights[i * 2]! + w.weights[i * 2 + 1]! - 1) < 1e-5);
});

test('points flagged keepTemplate keep the template weights', () => {
  const { verts, skin } = twoBoneCloud();
  const vol = buildSkinningVolume(verts, skin, 2, { voxelSize: 0.05, iterations: 5 });
  const keep = new Uint8Array(verts.length / 3);
  keep[0] = 1;
  const w = sampleSkinningWeights(vol, verts, new Float32Array(verts.length / 3).fill(0.01), 2, { skin, keepTemplate: keep });
  assert.deepEqual([w.joints[0], w.joints[1]], [0, 1]);
  assert.deepEqual([w.weights[0], w.weights[1]], [1, 0]);
});

/**
 * The plain reference of the diffusion (the first implementation: accumulate each neighbour into the float32 grid,
 * then scale), which the fast kernel must reproduce bit for bit.
 */
function referenceDiffusion(start: Float32Array, fixed: Uint8Array, dims: [number, number, number], J: number, iterations: number): Float32Array {
  const [nx, ny, nz] = dims;
  let cur = start.slice(), next = start.slice();
  for (let it = 0; it < iterations; it++) {
    for (let c = 0; c < nx * ny * nz; c++) {
      if (fixed[c]) continue;
      const ix = c % nx, iy = Math.floor(c / nx) % ny, iz = Math.floor(c / (nx * ny));
      const nb = [ix > 0 ? c - 1 : -1, ix < nx - 1 ? c + 1 : -1, iy > 0 ? c - nx : -1, iy < ny - 1 ? c + nx : -1, iz > 0 ? c - nx * ny : -1, iz < nz - 1 ? c + nx * ny : -1];
      for (let j = 0; j < J; j++) next[c * J + j] = 0;
      let n = 0;
      for (const d of nb) {
        if (d < 0) continue;
        n++;
        for (let j = 0; j < J; j++) next[c * J + j]! += cur[d * J + j]!;
      }
      for (let j = 0; j < J; j++) next[c * J + j]! *= 1 / n;
    }
    [cur, next] = [next, cur];
  }
  return cur;
}

/** A random cloud with `J` joints and 3 influences per point, in a box of about 0.4 × 0.6 × 0.3 m. */
function randomCloud(J: number, V: number, seed: number): { verts: Float32Array; skin: { influences: number; joints: Uint16Array; weights: Float32Array } } {
  let s = seed;
  const rand = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const verts = Float32Array.from({ length: V * 3 }, (_, i) => rand() * [0.4, 0.6, 0.3][i % 3]!);
  const joints = Uint16Array.from({ length: V * 3 }, () => Math.floor(rand() * J));
  const weights = new Float32Array(V * 3);
  for (let v = 0; v < V; v++) {
    const a = rand(), b = rand() * (1 - a);
    weights.set([a, b, 1 - a - b], v * 3);
  }
  return { verts, skin: { influences: 3, joints, weights } };
}

test('the diffusion kernel (one thread and two) is bit-identical to the plain reference', () => {
  const J = 7;
  const { verts, skin } = randomCloud(J, 300, 11);
  const opts = { voxelSize: 0.05, padding: 0.1, iterations: 9 };
  // the reference starts from the same surface voxels and nearest-surface fill: a 0-iteration volume
  const start = buildSkinningVolume(verts, skin, J, { ...opts, iterations: 0 });
  const cells = start.dims[0] * start.dims[1] * start.dims[2];
  // fixed cells are those holding a vertex; recompute them as the kernel does
  const fixed = new Uint8Array(cells);
  for (let v = 0; v < verts.length / 3; v++) {
    const i = [0, 1, 2].map((a) => Math.round((verts[v * 3 + a]! - start.origin[a]!) / start.voxelSize));
    fixed[(i[2]! * start.dims[1] + i[1]!) * start.dims[0] + i[0]!] = 1;
  }
  const ref = referenceDiffusion(start.weights, fixed, start.dims, J, opts.iterations);
  const one = buildSkinningVolume(verts, skin, J, opts);
  const two = buildSkinningVolume(verts, skin, J, { ...opts, parallel: { run: runTasks, threads: 2 } });
  const even = buildSkinningVolume(verts, skin, J, { ...opts, iterations: 8, parallel: { run: runTasks, threads: 3 } });
  assert.ok(ref.some((w, i) => w !== start.weights[i]), 'the diffusion changed the free cells');
  assert.deepEqual(one.weights, ref);
  assert.deepEqual(Array.from(two.weights), Array.from(ref));
  assert.deepEqual(Array.from(even.weights), Array.from(referenceDiffusion(start.weights, fixed, start.dims, J, 8)));
});

test('sampling on two threads is bit-identical to one', () => {
  const J = 6;
  const { verts, skin } = randomCloud(J, 400, 5);
  const vol = buildSkinningVolume(verts, skin, J, { voxelSize: 0.04, iterations: 6, parallel: { run: runTasks, threads: 2 } });
  const { verts: probes } = randomCloud(J, 9000, 9);
  const sigmas = Float32Array.from({ length: 9000 }, (_, i) => 0.002 + (i % 13) * 0.003);
  const keep = Uint8Array.from({ length: 9000 }, (_, i) => (i % 17 === 0 ? 1 : 0));
  const probeSkin = randomCloud(J, 9000, 3).skin;
  const one = sampleSkinningWeights(vol, probes, sigmas, 4, { skin: probeSkin, keepTemplate: keep });
  const two = sampleSkinningWeights(vol, probes, sigmas, 4, { skin: probeSkin, keepTemplate: keep }, { run: runTasks, threads: 2 });
  assert.deepEqual(Array.from(two.joints), Array.from(one.joints));
  assert.deepEqual(Array.from(two.weights), Array.from(one.weights));
  assert.ok(one.weights.some((w) => w > 0 && w < 1), 'blended weights were sampled');
});
