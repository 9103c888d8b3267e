import type { Command } from 'commander';
import { dirname } from 'node:path';
import { loadAvatar } from '../avatar/bundle.js';
import { ensureDir } from '../core/atomic.js';
import { yieldToSignals } from '../core/cancel.js';
import { PersonaError } from '../core/errors.js';
import { EXPORT_FORMATS, exportAvatar, formatFromPath, type ExportFormat } from '../export/export.js';
import { resolvePose, loadMotionArg } from '../animate/motionArg.js';
import { avatarRestSkeleton, bindMotion, framePose } from '../animate/poses.js';
import { parseFrame } from './render.js';
import { progressFrom } from './context.js';

/** `persona export <avatar-dir> --format F --out FILE [--pose P | --motion M --frame K] [--rigged]` */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export an avatar as a splat file (PLY, SPZ, SOG, SPLAT) or its body mesh as GLB')
    .argument('<avatar-dir>', 'avatar folder (or a subject folder with avatar/)')
    .requiredOption('-o, --out <file>', 'file to write')
    .option('-f, --format <format>', `${EXPORT_FORMATS.join(', ')} (default: from the --out extension)`)
    .option('--pose <name>', 'rest, or a builtin motion name (name@frame picks a frame)')
    .option('--motion <motion>', 'pose from this motion (builtin or file) at --frame; with --rigged GLB, also its animation')
    .option('--frame <k>', 'frame of --motion (default: the middle one)', (v: string) => parseFrame(v))
    .option('--rigged', 'GLB: a skinned mesh with the joint hierarchy (instead of baked positions)')
    .action(async (dir: string, opts: { out: string; format?: string; pose?: string; motion?: string; frame?: number; rigged?: boolean }, cmd: Command) => {
      const progress = progressFrom(cmd);
      const format = (opts.format?.toLowerCase() ?? formatFromPath(opts.out)) as ExportFormat | undefined;
      if (!format || !(EXPORT_FORMATS as readonly string[]).includes(format))
        throw new PersonaError(opts.format ? `Unknown --format "${opts.format}".` : `Cannot tell the format from "${opts.out}".`, {
          hint: `Use --format with one of: ${EXPORT_FORMATS.join(', ')}.`,
          exitCode: 2,
        });
      if (opts.rigged && format !== 'glb') throw new PersonaError('--rigged applies to --format glb only.', { exitCode: 2 });
      await ensureDir(dirname(opts.out)); // a bad output folder fails before the work
      const avatar = await loadAvatar(dir);
      const pose = await resolvePose(avatar, { pose: opts.pose, motion: opts.motion, frame: opts.frame });
      await yieldToSignals(undefined, 'export');
      let animation: { name: string; fps: number; poses: ReturnType<typeof framePose>[] } | undefined;
      if (opts.rigged && opts.motion !== undefined && opts.frame === undefined) {
        const m = await loadMotionArg(opts.motion, avatarRestSkeleton(avatar));
        const b = bindMotion(m, avatar);
        animation = { name: m.name, fps: m.fps, poses: Array.from({ length: m.frameCount }, (_, k) => framePose(b, k)) };
      }
      await yieldToSignals(undefined, 'export');
      const bytes = await exportAvatar(avatar, opts.out, { format, pose, rigged: opts.rigged, animation });
      progress.info(`export: ${avatar.header.gaussianCount} Gaussians → ${opts.out} (${format.toUpperCase()}, ${(bytes / 1024).toFixed(0)} KiB)`);
    });
}
