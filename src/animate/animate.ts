/**
 * `persona animate`: drive an avatar with a motion, render each frame from a camera path, and write a
 * GIF, an MP4 or PNG frames. Also the turntable contact sheet of `persona render`.
 */
import type { AvatarBundle } from '../avatar/bundle.js';
import { Progress } from '../core/progress.js';
import { PersonaError } from '../core/errors.js';
import { interruptSignal, yieldToSignals } from '../core/cancel.js';
import type { FloatImage } from '../core/image.js';
import type { Camera } from '../core/camera.js';
import type { Motion } from '../motion/index.js';
import { contactSheet } from '../render/index.js';
import type { AvatarPose } from '../export/cloud.js';
import { availableParallelism } from 'node:os';
import { AvatarRenderer, type Background, type RendererOptions } from './renderer.js';
import { FrameWorker, type WorkerFrame } from './parallelRender.js';
import type { SplatEngine } from '../splat/index.js';
import { Bounds, cameraAt, resolveCameraMode, type CameraMode, type Framing } from './cameras.js';
import { bindMotion, outputFrameCount, samplePose, type BoundMotion } from './poses.js';
import { openSink, type SinkKind } from './sinks.js';

/** Defaults of `persona animate`. */
/** `auto` follows a travelling root (captured motions) and frames others from the front (cameras.ts). */
export const ANIMATE_DEFAULTS = { size: 512, fps: 30, camera: 'auto' as CameraMode, background: [1, 1, 1] as Background };
/**
 * Threads that render frames at once, at most (capped by the cores): the calling thread and one worker. Measured on
 * the 2-core machine (issue #23), the demo's 256 px dance took 11.1 s for 181 frames on one thread: 3.4 s pose-offset
 * MLP, 4.5 s rasterizing, 2.3 s GIF encoding (which stays on the calling thread, in frame order).
 */
export const FRAME_THREADS = 2;

/** Options of {@link animateAvatar}. */
export interface AnimateOptions {
  /** .gif, .mp4 or a folder (trailing slash) for PNG frames. */
  out: string;
  camera?: CameraMode;
  /** Square frame size in pixels. */
  size?: number;
  /** Output frame rate; the motion is resampled (slerp) when it differs from the motion's own. */
  fps?: number;
  background?: Background;
  progress?: Progress;
  /** Rasterizer: the forward-only fast path (default) or src/splat's differentiable one. */
  engine?: SplatEngine;
  /** Evaluate the pose-driven offset MLP (default true; false poses by skinning only, much faster on the CPU). */
  poseOffsets?: boolean;
  /** A named expression (src/body/expressions.ts) or unit=weight list held for the whole clip, on top of the motion's expression channels. */
  expression?: string;
  /** src/splat threads (engine 'reference' only). */
  threads?: number;
  /** Frames rendered at once (default FRAME_THREADS, capped by the cores); 1 renders on the calling thread only. */
  frameThreads?: number;
  /** Cancels the render between frames (default: the process-wide Ctrl-C signal, src/core/cancel.ts). */
  signal?: AbortSignal;
}

/** What {@link animateAvatar} did. */
export interface AnimateResult {
  frames: number;
  kind: SinkKind;
  seconds: number;
  /** Mean milliseconds per frame: posing, projection+sort, compositing. */
  perFrame: { poseMs: number; preprocessMs: number; rasterMs: number };
}

/** Bounds of the avatar over a clip (posing up to `samples` evenly spaced frames) and the root path per output frame. */
export function frameClip(renderer: AvatarRenderer, avatar: AvatarBundle, bound: BoundMotion, frames: number, fps: number, samples = 12): Framing {
  const bounds = new Bounds();
  const n = avatar.header.gaussianCount;
  const stride = Math.max(1, Math.floor(n / 20000));
  const pose = samplePose(bound, 0);
  const S = Math.min(samples, frames);
  for (let s = 0; s < S; s++) {
    const k = S === 1 ? 0 : Math.round((s * (frames - 1)) / (S - 1));
    renderer.pose(samplePose(bound, k / fps, pose));
    bounds.add(renderer.posedMeans, stride);
  }
  const root = avatar.header.skeleton.parents.indexOf(-1);
  const rj = avatar.header.skeleton.restJoints;
  const rootPath = new Float64Array(frames * 3);
  for (let k = 0; k < frames; k++) {
    samplePose(bound, k / fps, pose);
    for (let c = 0; c < 3; c++) rootPath[k * 3 + c] = rj[root * 3 + c]! + pose.translation[c]!;
  }
  return { bounds, rootPath };
}

