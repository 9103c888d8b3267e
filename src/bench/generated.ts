/**
 * Synthetic "generated video" for the benchmark: a subject driven by a builtin motion and
 * rendered from the photo's view, with SIMULATED DIFFUSION ARTEFACTS, next to the clean
 * ground truth. Video diffusion (MimicMotion and kin) keeps identity and pose only roughly;
 * the artefacts imitate its typical failures so that PERSONA's balanced sampling and
 * geometry-weighted optimization have something to correct:
 *
 * - pose drift: the frame is rendered in the driving pose plus smooth per-joint rotation noise
 *   (two sinusoids per joint with random axes and phases, amplitude `poseJitterDeg`), while the
 *   clip reports the driving pose;
 * - colour drift: a smooth per-channel gain (1 + colorDrift·sin(ωt + φ_c)) on the person;
 * - blur: a Gaussian blur whose σ moves smoothly within `blurSigma` (pixels);
 * - changed face detail: the face is rendered from a variant texture (other iris and lip
 *   colours, brows higher and thinner), so frames disagree with the photo on face detail.
 *
 * Everything is seeded; identical options give identical frames.
 */
import type { Camera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';
import { createImage, type FloatImage } from '../core/image.js';
import { Rng } from '../core/rng.js';
import type { BodyPose } from '../body/index.js';
import { restSkeletonOf, getBuiltinMotion, createPoseSampler, motionDuration, listBuiltinMotions } from '../motion/index.js';
import { placeMotionPose } from '../generate/place.js';
import type { RGB } from './appearance.js';
import type { PosedSubject, SubjectRender, SyntheticSubject } from './subjects.js';

/** Strengths of the simulated artefacts. */
export interface DiffusionArtefacts {
  /** Amplitude of the per-joint rotation noise (degrees). */
  poseJitterDeg: number;
  /** Amplitude of the per-channel colour gain drift (fraction). */
  colorDrift: number;
  /** Range of the blur σ (pixels); [0, 0] = no blur. */
  blurSigma: [number, number];
  /** Render the face from a variant texture. */
  faceChange: boolean;
}

/** Defaults: visible but moderate, like a decent image-animation model. */
export const DEFAULT_ARTEFACTS: Readonly<DiffusionArtefacts> = Object.freeze({ poseJitterDeg: 3, colorDrift: 0.06, blurSigma: [0.4, 1.2] as [number, number], faceChange: true });
/** No artefacts: frames equal the ground truth. */
export const NO_ARTEFACTS: Readonly<DiffusionArtefacts> = Object.freeze({ poseJitterDeg: 0, colorDrift: 0, blurSigma: [0, 0] as [number, number], faceChange: false });

/** Options of {@link renderSyntheticClip}. */
export interface SyntheticClipOptions {
  /** A builtin motion name (listBuiltinMotions()). */
  motion: string;
  /** Number of frames, spread evenly over the motion. */
  frames: number;
  width?: number;
  height?: number;
  /** Camera; default: the photo's viewing direction, framing every frame of the clip. */
  camera?: Camera;
  artefacts?: Partial<DiffusionArtefacts>;
  seed?: number;
  supersample?: number;
  /** Also render the clean ground truth of each frame (default true). */
  withTruth?: boolean;
}

/** One frame of a synthetic clip. */
export interface SyntheticClipFrame {
  time: number;
  /** The driving pose (what the clip reports). */
  pose: BodyPose;
  /** The pose actually rendered (driving pose + pose drift). */
  renderedPose: BodyPose;
  /** RGB frame with artefacts, on white. */
  image: FloatImage;
  /** H×W coverage of the rendered (drifted) person. */
  alpha: Float32Array;
  /** Clean render in the driving pose (absent with withTruth: false). */
  truth?: SubjectRender;
}

/** Separable Gaussian blur (σ in pixels, clamped borders). Returns a new image. */
export function gaussianBlur(img: FloatImage, sigma: number): FloatImage {
  if (!(sigma > 0)) return { ...img, data: Float32Array.from(img.data) };
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) { k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma)); sum += k[i + r]!; }
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  const { width: W, height: H, channels: C } = img;
  const tmp = new Float32Array(img.data.length), out = createImage(W, H, C);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) {
    let acc = 0;
    for (let i = -r; i <= r; i++) acc += k[i + r]! * img.data[(y * W + Math.min(W - 1, Math.max(0, x + i))) * C + c]!;
    tmp[(y * W + x) * C + c] = acc;
  }
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) {
    let acc = 0;
    for (let i = -r; i <= r; i++) acc += k[i + r]! * tmp[(Math.min(H - 1, Math.max(0, y + i)) * W + x) * C + c]!;
    out.data[(y * W + x) * C + c] = acc;
  }
  return out;
}

