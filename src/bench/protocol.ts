/**
 * The synthetic benchmark protocol (issue #11): for each synthetic subject, its photo render goes through
 * the real pipeline stages (ingest → perceive → fit → texture), then the synthetic generator with
 * simulated diffusion artefacts (generateStage.ts) instead of `builtin`, then the train stage once per
 * ablation variant (full; no balanced sampling; no geometry weighting; no pose-driven offsets), each in its
 * own copy of the subject folder, then evaluation on held-out poses and views (evaluate.ts).
 * Records time per stage, s/iteration and memory.
 */
import { cp, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../core/atomic.js';
import { writePng, type FloatImage } from '../core/image.js';
import { resizeCamera } from '../core/camera.js';
import { Progress } from '../core/progress.js';
import { ingest } from '../ingest/ingest.js';
import { perceiveSubject } from '../perceive/index.js';
import { runFitStage } from '../fit/stage.js';
import { runTextureStage } from '../texture/stage.js';
import { runShapeStage } from '../shape/index.js';
import { runGenerateStage } from '../generate/stage.js';
import { runTrainStage } from '../train/index.js';
import { trainConfig } from '../train/index.js';
import { type PresetName, QUALITY, SUBJECT_FILES, type Manifest } from '../subject/index.js';
import { loadAvatar } from '../avatar/bundle.js';
import { resolveBody } from '../body/index.js';
import type { BodyFit } from '../fit/types.js';
import type { GeneratedClipFile } from '../generate/types.js';
import { POSE_VIDEO } from '../generate/poseVideo.js';
import { contactSheet } from '../render/index.js';
import { makeSubject } from './subjects.js';
import { runSyntheticGenerateStage } from './generateStage.js';
import { buildTestViews, evaluateAvatar, heldOutPoses, regionMasks, REGIONS, type ViewResult } from './evaluate.js';
import type { ViewScores } from './metrics.js';

/** Ablation switches of the train stage. */
export const VARIANTS = {
  full: { balanced: true, geometryWeighting: true, poseOffsets: true },
  noBalanced: { balanced: false, geometryWeighting: true, poseOffsets: true },
  noGeometryWeighting: { balanced: true, geometryWeighting: false, poseOffsets: true },
  noPoseOffsets: { balanced: true, geometryWeighting: true, poseOffsets: false },
} as const;
export type VariantName = keyof typeof VARIANTS;
export const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

/** Settings of one benchmark run. */
export interface BenchSettings {
  mode: string;
  subjects: number[];
  quality: PresetName;
  /** Training motions and generated frames per clip. */
  motions: string[];
  framesPerClip: number;
  /** Held-out motions (never trained on). */
  heldOutMotions: string[];
  /** Held-out poses per motion (training motions: between training frames; held-out motions: spread). */
  posesPerMotion: number;
  /** Camera yaws of the test views relative to the photo's view (degrees). */
  yawsDeg: number[];
  /** Evaluation image size (the photo's aspect). */
  evalWidth: number;
  evalHeight: number;
  /** Same iteration count for every variant (default: the full method's epochs × 2N). */
  iterations?: number;
  /** Render evaluations of the test-time root refinement. */
  refineEvaluations: number;
  variants: VariantName[];
  seed: number;
  workDir: string;
  /** Training video: 'oracle' (ground truth with simulated diffusion artefacts, tracker-like poses), 'oracle-import' (the same
   * frames imported as a user imports a model's frames, `--generator frames:<dir>`: perceived and re-fitted one by one) or
   * 'builtin' (the product's own generator, exactly as `persona create` runs it). Absent in reports older than the clothed
   * proxy: oracle. */
  generator?: 'oracle' | 'oracle-import' | 'builtin';
  /** Build the clothed proxy (stage shape) before texture, as `persona create` does (default true; false = the bare-body pipeline). */
  clothedProxy?: boolean;
  /** With the builtin generator: simulate the proxy's loose cloth and hair (src/sim; `persona create --cloth-dynamics`). */
  clothDynamics?: boolean;
}

/** Mean scores over views (NaN-skipping). */
export interface MeanScores { psnr: number; ssim: number; psnrFull: number; iou: number; sharpness: number; regions: Record<string, number>; views: number }

/** One variant's outcome on one subject. */
export interface VariantResult {
  train: { iterations: number; seconds: number; secondsPerIteration: number; gaussians: number; photoPsnrAfter?: number };
  evalSeconds: number;
  photo: ViewScores;
  novel: { raw: MeanScores; refined: MeanScores };
  /** Held-out motions only (swinging clothes: walk). */
  heldOutMotion: { raw: MeanScores; refined: MeanScores };
  views: ViewResult[];
}

/** One subject's outcome. */
export interface SubjectResult {
  id: number;
  name: string;
  stageSeconds: Record<string, number>;
  fit: { keypointPx: number; silhouetteIoU: number };
  variants: Partial<Record<VariantName, VariantResult>>;
}

/** The whole report (bench/results/<date>[-quick].json). */
export interface BenchReport {
  format: 'persona-bench-synthetic';
  date: string;
  settings: BenchSettings;
  machine: { cpus: number; cpuModel: string; node: string; loadavgStart: number[]; loadavgEnd: number[] };
  subjects: SubjectResult[];
  /** Variant → mean over subjects. */
  summary: Partial<Record<VariantName, { photo: MeanScores; novelRaw: MeanScores; novelRefined: MeanScores; heldOutMotionRefined: MeanScores; secondsPerIteration: number; trainSeconds: number }>>;
  totalSeconds: number;
  peakRssMiB: number;
}

/** Mean of numbers, skipping NaN / ±∞ (NaN when none). */
export function finiteMean(xs: number[]): number {
  const f = xs.filter((x) => Number.isFinite(x));
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
}

/** Mean scores of several views. */
export function meanScores(s: ViewScores[]): MeanScores {
  const regions: Record<string, number> = {};
  for (const r of REGIONS) regions[r] = finiteMean(s.map((x) => x.regions[r] ?? NaN));
  return {
    psnr: finiteMean(s.map((x) => x.psnr)), ssim: finiteMean(s.map((x) => x.ssim)), psnrFull: finiteMean(s.map((x) => x.psnrFull)),
    iou: finiteMean(s.map((x) => x.iou)), sharpness: finiteMean(s.map((x) => x.sharpness)), regions, views: s.length,
  };
}

/** Copies a prepared subject folder (everything up to generate) into a variant folder, keeping its train record. */
async function prepareVariantDir(base: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const e of await readdir(base)) {
    if (e === 'train' || e === 'avatar' || e === 'preview' || e === 'manifest.json') continue;
    await cp(join(base, e), join(dir, e), { recursive: true, force: true });
  }
  const baseManifest = JSON.parse(await readFile(join(base, 'manifest.json'), 'utf8')) as Manifest;
  const own = existsSync(join(dir, 'manifest.json')) ? (JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest) : undefined;
  const stages = { ...baseManifest.stages };
  delete stages.train;
  if (own?.stages.train) stages.train = own.stages.train;
  await writeJsonAtomic(join(dir, 'manifest.json'), { ...baseManifest, stages });
}

