/**
 * The train stage: builds the Gaussian template of the subject, loads the photo and generated frames,
 * runs the PERSONA optimisation (resuming from `train/checkpoint.bin` after an interruption), then writes
 * the avatar bundle `avatar/` and a preview `train/preview.png` (photo view | a generated view).
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { readImage, createImage, writePng, type FloatImage } from '../core/image.js';
import { hashJson } from '../core/hash.js';
import type { Progress } from '../core/progress.js';
import { PersonaError } from '../core/errors.js';
import { Subject, SUBJECT_FILES, clipFiles, stageContext, type StageContext, type StageContextOptions, type PresetName, generatedClips } from '../subject/index.js';
import type { BodyFit } from '../fit/types.js';
import { buildGaussianTemplate } from '../avatar/buildTemplate.js';
import { loadSubjectProxy, proxyDetail, proxyWithExpression } from '../shape/index.js';
import { bundleFromModel } from './toBundle.js';
import { writeAvatarBundle } from '../avatar/bundle.js';
import { CHANNELS, type AvatarModel } from './model.js';
import { contactSheet } from '../render/index.js';
import { TRAIN_PREVIEWS, trainConfig, type TrainConfig } from './config.js';
import type { GaussianTemplate } from '../avatar/template.js';
import { loadSubjectFrames } from './data.js';
import { trainAvatar, type TrainResult } from './trainer.js';
import type { TrainingFrame } from './frame.js';
import type { BodyPose } from '../body/index.js';
import { loadCheckpoint } from './checkpoint.js';

/** Options of the train stage. */
export interface TrainStageOptions extends StageContextOptions {
  /** Override the iterations of the preset's schedule (epochs × steps per epoch). */
  iterations?: number;
  balanced?: boolean;
  geometryWeighting?: boolean;
  poseOffsets?: boolean;
  /** Per-frame pose refinement (default false: see config.ts `refinePoses`). */
  poseRefinement?: boolean;
  seed?: number;
  threads?: number;
  /** Continue from train/checkpoint.bin when it was written for the same inputs (default true). */
  resume?: boolean;
  /** Write train/preview.png every this many iterations (default: 8 times per run). */
  previewEvery?: number;
}

/** Renders the avatar's refined colour over white for a frame's pose and camera. */
export function renderModelView(model: AvatarModel, frame: TrainingFrame, pose: BodyPose = frame.pose): FloatImage {
  const fwd = model.forward(pose, frame.camera, { expression: frame.expression });
  const r = fwd.refined.result;
  const img = createImage(frame.width, frame.height, 3);
  for (let p = 0; p < frame.width * frame.height; p++)
    for (let c = 0; c < 3; c++) img.data[p * 3 + c] = r.image[p * CHANNELS.count + CHANNELS.rgb + c]! + (1 - r.alpha[p]!);
  return img;
}

/** Side-by-side: target | render, for the photo and one generated frame. */
async function writePreview(path: string, model: AvatarModel, frames: TrainingFrame[], photoPose?: BodyPose): Promise<void> {
  const pick = [frames[0]!, frames[Math.floor(frames.length / 2)]!];
  const tiles: FloatImage[] = [];
  for (const f of pick) {
    const target = createImage(f.width, f.height, 3);
    for (let p = 0; p < f.width * f.height; p++) for (let c = 0; c < 3; c++) target.data[p * 3 + c] = f.image[p * 3 + c]! * f.mask[p]! + (1 - f.mask[p]!);
    tiles.push(target, renderModelView(model, f, f === frames[0] && photoPose ? photoPose : f.pose));
  }
  await writePng(path, contactSheet(tiles, { columns: 4, labels: ['photo', 'avatar', 'generated', 'avatar'] }));
}

/** What the train stage trains on: the configuration, the Gaussian template and the frames (photo first). */
export interface TrainingInputs {
  cfg: TrainConfig;
  template: GaussianTemplate;
  frames: TrainingFrame[];
  /** Whether the template was built on the clothed proxy (else on the bare fitted body). */
  clothed: boolean;
}

/**
 * Loads a subject's training inputs exactly as the train stage does (bench:train --subject times these).
 * The Gaussians start on the clothed proxy (stage shape) when the subject has one; its base mesh is about the
 * body template's size (shape/config.ts voxelSize), so the preset's subdivision levels apply unchanged.
 */
export async function loadTrainingInputs(
  subjectDir: string,
  options: { quality: PresetName; seed?: number; clips?: string[]; progress?: Progress; context?: StageContext } & Pick<StageContextOptions, 'body'>,
): Promise<TrainingInputs> {
  const subject = new Subject(subjectDir);
  const clips = options.clips ?? (await generatedClips(subjectDir));
  const cfg = trainConfig(options.quality, { seed: options.seed ?? 0 });
  const fit = JSON.parse(await readFile(subject.path(SUBJECT_FILES.fit), 'utf8')) as BodyFit;
  const body = stageContext(subjectDir, options).body();
  const texture = await readImage(subject.path(SUBJECT_FILES.texture), 3);
  const clothed = loadSubjectProxy(subjectDir);
  const templateBody = clothed ? proxyWithExpression(clothed.proxy, body) : body; // with the body's expression units (docs/avatar.md)
  const templateShape = clothed ? [] : fit.shape;
  const levels = cfg.avatar.subdivisions;
  // Gaussians on the proxy's shell start from the photo and the texture at their own places (shape/detail.ts; texture folders
  // written before the colours' sample coordinates: the vertex colours' blend)
  const detail = clothed ? proxyDetail(clothed, clothed.photoUv ? await readImage(subject.path(SUBJECT_FILES.image), 3) : undefined, texture) : undefined;
  const template = buildGaussianTemplate(templateBody, { shape: templateShape, levels, texture, vertexColors: clothed?.colors, texturedTriangles: clothed?.proxy.templateTriangles, detail });
  options.progress?.info(`train: ${template.count} Gaussians on the ${clothed ? 'clothed proxy' : 'bare body'} (${levels} subdivisions), ${template.anchorCount} pose-offset anchors, quality ${options.quality}`);
  const frames = await loadSubjectFrames(subjectDir, { body: templateBody, shape: templateShape, renderSize: cfg.avatar.renderSize, boundary: { threshold: cfg.sampling.boundaryThreshold, kernelRatio: cfg.sampling.boundaryKernelRatio } }, clips);
  return { cfg, template, frames, clothed: !!clothed };
}

