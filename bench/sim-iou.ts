/**
 * How close simulated garments come to the synthetic benchmark's ground truth: for the skirted subjects
 * (2, 4) and the held-out motions (walk, arms-up), silhouette IoU against the ground truth's deformed
 * garments (src/bench/garments.ts: analytic pose-dependent offsets) of (a) skinning only and (b) the
 * XPBD simulation, per motion: the skirt's own silhouette and the whole person's (body ∪ skirt ∪ hair).
 * The ground truth is a smooth function of the pose, not a physical simulation: the figures say whether
 * simulation moves the garments the way the benchmark's truth does, not whether it is physically right.
 * Writes bench/results/sim-iou.json. Run: npx tsc -p tsconfig.json && node dist/bench/sim-iou.js
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/core/version.js';
import { makeSubject, type PosedSubject } from '../src/bench/subjects.js';
import { skirtSurface, hairSurface } from '../src/bench/clothSurface.js';
import { prepareCloth, simulateCloth } from '../src/sim/index.js';
import { getBuiltinMotion, createPoseSampler, motionDuration, restSkeletonOf } from '../src/motion/index.js';
import { rasterizeMesh } from '../src/render/raster.js';
import type { Camera } from '../src/core/camera.js';

const { values } = parseArgs({ options: { subjects: { type: 'string', default: '2,4' }, motions: { type: 'string', default: 'walk,arms-up' }, frames: { type: 'string', default: '8' }, 'max-freedom': { type: 'string' }, 'omega-half': { type: 'string' }, 'hip-anchor': { type: 'string' }, damping: { type: 'string' }, spacing: { type: 'string' } } });
const iou = (a: Uint8Array, b: Uint8Array) => { let i = 0, u = 0; for (let k = 0; k < a.length; k++) { i += a[k]! & b[k]!; u += a[k]! | b[k]!; } return u ? i / u : 1; };
function mask(meshes: Array<[ArrayLike<number>, Uint32Array]>, camera: Camera): Uint8Array {
  const V = meshes.reduce((n, m) => n + m[0].length / 3, 0), F = meshes.reduce((n, m) => n + m[1].length, 0);
  const pos = new Float64Array(V * 3), tri = new Uint32Array(F);
  let v0 = 0, f0 = 0;
  for (const [p, t] of meshes) { pos.set(p, v0 * 3); for (let i = 0; i < t.length; i++) tri[f0 + i] = t[i]! + v0; v0 += p.length / 3; f0 += t.length; }
  const r = rasterizeMesh(pos, tri, camera, { supersample: 1 });
  return Uint8Array.from(r.triangleId, (t) => (t >= 0 ? 1 : 0));
}
const simOpts = {
  ...(values['hip-anchor'] ? { hipAnchor: Number(values['hip-anchor']) } : {}),
  ...(values.spacing ? { cageSpacing: Number(values.spacing) } : {}),
  ...(values['max-freedom'] ? { maxFreedom: Number(values['max-freedom']) } : {}),
  materials: { cloth: { ...(values['omega-half'] ? { attachOmegaHalf: Number(values['omega-half']) } : {}), ...(values.damping ? { damping: Number(values.damping) } : {}) } },
};
const rows: Array<Record<string, unknown>> = [];
console.log(`load average ${loadavg()[0]!.toFixed(2)}`);
for (const id of values.subjects!.split(',').map(Number)) {
  const s = makeSubject(id, { textureSize: 64 });
  const rest = restSkeletonOf(s.model, s.shape);
  const skirtSetup = prepareCloth(skirtSurface(s), s.model, s.shape, simOpts);
  const hairSetup = s.hair ? prepareCloth(hairSurface(s), s.model, s.shape) : undefined;
  for (const motionName of values.motions!.split(',')) {
    const poseAt = createPoseSampler(getBuiltinMotion(motionName, rest.skeleton, rest.rest), s.model.skeleton);
    const duration = motionDuration(getBuiltinMotion(motionName, rest.skeleton, rest.rest));
    const n = Number(values.frames), times = Array.from({ length: n }, (_, k) => (duration * (k + 0.5)) / n);
    const skirt = simulateCloth(skirtSetup, { poseAt, duration, times }).frames;
    const hair = hairSetup ? simulateCloth(hairSetup, { poseAt, duration, times }).frames : undefined;
    const acc = { skirtSkinned: 0, skirtSimulated: 0, personSkinned: 0, personSimulated: 0 };
    times.forEach((t, k) => {
      const truth = s.pose(poseAt(t)), skinned = s.pose(poseAt(t), { deform: false });
      const camera = s.frameCamera(truth, { width: 256, height: 384 });
      const sk = s.skirt!.mesh.triangles, hr = s.hair?.mesh.triangles;
      const person = (p: PosedSubject, sv: ArrayLike<number>, hv?: ArrayLike<number>) => mask([[p.body, s.model.triangles], [sv, sk], ...(hr && hv ? [[hv, hr] as [ArrayLike<number>, Uint32Array]] : [])], camera);
      const mTruth = mask([[truth.skirt!, sk]], camera), pTruth = person(truth, truth.skirt!, truth.hair);
      acc.skirtSkinned += iou(mask([[skinned.skirt!, sk]], camera), mTruth) / n;
      acc.skirtSimulated += iou(mask([[skirt[k]!, sk]], camera), mTruth) / n;
      acc.personSkinned += iou(person(skinned, skinned.skirt!, skinned.hair), pTruth) / n;
      acc.personSimulated += iou(person(skinned, skirt[k]!, hair?.[k] ?? skinned.hair), pTruth) / n;
    });
    rows.push({ subject: id, motion: motionName, frames: n, options: simOpts, ...acc });
    console.log(`subject ${id} ${motionName.padEnd(8)} (${JSON.stringify(simOpts)}) skirt IoU vs truth: skinned ${acc.skirtSkinned.toFixed(4)}, simulated ${acc.skirtSimulated.toFixed(4)}; person: skinned ${acc.personSkinned.toFixed(4)}, simulated ${acc.personSimulated.toFixed(4)}`);
  }
}
const dir = join(packageRoot(), 'bench', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'sim-iou.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
