/**
 * The driving pose video for an external image-animation model (MimicMotion, Champ, UniAnimate…):
 * per motion, DWPose/OpenPose-style skeleton drawings — 18 body keypoints (OpenPose COCO order) and
 * 21 points per hand, coloured limbs on black — at 576×1024 and 30 fps (PERSONA §4.1: MimicMotion at
 * 576×1024, 30 fps), aligned to the photo's person: the fitted body posed in the motion (placed where the
 * person stands) and projected with the photo's camera letterboxed into the frame (letterbox.ts); plus
 * the reference image (the photo cut out by the matte, on white, letterboxed the same way). The frames
 * such a model returns come back through `--generator frames:<dir>` (frames.ts), which assumes this framing.
 * The face is not drawn (the body model has no 68-point face landmarks); DWPose's face dots are optional
 * for MimicMotion.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../core/atomic.js';
import type { Camera } from '../core/camera.js';
import { projectPoint } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';
import { ffmpegAvailable, findFfmpeg } from '../core/ffmpeg.js';
import { createImage, writePng, type FloatImage } from '../core/image.js';
import type { Progress } from '../core/progress.js';
import type { ArrayBodyModel } from '../body/index.js';
import { BodyPoser } from '../body/index.js';
import type { BodyPose } from '../body/index.js';
import { drawLine, drawPoint } from '../render/index.js';
import { bodyAnchors } from '../fit/fitImage.js';
import { cameraFromJson, cameraToJson, fitPose, type BodyFit, type CameraJson } from '../fit/types.js';
import { BODY_INDEX } from '../perceive/index.js';
import { placedMotion } from './builtin.js';
import { letterboxCamera, letterboxImage } from './letterbox.js';

/** Settings of the pose video (MimicMotion's input format; OpenPose drawing conventions). */
export const POSE_VIDEO = {
  /** MimicMotion's resolution (PERSONA §4.1). */
  width: 576,
  height: 1024,
  /** PERSONA's generated video is 30 fps. */
  fps: 30,
  /** Limb width and opacity, joint radius (OpenPose's `stickwidth` 4 and 0.6 blend at this scale). */
  limbWidth: 8,
  limbOpacity: 0.6,
  jointRadius: 4,
  handLineWidth: 2,
  handPointRadius: 3,
} as const;

/** OpenPose COCO-18 body keypoints, as BlazePose names (neck = mid-shoulders). */
const OPENPOSE_BODY = ['nose', 'neck', 'rightShoulder', 'rightElbow', 'rightWrist', 'leftShoulder', 'leftElbow', 'leftWrist', 'rightHip', 'rightKnee', 'rightAnkle', 'leftHip', 'leftKnee', 'leftAnkle', 'rightEye', 'leftEye', 'rightEar', 'leftEar'] as const;
/** OpenPose body limbs (pairs of OPENPOSE_BODY indices), in OpenPose's drawing order. */
const OPENPOSE_LIMBS: Array<[number, number]> = [[1, 2], [1, 5], [2, 3], [3, 4], [5, 6], [6, 7], [1, 8], [8, 9], [9, 10], [1, 11], [11, 12], [12, 13], [1, 0], [0, 14], [14, 16], [0, 15], [15, 17]];
/** OpenPose's 18 keypoint colours (RGB 0–255): a hue ramp from red. */
const OPENPOSE_COLORS: Array<[number, number, number]> = [
  [255, 0, 0], [255, 85, 0], [255, 170, 0], [255, 255, 0], [170, 255, 0], [85, 255, 0], [0, 255, 0], [0, 255, 85], [0, 255, 170],
  [0, 255, 255], [0, 170, 255], [0, 85, 255], [0, 0, 255], [85, 0, 255], [170, 0, 255], [255, 0, 255], [255, 0, 170], [255, 0, 85],
];
/** Hand points in OpenPose order: wrist, then thumb, index, middle, ring, pinky from base to tip (joint or landmark names, `_l`/`_r` added). */
const HAND_POINTS = ['hand', 'thumb_01', 'thumb_02', 'thumb_03', 'thumb_tip', 'index_01', 'index_02', 'index_03', 'index_tip', 'middle_01', 'middle_02', 'middle_03', 'middle_tip', 'ring_01', 'ring_02', 'ring_03', 'ring_tip', 'pinky_01', 'pinky_02', 'pinky_03', 'pinky_tip'];

/** 2D keypoints of one posed frame: body 18×2 and, when the body model has finger joints, hands 21×2 each. */
export interface PoseKeypoints2d {
  body: Float64Array; // 18×2
  hands: Float64Array[]; // 0–2 entries of 21×2 (left, right)
}

