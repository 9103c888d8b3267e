/**
 * Face channels of motion capture: per-frame expression weights (mouth opening `aa` with its jaw, `smile`,
 * `blinkLeft`, `blinkRight`) and gaze (the `eye_l` / `eye_r` joints) from the face mesh of each frame.
 *
 * Capture reads the meshes of the face crop pass (Perceiver.refineFace), whose lids come from the iris model.
 * Features are ratios of face-mesh distances, so they do not depend on the face's size in the image: the lip
 * gap in 3D (pixels, with the mesh's relative depth) over the outer-eye-corner distance, the lid gaps (five
 * landmark pairs per eye, image plane) over the eye-corner distances, the mouth width in the image plane over
 * the cheek-to-cheek width (on the synthetic clip this ratio followed the smile best through head turns:
 * correlation 0.86 against 0.84 over the eye distance in 2D, 0.86 in 3D, with half the residual noise). A clip's neutral face is a low quantile of each feature over its frames (people are mostly at rest);
 * weights are the change from it divided by the change a weight of 1 brings (FACE_CAPTURE_CONFIG, measured on
 * the synthetic subject's renders). Blinks are the lid closure against the open gap around the frame (a sliding
 * quantile over ±0.5 s), not smoothed. Gaze comes from the iris centres between the eye corners.
 */
import { faceFeatures, type FaceFeatures, type FaceResult } from '../perceive/index.js';
import type { Motion } from '../motion/index.js';
import { FACE_CAPTURE_CONFIG } from './config.js';

/** The expression channels capture writes (named expressions, src/body/expressions.ts). */
export const FACE_CHANNELS = ['aa', 'smile', 'blinkLeft', 'blinkRight'] as const;

export { faceFeatures, type FaceFeatures };

/** Face channels of a clip. */
export interface FaceChannels {
  /** FACE_CHANNELS. */
  names: string[];
  /** frames×C weights in [0, 1]. */
  weights: Float32Array;
  /** frames×2 gaze [yaw (+: towards the person's left), pitch (+: down)] in radians, or null without iris points. */
  gaze: Float32Array | null;
  /** 1 where the frame had a usable face mesh (others are interpolated from their neighbours). */
  seen: Uint8Array;
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]!;
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/**
 * Estimates the face channels of a clip from its per-frame faces (null where none was found) at `fps` frames per
 * second (the open-eye reference window is in seconds). Returns null when no frame has a usable face.
 */
export function estimateFaceChannels(faces: ReadonlyArray<FaceResult | null>, fps: number): FaceChannels | null {
  const cfg = FACE_CAPTURE_CONFIG;
  const F = faces.length;
  const feats = faces.map((f) => (f && f.score >= cfg.minFaceScore && f.mesh.length >= 468 ? faceFeatures(f) : null));
  const seen = Uint8Array.from(feats, (x) => (x ? 1 : 0));
  const good = feats.filter((x): x is FaceFeatures => x !== null);
  if (good.length === 0) return null;
  const gap0 = quantile(good.map((x) => x.gap), cfg.neutralQuantile);
  const width0 = quantile(good.map((x) => x.width - cfg.widthPerGap * (x.gap - gap0)), cfg.neutralQuantile);
  const half = Math.max(1, Math.round(cfg.openEyeWindowSeconds * fps));
  const openL = openReference(feats.map((x) => x?.eyeLeft ?? null), half), openR = openReference(feats.map((x) => x?.eyeRight ?? null), half);
  const withIris = good.filter((x) => x.iris);
  const iris0 = withIris.length > 0 ? [0, 1].map((k) => quantile(withIris.map((x) => x.iris![k]!), 0.5)) : null;
  const C = FACE_CHANNELS.length;
  const raw: Array<number[] | null> = feats.map((x, f) => {
    if (!x) return null;
    const dGap = x.gap - gap0;
    const ch = [dGap / cfg.aaGap, (x.width - cfg.widthPerGap * dGap - width0) / cfg.smileWidth, blinkWeight(x.eyeLeft, openL[f]!), blinkWeight(x.eyeRight, openR[f]!)].map(clamp01);
    if (iris0) {
      const g = x.iris ?? iris0;
      const angle = (o: number): number => Math.max(-cfg.maxGaze, Math.min(cfg.maxGaze, Math.asin(Math.max(-1, Math.min(1, o / cfg.eyeRadiusOverWidth)))));
      ch.push(angle(g[0]! - iris0[0]!), angle(g[1]! - iris0[1]!));
    }
    return ch;
  });
  const K = iris0 ? C + 2 : C;
  const filled = fillChannels(raw, K);
  // Blinks last a frame or two at low frame rates: the median leaves them (channels 2, 3) alone.
  const smooth = medianFilter(filled, F, K, cfg.medianFrames, (k) => k !== 2 && k !== 3);
  const weights = new Float32Array(F * C);
  const gaze = iris0 ? new Float32Array(F * 2) : null;
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) weights[f * C + c] = smooth[f * K + c]!;
    if (gaze) { gaze[f * 2] = smooth[f * K + C]!; gaze[f * 2 + 1] = smooth[f * K + C + 1]!; }
  }
  return { names: [...FACE_CHANNELS], weights, gaze, seen };
}

