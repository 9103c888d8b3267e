/**
 * The PERSONA optimisation loop: balanced sampling over the photo and the generated frames, the
 * geometry-weighted objective (step.ts), Laplacian regularizers, Adam with per-group learning rates and
 * the ÷10 step at 75 %, periodic checkpoints (resume loses nothing beyond the last one), a JSON-lines log.
 */
import { existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { ensureDir, writeFileAtomic } from '../core/atomic.js';
import { interruptSignal, throwIfInterrupted } from '../core/cancel.js';
import { dirname } from 'node:path';
import { PersonaError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import { AvatarModel } from './model.js';
import type { GaussianTemplate } from '../avatar/template.js';
import { Adam, lrMultiplier, type ParamGroup } from '../nn/index.js';
import { loadCheckpoint, saveCheckpoint, tensorsOf, restoreParams } from './checkpoint.js';
import { CHECKPOINT_EVERY, LAPLACIAN_MAX_NEIGHBORS, SKIN_RESAMPLE_EVERY, TRAIN_LOG_FLUSH_EVERY, type TrainConfig } from './config.js';
import type { TrainingFrame } from './frame.js';
import { graphFromFaces } from './laplacian.js';
import { psnr } from './losses.js';
import { offsetLaplacianWeights, startRegularizers, type RegularizerGraphs } from './regularizers.js';
import { BalancedSampler } from './sampler.js';
import { frameLosses, extractChannels, type LossBreakdown } from './step.js';
import { CHANNELS } from './model.js';
import type { BodyPose } from '../body/index.js';
import type { Param } from '../nn/index.js';
import { FramePoses } from './poseRefinement.js';
import { TrainProfile, type TrainProfileSummary } from './profile.js';
import { setNnTaskRunner } from '../nn/index.js';
import { runTasks, startBackgroundTask } from '../splat/index.js';

/** Switches for ablations and run control. */
export interface TrainOptions {
  /** Balanced sampling (default: the config's `sampling.balanced`; false is the ablation). */
  balanced?: boolean;
  /** Geometry-weighted optimisation (default: the config's `sampling.geometryWeighted`; false is the ablation). */
  geometryWeighting?: boolean;
  /** Pose-driven offsets (default true). */
  poseOffsets?: boolean;
  /** Per-frame pose refinement (default: the config's `schedule.refinePoses`). */
  poseRefinement?: boolean;
  /** Total iterations (default: epochs × steps per epoch). */
  iterations?: number;
  /** Checkpoint file; written every `checkpointSeconds`, every `checkpointIterations`, on Ctrl-C and at the end. */
  checkpointPath?: string;
  checkpointSeconds?: number;
  /**
   * Also checkpoint every this many iterations (default: a tenth of the run, at least 5), so that a short
   * run (the `test` preset never reaches `checkpointSeconds`) still resumes after an interruption.
   */
  checkpointIterations?: number;
  /** Cancels training between iterations (default: the process-wide Ctrl-C signal); a checkpoint is saved first. */
  signal?: AbortSignal;
  /** Extra JSON stored in the checkpoint (e.g. a key of the inputs it was trained on). */
  checkpointMeta?: Record<string, unknown>;
  /** Continue from `checkpointPath` if it exists. */
  resume?: boolean;
  /** JSON-lines log file. */
  logPath?: string;
  /** Stop after this many iterations of this call (tests of resuming); the checkpoint is still written. */
  stopAfter?: number;
  progress?: Progress;
  /** Called every `previewEvery` iterations (preview renders). */
  onPreview?: (model: AvatarModel, iteration: number) => Promise<void> | void;
  previewEvery?: number;
  threads?: number;
}

/** What training returns. */
export interface TrainResult {
  model: AvatarModel;
  iterations: number;
  completed: boolean;
  seconds: number;
  secondsPerIteration: number;
  /** Mean losses over the last 10 % of iterations. */
  finalLosses: LossBreakdown;
  /** Where the loop's time went (phases, CPU per thread; profile.ts). */
  profile: TrainProfileSummary;
  /** Photo-view PSNR (dB) of the base render inside the matte, before and after training. */
  photoPsnrBefore: number;
  photoPsnrAfter: number;
  /**
   * The same after training, but only outside the photo's part-boundary bands: the pixels that geometry-
   * weighted optimisation fits to the photo at full weight (the bands are handed to the generated frames).
   */
  photoPsnrOutsideBoundary: number;
  /** The photo's pose after refinement (the fitted pose when refinement is off). */
  photoPose: BodyPose;
}

/**
 * Makes the JSON-lines log hold only iterations before `start` (none for a fresh run), so that a resumed
 * run appends each iteration once instead of logging the iterations since the checkpoint twice.
 */
export async function truncateLog(logPath: string, start: number): Promise<void> {
  await ensureDir(dirname(logPath));
  let text = '';
  if (start > 0 && existsSync(logPath)) text = await readFile(logPath, 'utf8');
  // the prefix of whole lines logging iterations before `start` (a line cut short by a crash ends it)
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let it: unknown;
    try { it = (JSON.parse(line) as { it?: unknown }).it; } catch { break; }
    if (typeof it !== 'number' || it >= start) break;
    kept.push(line);
  }
  await writeFileAtomic(logPath, kept.map((l) => l + '\n').join(''));
}

/** Graphs of the regularizers for a template. */
export function regularizerGraphs(t: GaussianTemplate): RegularizerGraphs {
  return {
    gaussians: graphFromFaces(t.count, t.triangles, 3, LAPLACIAN_MAX_NEIGHBORS),
    anchors: graphFromFaces(t.anchorCount, t.anchorTriangles, 3, LAPLACIAN_MAX_NEIGHBORS),
    offsetWeights: offsetLaplacianWeights(t.parts),
  };
}

/**
 * PSNR of the photo-view base render composited on the photo's background, in `pose` (default: the photo's
 * fitted pose; training passes the refined one), from one render: inside the matte (≥ 0.5), and inside the
 * matte but outside the photo's part-boundary bands.
 */
export function photoPsnr(model: AvatarModel, photo: TrainingFrame, threads?: number, pose: BodyPose = photo.pose): { matte: number; outsideBoundary: number } {
  const fwd = model.forward(pose, photo.camera, { poseOffsets: false, threads, expression: photo.expression });
  const r = fwd.base.result;
  const rgb = extractChannels(r.image, CHANNELS.count, CHANNELS.rgb, 3);
  for (let p = 0; p < r.alpha.length; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] += photo.image[p * 3 + c]! * (1 - r.alpha[p]!);
  const dims = { width: photo.width, height: photo.height, channels: 3 };
  const matte = Uint8Array.from(photo.mask, (m) => (m >= 0.5 ? 1 : 0));
  const outside = Uint8Array.from(matte, (m, p) => (m && !photo.boundary?.[p] ? 1 : 0));
  return { matte: psnr(rgb, photo.image, dims, matte), outsideBoundary: psnr(rgb, photo.image, dims, outside) };
}

/** Trains an avatar on `frames` (the photo first, then the generated frames). */
export async function trainAvatar(template: GaussianTemplate, frames: TrainingFrame[], cfg: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  // the pose-offset MLP splits its rows over the rasterizer's worker pool (docs/train-numerics.md)
  setNnTaskRunner(runTasks);
  const backgroundRegularizers = options.threads !== 1 && process.env.PERSONA_NN_THREADS !== '1';
  const photo = frames[0];
  if (!photo || photo.kind !== 'photo') throw new PersonaError('training needs the input photo as its first frame');
  const generated = frames.slice(1);
  if (generated.length === 0) throw new PersonaError('training needs generated frames besides the photo', { hint: 'run `persona generate` first' });
  const balanced = options.balanced ?? cfg.sampling.balanced;
  const geometryWeighting = options.geometryWeighting ?? cfg.sampling.geometryWeighted;
  const poseOffsets = options.poseOffsets ?? true;
  const sampler = new BalancedSampler({ generatedFrames: generated.length, balanced, seed: cfg.seed });
  const total = options.iterations ?? cfg.schedule.epochs * sampler.stepsPerEpoch;
  const model = new AvatarModel(template, cfg.avatar, cfg.seed, options.threads);
  const graphs = regularizerGraphs(template);
  const lrOf: Record<string, number> = { offset: cfg.lr.offset, scale: cfg.lr.scale, color: cfg.lr.color, segmentation: cfg.lr.segmentation, triplane: cfg.lr.triplane, mlp: cfg.lr.mlp };
  const groups: ParamGroup[] = model.paramGroups().map((g) => ({ name: g.group, params: g.params, lr: lrOf[g.group]! }));
  const refinePoses = options.poseRefinement ?? cfg.schedule.refinePoses;
  const poses = refinePoses ? new FramePoses(template.skeleton.names, frames) : null;
  if (poses) groups.push(...poses.groups(cfg.lr.pose));
  const adam = new Adam(groups, { beta1: cfg.schedule.adamBeta1, beta2: cfg.schedule.adamBeta2, eps: cfg.schedule.adamEps });
  // the groups stepped on an iteration: the avatar's (without the network when pose offsets are off) and the frame's pose
  const avatarGroups = model.paramGroups().map((g) => g.group as string).filter((g) => poseOffsets || (g !== 'triplane' && g !== 'mlp'));
  const activeGroups = (frameIndex: number): Set<string> => {
    const active = new Set(avatarGroups);
    if (poses) { const id = poses.frames[frameIndex]!.id; active.add(FramePoses.groupName(id)); active.add(FramePoses.fingerGroupName(id)); }
    return active;
  };
  const trainable = (): Param[] => (poses ? [...model.params(), ...poses.params()] : model.params());

  let start = 0;
  let resumedPsnr: number | undefined;
  if (options.resume && options.checkpointPath && existsSync(options.checkpointPath)) {
    const ck = await loadCheckpoint(options.checkpointPath);
    restoreParams(trainable(), ck.tensors, options.checkpointPath);
    if (ck.adam) adam.loadState(ck.adam);
    start = ck.step;
    const sw = ck.tensors['skin.weights'], sj = ck.tensors['skin.joints'];
    if (sw && sj && sw.length === model.skinWeights.length) {
      model.skinWeights.set(sw);
      model.skinJoints.set(Uint16Array.from(sj));
    } else model.resampleSkinning();
    options.progress?.info(`train: resumed from ${options.checkpointPath} at iteration ${start}/${total}`);
    resumedPsnr = typeof ck.meta?.photoPsnrBefore === 'number' ? ck.meta.photoPsnrBefore : undefined;
  }
  // Kept in the checkpoint, so that a resumed run still reports it (it needs the untrained model).
  const photoPsnrBefore = start === 0 ? photoPsnr(model, photo, options.threads).matte : resumedPsnr ?? NaN;
  const t0 = Date.now();
  let lastCheckpoint = Date.now();
  const saveEvery = (options.checkpointSeconds ?? CHECKPOINT_EVERY.seconds) * 1000;
  // log lines are buffered (TRAIN_LOG_FLUSH_EVERY) and written before previews, checkpoints and interruptions
  const logLines: string[] = [];
  const flushLog = async (): Promise<void> => {
    if (!options.logPath || logLines.length === 0) return;
    const text = logLines.join('');
    logLines.length = 0;
    await appendFile(options.logPath, text);
  };
  const save = async (step: number): Promise<void> => {
    await flushLog();
    if (!options.checkpointPath) return;
    const tensors = { ...tensorsOf(trainable()), 'skin.weights': model.skinWeights, 'skin.joints': Float32Array.from(model.skinJoints) };
    await saveCheckpoint(options.checkpointPath, { step, tensors, adam: adam.state(), meta: { preset: cfg.preset, total, photoPsnrBefore, ...options.checkpointMeta } });
    lastCheckpoint = Date.now();
    lastCheckpointStep = step;
  };
  let lastCheckpointStep = start;
  const saveEveryIterations = options.checkpointIterations ?? Math.max(CHECKPOINT_EVERY.minIterations, Math.ceil(total / CHECKPOINT_EVERY.runDivisor));
  const signal = options.signal ?? interruptSignal();
  // The log holds each iteration once: a fresh run starts it afresh, a resumed one drops the lines past the checkpoint.
  if (options.logPath) await truncateLog(options.logPath, start);
  const task = options.progress?.task('train', total);
  const tail: LossBreakdown[] = [];
  const stopAt = options.stopAfter !== undefined ? Math.min(total, start + options.stopAfter) : total;
  let it = start;
  const prof = new TrainProfile();
  prof.start();
  for (; it < stopAt; it++) {
    prof.begin();
    await new Promise<void>((resolve) => setImmediate(resolve)); // a yield point: lets Ctrl-C be seen
    prof.lap('yield');
    if (signal.aborted) {
      await flushLog();
      if (it > lastCheckpointStep) await save(it); // keep the work done: the next run resumes here
      throwIfInterrupted(signal, `train (iteration ${it}/${total}, checkpoint saved)`);
    }
    const sample = sampler.at(it);
    const frameIndex = sample.kind === 'photo' ? 0 : sample.index + 1;
    const frame = frames[frameIndex]!;
    model.zeroGrad();
    const fwd = model.forward(poses ? poses.pose(frameIndex) : frame.pose, frame.camera, { poseOffsets, threads: options.threads, expression: frame.expression, parallelRenders: backgroundRegularizers });
    prof.lap('forward');
    // the regularizers run on a background worker while this thread computes the image losses
    const pendingRegs = startRegularizers(model, fwd.anchorOffsets, graphs, cfg, backgroundRegularizers ? startBackgroundTask : null);
    // and the two renders' losses run on two threads at once (step.ts), as do their LBS/normal chains in the
    // forward and backward (renderChain.ts; the backward's only without the pose gradient)
    const { losses, dBase, dRefined } = frameLosses(fwd, frame, cfg, { geometryWeighting, parallelRenders: backgroundRegularizers });
    prof.lap('losses');
    const regs = pendingRegs.finish();
    prof.lap('regularizers');
    const dPose = poses?.emptyGradient();
    model.backward(fwd, dBase, dRefined, { poseOffsets, dAnchorOffsets: regs.dAnchorOffsets, threads: options.threads, dPose, parallelRenders: backgroundRegularizers });
    if (poses && dPose) poses.setGradient(frameIndex, dPose);
    prof.lap('backward');
    adam.setLrScale(lrMultiplier(it, total, cfg.schedule.decayAt, cfg.schedule.decayFactor));
    adam.step(activeGroups(frameIndex));
    prof.lap('adam');
    if ((it + 1) % SKIN_RESAMPLE_EVERY === 0) model.resampleSkinning();
    prof.lap('skinResample');
    const all = { ...losses, ...regs.losses };
    const totalLoss = Object.values(all).reduce((a, b) => a + b, 0);
    if (it >= total * 0.9) tail.push(all);
    if (options.logPath) {
      logLines.push(JSON.stringify({ it, frame: frame.id, total: totalLoss, ...all }) + '\n');
      if (logLines.length >= TRAIN_LOG_FLUSH_EVERY) await flushLog();
    }
    task?.update(it + 1, { loss: totalLoss, image: all['image.base'] ?? 0, mask: all['mask.base'] ?? 0, frame: frame.kind });
    prof.lap('log');
    if (options.onPreview && options.previewEvery && (it + 1) % options.previewEvery === 0) {
      await flushLog();
      await options.onPreview(model, it + 1);
    }
    prof.lap('preview');
    if (Date.now() - lastCheckpoint > saveEvery || it + 1 - lastCheckpointStep >= saveEveryIterations) await save(it + 1);
    prof.lap('checkpoint');
    prof.end(frame.kind);
  }
  const profile = prof.summary();
  const completed = it >= total;
  const photoPose = poses ? poses.pose(0) : photo.pose;
  await save(it);
  const seconds = (Date.now() - t0) / 1000;
  task?.done(`${it - start} iterations in ${seconds.toFixed(1)} s`);
  const after = photoPsnr(model, photo, options.threads, photoPose);
  const finalLosses: LossBreakdown = {};
  for (const l of tail) for (const [k, v] of Object.entries(l)) finalLosses[k] = (finalLosses[k] ?? 0) + v / tail.length;
  return {
    model,
    iterations: it,
    completed,
    seconds,
    secondsPerIteration: seconds / Math.max(1, it - start),
    finalLosses,
    profile,
    photoPsnrBefore,
    photoPsnrAfter: after.matte,
    photoPsnrOutsideBoundary: after.outsideBoundary,
    photoPose,
  };
}