/** Runs the benchmark; writes nothing outside `settings.workDir` (the caller writes the report). */
export async function runBenchmark(settings: BenchSettings, progress: Progress = Progress.silent(), onSubject?: (partial: BenchReport) => Promise<void>): Promise<BenchReport> {
  const t0 = Date.now();
  const loadavgStart = loadavg();
  const q = QUALITY[settings.quality];
  const body = resolveBody('default');
  const N = settings.motions.length * settings.framesPerClip;
  const iterations = settings.iterations ?? trainConfig(settings.quality).schedule.epochs * 2 * N;
  const subjects: SubjectResult[] = [];
  for (const id of settings.subjects) {
    const synthetic = makeSubject(id);
    const name = synthetic.spec.name;
    const root = join(settings.workDir, name), base = join(root, 'base');
    await mkdir(base, { recursive: true });
    const stageSeconds: Record<string, number> = {};
    const timed = async <T>(stage: string, run: () => Promise<T>): Promise<T> => {
      const s = Date.now();
      const r = await run();
      stageSeconds[stage] = (stageSeconds[stage] ?? 0) + (Date.now() - s) / 1000;
      return r;
    };
    progress.info(`bench: subject ${id} (${name})`);
    const photo = await timed('photoRender', async () => synthetic.photo());
    const photoPath = join(root, 'photo.png');
    await writePng(photoPath, photo.render.image);
    await timed('ingest', () => ingest(photoPath, base));
    await timed('perceive', () => perceiveSubject(base, { progress }));
    const fitted = await timed('fit', () => runFitStage(base, { iterationScale: q.fit.iterationScale, progress }));
    if (settings.clothedProxy !== false) await timed('shape', () => runShapeStage(base, { body }));
    await timed('texture', () => runTextureStage(base, { size: q.texture.size }));
    if (settings.generator === 'builtin') await timed('generate', () => runGenerateStage(base, { motions: settings.motions, framesPerClip: settings.framesPerClip, size: q.generate.size, clothDynamics: settings.clothDynamics ?? false, progress }));
    else {
      await timed('generate', () => runSyntheticGenerateStage(base, synthetic, photo.camera, { motions: settings.motions, framesPerClip: settings.framesPerClip, size: q.generate.size, seed: settings.seed + 1, progress }));
      if (settings.generator === 'oracle-import') await timed('import', () => importOracleFrames(base, join(root, 'oracle-frames'), settings, q.generate.size, progress));
    }
    const fit = JSON.parse(await readFile(join(base, SUBJECT_FILES.fit), 'utf8')) as BodyFit;
    // ground truth of the test set (shared by every variant)
    const size = { width: settings.evalWidth, height: settings.evalHeight };
    const views = await timed('groundTruth', async () =>
      buildTestViews(synthetic, body, fit, photo.camera, heldOutPoses(synthetic, settings, settings.heldOutMotions, settings.posesPerMotion), settings.yawsDeg, size));
    const photoTruth = synthetic.render(photo.posed, resizeCamera(photo.camera, size.width, size.height), { supersample: 3, background: [1, 1, 1] });
    const photoGt = { image: photoTruth.image, alpha: photoTruth.alpha, regions: regionMasks(photoTruth) };
    const result: SubjectResult = { id, name, stageSeconds, fit: { keypointPx: fitted.fit.residuals.keypointPx, silhouetteIoU: fitted.fit.residuals.silhouetteIoU }, variants: {} };
    const sheetTiles: FloatImage[] = [];
    const sheetLabels: string[] = [];
    for (const variant of settings.variants) {
      const dir = join(root, variant);
      await prepareVariantDir(base, dir);
      progress.info(`bench: ${name} / ${variant}: training ${iterations} iterations`);
      const trained = await timed(`train:${variant}`, () => runTrainStage(dir, { quality: settings.quality, iterations, seed: settings.seed, progress, ...VARIANTS[variant] }));
      const notes = trained.notes ?? {};
      const e0 = Date.now();
      const avatar = await loadAvatar(join(dir, SUBJECT_FILES.avatarDir));
      const ev = evaluateAvatar(synthetic, body, avatar, fit, views, photoGt, {
        poseOffsets: VARIANTS[variant].poseOffsets,
        refine: { evaluations: settings.refineEvaluations },
        onView: variant === 'full' ? (v, raw, refined) => {
          if (sheetTiles.length < 4 * 3) { sheetTiles.push(v.truth.image, raw, refined); sheetLabels.push(`truth ${v.id}`, 'avatar (raw)', 'avatar (refined)'); }
        } : undefined,
      });
      if (variant === 'full') { sheetTiles.push(photoGt.image, ev.photoImage); sheetLabels.push('photo (truth)', 'avatar, photo view'); }
      const evalSeconds = (Date.now() - e0) / 1000;
      stageSeconds[`eval:${variant}`] = evalSeconds;
      const heldOut = ev.views.filter((v) => v.heldOut === 'motion');
      result.variants[variant] = {
        train: {
          iterations: Number(notes.iterations ?? iterations), seconds: Number(notes.seconds ?? NaN), secondsPerIteration: Number(notes.secondsPerIteration ?? NaN),
          gaussians: Number(notes.gaussians ?? NaN), photoPsnrAfter: notes.photoPsnrAfter as number | undefined,
        },
        evalSeconds,
        photo: ev.photo,
        novel: { raw: meanScores(ev.views.map((v) => v.raw)), refined: meanScores(ev.views.map((v) => v.refined)) },
        heldOutMotion: { raw: meanScores(heldOut.map((v) => v.raw)), refined: meanScores(heldOut.map((v) => v.refined)) },
        views: ev.views,
      };
      const r = result.variants[variant]!;
      progress.info(`bench: ${name} / ${variant}: photo PSNR ${r.photo.psnr.toFixed(2)} dB, novel PSNR raw ${r.novel.raw.psnr.toFixed(2)} / refined ${r.novel.refined.psnr.toFixed(2)} dB, IoU ${r.novel.refined.iou.toFixed(3)}`);
    }
    if (sheetTiles.length) await writePng(join(root, 'sheet.png'), contactSheet(sheetTiles, { columns: 3, labels: sheetLabels }));
    subjects.push(result);
    if (onSubject) await onSubject(assemble(settings, subjects, t0, loadavgStart));
  }
  return assemble(settings, subjects, t0, loadavgStart);
}

