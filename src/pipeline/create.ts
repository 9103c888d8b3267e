/**
 * `persona create`: photo → ingest → perceive → fit → texture → generate → train (+ bundle) → preview.
 * Each stage is cached in the subject folder, so running the same command again after an interruption
 * resumes (training continues from its last checkpoint). Bad input fails before any long work starts.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { PersonaError } from '../core/errors.js';
import { ensureDir } from '../core/atomic.js';
import { Progress } from '../core/progress.js';
import { writePng } from '../core/image.js';
import { decodePhoto, ingest } from '../ingest/ingest.js';
import { perceiveSubject } from '../perceive/index.js';
import { runFitStage } from '../fit/stage.js';
import type { SexChoice } from '../fit/phenotypePrior.js';
import { runTextureStage } from '../texture/stage.js';
import { runShapeStage } from '../shape/index.js';
import { createStageContext, DEFAULT_PRESET, PRESET_NAMES, isPresetName, type PresetName, SUBJECT_FILES, checkSubjectFolder, lockSubject } from '../subject/index.js';
import { runGenerateStage, checkGenerateOptions, DEFAULT_MOTIONS } from '../generate/stage.js';
import { runTrainStage } from '../train/index.js';
import { loadAvatar } from '../avatar/bundle.js';
import { animateAvatar, turntable } from '../animate/animate.js';
import { loadMotionArg, resolvePose } from '../animate/motionArg.js';
import { avatarRestSkeleton } from '../animate/poses.js';
import { checkBodySpec, type BodySpec } from '../body/index.js';

/** Options of `create`. */
export interface CreateOptions {
  quality?: PresetName;
  generator?: string;
  motions?: string[];
  body?: BodySpec;
  /** Simulate cloth and hair in the builtin generator (default true). */
  clothDynamics?: boolean;
  seed?: number;
  /** Which person when several are in the photo. */
  person?: number;
  /** Sex for the body-shape prior (default auto: from the face in the photo). */
  sex?: SexChoice;
  force?: boolean;
  progress?: Progress;
  /** Skip the preview GIF and sheet. */
  noPreview?: boolean;
}

/** Where everything is, how long each stage took, and what to be aware of. */
export interface CreateSummary {
  subject: string;
  avatar: string;
  preview: { sheet?: string; gif?: string; training: string };
  stages: Array<{ name: string; seconds: number; skipped: boolean }>;
  warnings: string[];
  totalSeconds: number;
}

