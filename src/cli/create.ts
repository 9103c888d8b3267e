import type { Command } from 'commander';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { create, formatSummary } from '../pipeline/create.js';
import { packageRoot } from '../core/version.js';
import { DEFAULT_PRESET, PRESET_NAMES, type PresetName } from '../subject/index.js';
import { DEFAULT_MOTIONS } from '../generate/stage.js';
import { parseSeed, progressFrom } from './context.js';
import { parseList, parseQuality, parseSex } from './stages.js';
import type { SexChoice } from '../fit/phenotypePrior.js';

/** The embedded default photo of `persona demo`: a synthetic person rendered by our benchmark code. */
export function samplePhoto(): string {
  return join(packageRoot(), 'assets', 'samples', 'person.png');
}

/** `1 min 41 s` / `12.3 s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** `persona create <photo> --out <dir>` and `persona demo`. */
export function registerCreate(program: Command): void {
  program
    .command('create')
    .description('the whole pipeline: one photo → an animatable avatar, a turntable sheet and a dance GIF')
    .argument('<photo>', 'JPEG, PNG or WebP photo of one person, whole body visible')
    .requiredOption('-o, --out <dir>', 'subject folder to write (re-running resumes)')
    .option('--quality <q>', `${PRESET_NAMES.join('|')}: every stage's sizes (docs/cli.md)`, parseQuality, DEFAULT_PRESET)
    .option('--generator <name>', 'builtin or frames:<dir>', 'builtin')
    .option('--motions <list>', 'motions of the training video', parseList, [...DEFAULT_MOTIONS])
    .option('--body <spec>', 'default, or smplx:<path/to/SMPLX_NEUTRAL.npz> (not shipped: bring your own)', 'default')
    .option('--cloth-dynamics', 'builtin generator: simulate the clothed proxy\'s cloth and hair (XPBD; slower; docs/sim.md)')
    .option('--person <k>', 'which person when several are in the photo (0 = largest)', (v) => Number(v))
    .option('--sex <sex>', 'body-shape prior: male, female, or auto (from the face in the photo)', parseSex, 'auto')
    .option('--seed <n>', 'random seed', parseSeed, 0)
    .option('--force', 'redo every stage')
    .action(async (photo: string, o: { out: string; quality: PresetName; generator: string; motions: string[]; body: string; clothDynamics?: boolean; person?: number; sex: SexChoice; seed: number; force?: boolean }, cmd: Command) => {
      const progress = progressFrom(cmd);
      const s = await create(photo, o.out, { ...o, progress });
      process.stderr.write(`\n${formatSummary(s)}\n`);
    });
  program
    .command('demo')
    .description('make an avatar from the bundled sample photo (a synthetic person) at fast quality, then animate it')
    .option('-o, --out <dir>', 'where to write the demo subject folder', 'persona-demo')
    .option('--quality <q>', `${PRESET_NAMES.join('|')}`, parseQuality, 'fast')
    .action(async (o: { out: string; quality: PresetName }, cmd: Command) => {
      const progress = progressFrom(cmd);
      const t0 = Date.now(), load0 = loadavg()[0]!;
      progress.info(`demo: the sample photo ${samplePhoto()} is a synthetic person rendered by Persona's own benchmark code (no real photo ships with the package)`);
      const s = await create(samplePhoto(), o.out, { quality: o.quality, progress });
      process.stderr.write(`\n${formatSummary(s)}\n\nOpen ${s.preview.gif} to see the avatar dance, or run: npx persona view ${s.avatar}\n`);
      // Its own timing, so a user can compare with the README's figure (the machine's load changes it a lot).
      process.stderr.write(`demo: done in ${formatDuration((Date.now() - t0) / 1000)} at ${o.quality} quality; load average ${load0.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end, ${cpus().length} cores\n`);
    });
}
