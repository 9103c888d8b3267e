/**
 * Cloth and hair simulation benchmark (src/sim): for the skirted synthetic subjects (2 and 4), the
 * simulation time per clip of the default training motions, and the builtin generator's time at `fast`
 * quality (8 frames per clip, 512 px) for (a) the bare body — today's path —, (b) a clothed stand-in
 * surface (body ∪ skirt ∪ hair, the size of issue #17's proxy) skinned only, (c) the same simulated.
 * Issue #18 asks: simulation adds at most 25 % to the generate stage at `fast`.
 * With --subject-dirs a,b (subject folders that have a clothed proxy, shape/proxy.json, and the stages
 * before generate): the real generate stage (runGenerateStage at fast: 8 frames/clip, 512 px, PNG writes
 * included) on a copy of each, skinned and simulated, alternating (skinned, simulated, skinned, simulated),
 * process CPU time and wall time: the issue's "+25 % at most".
 * Prints figures and writes bench/results/sim.json. Run: npm run bench:sim [-- --subjects 2 --motions dance] [-- --subject-dirs DIR,DIR]
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runGenerateStage } from '../src/generate/stage.js';
import { loadSubjectProxy } from '../src/shape/index.js';
import { proxySurface } from '../src/generate/builtin.js';
import { resolveBody } from '../src/body/index.js';
import { readFit } from '../src/subject/artefacts.js';
import { Subject } from '../src/subject/manifest.js';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/core/version.js';
import { makeSubject } from '../src/bench/subjects.js';
import { clothedStandIn, skirtSurface } from '../src/bench/clothSurface.js';
import { renderBuiltinClip, placedMotion } from '../src/generate/builtin.js';
import { DEFAULT_MOTIONS } from '../src/generate/stage.js';
import { QUALITY } from '../src/subject/quality.js';
import { prepareCloth, simulateCloth, SIM_CONFIG } from '../src/sim/index.js';
import { restPose } from '../src/body/index.js';

const { values } = parseArgs({ options: { subjects: { type: 'string', default: '2,4' }, motions: { type: 'string', default: DEFAULT_MOTIONS.join(',') }, 'subject-dirs': { type: 'string' }, repeats: { type: 'string', default: '2' } } });
const subjects = values.subjects!.split(',').map(Number), motions = values.motions!.split(',');
const q = QUALITY.fast;
const load0 = loadavg()[0]!;
console.log(`cloth simulation benchmark — load average ${load0.toFixed(2)} (1 min); ${SIM_CONFIG.fps} Hz × ${SIM_CONFIG.substeps} substeps; fast: ${q.generate.framesPerClip} frames/clip at ${q.generate.size} px`);
const results: Array<Record<string, unknown>> = [];
const stageRows: Array<Record<string, unknown>> = [];
for (const dir of values['subject-dirs'] ? values['subject-dirs'].split(',') : []) {
  const proxy = loadSubjectProxy(dir);
  if (!proxy) throw new Error(`${dir} has no clothed proxy (shape/proxy.json)`);
  const fit = await readFit(new Subject(dir));
  const t0 = performance.now();
  const setup = prepareCloth(proxySurface(proxy.proxy), resolveBody(undefined), fit.shape);
  const prepMs = performance.now() - t0;
  const looseVertices = proxySurface(proxy.proxy).freedom.reduce((n, f, i) => n + (f > 0 && proxy.proxy.material[i] !== 0 ? 1 : 0), 0);
  console.log(`${dir}: proxy ${proxy.proxy.model.template.length / 3} vertices, ${looseVertices} loose → cage ${setup.topo.free} free particles (+${setup.topo.vertex.length - setup.topo.free} pinned), ${setup.topo.edgeRest.length} stretch, ${setup.topo.bendRest.length} bend; prepare ${prepMs.toFixed(0)} ms`);
  const work = mkdtempSync(join(tmpdir(), 'persona-bench-sim-'));
  cpSync(dir, work, { recursive: true });
  const times: Record<string, number[]> = { skinnedCpu: [], simulatedCpu: [], skinnedWall: [], simulatedWall: [] };
  for (let r = 0; r < Number(values.repeats); r++) for (const dyn of [false, true]) {
    const c0 = process.cpuUsage(), w0 = performance.now();
    await runGenerateStage(work, { motions, framesPerClip: q.generate.framesPerClip, size: q.generate.size, clothDynamics: dyn, force: true });
    const c = process.cpuUsage(c0), wall = performance.now() - w0, cpu = (c.user + c.system) / 1000;
    times[dyn ? 'simulatedCpu' : 'skinnedCpu']!.push(cpu); times[dyn ? 'simulatedWall' : 'skinnedWall']!.push(wall);
    console.log(`  generate stage (${motions.length} clips × ${q.generate.framesPerClip} frames, ${q.generate.size} px) ${dyn ? 'simulated' : 'skinned  '}: CPU ${(cpu / 1000).toFixed(1)} s, wall ${(wall / 1000).toFixed(1)} s (load ${loadavg()[0]!.toFixed(2)})`);
  }
  rmSync(work, { recursive: true, force: true });
  const sumOf = (k: string) => times[k]!.reduce((a, b) => a + b, 0);
  const row = { dir, looseVertices, particles: setup.topo.free, ...times, cpuOverhead: sumOf('simulatedCpu') / sumOf('skinnedCpu') - 1, wallOverhead: sumOf('simulatedWall') / sumOf('skinnedWall') - 1 };
  stageRows.push(row);
  console.log(`  → simulation adds ${(100 * row.cpuOverhead).toFixed(1)} % CPU, ${(100 * row.wallOverhead).toFixed(1)} % wall to the generate stage`);
}
for (const id of values['subject-dirs'] ? [] : subjects) {
  const s = makeSubject(id, { textureSize: q.texture.size });
  const fitPose = restPose(s.model.skeleton.names.length);
  const shape = Array.from(s.shape);
  const standIn = clothedStandIn(s);
  const t0 = performance.now();
  const setup = prepareCloth(standIn.surface, s.model, shape);
  const prepareMs = performance.now() - t0;
  const camera = s.frameCamera(s.pose(fitPose), { width: Math.round((q.generate.size * 2) / 3), height: q.generate.size });
  const skirtOnly = prepareCloth(skirtSurface(s), s.model, shape);
  console.log(`subject ${id}: stand-in ${standIn.surface.rest.length / 3} vertices, ${setup.topo.free} free particles (${setup.topo.edgeRest.length} stretch, ${setup.topo.bendRest.length} bend constraints), ${setup.capsules.joints.length} capsules; prepare ${prepareMs.toFixed(0)} ms`);
  for (const motion of motions) {
    const { duration, poseAt } = placedMotion(s.model, shape, fitPose, motion);
    const times = Array.from({ length: q.generate.framesPerClip }, (_, k) => (duration * (k + 0.5)) / q.generate.framesPerClip);
    const skirtSim = simulateCloth(skirtOnly, { poseAt, duration, times });
    const clip = (o: object) => { const t = performance.now(); renderBuiltinClip({ body: s.model, shape, fitPose, camera, texture: s.texture, motion, frames: q.generate.framesPerClip, ...o }); return performance.now() - t; };
    const bodyMs = clip({});
    const skinnedMs = clip({ surface: standIn, clothDynamics: false });
    const simulatedMs = clip({ surface: standIn, clothSetup: setup });
    const row = { subject: id, motion, duration, skirtFreeParticles: skirtSim.freeParticles, skirtSimMs: skirtSim.milliseconds, simSteps: skirtSim.steps, bodyMs, skinnedMs, simulatedMs, overheadVsSkinned: simulatedMs / skinnedMs - 1, overheadVsBody: simulatedMs / bodyMs - 1 };
    results.push(row);
    console.log(`  ${motion.padEnd(11)} ${duration.toFixed(1)} s clip: skirt sim ${skirtSim.milliseconds.toFixed(0)} ms (${skirtSim.steps} frames, ${(skirtSim.milliseconds / skirtSim.steps).toFixed(2)} ms/frame); generate ${q.generate.framesPerClip} frames: body ${bodyMs.toFixed(0)} ms, stand-in skinned ${skinnedMs.toFixed(0)} ms, simulated ${simulatedMs.toFixed(0)} ms (+${(100 * row.overheadVsSkinned).toFixed(0)} % vs skinned, +${(100 * row.overheadVsBody).toFixed(0)} % vs body)`);
  }
}
const sum = (k: string) => results.reduce((a, r) => a + (r[k] as number), 0);
if (stageRows.length) {
  const total = (k: string) => stageRows.reduce((a, r) => a + (r[k] as number[]).reduce((x, y) => x + y, 0), 0);
  const load1 = loadavg()[0]!, overhead = total('simulatedCpu') / total('skinnedCpu') - 1;
  console.log(`generate stage, all subjects: simulation adds ${(100 * overhead).toFixed(1)} % CPU (${(100 * (total('simulatedWall') / total('skinnedWall') - 1)).toFixed(1)} % wall); load average ${load0.toFixed(2)} → ${load1.toFixed(2)}`);
  const dir = join(packageRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'sim-stage.json'), JSON.stringify({ date: new Date().toISOString(), loadAverage: [load0, load1], config: { fps: SIM_CONFIG.fps, substeps: SIM_CONFIG.substeps, cageSpacing: SIM_CONFIG.cageSpacing, quality: 'fast' }, rows: stageRows, cpuOverhead: overhead }, null, 2));
  process.exit(0);
}
const summary = { bodyMs: sum('bodyMs'), skinnedMs: sum('skinnedMs'), simulatedMs: sum('simulatedMs'), overheadVsSkinned: sum('simulatedMs') / sum('skinnedMs') - 1, overheadVsBody: sum('simulatedMs') / sum('bodyMs') - 1 };
const load1 = loadavg()[0]!;
console.log(`total: body ${summary.bodyMs.toFixed(0)} ms, skinned ${summary.skinnedMs.toFixed(0)} ms, simulated ${summary.simulatedMs.toFixed(0)} ms → simulation adds ${(100 * summary.overheadVsSkinned).toFixed(0)} % to the clothed generate time (${(100 * summary.overheadVsBody).toFixed(0)} % over the bare body); load average ${load0.toFixed(2)} → ${load1.toFixed(2)}`);
const dir = join(packageRoot(), 'bench', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'sim.json'), JSON.stringify({ date: new Date().toISOString(), loadAverage: [load0, load1], config: { fps: SIM_CONFIG.fps, substeps: SIM_CONFIG.substeps, quality: 'fast', framesPerClip: q.generate.framesPerClip, size: q.generate.size }, results, summary }, null, 2));
console.log(`wrote ${join(dir, 'sim.json')}`);
