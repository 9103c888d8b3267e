/**
 * Motion capture from the user's own video: track one person, fit the body per frame with
 * temporal smoothness, and turn the fits into a Motion with feet on the floor and pinned
 * contacts (docs/capture.md).
 *
 * Steps: perception per frame (PersonTracker; body models only), shape from the first good
 * frame (`fitImage`), per-frame pose (`fitFrames`, warm-started, temporal term), lost frames
 * filled by interpolation and flagged (Motion.flags = 1), root path smoothed, put on the
 * floor, made relative to the first frame, foot contacts detected and pinned.
 */
import type { FloatImage } from '../core/image.js';
import { readImage } from '../core/image.js';
import { PersonaError } from '../core/errors.js';
import { yieldToSignals } from '../core/cancel.js';
import { Progress } from '../core/progress.js';
import { loadBodyModel, type ArrayBodyModel } from '../body/model.js';
import type { BodyPose } from '../body/types.js';
import { bodyAnchors, defaultCamera, fitFrames, fitImage } from '../fit/fitImage.js';
import type { BodyFit } from '../fit/types.js';
import { restSkeletonOf } from '../motion/body.js';
import type { RestSkeleton } from '../motion/canonical.js';
import type { Motion } from '../motion/types.js';
import { Perceiver } from '../perceive/perceiver.js';
import type { Perception } from '../perceive/types.js';
import { CAPTURE_CONFIG } from './config.js';
import { detectContacts, pinFeet, placeOnFloor } from './contacts.js';
import { fillMissingFrames, posesToMotion, smoothRootPath } from './convert.js';
import { openFrames } from './frames.js';
import { PersonTracker, type LostReason } from './track.js';
import { worldDirectionTerm } from './worldprior.js';

/** Options of motion capture. */
export interface CaptureOptions {
  /** Frame rate of the frames (folders) or to decode at (videos; default: the video's own). */
  fps?: number;
  /** Which person to follow (0 = the largest on the first frame). */
  person?: number;
  /** The camera's field of view on the long side (degrees; default FIT_CONFIG.defaultFovDeg). */
  fovDeg?: number;
  /** Motion name (default "capture"). */
  name?: string;
  /** Detect and pin foot contacts (default true). */
  pinFeet?: boolean;
  /** Videos: decode frames with this long side at most (default 960). */
  maxSide?: number;
  /** Scale of the per-frame fit iterations (default CAPTURE_CONFIG.frameIterationScale). */
  iterationScale?: number;
  /** Weight of the world-landmark direction term (worldprior.ts; 0 = off). */
  worldWeight?: number;
  /** Perception models to use (default: capturePerceiver()). */
  perceiver?: Perceiver;
  /** Body model (default: loadBodyModel()). */
  body?: ArrayBodyModel;
  progress?: Progress;
}

/** What happened on one frame. */
export interface CaptureFrameInfo {
  /** Why the person was lost on this frame (null when seen). */
  lost: LostReason | null;
  /** Mean 2D keypoint error of the fit (pixels; null for lost frames). */
  keypointPx: number | null;
}

/** The result of a capture. */
export interface CaptureResult {
  /** The motion on the body skeleton; flags[f] = 1 where the frame was filled by interpolation. */
  motion: Motion;
  /** The body skeleton at the captured person's shape (the motion's rest). */
  skeleton: RestSkeleton;
  /** The shape fit (first good frame). */
  shapeFit: BodyFit;
  frames: CaptureFrameInfo[];
  /** F×2 foot contacts [left, right] after pinning. */
  contacts: Uint8Array;
  /** Largest horizontal root correction made by foot pinning (m). */
  maxPinCorrection: number;
  timings: { perceiveSeconds: number; fitSeconds: number; totalSeconds: number; framesPerSecond: number };
}

let shared: Promise<Perceiver> | undefined;

/**
 * The process-wide Perceiver of motion capture: body keypoints and people detection only (no
 * face, hands or matte: ~0.4 s per frame instead of ~2 s; measured in docs/capture.md). It
 * coexists with perceive's sharedPerceiver (neither is ever closed).
 */
export function capturePerceiver(): Promise<Perceiver> {
  shared ??= Perceiver.create({ face: false, hands: false, matte: false, people: true }).catch((err: unknown) => {
    shared = undefined;
    throw err;
  });
  return shared;
}

