import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PersonaError } from '../../src/core/errors.js';
import { allocateGrads, rasterize, rasterizeBackward, RasterWorkspace, type GaussianSet } from '../../src/splat/index.js';
import { randomScene, randomWeights } from './scene.js';
import { preprocess } from '../../src/splat/preprocess.js';
import { makeProjector } from '../../src/splat/project.js';
import { MIN_GAUSSIANS_PER_PROJECT_THREAD } from '../../src/splat/config.js';

/** Appends `extra` bad Gaussians (copies of Gaussian 0 with one field broken) to a scene. */
function withBadGaussians(g: GaussianSet): { g: GaussianSet; bad: number } {
  const C = g.channels;
  const breakers: Array<(k: number, s: { m: Float32Array; sc: Float32Array; r: Float32Array; o: Float32Array; f: Float32Array }) => void> = [
    (k, s) => { s.m[3 * k + 2] = 6; }, // behind the camera (camera at z = 3 looking at −z)
    (k, s) => { s.m[3 * k + 2] = 3.001; }, // nearer than the near plane
    (k, s) => { s.m[3 * k] = 40; }, // far off screen
    (k, s) => { s.sc.fill(0, 3 * k, 3 * k + 3); }, // zero scale
    (k, s) => { s.sc[3 * k + 1] = -0.1; }, // negative scale
    (k, s) => { s.m[3 * k + 1] = NaN; },
    (k, s) => { s.sc[3 * k] = NaN; },
    (k, s) => { s.r[4 * k + 2] = NaN; },
    (k, s) => { s.r.fill(0, 4 * k, 4 * k + 4); }, // zero quaternion
    (k, s) => { s.o[k] = NaN; },
    (k, s) => { s.o[k] = 0; },
    (k, s) => { s.f[k * C] = Infinity; },
    (k, s) => { s.m[3 * k] = Infinity; },
  ];
  const N = g.count, B = breakers.length, M = N + B;
  const s = {
    m: new Float32Array(3 * M), sc: new Float32Array(3 * M), r: new Float32Array(4 * M), o: new Float32Array(M), f: new Float32Array(M * C),
  };
  s.m.set(g.means); s.sc.set(g.scales); s.r.set(g.rotations!); s.o.set(g.opacities!); s.f.set(g.features);
  for (let b = 0; b < B; b++) {
    const k = N + b;
    s.m.set(g.means.subarray(0, 3), 3 * k); s.sc.set(g.scales.subarray(0, 3), 3 * k); s.r.set(g.rotations!.subarray(0, 4), 4 * k);
    s.o[k] = g.opacities![0]!; s.f.set(g.features.subarray(0, C), k * C);
    breakers[b]!(k, s);
  }
  return { g: { count: M, channels: C, means: s.m, scales: s.sc, rotations: s.r, opacities: s.o, features: s.f }, bad: B };
}

test('Gaussians behind the camera, off screen, degenerate or with NaN/Inf are culled without NaN anywhere', () => {
  const { gaussians, camera } = randomScene({ count: 30, channels: 3, width: 40, height: 32, seed: 21 });
  const { g: dirty, bad } = withBadGaussians(gaussians);
  const clean = rasterize(gaussians, camera, { depth: true });
  const res = rasterize(dirty, camera, { depth: true });
  assert.equal(res.stats.visible, clean.stats.visible);
  assert.deepEqual(res.image, clean.image);
  assert.deepEqual(res.alpha, clean.alpha);
  assert.deepEqual(res.depth, clean.depth);
  const P = camera.width * camera.height;
  const wI = randomWeights(P * 3, 1), wA = randomWeights(P, 2), wD = randomWeights(P, 3);
  const gc = rasterizeBackward(clean.saved, wI, wA, { dDepth: wD });
  const gd = rasterizeBackward(res.saved, wI, wA, { dDepth: wD });
  const N = gaussians.count;
  for (const key of ['means', 'scales', 'rotations', 'opacities', 'features'] as const) {
    const per = gd[key].length / dirty.count;
    assert.ok(gd[key].every(Number.isFinite), `${key} finite`);
    assert.deepEqual(gd[key].subarray(0, N * per), gc[key], `${key} of good Gaussians unchanged`);
    assert.ok(gd[key].subarray(N * per).every((v) => v === 0), `${key} of the ${bad} bad Gaussians are zero`);
  }
});

