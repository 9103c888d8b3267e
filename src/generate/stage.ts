/**
 * The generate stage: writes `generated/<clip>/frames/NNNN.png`, `masks/NNNN.png` and `poses.json` for
 * each motion, and records the clip list in the manifest.
 */
import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { PersonaError } from '../core/errors.js';
import { yieldToSignals } from '../core/cancel.js';
import { fitLongSide, resizeCamera } from '../core/camera.js';
import { encodePng, readImage, writePng } from '../core/image.js';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic.js';
import type { Progress } from '../core/progress.js';
import { Subject, SUBJECT_FILES, clipFiles, stageContext, type StageContext, type StageContextOptions, readFit } from '../subject/index.js';
import { cameraFromJson, cameraToJson, fitPose } from '../fit/types.js';
import { listBuiltinMotions } from '../motion/index.js';
import { resolveBody, type BodySpec } from '../body/index.js';
import { renderBuiltinClip, proxySurface, placedMotion, proxyDetailAtFrameScale, BUILTIN_NOTE, BUILTIN_BODY_NOTE } from './builtin.js';
import { loadSubjectProxy } from '../shape/index.js';
import { prepareCloth } from '../sim/index.js';
import { scanFramesDir, importFrameClip, FRAMES_NOTE, type FrameClipSource } from './frames.js';
import { exportPoseVideo, type PoseVideoManifest } from './poseVideo.js';
import type { GeneratedClipFile } from './types.js';

/** PERSONA drives MimicMotion with dance, a rotation, and light punches and kicks. */
export const DEFAULT_MOTIONS = ['turnaround', 'dance', 'punch-kick'] as const;

/** Options of the generate stage. */
export interface GenerateStageOptions extends StageContextOptions {
  generator?: string;
  motions?: string[];
  /** Frames per motion clip (default: the preset's `generate.framesPerClip`, src/subject/quality.ts). */
  framesPerClip?: number;
  /** Long side of the generated frames in pixels (default: the preset's `generate.size`). */
  size?: number;
  /**
   * Simulate cloth and hair of the clothed proxy (src/sim) when the builtin generator renders one (default
   * false: docs/sim.md has the measurements behind it; `--cloth-dynamics` turns it on).
   */
  clothDynamics?: boolean;
}

/** Checks generator and motion names early. */
export function checkGenerateOptions(o: GenerateStageOptions): void {
  const gen = o.generator ?? 'builtin';
  if (gen !== 'builtin' && !gen.startsWith('frames:'))
    throw new PersonaError(`unknown generator "${gen}"`, { hint: 'use --generator builtin or --generator frames:<dir>', exitCode: 2 });
  if (gen.startsWith('frames:')) {
    if (gen.length === 'frames:'.length) throw new PersonaError('--generator frames: needs a folder, e.g. --generator frames:./mimicmotion-out', { exitCode: 2 });
    const dir = gen.slice('frames:'.length);
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new PersonaError(`--generator frames:${dir}: no such folder`, { hint: 'pass a folder of PNG/JPEG frames (or one sub-folder per clip); export the driving pose video with --export-pose-video first' });
    return; // its images are checked by scanFramesDir when the stage runs
  }
  const known = new Set(listBuiltinMotions().map((m) => m.name));
  for (const m of o.motions ?? DEFAULT_MOTIONS)
    if (!known.has(m)) throw new PersonaError(`unknown motion "${m}"`, { hint: `builtin motions: ${[...known].join(', ')}`, exitCode: 2 });
}