/** Renders a motion on an avatar into a GIF / MP4 / PNG folder, atomically. */
export async function animateAvatar(avatar: AvatarBundle, motion: Motion, options: AnimateOptions): Promise<AnimateResult> {
  const size = options.size ?? ANIMATE_DEFAULTS.size;
  const fps = options.fps ?? ANIMATE_DEFAULTS.fps;
  const background = options.background ?? ANIMATE_DEFAULTS.background;
  if (!(Number.isInteger(size) && size >= 16 && size <= 4096)) throw new PersonaError(`--size must be an integer in 16…4096 (got ${size}).`, { exitCode: 2 });
  if (!(fps > 0 && fps <= 120)) throw new PersonaError(`--fps must be in (0, 120] (got ${fps}).`, { exitCode: 2 });
  const progress = options.progress ?? Progress.silent();
  const bound = bindMotion(motion, avatar, options.expression !== undefined ? { expression: options.expression } : {});
  const frames = outputFrameCount(bound, fps);
  const rendererOptions: RendererOptions = { threads: options.threads, engine: options.engine, poseOffsets: options.poseOffsets };
  const renderer = new AvatarRenderer(avatar, rendererOptions);
  const framing = frameClip(renderer, avatar, bound, frames, fps);
  const mode = resolveCameraMode(options.camera ?? ANIMATE_DEFAULTS.camera, framing);
  const frameThreads = options.frameThreads ?? Math.min(FRAME_THREADS, availableParallelism());
  if (!(Number.isInteger(frameThreads) && frameThreads >= 1)) throw new PersonaError(`frameThreads must be a positive integer (got ${frameThreads}).`);
  const sink = await openSink(options.out, { width: size, height: size, fps, transparent: background === 'transparent' });
  const task = progress.task(`animate ${motion.name}`, frames);
  const start = performance.now();
  const sum = { poseMs: 0, preprocessMs: 0, rasterMs: 0 };
  const addTimings = (t: AvatarRenderer['last']): void => { sum.poseMs += t.poseMs; sum.preprocessMs += t.preprocessMs; sum.rasterMs += t.rasterMs; };
  const pose: AvatarPose = samplePose(bound, 0);
  const camera = (k: number): Camera => cameraAt(mode, framing, k, frames, { width: size, height: size });
  const signal = options.signal ?? interruptSignal();
  // frames k and k+1 at once: k+1 on the worker while this thread renders k; both are written in order
  const worker = frameThreads > 1 && frames > 1 ? new FrameWorker(avatar, rendererOptions) : null;
  const added = async (img: FloatImage, k: number): Promise<void> => {
    await sink.add(img);
    task.update(k + 1, { fps: (k + 1) / ((performance.now() - start) / 1000) });
  };
  try {
    for (let k = 0; k < frames; k += worker ? 2 : 1) {
      await yieldToSignals(signal, `animate ${motion.name}`); // Ctrl-C stops between frames; the sink drops its temp output
      let remote: Promise<WorkerFrame> | null = null;
      if (worker && k + 1 < frames) {
        remote = worker.render(samplePose(bound, (k + 1) / fps, pose), camera(k + 1), background); // copied when sent
        remote.catch(() => undefined); // awaited below; a failure here must not go unhandled if this thread fails first
      }
      const img = renderer.render(samplePose(bound, k / fps, pose), camera(k), background);
      addTimings(renderer.last);
      await added(img, k);
      if (remote) {
        const f = await remote;
        addTimings(f.timings);
        await added(f.image, k + 1);
      }
    }
    await sink.finish();
  } catch (err) {
    await sink.abort();
    throw err;
  } finally {
    await worker?.close();
  }
  const seconds = (performance.now() - start) / 1000;
  task.done(`${frames} frames in ${seconds.toFixed(1)} s (${(frames / seconds).toFixed(1)} frames/s) → ${options.out}`);
  return {
    frames, kind: sink.kind, seconds,
    perFrame: { poseMs: sum.poseMs / frames, preprocessMs: sum.preprocessMs / frames, rasterMs: sum.rasterMs / frames },
  };
}

/** Options of {@link turntable}. */
export interface TurntableOptions {
  views?: number;
  size?: number;
  background?: [number, number, number];
  columns?: number;
  labels?: boolean;
  /** Cancels between views (default: the process-wide Ctrl-C signal). */
  signal?: AbortSignal;
  /** Reports the views as they are rendered. */
  progress?: Progress;
}

/** Renders `views` views around a posed avatar and lays them out in one contact sheet. */
export async function turntable(avatar: AvatarBundle, pose: AvatarPose, options: TurntableOptions = {}): Promise<FloatImage> {
  const views = options.views ?? 8;
  const size = options.size ?? 384;
  if (!(Number.isInteger(views) && views >= 1 && views <= 64)) throw new PersonaError(`--views must be an integer in 1…64 (got ${views}).`, { exitCode: 2 });
  const renderer = new AvatarRenderer(avatar);
  renderer.pose(pose);
  const bounds = new Bounds().add(renderer.posedMeans, Math.max(1, Math.floor(avatar.header.gaussianCount / 20000)));
  const images: FloatImage[] = [];
  const labels: string[] = [];
  const task = (options.progress ?? Progress.silent()).task('render', views);
  for (let k = 0; k < views; k++) {
    await yieldToSignals(options.signal, 'render'); // Ctrl-C stops between views
    images.push(renderer.render(pose, cameraAt('orbit', { bounds }, k, views, { width: size, height: size }), options.background ?? [1, 1, 1]));
    labels.push(`${Math.round((360 * k) / views)} deg`);
    task.update(k + 1);
  }
  task.done();
  return contactSheet(images, {
    columns: options.columns ?? Math.min(views, 4),
    ...(options.labels === false ? {} : { labels }),
    background: options.background ?? [1, 1, 1],
  });
}