for (const engine of ['wasm', 'js'] as const)
test(`same input gives bit-identical output and gradients, for 1, 2 and 3 threads (${engine})`, () => {
  const { gaussians, camera } = randomScene({ count: 600, channels: 5, width: 96, height: 80, isotropic: true, seed: 4, scale: [0.02, 0.08] });
  const P = camera.width * camera.height;
  const wI = randomWeights(P * 5, 8), wA = randomWeights(P, 9);
  const runs = [1, 2, 3, 2].map((threads) => {
    const r = rasterize(gaussians, camera, { threads, depth: true, engine });
    const g = rasterizeBackward(r.saved, wI, wA, { dDepth: wA });
    return { r: { ...r, image: Float32Array.from(r.image), alpha: Float32Array.from(r.alpha), depth: Float32Array.from(r.depth!) }, g };
  });
  const base = runs[0]!;
  assert.ok(base.r.stats.visible > 500);
  for (const run of runs.slice(1)) {
    assert.deepEqual(run.r.image, base.r.image);
    assert.deepEqual(run.r.alpha, base.r.alpha);
    assert.deepEqual(run.r.depth, base.r.depth);
    for (const key of ['means', 'scales', 'opacities', 'features'] as const) assert.deepEqual(run.g[key], base.g[key], key);
  }
  // a backward run with a different thread count than its forward pass is also identical
  const g3 = rasterizeBackward(runs[1]!.r.saved, wI, wA, { dDepth: wA, threads: 3 });
  assert.deepEqual(g3.means, base.g.means);
});

test('workspaces and pre-allocated gradient buffers are reused; accumulate adds', () => {
  const { gaussians, camera } = randomScene({ count: 50, channels: 3, width: 48, height: 40, seed: 2 });
  const ws = new RasterWorkspace();
  const P = camera.width * camera.height;
  const wI = randomWeights(P * 3, 5);
  const r1 = rasterize(gaussians, camera, { workspace: ws });
  const img1 = Float32Array.from(r1.image);
  const grads = allocateGrads(r1.saved);
  grads.means.fill(123); // overwritten (not accumulated) by default
  const out = rasterizeBackward(r1.saved, wI, null, { grads });
  assert.equal(out, grads);
  const once = Float32Array.from(grads.means);
  assert.ok(!once.includes(123));
  const r2 = rasterize(gaussians, camera, { workspace: ws });
  assert.equal(r2.image.byteOffset, r1.image.byteOffset, 'same region reused');
  assert.throws(() => rasterizeBackward(r1.saved, wI), /reused by a later rasterize/);
  assert.deepEqual(Float32Array.from(r2.image), img1);
  rasterizeBackward(r2.saved, wI, null, { grads, accumulate: true });
  for (let i = 0; i < once.length; i++) assert.ok(Math.abs(grads.means[i]! - 2 * once[i]!) <= 1e-6 * Math.abs(once[i]!) + 1e-12);
});

test('bad arguments raise PersonaError with a clear message', () => {
  const { gaussians, camera } = randomScene({ count: 5, channels: 3, width: 16, height: 16, seed: 1 });
  assert.throws(() => rasterize({ ...gaussians, features: new Float32Array(7) }, camera), (e: unknown) => e instanceof PersonaError && /features has 7 values/.test(e.message));
  assert.throws(() => rasterize(gaussians, camera, { background: [1, 2] }), PersonaError);
  assert.throws(() => rasterize(gaussians, { ...camera, width: 0 }), PersonaError);
  assert.throws(() => rasterize(gaussians, camera, { near: 2, far: 1 }), PersonaError);
  const r = rasterize(gaussians, camera);
  assert.throws(() => rasterizeBackward(r.saved, new Float32Array(3)), PersonaError);
  assert.throws(() => rasterizeBackward(r.saved, null, null, { dDepth: new Float32Array(256) }), /did not render depth/);
});

