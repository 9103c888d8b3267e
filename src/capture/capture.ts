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
import type { Camera } from '../core/camera.js';
import type { FloatImage } from '../core/image.js';
import { readImage } from '../core/image.js';
import { PersonaError } from '../core/errors.js';
import { yieldToSignals } from '../core/cancel.js';
import { Progress } from '../core/progress.js';
import { loadBodyModel, type ArrayBodyModel } from '../body/index.js';
import type { BodyPose } from '../body/index.js';
import { bodyAnchors, defaultCamera, fitFrames, fitImage } from '../fit/fitImage.js';
import type { BodyFit } from '../fit/types.js';
import { FIT_CONFIG } from '../fit/config.js';
import { restSkeletonOf } from '../motion/index.js';
import type { RestSkeleton } from '../motion/index.js';
import type { Motion } from '../motion/index.js';
import { Perceiver } from '../perceive/index.js';
import type { Perception } from '../perceive/index.js';
import { CAPTURE_CONFIG } from './config.js';
import { detectContacts, pinFeet, placeOnFloor } from './contacts.js';
import { fillMissingFrames, posesToMotion, smoothRootDepth, smoothRootPath } from './convert.js';
import { openFrames } from './frames.js';
import { PersonTracker, type LostReason } from './track.js';
import { choosePerson, type PickDetections } from './pick.js';
import { worldDirectionTerm } from './worldprior.js';
import { estimateUp, levelMotion, type GroundEstimate } from './ground.js';
import { footImageSpeed } from './imagefeet.js';
import { footPoints } from '../motion/index.js';
import { applyFaceChannels, estimateFaceChannels, type FaceChannels } from './face.js';

/** Options of motion capture. */
export interface CaptureOptions {
  /** Frame rate of the frames (folders) or to decode at (videos; default: the video's own). */
  fps?: number;
  /**
   * Which person to follow: the first frame's candidate k (0 = the largest). Default: the person with the largest
   * visible body over the clip's first second (pick.ts).
   */
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
  /** Estimate up and level the motion (default true; false keeps the camera's axes, ground.ts). */
  level?: boolean;
  /** Weight of the world-landmark direction term (worldprior.ts; 0 = off). */
  worldWeight?: number;
  /**
   * Track the face and write expression channels (aa, smile, blinks) and gaze (eye joints) into the motion
   * (face.ts; default true). Needs the face models (about 0.1 s more per frame).
   */
  face?: boolean;
  /**
   * Run the face crop pass (Perceiver.refineFace) on each frame's face before reading the face channels (default
   * true; the eyes of a whole-frame face mesh are too coarse for blinks, docs/capture.md).
   */
  refineFace?: boolean;
  /** Perception models to use (default: capturePerceiver(face)). */
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
  /** F×2 speed of each foot's keypoints in the image (body heights per second; imagefeet.ts), the contacts' cue. */
  footImageSpeed: Float64Array;
  /** Largest horizontal root correction made by foot pinning (m). */
  maxPinCorrection: number;
  /**
   * The capture camera in the motion's world (fixed; the frames' size and intrinsics): rendering the
   * motion with it lines the body up with the video, up to foot pinning's corrections.
   */
  camera: Camera;
  /** The camera tilt removed from the motion (ground.ts). */
  ground: GroundEstimate;
  /** Face channels written into the motion (null when face tracking was off or no face was found). */
  face: FaceChannels | null;
  timings: { perceiveSeconds: number; fitSeconds: number; totalSeconds: number; framesPerSecond: number };
}

const shared = new Map<boolean, Promise<Perceiver>>();

/**
 * The process-wide Perceivers of motion capture: body keypoints and people detection, with or without
 * the face models (no hands or matte: ~0.4 s per frame instead of ~2 s; measured in docs/capture.md). They
 * coexist with perceive's sharedPerceiver (none is ever closed).
 */
export function capturePerceiver(face = false): Promise<Perceiver> {
  let p = shared.get(face);
  if (!p) {
    p = Perceiver.create({ face, hands: false, matte: false, people: true }).catch((err: unknown) => {
      shared.delete(face);
      throw err;
    });
    shared.set(face, p);
  }
  return p;
}