/** Runs (or skips) the generate stage. */
export async function runGenerateStage(subjectDir: string, options: GenerateStageOptions = {}): Promise<{ ran: boolean; clips: string[]; frames: number }> {
  checkGenerateOptions(options);
  const ctx = stageContext(subjectDir, options);
  if ((options.generator ?? 'builtin').startsWith('frames:')) return runFramesImport(ctx, options);
  const subject = new Subject(subjectDir);
  const motions = options.motions ?? [...DEFAULT_MOTIONS];
  const framesPerClip = options.framesPerClip ?? ctx.quality().generate.framesPerClip;
  const size = options.size ?? ctx.quality().generate.size;
  const outputs = motions.map((m) => clipFiles(m).poses);
  const hasProxy = existsSync(subject.path(SUBJECT_FILES.proxy));
  const clothDynamics = options.clothDynamics ?? false;
  const outcome = await subject.runStage(
    'generate',
    {
      version: 2, // 2: the proxy's shell shows the photo and the texture between its vertices (renderProxy, detail.ts), not its vertex colours' blend
      inputs: { fit: SUBJECT_FILES.fit, texture: SUBJECT_FILES.texture, ...(hasProxy ? { image: SUBJECT_FILES.image, proxy: SUBJECT_FILES.proxy, proxyBin: SUBJECT_FILES.proxyBin, proxyColors: SUBJECT_FILES.proxyColors, proxyColorsBin: SUBJECT_FILES.proxyColorsBin } : {}) },
      options: { generator: options.generator ?? 'builtin', motions, framesPerClip, size, body: ctx.bodySpec, clothDynamics },
      outputs,
      force: ctx.force,
    },
    async () => {
      const fit = await readFit(subject);
      const body = ctx.body();
      const texture = await readImage(subject.path(SUBJECT_FILES.texture), 3);
      const look = hasProxy ? loadSubjectProxy(subjectDir) : undefined;
      const note = look ? BUILTIN_NOTE : BUILTIN_BODY_NOTE;
      const fitCam = cameraFromJson(fit.camera);
      const dims = fitLongSide(fitCam.width, fitCam.height, size);
      const camera = resizeCamera(fitCam, dims.width, dims.height);
      // texture folders written before the colours' sample coordinates render vertex colours alone
      const detail = look ? proxyDetailAtFrameScale(look, await readImage(subject.path(SUBJECT_FILES.image), 3), texture, camera) : undefined;
      const proxy = look ? { ...look, detail } : undefined;
      const task = ctx.progress?.task('generate', motions.length * framesPerClip);
      let done = 0;
      // one simulation setup (particles, constraints, body capsules) for every clip
      const clothSetup = proxy && clothDynamics ? prepareCloth(proxySurface(proxy.proxy), body, fit.shape) : undefined;
      // the stage owns generated/: clips of an earlier run (another generator or motion list) go
      await rm(subject.path(SUBJECT_FILES.generatedDir), { recursive: true, force: true });
      for (const motion of motions) {
        const files = clipFiles(motion);
        await rm(subject.path(files.dir), { recursive: true, force: true });
        const frames = renderBuiltinClip({ body, shape: fit.shape, fitPose: fitPose(fit), camera, texture, motion, frames: framesPerClip, proxy, clothDynamics, clothSetup });
        const record: GeneratedClipFile = { format: 'persona-generated-clip', formatVersion: 1, clip: motion, generator: 'builtin', note, shape: fit.shape, frames: [] };
        const digest = createHash('sha256');
        for (let k = 0; k < frames.length; k++) {
          const f = frames[k]!;
          await yieldToSignals(undefined, 'generate'); // Ctrl-C stops between frames (the clip has no poses.json, so it is redone)
          const file = `${String(k).padStart(4, '0')}.png`;
          const frame = await encodePng(f.image), mask = await encodePng(f.mask);
          await writeFileAtomic(subject.path(files.frame(file)), frame);
          await writeFileAtomic(subject.path(files.mask(file)), mask);
          digest.update(frame).update(mask);
          record.frames.push({ file, time: f.time, pose: { rotations: Array.from(f.pose.rotations), translation: f.pose.translation }, camera: cameraToJson(camera) });
          task?.update(++done, { clip: motion });
        }
        record.framesDigest = digest.digest('hex');
        // poses.json last: a clip is complete only when it exists
        await writeJsonAtomic(subject.path(files.poses), record);
      }
      task?.done(`${motions.length} clips × ${framesPerClip} frames (${proxy ? 'clothed proxy' : 'bare body: no shape/proxy.json'})`);
      return { clips: motions, frames: motions.length * framesPerClip, generator: 'builtin', note };
    },
  );
  const clips = (outcome.record.notes?.clips as string[] | undefined) ?? motions;
  return { ran: outcome.ran, clips, frames: (outcome.record.notes?.frames as number | undefined) ?? 0 };
}

