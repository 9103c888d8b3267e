import type { Command } from 'commander';
import { runFitStage } from '../fit/stage.js';
import type { SexChoice } from '../fit/phenotypePrior.js';
import { runTextureStage } from '../texture/stage.js';
import { runShapeStage } from '../shape/index.js';
import { resolveBody } from '../body/index.js';
import { runGenerateStage, exportSubjectPoseVideo, DEFAULT_MOTIONS } from '../generate/stage.js';
import { runTrainStage } from '../train/index.js';
import { DEFAULT_PRESET, PRESET_NAMES, isPresetName, type PresetName, withSubjectWriter } from '../subject/index.js';
import { PersonaError } from '../core/errors.js';
import { parseFov, parsePositiveInt, parseSeed, progressFrom } from './context.js';

/** Parses --quality. */
export function parseQuality(v: string): PresetName {
  if (!isPresetName(v)) throw new PersonaError(`--quality must be one of ${PRESET_NAMES.join(', ')} (got "${v}").`, { exitCode: 2 });
  return v;
}

/** Parses --sex. */
export function parseSex(v: string): SexChoice {
  if (v !== 'male' && v !== 'female' && v !== 'auto') throw new PersonaError(`--sex must be male, female or auto (got "${v}").`, { exitCode: 2 });
  return v;
}

/** Parses a comma-separated list. */
export const parseList = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);

/** The `--quality` option of a stage command: the row of the quality table (src/subject/quality.ts) its sizes come from. */
const QUALITY_HELP = `quality preset whose sizes this stage uses (${PRESET_NAMES.join('|')}; docs/cli.md has the table)`;

