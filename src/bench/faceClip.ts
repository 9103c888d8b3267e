/**
 * Synthetic face-capture clips with known expression weights (test/capture/face.test.ts, scripts/face-capture-bench.ts):
 * a synthetic subject idles (head turns) while talking (aa), smiling more slowly, and blinking one eye at a time on
 * single frames, rendered as whole-body frames by renderCaptureClip.
 */
import { renderCaptureClip, type CaptureClip } from './captureClip.js';

/** One clip's script: subject, timing and which frames blink. */
export interface FaceClipSpec {
  subject: number;
  frames: number;
  fps: number;
  /** Frame side (pixels). */
  size: number;
  /** aa = max(0, sin(2π f / aaPeriod)) (frames). */
  aaPeriod: number;
  /** smile = max(0, −sin(2π (f + smilePhase) / smilePeriod)) (frames). */
  smilePeriod: number;
  smilePhase: number;
  /** Frames with the person's left / right eye closed (weight 1). */
  blinkLeft: number[];
  blinkRight: number[];
}

/** The channels a face clip performs (named expressions). */
export const FACE_CLIP_CHANNELS = ['aa', 'smile', 'blinkLeft', 'blinkRight'] as const;

/**
 * Clip A is the face test's clip (subject 0); clip B is held out from every constant's measurement (another subject,
 * other periods and blink frames, one blink of both eyes).
 */
export const FACE_CLIPS: Record<'A' | 'B', FaceClipSpec> = {
  A: { subject: 0, frames: 24, fps: 10, size: 512, aaPeriod: 8, smilePeriod: 12, smilePhase: 0, blinkLeft: [5, 17], blinkRight: [11] },
  B: { subject: 1, frames: 24, fps: 10, size: 512, aaPeriod: 7, smilePeriod: 10, smilePhase: 3, blinkLeft: [3, 15, 20], blinkRight: [9, 15] },
};

/** frames×4 weights (FACE_CLIP_CHANNELS) of a clip's script. */
export function faceClipWeights(s: FaceClipSpec): Float32Array {
  const C = FACE_CLIP_CHANNELS.length, w = new Float32Array(s.frames * C);
  for (let f = 0; f < s.frames; f++) {
    w[f * C] = Math.max(0, Math.sin((2 * Math.PI * f) / s.aaPeriod));
    w[f * C + 1] = Math.max(0, -Math.sin((2 * Math.PI * (f + s.smilePhase)) / s.smilePeriod));
    w[f * C + 2] = s.blinkLeft.includes(f) ? 1 : 0;
    w[f * C + 3] = s.blinkRight.includes(f) ? 1 : 0;
  }
  return w;
}

/** Renders a face clip (idle motion, supersampled 2×) with its true weights. */
export function renderFaceClip(s: FaceClipSpec): CaptureClip & { weights: Float32Array } {
  const weights = faceClipWeights(s);
  const clip = renderCaptureClip({ subject: s.subject, motion: 'idle', fps: s.fps, frames: s.frames, size: s.size, supersample: 2, expressions: { names: [...FACE_CLIP_CHANNELS], weights } });
  return { ...clip, weights };
}

/** Pearson correlation of two equal-length series (NaN when either is constant). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]! / n; mb += b[i]! / n; }
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { sab += (a[i]! - ma) * (b[i]! - mb); saa += (a[i]! - ma) ** 2; sbb += (b[i]! - mb) ** 2; }
  return sab / Math.sqrt(saa * sbb);
}

/** Per-channel correlation of captured weights (frames×names.length, channel order `names`) with a clip's truth. */
export function faceClipCorrelations(names: readonly string[], weights: Float32Array, truth: Float32Array): Record<string, number> {
  const C = FACE_CLIP_CHANNELS.length, K = names.length, F = truth.length / C;
  const out: Record<string, number> = {};
  FACE_CLIP_CHANNELS.forEach((n, c) => {
    const k = names.indexOf(n);
    out[n] = k < 0 ? NaN : pearson(Float32Array.from({ length: F }, (_, f) => weights[f * K + k]!), Float32Array.from({ length: F }, (_, f) => truth[f * C + c]!));
  });
  return out;
}
