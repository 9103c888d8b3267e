/**
 * Evaluation of a trained avatar against a synthetic subject's ground truth (benchmark protocol):
 *
 * - test views: held-out poses (times between the training frames of the training motions, and motions
 *   not used in training) × camera yaws around the person (0° = the photo's viewing direction);
 * - ground truth: the subject (with garment deformation) in the driving pose, framed by
 *   `SyntheticSubject.frameCamera` at yaw (photo yaw + d);
 * - avatar: the same motion frame placed on the fit (the pose the avatar was trained with), framed the
 *   same way (bounding box of its posed Gaussians, same field of view and fill, yaw = the fit camera's
 *   yaw around the body + d). Fit and ground truth differ in absolute scale (the fit assumes a field of
 *   view), so framing both by their own bounding box is a per-view similarity alignment;
 * - refined: PERSONA refines test poses with the avatar frozen; we search the avatar's root rotation and
 *   translation (6 numbers, pattern search, camera fixed) to maximise the soft silhouette IoU with the
 *   ground-truth coverage, then score that render. Both raw and refined scores are reported;
 * - photo view: the avatar in the fitted photo pose through the fit camera vs the ground-truth photo.
 */
import type { Camera } from '../core/camera.js';
import { resizeCamera } from '../core/camera.js';
import { axisAngleToMatrix, mat3Multiply } from '../core/rotation.js';
import type { FloatImage } from '../core/image.js';
import type { AvatarBundle } from '../avatar/bundle.js';
import type { BodyPose } from '../body/index.js';
import { PART_INDEX } from '../body/index.js';
import type { ArrayBodyModel } from '../body/index.js';
import { cameraFromJson, type BodyFit } from '../fit/types.js';
import { fitPose } from '../fit/types.js';
import { restSkeletonOf, getBuiltinMotion, createPoseSampler, motionDuration } from '../motion/index.js';
import { placeMotionPose } from '../generate/place.js';
import { poseFromJson } from '../generate/types.js';
import { createRasterizer, type IsotropicGaussians } from '../splat/index.js';
import { createPoseScratch, poseAvatarMeans } from '../avatar/pose.js';
import { BodyPoser } from '../body/index.js';
import { MATERIALS } from './appearance.js';
import type { PosedSubject, SubjectRender, SyntheticSubject } from './subjects.js';
import { fitToTruth, trackerPoses, truthRootInFit } from './generateStage.js';
import { scoreView, type ViewScores } from './metrics.js';

/** Labelled ground-truth regions scored separately. */
export const REGIONS = ['face', 'hands', 'clothing'] as const;

/** One held-out pose: a motion and a time in it. */
export interface TestPose {
  motion: string;
  time: number;
  /** 'time': a frame of a training motion between training frames; 'motion': a motion not trained on. */
  heldOut: 'time' | 'motion';
}

/** A test view with its ground truth. */
export interface TestView extends TestPose {
  id: string;
  yawDeg: number;
  /** Driving pose in the subject's world, and the same frame placed on the fit. */
  truthPose: BodyPose;
  avatarPose: BodyPose;
  camera: Camera;
  /** Rotation (3×3 row-major) from fit-world to subject-world directions. */
  fitToTruth: number[];
  truth: { image: FloatImage; alpha: Float32Array; regions: Record<string, Uint8Array> };
}

/** Held-out poses: `perMotion` times between the training frames of each training motion, and `perMotion` of each held-out motion. */
export function heldOutPoses(subject: SyntheticSubject, train: { motions: string[]; framesPerClip: number }, heldOutMotions: string[], perMotion: number): TestPose[] {
  const rest = restSkeletonOf(subject.model, subject.shape);
  const out: TestPose[] = [];
  for (const m of train.motions) {
    const d = motionDuration(getBuiltinMotion(m, rest.skeleton, rest.rest));
    const F = train.framesPerClip;
    // training frames sit at (k + 0.5)/F; the boundaries k/F (k = 1 … F−1) are never trained on
    for (let i = 0; i < perMotion; i++) {
      const k = 1 + Math.floor(((i + 0.5) * (F - 1)) / perMotion);
      out.push({ motion: m, time: (d * Math.min(k, F - 1)) / F, heldOut: 'time' });
    }
  }
  for (const m of heldOutMotions) {
    const d = motionDuration(getBuiltinMotion(m, rest.skeleton, rest.rest));
    for (let i = 0; i < perMotion; i++) out.push({ motion: m, time: (d * (i + 0.5)) / perMotion, heldOut: 'motion' });
  }
  return out;
}

