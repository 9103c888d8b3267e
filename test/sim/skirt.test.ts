/**
 * The solver on the synthetic skirt of subject 2 (src/bench): driven by the builtin walk, it keeps its
 * edge lengths, never lets a particle into the body's capsules, moves the hem relative to skinning, is
 * bit-identical across runs, and at rest under gravity settles.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { makeSubject } from '../../src/bench/subjects.js';
import { skirtSurface } from '../../src/bench/clothSurface.js';
import { prepareCloth, simulateCloth, segmentDistance } from '../../src/sim/index.js';
import { linearBlendSkinning, BodyPoser } from '../../src/body/index.js';
import { getBuiltinMotion, createPoseSampler, restSkeletonOf } from '../../src/motion/index.js';

const subject = makeSubject(2, { textureSize: 64 });
const surface = skirtSurface(subject);
const rest = restSkeletonOf(subject.model, subject.shape);
const walk = createPoseSampler(getBuiltinMotion('walk', rest.skeleton, rest.rest), subject.model.skeleton);
const setup = prepareCloth(surface, subject.model, subject.shape);
const topo = setup.topo;

test('walk: edge lengths kept, no particle inside a capsule, the hem moves relative to skinning', () => {
  // cage edges whose two ends are simulated (their rest lengths follow the skinned surface)
  const freeEdges: number[] = [];
  for (let e = 0; e < topo.edgeRest.length; e++) {
    const a = topo.edges[e * 2]!, b = topo.edges[e * 2 + 1]!;
    if (a < topo.free && b < topo.free) freeEdges.push(e);
  }
  assert.ok(freeEdges.length > 200, `${freeEdges.length} free edges`);
  const strains: number[] = [];
  let inside = 0, checked = 0, deepest = 0;
  const tmp = new Float64Array(3);
  const times = [0.6, 1.2, 1.8, 2.4];
  const r = simulateCloth(setup, {
    poseAt: walk, duration: 2.4, times,
    onFrame: (s, t) => {
      if (t <= 0) return;
      let sum = 0;
      const L = s.currentRestLengths().edges; // the skinned lengths at the frame's end
      for (const e of freeEdges) {
        const a = topo.edges[e * 2]! * 3, b = topo.edges[e * 2 + 1]! * 3;
        const l = Math.hypot(s.x[a]! - s.x[b]!, s.x[a + 1]! - s.x[b + 1]!, s.x[a + 2]! - s.x[b + 2]!);
        const st = Math.abs(l - L[e]!) / L[e]!;
        sum += st; strains.push(st);
      }
      // every free particle against every capsule, at the frame's end pose (where the last substep put them)
      for (let i = 0; i < topo.free; i++)
        for (let c = 0; c < setup.capsules.joints.length; c++) {
          const d = segmentDistance(s.x[i * 3]!, s.x[i * 3 + 1]!, s.x[i * 3 + 2]!, s.caps1, c * 6, tmp);
          checked++;
          if (d < setup.capsules.radii[c]! - 1e-9) { inside++; deepest = Math.max(deepest, setup.capsules.radii[c]! - d); }
        }
      void sum;
    },
  });
  strains.sort((a, b) => a - b);
  const mean = strains.reduce((a, b) => a + b, 0) / strains.length, p99 = strains[Math.floor(strains.length * 0.99)]!;
  assert.ok(mean < 0.03, `mean strain ${(mean * 100).toFixed(2)} %`);
  assert.ok(p99 < 0.15, `99th percentile strain ${(p99 * 100).toFixed(1)} %`);
  assert.equal(inside, 0, `${inside} of ${checked} particle–capsule pairs inside (deepest ${(deepest * 1000).toFixed(1)} mm)`);
  // the hem (freedom > 0.8, capped at 0.5 in the simulation) moves away from the skinned hem by ≥ 5 mm, and the waistband stays skinned
  const poser = new BodyPoser(subject.model);
  let hemMax = 0, waistMax = 0;
  times.forEach((t, k) => {
    const pose = walk(t), posed = poser.forward({ shape: subject.shape, pose });
    const skinned = new Float32Array(surface.rest.length);
    linearBlendSkinning(surface.rest, surface.skin, posed.skinTransforms, pose.translation, skinned);
    for (let v = 0; v < surface.freedom.length; v++) {
      const d = Math.hypot(r.frames[k]![v * 3]! - skinned[v * 3]!, r.frames[k]![v * 3 + 1]! - skinned[v * 3 + 1]!, r.frames[k]![v * 3 + 2]! - skinned[v * 3 + 2]!);
      if (surface.freedom[v]! > 0.8) hemMax = Math.max(hemMax, d);
      if (surface.freedom[v] === 0) waistMax = Math.max(waistMax, d);
    }
  });
  assert.ok(hemMax > 0.005, `hem moved at most ${(hemMax * 100).toFixed(1)} cm from skinning`);
  assert.ok(waistMax < 1e-6, `the waistband (freedom 0) left its skinned position by ${waistMax}`);
});

test('two runs with the same inputs are bit-identical', () => {
  const run = () => simulateCloth(prepareCloth(surface, subject.model, subject.shape), { poseAt: walk, duration: 0.8, times: [0.4, 0.8] }).frames;
  const a = run(), b = run();
  for (let k = 0; k < a.length; k++) assert.deepEqual(Buffer.from(a[k]!.buffer), Buffer.from(b[k]!.buffer));
});

test('the skirt under gravity on a held pose settles: kinetic energy → 0', () => {
  // a fast blend (0.3 s) from the rest pose into mid-stride, then the pose is held: the swing dies out
  const held = walk(1.2);
  const quick = prepareCloth(surface, subject.model, subject.shape, { settleBlendSeconds: 0.3, settleHoldSeconds: 0 });
  let peak = 0, last = 0;
  simulateCloth(quick, { poseAt: () => held, duration: 6, times: [6], onFrame: (s) => { last = s.kineticEnergy(); peak = Math.max(peak, last); } });
  assert.ok(peak > 1e-3, `peak kinetic energy ${peak}`);
  assert.ok(last < 1e-4 * peak, `kinetic energy ${last.toExponential(2)} J after 6 s (peak ${peak.toExponential(2)} J)`);
});

test('in the rest pose the draped skirt stays exactly where it is (warm start at equilibrium)', () => {
  const J = subject.model.skeleton.names.length;
  const pose = { rotations: new Float64Array(J * 3), translation: [0, 0, 0] as [number, number, number] };
  const out = simulateCloth(setup, { poseAt: () => pose, duration: 1, times: [1] }).frames[0]!;
  let worst = 0;
  for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i]! - surface.rest[i]!));
  assert.ok(worst < 1e-6, `moved ${worst} m`);
});
