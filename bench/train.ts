/**
 * Training-step benchmark: times N PERSONA training steps at a preset (default `fast`) on a fixed synthetic
 * subject (the default body with a striped texture, rendered by the mesh rasterizer as the photo and a few
 * generated views at the preset's render size), phase by phase, with the CPU time of every thread of the
 * process, for each loss engine given (`--engine reference,fast`: steps interleaved, so both see the same
 * machine load). The subject and the model are built once; each engine trains its own copy from the same
 * seed, so the engines see the same frames in the same order.
 *
 * With `--subject <dir>` (a subject folder after `generate`, e.g. the demo's) it times what the train stage trains
 * on: the Gaussian template on the subject's clothed proxy and its photo and generated frames, in the trainer's
 * balanced order (half the steps see the photo).
 *
 * Usage: npm run bench:train [-- --steps 12] [-- --engine reference,fast-serial,fast] [-- --preset fast] [-- --threads N] [-- --subject DIR]
 * Writes bench/results/train-<date>.json (medians per phase, CPU per thread, load average before/after).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { lookAtCamera, type Camera } from '../src/core/camera.js';
import { createImage, type FloatImage } from '../src/core/image.js';
import { packageRoot } from '../src/core/version.js';
import { loadBodyModel } from '../src/body/model.js';
import { BodyPoser } from '../src/body/skinning.js';
import type { BodyPose } from '../src/body/types.js';
import { renderTextured } from '../src/render/index.js';
import { buildGaussianTemplate } from '../src/avatar/buildTemplate.js';
import { AvatarModel } from '../src/train/model.js';
import type { GaussianTemplate } from '../src/avatar/template.js';
import { loadTrainingInputs } from '../src/train/stage.js';
import { BalancedSampler } from '../src/train/sampler.js';
import { SKIN_RESAMPLE_EVERY, trainConfig } from '../src/train/config.js';
import type { PresetName } from '../src/subject/quality.js';
import { renderGeometryTargets } from '../src/train/targets.js';
import { partBoundary } from '../src/train/boundary.js';
import type { TrainingFrame } from '../src/train/frame.js';
import { frameLosses } from '../src/train/step.js';
import { addRegularizers, startRegularizers } from '../src/train/regularizers.js';
import { regularizerGraphs } from '../src/train/trainer.js';
import { threadCpuSeconds } from '../src/train/profile.js';
import { Adam, type ParamGroup } from '../src/nn/adam.js';
import { lossProfile, setLossEngine, type LossEngine } from '../src/train/losses.js';
import { setNnTaskRunner, setNnThreads } from '../src/nn/index.js';
import { runTasks, startBackgroundTask } from '../src/splat/index.js';

/** The paper's boundary settings (the config's `sampling`). */
const PAPER = trainConfig('standard');

function stripedTexture(size = 64): FloatImage {
  const img = createImage(size, size, 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3, stripe = Math.floor(y / 4) % 2 === 0;
      img.data[i] = stripe ? 0.85 : 0.2;
      img.data[i + 1] = x < size / 2 ? 0.3 : 0.6;
      img.data[i + 2] = stripe ? 0.25 : 0.8;
    }
  return img;
}

function armsPose(names: string[], armDeg: number, elbowDeg: number): BodyPose {
  const rot = new Float64Array(names.length * 3);
  const set = (n: string, v: [number, number, number]) => { const j = names.indexOf(n); if (j >= 0) rot.set(v, j * 3); };
  const a = (armDeg * Math.PI) / 180, e = (elbowDeg * Math.PI) / 180;
  set('upperarm_l', [0, 0, -a]); set('upperarm_r', [0, 0, a]); set('lowerarm_l', [0, -e, 0]); set('lowerarm_r', [0, e, 0]);
  return { rotations: rot, translation: [0, 0, 0] };
}

