/**
 * The coarse simulation cage (src/sim/cage.ts), rest lengths that follow the skinned surface, and hip
 * anchoring of skirts (src/sim/anchor.ts), on subject 2's skirt (src/bench) and small strips.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { makeSubject } from '../../src/bench/subjects.js';
import { skirtSurface } from '../../src/bench/clothSurface.js';
import { anchorSkirtsToHips, buildCage, buildTopology, ClothSolver, MATERIAL, prepareCloth, simulateCloth, SIM_CONFIG, type DeformableSurface } from '../../src/sim/index.js';
import { linearBlendSkinning, BodyPoser } from '../../src/body/index.js';
import { getBuiltinMotion, createPoseSampler, restSkeletonOf } from '../../src/motion/index.js';

const subject = makeSubject(2, { textureSize: 64 });
const surface = skirtSurface(subject);
const rest = restSkeletonOf(subject.model, subject.shape);
const walk = createPoseSampler(getBuiltinMotion('walk', rest.skeleton, rest.rest), subject.model.skeleton);

test('cage: particles ~spacing apart, every loose vertex embedded with weights summing to 1, far fewer particles', () => {
  const spacing = SIM_CONFIG.cageSpacing;
  const { topo, embedding } = buildCage(surface);
  const loose = surface.freedom.reduce((n, f) => n + (f > 0 ? 1 : 0), 0);
  assert.equal(embedding.vertices.length, loose);
  assert.ok(topo.free * 5 < loose, `${topo.free} particles for ${loose} loose vertices`);
  for (let i = 0; i < topo.free; i++) for (let j = i + 1; j < topo.free; j++) {
    const d = Math.hypot(topo.rest[i * 3]! - topo.rest[j * 3]!, topo.rest[i * 3 + 1]! - topo.rest[j * 3 + 1]!, topo.rest[i * 3 + 2]! - topo.rest[j * 3 + 2]!);
    assert.ok(d >= spacing, `particles ${i}, ${j} only ${(d * 100).toFixed(1)} cm apart`);
  }
  for (let m = 0; m < embedding.vertices.length; m++) {
    let sum = 0, nearest = Infinity;
    const v = embedding.vertices[m]!;
    for (let k = embedding.offsets[m]!; k < embedding.offsets[m + 1]!; k++) {
      sum += embedding.weights[k]!;
      const p = embedding.particles[k]!;
      nearest = Math.min(nearest, Math.hypot(topo.rest[p * 3]! - surface.rest[v * 3]!, topo.rest[p * 3 + 1]! - surface.rest[v * 3 + 1]!, topo.rest[p * 3 + 2]! - surface.rest[v * 3 + 2]!));
    }
    assert.ok(Math.abs(sum - 1) < 1e-12, `weights of vertex ${v} sum to ${sum}`);
    assert.ok(nearest <= spacing, `vertex ${v}: nearest particle ${(nearest * 100).toFixed(1)} cm`);
  }
  // the cage is connected to the pinned waistband: every free particle has a stretch constraint
  const deg = new Int32Array(topo.vertex.length);
  for (const p of topo.edges) deg[p]!++;
  for (let i = 0; i < topo.free; i++) assert.ok(deg[i]! >= 2, `particle ${i} has ${deg[i]} edges`);
});

test('cage: with every particle at its skinned position the surface is exactly the skinned surface, at any pose', () => {
  const setup = prepareCloth(surface, subject.model, subject.shape);
  const times = [0.4, 0.9, 1.3];
  // pin the cage to the skinning after every frame: the embedded displacement is then zero
  const r = simulateCloth(setup, { poseAt: walk, duration: 1.3, times, onFrame: (s) => s.x.set(s.target1) });
  const poser = new BodyPoser(subject.model);
  times.forEach((t, k) => {
    const pose = walk(t), posed = poser.forward({ shape: subject.shape, pose });
    const skinned = new Float32Array(surface.rest.length);
    linearBlendSkinning(surface.rest, surface.skin, posed.skinTransforms, pose.translation, skinned);
    let worst = 0;
    for (let i = 0; i < skinned.length; i++) worst = Math.max(worst, Math.abs(r.frames[k]![i]! - skinned[i]!));
    assert.ok(worst < 1e-5, `t = ${t}: ${worst} m from the skinned surface`);
  });
  // and without the pin the walk does move the loose vertices (the embedding carries the displacement)
  const free = simulateCloth(setup, { poseAt: walk, duration: 1.3, times }).frames;
  let moved = 0;
  for (let i = 0; i < free[1]!.length; i++) moved = Math.max(moved, Math.abs(free[1]![i]! - r.frames[1]![i]!));
  assert.ok(moved > 1e-3, `moved ${moved} m`);
});

/** A 2-row strip along X, freedom `f` except the pinned first column, identity skinning. */
function strip(n: number, dx: number, f: number): DeformableSurface {
  const V = n * 2, rest = new Float32Array(V * 3), tris: number[] = [], freedom = new Float32Array(V), material = new Uint8Array(V).fill(MATERIAL.cloth);
  for (let i = 0; i < n; i++) for (let r = 0; r < 2; r++) { const v = i * 2 + r; rest[v * 3] = i * dx; rest[v * 3 + 2] = r * dx; freedom[v] = i === 0 ? 0 : f; }
  for (let i = 0; i + 1 < n; i++) { const a = i * 2; tris.push(a, a + 2, a + 1, a + 1, a + 2, a + 3); }
  return { rest, triangles: Uint32Array.from(tris), skin: { influences: 1, joints: new Uint16Array(V), weights: new Float32Array(V).fill(1) }, freedom, material };
}