/** Runs (or skips) the train stage (which also writes the avatar bundle). */
export async function runTrainStage(subjectDir: string, options: TrainStageOptions = {}): Promise<{ ran: boolean; result?: TrainResult; notes?: Record<string, unknown> }> {
  const ctx = stageContext(subjectDir, options);
  const subject = new Subject(subjectDir);
  const clips = await generatedClips(subjectDir);
  if (clips.length === 0) throw new PersonaError(`no generated frames in ${subjectDir}`, { hint: 'run `persona generate <subject>` first (or `persona create`)' });
  const quality = ctx.preset;
  const defaults = trainConfig(quality); // the ablation switches default to the config's settings
  const stageOptions = {
    quality, iterations: options.iterations ?? null, balanced: options.balanced ?? defaults.sampling.balanced, geometryWeighting: options.geometryWeighting ?? defaults.sampling.geometryWeighted,
    poseOffsets: options.poseOffsets ?? true, poseRefinement: options.poseRefinement ?? defaults.schedule.refinePoses, seed: options.seed ?? defaults.seed, body: ctx.bodySpec,
    // the preset's avatar sizes: a changed quality table re-trains (and never resumes a checkpoint of other sizes)
    avatar: defaults.avatar,
  };
  const inputs: Record<string, string> = { image: SUBJECT_FILES.image, mask: SUBJECT_FILES.mask, fit: SUBJECT_FILES.fit, texture: SUBJECT_FILES.texture };
  for (const c of clips) inputs[`clip:${c}`] = clipFiles(c).poses;
  if (existsSync(subject.path(SUBJECT_FILES.proxy))) { inputs.proxy = SUBJECT_FILES.proxy; inputs.proxyBin = SUBJECT_FILES.proxyBin; inputs.proxyColors = SUBJECT_FILES.proxyColors; inputs.proxyColorsBin = SUBJECT_FILES.proxyColorsBin; }
  let result: TrainResult | undefined;
  const outcome = await subject.runStage(
    'train',
    { version: 1, inputs, options: stageOptions, outputs: [SUBJECT_FILES.checkpoint, `${SUBJECT_FILES.avatarDir}/avatar.json`, `${SUBJECT_FILES.avatarDir}/avatar.bin`], force: ctx.force },
    async () => {
      const { cfg, template, frames } = await loadTrainingInputs(subjectDir, { quality, seed: stageOptions.seed, context: ctx, clips, progress: ctx.progress });
      // Resume only a checkpoint written for these very inputs and options.
      const key = hashJson({ inputs: await subject.hashInputs(inputs), stageOptions });
      const ckPath = subject.path(SUBJECT_FILES.checkpoint);
      let resume = false;
      if (existsSync(ckPath) && !ctx.force && options.resume !== false) {
        try {
          resume = (await loadCheckpoint(ckPath)).meta?.key === key;
        } catch {
          resume = false; // a damaged checkpoint is replaced
        }
        if (!resume) await rm(ckPath, { force: true });
      }
      result = await trainAvatar(template, frames, cfg, {
        balanced: stageOptions.balanced,
        geometryWeighting: stageOptions.geometryWeighting,
        poseOffsets: stageOptions.poseOffsets,
        poseRefinement: stageOptions.poseRefinement,
        iterations: options.iterations,
        checkpointPath: ckPath,
        checkpointMeta: { key },
        resume,
        logPath: subject.path(SUBJECT_FILES.trainLog),
        progress: ctx.progress,
        threads: options.threads,
        previewEvery: options.previewEvery ?? Math.max(TRAIN_PREVIEWS.minIterations, Math.ceil((options.iterations ?? cfg.schedule.epochs * 2 * (frames.length - 1)) / TRAIN_PREVIEWS.perRun)),
        onPreview: (model) => writePreview(subject.path(SUBJECT_FILES.trainPreview), model, frames),
      });
      const training = {
        ...stageOptions, iterations: result.iterations, seconds: result.seconds, secondsPerIteration: result.secondsPerIteration,
        photoPsnrBefore: result.photoPsnrBefore, photoPsnrAfter: result.photoPsnrAfter,
        photoPsnrOutsideBoundary: result.photoPsnrOutsideBoundary, finalLosses: result.finalLosses,
        frames: frames.length, gaussians: template.count, profile: result.profile,
      };
      // the bundle also keeps the photo's refined pose, so that tools can show the avatar exactly as in the photo
      const photoPose = { rotations: Array.from(result.photoPose.rotations), translation: Array.from(result.photoPose.translation) };
      await writeAvatarBundle(subject.path(SUBJECT_FILES.avatarDir), bundleFromModel(result.model, { ...training, photoPose }, { poseOffsets: stageOptions.poseOffsets }));
      await writePreview(subject.path(SUBJECT_FILES.trainPreview), result.model, frames, result.photoPose);
      return training;
    },
  );
  return { ran: outcome.ran, result, notes: outcome.record.notes };
}