/** Fails early on everything that can be checked before long work. */
export async function checkCreateInputs(photo: string, out: string, o: CreateOptions): Promise<void> {
  const quality = o.quality ?? DEFAULT_PRESET;
  if (!isPresetName(quality)) throw new PersonaError(`unknown --quality "${quality}"`, { hint: `use one of: ${PRESET_NAMES.join(', ')}`, exitCode: 2 });
  checkBodySpec(o.body ?? 'default');
  checkGenerateOptions({ generator: o.generator, motions: o.motions });
  await decodePhoto(photo); // corrupt/empty/unsupported photos fail here, before anything is written
  try {
    await ensureDir(out);
    await access(out, constants.W_OK);
  } catch (err) {
    const why = err instanceof PersonaError ? err.message.replace(/\.$/, '') : (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new PersonaError(`cannot write to the output folder ${out} (${why})`, {
      hint: 'choose a folder you can write to with --out',
    });
  }
  // absent, empty or a Persona subject: the user's own files are never written over
  await checkSubjectFolder(out);
}

/** Runs the whole pipeline. */
export async function create(photo: string, out: string, o: CreateOptions = {}): Promise<CreateSummary> {
  const t0 = Date.now();
  const progress = o.progress ?? Progress.silent();
  await checkCreateInputs(photo, out, o);
  // one writer per subject folder: a second create/ingest/… on `out` is refused while this one runs
  const lock = await lockSubject(out, 'persona create');
  try {
    return await runPipeline(photo, out, o, progress, t0);
  } finally {
    lock?.release();
  }
}

async function runPipeline(photo: string, out: string, o: CreateOptions, progress: Progress, t0: number): Promise<CreateSummary> {
  // one context for the run: every stage gets the same body model (resolved once, when a stage first needs it) and
  // takes its sizes from the same row of the quality table (src/subject/quality.ts)
  const context = createStageContext(out, { body: o.body, force: o.force, quality: o.quality, progress });
  const preview = context.quality().preview;
  const stages: CreateSummary['stages'] = [];
  const stage = async <T extends { ran: boolean }>(name: string, run: () => Promise<T>): Promise<T> => {
    const s = Date.now();
    progress.info(`[${stages.length + 1}/8] ${name}…`);
    const r = await run();
    stages.push({ name, seconds: (Date.now() - s) / 1000, skipped: !r.ran });
    if (!r.ran) progress.info(`${name}: up to date, skipped`);
    return r;
  };
  await stage('ingest', () => ingest(photo, out, { force: o.force }));
  const perceived = await stage('perceive', () => perceiveSubject(out, { person: o.person, force: o.force, progress }));
  // the stage itself warns when it runs; repeat its warnings only when it was skipped (issue #19: printed twice)
  if (!perceived.ran) for (const w of perceived.perception?.person.warnings ?? []) progress.warn(w);
  const fitted = await stage('fit', () => runFitStage(out, { context, sex: o.sex }));
  progress.info(`fit: keypoint error ${fitted.fit.residuals.keypointPx.toFixed(1)} px, silhouette IoU ${fitted.fit.residuals.silhouetteIoU.toFixed(3)}`);
  const shaped = await stage('shape', () => runShapeStage(out, { body: context.body(), bodySpec: context.bodySpec, force: context.force }));
  if (shaped.silhouetteIoU !== undefined) progress.info(`shape: clothed proxy, silhouette IoU ${shaped.silhouetteIoU.toFixed(3)} against the matte`);
  await stage('texture', () => runTextureStage(out, { context }));
  await stage('generate', () =>
    runGenerateStage(out, { generator: o.generator, motions: o.motions ?? [...DEFAULT_MOTIONS], clothDynamics: o.clothDynamics, context }),
  );
  await stage('train', () => runTrainStage(out, { context, seed: o.seed }));
  const previews: CreateSummary['preview'] = { training: join(out, SUBJECT_FILES.trainPreview) };
  if (!o.noPreview) {
    await stage('preview', async () => {
      const avatar = await loadAvatar(join(out, SUBJECT_FILES.avatarDir));
      const sheet = join(out, SUBJECT_FILES.previewDir, 'turntable.png');
      await writePng(sheet, await turntable(avatar, await resolvePose(avatar, { pose: 'rest' }), { views: preview.views, size: preview.size }));
      const gif = join(out, SUBJECT_FILES.previewDir, 'dance.gif');
      const motion = await loadMotionArg('dance', avatarRestSkeleton(avatar));
      await animateAvatar(avatar, motion, { out: gif, size: preview.size, fps: preview.fps, camera: 'front', progress });
      previews.sheet = sheet;
      previews.gif = gif;
      return { ran: true };
    });
  }
  return {
    subject: out,
    avatar: join(out, SUBJECT_FILES.avatarDir),
    preview: previews,
    stages,
    warnings: [...progress.warnings],
    totalSeconds: (Date.now() - t0) / 1000,
  };
}

/** Human-readable summary lines. */
export function formatSummary(s: CreateSummary): string {
  const lines = [
    `avatar:   ${s.avatar}/avatar.json (+ avatar.bin)`,
    ...(s.preview.gif ? [`preview:  ${s.preview.gif}`, `          ${s.preview.sheet}`] : []),
    `training: ${s.preview.training}`,
    `stages:   ${s.stages.map((x) => `${x.name} ${x.skipped ? 'skipped' : `${x.seconds.toFixed(1)}s`}`).join(', ')}`,
    `total:    ${s.totalSeconds.toFixed(1)} s`,
  ];
  if (s.warnings.length) lines.push(`warnings: ${s.warnings.join('; ')}`);
  return lines.join('\n');
}
