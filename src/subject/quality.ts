/**
 * The one quality table: what each `--quality` preset means for every stage (fit, texture, generate, train,
 * preview). `persona create`, the single-stage commands (`persona fit|texture|generate|train`), the web
 * service and the benchmarks all read it; an explicit `--size`, `--frames` or `--iterations` only overrides
 * it. It lives in `subject/` (low in the layer order) so that every stage can read it.
 *
 * `test` is for CI: tiny everything, seconds. `standard` has the paper's avatar sizes (PERSONA, Sim & Moon,
 * ICCV 2025; code PERSONA_RELEASE avatar/main/config.py). PERSONA's generated video has hundreds of frames;
 * on two CPU cores we generate a few per motion and say so (docs/generate.md).
 */
import { PersonaError } from '../core/errors.js';

/** Quality presets: `test` (tiny, seconds; for tests), `fast`, `standard` (the paper's sizes), `high`. */
export type PresetName = 'test' | 'fast' | 'standard' | 'high';

/** Every preset name, smallest first. */
export const PRESET_NAMES: readonly PresetName[] = ['test', 'fast', 'standard', 'high'];

/** The preset of a command or library call that names none. */
export const DEFAULT_PRESET: PresetName = 'standard';

/** The avatar's size (a preset chooses it; the paper's values are those of `standard`). */
export interface AvatarShape {
  /** Template subdivisions: PERSONA subdivides SMPL-X twice (~167k Gaussians). */
  subdivisions: number;
  /** Triplane (code: triplane_shape = (32, 128, 128), triplane_shape_3d = 2 m). */
  triplaneChannels: number;
  triplaneResolution: number;
  triplaneExtent: number;
  /** Hidden widths of the pose-offset MLP (code: [.., 128, 128, 128, 3]). */
  mlpHidden: number[];
  /** GroupNorm groups (code: nn.GroupNorm(4, ·)). */
  mlpGroups: number;
  /** Output scale of the MLP: offsets = MLP(·)/100 (code: get_mean_offset_offset). */
  mlpOutputScale: number;
  /** Training render size (longer side, pixels). */
  renderSize: number;
}

/** What one preset sets, stage by stage. */
export interface QualityPreset {
  fit: {
    /** Scale of the fit's iteration counts (src/fit/config.ts holds the counts). */
    iterationScale: number;
  };
  texture: {
    /** Texture side (texels). */
    size: number;
  };
  generate: {
    /** Generated frames per motion clip. */
    framesPerClip: number;
    /** Long side of the generated frames (pixels). */
    size: number;
  };
  train: {
    /** Epochs (paper, code cfg.end_epoch: 5; `fast` runs four, `test` one). */
    epochs: number;
    /** Avatar sizes. */
    avatar: Readonly<AvatarShape>;
  };
  preview: {
    /** `create`'s preview: turntable views, and the side of the turntable views and of the dance GIF (pixels). */
    views: number;
    size: number;
    /** Frames per second of the preview GIF. */
    fps: number;
  };
}

/** The paper's pose-offset network (code: module.py, 3 hidden layers of 128, GroupNorm(4), output ÷100). */
const PAPER_MLP = { mlpHidden: [128, 128, 128], mlpGroups: 4, mlpOutputScale: 0.01 } as const;
/**
 * `fast`'s pose-offset network: the paper's three hidden layers at half the width (64). The MLP was 21 % of a
 * `fast` training step at 128 (bench:train on the demo subject, 2026-12-06: forward + backward 132 of 632 ms);
 * at 64 it costs about 45 % of that (issue #23). Quality effect measured on the synthetic benchmark
 * (docs/benchmarks.md, "Pose-offset network width at fast").
 */
const FAST_MLP_HIDDEN = [64, 64, 64];
/**
 * `fast` trains 4 epochs, not the paper's 5 (demo: 192 iterations instead of 240, 20 s less at 0.42 s/iteration;
 * issue #23's two-minute demo). Measured on the synthetic benchmark with the product's generator, subjects 0, 2, 4,
 * the demo's 3 clips × 8 frames (docs/train-numerics.md, "Four epochs at fast"): novel-view whole-image PSNR equal
 * or better at 4 (+0.02 to +0.09 dB, IoU +0.001 to +0.003), the photo view 0.14–0.33 dB lower.
 */
const FAST_EPOCHS = 4;

/**
 * The table. Avatar sizes: `standard` is the paper's (two subdivisions ≈ 167k Gaussians on SMPL-X, triplane
 * 3×32×128² over 2 m, MLP 128³); `fast` subdivides once (~40k Gaussians) and halves the triplane; `test` is
 * tiny so a whole training runs in seconds; `high` renders larger. The other stages' sizes are ours, chosen
 * for two CPU cores.
 */
export const QUALITY: Readonly<Record<PresetName, Readonly<QualityPreset>>> = {
  test: {
    fit: { iterationScale: 0.25 },
    texture: { size: 128 },
    generate: { framesPerClip: 2, size: 128 },
    train: { epochs: 1, avatar: { subdivisions: 0, triplaneChannels: 4, triplaneResolution: 16, triplaneExtent: 2, mlpHidden: [16, 16], mlpGroups: 4, mlpOutputScale: 0.01, renderSize: 64 } },
    preview: { views: 8, size: 96, fps: 6 },
  },
  fast: {
    fit: { iterationScale: 1 },
    texture: { size: 1024 },
    generate: { framesPerClip: 8, size: 512 },
    train: { epochs: FAST_EPOCHS, avatar: { subdivisions: 1, triplaneChannels: 16, triplaneResolution: 64, triplaneExtent: 2, ...PAPER_MLP, mlpHidden: FAST_MLP_HIDDEN, renderSize: 384 } },
    preview: { views: 8, size: 256, fps: 15 },
  },
  standard: {
    fit: { iterationScale: 1 },
    texture: { size: 1024 },
    generate: { framesPerClip: 16, size: 768 },
    train: { epochs: 5, avatar: { subdivisions: 2, triplaneChannels: 32, triplaneResolution: 128, triplaneExtent: 2, ...PAPER_MLP, mlpHidden: [...PAPER_MLP.mlpHidden], renderSize: 512 } },
    preview: { views: 8, size: 384, fps: 20 },
  },
  high: {
    fit: { iterationScale: 1.5 },
    texture: { size: 1024 },
    generate: { framesPerClip: 24, size: 1024 },
    train: { epochs: 5, avatar: { subdivisions: 2, triplaneChannels: 32, triplaneResolution: 128, triplaneExtent: 2, ...PAPER_MLP, mlpHidden: [...PAPER_MLP.mlpHidden], renderSize: 1024 } },
    preview: { views: 8, size: 512, fps: 30 },
  },
};

/** Whether a string names a preset. */
export function isPresetName(v: unknown): v is PresetName {
  return typeof v === 'string' && (PRESET_NAMES as readonly string[]).includes(v);
}

/** The preset named (the default preset when none is), or a PersonaError (exit code 2) naming the presets. */
export function qualityPreset(name: string = DEFAULT_PRESET): Readonly<QualityPreset> {
  if (!isPresetName(name)) throw new PersonaError(`unknown quality preset "${name}"`, { hint: `use one of: ${PRESET_NAMES.join(', ')}`, exitCode: 2 });
  return QUALITY[name];
}