/** The generate stage with `frames:<dir>`: imports every clip of the folder (frames.ts). */
async function runFramesImport(ctx: StageContext, options: GenerateStageOptions): Promise<{ ran: boolean; clips: string[]; frames: number }> {
  const subject = new Subject(ctx.subjectDir);
  const dir = (options.generator ?? '').slice('frames:'.length);
  const sources: FrameClipSource[] = await scanFramesDir(dir);
  const maxFrames = options.framesPerClip ?? ctx.quality().generate.framesPerClip;
  const size = options.size ?? ctx.quality().generate.size;
  const outcome = await subject.runStage(
    'generate',
    {
      version: 2, // 2: a clip named after a builtin motion is fitted from its driving poses
      inputs: { fit: SUBJECT_FILES.fit },
      options: { generator: 'frames', dir, clips: sources.map((c) => ({ clip: c.clip, files: c.fingerprint })), framesPerClip: maxFrames, size, body: ctx.bodySpec },
      outputs: sources.map((c) => clipFiles(c.clip).poses),
      force: ctx.force,
    },
    async () => {
      const fit = await readFit(subject);
      const body = ctx.body();
      const known = new Set(listBuiltinMotions().map((m) => m.name));
      let total = 0;
      await rm(subject.path(SUBJECT_FILES.generatedDir), { recursive: true, force: true });
      for (const src of sources) {
        const files = clipFiles(src.clip);
        await rm(subject.path(files.dir), { recursive: true, force: true });
        const names: string[] = [];
        // a clip named after a builtin motion was made from its exported pose video: each frame's fit starts from its driving pose
        const driving = known.has(src.clip) ? placedMotion(body, fit.shape, fitPose(fit), src.clip).poseAt : undefined;
        const r = await importFrameClip(src, {
          body, fit, size, maxFrames, progress: ctx.progress, driving,
          onFrame: async (f, k) => {
            await yieldToSignals(undefined, 'generate'); // Ctrl-C stops between frames (the clip has no poses.json, so it is redone)
          const file = `${String(k).padStart(4, '0')}.png`;
            names.push(file);
            await writePng(subject.path(files.frame(file)), f.image);
            await writePng(subject.path(files.mask(file)), f.mask);
          },
        });
        const record: GeneratedClipFile = {
          format: 'persona-generated-clip', formatVersion: 1, clip: src.clip, generator: `frames:${dir}`, note: FRAMES_NOTE, shape: fit.shape,
          frames: r.poses.map((p, k) => ({ file: names[k]!, time: p.time, pose: { rotations: Array.from(p.pose.rotations), translation: p.pose.translation }, camera: cameraToJson(r.camera) })),
        };
        await writeJsonAtomic(subject.path(files.poses), record);
        total += r.poses.length;
      }
      return { clips: sources.map((c) => c.clip), frames: total, generator: 'frames', note: FRAMES_NOTE };
    },
  );
  const clips = (outcome.record.notes?.clips as string[] | undefined) ?? sources.map((c) => c.clip);
  return { ran: outcome.ran, clips, frames: (outcome.record.notes?.frames as number | undefined) ?? 0 };
}

/** `persona generate <subject> --export-pose-video <dir>`: the subject's driving pose videos (poseVideo.ts). */
export async function exportSubjectPoseVideo(subjectDir: string, outDir: string, options: { motions?: string[]; body?: BodySpec; maxFrames?: number; progress?: Progress } = {}): Promise<PoseVideoManifest> {
  const motions = options.motions ?? [...DEFAULT_MOTIONS];
  checkGenerateOptions({ motions });
  const subject = new Subject(subjectDir);
  const fit = await readFit(subject);
  const photo = await readImage(subject.path(SUBJECT_FILES.image), 3);
  const matte = await readImage(subject.path(SUBJECT_FILES.mask), 1).catch(() => undefined);
  return exportPoseVideo({ body: resolveBody(options.body), fit, photo, matte: matte?.data, motions, outDir, maxFrames: options.maxFrames, progress: options.progress });
}