test('rest lengths follow the skinned surface: a strip whose skinning stretches it 20 % settles on the stretched targets', () => {
  const topo = buildTopology(strip(12, 0.03, 0.5));
  const noCapsules = { joints: new Int32Array(0), ends: new Float64Array(0), radii: new Float64Array(0) };
  const run = (follow: boolean) => {
    const s = new ClothSolver(topo, noCapsules, { substeps: 4, iterations: 1, gravity: 9.81, gravityCompensation: 1, collisionMargin: 0, reach: 0, followSkinnedLengths: follow });
    for (const t of [s.target0, s.target1]) { t.set(topo.rest); for (let i = 0; i < t.length; i += 3) t[i] = t[i]! * 1.2; }
    for (const u of [s.up0, s.up1]) for (let i = 0; i < u.length; i += 3) u[i + 1] = 1;
    s.reset();
    for (let k = 0; k < 60; k++) s.step(1 / 30);
    let worst = 0;
    for (let i = 0; i < topo.free * 3; i++) worst = Math.max(worst, Math.abs(s.x[i]! - s.target1[i]!));
    // the constraints' lengths are the targets' distances
    const L = s.currentRestLengths().edges;
    let lenErr = 0;
    for (let e = 0; e < L.length; e++) {
      const a = topo.edges[e * 2]! * 3, b = topo.edges[e * 2 + 1]! * 3;
      lenErr = Math.max(lenErr, Math.abs(L[e]! - Math.hypot(s.target1[a]! - s.target1[b]!, s.target1[a + 1]! - s.target1[b + 1]!, s.target1[a + 2]! - s.target1[b + 2]!)));
    }
    return { worst, lenErr };
  };
  const follow = run(true), fixed = run(false);
  assert.ok(follow.worst < 1e-9, `with skinned lengths the strip is ${follow.worst} m off its targets`);
  assert.ok(follow.lenErr < 1e-12, `constraint lengths differ from the skinned ones by ${follow.lenErr}`);
  assert.ok(fixed.worst > 0.005, `with fixed rest lengths the strip should be pulled off the stretched targets (${fixed.worst} m)`);
});

test('hip anchoring: the skirt hem moves its leg weight to the pelvis, the waistband keeps its weights, rows still sum to 1', () => {
  const names = subject.model.skeleton.names, parents = subject.model.skeleton.parents;
  const pelvis = names.indexOf('pelvis');
  const { surface: anchored, anchored: n } = anchorSkirtsToHips(surface, names, parents, 1, 0.5);
  assert.ok(n > 0);
  const K = surface.skin.influences;
  let hemChecked = 0;
  for (let v = 0; v < surface.freedom.length; v++) {
    let sum = 0, pel = 0;
    for (let k = 0; k < K; k++) { sum += anchored.skin.weights[v * K + k]!; if (anchored.skin.joints[v * K + k] === pelvis) pel += anchored.skin.weights[v * K + k]!; }
    assert.ok(Math.abs(sum - 1) < 1e-6, `row ${v} sums to ${sum}`);
    if (surface.freedom[v] === 0) for (let k = 0; k < K; k++) assert.equal(anchored.skin.weights[v * K + k], surface.skin.weights[v * K + k]);
    if (surface.freedom[v]! >= 0.5) { assert.ok(Math.abs(pel - 1) < 1e-6, `hem vertex ${v}: pelvis weight ${pel}`); hemChecked++; }
  }
  assert.ok(hemChecked > 100);
  // hair (not cloth) is never anchored
  const hair = { ...surface, material: new Uint8Array(surface.material.length).fill(MATERIAL.hair) };
  assert.equal(anchorSkirtsToHips(hair, names, parents, 1, 0.5).anchored, 0);
});