/** Region masks of a ground-truth render (face + eyes parts, hands, clothing materials). */
export function regionMasks(r: SubjectRender): Record<string, Uint8Array> {
  const P = r.mask.length;
  const face = new Uint8Array(P), hands = new Uint8Array(P), clothing = new Uint8Array(P);
  const cloth = new Set(['top', 'bottom', 'skirt'].map((m) => MATERIALS.indexOf(m as (typeof MATERIALS)[number])));
  for (let p = 0; p < P; p++) {
    if (!r.mask[p]) continue;
    const part = r.partLabels[p]!, mat = r.materialLabels[p]!;
    if (part === PART_INDEX.face || part === PART_INDEX.eyes) face[p] = 1;
    if (part === PART_INDEX.leftHand || part === PART_INDEX.rightHand) hands[p] = 1;
    if (cloth.has(mat)) clothing[p] = 1;
  }
  return { face, hands, clothing };
}

/** Builds the test views and renders their ground truth. */
export function buildTestViews(
  subject: SyntheticSubject, body: ArrayBodyModel, fit: BodyFit, photoCamera: Camera, poses: TestPose[], yawsDeg: number[], size: { width: number; height: number },
): TestView[] {
  const rest = restSkeletonOf(subject.model, subject.shape);
  const base = subject.photoPose();
  // W maps fit-world directions to subject-world ones (the fit camera and the photo camera look the same
  // way): W = R_photoᵀ·R_fit. The avatar's test root is the true root turned into the fit world, Wᵀ·R_root.
  const W = fitToTruth(fit, photoCamera);
  const root = truthRootInFit(subject, fit, photoCamera);
  const views: TestView[] = [];
  poses.forEach((tp) => {
    const sample = createPoseSampler(getBuiltinMotion(tp.motion, rest.skeleton, rest.rest), subject.model.skeleton);
    const truthPose = placeMotionPose(sample(tp.time), base);
    // the same motion frame on the fitted body's skeleton, rooted like the truth (not like the fit: the
    // fit's own root error is not the avatar's)
    const avatarPose = trackerPoses(body, fit, tp.motion, [tp.time], root)[0]!;
    const posed = subject.pose(truthPose);
    for (const yaw of yawsDeg) {
      // framed on the body mesh alone (no skirt/hair), as the avatar's view is framed on the fitted body
      const camera = subject.frameCamera({ ...posed, skirt: undefined, hair: undefined }, { ...size, yawDeg: subject.spec.photo.yawDeg + yaw });
      const r = subject.render(posed, camera, { supersample: 2, background: [1, 1, 1] });
      views.push({
        ...tp, id: `${tp.motion}@${tp.time.toFixed(2)}s/yaw${yaw}`, yawDeg: yaw, truthPose, avatarPose, camera, fitToTruth: W,
        truth: { image: r.image, alpha: r.alpha, regions: regionMasks(r) },
      });
    }
  });
  return views;
}

/** A rendered avatar view: RGB on white and coverage. */
interface AvatarView { image: Float32Array; alpha: Float32Array }

/** The frozen avatar posed once; root corrections move its posed Gaussians rigidly. */
export class FrozenAvatar {
  private readonly rasterizer = createRasterizer({ engine: 'fast' });
  private readonly scratch: ReturnType<typeof createPoseScratch>;
  private readonly posed: Float32Array;
  private readonly moved: Float32Array;
  private readonly root: [number, number, number] = [0, 0, 0];
  private readonly g: IsotropicGaussians;

  constructor(private readonly avatar: AvatarBundle, private readonly poseOffsets = true) {
    const n = avatar.header.gaussianCount;
    this.scratch = createPoseScratch(avatar);
    this.posed = new Float32Array(n * 3);
    this.moved = new Float32Array(n * 3);
    this.g = { count: n, means: this.moved, scales: avatar.buffers.scales as Float32Array, colors: avatar.buffers.colors as Float32Array, opacities: avatar.buffers.opacities as Float32Array };
  }

  /** Poses the Gaussians (pose offsets + LBS); returns the N×3 posed means (valid until the next call). */
  pose(pose: BodyPose): Float32Array {
    poseAvatarMeans(this.avatar, pose.rotations, pose.translation, this.posed, this.scratch, { poseOffsets: this.poseOffsets });
    const J = this.avatar.header.skeleton.restJoints;
    for (let c = 0; c < 3; c++) this.root[c] = J[c]! + pose.translation[c]!;
    return this.posed;
  }