/** The report of the subjects done so far. */
function assemble(settings: BenchSettings, subjects: SubjectResult[], t0: number, loadavgStart: number[]): BenchReport {
  const summary: BenchReport['summary'] = {};
  for (const v of settings.variants) {
    const rs = subjects.map((s) => s.variants[v]).filter((x): x is VariantResult => !!x);
    summary[v] = {
      photo: meanScores(rs.map((r) => r.photo)),
      novelRaw: meanScores(rs.flatMap((r) => r.views.map((x) => x.raw))),
      novelRefined: meanScores(rs.flatMap((r) => r.views.map((x) => x.refined))),
      heldOutMotionRefined: meanScores(rs.flatMap((r) => r.views.filter((x) => x.heldOut === 'motion').map((x) => x.refined))),
      secondsPerIteration: finiteMean(rs.map((r) => r.train.secondsPerIteration)),
      trainSeconds: finiteMean(rs.map((r) => r.train.seconds)),
    };
  }
  return {
    format: 'persona-bench-synthetic',
    date: new Date().toISOString(),
    settings,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadavgStart, loadavgEnd: loadavg() },
    subjects,
    summary,
    totalSeconds: (Date.now() - t0) / 1000,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/**
 * The oracle's frames imported through the product's `frames:<dir>` generator: copied out of `generated/` (which the import
 * replaces), then perceived and re-fitted frame by frame as frames from an image-animation model are.
 */
async function importOracleFrames(subjectDir: string, framesDir: string, settings: BenchSettings, size: number, progress: Progress): Promise<void> {
  await rm(framesDir, { recursive: true, force: true });
  for (const motion of settings.motions) {
    await mkdir(join(framesDir, motion), { recursive: true });
    // named by their frame number in the pose video, as a model's frames of the exported pose video are
    const clip = JSON.parse(await readFile(join(subjectDir, 'generated', motion, 'poses.json'), 'utf8')) as GeneratedClipFile;
    for (const f of clip.frames)
      await cp(join(subjectDir, 'generated', motion, 'frames', f.file), join(framesDir, motion, `${String(Math.round(f.time * POSE_VIDEO.fps)).padStart(4, '0')}.png`));
  }
  await runGenerateStage(subjectDir, { generator: `frames:${framesDir}`, framesPerClip: settings.framesPerClip, size, progress });
}