/** The face-detail variant used by `faceChange`: other iris and lip colours, higher thinner brows. */
export function faceVariant(iris: RGB, lips: RGB): { iris: RGB; lips: RGB; browLift: number; browScale: number } {
  return {
    iris: [iris[2], iris[0], iris[1]],
    lips: [Math.min(1, lips[0] * 0.8 + 0.1), lips[1] * 0.7, Math.min(1, lips[2] * 1.2 + 0.05)],
    browLift: 0.004,
    browScale: 0.65,
  };
}

/** Renders a synthetic generated clip with artefacts and ground truth (see the module comment). */
export function renderSyntheticClip(subject: SyntheticSubject, o: SyntheticClipOptions): { camera: Camera; frames: SyntheticClipFrame[] } {
  if (!listBuiltinMotions().some((m) => m.name === o.motion)) {
    throw new PersonaError(`unknown builtin motion '${o.motion}'`, { hint: `Use one of: ${listBuiltinMotions().map((m) => m.name).join(', ')}.` });
  }
  if (!(Number.isInteger(o.frames) && o.frames >= 1)) throw new PersonaError(`frames must be a positive integer, got ${o.frames}`);
  const art: DiffusionArtefacts = { ...DEFAULT_ARTEFACTS, ...o.artefacts };
  const model = subject.model;
  const rest = restSkeletonOf(model, subject.shape);
  const motion = getBuiltinMotion(o.motion, rest.skeleton, rest.rest);
  const sample = createPoseSampler(motion, model.skeleton);
  const duration = motionDuration(motion);
  const rng = new Rng((o.seed ?? 1) * 1000003 + subject.spec.id);
  const J = model.skeleton.names.length;
  // Pose-drift noise: per joint two sinusoids with random unit axes, frequencies and phases.
  const noise = Array.from({ length: J * 2 }, () => {
    const a = [rng.normal(), rng.normal(), rng.normal()], n = Math.hypot(a[0]!, a[1]!, a[2]!) || 1;
    return { axis: a.map((x) => x / n), freq: rng.uniform(0.4, 1.6) * 2 * Math.PI, phase: rng.uniform(0, 2 * Math.PI) };
  });
  const colour = [0, 1, 2].map(() => ({ freq: rng.uniform(0.2, 0.7) * 2 * Math.PI, phase: rng.uniform(0, 2 * Math.PI) }));
  const blur = { freq: rng.uniform(0.3, 0.9) * 2 * Math.PI, phase: rng.uniform(0, 2 * Math.PI) };
  const base = subject.photoPose();
  const times = Array.from({ length: o.frames }, (_, k) => (duration * (k + 0.5)) / o.frames);
  const driving = times.map((t) => placeMotionPose(sample(t), base));
  const jitter = (pose: BodyPose, t: number): BodyPose => {
    if (!(art.poseJitterDeg > 0)) return pose;
    const amp = (art.poseJitterDeg * Math.PI) / 180 / Math.SQRT2;
    const rot = Float64Array.from(pose.rotations);
    for (let j = 1; j < J; j++) for (let s = 0; s < 2; s++) {
      const nz = noise[j * 2 + s]!, w = amp * Math.sin(nz.freq * t + nz.phase);
      for (let c = 0; c < 3; c++) rot[j * 3 + c]! += w * nz.axis[c]!;
    }
    return { rotations: rot, translation: pose.translation };
  };
  const rendered = driving.map((p, k) => jitter(p, times[k]!));
  const posedR: PosedSubject[] = rendered.map((p) => subject.pose(p));
  const posedD: PosedSubject[] | undefined = o.withTruth === false ? undefined : driving.map((p) => subject.pose(p));
  const camera = o.camera ?? subject.frameCamera([...posedR, ...(posedD ?? [])], { width: o.width ?? 384, height: o.height ?? 576 });
  const variant = art.faceChange ? subject.bakeVariant(faceVariant(subject.spec.appearance.iris, subject.spec.appearance.lips)) : undefined;
  const frames: SyntheticClipFrame[] = times.map((t, k) => {
    const r = subject.render(posedR[k]!, camera, { supersample: o.supersample ?? 2, texture: variant });
    let image = r.image;
    if (art.colorDrift > 0) {
      const gain = colour.map((c) => 1 + art.colorDrift * Math.sin(c.freq * t + c.phase));
      for (let i = 0; i < r.alpha.length; i++) {
        const a = r.alpha[i]!;
        if (a <= 0) continue;
        for (let c = 0; c < 3; c++) {
          const v = image.data[i * 3 + c]!;
          image.data[i * 3 + c] = Math.min(1, v + a * (v * gain[c]! - v));
        }
      }
    }
    const [s0, s1] = art.blurSigma;
    if (s1 > 0) image = gaussianBlur(image, s0 + (s1 - s0) * (0.5 + 0.5 * Math.sin(blur.freq * t + blur.phase)));
    const truth = posedD ? subject.render(posedD[k]!, camera, { supersample: o.supersample ?? 2 }) : undefined;
    return { time: t, pose: driving[k]!, renderedPose: rendered[k]!, image, alpha: r.alpha, truth };
  });
  return { camera, frames };
}
