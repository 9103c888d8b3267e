import type { Command } from 'commander';
import { dirname } from 'node:path';
import { loadAvatar } from '../avatar/bundle.js';
import { ensureDir } from '../core/atomic.js';
import { yieldToSignals } from '../core/cancel.js';
import { PersonaError } from '../core/errors.js';
import { EXPORT_FORMATS, exportAvatar, formatFromPath, type ExportFormat } from '../export/export.js';
import { poseWithExpression, resolvePose, loadMotionArg } from '../animate/motionArg.js';
import { avatarRestSkeleton, bindMotion, framePose } from '../animate/poses.js';
import { parseFrame } from './render.js';
import { SPLAT_UPS, type SplatUp } from '../export/frame.js';
import { REST_POSES, type RestPoseKind } from '../export/glb.js';
import { exportSplatAnimation } from '../export/splatAnimation.js';
import { SKELETON_NAMINGS, type SkeletonNaming } from '../export/skeletonNames.js';
import { SPZ_VERSIONS, DEFAULT_SPZ_VERSION, type SpzVersion } from '../export/splatFormats.js';
import { progressFrom } from './context.js';

/** `persona export <avatar-dir> --format F --out FILE [--pose P | --motion M --frame K] [--rigged]` */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export an avatar as a splat file (PLY, SPZ, SOG, SPLAT), its body mesh as GLB, or a VRM 1.0 humanoid avatar')
    .argument('<avatar-dir>', 'avatar folder (or a subject folder with avatar/)')
    .requiredOption('-o, --out <file>', 'file to write')
    .option('-f, --format <format>', `${EXPORT_FORMATS.join(', ')} (default: from the --out extension), or splat-anim (a folder of animated splats for Spark, with --motion)`)
    .option('--pose <name>', 'rest, or a builtin motion name (name@frame picks a frame)')
    .option('--motion <motion>', 'pose from this motion (builtin or file) at --frame; with --rigged GLB, also its animation')
    .option('--frame <k>', 'frame of --motion (default: the middle one)', (v: string) => parseFrame(v))
    .option('--expression <expr>', 'splat formats and baked GLB: a named expression (smile, aa, …; docs/avatar.md) or unit=weight pairs')
    .option('--rigged', 'GLB: a skinned mesh with the joint hierarchy (instead of baked positions)')
    .option('--skeleton <naming>', `rigged GLB: joint names, ${SKELETON_NAMINGS.join(', ')} (default unreal)`)
    .option('--rest <pose>', 'rigged GLB: rest (bind) pose, apose (the body\'s own, default) or tpose (arms straight out)')
    .option('--author <name>', 'VRM: meta author (default "unknown")')
    .option('--licence <url>', 'VRM: URL of the licence you grant (meta.otherLicenseUrl; permissions default to the most restrictive)')
    .option('--name <name>', 'VRM: meta name (default "Persona avatar")')
    .option('--no-texture', 'GLB: vertex colours only (default: a baked base-colour texture with UVs, vertex colours kept as _COLOR_0)')
    .option('--up <axis>', 'splat formats: -y (3DGS capture frame, Y down, what splat viewers expect; default) or y (the avatar\'s Y-up frame)')
    .option('--spz-version <n>', `SPZ: ${SPZ_VERSIONS.join(', ')} (default ${DEFAULT_SPZ_VERSION}: gzip, read by current web viewers; 4 = ZSTD, the newest)`)
    .action(async (dir: string, opts: { expression?: string; out: string; format?: string; pose?: string; motion?: string; frame?: number; rigged?: boolean; author?: string; licence?: string; name?: string; rest?: string; texture?: boolean; skeleton?: string; up?: string; spzVersion?: string }, cmd: Command) => {
      const progress = progressFrom(cmd);
      if (opts.format?.toLowerCase() === 'splat-anim') {
        // animated splats for Spark: a folder (splatAnimation.ts)
        if (opts.motion === undefined || opts.frame !== undefined) throw new PersonaError('--format splat-anim needs --motion (the whole motion; no --frame).', { exitCode: 2 });
        const avatar = await loadAvatar(dir);
        const m = await loadMotionArg(opts.motion, avatarRestSkeleton(avatar));
        const b = bindMotion(m, avatar);
        const poses = Array.from({ length: m.frameCount }, (_, k) => framePose(b, k));
        const bytes = await exportSplatAnimation(avatar, opts.out, { name: m.name, fps: m.fps, poses });
        progress.info(`export: ${avatar.header.gaussianCount} Gaussians × ${m.frameCount} frames → ${opts.out}/ (animated splats for Spark, ${(bytes / 1024).toFixed(0)} KiB)`);
        return;
      }
      const format = (opts.format?.toLowerCase() ?? formatFromPath(opts.out)) as ExportFormat | undefined;
      if (!format || !(EXPORT_FORMATS as readonly string[]).includes(format))
        throw new PersonaError(opts.format ? `Unknown --format "${opts.format}".` : `Cannot tell the format from "${opts.out}".`, {
          hint: `Use --format with one of: ${EXPORT_FORMATS.join(', ')}.`,
          exitCode: 2,
        });
      if (opts.rigged && format !== 'glb') throw new PersonaError('--rigged applies to --format glb only.', { exitCode: 2 });
      if (opts.skeleton !== undefined && !(SKELETON_NAMINGS as readonly string[]).includes(opts.skeleton))
        throw new PersonaError(`Unknown --skeleton "${opts.skeleton}".`, { hint: `Use one of: ${SKELETON_NAMINGS.join(', ')}.`, exitCode: 2 });
      if ((opts.author ?? opts.licence ?? opts.name) !== undefined && format !== 'vrm') throw new PersonaError('--author, --licence and --name apply to --format vrm only.', { exitCode: 2 });
      if (format === 'vrm' && (opts.pose ?? opts.motion) !== undefined) throw new PersonaError('VRM holds the avatar in its T-pose rest; --pose and --motion do not apply.', { hint: 'Use --rigged GLB for a posed or animated export.', exitCode: 2 });
      if (opts.rest !== undefined && !(REST_POSES as readonly string[]).includes(opts.rest))
        throw new PersonaError(`Unknown --rest "${opts.rest}".`, { hint: `Use one of: ${REST_POSES.join(', ')}.`, exitCode: 2 });
      if (opts.rest !== undefined && !opts.rigged) throw new PersonaError('--rest applies to --rigged GLB only.', { exitCode: 2 });
      if (opts.skeleton !== undefined && !opts.rigged) throw new PersonaError('--skeleton applies to --rigged GLB only.', { exitCode: 2 });
      if (opts.up !== undefined && !(SPLAT_UPS as readonly string[]).includes(opts.up))
        throw new PersonaError(`Unknown --up "${opts.up}".`, { hint: 'Use --up -y (Y down, the 3DGS capture frame) or --up y.', exitCode: 2 });
      if (opts.up !== undefined && format === 'glb') throw new PersonaError('--up applies to the splat formats (ply, spz, sog, splat); GLB is always Y-up as glTF requires.', { exitCode: 2 });
      const spzVersion = opts.spzVersion === undefined ? undefined : Number(opts.spzVersion);
      if (spzVersion !== undefined && !(SPZ_VERSIONS as readonly number[]).includes(spzVersion))
        throw new PersonaError(`Unknown --spz-version "${opts.spzVersion}".`, { hint: `Use one of: ${SPZ_VERSIONS.join(', ')}.`, exitCode: 2 });
      if (spzVersion !== undefined && format !== 'spz') throw new PersonaError('--spz-version applies to --format spz only.', { exitCode: 2 });
      await ensureDir(dirname(opts.out)); // a bad output folder fails before the work
      const avatar = await loadAvatar(dir);
      if (opts.expression !== undefined && (opts.rigged || format === 'vrm'))
        throw new PersonaError('--expression applies to the splat formats and the baked GLB; rigged GLB and VRM do not carry expressions yet.', { exitCode: 2 });
      let pose = await resolvePose(avatar, { pose: opts.pose, motion: opts.motion, frame: opts.frame });
      if (opts.expression !== undefined) pose = poseWithExpression(avatar, pose, opts.expression);
      await yieldToSignals(undefined, 'export');
      let animation: { name: string; fps: number; poses: ReturnType<typeof framePose>[] } | undefined;
      if (opts.rigged && opts.motion !== undefined && opts.frame === undefined) {
        const m = await loadMotionArg(opts.motion, avatarRestSkeleton(avatar));
        const b = bindMotion(m, avatar);
        animation = { name: m.name, fps: m.fps, poses: Array.from({ length: m.frameCount }, (_, k) => framePose(b, k)) };
      }
      await yieldToSignals(undefined, 'export');
      const bytes = await exportAvatar(avatar, opts.out, { format, pose, rigged: opts.rigged, animation, vrm: { author: opts.author, licence: opts.licence, name: opts.name }, rest: opts.rest as RestPoseKind | undefined, texture: opts.texture, skeleton: opts.skeleton as SkeletonNaming | undefined, up: opts.up as SplatUp | undefined, spzVersion: spzVersion as SpzVersion | undefined });
      progress.info(`export: ${avatar.header.gaussianCount} Gaussians → ${opts.out} (${format.toUpperCase()}, ${(bytes / 1024).toFixed(0)} KiB)`);
    });
}
