/**
 * The `frames:<dir>` generator: imports frames made by any image-animation model (MimicMotion, Champ,
 * UniAnimate… driven by the pose video of poseVideo.ts). `<dir>` holds PNG/JPEG frames, or one
 * sub-folder of frames per clip; frames of a clip share one size. Each frame is perceived with the shared
 * Perceiver (the previous frame's box as the crop hint); the matte becomes the mask; poses come from
 * `fitFrames` with the subject's shape fixed, seen by the photo's camera letterboxed into the frame
 * (letterbox.ts: the framing of the exported pose video; frames with the photo's aspect ratio are simply
 * the photo's camera rescaled). Frames where perception finds no person are dropped (with a warning).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import sharp from 'sharp';
import type { Camera } from '../core/camera.js';
import { fitLongSide, resizeCamera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';
import { readImage, type FloatImage } from '../core/image.js';
import type { Progress } from '../core/progress.js';
import type { ArrayBodyModel } from '../body/index.js';
import type { BodyPose } from '../body/index.js';
import { perceive } from '../perceive/index.js';
import type { Perception, Box } from '../perceive/index.js';
import { resizeImage } from '../render/index.js';
import { fitFrames } from '../fit/fitImage.js';
import { cameraFromJson, type BodyFit } from '../fit/types.js';
import { letterboxCamera } from './letterbox.js';
import { POSE_VIDEO } from './poseVideo.js';

/** What users are told the frames generator is. */
export const FRAMES_NOTE = 'frames generator: frames made by an external image-animation model, imported; masks from perception, poses re-fitted per frame with the subject\'s shape fixed';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** One clip of frames on disk. */
export interface FrameClipSource {
  clip: string;
  /** Absolute paths, in natural order. */
  files: string[];
  width: number;
  height: number;
  /** name:size:mtime per file (for the stage's cache key). */
  fingerprint: string[];
}

/** A clip name usable as a folder name under generated/. */
function clipName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  return s || 'frames';
}

async function imagesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((n) => join(dir, n));
}

/**
 * Lists and validates the clips of a frames folder: its own images form one clip (named after the folder),
 * each sub-folder with images another. No images → error; frames of different sizes in a clip → error.
 */
export async function scanFramesDir(dir: string): Promise<FrameClipSource[]> {
  const root = resolve(dir);
  const st = await stat(root).catch(() => null);
  if (!st) throw new PersonaError(`frames folder not found: ${dir}`, { hint: 'pass --generator frames:<dir> with a folder of PNG/JPEG frames (or one sub-folder per clip)' });
  if (!st.isDirectory()) throw new PersonaError(`--generator frames:${dir}: not a folder`, { hint: 'pass a folder of PNG/JPEG frames (or one sub-folder per clip)' });
  const groups: Array<{ clip: string; files: string[] }> = [];
  const own = await imagesIn(root);
  if (own.length > 0) groups.push({ clip: clipName(basename(root)), files: own });
  const subs = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const s of subs) {
    const files = await imagesIn(join(root, s));
    if (files.length > 0) groups.push({ clip: clipName(s), files });
  }
  if (groups.length === 0)
    throw new PersonaError(`no PNG or JPEG frames in ${dir} (nor in its sub-folders)`, { hint: 'put the frames of each generated clip in the folder (or one sub-folder per clip), e.g. 0000.png, 0001.png, …' });
  const names = new Set<string>();
  const out: FrameClipSource[] = [];
  for (const g of groups) {
    if (names.has(g.clip)) throw new PersonaError(`two clips in ${dir} are both named "${g.clip}"`, { hint: 'rename one of the sub-folders' });
    names.add(g.clip);
    let width = 0, height = 0;
    const fingerprint: string[] = [];
    for (const f of g.files) {
      let meta: { width?: number; height?: number };
      try {
        meta = await sharp(f).metadata();
      } catch (err) {
        throw new PersonaError(`cannot read frame ${f}: ${(err as Error).message}`, { hint: 'remove or re-export the broken file' });
      }
      const w = meta.width ?? 0, h = meta.height ?? 0;
      if (width === 0) { width = w; height = h; }
      else if (w !== width || h !== height)
        throw new PersonaError(`frames of clip "${g.clip}" differ in size: ${basename(g.files[0]!)} is ${width}×${height} but ${basename(f)} is ${w}×${h}`, {
          hint: 'all frames of a clip must have one size (export them from the model at one resolution)',
        });
      const fs = await stat(f);
      fingerprint.push(`${basename(f)}:${fs.size}:${Math.round(fs.mtimeMs)}`);
    }
    out.push({ clip: g.clip, files: g.files, width, height, fingerprint });
  }
  return out;
}

