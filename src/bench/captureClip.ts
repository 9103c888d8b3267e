/**
 * A synthetic clip with ground truth for checking capture (tests, bench/capture.ts): a
 * synthetic subject (src/bench/subjects.ts) performing a builtin motion, rendered by a fixed
 * camera facing it at a known field of view, with the true motion on the subject's skeleton
 * and per-frame limb visibility.
 */
import { cameraCentre, lookAtCamera, type Camera } from '../core/camera.js';
import type { FloatImage } from '../core/image.js';
import { makeSubject } from './subjects.js';
import { createPoseSampler, getBuiltinMotion, motionDuration, restSkeletonOf } from '../motion/index.js';
import type { RestSkeleton } from '../motion/index.js';
import type { Motion } from '../motion/index.js';
import { BODY_INDEX, type BodyKeypointName } from '../perceive/index.js';
import { placeMotionPose } from '../generate/place.js';
import { posesToMotion } from '../capture/index.js';
import { SCORED_LIMBS } from '../capture/index.js';
import { NAMED_EXPRESSIONS } from '../body/index.js';

/** Options of renderCaptureClip. */
export interface CaptureClipOptions {
  subject?: number;
  motion: string;
  /** Start time in the motion (s) and frame rate of the clip. */
  start?: number;
  fps: number;
  frames: number;
  /** Square frame side (pixels). */
  size: number;
  /** Field of view (degrees; the frames are square so it is also the long side's). */
  fovDeg?: number;
  supersample?: number;
  /** Camera pitch (degrees; positive: raised on an arc around the subject and looking down at it). */
  pitchDeg?: number;
  /**
   * Expression channels performed over the clip: named expressions (src/body/expressions.ts) with
   * frames×C weights; each frame's face gets Σ weight·(units, jaw) of the named expressions.
   */
  expressions?: { names: string[]; weights: Float32Array };
  /** Fraction of the frame the subject's framing box fills (default: the subject's own, 0.86). */
  fill?: number;
}

/** A rendered clip with its truth. */
export interface CaptureClip {
  images: FloatImage[];
  camera: Camera;
  fovDeg: number;
  /** The true motion on `skeleton` (world axes as the camera sees them: camera on +Z looking at the person). */
  truth: Motion;
  skeleton: RestSkeleton;
  /** The body model's expression-unit weights of each frame (frames×E; present with options.expressions). */
  expressionUnits?: Float32Array[];
  /** F×L (SCORED_LIMBS) 1 where both ends of the limb are visible. */
  limbVisible: Uint8Array;
}

const LIMB_KEYPOINTS: Record<string, [BodyKeypointName, BodyKeypointName]> = {
  leftUpperArm: ['leftShoulder', 'leftElbow'], leftForearm: ['leftElbow', 'leftWrist'],
  rightUpperArm: ['rightShoulder', 'rightElbow'], rightForearm: ['rightElbow', 'rightWrist'],
  leftThigh: ['leftHip', 'leftKnee'], leftShin: ['leftKnee', 'leftAnkle'],
  rightThigh: ['rightHip', 'rightKnee'], rightShin: ['rightKnee', 'rightAnkle'],
};

/** The framing camera raised on an arc around the subject's centre by `pitchDeg`, looking at the centre (same distance and lens). */
function pitchedCamera(cam: Camera, bodies: Float64Array[], pitchDeg: number): Camera {
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (const b of bodies) for (let i = 0; i < b.length; i += 3) for (let c = 0; c < 3; c++) { lo[c] = Math.min(lo[c]!, b[i + c]!); hi[c] = Math.max(hi[c]!, b[i + c]!); }
  const centre: [number, number, number] = [(lo[0]! + hi[0]!) / 2, (lo[1]! + hi[1]!) / 2, (lo[2]! + hi[2]!) / 2];
  const eye = cameraCentre(cam);
  const dist = Math.hypot(eye[0]! - centre[0], eye[1]! - centre[1], eye[2]! - centre[2]);
  const p = (pitchDeg * Math.PI) / 180;
  const raised: [number, number, number] = [centre[0], centre[1] + dist * Math.sin(p), centre[2] + dist * Math.cos(p)];
  return lookAtCamera(raised, centre, { width: cam.width, height: cam.height, focal: cam.fy });
}