test('an empty set renders the background with zero alpha', () => {
  const camera = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0], fx: 20, fy: 20, cx: 8, cy: 8, width: 16, height: 16 };
  const r = rasterize({ count: 0, channels: 2, means: new Float32Array(0), scales: new Float32Array(0), features: new Float32Array(0) }, camera, { background: [0.25, 1] });
  assert.ok(r.alpha.every((a) => a === 0));
  assert.ok(r.image.every((v, i) => v === (i % 2 ? 1 : 0.25)));
  const g = rasterizeBackward(r.saved, new Float32Array(16 * 16 * 2).fill(1));
  assert.equal(g.means.length, 0);
});

test('upstream gradient buffers from the workspace are used in place and give the same gradients', () => {
  const { gaussians, camera } = randomScene({ count: 40, channels: 3, width: 40, height: 30, seed: 6 });
  const ws = new RasterWorkspace();
  const P = camera.width * camera.height;
  const wI = randomWeights(P * 3, 1), wA = randomWeights(P, 2), wD = randomWeights(P, 3);
  const r = rasterize(gaussians, camera, { workspace: ws, depth: true });
  const copied = rasterizeBackward(r.saved, wI, wA, { dDepth: wD });
  const up = ws.upstreamBuffers(camera.width, camera.height, 3);
  up.dImage.set(wI); up.dAlpha.set(wA); up.dDepth.set(wD);
  assert.ok(ws.owns(up.dImage));
  const inPlace = rasterizeBackward(r.saved, up.dImage, up.dAlpha, { dDepth: up.dDepth });
  assert.deepEqual(inPlace.means, copied.means);
  assert.deepEqual(inPlace.features, copied.features);
});

test('the parallel chain rule (≥ 20k Gaussians) gives bit-identical gradients for 1 and 2 threads', () => {
  const { gaussians, camera } = randomScene({ count: 25_000, channels: 3, width: 64, height: 64, seed: 8, scale: [0.005, 0.02] });
  const P = camera.width * camera.height;
  const wI = randomWeights(P * 3, 1), wA = randomWeights(P, 2);
  const r = rasterize(gaussians, camera, { threads: 2 });
  const g1 = rasterizeBackward(r.saved, wI, wA, { threads: 1 });
  const g2 = rasterizeBackward(r.saved, wI, wA, { threads: 2 });
  for (const key of ['means', 'scales', 'rotations', 'opacities', 'features'] as const) assert.deepEqual(g2[key], g1[key], key);
  assert.ok(g1.means.some((v) => v !== 0));
});

test('the parallel projection (≥ 2 ranges of Gaussians, bad ones among them) packs exactly what one thread packs', () => {
  const { gaussians, camera } = randomScene({ count: 2 * MIN_GAUSSIANS_PER_PROJECT_THREAD + 500, channels: 4, width: 96, height: 80, seed: 31, scale: [0.004, 0.03] });
  const { g: dirty, bad } = withBadGaussians(gaussians);
  const params = { width: 96, height: 80, channels: 4, near: 0.01, far: 1000, dilation: 0.1, depth: false, background: new Float64Array(4) };
  const P = makeProjector(dirty, camera, params);
  const packs = [1, 2].map((threads) => {
    const rowWork = new Float64Array(80);
    const s = preprocess(dirty, P, new RasterWorkspace(), rowWork, threads);
    return { count: s.count, geo: Array.from(s.geo.subarray(0, s.count * 8)), rows: Array.from(s.rows.subarray(0, s.count * 4)), index: Array.from(s.index.subarray(0, s.count)), rowWork: Array.from(rowWork) };
  });
  assert.ok(packs[0]!.count > gaussians.count / 2 && packs[0]!.count <= gaussians.count, `visible ${packs[0]!.count} of ${dirty.count}`);
  assert.ok(packs[0]!.index.every((i) => i < gaussians.count), `none of the ${bad} bad Gaussians packed`);
  assert.deepEqual(packs[1], packs[0]);
  // and the whole render through rasterize, with the threads rasterize picks
  const one = rasterize(dirty, camera, { threads: 1, depth: true });
  const two = rasterize(dirty, camera, { threads: 2, depth: true });
  assert.deepEqual(two.image, one.image);
  assert.deepEqual(two.depth, one.depth);
});