/** Finds where each OpenPose point comes from on a body model (anchor/joint/landmark indices). */
function keypointSources(body: ArrayBodyModel): { hands: Array<Array<{ kind: 'joint' | 'landmark'; index: number }>> } {
  const hands: Array<Array<{ kind: 'joint' | 'landmark'; index: number }>> = [];
  for (const side of ['l', 'r']) {
    const src = HAND_POINTS.map((n) => {
      const name = `${n}_${side}`;
      const j = body.skeleton.names.indexOf(name);
      if (j >= 0) return { kind: 'joint' as const, index: j };
      const l = body.landmarkNames.indexOf(name);
      return l >= 0 ? { kind: 'landmark' as const, index: l } : null;
    });
    if (src.every((s) => s)) hands.push(src as Array<{ kind: 'joint' | 'landmark'; index: number }>);
  }
  return { hands };
}

/** Projects the OpenPose keypoints of a body pose through `camera`. */
export function poseKeypoints2d(body: ArrayBodyModel, poser: BodyPoser, shape: number[] | Float64Array, pose: BodyPose, camera: Camera): PoseKeypoints2d {
  const posed = poser.forward({ shape, pose });
  const anchors = bodyAnchors(body);
  const landmarks = poser.landmarks(posed);
  const at = (k: number): [number, number] => {
    const a = anchors[k]!, s = a.kind === 'joint' ? posed.joints : posed.vertices;
    const p = projectPoint(camera, s[a.index * 3]!, s[a.index * 3 + 1]!, s[a.index * 3 + 2]!);
    return [p.u, p.v];
  };
  const out = new Float64Array(36);
  OPENPOSE_BODY.forEach((n, i) => {
    let q: [number, number];
    if (n === 'neck') { const a = at(BODY_INDEX.leftShoulder), b = at(BODY_INDEX.rightShoulder); q = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]; }
    else q = at(BODY_INDEX[n]);
    out[i * 2] = q[0]; out[i * 2 + 1] = q[1];
  });
  const hands = keypointSources(body).hands.map((src) => {
    const h = new Float64Array(42);
    src.forEach((s, i) => {
      const arr = s.kind === 'joint' ? posed.joints : landmarks;
      const p = projectPoint(camera, arr[s.index * 3]!, arr[s.index * 3 + 1]!, arr[s.index * 3 + 2]!);
      h[i * 2] = p.u; h[i * 2 + 1] = p.v;
    });
    return h;
  });
  return { body: out, hands };
}

/** HSV (h in [0,1), s = v = 1) to RGB in [0,1]. */
function hue(h: number): [number, number, number] {
  const f = (n: number) => { const k = (n + h * 6) % 6; return 1 - Math.max(0, Math.min(k, 4 - k, 1)); };
  return [f(5), f(3), f(1)];
}

/** Draws an OpenPose-style skeleton (limbs blended at 0.6, joints in their colours; hands: hue-ramp edges, blue points) on `img`. */
export function drawOpenPose(img: FloatImage, k: PoseKeypoints2d, scale = 1): void {
  const col = (i: number) => OPENPOSE_COLORS[i]!.map((c) => c / 255);
  OPENPOSE_LIMBS.forEach(([a, b], i) => {
    drawLine(img, k.body[a * 2]!, k.body[a * 2 + 1]!, k.body[b * 2]!, k.body[b * 2 + 1]!, col(i), POSE_VIDEO.limbWidth * scale, POSE_VIDEO.limbOpacity);
  });
  for (let i = 0; i < 18; i++) drawPoint(img, k.body[i * 2]!, k.body[i * 2 + 1]!, col(i), POSE_VIDEO.jointRadius * scale);
  for (const h of k.hands) {
    let e = 0;
    for (let f = 0; f < 5; f++)
      for (let s = 0; s < 4; s++, e++) {
        const a = s === 0 ? 0 : 1 + f * 4 + s - 1, b = 1 + f * 4 + s;
        drawLine(img, h[a * 2]!, h[a * 2 + 1]!, h[b * 2]!, h[b * 2 + 1]!, hue(e / 20), POSE_VIDEO.handLineWidth * scale);
      }
    for (let i = 0; i < 21; i++) drawPoint(img, h[i * 2]!, h[i * 2 + 1]!, [0, 0, 1], POSE_VIDEO.handPointRadius * scale);
  }
}