/** The tracker of the person with the largest visible body over the clip's first CAPTURE_CONFIG.pickSeconds (pick.ts). */
export async function pickTracker(perceiver: Perceiver, images: ReadonlyArray<FloatImage | string>, fps: number, progress: Progress): Promise<PersonTracker> {
  const n = Math.min(images.length, Math.max(1, Math.round(CAPTURE_CONFIG.pickSeconds * fps)));
  const frames: PickDetections[] = [];
  let height = 0;
  for (let f = 0; f < n; f++) {
    await yieldToSignals(undefined, 'capture');
    const src = images[f]!;
    const img = typeof src === 'string' ? await readImage(src, 3) : src;
    height = img.height;
    frames.push(await perceiver.detectPeople(img));
  }
  const pick = choosePerson(frames, height, fps);
  if (pick.person === null && pick.box)
    progress.info(`following the person the detector first found on frame ${pick.tracks[pick.chosen]!.firstFrame} (largest visible body over the first ${n} frames)`);
  else if (pick.person !== null && pick.person > 0) progress.info(`following person ${pick.person} of the first frame (largest visible body over the first ${n} frames)`);
  return pick.person !== null ? new PersonTracker(perceiver, pick.person) : new PersonTracker(perceiver, 0, pick.box);
}

/** Captures a motion from images (in time order; FloatImages or paths) at `fps`. */
export async function captureImages(images: ReadonlyArray<FloatImage | string>, fps: number, options: CaptureOptions = {}): Promise<CaptureResult> {
  if (images.length === 0) throw new PersonaError('No frames to capture from.', { exitCode: 2 });
  if (!(fps > 0)) throw new PersonaError(`--fps must be positive (got ${fps}).`, { exitCode: 2 });
  const progress = options.progress ?? Progress.silent();
  const t0 = performance.now();
  const perceiver = options.perceiver ?? (await capturePerceiver(options.face !== false));
  const body = options.body ?? loadBodyModel();
  const F = images.length;
  const tracker = options.person !== undefined ? new PersonTracker(perceiver, options.person) : await pickTracker(perceiver, images, fps, progress);
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
    // The face crop pass; a frame whose crop holds no face is left to interpolation (the first pass's mesh reads
    // lids and lips on another scale than the gains assume).
    if (r.perception?.face && options.face !== false && options.refineFace !== false)
      r.perception.face = await perceiver.refineFace(img, r.perception.face);
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

  // Fit: shape on the first good frame, then every frame with that shape. The body fit sees no face (the face is
  // only for the expression channels below): its attributes would switch on the fit's sex prior and change the body.
  const tf = performance.now();
  const bodyPerceptions = perceptions.map((p) => (p && p.face ? { ...p, face: null } : p));
  // One camera for the shape and every frame: the given field of view or FIT_CONFIG.defaultFovDeg (a photo's 3 m rule,
  // src/fit/photoCamera.ts, is not used on video: the person's size changes from frame to frame).
  const fovDeg = options.fovDeg ?? FIT_CONFIG.defaultFovDeg;
  const shapeFit = fitImage(bodyPerceptions[first]!, body, { fovDeg, iterationScale: CAPTURE_CONFIG.shapeIterationScale, silhouette: false });
  const camera = defaultCamera(size!.width, size!.height, fovDeg);
  const anchors = bodyAnchors(body);
  const fitTask = progress.task('fit', F);
  const tfit = performance.now();
  const fitted = fitFrames(bodyPerceptions, shapeFit, body, {
    camera, fovDeg, iterationScale: options.iterationScale ?? CAPTURE_CONFIG.frameIterationScale, silhouette: false,
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
  const rootJoint = skeleton.skeleton.parents.indexOf(-1);
  smoothRootDepth(motion, skeleton.rest.subarray(rootJoint * 3, rootJoint * 3 + 3), 2 * Math.round((CAPTURE_CONFIG.depthSmoothSeconds * fps) / 2) + 1);
  smoothRootPath(motion, CAPTURE_CONFIG.rootSmoothFrames);
  // Up: a camera looking down is not a leaning person (ground.ts). The motion and the camera turn together.
  const imageSpeed = footImageSpeed(perceptions, fps);
  const ground = options.level === false ? null : estimateUp(motion, skeleton, { floorPoints: plantedFootPoints(motion, skeleton, imageSpeed, flags), skip: flags });
  let levelled: Camera = camera;
  if (ground && ground.source !== 'none') {
    const G = levelMotion(motion, skeleton, ground.up);
    const R = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) R[i * 3 + j] = camera.R[i * 3]! * G[j * 3]! + camera.R[i * 3 + 1]! * G[j * 3 + 1]! + camera.R[i * 3 + 2]! * G[j * 3 + 2]!; // R·Gᵀ
    levelled = { ...camera, R };
  }
  const fitPath = motion.rootTranslation.slice();
  placeOnFloor(motion, skeleton);
  let contacts: Uint8Array = new Uint8Array(F * 2), maxPinCorrection = 0;
  if (options.pinFeet !== false) {
    contacts = detectContacts(motion, skeleton, { imageSpeed });
    maxPinCorrection = pinFeet(motion, skeleton, contacts);
  }
  // Horizontal path relative to the first frame.
  const T = motion.rootTranslation, x0 = T[0]!, z0 = T[2]!;
  for (let f = 0; f < F; f++) { T[f * 3] = T[f * 3]! - x0; T[f * 3 + 2] = T[f * 3 + 2]! - z0; }

  // Face: expression channels and gaze from the tracked face meshes.
  const face = options.face === false ? null : estimateFaceChannels(perceptions.map((p) => p?.face ?? null), fps);
  if (face) applyFaceChannels(motion, face);
  else if (options.face !== false) progress.warn('no face was found on any frame; the motion has no expression channels');

  const totalSeconds = (performance.now() - t0) / 1000;
  return {
    motion, skeleton, face, shapeFit, camera: cameraInMotionWorld(levelled, fitPath, motion.rootTranslation),
    ground: ground ?? { up: [0, 1, 0], pitchDeg: 0, rollDeg: 0, source: 'none', cameraHeight: null },
    frames: fitted.map((r, f) => ({ lost: lost[f] ?? null, keypointPx: r.residuals && !flags[f] ? r.residuals.keypointPx : null })),
    contacts, maxPinCorrection, footImageSpeed: imageSpeed,
    timings: { perceiveSeconds, fitSeconds, totalSeconds, framesPerSecond: F / totalSeconds },
  };
}

/**
 * The lowest point of each foot that stands still in the image (fit's camera world, before
 * levelling): floor candidates for the ground plane (outliers are rejected there).
 */
function plantedFootPoints(motion: Motion, rs: RestSkeleton, imageSpeed: Float64Array, skip: Uint8Array): number[][] {
  const pts = footPoints(motion, rs);
  if (!pts) return [];
  const out: number[][] = [];
  for (let f = 0; f < motion.frameCount; f++) for (let s = 0; s < 2; s++) {
    if (skip[f] || !(imageSpeed[f * 2 + s]! < CAPTURE_CONFIG.contactImageSpeed)) continue;
    // lowest of ankle, ball, heel along the camera's down axis is not known yet: take the lowest of the three in y
    let best = 0;
    for (let k = 1; k < 3; k++) if (pts[((f * 2 + s) * 3 + k) * 3 + 1]! < pts[((f * 2 + s) * 3 + best) * 3 + 1]!) best = k;
    const o = ((f * 2 + s) * 3 + best) * 3;
    out.push([pts[o]!, pts[o + 1]!, pts[o + 2]!]);
  }
  return out;
}

/**
 * The fit camera moved into the motion's world: the motion's root is the fitted root shifted by d
 * (floor height, first-frame origin; pinning adds small per-frame offsets), so Xc = R·(X − d) + t.
 * d is the first frame's horizontal shift (pinning starts at 0 there) and the median vertical one.
 */
function cameraInMotionWorld(cam: Camera, fitPath: Float32Array, path: Float32Array): Camera {
  const F = path.length / 3;
  const dy = Float64Array.from({ length: F }, (_, f) => path[f * 3 + 1]! - fitPath[f * 3 + 1]!).sort();
  const d = [path[0]! - fitPath[0]!, dy[Math.floor(F / 2)]!, path[2]! - fitPath[2]!];
  const R = cam.R, t = Float64Array.from(cam.t);
  for (let i = 0; i < 3; i++) t[i] = t[i]! - (R[i * 3]! * d[0]! + R[i * 3 + 1]! * d[1]! + R[i * 3 + 2]! * d[2]!);
  return { ...cam, R: Float64Array.from(R), t };
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
