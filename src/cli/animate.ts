import { listNamedExpressions } from '../avatar/expression.js';
import type { Command } from 'commander';
import { loadAvatar } from '../avatar/bundle.js';
import { PersonaError } from '../core/errors.js';
import { animateAvatar, ANIMATE_DEFAULTS, FRAME_THREADS } from '../animate/animate.js';
import { CAMERA_MODES, type CameraMode } from '../animate/cameras.js';
import { loadMotionArg } from '../animate/motionArg.js';
import { avatarRestSkeleton } from '../animate/poses.js';
import type { Background } from '../animate/renderer.js';
import { shutdownRasterWorkers, SPLAT_ENGINES, type SplatEngine } from '../splat/index.js';
import { parsePositiveInt, progressFrom } from './context.js';

/** Parses --background: white, black, transparent or #rrggbb. */
export function parseBackground(value: string): Background {
  const v = value.toLowerCase();
  if (v === 'transparent') return 'transparent';
  if (v === 'white') return [1, 1, 1];
  if (v === 'black') return [0, 0, 0];
  const m = /^#?([0-9a-f]{6})$/.exec(v);
  if (m) {
    const n = parseInt(m[1]!, 16);
    return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
  }
  throw new PersonaError(`--background must be white, black, transparent or #rrggbb (got "${value}").`, { exitCode: 2 });
}

function parseCamera(value: string): CameraMode {
  if (!(CAMERA_MODES as readonly string[]).includes(value))
    throw new PersonaError(`--camera must be one of ${CAMERA_MODES.join(', ')} (got "${value}").`, { exitCode: 2 });
  return value as CameraMode;
}

function parseEngine(value: string): SplatEngine {
  if (!(SPLAT_ENGINES as readonly string[]).includes(value))
    throw new PersonaError(`--engine must be one of ${SPLAT_ENGINES.join(', ')} (got "${value}").`, { exitCode: 2 });
  return value as SplatEngine;
}

/** `persona animate <avatar-dir> --motion M --out OUT` */
export function registerAnimate(program: Command): void {
  program
    .command('animate')
    .description('drive an avatar with a motion and render it to a GIF, an MP4 (needs ffmpeg) or PNG frames')
    .argument('<avatar-dir>', 'avatar folder (or a subject folder with avatar/)')
    .requiredOption('-m, --motion <motion>', 'builtin motion name, or a .bvh / .json / .npz motion file')
    .requiredOption('-o, --out <path>', 'file.gif, file.mp4, or a folder/ for PNG frames')
    .option('--camera <mode>', `camera path: ${CAMERA_MODES.join(', ')}`, parseCamera, ANIMATE_DEFAULTS.camera)
    .option('--size <px>', 'square frame size', parsePositiveInt('size'), ANIMATE_DEFAULTS.size)
    .option('--fps <n>', 'output frame rate (the motion is resampled)', parsePositiveInt('fps'), ANIMATE_DEFAULTS.fps)
    .option('--background <bg>', 'white, black, transparent or #rrggbb', parseBackground, ANIMATE_DEFAULTS.background)
    .option('--no-pose-offsets', 'skip the pose-driven offset network (skinning only; much faster preview)')
    .option('--engine <engine>', 'rasterizer: fast (forward-only) or reference (the training rasterizer run forward)', parseEngine, 'fast')
    .option('--expression <expr>', `face held for the whole clip: ${listNamedExpressions().join(', ')}, or unit=weight pairs (e.g. mouth-open=0.5,jaw=0.2)`)
    .option('--threads <n>', `frames rendered at once (default ${FRAME_THREADS}, capped by the cores; 1 renders on one thread)`, parsePositiveInt('threads'))
    .action(async (dir: string, opts: { expression?: string; threads?: number; motion: string; out: string; camera: CameraMode; size: number; fps: number; background: Background; engine: SplatEngine; poseOffsets: boolean }, cmd: Command) => {
      const progress = progressFrom(cmd);
      const avatar = await loadAvatar(dir);
      const motion = await loadMotionArg(opts.motion, avatarRestSkeleton(avatar));
      try {
        const r = await animateAvatar(avatar, motion, {
          out: opts.out, camera: opts.camera, size: opts.size, fps: opts.fps, background: opts.background, progress, engine: opts.engine, poseOffsets: opts.poseOffsets, frameThreads: opts.threads,
          ...(opts.expression !== undefined ? { expression: opts.expression } : {}),
        });
        progress.info(`animate: ${r.frames} frames of "${motion.name}" → ${opts.out} (${r.kind}, ${(r.frames / r.seconds).toFixed(1)} frames/s)`);
      } finally {
        if (opts.engine === 'reference') shutdownRasterWorkers();
      }
    });
}