/** Options of {@link exportPoseVideo}. */
export interface PoseVideoOptions {
  body: ArrayBodyModel;
  fit: BodyFit;
  /** The subject's photo (RGB) and matte (H×W in [0,1]), for the reference image. */
  photo: FloatImage;
  matte?: Float32Array;
  motions: string[];
  outDir: string;
  width?: number;
  height?: number;
  fps?: number;
  /** At most this many frames per motion (default: the whole motion). */
  maxFrames?: number;
  /** Encode `<motion>.mp4` with ffmpeg when one is available (default true). */
  mp4?: boolean;
  progress?: Progress;
}

/** `pose-video.json`: what was written, and the frame the poses are in. */
export interface PoseVideoManifest {
  format: 'persona-pose-video';
  formatVersion: 1;
  width: number;
  height: number;
  fps: number;
  /** The photo's camera letterboxed into the frame (the camera `frames:<dir>` assumes). */
  camera: CameraJson;
  reference: string;
  clips: Array<{ motion: string; frames: number; dir: string; mp4: string | null }>;
  note: string;
}

/** True when an ffmpeg is available (src/core/ffmpeg.ts). */
export function hasFfmpeg(): boolean {
  return ffmpegAvailable();
}

/** Writes the reference image, per-motion pose frames (and MP4s) and pose-video.json into `outDir`. */
export async function exportPoseVideo(o: PoseVideoOptions): Promise<PoseVideoManifest> {
  const W = o.width ?? POSE_VIDEO.width, H = o.height ?? POSE_VIDEO.height, fps = o.fps ?? POSE_VIDEO.fps;
  if (o.motions.length === 0) throw new PersonaError('--export-pose-video needs at least one motion', { hint: 'pass --motions turnaround,dance,punch-kick' });
  const photoCam = cameraFromJson(o.fit.camera);
  if (o.photo.width !== photoCam.width || o.photo.height !== photoCam.height)
    throw new PersonaError(`the photo is ${o.photo.width}×${o.photo.height} but the fit's camera is ${photoCam.width}×${photoCam.height}`, { hint: 'run `persona fit --force` on this subject' });
  const camera = letterboxCamera(photoCam, W, H);
  const scale = Math.min(W, H) / 576;
  await mkdir(o.outDir, { recursive: true });
  // reference: the person on white
  const cut = createImage(o.photo.width, o.photo.height, 3, 1);
  for (let p = 0; p < o.photo.width * o.photo.height; p++) {
    const a = o.matte ? o.matte[p]! : 1;
    for (let c = 0; c < 3; c++) cut.data[p * 3 + c] = o.photo.data[p * 3 + c]! * a + (1 - a);
  }
  await writePng(join(o.outDir, 'reference.png'), letterboxImage(cut, W, H, [1, 1, 1]));
  const poser = new BodyPoser(o.body);
  const useMp4 = (o.mp4 ?? true) && hasFfmpeg();
  const clips: PoseVideoManifest['clips'] = [];
  for (const motion of o.motions) {
    const { duration, poseAt } = placedMotion(o.body, o.fit.shape, fitPose(o.fit), motion);
    const n = Math.min(o.maxFrames ?? Infinity, Math.max(1, Math.round(duration * fps)));
    const dir = join(o.outDir, motion);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const task = o.progress?.task(`pose video ${motion}`, n);
    const img = createImage(W, H, 3);
    for (let k = 0; k < n; k++) {
      img.data.fill(0);
      drawOpenPose(img, poseKeypoints2d(o.body, poser, o.fit.shape, poseAt(k / fps), camera), scale);
      await writePng(join(dir, `${String(k).padStart(4, '0')}.png`), img);
      task?.update(k + 1);
    }
    task?.done(`${n} frames`);
    let mp4: string | null = null;
    if (useMp4) {
      const file = join(o.outDir, `${motion}.mp4`);
      const r = spawnSync(findFfmpeg()!.command, ['-y', '-loglevel', 'error', '-framerate', String(fps), '-i', join(dir, '%04d.png'), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file], { stdio: ['ignore', 'ignore', 'pipe'] });
      if (r.status === 0) mp4 = `${motion}.mp4`;
      else o.progress?.warn(`ffmpeg failed for ${motion}: ${String(r.stderr).trim().slice(0, 200)}`);
    }
    clips.push({ motion, frames: n, dir: motion, mp4 });
  }
  const manifest: PoseVideoManifest = {
    format: 'persona-pose-video', formatVersion: 1, width: W, height: H, fps, camera: cameraToJson(camera), reference: 'reference.png', clips,
    note: 'Drive an image-animation model (e.g. MimicMotion) with reference.png and each motion\'s pose frames; put its output frames in <dir>/<motion>/ and run `persona generate <subject> --generator frames:<dir>`.',
  };
  await writeJsonAtomic(join(o.outDir, 'pose-video.json'), manifest);
  return manifest;
}