/** The photo and `n` generated views of the textured default body, W×H (portrait, like the demo's renders). */
function benchFrames(n: number, width: number, height: number): TrainingFrame[] {
  const body = loadBodyModel();
  const tex = stripedTexture();
  const frames: TrainingFrame[] = [];
  for (let i = 0; i <= n; i++) {
    const angle = (i * 2 * Math.PI) / (n + 1);
    const camera: Camera = lookAtCamera([2.6 * Math.sin(angle), 0.1, 2.6 * Math.cos(angle)], [0, 0.0, 0], { width, height, fovYDeg: 45 });
    const pose = armsPose(body.skeleton.names, i === 0 ? 5 : 10 + 8 * i, 10 * i);
    const verts = Float32Array.from(new BodyPoser(body).forward({ pose }).vertices);
    const render = renderTextured(verts, body.triangles, body.cornerUvs, tex, camera, { background: [1, 1, 1] });
    const targets = renderGeometryTargets(verts, body.triangles, body.partLabels, camera, render.alpha);
    const kind = i === 0 ? 'photo' : 'generated';
    const frame: TrainingFrame = { kind, id: i === 0 ? 'photo' : `gen/${i}`, camera, pose, width, height, image: render.image.data, mask: render.alpha, targets };
    if (kind === 'photo') frame.boundary = partBoundary(targets.seg, width, height, 3, { threshold: PAPER.sampling.boundaryThreshold, kernel: { ratio: PAPER.sampling.boundaryKernelRatio, alpha: render.alpha } }).boundary;
    frames.push(frame);
  }
  return frames;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Wraps a method of `obj` so that its wall time accumulates into `acc[key]`. */
function timeMethod(obj: object, method: string, acc: Record<string, number>, key: string): void {
  const o = obj as Record<string, (...a: unknown[]) => unknown>;
  const f = o[method]!.bind(obj);
  o[method] = (...a: unknown[]) => { const t = performance.now(); try { return f(...a); } finally { acc[key] = (acc[key] ?? 0) + performance.now() - t; } };
}

interface Runner {
  /** The engine, plus `+mlp<widths>` for a runner with other MLP widths (`--mlp-hidden`). */
  label: string;
  engine: Engine;
  step: (it: number) => Record<string, number>;
  /** Total loss of the last step (the engines should follow the same trajectory up to rounding). */
  lastLoss: () => number;
}

/** The default subject: the textured default body (not the clothed proxy the demo trains on). */
function benchTemplate(preset: PresetName): GaussianTemplate {
  const cfg = trainConfig(preset, { seed: 0 });
  const body = loadBodyModel();
  return buildGaussianTemplate(body, { shape: new Float64Array(body.shapeCount), levels: cfg.avatar.subdivisions, texture: stripedTexture() });
}

/** Frame of iteration `it`: round robin over the bench frames, or the trainer's balanced order (--subject). */
type FrameOrder = (it: number) => TrainingFrame;

/**
 * Engines: `reference` (full-frame float64 SSIM, MLP and Laplacians on the main thread), `fast-serial` (the fast
 * losses, MLP rows on two threads, Laplacians in the background; the two renders' losses one after the other,
 * SSIM in row bands), `fast-serial-chain` (as fast-serial, the two renders' losses on two threads at once; the state
 * before 2026-12-06), `fast` (as fast-serial-chain, and the two renders' LBS/normal chains of the forward and backward
 * on two threads at once too: the trainer's path).
 */
type Engine = 'reference' | 'fast-serial' | 'fast-serial-chain' | 'fast';

function makeRunner(engine: Engine, template: GaussianTemplate, frameAt: FrameOrder, preset: PresetName, threads: number | undefined, mlpHidden?: number[]): Runner {
  const lossEngine: LossEngine = engine === 'reference' ? 'reference' : 'fast';
  const parallelRenders = engine === 'fast' || engine === 'fast-serial-chain';
  const parallelChains = engine === 'fast';
  const cfg = trainConfig(preset, { seed: 0, ...(mlpHidden ? { avatar: { mlpHidden } } : {}) });
  const label = mlpHidden ? `${engine}+mlp${mlpHidden.join('-')}` : engine;
  const model = new AvatarModel(template, cfg.avatar, 0);
  const graphs = regularizerGraphs(template);
  const lrOf: Record<string, number> = { ...cfg.lr };
  const groups: ParamGroup[] = model.paramGroups().map((g) => ({ name: g.group, params: g.params, lr: lrOf[g.group]! }));
  const adam = new Adam(groups, { beta1: cfg.schedule.adamBeta1, beta2: cfg.schedule.adamBeta2, eps: cfg.schedule.adamEps });
  const acc: Record<string, number> = {};
  let lastLoss = NaN;
  timeMethod(model.mlp, 'forward', acc, 'mlpForward');
  timeMethod(model.mlp, 'backward', acc, 'mlpBackward');
  timeMethod(model.triplane, 'sample', acc, 'triplaneForward');
  timeMethod(model.triplane, 'backward', acc, 'triplaneBackward');
  timeMethod(model, 'renderPair', acc, 'lbsFeaturesRasterForward');
  timeMethod(model, 'backwardFromGaussians', acc, 'avatarBackward');
  const step = (it: number): Record<string, number> => {
    for (const k of Object.keys(acc)) acc[k] = 0;
    // reference: the old path (full-frame float64 SSIM, MLP on the calling thread); fast: the new one
    setLossEngine(lossEngine);
    setNnTaskRunner(runTasks);
    setNnThreads(engine === 'reference' ? 1 : undefined);
    lossProfile.ssimMs = 0; lossProfile.l1Ms = 0;
    const frame = frameAt(it);
    const t0 = performance.now();
    model.zeroGrad();
    const fwd = model.forward(frame.pose, frame.camera, { threads, parallelRenders: parallelChains });
    const t1 = performance.now();
    // fast: the regularizers run on a background worker during the losses ("laplacians" is then the wait)
    const pending = engine === 'reference' ? null : startRegularizers(model, fwd.anchorOffsets, graphs, cfg, startBackgroundTask);
    const { losses, dBase, dRefined } = frameLosses(fwd, frame, cfg, { geometryWeighting: true, parallelRenders });
    const t2 = performance.now();
    const regs = pending ? pending.finish() : addRegularizers(model, fwd.anchorOffsets, graphs, cfg);
    const t3 = performance.now();
    model.backward(fwd, dBase, dRefined, { dAnchorOffsets: regs.dAnchorOffsets, threads, parallelRenders: parallelChains });
    const t4 = performance.now();
    adam.step();
    if ((it + 1) % SKIN_RESAMPLE_EVERY === 0) model.resampleSkinning(); // as the trainer
    const t5 = performance.now();
    const st = [fwd.base.result.stats, fwd.refined.result.stats];
    const rasterPre = st[0]!.preprocessMs + st[1]!.preprocessMs, rasterComp = st[0]!.rasterMs + st[1]!.rasterMs;
    const fwdOther = t1 - t0 - acc.mlpForward! - acc.triplaneForward! - acc.lbsFeaturesRasterForward!;
    lastLoss = Object.values({ ...losses, ...regs.losses }).reduce((a, b) => a + b, 0);
    return {
      total: t5 - t0, forward: t1 - t0, losses: t2 - t1, ssim: lossProfile.ssimMs, l1: lossProfile.l1Ms, laplacians: t3 - t2, backward: t4 - t3, adam: t5 - t4,
      mlpForward: acc.mlpForward!, mlpBackward: acc.mlpBackward!, triplane: acc.triplaneForward! + acc.triplaneBackward!, lbsFeaturesRasterForward: acc.lbsFeaturesRasterForward!, rasterPreprocess: rasterPre, rasterComposite: rasterComp, lbsNormalsFeatures: acc.lbsFeaturesRasterForward! - rasterPre - rasterComp,
      rasterBackward: t4 - t3 - acc.avatarBackward!, lbsFeaturesBackward: acc.avatarBackward! - acc.mlpBackward! - acc.triplaneBackward!, forwardOther: fwdOther,
    };
  };
  return { label, engine, step, lastLoss: () => lastLoss };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, def: string): string => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1]! : def; };
  const steps = Number(opt('steps', '12'));
  const preset = opt('preset', 'fast') as PresetName;
  const engines = opt('engine', 'reference,fast').split(',') as Engine[];
  for (const e of engines) if (!['reference', 'fast-serial', 'fast-serial-chain', 'fast'].includes(e)) throw new Error(`unknown engine ${e} (reference, fast-serial, fast-serial-chain, fast)`);
  const threads = args.includes('--threads') ? Number(opt('threads', '2')) : undefined;
  const warmup = Number(opt('warmup', '2'));
  const subjectDir = args.includes('--subject') ? opt('subject', '') : undefined;
  const cfg = trainConfig(preset);
  let template: GaussianTemplate, frameAt: FrameOrder, what: string;
  if (subjectDir) {
    // exactly what the train stage trains on (template on the clothed proxy, the photo and every generated frame)
    const inputs = await loadTrainingInputs(subjectDir, { quality: preset });
    template = inputs.template;
    const frames = inputs.frames;
    const sampler = new BalancedSampler({ generatedFrames: frames.length - 1, balanced: true, seed: inputs.cfg.seed });
    frameAt = (it) => { const s = sampler.at(it); return frames[s.kind === 'photo' ? 0 : s.index + 1]!; };
    what = `subject ${subjectDir} (${inputs.clothed ? 'clothed proxy' : 'bare body'}, ${frames.length} frames, ${frames[0]!.width}×${frames[0]!.height})`;
  } else {
    const long = cfg.avatar.renderSize, short = Math.round((long * 2) / 3);
    const frames = benchFrames(3, short, long);
    template = benchTemplate(preset);
    frameAt = (it) => frames[it % frames.length]!;
    what = `the default body, ${short}×${long}`;
  }
  const loadBefore = loadavg();
  console.log(`bench:train preset ${preset}, ${what}, ${template.count} Gaussians, ${template.anchorCount} anchors, ${steps} steps (+${warmup} warm-up) per engine [${engines.join(', ')}], load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  // --mlp-hidden 64,64,64: one more runner per engine with these MLP widths, interleaved with the preset's
  const mlpAlt = args.includes('--mlp-hidden') ? opt('mlp-hidden', '').split(',').map(Number) : undefined;
  const runners = engines.flatMap((e) => [makeRunner(e, template, frameAt, preset, threads), ...(mlpAlt ? [makeRunner(e, template, frameAt, preset, threads, mlpAlt)] : [])]);
  const samples: Record<string, Array<Record<string, number>>> = {};
  const cpuByEngine: Record<string, Record<string, { name: string; s: number }>> = {};
  const wallByEngine: Record<string, number> = {};
  for (const r of runners) { samples[r.label] = []; cpuByEngine[r.label] = {}; wallByEngine[r.label] = 0; }
  for (let it = 0; it < warmup + steps; it++) {
    for (const r of runners) {
      const c0 = threadCpuSeconds(), w0 = performance.now();
      const s = r.step(it);
      const w1 = performance.now(), c1 = threadCpuSeconds();
      if (it < warmup) continue;
      samples[r.label]!.push(s);
      wallByEngine[r.label]! += (w1 - w0) / 1000;
      for (const [tid, v] of c1) {
        const d = v.s - (c0.get(tid)?.s ?? 0);
        const slot = (cpuByEngine[r.label]![tid] ??= { name: v.name, s: 0 });
        slot.s += d;
      }
    }
  }
  const loadAfter = loadavg();
  const report: Record<string, unknown> = {};
  for (const r of runners) {
    const ss = samples[r.label]!;
    const med: Record<string, number> = {};
    for (const k of Object.keys(ss[0]!)) med[k] = Math.round(median(ss.map((s) => s[k]!)) * 10) / 10;
    const wall = wallByEngine[r.label]!;
    const threadsCpu = Object.entries(cpuByEngine[r.label]!)
      .filter(([, v]) => v.s > 0.005 * wall)
      .map(([tid, v]) => ({ tid, name: tid === String(process.pid) ? 'main' : v.name, cpuSeconds: Math.round(v.s * 100) / 100, cpuSecondsPerStep: Math.round((v.s / ss.length) * 1000) / 1000, utilisation: Math.round((v.s / wall) * 100) / 100 }))
      .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
    const cpuTotal = threadsCpu.reduce((s, t) => s + t.cpuSeconds, 0);
    const mainCpu = threadsCpu.find((t) => t.name === 'main')?.cpuSecondsPerStep ?? NaN;
    report[r.label] = { medianMs: med, lastStepLoss: r.lastLoss(), mainThreadCpuSecondsPerStep: mainCpu, wallSeconds: Math.round(wall * 100) / 100, cpuSecondsPerStep: Math.round((cpuTotal / ss.length) * 1000) / 1000, coresBusy: Math.round((cpuTotal / wall) * 100) / 100, threads: threadsCpu };
    console.log(`\n[${r.label}] median step ${med.total} ms, CPU ${(cpuTotal / ss.length).toFixed(3)} s/step (main thread ${mainCpu.toFixed(3)}), ${(cpuTotal / wall).toFixed(2)} cores busy; loss after the last step ${r.lastLoss().toPrecision(8)}`);
    console.log('  ' + Object.entries(med).map(([k, v]) => `${k} ${v}`).join(', '));
    console.log('  threads (CPU s/step, share of wall): ' + threadsCpu.map((t) => `${t.name}#${t.tid} ${t.cpuSecondsPerStep.toFixed(3)} ${Math.round(t.utilisation * 100)}%`).join(', '));
  }
  console.log(`\nload average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
  const out = {
    date: new Date().toISOString(), preset, subject: subjectDir ?? 'default body', gaussians: template.count, anchors: template.anchorCount, steps, warmup, engines, mlpHidden: mlpAlt ?? null, threads: threads ?? 'default',
    machine: { cpus: cpus().length, availableParallelism: availableParallelism(), model: cpus()[0]?.model }, loadBefore, loadAfter, results: report,
  };
  const dir = join(packageRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `train-${subjectDir ? 'subject-' : ''}${out.date.slice(0, 10)}.json`);
  await writeJsonAtomic(file, out);
  console.log(`wrote ${file}`);
  process.exit(0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