  /**
   * Renders the last posed frame after a root correction d = (rotation vector, translation): every
   * posed point x ↦ R(d)·(x − j_root) + j_root + d_t (the root joint's rotation and translation; a rigid
   * motion of the whole frozen avatar). RGB over white and coverage.
   */
  render(camera: Camera, d: ArrayLike<number> = [0, 0, 0, 0, 0, 0]): AvatarView {
    const R = axisAngleToMatrix(d[0]!, d[1]!, d[2]!), [rx, ry, rz] = this.root;
    const p = this.posed, m = this.moved;
    for (let i = 0; i < p.length; i += 3) {
      const x = p[i]! - rx, y = p[i + 1]! - ry, z = p[i + 2]! - rz;
      m[i] = R[0]! * x + R[1]! * y + R[2]! * z + rx + d[3]!;
      m[i + 1] = R[3]! * x + R[4]! * y + R[5]! * z + ry + d[4]!;
      m[i + 2] = R[6]! * x + R[7]! * y + R[8]! * z + rz + d[5]!;
    }
    const f = this.rasterizer.render(this.g, camera, [0, 0, 0]);
    const P = camera.width * camera.height;
    const image = new Float32Array(P * 3), alpha = Float32Array.from(f.alpha.subarray(0, P));
    for (let q = 0; q < P; q++) for (let c = 0; c < 3; c++) image[q * 3 + c] = f.image[q * 3 + c]! + (1 - alpha[q]!);
    return { image, alpha };
  }
}

/** Soft IoU Σ min(a, b) / Σ max(a, b) of two coverage maps. */
export function softIoU(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) { inter += Math.min(a[i]!, b[i]!); union += Math.max(a[i]!, b[i]!); }
  return union > 0 ? inter / union : 1;
}

/** Refinement settings (test-time pose refinement with the avatar frozen). */
export interface RefineOptions {
  /** Render evaluations allowed (default 48). */
  evaluations?: number;
  /** Long side of the refinement renders (default 160 px). */
  size?: number;
  /** Initial steps: rotation (rad) and translation (m). */
  rotationStep?: number;
  translationStep?: number;
}

/**
 * Pattern search over the root's rotation vector and translation (6 numbers) maximising the soft
 * silhouette IoU between the frozen, already posed avatar and the ground-truth coverage (both at a
 * reduced size). Returns the correction d for {@link FrozenAvatar.render}.
 */
export function refineRoot(avatar: FrozenAvatar, camera: Camera, truthAlpha: Float32Array, o: RefineOptions = {}): { correction: number[]; iouBefore: number; iouAfter: number; evaluations: number } {
  const long = o.size ?? 160, s = long / Math.max(camera.width, camera.height);
  const w = Math.max(8, Math.round(camera.width * s)), h = Math.max(8, Math.round(camera.height * s));
  const cam = resizeCamera(camera, w, h);
  const target = downsampleMap(truthAlpha, camera.width, camera.height, w, h);
  const score = (d: number[]) => softIoU(avatar.render(cam, d).alpha, target);
  const x = [0, 0, 0, 0, 0, 0];
  const step = [0, 0, 0].map(() => o.rotationStep ?? 0.06).concat([0, 0, 0].map(() => o.translationStep ?? 0.03));
  let best = score(x), evals = 1;
  const first = best, budget = o.evaluations ?? 48;
  while (evals < budget && step[3]! > 0.002) {
    let improved = false;
    for (let i = 0; i < 6 && evals < budget; i++) {
      for (const sign of [1, -1]) {
        if (evals >= budget) break;
        const y = x.slice();
        y[i]! += sign * step[i]!;
        const v = score(y); evals++;
        if (v > best) { best = v; x[i] = y[i]!; improved = true; break; }
      }
    }
    if (!improved) for (let i = 0; i < 6; i++) step[i]! *= 0.5;
  }
  return { correction: x, iouBefore: first, iouAfter: best, evaluations: evals };
}

