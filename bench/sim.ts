/**
 * Cloth and hair simulation benchmark (src/sim): for the skirted synthetic subjects (2 and 4), the
 * simulation time per clip of the default training motions, and the builtin generator's time at `fast`
 * quality (8 frames per clip, 512 px) for (a) the bare body — today's path —, (b) a clothed stand-in
 * surface (body ∪ skirt ∪ hair, the size of issue #17's proxy) skinned only, (c) the same simulated.
 * Issue #18 asks: simulation adds at most 25 % to the generate stage at `fast`.
 * Prints figures and writes bench/results/sim.json. Run: npm run bench:sim [-- --subjects 2 --motions dance]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/core/version.js';
import { makeSubject } from '../src/bench/subjects.js';
import { clothedStandIn, skirtSurface } from '../src/bench/clothSurface.js';
import { renderBuiltinClip, placedMotion } from '../src/generate/builtin.js';
import { DEFAULT_MOTIONS } from '../src/generate/stage.js';
import { QUALITY } from '../src/pipeline/quality.js';
import { prepareCloth, simulateCloth, SIM_CONFIG } from '../src/sim/index.js';
import { restPose } from '../src/body/index.js';

const { values } = parseArgs({ options: { subjects: { type: 'string', default: '2,4' }, motions: { type: 'string', default: DEFAULT_MOTIONS.join(',') } } });
const subjects = values.subjects!.split(',').map(Number), motions = values.motions!.split(',');
const q = QUALITY.fast;
const load0 = loadavg()[0]!;
console.log(`cloth simulation benchmark — load average ${load0.toFixed(2)} (1 min); ${SIM_CONFIG.fps} Hz × ${SIM_CONFIG.substeps} substeps; fast: ${q.framesPerClip} frames/clip at ${q.generatedSize} px`);
const results: Array<Record<string, unknown>> = [];
for (const id of subjects) {
  const s = makeSubject(id, { textureSize: q.textureSize });
  const fitPose = restPose(s.model.skeleton.names.length);
  const shape = Array.from(s.shape);
  const standIn = clothedStandIn(s);
  const t0 = performance.now();
  const setup = prepareCloth(standIn.surface, s.model, shape);
  const prepareMs = performance.now() - t0;
  const camera = s.frameCamera(s.pose(fitPose), { width: Math.round((q.generatedSize * 2) / 3), height: q.generatedSize });
  const skirtOnly = prepareCloth(skirtSurface(s), s.model, shape);
  console.log(`subject ${id}: stand-in ${standIn.surface.rest.length / 3} vertices, ${setup.topo.free} free particles (${setup.topo.edgeRest.length} stretch, ${setup.topo.bendRest.length} bend constraints), ${setup.capsules.joints.length} capsules; prepare ${prepareMs.toFixed(0)} ms`);
  for (const motion of motions) {
    const { duration, poseAt } = placedMotion(s.model, shape, fitPose, motion);
    const times = Array.from({ length: q.framesPerClip }, (_, k) => (duration * (k + 0.5)) / q.framesPerClip);
    const skirtSim = simulateCloth(skirtOnly, { poseAt, duration, times });
    const clip = (o: object) => { const t = performance.now(); renderBuiltinClip({ body: s.model, shape, fitPose, camera, texture: s.texture, motion, frames: q.framesPerClip, ...o }); return performance.now() - t; };
    const bodyMs = clip({});
    const skinnedMs = clip({ surface: standIn, clothDynamics: false });
    const simulatedMs = clip({ surface: standIn, clothSetup: setup });
    const row = { subject: id, motion, duration, skirtFreeParticles: skirtSim.freeParticles, skirtSimMs: skirtSim.milliseconds, simSteps: skirtSim.steps, bodyMs, skinnedMs, simulatedMs, overheadVsSkinned: simulatedMs / skinnedMs - 1, overheadVsBody: simulatedMs / bodyMs - 1 };
    results.push(row);
    console.log(`  ${motion.padEnd(11)} ${duration.toFixed(1)} s clip: skirt sim ${skirtSim.milliseconds.toFixed(0)} ms (${skirtSim.steps} frames, ${(skirtSim.milliseconds / skirtSim.steps).toFixed(2)} ms/frame); generate ${q.framesPerClip} frames: body ${bodyMs.toFixed(0)} ms, stand-in skinned ${skinnedMs.toFixed(0)} ms, simulated ${simulatedMs.toFixed(0)} ms (+${(100 * row.overheadVsSkinned).toFixed(0)} % vs skinned, +${(100 * row.overheadVsBody).toFixed(0)} % vs body)`);
  }
}
const sum = (k: string) => results.reduce((a, r) => a + (r[k] as number), 0);
const summary = { bodyMs: sum('bodyMs'), skinnedMs: sum('skinnedMs'), simulatedMs: sum('simulatedMs'), overheadVsSkinned: sum('simulatedMs') / sum('skinnedMs') - 1, overheadVsBody: sum('simulatedMs') / sum('bodyMs') - 1 };
const load1 = loadavg()[0]!;
console.log(`total: body ${summary.bodyMs.toFixed(0)} ms, skinned ${summary.skinnedMs.toFixed(0)} ms, simulated ${summary.simulatedMs.toFixed(0)} ms → simulation adds ${(100 * summary.overheadVsSkinned).toFixed(0)} % to the clothed generate time (${(100 * summary.overheadVsBody).toFixed(0)} % over the bare body); load average ${load0.toFixed(2)} → ${load1.toFixed(2)}`);
const dir = join(packageRoot(), 'bench', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'sim.json'), JSON.stringify({ date: new Date().toISOString(), loadAverage: [load0, load1], config: { fps: SIM_CONFIG.fps, substeps: SIM_CONFIG.substeps, quality: 'fast', framesPerClip: q.framesPerClip, size: q.generatedSize }, results, summary }, null, 2));
console.log(`wrote ${join(dir, 'sim.json')}`);