/** `persona fit|shape|texture|generate|train <subject-dir>`: one command per pipeline stage. */
export function registerStages(program: Command): void {
  program
    .command('fit')
    .description('fit the body model (camera, pose, shape) to the perceived photo → fit/body.json, fit/overlay.png')
    .argument('<subject-dir>', 'subject folder (after `persona perceive`)')
    .option('--body <spec>', 'default, or smplx:<path/to/SMPLX_NEUTRAL.npz>', 'default')
    .option('--fov <degrees>', 'field of view of the photo\'s long side (default: from the person\'s size in the image at a 3 m camera distance)', parseFov)
    .option('--sex <sex>', 'body-shape prior: male, female, or auto (from the face in the photo)', parseSex, 'auto')
    .option('--quality <q>', `${QUALITY_HELP}: the fit's iteration scale`, parseQuality, DEFAULT_PRESET)
    .option('--force', 'run again even if nothing changed')
    .action(async (dir: string, o: { body: string; fov?: number; sex: SexChoice; quality: PresetName; force?: boolean }, cmd: Command) => {
      const progress = progressFrom(cmd);
      const r = await withSubjectWriter(dir, 'persona fit', () => runFitStage(dir, { body: o.body, fovDeg: o.fov, sex: o.sex, quality: o.quality, force: o.force, progress }));
      progress.info(
        r.ran
          ? `fit: ${dir}/fit/body.json — keypoint error ${r.fit.residuals.keypointPx.toFixed(1)} px (${(100 * r.fit.residuals.keypointRelative).toFixed(1)}% of height), silhouette IoU ${r.fit.residuals.silhouetteIoU.toFixed(3)}; overlay: ${dir}/fit/overlay.png`
          : 'fit: up to date, skipped (use --force to rerun)',
      );
    });
  program
    .command('shape')
    .description('carve the clothed proxy (body ∪ clothing ∪ hair) from the fit and the matte → shape/proxy.json, shape/overlay.png, shape/proxy.glb')
    .argument('<subject-dir>', 'subject folder (after `persona fit`)')
    .option('--body <spec>', 'default, or smplx:<path>', 'default')
    .option('--force', 'run again even if nothing changed')
    .action(async (dir: string, o: { body: string; force?: boolean }, cmd: Command) => {
      const progress = progressFrom(cmd);
      const r = await runShapeStage(dir, { body: resolveBody(o.body), bodySpec: o.body, force: o.force });
      progress.info(r.ran
        ? `shape: ${dir}/shape/proxy.glb — ${r.stats?.vertices} vertices, silhouette IoU ${r.silhouetteIoU?.toFixed(3)} against the matte; overlay: ${dir}/shape/overlay.png`
        : 'shape: up to date, skipped (use --force to rerun)');
    });
  program
    .command('texture')
    .description('unwrap the photo onto the body UV map → texture/texture.png, texture/visibility.png')
    .argument('<subject-dir>', 'subject folder (after `persona fit`)')
    .option('--quality <q>', `${QUALITY_HELP}: the texture side`, parseQuality, DEFAULT_PRESET)
    .option('--size <texels>', 'texture side (overrides the preset\'s)', parsePositiveInt('size'))
    .option('--body <spec>', 'default, or smplx:<path>', 'default')
    .option('--force', 'run again even if nothing changed')
    .action(async (dir: string, o: { quality: PresetName; size?: number; body: string; force?: boolean }, cmd: Command) => {
      const progress = progressFrom(cmd);
      const r = await withSubjectWriter(dir, 'persona texture', () => runTextureStage(dir, { quality: o.quality, size: o.size, body: o.body, force: o.force }));
      progress.info(r.ran ? `texture: ${dir}/texture/texture.png (${(100 * (r.seenFraction ?? 0)).toFixed(0)}% of the body seen in the photo)` : 'texture: up to date, skipped');
    });
  program
    .command('generate')
    .description('make pose-rich training video of the person → generated/<clip>/{frames,masks,poses.json}')
    .argument('<subject-dir>', 'subject folder (after `persona texture`)')
    .option('--generator <name>', 'builtin (the clothed proxy re-posed, showing the photo: identity, clothing shape and pose; no learned cloth dynamics) or frames:<dir> (frames from an image-animation model; one sub-folder per clip)', 'builtin')
    .option('--motions <list>', 'comma-separated builtin motions', parseList, [...DEFAULT_MOTIONS])
    .option('--quality <q>', `${QUALITY_HELP}: frames per clip and frame size`, parseQuality, DEFAULT_PRESET)
    .option('--frames <n>', 'frames per motion clip (overrides the preset\'s)', parsePositiveInt('frames'))
    .option('--size <px>', 'long side of the generated frames (overrides the preset\'s)', parsePositiveInt('size'))
    .option('--body <spec>', 'default, or smplx:<path>', 'default')
    .option('--cloth-dynamics', 'builtin: simulate the clothed proxy\'s cloth and hair (XPBD; slower; docs/sim.md)')
    .option('--export-pose-video <dir>', 'instead: write 576×1024 30 fps OpenPose-style pose videos of the motions + the reference image for an external model (MimicMotion…)')
    .option('--force', 'run again even if nothing changed')
    .action(async (dir: string, o: { generator: string; motions: string[]; quality: PresetName; frames?: number; size?: number; body: string; clothDynamics?: boolean; exportPoseVideo?: string; force?: boolean }, cmd: Command) => {
      const progress = progressFrom(cmd);
      if (o.exportPoseVideo) {
        const m = await exportSubjectPoseVideo(dir, o.exportPoseVideo, { motions: o.motions, body: o.body, progress });
        progress.info(`pose video: ${o.exportPoseVideo}/ — reference.png + ${m.clips.map((c) => `${c.motion} (${c.frames} frames${c.mp4 ? ', mp4' : ''})`).join(', ')}; after running your model: persona generate ${dir} --generator frames:<its output dir>`);
        return;
      }
      const r = await withSubjectWriter(dir, 'persona generate', () => runGenerateStage(dir, { generator: o.generator, motions: o.motions, quality: o.quality, framesPerClip: o.frames, size: o.size, body: o.body, clothDynamics: o.clothDynamics, force: o.force, progress }));
      progress.info(r.ran ? `generate: ${r.clips.length} clips (${r.clips.join(', ')}), ${r.frames} frames in ${dir}/generated/` : 'generate: up to date, skipped');
    });
  program
    .command('train')
    .description('optimise the PERSONA avatar on the photo + generated frames → avatar/ (resumes after interruption)')
    .argument('<subject-dir>', 'subject folder (after `persona generate`)')
    .option('--quality <q>', `${QUALITY_HELP}: avatar size, render size and epochs`, parseQuality, DEFAULT_PRESET)
    .option('--iterations <n>', 'number of iterations (overrides the preset\'s epochs)', parsePositiveInt('iterations'))
    .option('--no-balanced-sampling', 'ablation: the photo once per epoch instead of half the steps')
    .option('--no-geometry-weighting', 'ablation: uniform image weights and full geometry loss on the photo')
    .option('--no-pose-offsets', 'ablation: no pose-driven offsets')
    .option('--refine-poses', "optimise every frame's body pose with the avatar, as PERSONA's code does (off by default: it lowers photo-view PSNR here, docs/avatar.md)")
    .option('--seed <n>', 'random seed', parseSeed, 0)
    .option('--body <spec>', 'default, or smplx:<path>', 'default')
    .option('--resume', 'continue from train/checkpoint.bin after an interruption (the default)')
    .option('--no-resume', 'start training afresh even if a checkpoint exists')
    .option('--force', 'train again from scratch')
    .action(async (dir: string, o: { quality: PresetName; iterations?: number; balancedSampling: boolean; geometryWeighting: boolean; poseOffsets: boolean; refinePoses?: boolean; seed: number; body: string; force?: boolean; resume?: boolean }, cmd: Command) => {
      const progress = progressFrom(cmd);
      const r = await withSubjectWriter(dir, 'persona train', () => runTrainStage(dir, {
        resume: o.resume,
        quality: o.quality, iterations: o.iterations, balanced: o.balancedSampling, geometryWeighting: o.geometryWeighting, poseOffsets: o.poseOffsets, poseRefinement: o.refinePoses ?? false,
        seed: o.seed, body: o.body, force: o.force, progress,
      }));
      const n = r.notes ?? {};
      progress.info(
        r.ran
          ? `train: avatar in ${dir}/avatar/ — ${n.iterations} iterations, ${Number(n.secondsPerIteration).toFixed(2)} s/iteration, photo PSNR ${Number(n.photoPsnrBefore).toFixed(1)} → ${Number(n.photoPsnrAfter).toFixed(1)} dB (${Number(n.photoPsnrOutsideBoundary).toFixed(1)} dB outside part boundaries); preview ${dir}/train/preview.png`
          : 'train: up to date, skipped (use --force to retrain)',
      );
    });
}