/** Box-filter downsampling of an H×W map. */
function downsampleMap(m: Float32Array, W: number, H: number, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h), cnt = new Float32Array(w * h);
  for (let y = 0; y < H; y++) {
    const yy = Math.min(h - 1, Math.floor((y * h) / H));
    for (let x = 0; x < W; x++) {
      const q = yy * w + Math.min(w - 1, Math.floor((x * w) / W));
      out[q] += m[y * W + x]!; cnt[q]++;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = cnt[i]! > 0 ? out[i]! / cnt[i]! : 0;
  return out;
}

/** Scores of one test view (raw framing and after the refinement). */
export interface ViewResult {
  id: string;
  motion: string;
  heldOut: 'time' | 'motion';
  yawDeg: number;
  raw: ViewScores;
  refined: ViewScores;
}

/** Options of {@link evaluateAvatar}. */
export interface EvaluateOptions {
  poseOffsets?: boolean;
  refine?: RefineOptions;
  /** Called with (view, raw render, refined render) e.g. to save images. */
  onView?: (view: TestView, raw: FloatImage, refined: FloatImage) => void;
}

/** Evaluates an avatar bundle on prepared test views and on the photo view. */
export function evaluateAvatar(
  subject: SyntheticSubject, body: ArrayBodyModel, avatar: AvatarBundle, fit: BodyFit, views: TestView[],
  photo: { image: FloatImage; alpha: Float32Array; regions: Record<string, Uint8Array> }, o: EvaluateOptions = {},
): { photo: ViewScores; views: ViewResult[]; photoImage: FloatImage } {
  const frozen = new FrozenAvatar(avatar, o.poseOffsets ?? true);
  const poser = new BodyPoser(body);
  const fitCam = cameraFromJson(fit.camera);
  const pcam = resizeCamera(fitCam, photo.image.width, photo.image.height);
  // the photo view: in the photo's pose as refined by training when the bundle has it, else the fitted pose
  const refined = avatar.header.training?.photoPose as { rotations: number[]; translation: [number, number, number] } | undefined;
  frozen.pose(refined ? poseFromJson(refined) : fitPose(fit));
  const pv = frozen.render(pcam);
  const W = pcam.width, H = pcam.height;
  const photoScores = scoreView(pv.image, pv.alpha, photo.image.data, photo.alpha, W, H, photo.regions);
  const results: ViewResult[] = [];
  for (const v of views) {
    const cam = v.camera;
    const acam = avatarViewCamera(subject, poser, fit, v);
    frozen.pose(v.avatarPose);
    const raw = frozen.render(acam);
    const ref = refineRoot(frozen, acam, v.truth.alpha, o.refine);
    const refined = frozen.render(acam, ref.correction);
    const sc = (r: AvatarView) => scoreView(r.image, r.alpha, v.truth.image.data, v.truth.alpha, cam.width, cam.height, v.truth.regions);
    results.push({ id: v.id, motion: v.motion, heldOut: v.heldOut, yawDeg: v.yawDeg, raw: sc(raw), refined: sc(refined) });
    o.onView?.(v, { width: cam.width, height: cam.height, channels: 3, data: raw.image }, { width: cam.width, height: cam.height, channels: 3, data: refined.image });
  }
  return { photo: photoScores, views: results, photoImage: { width: W, height: H, channels: 3, data: pv.image } };
}

/**
 * The camera of a test view for the avatar: the fitted body in the avatar's pose framed by the rules that framed the
 * ground truth (axis-aligned box of the body mesh), in the subject's orientation (X' = W·X, then back: R = R'·W).
 */
export function avatarViewCamera(subject: SyntheticSubject, poser: BodyPoser, fit: BodyFit, v: TestView): Camera {
  const W = v.fitToTruth;
  const verts = poser.forward({ shape: fit.shape, pose: v.avatarPose }).vertices;
  const turned = new Float64Array(verts.length);
  for (let i = 0; i < verts.length; i += 3)
    for (let a = 0; a < 3; a++) turned[i + a] = W[a * 3]! * verts[i]! + W[a * 3 + 1]! * verts[i + 1]! + W[a * 3 + 2]! * verts[i + 2]!;
  const c = frameLike(subject, { body: turned } as unknown as PosedSubject, v.camera, subject.spec.photo.yawDeg + v.yawDeg);
  return { ...c, R: mat3Multiply(c.R, W) };
}

/** A framing camera for avatar points with the ground-truth view's size and field of view (the subject's framing rules). */
function frameLike(subject: SyntheticSubject, posed: PosedSubject, truthCam: Camera, yawDeg: number): Camera {
  const fovYDeg = (2 * Math.atan(truthCam.height / (2 * truthCam.fy)) * 180) / Math.PI;
  return subject.frameCamera(posed, { width: truthCam.width, height: truthCam.height, yawDeg, fovYDeg });
}
