/**
 * Frame sources for motion capture: a folder of frame images (sorted by name, numbers compared
 * as numbers), or a video file decoded to PNG frames by ffmpeg (src/core/ffmpeg.ts: the npm-installed
 * static build unless PERSONA_FFMPEG or PATH has one; not needed for folders).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { PersonaError } from '../core/errors.js';
import { ffmpegAvailable, requireFfmpeg } from '../core/ffmpeg.js';
import { CAPTURE_CONFIG } from './config.js';

/** Frames to capture from: image paths in time order and their frame rate. */
export interface FrameSource {
  files: string[];
  fps: number;
  /** Where the frames came from (a folder or a video file). */
  kind: 'folder' | 'video';
  /** Removes decoded temporary frames (no-op for folders). */
  cleanup(): Promise<void>;
}

const collator = new Intl.Collator('en', { numeric: true });

/** The frame images of a folder, in natural name order (frame2 before frame10). */
export async function listFrameFiles(dir: string): Promise<string[]> {
  const exts: readonly string[] = CAPTURE_CONFIG.frameExtensions;
  const names = (await readdir(dir)).filter((n) => exts.includes(extname(n).toLowerCase()) && !n.startsWith('.'));
  names.sort(collator.compare);
  return names.map((n) => join(dir, n));
}

/** Whether ffmpeg can be run. */
export function hasFfmpeg(): boolean {
  return ffmpegAvailable();
}

/**
 * A video's frame rate (null when unknown), read from the stream line ffmpeg prints for its input
 * (`Video: h264 …, 25 fps, 25 tbr, …`; ffprobe does not come with the npm-installed ffmpeg).
 */
export function probeFps(video: string): number | null {
  const r = spawnSync(requireFfmpeg('Reading a video'), ['-hide_banner', '-nostdin', '-i', video], { encoding: 'utf8' });
  const line = (r.stderr || '').split('\n').find((l) => /Stream #.*Video:/.test(l));
  for (const unit of ['fps', 'tbr']) {
    const m = line?.match(new RegExp(`([0-9.]+)(k?) ${unit}`));
    if (!m) continue;
    const fps = parseFloat(m[1]!) * (m[2] ? 1000 : 1);
    if (Number.isFinite(fps) && fps > 0 && fps < 1000) return fps;
  }
  return null;
}

/**
 * Opens `input` (a folder of frames or a video file). Videos are decoded by ffmpeg into a
 * temporary folder, resampled to `fps` when given; `maxSide` bounds the decoded frame size.
 */
export async function openFrames(input: string, options: { fps?: number; maxSide?: number } = {}): Promise<FrameSource> {
  if (!existsSync(input)) throw new PersonaError(`${input} does not exist.`, { hint: 'Give a video file or a folder of frame images.', exitCode: 2 });
  if (statSync(input).isDirectory()) {
    const files = await listFrameFiles(input);
    if (files.length === 0)
      throw new PersonaError(`${input} holds no frame images (${CAPTURE_CONFIG.frameExtensions.join(', ')}).`, { hint: 'Put the frames in the folder as frame0001.png, frame0002.png, …', exitCode: 2 });
    return { files, fps: options.fps ?? CAPTURE_CONFIG.defaultFps, kind: 'folder', cleanup: async () => {} };
  }
  const ffmpeg = requireFfmpeg(`Decoding the video ${input}`);
  const fps = options.fps ?? probeFps(input) ?? CAPTURE_CONFIG.defaultFps;
  const dir = await mkdtemp(join(tmpdir(), 'persona-capture-'));
  const filters = [`fps=${fps}`];
  if (options.maxSide) filters.push(`scale='if(gt(iw,ih),min(${options.maxSide},iw),-2)':'if(gt(iw,ih),-2,min(${options.maxSide},ih))'`);
  const r = spawnSync(ffmpeg, ['-v', 'error', '-nostdin', '-i', input, '-vf', filters.join(','), '-start_number', '0', join(dir, 'frame%06d.png')], { encoding: 'utf8' });
  const cleanup = () => rm(dir, { recursive: true, force: true });
  if (r.status !== 0) {
    await cleanup();
    throw new PersonaError(`ffmpeg could not decode ${input}: ${(r.stderr || '').trim().split('\n').slice(-2).join(' ')}`, { hint: 'Check that the file is a video, or pass a folder of frames.' });
  }
  const files = await listFrameFiles(dir);
  if (files.length === 0) {
    await cleanup();
    throw new PersonaError(`${input} gave no frames.`, { hint: 'Check that the file is a video, or pass a folder of frames.' });
  }
  return { files, fps, kind: 'video', cleanup };
}
