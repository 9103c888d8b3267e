/**
 * What each `--quality` means across stages (training sizes live in src/train/config.ts presets).
 * `test` is for CI: tiny everything, seconds. PERSONA's generated video has hundreds of frames; on two
 * CPU cores we use a few per motion and say so.
 */
import type { PresetName } from '../train/index.js';

/** Per-stage settings of a quality level. */
export interface QualitySettings {
  preset: PresetName;
  /** Texture side (texels). */
  textureSize: number;
  /** Generated frames per motion clip. */
  framesPerClip: number;
  /** Long side of generated frames (pixels). */
  generatedSize: number;
  /** Scale of the fit's iteration counts. */
  fitIterationScale: number;
  /** Preview: turntable views and GIF size/frames per second. */
  previewSize: number;
  previewFps: number;
}

export const QUALITY: Record<PresetName, QualitySettings> = {
  test: { preset: 'test', textureSize: 128, framesPerClip: 2, generatedSize: 128, fitIterationScale: 0.25, previewSize: 96, previewFps: 6 },
  fast: { preset: 'fast', textureSize: 1024, framesPerClip: 8, generatedSize: 512, fitIterationScale: 1, previewSize: 256, previewFps: 15 },
  standard: { preset: 'standard', textureSize: 1024, framesPerClip: 16, generatedSize: 768, fitIterationScale: 1, previewSize: 384, previewFps: 20 },
  high: { preset: 'high', textureSize: 1024, framesPerClip: 24, generatedSize: 1024, fitIterationScale: 1.5, previewSize: 512, previewFps: 30 },
};
