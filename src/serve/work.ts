/**
 * The heavy work of a job, run inside a child process (src/serve/child.ts), never on the HTTP server's thread:
 * checking an upload (decode + perceive, the CLI's own checks), making the avatar (`create`), and exports.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { PersonaError } from '../core/errors.js';
import { Progress } from '../core/progress.js';
import { ingest } from '../ingest/ingest.js';
import { perceiveSubject } from '../perceive/index.js';
import { create } from '../pipeline/create.js';
import { loadAvatar } from '../avatar/bundle.js';
import { EXPORT_FORMATS, exportAvatar, type ExportFormat } from '../export/export.js';
import { animateAvatar } from '../animate/animate.js';
import { isBuiltinMotion, loadMotionArg } from '../animate/motionArg.js';
import { avatarRestSkeleton } from '../animate/poses.js';
import { QUALITY } from '../subject/index.js';
import type { ProgressLine } from './progress.js';
import type { JobOptions } from './types.js';

/** Video formats made by animating the avatar (MP4 needs ffmpeg on the machine). */
export const VIDEO_FORMATS = ['gif', 'mp4'] as const;

/** Every format the export route offers: the export room's (whatever it lists today) plus the videos. */
export function exportFormats(): string[] {
  return [...EXPORT_FORMATS, ...VIDEO_FORMATS];
}

/** A progress reporter whose JSON lines go to `send`. */
export function progressTo(send: (line: ProgressLine) => void): Progress {
  return new Progress('json', (text) => send(JSON.parse(text) as ProgressLine));
}

/**
 * The checks before a job is queued: the photo decodes, is big enough, and perception finds exactly one
 * person (or the one asked for). Leaves `input/` and `perception/` in the subject folder, which the pipeline
 * then skips as up to date.
 */
export async function checkUpload(photo: string, subject: string, options: Pick<JobOptions, 'person'>): Promise<{ warnings: string[]; peopleFound: number | null }> {
  await ingest(photo, subject);
  const { perception } = await perceiveSubject(subject, { person: options.person });
  const found = perception.person.peopleFound;
  if (options.person === undefined && found !== null && found > 1)
    throw new PersonaError(`${found} people were found in the photo; an avatar is made of one person.`, {
      hint: 'Crop the photo to one person, or choose which person under the advanced options (0 = the largest).',
    });
  return { warnings: perception.person.warnings, peopleFound: found };
}

/** Makes the avatar (every stage; finished stages are skipped, so this resumes an interrupted job). */
export async function makeAvatar(photo: string, subject: string, options: JobOptions, progress: Progress): Promise<void> {
  await create(photo, subject, { quality: options.quality, motions: options.motions, seed: options.seed, person: options.person, progress });
}

/** Writes `avatar.<format>` into `exportsDir` unless it is there already; returns its path. */
export async function exportFile(avatarDir: string, exportsDir: string, format: string, options: { quality: JobOptions['quality']; motion?: string }): Promise<string> {
  const isVideo = (VIDEO_FORMATS as readonly string[]).includes(format);
  if (!isVideo && !(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new PersonaError(`Unknown export format "${format}".`, { hint: `Use one of: ${exportFormats().join(', ')}.` });
  const motion = options.motion ?? 'dance';
  if (isVideo && !isBuiltinMotion(motion)) throw new PersonaError(`Unknown motion "${motion}".`, { hint: 'Use a builtin motion name (dance, walk, turnaround…).' });
  const out = join(exportsDir, isVideo ? `${motion}.${format}` : `avatar.${format}`);
  if (existsSync(out)) return out;
  await mkdir(exportsDir, { recursive: true });
  const avatar = await loadAvatar(avatarDir);
  if (isVideo) {
    const q = QUALITY[options.quality].preview;
    const m = await loadMotionArg(motion, avatarRestSkeleton(avatar));
    // The video sinks write in place: render beside the target, then rename (no half-written download).
    const tmp = join(exportsDir, `.partial-${process.pid}-${motion}.${format}`);
    try {
      await animateAvatar(avatar, m, { out: tmp, size: Math.max(256, q.size), fps: q.fps, camera: 'front' });
      await rename(tmp, out);
    } finally {
      await rm(tmp, { force: true });
    }
  } else {
    await exportAvatar(avatar, out, { format: format as ExportFormat });
  }
  return out;
}