/**
 * The open-eye lid gap around each frame: the FACE_CAPTURE_CONFIG.openEyeQuantile of the gaps seen within ±`half`
 * frames (eyes are open most of the time; a local reference follows head turns and lighting). NaN where the
 * window saw no face.
 */
export function openReference(gaps: ReadonlyArray<number | null>, half: number): Float64Array {
  const F = gaps.length, out = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    const w: number[] = [];
    for (let g = Math.max(0, f - half); g <= Math.min(F - 1, f + half); g++) if (gaps[g] !== null) w.push(gaps[g]!);
    out[f] = w.length ? quantile(w, FACE_CAPTURE_CONFIG.openEyeQuantile) : NaN;
  }
  return out;
}

/** Blink weight of a lid gap against the open gap: the closure 1 − gap/open mapped from [blinkFrom, blinkTo] onto [0, 1]. */
export function blinkWeight(gap: number, open: number): number {
  const cfg = FACE_CAPTURE_CONFIG;
  if (!(open > 0)) return 0;
  return clamp01((1 - gap / open - cfg.blinkFrom) / (cfg.blinkTo - cfg.blinkFrom));
}

/** Frames without a face take the linear interpolation of their seen neighbours (or the nearest one at the ends). */
function fillChannels(raw: Array<number[] | null>, K: number): Float64Array {
  const F = raw.length, out = new Float64Array(F * K);
  const seen = raw.map((r, f) => (r ? f : -1)).filter((f) => f >= 0);
  for (let f = 0; f < F; f++) {
    let a = -1, b = -1;
    for (const s of seen) { if (s <= f) a = s; if (s >= f) { b = s; break; } }
    const ra = raw[a >= 0 ? a : b]!, rb = raw[b >= 0 ? b : a]!;
    const t = a >= 0 && b >= 0 && b !== a ? (f - a) / (b - a) : 0;
    for (let k = 0; k < K; k++) out[f * K + k] = ra[k]! + t * (rb[k]! - ra[k]!);
  }
  return out;
}

/** Centred moving median over `n` frames (odd), per channel (those `which` accepts; others are copied); the window shrinks at the ends. */
export function medianFilter(x: Float64Array, F: number, K: number, n: number, which: (k: number) => boolean = () => true): Float64Array {
  const h = Math.floor(n / 2), out = new Float64Array(F * K);
  for (let f = 0; f < F; f++) for (let k = 0; k < K; k++) {
    if (!which(k)) { out[f * K + k] = x[f * K + k]!; continue; }
    const w: number[] = [];
    for (let g = Math.max(0, f - h); g <= Math.min(F - 1, f + h); g++) w.push(x[g * K + k]!);
    w.sort((a, b) => a - b);
    out[f * K + k] = w.length % 2 ? w[(w.length - 1) / 2]! : (w[w.length / 2 - 1]! + w[w.length / 2]!) / 2;
  }
  return out;
}

/**
 * Writes face channels into a motion: its expression channels, and the gaze as the local rotations of the
 * `eye_l` and `eye_r` joints (yaw about +Y, then pitch about +X; rest axes are world-aligned).
 */
export function applyFaceChannels(motion: Motion, ch: FaceChannels): void {
  motion.expressions = { names: [...ch.names], weights: ch.weights.slice() };
  if (!ch.gaze) return;
  const J = motion.jointNames.length;
  for (const name of ['eye_l', 'eye_r']) {
    const j = motion.jointNames.indexOf(name);
    if (j < 0) continue;
    for (let f = 0; f < motion.frameCount; f++) {
      const yaw = ch.gaze[f * 2]!, pitch = ch.gaze[f * 2 + 1]!;
      // q = q_yaw(Y) · q_pitch(X)
      const cy = Math.cos(yaw / 2), sy = Math.sin(yaw / 2), cp = Math.cos(pitch / 2), sp = Math.sin(pitch / 2);
      motion.rotations.set([cy * cp, cy * sp, sy * cp, -sy * sp], (f * J + j) * 4);
    }
  }
}