/** Captures a motion from images (in time order; FloatImages or paths) at `fps`. */
export async function captureImages(images: ReadonlyArray<FloatImage | string>, fps: number, options: CaptureOptions = {}): Promise<CaptureResult> {
  if (images.length === 0) throw new PersonaError('No frames to capture from.', { exitCode: 2 });
  if (!(fps > 0)) throw new PersonaError(`--fps must be positive (got ${fps}).`, { exitCode: 2 });
  const progress = options.progress ?? Progress.silent();
  const t0 = performance.now();
  const perceiver = options.perceiver ?? (await capturePerceiver());
  const body = options.body ?? loadBodyModel();
  const tracker = new PersonTracker(perceiver, options.person ?? 0);
  const F = images.length;
  const perceptions: Array<Perception | null> = [];
  const lost: Array<LostReason | null> = [];
  let size: { width: number; height: number } | null = null;
  const tp = performance.now();
  const task = progress.task('perceive', F);
  for (let f = 0; f < F; f++) {
    await yieldToSignals(undefined, 'capture'); // Ctrl-C stops between frames
    const src = images[f]!;
    const img = typeof src === 'string' ? await readImage(src, 3) : src;
    if (size && (img.width !== size.width || img.height !== size.height))
      throw new PersonaError(`Frame ${f} is ${img.width}×${img.height}, earlier frames are ${size.width}×${size.height}.`, { hint: 'All frames of a clip must have one size.', exitCode: 2 });
    size ??= { width: img.width, height: img.height };
    const r = await tracker.next(img);
    perceptions.push(r.perception);
    lost.push(r.perception ? null : r.lost ?? 'no-person');
    const s = (performance.now() - tp) / 1000;
    task.update(f + 1, { 'frames/s': Number(((f + 1) / s).toFixed(2)), lost: lost.filter((x) => x).length });
  }
  const perceiveSeconds = (performance.now() - tp) / 1000;
  task.done(`${F} frames, ${(F / perceiveSeconds).toFixed(2)} frames/s`);
  const first = perceptions.findIndex((p) => p !== null);
  if (first < 0)
    throw new PersonaError(`No person found in any of the ${F} frames.`, { hint: 'Use a clip showing one person, whole body in view, not too small.' });
  const lostCount = lost.filter((x) => x).length;
  if (lostCount > 0) progress.warn(`the person was lost on ${lostCount} of ${F} frames; they are filled by interpolation and flagged`);

  // Fit: shape on the first good frame, then every frame with that shape.
  const tf = performance.now();
  const shapeFit = fitImage(perceptions[first]!, body, { fovDeg: options.fovDeg, iterationScale: CAPTURE_CONFIG.shapeIterationScale, silhouette: false });
  const camera = defaultCamera(size!.width, size!.height, options.fovDeg);
  const anchors = bodyAnchors(body);
  const fitTask = progress.task('fit', F);
  const tfit = performance.now();
  const fitted = fitFrames(perceptions, shapeFit, body, {
    camera, fovDeg: options.fovDeg, iterationScale: options.iterationScale ?? CAPTURE_CONFIG.frameIterationScale, silhouette: false,
    frameTerm: options.worldWeight === 0 ? undefined : (p) => worldDirectionTerm(p, anchors, options.worldWeight),
    onFrame: (done) => fitTask.update(done, { 'frames/s': Number((done / ((performance.now() - tfit) / 1000)).toFixed(2)) }),
  });
  fitTask.done();
  const fitSeconds = (performance.now() - tf) / 1000;

  // To a motion on the captured person's skeleton.
  const skeleton = restSkeletonOf(body, shapeFit.shape);
  const flags = new Uint8Array(F);
  for (let f = 0; f < F; f++) flags[f] = perceptions[f] ? 0 : 1;
  const poses: BodyPose[] = fitted.map((r) => r.pose);
  const motion = posesToMotion(poses, body.skeleton.names, fps, options.name ?? 'capture', flags);
  fillMissingFrames(motion, flags);
  smoothRootPath(motion, CAPTURE_CONFIG.rootSmoothFrames);
  placeOnFloor(motion, skeleton);
  let contacts: Uint8Array = new Uint8Array(F * 2), maxPinCorrection = 0;
  if (options.pinFeet !== false) {
    contacts = detectContacts(motion, skeleton);
    maxPinCorrection = pinFeet(motion, skeleton, contacts);
  }
  // Horizontal path relative to the first frame.
  const T = motion.rootTranslation, x0 = T[0]!, z0 = T[2]!;
  for (let f = 0; f < F; f++) { T[f * 3] = T[f * 3]! - x0; T[f * 3 + 2] = T[f * 3 + 2]! - z0; }

  const totalSeconds = (performance.now() - t0) / 1000;
  return {
    motion, skeleton, shapeFit,
    frames: fitted.map((r, f) => ({ lost: lost[f] ?? null, keypointPx: r.residuals && !flags[f] ? r.residuals.keypointPx : null })),
    contacts, maxPinCorrection,
    timings: { perceiveSeconds, fitSeconds, totalSeconds, framesPerSecond: F / totalSeconds },
  };
}

/** Captures a motion from a video file or a folder of frames (see openFrames). */
export async function captureMotion(input: string, options: CaptureOptions = {}): Promise<CaptureResult> {
  const source = await openFrames(input, { fps: options.fps, maxSide: options.maxSide ?? 960 });
  try {
    return await captureImages(source.files, source.fps, options);
  } finally {
    await source.cleanup();
  }
}