/** Renders a synthetic capture clip (see the module comment). */
export function renderCaptureClip(o: CaptureClipOptions): CaptureClip {
  const subject = makeSubject(o.subject ?? 0);
  const model = subject.model;
  const skeleton = restSkeletonOf(model, subject.shape);
  const motion = getBuiltinMotion(o.motion, skeleton.skeleton, skeleton.rest);
  const sample = createPoseSampler(motion, model.skeleton);
  const duration = motionDuration(motion);
  const start = o.start ?? 0;
  const poses = Array.from({ length: o.frames }, (_, k) => {
    const p = sample(Math.min(duration, start + k / o.fps));
    return { rotations: Float64Array.from(p.rotations), translation: [...p.translation] as [number, number, number] };
  });
  const units = o.expressions ? expressionUnits(model.expressionNames, o.expressions, o.frames) : undefined;
  if (units) {
    const jaw = model.skeleton.names.indexOf('jaw');
    poses.forEach((p, k) => { p.rotations[jaw * 3] = p.rotations[jaw * 3]! + units.jaw[k]!; });
  }
  const placed = poses.map((p) => placeMotionPose(p, { rotations: new Float64Array(p.rotations.length), translation: [0, 0, 0] }));
  const posed = placed.map((p, k) => subject.pose(p, { expression: units?.weights[k] }));
  const fovDeg = o.fovDeg ?? 40;
  let camera = subject.frameCamera(posed, { width: o.size, height: o.size, fovYDeg: fovDeg, yawDeg: 0, fill: o.fill });
  if (o.pitchDeg) camera = pitchedCamera(camera, posed.map((p) => p.body), o.pitchDeg);
  const L = SCORED_LIMBS.length;
  const limbVisible = new Uint8Array(o.frames * L);
  const images = posed.map((ps, f) => {
    const r = subject.render(ps, camera, { supersample: o.supersample ?? 2, background: [1, 1, 1] });
    SCORED_LIMBS.forEach(([name], l) => {
      const [a, b] = LIMB_KEYPOINTS[name]!;
      limbVisible[f * L + l] = r.keypointVisible[BODY_INDEX[a]]! && r.keypointVisible[BODY_INDEX[b]]! ? 1 : 0;
    });
    return r.image;
  });
  const truth = posesToMotion(placed, model.skeleton.names, o.fps, `${o.motion}-truth`);
  if (o.expressions) truth.expressions = { names: [...o.expressions.names], weights: o.expressions.weights.slice() };
  return { images, camera, fovDeg, truth, skeleton, limbVisible, ...(units ? { expressionUnits: units.weights } : {}) };
}

/** Per-frame body-model unit weights and jaw opening (radians) of named-expression channels. */
function expressionUnits(unitNames: readonly string[], e: { names: string[]; weights: Float32Array }, frames: number): { weights: Float32Array[]; jaw: Float64Array } {
  const C = e.names.length;
  const weights: Float32Array[] = [], jaw = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const w = new Float32Array(unitNames.length);
    for (let c = 0; c < C; c++) {
      const named = NAMED_EXPRESSIONS[e.names[c]!];
      if (!named) throw new Error(`unknown named expression ${e.names[c]}`);
      const a = e.weights[f * C + c]!;
      for (const [u, v] of Object.entries(named.units)) {
        const i = unitNames.indexOf(u);
        if (i < 0) throw new Error(`the body model has no expression unit ${u}`);
        w[i] = w[i]! + a * v;
      }
      jaw[f] = jaw[f]! + a * (named.jaw ?? 0);
    }
    weights.push(w);
  }
  return { weights, jaw };
}