/**
 * The frame number of a source file: its name when the name is a plain number (`0042.png` → 42: a model's frames of the
 * pose video, some left out), else its index in the clip's natural order.
 */
export function frameNumber(file: string, index: number): number {
  const stem = basename(file, extname(file));
  return /^\d+$/.test(stem) ? Number(stem) : index;
}

/** Evenly spaced indices: all of 0…n−1 when n ≤ max. */
export function evenlySpaced(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.min(n - 1, Math.round(((i + 0.5) * n) / max - 0.5)));
}

/** One imported frame, ready to write. */
export interface ImportedFrame {
  /** Index of the source frame in its clip. */
  source: number;
  time: number;
  image: FloatImage; // RGB, resized
  mask: FloatImage; // 1 channel, resized
}

/** Options of {@link importFrameClip}. */
export interface ImportClipOptions {
  body: ArrayBodyModel;
  fit: BodyFit;
  /** Long side of the stored frames (larger frames are downsized). */
  size: number;
  /** At most this many frames (evenly spaced). */
  maxFrames: number;
  /** Frame rate of the source frames (for times; default the pose video's, 30). */
  fps?: number;
  /**
   * The driving pose the frames were made from, at a time (the exported pose video's: `placedMotion`): each frame is also
   * fitted from it, and the fit nearer the frame's keypoints is kept (fitFrames `initialPoses`). Without it each frame
   * starts from the previous frame's fit.
   */
  driving?: (time: number) => BodyPose;
  /** Called with each frame as soon as it is perceived (so frames need not stay in memory). */
  onFrame: (frame: ImportedFrame, index: number) => Promise<void>;
  progress?: Progress;
}

/**
 * Perceives and fits one clip: returns the stored camera and, per kept frame, its pose. Frames are
 * handed to `onFrame` (resized image + matte) as they are perceived.
 */
export async function importFrameClip(src: FrameClipSource, o: ImportClipOptions): Promise<{ camera: Camera; poses: Array<{ source: number; time: number; pose: BodyPose }>; dropped: number }> {
  const fps = o.fps ?? POSE_VIDEO.fps;
  const frameCam = letterboxCamera(cameraFromJson(o.fit.camera), src.width, src.height);
  const dims = src.width > o.size || src.height > o.size ? fitLongSide(src.width, src.height, o.size) : { width: src.width, height: src.height };
  const stored = resizeCamera(frameCam, dims.width, dims.height);
  const picks = evenlySpaced(src.files.length, o.maxFrames);
  const perceptions: Perception[] = [];
  const kept: Array<{ source: number; time: number }> = [];
  let roi: Box | undefined;
  let dropped = 0;
  const task = o.progress?.task(`import ${src.clip}`, picks.length);
  for (let k = 0; k < picks.length; k++) {
    const i = picks[k]!;
    const image = await readImage(src.files[i]!, 3);
    let p: Perception;
    try {
      p = await perceive(image, { roi });
    } catch (err) {
      if (!(err instanceof PersonaError)) throw err;
      o.progress?.warn(`frames: ${basename(src.files[i]!)}: ${err.message} — frame dropped`);
      dropped++; roi = undefined;
      task?.update(k + 1);
      continue;
    }
    roi = p.person.box;
    if (!p.mask) throw new PersonaError(`perception returned no matte for ${src.files[i]}`, { hint: 'the frames importer needs the matting model (perception with matte enabled)' });
    const sameSize = dims.width === src.width && dims.height === src.height;
    const time = frameNumber(src.files[i]!, i) / fps;
    const frame: ImportedFrame = {
      source: i, time,
      image: sameSize ? image : resizeImage(image, dims.width, dims.height),
      mask: sameSize ? p.mask : resizeImage(p.mask, dims.width, dims.height),
    };
    await o.onFrame(frame, kept.length);
    delete p.mask; // the fit below uses keypoints only; keep memory flat
    perceptions.push(p);
    kept.push({ source: i, time });
    task?.update(k + 1);
  }
  if (kept.length === 0) throw new PersonaError(`no person found in any frame of clip "${src.clip}"`, { hint: 'check that the frames show the whole person' });
  const fitted = fitFrames(perceptions, o.fit, o.body, { camera: frameCam, initialPoses: o.driving ? kept.map((k) => o.driving!(k.time)) : undefined });
  task?.done(`${kept.length} frames${dropped ? `, ${dropped} dropped` : ''}`);
  return { camera: stored, poses: kept.map((k, j) => ({ ...k, pose: fitted[j]!.pose })), dropped };
}
