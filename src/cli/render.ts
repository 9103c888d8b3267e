import type { Command } from 'commander';
import { dirname } from 'node:path';
import { loadAvatar } from '../avatar/bundle.js';
import { ensureDir } from '../core/atomic.js';
import { PersonaError } from '../core/errors.js';
import { turntable } from '../animate/animate.js';
import { poseWithExpression, resolvePose } from '../animate/motionArg.js';
import { writeImagePng } from '../animate/sinks.js';
import { parseBackground } from './animate.js';
import { parsePositiveInt, progressFrom } from './context.js';
import { parseQuality } from './stages.js';
import { DEFAULT_PRESET, PRESET_NAMES, QUALITY, type PresetName } from '../subject/index.js';

/** `persona render <avatar-dir> --pose NAME --views 8 --out sheet.png` */
export function registerRender(program: Command): void {
  program
    .command('render')
    .description('render a turntable contact sheet of an avatar in a pose')
    .argument('<avatar-dir>', 'avatar folder (or a subject folder with avatar/)')
    .requiredOption('-o, --out <file.png>', 'PNG contact sheet to write')
    .option('--pose <name>', 'rest, or a builtin motion name (name@frame picks a frame; default the middle one)', 'rest')
    .option('--motion <motion>', 'take the pose from this motion (builtin or file) at --frame')
    .option('--frame <k>', 'frame of --motion', (v: string) => parseFrame(v))
    .option('--expression <expr>', 'a named expression (smile, aa, …; docs/avatar.md) or unit=weight pairs')
    .option('--quality <q>', `preset whose preview views and size the sheet takes (${PRESET_NAMES.join('|')}; docs/cli.md)`, parseQuality, DEFAULT_PRESET)
    .option('--views <n>', 'views around the avatar (overrides the preset\'s)', parsePositiveInt('views'))
    .option('--size <px>', 'size of each view (overrides the preset\'s)', parsePositiveInt('size'))
    .option('--columns <n>', 'columns of the sheet (default min(views, 4))', parsePositiveInt('columns'))
    .option('--background <bg>', 'white, black or #rrggbb', parseBackground, [1, 1, 1])
    .action(async (dir: string, opts: { expression?: string; out: string; pose: string; motion?: string; frame?: number; quality: PresetName; views?: number; size?: number; columns?: number; background: [number, number, number] | 'transparent' }, cmd: Command) => {
      const progress = progressFrom(cmd);
      if (opts.background === 'transparent') throw new PersonaError('A contact sheet has no transparent background; use white, black or #rrggbb.', { exitCode: 2 });
      if (!/\.png$/i.test(opts.out)) throw new PersonaError(`--out must be a .png file (got "${opts.out}").`, { exitCode: 2 });
      await ensureDir(dirname(opts.out)); // a bad output folder fails before the work
      const avatar = await loadAvatar(dir);
      let pose = await resolvePose(avatar, opts.motion !== undefined ? { motion: opts.motion, frame: opts.frame } : { pose: opts.pose, frame: opts.frame });
      if (opts.expression !== undefined) pose = poseWithExpression(avatar, pose, opts.expression);
      const preview = QUALITY[opts.quality].preview;
      const views = opts.views ?? preview.views;
      const sheet = await turntable(avatar, pose, { views, size: opts.size ?? preview.size, background: opts.background, progress, ...(opts.columns ? { columns: opts.columns } : {}) });
      await writeImagePng(opts.out, sheet);
      progress.info(`render: ${views} views → ${opts.out} (${sheet.width}×${sheet.height})`);
    });
}

/** Parses an integer frame index (negative counts from the end). */
export function parseFrame(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new PersonaError(`--frame must be an integer (got "${v}").`, { exitCode: 2 });
  return n;
}
